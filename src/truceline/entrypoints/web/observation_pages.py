"""Access restrictions and observations: lists with counts per zone and period, a map, forms.

`/field` lists both, newest first, with their counts per period and zone, the
road's observed status and each storage site's discrepancies, beside a map.
`/field/restrictions/new` and `/field/observations/new` are the forms (an
observation's subkind is chosen by link, so the form works without
JavaScript); each record has its own page. Every page needs a signed-in
user who may view records; every POST sits behind the session's CSRF check.
A form is read into the data the services take (observation_forms) and
signed with the user's key unlocked for the session: a refusal is a 403
page, a bad value the form again with the field and the reason (400), and
success a 303 to the new record's page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from truceline.bootstrap import App
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.observations import RoadState, Subkind, WeaponType, count_observations
from truceline.domain.permissions import Action
from truceline.domain.reports import CREDIBILITY, RELIABILITY
from truceline.domain.restrictions import Affected, Period, RestrictionKind, count_restrictions
from truceline.entrypoints.api.observation_schemas import (
    observation_out,
    restriction_out,
    road_status_out,
    site_out,
)
from truceline.entrypoints.web import auth, observation_forms, pages
from truceline.entrypoints.web.admin_pages import NO_STORE, sentence
from truceline.entrypoints.web.field_rows import field_rows, map_points
from truceline.entrypoints.web.incident_forms import Fields
from truceline.services import observations, restrictions, road_status
from truceline.services.authorship import ServerSigned
from truceline.services.field_location import default_route
from truceline.services.field_recording import local_day
from truceline.services.geography import Geography
from truceline.services.observations import ObservationQuery, road_route
from truceline.services.restrictions import RestrictionQuery

SHOWN = 200


async def submitted(request: Request) -> Fields:
    """The POSTed form (already read, and cached, by the CSRF check)."""
    return Fields.of(await request.form())


FormFields = Annotated[Fields, Depends(submitted)]


class Refused(Exception):
    """A page the viewer may not see or a form they may not submit: answered with 403."""


def may(session: auth.WebSession, action: Action) -> bool:
    """Whether the viewer records this for their own party."""
    party = session.user.party
    return party is not None and session.can(action, party)


def mount(api: FastAPI, app: App) -> None:
    """Add the restriction and observation pages (after pages.mount)."""
    templates = Jinja2Templates(
        directory=pages.HERE / "templates", context_processors=[auth.template_context]
    )
    has_leaflet = pages.find_node_modules(app) is not None
    router = APIRouter(include_in_schema=False, dependencies=[Depends(auth.check_session_csrf)])

    def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        context = {"has_leaflet": has_leaflet, "has_htmx": False, **context}
        response = templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.update(NO_STORE)
        return response

    def refusal(request: Request, heading: str, reason: str, status: int) -> Response:
        context = {"heading": heading, "reason": reason, "advice": ""}
        return render(request, "forbidden.html", context, status=status)

    def viewing(
        request: Request, build: Callable[[auth.WebSession, Geography], Response]
    ) -> Response:
        session = auth.require_viewer(request)
        if not session.can(Action.VIEW_RECORD, session.user.party):
            return refusal(request, "Not allowed", "Your account may not view records.", 403)
        try:
            geo = app.geography()
        except NotFoundError as error:
            return render(request, "no_agreement.html", {"reason": str(error)}, status=404)
        try:
            return build(session, geo)
        except (PermissionDenied, Refused) as denied:
            return refusal(
                request, "Not allowed", f"Nothing was done. The server's reason: {denied}", 403
            )
        except NotFoundError as missing:
            return refusal(request, "No such record", sentence(missing), 404)

    def common(session: auth.WebSession, geo: Geography) -> dict[str, Any]:
        agreement = geo.agreement
        return {
            "agreement": agreement,
            "api_base": f"/api/agreements/{agreement.id}",
            "parties": [(p.id, p.short_name or p.name) for p in agreement.parties],
            "zones": [(z.id, z.name) for z in agreement.zones],
            "zone_names": {z.id: z.name for z in agreement.zones},
            "may_restrict": may(session, Action.RECORD_ACCESS_RESTRICTION),
            "may_observe": may(session, Action.RECORD_OBSERVATION),
            "party_label": pages.party_name(agreement, session.user.party or "no party"),
        }

    # --- the lists ------------------------------------------------------------------------

    @router.get("/field", response_class=HTMLResponse)
    def field(request: Request) -> Response:
        names = ("day_from", "day_to", "zone", "period")
        query = {k: request.query_params.get(k, "").strip()[:40] for k in names}

        def build(session: auth.WebSession, geo: Geography) -> Response:
            context = common(session, geo) | {"filters": query, "periods": list(Period)}
            try:
                period = Period(query["period"] or Period.WEEK)
            except ValueError:
                period = Period.WEEK
            try:
                day_from, day_to = day(query, "day_from"), day(query, "day_to")
                zone = query["zone"] or None
                found_r = restrictions.list_restrictions(
                    app.uow(), geo, RestrictionQuery(zone=zone, day_from=day_from, day_to=day_to)
                )
                found_o = observations.list_observations(
                    app.uow(), geo, ObservationQuery(zone=zone, day_from=day_from, day_to=day_to)
                )
                today = local_day(geo.agreement, app.now())
                road = road_status.road_status(
                    app.uow(), geo, today, day_from=day_from, day_to=day_to
                )
            except InputError as error:
                context |= {"error": error, "restrictions": [], "observations": []}
                return render(request, "field.html", context, status=400)
            shown_r = [restriction_out(e) for e in found_r[:SHOWN]]
            shown_o = [observation_out(e) for e in found_o[:SHOWN]]
            context |= {
                "period": period,
                "restrictions": field_rows(geo.agreement, shown_r),
                "observations": field_rows(geo.agreement, shown_o),
                "restriction_total": len(found_r),
                "observation_total": len(found_o),
                "restriction_counts": count_restrictions(found_r, period),
                "observation_counts": count_observations(found_o, period),
                "road": road_status_out(road),
                "sites": [site_out(s) for s in observations.storage_sites(app.uow(), geo)],
                "points": map_points(shown_r, shown_o),
            }
            return render(request, "field.html", context)

        return viewing(request, build)

    # --- restrictions ---------------------------------------------------------------------

    def restriction_form(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        if not may(session, Action.RECORD_ACCESS_RESTRICTION):
            raise Refused(f"{session.user.username} may not record access restrictions")
        tz = geo.agreement.timezone
        defaults = {"at": observation_forms.local_input(app.now(), tz), "affected": "patrol"}
        context = common(session, geo) | {
            "entered": defaults | (entered or {}),
            "problem": observation_forms.problem_of(error),
            "kinds": list(RestrictionKind),
            "affected": list(Affected),
            "routes": [(r.id, r.name) for r in geo.agreement.routes],
            "default_route": default_route(geo.agreement),
            "timezone": tz,
        }
        return render(request, "restriction_form.html", context, status=status)

    @router.get("/field/restrictions/new", response_class=HTMLResponse)
    def new_restriction(request: Request) -> Response:
        return viewing(request, lambda session, geo: restriction_form(request, session, geo))

    @router.post("/field/restrictions/new")
    def record_restriction(request: Request, fields: FormFields) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            if not may(session, Action.RECORD_ACCESS_RESTRICTION):
                raise Refused(f"{session.user.username} may not record access restrictions")
            try:
                data = observation_forms.restriction_data(fields, geo.agreement.timezone)
                done = restrictions.record_restriction(
                    app.uow(),
                    session.actor,
                    ServerSigned(session.signer),
                    geo,
                    data,
                    app.now(),
                    now=app.now,
                )
            except (InputError, ConflictError) as error:
                status = 409 if isinstance(error, ConflictError) else 400
                return restriction_form(request, session, geo, fields.entered(), error, status)
            return redirect(f"/field/restrictions/{done.record.id}")

        return viewing(request, build)

    @router.get("/field/restrictions/{restriction_id}", response_class=HTMLResponse)
    def restriction(request: Request, restriction_id: str) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            entry = restrictions.get_restriction(app.uow(), geo.agreement.id, restriction_id)
            shown = restriction_out(entry)
            context = common(session, geo) | {
                "item": shown,
                "row": field_rows(geo.agreement, [shown])[0],
                "points": map_points([shown], []),
            }
            return render(request, "restriction.html", context)

        return viewing(request, build)

    # --- observations ---------------------------------------------------------------------

    def observation_form(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        subkind: Subkind,
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        if not may(session, Action.RECORD_OBSERVATION):
            raise Refused(f"{session.user.username} may not record observations")
        agreement = geo.agreement
        tz = agreement.timezone
        defaults = {"observed_at": observation_forms.local_input(app.now(), tz)}
        context = common(session, geo) | {
            "subkind": str(subkind),
            "subkinds": list(Subkind),
            "entered": defaults | (entered or {}),
            "problem": observation_forms.problem_of(error),
            "weapon_types": list(WeaponType),
            "road_states": list(RoadState),
            "routes": [(r.id, r.name) for r in agreement.routes],
            "default_route": default_route(agreement),
            "road_route": road_route(agreement),
            "site_zones": [(z.id, z.name) for z in agreement.zones if z.kind == "storage_site"],
            "reliability": RELIABILITY,
            "credibility": CREDIBILITY,
            "timezone": tz,
        }
        return render(request, "observation_form.html", context, status=status)

    @router.get("/field/observations/new", response_class=HTMLResponse)
    def new_observation(request: Request, subkind: str = "") -> Response:
        chosen = observation_forms.subkind_of(subkind)
        return viewing(
            request, lambda session, geo: observation_form(request, session, geo, chosen)
        )

    @router.post("/field/observations/new")
    def record_observation(request: Request, fields: FormFields) -> Response:
        chosen = observation_forms.subkind_of(fields.text("subkind"))

        def build(session: auth.WebSession, geo: Geography) -> Response:
            if not may(session, Action.RECORD_OBSERVATION):
                raise Refused(f"{session.user.username} may not record observations")
            try:
                data = observation_forms.observation_data(fields, chosen, geo.agreement.timezone)
                done = observations.record_observation(
                    app.uow(),
                    session.actor,
                    ServerSigned(session.signer),
                    geo,
                    data,
                    app.now(),
                    now=app.now,
                )
            except (InputError, ConflictError) as error:
                status = 409 if isinstance(error, ConflictError) else 400
                entered = fields.entered()
                return observation_form(request, session, geo, chosen, entered, error, status)
            return redirect(f"/field/observations/{done.record.id}")

        return viewing(request, build)

    @router.get("/field/observations/{observation_id}", response_class=HTMLResponse)
    def observation(request: Request, observation_id: str) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            entry = observations.get_observation(app.uow(), geo.agreement.id, observation_id)
            shown = observation_out(entry)
            context = common(session, geo) | {
                "item": shown,
                "row": field_rows(geo.agreement, [shown])[0],
                "points": map_points([], [shown]),
            }
            return render(request, "observation.html", context)

        return viewing(request, build)

    api.include_router(router)


def day(query: dict[str, str], name: str) -> date | None:
    """A day of the list's filter form; an empty field is no filter."""
    value = query.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(name, f"{value!r} is not a date (YYYY-MM-DD)") from None


def redirect(target: str) -> Response:
    return RedirectResponse(target, status_code=303, headers=NO_STORE)
