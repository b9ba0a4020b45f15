"""Patrol pages: the calendar and list, one patrol with its route, track and timeline, forms.

Every page needs a signed-in user who may view records; every POST sits on a
router that checks the session's CSRF token first. A form is read into the
data the patrol services take (patrol_forms) and the service, signed with the
user's key unlocked for the session, decides: a refusal is a 403 page, a bad
value shows the page again with the field and the reason (400), a conflict
the same with 409; nothing is written then. Success redirects (303) to the
patrol's page.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from truceline.adapters import tracks
from truceline.bootstrap import App
from truceline.domain.errors import ConflictError, InputError
from truceline.domain.patrols import Outcome, Patrol, PatrolState
from truceline.domain.permissions import Action
from truceline.entrypoints.web import auth, pages, patrol_forms, patrol_views
from truceline.entrypoints.web.admin_pages import NO_STORE
from truceline.entrypoints.web.audit_views import ActorNames
from truceline.entrypoints.web.incident_forms import Fields, problem_of
from truceline.entrypoints.web.page_kit import (
    Act,
    Build,
    FormFields,
    PageKit,
    Refused,
    common,
    submit,
)
from truceline.services import patrols
from truceline.services.authorship import ServerSigned
from truceline.services.geography import Geography
from truceline.services.patrol_geometry import planned_segment
from truceline.services.patrol_queries import PatrolView, list_patrols, patrol_stats, patrol_view
from truceline.services.positions import guarantors

#: The largest track file a form takes (the track parser has its own limit too).
MAX_UPLOAD = 5 * 1024 * 1024
#: Months of statistics shown under the calendar.
STATS_MONTHS = 12


async def uploaded(request: Request) -> tuple[str, bytes] | None:
    """The track file of a multipart form, if one was chosen: (file name, content)."""
    form = await request.form()
    upload = form.get("track_file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    try:
        content = await upload.read(MAX_UPLOAD + 1)
    finally:
        await upload.close()
    if len(content) > MAX_UPLOAD:
        raise InputError("track_file", f"{upload.filename}: larger than 5 MB")
    return upload.filename, content


def redirect(patrol_id: str, anchor: str = "") -> Response:
    target = f"/patrols/{patrol_id}" + (f"#{anchor}" if anchor else "")
    return RedirectResponse(target, status_code=303, headers=NO_STORE)


def may_plan(session: auth.WebSession) -> bool:
    party = session.user.party
    return party is not None and session.can(Action.PLAN_PATROL, party)


def may_acknowledge(session: auth.WebSession, patrol: Patrol) -> bool:
    party = session.user.party
    return (
        party is not None
        and party in patrol.awaiting_acknowledgement
        and session.can(Action.ACKNOWLEDGE_PATROL, party)
    )


def may_run(session: auth.WebSession, patrol: Patrol) -> bool:
    """Whether the viewer records the patrol's execution (the service's rule)."""
    return patrols.may_run(session.actor, patrol)


def checkpoint_point(geo: Geography, view: PatrolView, km: float) -> tuple[float, float]:
    """Where a checkpoint's km post lies (lon, lat): the end of the segment up to it."""
    patrol = view.patrol
    if km == patrol.from_km:
        lon, lat = view.segment.coords[0][:2]
    else:
        lon, lat = planned_segment(geo, patrol.route, patrol.from_km, km).coords[-1][:2]
    return float(lon), float(lat)


def check_may_link(session: auth.WebSession, patrol: Patrol) -> None:
    """Refuse (403) a viewer who may not link incidents to this patrol."""
    if not may_run(session, patrol):
        raise Refused(
            f"{session.user.username} is not an officer of a side on {patrol.id}, "
            "so may not link incidents to it"
        )


