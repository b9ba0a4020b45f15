"""Incidents: the filtered list, one incident whole, and the client-signed writes.

Every write runs in two steps. ``{"prepare": <command>}`` runs every check
and answers the event the caller must sign (200), writing nothing. The
caller signs that body on their own machine and posts ``{"event", "public_key",
"signature"}``: the server rebuilds the event from ``event.data`` and the
signed time, logs it only if it is exactly the signed body, and answers the
incident as it now stands (201).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.errors import InputError
from truceline.domain.reports import Channel
from truceline.domain.verification import VerificationStatus
from truceline.entrypoints.api.accounts import decode
from truceline.entrypoints.api.deps import AppDep, TokenUser, WritingUser
from truceline.entrypoints.api.incident_schemas import (
    AttachWrite,
    IncidentOut,
    IncidentPageOut,
    MergeCommand,
    MergeWrite,
    PositionWrite,
    PreparedOut,
    ReportWrite,
    SignedWrite,
    SplitCommand,
    SplitWrite,
    incident_out,
    summary_out,
)
from truceline.entrypoints.api.schemas import ErrorOut
from truceline.services import incidents, positions
from truceline.services.authorship import ClientSigned, PrepareOnly, signed_time
from truceline.services.incident_queries import (
    DEFAULT_PAGE,
    MAX_PAGE,
    incident_view,
    list_incidents,
)
from truceline.services.incident_store import IncidentFilter

router = APIRouter(
    prefix="/api/agreements/{agreement_id}/incidents",
    tags=["incidents"],
    responses={
        401: {"model": ErrorOut, "description": "No API token, or not a valid one."},
        403: {"model": ErrorOut, "description": "The token's scope or the user's role forbids it."},
    },
)

WRITTEN: dict[int | str, dict[str, Any]] = {
    200: {"model": PreparedOut, "description": "Prepared: the event to sign; nothing written."},
    409: {"model": ErrorOut, "description": "The write conflicts with what is stored."},
}

Text = Annotated[str | None, Query(max_length=200)]


# --- reading -----------------------------------------------------------------------------


@router.get("", response_model=IncidentPageOut)
def incidents_list(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    date_from: Annotated[date | None, Query(description="From this start date on.")] = None,
    date_to: Annotated[date | None, Query(description="Up to this start date.")] = None,
    zone: Text = None,
    responsible_party: Text = None,
    event_type: Text = None,
    status: VerificationStatus | None = None,
    provision: Text = None,
    channel: Channel | None = None,
    reporting_party: Text = None,
    awaiting: Annotated[
        str | None, Query(max_length=200, description="Only those this party has no position on.")
    ] = None,
    include_merged: bool = False,
    after: Annotated[str | None, Query(max_length=400, description="A `next_cursor`.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    with_total: Annotated[bool, Query(description="Also count every match.")] = False,
) -> IncidentPageOut:
    """A page of the agreement's incidents, newest first (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    where = IncidentFilter(
        agreement.id,
        date_from=date_from,
        date_to=date_to,
        zone=zone,
        responsible_party=responsible_party,
        event_type=event_type,
        status=status,
        provision=provision,
        channel=channel,
        reporting_party=reporting_party,
        awaiting=awaiting,
        include_merged=include_merged,
    )
    return page_out(app, agreement, where, after, limit, with_total)


