"""Joint patrols: the list, the statistics, one patrol whole, and the client-signed writes.

Every write runs in the two steps of the incident routes (``begin`` and
``command`` come from there): ``{"prepare": <command>}`` answers the event
to sign (200) and writes nothing; ``{"event", "public_key", "signature"}``
logs the signed event and answers the patrol as it now stands (201).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from truceline.bootstrap import App
from truceline.domain.accounts import Actor, User
from truceline.domain.patrol_records import points_from_list
from truceline.domain.patrols import Patrol
from truceline.entrypoints.api.deps import AppDep, TokenUser, WritingUser
from truceline.entrypoints.api.incident_schemas import Command, SignedWrite
from truceline.entrypoints.api.incidents import WRITTEN, Signing, begin, command, prepared_answer
from truceline.entrypoints.api.patrol_schemas import (
    CheckpointCommand,
    CheckpointWrite,
    EmptyCommand,
    EmptyWrite,
    EndCommand,
    EndWrite,
    LinkCommand,
    LinkWrite,
    PatrolListOut,
    PatrolOut,
    PatrolStatsOut,
    PlanCommand,
    PlanWrite,
    TrackCommand,
    TrackWrite,
    patrol_out,
    stats_out,
    summary_out,
)
from truceline.entrypoints.api.schemas import ErrorOut
from truceline.services import patrols
from truceline.services.patrol_queries import list_patrols, patrol_stats, patrol_view

router = APIRouter(
    prefix="/api/agreements/{agreement_id}/patrols",
    tags=["patrols"],
    responses={
        401: {"model": ErrorOut, "description": "No API token, or not a valid one."},
        403: {"model": ErrorOut, "description": "The token's scope or the user's role forbids it."},
    },
)

DayFrom = Annotated[date | None, Query(description="From this day on (the patrol's day).")]
DayTo = Annotated[date | None, Query(description="Up to this day, included.")]


# --- reading -----------------------------------------------------------------------------


@router.get("", response_model=PatrolListOut)
def patrols_list(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    day_from: DayFrom = None,
    day_to: DayTo = None,
) -> PatrolListOut:
    """The agreement's joint patrols, by day then number (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    found = list_patrols(app.uow(), agreement.id, day_from=day_from, day_to=day_to)
    return PatrolListOut(items=[summary_out(p) for p in found])


@router.get("/stats", response_model=PatrolStatsOut)
def patrols_stats(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    day_from: DayFrom = None,
    day_to: DayTo = None,
) -> PatrolStatsOut:
    """Per month: patrols planned, completed, curtailed, aborted; km planned and covered."""
    agreement = app.geography(agreement_id).agreement
    return stats_out(patrol_stats(app.uow(), agreement.id, day_from=day_from, day_to=day_to))


@router.get("/{patrol_id}", response_model=PatrolOut)
def patrol(agreement_id: str, patrol_id: str, app: AppDep, _user: TokenUser) -> PatrolOut:
    """One patrol whole: its steps, its planned segment and track as GeoJSON, its deviation."""
    return patrol_out(patrol_view(app.uow(), app.geography(agreement_id), patrol_id))


# --- writing -----------------------------------------------------------------------------

#: A service call, given who acts, how it is signed, the command's data and its time.
Run = Callable[[Actor, Signing, dict[str, Any], datetime], Patrol]


def _write(
    app: App,
    agreement_id: str,
    body: SignedWrite,
    user: User,
    model: type[Command],
    run: Run,
) -> PatrolOut | JSONResponse:
    """Run one write: check the command, call the service, answer the event or the patrol."""
    geography = app.geography(agreement_id)
    signing, data, at, field = begin(app, body)
    cmd = command(model, data, field)
    done = run(Actor.of(user), signing, cmd.data(), at)
    if (ready := prepared_answer(signing)) is not None:
        return ready
    return patrol_out(patrol_view(app.uow(), geography, done.id))