def mount(api: FastAPI, app: App) -> None:
    """Add the patrol pages (after pages.mount, which serves their static files)."""
    kit = PageKit(app)
    render = kit.render
    router = APIRouter(include_in_schema=False, dependencies=[Depends(auth.check_session_csrf)])

    def viewing(request: Request, build: Build) -> Response:
        return kit.viewing(request, build, missing="No such patrol")

    # --- the calendar and the list -------------------------------------------------------

    @router.get("/patrols", response_class=HTMLResponse)
    def patrol_list(request: Request, month: str = "") -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            agreement = geo.agreement
            first = patrol_views.month_of(month, app.now().date())
            last = patrol_views.shift_month(first, 1)
            with_month = list_patrols(
                app.uow(), agreement.id, day_from=first, day_to=last.replace(day=1)
            )
            rows = [patrol_views.patrol_row(agreement, p) for p in with_month if p.day < last]
            since = patrol_views.shift_month(first, -(STATS_MONTHS - 1))
            stats = patrol_stats(app.uow(), agreement.id, day_from=since, day_to=last)
            context = common(geo) | {
                "month": first,
                "month_label": f"{first:%B %Y}",
                "previous": f"{patrol_views.shift_month(first, -1):%Y-%m}",
                "next": f"{last:%Y-%m}",
                "weeks": patrol_views.month_calendar(first, rows),
                "rows": rows,
                "stats": patrol_views.stats_rows([s for s in stats if s.month < last]),
                "may_plan": may_plan(session),
                "route_set": agreement.mechanism.patrol_route is not None,
            }
            return render(request, "patrols.html", context)

        return viewing(request, build)

    # --- planning --------------------------------------------------------------------------

    def plan_form(
        request: Request,
        geo: Geography,
        *,
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        agreement = geo.agreement
        route_id = agreement.mechanism.patrol_route
        route = geo.route(route_id) if route_id else None
        today = app.now().date().isoformat()
        context = common(geo) | {
            "entered": {"day": today, "start_time": "08:00", "from_km": "0"} | (entered or {}),
            "problem": problem_of(error),
            "form": "plan",
            "guarantors": [(g, pages.party_name(agreement, g)) for g in guarantors(agreement)],
            "route": route,
            "unacknowledged_start": agreement.mechanism.patrol_start_unacknowledged,
        }
        return render(request, "patrol_form.html", context, status=status)

    @router.get("/patrols/new", response_class=HTMLResponse)
    def new_patrol(request: Request) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            if not may_plan(session):
                return kit.forbidden(request, f"{session.user.username} may not plan patrols")
            return plan_form(request, geo)

        return viewing(request, build)

    @router.post("/patrols/new")
    def plan(request: Request, fields: FormFields) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            try:
                data = patrol_forms.plan_data(fields, guarantors(geo.agreement))
                patrol = patrols.plan_patrol(
                    app.uow(),
                    session.actor,
                    ServerSigned(session.signer),
                    geo.agreement,
                    data,
                    app.now(),
                    now=app.now,
                )
            except (InputError, ConflictError) as error:
                status = 409 if isinstance(error, ConflictError) else 400
                return plan_form(request, geo, entered=fields.entered(), error=error, status=status)
            return redirect(patrol.id)

        return viewing(request, build)

    # --- one patrol ------------------------------------------------------------------------

    def patrol_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        patrol_id: str,
        *,
        form: str = "",
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        agreement = geo.agreement
        view = patrol_view(app.uow(), geo, patrol_id)
        patrol = view.patrol
        points = [(k, *checkpoint_point(geo, view, k)) for k in patrol.checkpoints]
        names = ActorNames(app)
        reached = {k for k, _ in patrol.reached}
        context = common(geo) | {
            "patrol": patrol,
            "row": patrol_views.patrol_row(agreement, patrol),
            "title": patrol_views.patrol_title(patrol),
            "contingents": [(pages.party_name(agreement, c.party), c) for c in patrol.contingents],
            "acknowledged": [
                (
                    pages.party_name(agreement, p),
                    pages.moment(at, agreement.timezone),
                )
                for p, at in patrol.acknowledgements
            ],
            "awaiting": [pages.party_name(agreement, p) for p in patrol.awaiting_acknowledgement],
            "checkpoints": [(k, k in reached) for k in patrol.checkpoints],
            "open_checkpoints": [k for k in patrol.checkpoints if k not in reached],
            "deviation": view.deviation,
            "timeline": patrol_views.timeline(agreement, view.steps, names.of),
            "layers": patrol_views.map_layers(view, points),
            "form": form,
            "entered": entered or {},
            "problem": problem_of(error),
            "may_acknowledge": may_acknowledge(session, patrol),
            "may_run": may_run(session, patrol),
            "under_way": patrol.state is PatrolState.UNDER_WAY,
            "ready": patrol.state in (PatrolState.PLANNED, PatrolState.ACKNOWLEDGED),
            "ended": patrol.ended_at is not None,
            "outcomes": [str(o) for o in Outcome],
            "may_report": session.user.party is not None
            and session.can(Action.REPORT_INCIDENT, session.user.party),
            "fmt": lambda at: pages.moment(at, agreement.timezone),
        }
        return render(request, "patrol.html", context, status=status)

    @router.get("/patrols/{patrol_id}", response_class=HTMLResponse)
    def patrol(request: Request, patrol_id: str) -> Response:
        return viewing(request, lambda session, geo: patrol_page(request, session, geo, patrol_id))

    def acting(request: Request, patrol_id: str, fields: Fields, form: str, act: Act) -> Response:
        """Run a form's command; on a bad value show the patrol page again with the reason."""
        return submit(
            kit,
            request,
            act,
            again=lambda session, geo, error, status: patrol_page(
                request,
                session,
                geo,
                patrol_id,
                form=form,
                entered=fields.entered(),
                error=error,
                status=status,
            ),
            done=lambda: redirect(patrol_id, anchor=form),
            missing="No such patrol",
        )

    def command(
        service: Callable[..., object],
        patrol_id: str,
        args: Callable[[], tuple[object, ...]] = tuple,
    ) -> Act:
        """A form's act: the patrol service for the viewer, signed with their session's key;
        `args` reads the form's values (so a bad one is refused like the service's own)."""

        def act(session: auth.WebSession, geo: Geography) -> object:
            return service(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                patrol_id,
                *args(),
                app.now(),
                now=app.now,
            )

        return act

    @router.post("/patrols/{patrol_id}/acknowledge")
    def acknowledge(request: Request, patrol_id: str, fields: FormFields) -> Response:
        act = command(patrols.acknowledge_patrol, patrol_id)
        return acting(request, patrol_id, fields, "notice", act)

    @router.post("/patrols/{patrol_id}/start")
    def start(request: Request, patrol_id: str, fields: FormFields) -> Response:
        act = command(patrols.start_patrol, patrol_id)
        return acting(request, patrol_id, fields, "execution", act)

    @router.post("/patrols/{patrol_id}/checkpoint")
    def checkpoint(request: Request, patrol_id: str, fields: FormFields) -> Response:
        act = command(patrols.reach_checkpoint, patrol_id, lambda: (patrol_forms.one_km(fields),))
        return acting(request, patrol_id, fields, "execution", act)

    @router.post("/patrols/{patrol_id}/track")
    async def track(request: Request, patrol_id: str, fields: FormFields) -> Response:
        try:
            file = await uploaded(request)
        except InputError as error:
            bad = error

            def refused() -> tuple[object, ...]:
                raise bad

            return acting(
                request,
                patrol_id,
                fields,
                "track",
                command(patrols.record_track, patrol_id, refused),
            )

        def points() -> tuple[object, ...]:
            if file is not None:
                return (tracks.parse_track(file[1], file[0]),)
            return (patrol_forms.entered_points(fields.text("points")),)

        return acting(
            request, patrol_id, fields, "track", command(patrols.record_track, patrol_id, points)
        )

    @router.post("/patrols/{patrol_id}/end")
    def end(request: Request, patrol_id: str, fields: FormFields) -> Response:
        act = command(patrols.end_patrol, patrol_id, lambda: (patrol_forms.end_data(fields),))
        return acting(request, patrol_id, fields, "end", act)

    @router.post("/patrols/{patrol_id}/incidents")
    def link(request: Request, patrol_id: str, fields: FormFields) -> Response:
        act = command(patrols.link_incident, patrol_id, lambda: (patrol_forms.incident_id(fields),))
        return acting(request, patrol_id, fields, "incidents", act)

    api.include_router(router)
