"""Incident pages: the list with its map, one incident with each side's position, the report
form and the review queue.

Every page needs a signed-in user (VIEW_RECORD); every POST sits on a router
that checks the session's CSRF token first (auth.check_session_csrf). Each
form is read into the data the incident services take (incident_forms) and
the service, signed with the user's key unlocked for the session
(`ServerSigned(session.signer)`), decides: a refusal is a 403 page, a bad
value shows the form again with the field and the reason (400), a conflict
the same with 409; in every case nothing is written. Success redirects (303)
to the incident's page.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from truceline.bootstrap import App
from truceline.domain import event_types as vocab
from truceline.domain.accounts import MONITOR_PARTY, Role
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError
from truceline.domain.permissions import Action
from truceline.domain.reports import CREDIBILITY, RELIABILITY, Channel
from truceline.domain.verification import Stance, VerificationStatus
from truceline.entrypoints.web import (
    auth,
    incident_forms,
    incident_rows,
    incident_views,
    pages,
    patrol_pages,
)
from truceline.entrypoints.web.admin_pages import NO_STORE
from truceline.entrypoints.web.audit_views import ActorNames
from truceline.entrypoints.web.incident_forms import Fields
from truceline.entrypoints.web.page_kit import (
    Act,
    Build,
    FormFields,
    PageKit,
    Refused,
    common,
    submit,
)
from truceline.entrypoints.web.statement_views import said_about
from truceline.services import incidents, patrols, positions
from truceline.services.authorship import ServerSigned
from truceline.services.geography import Geography
from truceline.services.incident_queries import incident_view, list_incidents
from truceline.services.incident_store import IncidentFilter
from truceline.services.patrol_queries import get_patrol
from truceline.services.statement_queries import on_incident

PAGE_SIZE = 50
SEARCH_LIMIT = 8
FILTERS = (
    "date_from",
    "date_to",
    "zone",
    "responsible_party",
    "event_type",
    "status",
    "provision",
    "channel",
    "reporting_party",
)


def mount(api: FastAPI, app: App) -> None:
    """Add the incident pages (after pages.mount, which serves their static files)."""
    kit = PageKit(app)
    render = kit.render
    router = APIRouter(include_in_schema=False, dependencies=[Depends(auth.check_session_csrf)])

    def viewing(request: Request, build: Build) -> Response:
        return kit.viewing(request, build, missing="No such incident")

    # --- the list and the queue -------------------------------------------------------------

    @router.get("/incidents", response_class=HTMLResponse)
    def incident_list(request: Request, after: str = "") -> Response:
        query = {k: request.query_params.get(k, "").strip() for k in FILTERS}

        def build(session: auth.WebSession, geo: Geography) -> Response:
            agreement = geo.agreement
            context = common(geo) | {
                "filters": query,
                "event_types": list(vocab.EVENT_TYPES),
                "statuses": [str(s) for s in VerificationStatus],
                "channels": [str(c) for c in Channel],
                "provisions": [p.id for p in agreement.provisions],
                "reporting_parties": [
                    *((p.id, p.short_name or p.name) for p in agreement.parties),
                    (MONITOR_PARTY, "the monitor"),
                ],
            }
            try:
                where = incident_forms.list_filter(agreement.id, query)
                page = list_incidents(
                    app.uow(),
                    agreement,
                    where,
                    after=after or None,
                    limit=PAGE_SIZE,
                    with_total=True,
                )
            except InputError as error:
                context |= {"error": error, "rows": [], "points": [], "total": 0}
                return render(request, "incidents.html", context, status=400)
            rows = [incident_rows.incident_row(agreement, r) for r in page.items]
            kept = {k: v for k, v in query.items() if v}
            context |= {
                "rows": rows,
                "points": incident_rows.map_points(rows),
                "total": page.total,
                "next_query": kept | {"after": page.next_cursor} if page.next_cursor else None,
                "first_query": kept if after else None,
                "may_report": may_report(session),
                "may_review": may_state_position(session),
            }
            return render(request, "incidents.html", context)

        return viewing(request, build)

    @router.get("/incidents/queue", response_class=HTMLResponse)
    def queue(request: Request) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            agreement = geo.agreement
            party = session.user.party
            if party is None or not may_state_position(session):
                raise Refused(
                    f"{session.user.username} records no positions, so has no review queue"
                )
            where = IncidentFilter(agreement.id, awaiting=party)
            page = list_incidents(app.uow(), agreement, where, limit=PAGE_SIZE, with_total=True)
            rows = [incident_rows.incident_row(agreement, r) for r in page.items]
            context = common(geo) | {
                "rows": rows,
                "total": page.total,
                "party_name": speaker(agreement, party),
                "more": page.next_cursor is not None,
            }
            return render(request, "queue.html", context)

        return viewing(request, build)

    # --- the report form --------------------------------------------------------------------

    def report_form(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        *,
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        agreement = geo.agreement
        party = session.user.party
        monitor = session.user.role is Role.MONITOR
        query = request.query_params
        q = query.get("q", "").strip()[: pages.MAX_QUERY_LENGTH]
        found = geo.search_places(q, limit=SEARCH_LIMIT) if q else []
        party_label = speaker(agreement, party)
        defaults = {
            "lon": query.get("lon", ""),
            "lat": query.get("lat", ""),
            "place": query.get("place", ""),
            "geo_precision": "1" if query.get("place") else "2",
            "channel": incident_forms.default_channel(party),
            "source_name": incident_forms.source_name_for(party_label, str(session.user.role)),
            "language": "en",
            "grade_reliability": "F",
            "grade_credibility": "6",
            "date_start": query.get("date_start", "") or app.now().date().isoformat(),
            "fatalities_best": "0",
            "monitoring": query.get("monitoring", ""),
            "patrol": query.get("patrol", ""),
        }
        context = common(geo) | {
            "entered": defaults | (entered or {}),
            "problem": incident_forms.problem_of(error),
            "q": q,
            "found": [m.place for m in found if m.place.has_coordinates],
            "event_types": vocab.EVENT_TYPES,
            "monitoring_fits": {str(k): v for k, v in vocab.MONITORING_FITS.items()},
            "inter_codes": vocab.INTER_CODES,
            "channels": incident_forms.channel_choices(monitor),
            "reliability": RELIABILITY,
            "credibility": CREDIBILITY,
            "party_label": party_label,
            "earliest": incidents.agreement_start(agreement).isoformat(),
            "today": app.now().date().isoformat(),
        }
        return render(request, "report_form.html", context, status=status)

    @router.get("/incidents/new", response_class=HTMLResponse)
    def new_incident(request: Request) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            check_may_report(session)
            return report_form(request, session, geo)

        return viewing(request, build)

    @router.post("/incidents/new")
    def report(request: Request, fields: FormFields) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            check_may_report(session)
            patrol_id = fields.text("patrol")
            try:
                if patrol_id:  # checked first: the incident is linked to it once reported
                    patrol = get_patrol(app.uow(), geo.agreement.id, patrol_id)
                    patrol_pages.check_may_link(session, patrol)
                data = {
                    "report": incident_forms.report_part(fields, session.user.party, app.now()),
                    "incident": incident_forms.incident_part(fields, geo),
                }
                done = incidents.report_incident(
                    app.uow(),
                    session.actor,
                    ServerSigned(session.signer),
                    app.enricher(geo.agreement.id),
                    data,
                    app.now(),
                    policy=app.duplicate_policy,
                    now=app.now,
                )
            except (InputError, ConflictError) as error:
                status = 409 if isinstance(error, ConflictError) else 400
                entered = fields.entered()
                return report_form(
                    request, session, geo, entered=entered, error=error, status=status
                )
            incident_id = done.record.incident.id
            if patrol_id:
                patrols.link_incident(
                    app.uow(),
                    session.actor,
                    ServerSigned(session.signer),
                    geo.agreement,
                    patrol_id,
                    incident_id,
                    app.now(),
                    now=app.now,
                )
                return patrol_pages.redirect(patrol_id, anchor="patrol-incidents")
            return redirect(incident_id)

        return viewing(request, build)

    # --- one incident -----------------------------------------------------------------------

    def incident_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        incident_id: str,
        *,
        form: str = "",
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        agreement = geo.agreement
        view = incident_view(app.uow(), agreement, incident_id)
        shown = incident_views.incident_page(agreement, view, ActorNames(app))
        party = session.user.party
        monitor = session.user.role is Role.MONITOR
        latest = incident_views.own_latest(view, party, monitor=monitor)
        position_defaults = incident_views.position_defaults(latest)
        open_ = shown.merged_into is None
        parties = [(p.id, p.short_name or p.name) for p in agreement.parties]
        context = common(geo) | {
            "incident": shown,
            "form": form,
            "entered": entered or {},
            "problem": incident_forms.problem_of(error),
            "position_defaults": position_defaults,
            "next_version": (latest.version + 1) if latest else 1,
            "may_position": open_ and may_state_position(session),
            "monitor": monitor,
            "party_label": speaker(agreement, party),
            "may_report": open_ and may_report(session),
            "may_consolidate": open_ and session.can(Action.CONSOLIDATE_INCIDENTS),
            "stances": [(str(s), incident_views.STANCE_WORDS[s]) for s in Stance],
            "held_choices": incident_forms.held_choices(parties, shown.actors),
            "channels": incident_forms.channel_choices(monitor),
            "default_channel": incident_forms.default_channel(party),
            "reliability": RELIABILITY,
            "credibility": CREDIBILITY,
            "default_source": incident_forms.source_name_for(
                speaker(agreement, party), str(session.user.role)
            ),
            # Statements: the joint statements and each party's claims naming it.
            "said": said_about(agreement, on_incident(app.uow(), agreement.id, incident_id)),
        }
        return render(request, "incident.html", context, status=status)

    @router.get("/incidents/{incident_id}", response_class=HTMLResponse)
    def incident(request: Request, incident_id: str) -> Response:
        return viewing(
            request, lambda session, geo: incident_page(request, session, geo, incident_id)
        )

    def acting(
        request: Request,
        incident_id: str,
        fields: Fields,
        form: str,
        act: Act,
        *,
        go_to: Callable[[], str] | None = None,
    ) -> Response:
        """Run a form's command; on a bad value show the incident page again with the reason."""
        return submit(
            kit,
            request,
            act,
            again=lambda session, geo, error, status: incident_page(
                request,
                session,
                geo,
                incident_id,
                form=form,
                entered=fields.entered(),
                error=error,
                status=status,
            ),
            done=lambda: redirect(go_to() if go_to else incident_id, anchor=form),
            missing="No such incident",
        )

    @router.post("/incidents/{incident_id}/position")
    def position(request: Request, incident_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> object:
            return positions.record_position(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                incident_id,
                incident_forms.position_data(fields),
                app.now(),
                now=app.now,
            )

        return acting(request, incident_id, fields, "position", act)

    @router.post("/incidents/{incident_id}/reports")
    def attach(request: Request, incident_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> object:
            report = incident_forms.report_part(fields, session.user.party, app.now())
            return incidents.add_report(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                incident_id,
                {"report": report},
                app.now(),
                now=app.now,
            )

        return acting(request, incident_id, fields, "reports", act)

    @router.post("/incidents/{incident_id}/merge")
    def merge(request: Request, incident_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> object:
            absorbed = fields.text("absorbed")
            if not absorbed:
                raise InputError("absorbed", "name the incident to merge into this one")
            return incidents.merge(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                incident_id,
                absorbed,
                fields.text("note"),
                app.now(),
                now=app.now,
            )

        return acting(request, incident_id, fields, "consolidate", act)

    @router.post("/incidents/{incident_id}/split")
    def split(request: Request, incident_id: str, fields: FormFields) -> Response:
        created: list[str] = []

        def act(session: auth.WebSession, geo: Geography) -> object:
            chosen = fields.all("report_ids")
            if not chosen:
                raise InputError("report_ids", "tick the reports to move to a new incident")
            done = incidents.split(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                incident_id,
                chosen,
                None,
                fields.text("note"),
                app.now(),
                now=app.now,
            )
            created.append(str(done.event.data["new_id"]))
            return done

        return acting(request, incident_id, fields, "consolidate", act, go_to=lambda: created[0])

    api.include_router(router)


def speaker(agreement: Agreement, party: str | None) -> str:
    """Whom a user speaks for: their party's short name, or the monitor."""
    if party == MONITOR_PARTY:
        return "The monitor"
    return pages.party_name(agreement, party) if party else "no party"


def redirect(incident_id: str, anchor: str = "") -> Response:
    target = f"/incidents/{incident_id}" + (f"#{anchor}" if anchor else "")
    return RedirectResponse(target, status_code=303, headers=NO_STORE)


def may_report(session: auth.WebSession) -> bool:
    return session.user.party is not None and session.can(
        Action.REPORT_INCIDENT, session.user.party
    )


def check_may_report(session: auth.WebSession) -> None:
    if not may_report(session):
        raise Refused(f"{session.user.username} ({session.user.role}) may not report incidents")


def may_state_position(session: auth.WebSession) -> bool:
    """Whether the viewer records their party's position (or, a monitor, the verdict)."""
    party = session.user.party
    if party is None:
        return False
    if session.user.role is Role.MONITOR:
        return session.can(Action.RECORD_MONITOR_VERDICT, party)
    return session.can(Action.RECORD_POSITION, party)
