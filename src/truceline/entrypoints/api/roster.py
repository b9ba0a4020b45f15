"""The roster and the hotline: who is on duty where, and the messages between the sides.

Reads need a token with the `read` scope, writes one with `write`; every
write is two-step and client-signed, as for incidents (``begin``/``command``
of entrypoints.api.incidents): ``{"prepare": <command>}`` answers the event
to sign (200, nothing written), ``{"event", "public_key", "signature"}``
logs it (201) and answers the record as it now stands.

While the server runs, the router also sweeps the hotline every
``hotline_sweep_s`` seconds (never when that is 0): each urgent message left
unacknowledged past the agreement's ``hotline_escalation`` is escalated,
once, signed by the server's log key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import JSONResponse

from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.errors import InputError, TrucelineError
from truceline.entrypoints.api.deps import AppDep, TokenUser, WritingUser
from truceline.entrypoints.api.incident_schemas import PreparedOut
from truceline.entrypoints.api.incidents import Signing, begin, prepared_answer
from truceline.entrypoints.api.roster_schemas import (
    AcknowledgeWrite,
    AssignWrite,
    DutyDetailOut,
    EndWrite,
    MessageDetailOut,
    MessageListOut,
    RosterOut,
    SendWrite,
    StatsOut,
    duty_out,
    message_out,
    roster_out,
    stats_out,
    steps_out,
)
from truceline.entrypoints.api.schemas import ErrorOut
from truceline.services import hotline, roster
from truceline.services.authorship import ServerSigned
from truceline.services.hotline import MessageFilter

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def escalation_sweeper(api: FastAPI) -> AsyncIterator[None]:
    """Escalate overdue urgent hotline messages in the background while the server runs."""
    app = api.state.truceline
    assert isinstance(app, App)
    interval = app.settings.hotline_sweep_s
    stop = asyncio.Event()
    task = asyncio.create_task(_sweep_every(app, interval, stop)) if interval > 0 else None
    try:
        yield
    finally:
        stop.set()
        if task is not None:
            await task


async def _sweep_every(app: App, interval: int, stop: asyncio.Event) -> None:
    """Sweep once at start, then every `interval` seconds until `stop` is set."""
    while True:
        try:
            signing = ServerSigned(app.log.signer)
            await asyncio.to_thread(hotline.escalate_everywhere, app.uow(), signing, app.now)
        except TrucelineError as error:
            log.error("hotline not swept: %s", error)
        except Exception:
            log.exception("hotline not swept")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        if stop.is_set():
            return


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No API token, or not a valid one."},
    403: {"model": ErrorOut, "description": "The token's scope or the user's role forbids it."},
}
WRITTEN: dict[int | str, dict[str, Any]] = {
    200: {"model": PreparedOut, "description": "Prepared: the event to sign; nothing written."},
    409: {"model": ErrorOut, "description": "The write conflicts with what is stored."},
}

router = APIRouter(tags=["roster"], lifespan=escalation_sweeper)
duties = APIRouter(
    prefix="/api/agreements/{agreement_id}/roster", tags=["roster"], responses=ERRORS
)
messages = APIRouter(
    prefix="/api/agreements/{agreement_id}/hotline", tags=["hotline"], responses=ERRORS
)


def _prepared_or(signing: Signing, build: Callable[[], Any]) -> Any:
    """The event to sign (200) when preparing; otherwise what `build` answers."""
    if (ready := prepared_answer(signing)) is not None:
        return ready
    return build()


# --- the roster --------------------------------------------------------------------------


@duties.get("", response_model=RosterOut)
def roster_list(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    at: Annotated[
        datetime | None, Query(description="Who is on duty at this instant; now by default.")
    ] = None,
) -> RosterOut:
    """Who is on duty in each zone and as each party's authorized officer, and every period."""
    agreement = app.geography(agreement_id).agreement
    if at is not None and at.tzinfo is None:
        raise InputError("at", "give the time with a UTC offset, such as 2020-03-20T06:00:00Z")
    when = at or app.now()
    view = roster.roster_view(app.uow(), agreement, when)
    return roster_out(view.on_duty, view.periods)


def _duty_detail(app: App, agreement: Agreement, duty_id: str) -> DutyDetailOut:
    view = roster.duty_view(app.uow(), agreement, duty_id)
    return DutyDetailOut(duty=duty_out(view.duty), steps=steps_out(view.steps))