@router.post("", response_model=PatrolOut, status_code=201, responses=WRITTEN)
def plan(
    agreement_id: str, body: PlanWrite, app: AppDep, user: WritingUser
) -> PatrolOut | JSONResponse:
    """Plan a joint patrol and give notice to the other side (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    return _write(
        app,
        agreement_id,
        body,
        user,
        PlanCommand,
        lambda actor, signing, data, at: patrols.plan_patrol(
            app.uow(), actor, signing, agreement, data, at, now=app.now
        ),
    )


@router.post(
    "/{patrol_id}/acknowledge", response_model=PatrolOut, status_code=201, responses=WRITTEN
)
def acknowledge(
    agreement_id: str, patrol_id: str, body: EmptyWrite, app: AppDep, user: WritingUser
) -> PatrolOut | JSONResponse:
    """Acknowledge, for the caller's party, the notice of a patrol: `{}` (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    return _write(
        app,
        agreement_id,
        body,
        user,
        EmptyCommand,
        lambda actor, signing, _data, at: patrols.acknowledge_patrol(
            app.uow(), actor, signing, agreement, patrol_id, at, now=app.now
        ),
    )


@router.post("/{patrol_id}/start", response_model=PatrolOut, status_code=201, responses=WRITTEN)
def start(
    agreement_id: str, patrol_id: str, body: EmptyWrite, app: AppDep, user: WritingUser
) -> PatrolOut | JSONResponse:
    """The patrol sets out: `{}` (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    return _write(
        app,
        agreement_id,
        body,
        user,
        EmptyCommand,
        lambda actor, signing, _data, at: patrols.start_patrol(
            app.uow(), actor, signing, agreement, patrol_id, at, now=app.now
        ),
    )


@router.post(
    "/{patrol_id}/checkpoints", response_model=PatrolOut, status_code=201, responses=WRITTEN
)
def checkpoint(
    agreement_id: str, patrol_id: str, body: CheckpointWrite, app: AppDep, user: WritingUser
) -> PatrolOut | JSONResponse:
    """The patrol reached a planned checkpoint: `{km}` (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    return _write(
        app,
        agreement_id,
        body,
        user,
        CheckpointCommand,
        lambda actor, signing, data, at: patrols.reach_checkpoint(
            app.uow(), actor, signing, agreement, patrol_id, data["km"], at, now=app.now
        ),
    )


@router.post("/{patrol_id}/track", response_model=PatrolOut, status_code=201, responses=WRITTEN)
def track(
    agreement_id: str, patrol_id: str, body: TrackWrite, app: AppDep, user: WritingUser
) -> PatrolOut | JSONResponse:
    """Track points of the patrol: `{points: [{lon, lat, at?}]}` (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    return _write(
        app,
        agreement_id,
        body,
        user,
        TrackCommand,
        lambda actor, signing, data, at: patrols.record_track(
            app.uow(),
            actor,
            signing,
            agreement,
            patrol_id,
            points_from_list(data["points"]),
            at,
            now=app.now,
        ),
    )


@router.post("/{patrol_id}/end", response_model=PatrolOut, status_code=201, responses=WRITTEN)
def end(
    agreement_id: str, patrol_id: str, body: EndWrite, app: AppDep, user: WritingUser
) -> PatrolOut | JSONResponse:
    """The patrol ended: `{outcome, at_km, reason}` (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    return _write(
        app,
        agreement_id,
        body,
        user,
        EndCommand,
        lambda actor, signing, data, at: patrols.end_patrol(
            app.uow(), actor, signing, agreement, patrol_id, data, at, now=app.now
        ),
    )


@router.post("/{patrol_id}/incidents", response_model=PatrolOut, status_code=201, responses=WRITTEN)
def incident(
    agreement_id: str, patrol_id: str, body: LinkWrite, app: AppDep, user: WritingUser
) -> PatrolOut | JSONResponse:
    """Link an incident that happened on the patrol: `{incident_id}` (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    return _write(
        app,
        agreement_id,
        body,
        user,
        LinkCommand,
        lambda actor, signing, data, at: patrols.link_incident(
            app.uow(), actor, signing, agreement, patrol_id, data["incident_id"], at, now=app.now
        ),
    )
