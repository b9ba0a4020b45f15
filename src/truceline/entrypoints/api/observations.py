"""Access restrictions and observations that bear on provisions: lists, counts, road status,
storage sites, and the client-signed writes.

Writes run in two steps, as for incidents: ``{"prepare": <command>}`` answers
the event to sign (200) and writes nothing; ``{"event", "public_key",
"signature"}`` logs exactly that body and answers the record (201).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from truceline.domain.accounts import Actor
from truceline.domain.observations import Subkind
from truceline.domain.restrictions import Affected, Period, RestrictionKind
from truceline.entrypoints.api.deps import AppDep, TokenUser, WritingUser
from truceline.entrypoints.api.incident_schemas import PreparedOut
from truceline.entrypoints.api.incidents import begin, prepared_answer
from truceline.entrypoints.api.observation_schemas import (
    CountsOut,
    ObservationListOut,
    ObservationOut,
    ObservationWrite,
    RestrictionListOut,
    RestrictionOut,
    RestrictionWrite,
    RoadStatusOut,
    SitesOut,
    count_out,
    observation_out,
    restriction_out,
    road_status_out,
    site_out,
)
from truceline.entrypoints.api.schemas import ErrorOut
from truceline.services import observations, restrictions, road_status
from truceline.services.field_recording import local_day
from truceline.services.observations import ObservationQuery
from truceline.services.restrictions import RestrictionQuery

router = APIRouter(
    tags=["observations"],
    responses={
        401: {"model": ErrorOut, "description": "No API token, or not a valid one."},
        403: {"model": ErrorOut, "description": "The token's scope or the user's role forbids it."},
    },
)
RESTRICTIONS = "/api/agreements/{agreement_id}/restrictions"
OBSERVATIONS = "/api/agreements/{agreement_id}/observations"
WRITTEN: dict[int | str, dict[str, Any]] = {
    200: {"model": PreparedOut, "description": "Prepared: the event to sign; nothing written."},
    409: {"model": ErrorOut, "description": "The id is taken."},
}
MAX_LIST = 1000

Text = Annotated[str | None, Query(max_length=200)]
DayFrom = Annotated[date | None, Query(description="From this local day on.")]
DayTo = Annotated[date | None, Query(description="Up to this local day.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIST, description="At most this many, newest first.")]


# --- restrictions ------------------------------------------------------------------------


@router.get(RESTRICTIONS, response_model=RestrictionListOut)
def restrictions_list(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    zone: Text = None,
    kind: RestrictionKind | None = None,
    affected: Affected | None = None,
    party: Annotated[str | None, Query(max_length=64, description="Who recorded it.")] = None,
    day_from: DayFrom = None,
    day_to: DayTo = None,
    limit: Limit = 200,
) -> RestrictionListOut:
    """Access restrictions, newest first (scope `read`)."""
    geo = app.geography(agreement_id)
    query = RestrictionQuery(zone, kind, affected, party, day_from, day_to)
    found = restrictions.list_restrictions(app.uow(), geo, query, limit=limit)
    return RestrictionListOut(items=[restriction_out(e) for e in found])


@router.get(f"{RESTRICTIONS}/counts", response_model=CountsOut)
def restrictions_counts(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    period: Period = Period.WEEK,
    zone: Text = None,
    kind: RestrictionKind | None = None,
    affected: Affected | None = None,
    day_from: DayFrom = None,
    day_to: DayTo = None,
) -> CountsOut:
    """Restrictions counted per period (day, week, month), zone and kind (scope `read`)."""
    geo = app.geography(agreement_id)
    query = RestrictionQuery(zone, kind, affected, None, day_from, day_to)
    rows = restrictions.restriction_counts(app.uow(), geo, period, query)
    return CountsOut(period=str(period), rows=[count_out(r) for r in rows])


@router.get(f"{RESTRICTIONS}/{{restriction_id}}", response_model=RestrictionOut)
def restriction(
    agreement_id: str, restriction_id: str, app: AppDep, _user: TokenUser
) -> RestrictionOut:
    """One access restriction (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    return restriction_out(restrictions.get_restriction(app.uow(), agreement.id, restriction_id))


@router.post(RESTRICTIONS, response_model=RestrictionOut, status_code=201, responses=WRITTEN)
def record_restriction(
    agreement_id: str, body: RestrictionWrite, app: AppDep, user: WritingUser
) -> RestrictionOut | JSONResponse:
    """Record an access restriction (scope `write`; zone officers and the monitor)."""
    geo = app.geography(agreement_id)
    signing, data, at, _ = begin(app, body)
    done = restrictions.record_restriction(
        app.uow(), Actor.of(user), signing, geo, data, at, now=app.now
    )
    answer = prepared_answer(signing)
    if answer is not None:
        return answer
    return restriction_out(restrictions.entry_of(done.record))


# --- observations ------------------------------------------------------------------------


@router.get(OBSERVATIONS, response_model=ObservationListOut)
def observations_list(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    subkind: Subkind | None = None,
    zone: Text = None,
    inside_corridor: bool | None = None,
    party: Annotated[str | None, Query(max_length=64, description="The observer's party.")] = None,
    day_from: DayFrom = None,
    day_to: DayTo = None,
    limit: Limit = 200,
) -> ObservationListOut:
    """Observations, newest first (scope `read`)."""
    geo = app.geography(agreement_id)
    query = ObservationQuery(subkind, zone, inside_corridor, party, day_from, day_to)
    found = observations.list_observations(app.uow(), geo, query, limit=limit)
    return ObservationListOut(items=[observation_out(e) for e in found])


@router.get(f"{OBSERVATIONS}/road-status", response_model=RoadStatusOut)
def observations_road_status(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    route: Text = None,
    day_from: DayFrom = None,
    day_to: DayTo = None,
) -> RoadStatusOut:
    """The share of the days each km of a route was observed open (scope `read`)."""
    geo = app.geography(agreement_id)
    today = local_day(geo.agreement, app.now())
    view = road_status.road_status(
        app.uow(), geo, today, route_id=route, day_from=day_from, day_to=day_to
    )
    return road_status_out(view)


@router.get(f"{OBSERVATIONS}/storage-sites", response_model=SitesOut)
def observations_storage_sites(
    agreement_id: str, app: AppDep, _user: TokenUser, day_to: DayTo = None
) -> SitesOut:
    """Each storage site's latest declared and observed weapons, and their difference."""
    geo = app.geography(agreement_id)
    sites = observations.storage_sites(app.uow(), geo, day_to=day_to)
    return SitesOut(items=[site_out(s) for s in sites])


@router.get(f"{OBSERVATIONS}/{{observation_id}}", response_model=ObservationOut)
def observation(
    agreement_id: str, observation_id: str, app: AppDep, _user: TokenUser
) -> ObservationOut:
    """One observation (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    return observation_out(observations.get_observation(app.uow(), agreement.id, observation_id))


@router.post(OBSERVATIONS, response_model=ObservationOut, status_code=201, responses=WRITTEN)
def record_observation(
    agreement_id: str, body: ObservationWrite, app: AppDep, user: WritingUser
) -> ObservationOut | JSONResponse:
    """Record an observation (scope `write`; zone officers and the monitor)."""
    geo = app.geography(agreement_id)
    signing, data, at, _ = begin(app, body)
    done = observations.record_observation(
        app.uow(), Actor.of(user), signing, geo, data, at, now=app.now
    )
    answer = prepared_answer(signing)
    if answer is not None:
        return answer
    return observation_out(observations.entry_of(done.record))