@duties.get("/{duty_id}", response_model=DutyDetailOut)
def duty(agreement_id: str, duty_id: str, app: AppDep, _user: TokenUser) -> DutyDetailOut:
    """One duty period and its steps, each with its ledger entry."""
    return _duty_detail(app, app.geography(agreement_id).agreement, duty_id)


@duties.post("", response_model=DutyDetailOut, status_code=201, responses=WRITTEN)
def assign(
    agreement_id: str, body: AssignWrite, app: AppDep, user: WritingUser
) -> DutyDetailOut | JSONResponse:
    """Put an officer on duty at a post, or hand the post over (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    done = roster.assign_duty(app.uow(), Actor.of(user), signing, agreement, data, at, now=app.now)
    answer: DutyDetailOut | JSONResponse = _prepared_or(
        signing, lambda: _duty_detail(app, agreement, done.duty.id)
    )
    return answer


@duties.post("/{duty_id}/end", response_model=DutyDetailOut, status_code=201, responses=WRITTEN)
def end(
    agreement_id: str, duty_id: str, body: EndWrite, app: AppDep, user: WritingUser
) -> DutyDetailOut | JSONResponse:
    """End a duty period with no successor (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    roster.finish_duty(
        app.uow(), Actor.of(user), signing, agreement, duty_id, data, at, now=app.now
    )
    answer: DutyDetailOut | JSONResponse = _prepared_or(
        signing, lambda: _duty_detail(app, agreement, duty_id)
    )
    return answer


# --- the hotline -------------------------------------------------------------------------


@messages.get("", response_model=MessageListOut)
def message_list(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    party: Annotated[
        str | None, Query(max_length=64, description="Sent by or to this party.")
    ] = None,
    zone: Annotated[str | None, Query(max_length=64)] = None,
    urgent: bool | None = None,
    unacknowledged: Annotated[bool, Query(description="Only those still waiting.")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> MessageListOut:
    """Hotline messages, newest first (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    where = MessageFilter(party=party, zone=zone, urgent=urgent, unacknowledged=unacknowledged)
    found = hotline.list_messages(app.uow(), agreement, where, limit=limit)
    now, escalation = app.now(), agreement.mechanism.hotline_escalation
    return MessageListOut(items=[message_out(m, now, escalation) for m in found])


@messages.get("/stats", response_model=StatsOut)
def message_stats(agreement_id: str, app: AppDep, _user: TokenUser) -> StatsOut:
    """Each guarantor's messages and response times (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    now = app.now()
    stats = hotline.hotline_stats(app.uow(), agreement, now)
    return stats_out(stats, now, agreement.mechanism.hotline_escalation)


def _message_detail(app: App, agreement: Agreement, message_id: str) -> MessageDetailOut:
    view = hotline.message_view(app.uow(), agreement, message_id)
    escalation = agreement.mechanism.hotline_escalation
    return MessageDetailOut(
        message=message_out(view.message, app.now(), escalation), steps=steps_out(view.steps)
    )


@messages.get("/{message_id}", response_model=MessageDetailOut)
def message(agreement_id: str, message_id: str, app: AppDep, _user: TokenUser) -> MessageDetailOut:
    """One message and its steps (sent, acknowledged, escalated)."""
    return _message_detail(app, app.geography(agreement_id).agreement, message_id)


@messages.post("", response_model=MessageDetailOut, status_code=201, responses=WRITTEN)
def send(
    agreement_id: str, body: SendWrite, app: AppDep, user: WritingUser
) -> MessageDetailOut | JSONResponse:
    """Send a message to the other side (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    done = hotline.send_message(
        app.uow(), Actor.of(user), signing, agreement, data, at, now=app.now
    )
    answer: MessageDetailOut | JSONResponse = _prepared_or(
        signing, lambda: _message_detail(app, agreement, done.message.id)
    )
    return answer


@messages.post(
    "/{message_id}/acknowledge", response_model=MessageDetailOut, status_code=201, responses=WRITTEN
)
def acknowledge(
    agreement_id: str, message_id: str, body: AcknowledgeWrite, app: AppDep, user: WritingUser
) -> MessageDetailOut | JSONResponse:
    """Acknowledge a message addressed to the caller's party (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    hotline.acknowledge_message(
        app.uow(), Actor.of(user), signing, agreement, message_id, data, at, now=app.now
    )
    answer: MessageDetailOut | JSONResponse = _prepared_or(
        signing, lambda: _message_detail(app, agreement, message_id)
    )
    return answer


router.include_router(duties)
router.include_router(messages)