@router.get("/queue/{party}", response_model=IncidentPageOut)
def incidents_queue(
    agreement_id: str,
    party: str,
    app: AppDep,
    _user: TokenUser,
    after: Annotated[str | None, Query(max_length=400, description="A `next_cursor`.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    with_total: bool = False,
) -> IncidentPageOut:
    """A party's review queue: the incidents it has recorded no position on (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    where = IncidentFilter(agreement.id, awaiting=party)
    return page_out(app, agreement, where, after, limit, with_total)


def page_out(
    app: App,
    agreement: Agreement,
    where: IncidentFilter,
    after: str | None,
    limit: int,
    with_total: bool,
) -> IncidentPageOut:
    page = list_incidents(
        app.uow(), agreement, where, after=after, limit=limit, with_total=with_total
    )
    return IncidentPageOut(
        items=[summary_out(r) for r in page.items], next_cursor=page.next_cursor, total=page.total
    )


@router.get("/{incident_id}", response_model=IncidentOut)
def incident(agreement_id: str, incident_id: str, app: AppDep, _user: TokenUser) -> IncidentOut:
    """One incident whole: reports, every position version, the finding, history."""
    agreement = app.geography(agreement_id).agreement
    return incident_out(incident_view(app.uow(), agreement, incident_id))


# --- writing -----------------------------------------------------------------------------

C = TypeVar("C", bound=BaseModel)
Signing = PrepareOnly | ClientSigned


def begin(app: App, write: SignedWrite) -> tuple[Signing, dict[str, Any], datetime, str]:
    """The signing, the command's data, its time and where the data came from (for errors)."""
    if write.prepare is not None:
        return PrepareOnly(), write.prepare.data(), app.now(), "prepare"
    event, key, signature = write.event, write.public_key, write.signature
    if event is None or key is None or signature is None:  # the schema refuses this already
        raise InputError("request", "give prepare, or event with public_key and signature")
    data = event.get("data")
    if not isinstance(data, Mapping):
        raise InputError("event.data", "must be an object: the command's data")
    signing = ClientSigned(event, decode(key, "public_key"), decode(signature, "signature"))
    return signing, dict(data), signed_time(event), "event.data"


def command(model: type[C], data: Mapping[str, Any], field: str) -> C:
    """The typed command of `data`; InputError naming the first bad key."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{field}.{where}" if where else field, first["msg"]) from None


def prepared_answer(signing: Signing) -> JSONResponse | None:
    """The event to sign (200) when only preparing; None once the write was made."""
    if not isinstance(signing, PrepareOnly):
        return None
    assert signing.prepared is not None
    prepared = PreparedOut(event=signing.prepared.body())
    return JSONResponse(prepared.model_dump(mode="json"), status_code=200)


def answer(
    app: App, signing: Signing, agreement: Agreement, incident_id: str
) -> IncidentOut | JSONResponse:
    """The event to sign (200) when preparing; otherwise the incident as it now stands."""
    if (ready := prepared_answer(signing)) is not None:
        return ready
    return incident_out(incident_view(app.uow(), agreement, incident_id))


@router.post("", response_model=IncidentOut, status_code=201, responses=WRITTEN)
def report_incident(
    agreement_id: str, body: ReportWrite, app: AppDep, user: WritingUser
) -> IncidentOut | JSONResponse:
    """Report a new incident: `{report, incident}` (scope `write`)."""
    enricher = app.enricher(agreement_id)
    signing, data, at, _ = begin(app, body)
    done = incidents.report_incident(
        app.uow(),
        Actor.of(user),
        signing,
        enricher,
        data,
        at,
        policy=app.duplicate_policy,
        now=app.now,
    )
    return answer(app, signing, enricher.agreement, done.record.incident.id)


@router.post(
    "/{incident_id}/reports", response_model=IncidentOut, status_code=201, responses=WRITTEN
)
def attach_report(
    agreement_id: str, incident_id: str, body: AttachWrite, app: AppDep, user: WritingUser
) -> IncidentOut | JSONResponse:
    """Attach a new report to an incident: `{report}` (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    incidents.add_report(
        app.uow(), Actor.of(user), signing, agreement, incident_id, data, at, now=app.now
    )
    return answer(app, signing, agreement, incident_id)


@router.post(
    "/{incident_id}/positions", response_model=IncidentOut, status_code=201, responses=WRITTEN
)
def record_position(
    agreement_id: str, incident_id: str, body: PositionWrite, app: AppDep, user: WritingUser
) -> IncidentOut | JSONResponse:
    """Record the next version of the caller's party's position, or a monitor's verdict."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    positions.record_position(
        app.uow(), Actor.of(user), signing, agreement, incident_id, data, at, now=app.now
    )
    return answer(app, signing, agreement, incident_id)


@router.post("/{incident_id}/merge", response_model=IncidentOut, status_code=201, responses=WRITTEN)
def merge(
    agreement_id: str, incident_id: str, body: MergeWrite, app: AppDep, user: WritingUser
) -> IncidentOut | JSONResponse:
    """Merge another incident (`absorbed`) into this one (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, field = begin(app, body)
    cmd = command(MergeCommand, data, field)
    incidents.merge(
        app.uow(),
        Actor.of(user),
        signing,
        agreement,
        incident_id,
        cmd.absorbed,
        cmd.note,
        at,
        now=app.now,
    )
    return answer(app, signing, agreement, incident_id)


@router.post("/{incident_id}/split", response_model=IncidentOut, status_code=201, responses=WRITTEN)
def split(
    agreement_id: str, incident_id: str, body: SplitWrite, app: AppDep, user: WritingUser
) -> IncidentOut | JSONResponse:
    """Move some reports of this incident to a new incident (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, field = begin(app, body)
    cmd = command(SplitCommand, data, field)
    incidents.split(
        app.uow(),
        Actor.of(user),
        signing,
        agreement,
        incident_id,
        cmd.report_ids,
        cmd.new_id,
        cmd.note,
        at,
        now=app.now,
    )
    return answer(app, signing, agreement, incident_id)
