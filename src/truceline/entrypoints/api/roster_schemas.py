"""Request and response schemas of the roster and hotline routes, and the conversions to them.

Writes are two-step, as for incidents: ``{"prepare": <command>}`` or
``{"event", "public_key", "signature"}``. Values inside a command are
checked by the services, which name the bad field; the schemas only give
the commands their keys, so the OpenAPI document shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from truceline.domain.hotline import Message, PartyStats
from truceline.domain.roster import Duty, OnDuty
from truceline.entrypoints.api.incident_schemas import SignedWrite
from truceline.services.field_store import FieldStep


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def data(self) -> dict[str, Any]:
        """The command's data as the service takes it (keys left out stay out)."""
        return self.model_dump(by_alias=True, exclude_unset=True)


# --- reading -----------------------------------------------------------------------------


class StepOut(_Out):
    """One change to a record: what, when, by whom, and its ledger entry."""

    action: str
    at: datetime
    actor: str = Field(description="A user id, or `operator` for the server.")
    party: str | None
    ledger_seq: int | None
    data: dict[str, Any]


class DutyOut(_Out):
    """One officer's period at one post for one party; open while `end` is null."""

    id: str
    party: str
    post: str = Field(description="A zone of responsibility's id, or `authorized`.")
    user: str = Field(description="The officer's user id.")
    start: datetime
    end: datetime | None
    handed_over_from: str | None = Field(description="The period this one took over from.")
    handed_over_to: str | None = Field(description="The period that took over from this one.")
    note: str


class OnDutyOut(_Out):
    at: datetime
    zones: dict[str, dict[str, DutyOut | None]] = Field(
        description="Per zone of responsibility, per guarantor: the period covering `at`."
    )
    authorized: dict[str, DutyOut | None] = Field(
        description="Per guarantor: its authorized officer's period covering `at`."
    )


class RosterOut(_Out):
    on_duty: OnDutyOut
    periods: list[DutyOut] = Field(description="Every period, newest start first.")


class DutyDetailOut(_Out):
    duty: DutyOut
    steps: list[StepOut]


class MessageOut(_Out):
    """One hotline message; `response_min` once acknowledged, `overdue` as of the answer."""

    id: str
    number: int
    from_user: str
    from_party: str
    to_party: str
    to_user: str | None
    zone: str | None
    sent_at: datetime
    subject: str
    body: str
    urgent: bool
    incident_id: str | None
    patrol_id: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledge_note: str
    escalated_at: datetime | None
    escalated_to: str | None
    state: str = Field(description="`sent`, `escalated` (still waiting) or `acknowledged`.")
    response_min: float | None = Field(description="Minutes from sending to acknowledgement.")
    due_at: datetime | None = Field(description="When an urgent message goes overdue.")
    overdue: bool


class MessageListOut(_Out):
    items: list[MessageOut]


class MessageDetailOut(_Out):
    message: MessageOut
    steps: list[StepOut]


class PartyStatsOut(_Out):
    party: str
    sent: int
    received: int
    acknowledged: int = Field(description="Messages received and acknowledged.")
    median_response_min: float | None
    p90_response_min: float | None
    unacknowledged_urgent: int
    overdue: int
    escalated: int = Field(description="Messages it sent that were escalated.")


class StatsOut(_Out):
    at: datetime
    escalation_min: float = Field(description="The agreement's hotline_escalation, in minutes.")
    parties: list[PartyStatsOut]


def duty_out(duty: Duty) -> DutyOut:
    return DutyOut(
        id=duty.id,
        party=duty.party,
        post=duty.post,
        user=duty.user_id,
        start=duty.start,
        end=duty.end,
        handed_over_from=duty.handed_over_from,
        handed_over_to=duty.handed_over_to,
        note=duty.note,
    )


def _maybe(duty: Duty | None) -> DutyOut | None:
    return None if duty is None else duty_out(duty)


def roster_out(on_duty: OnDuty, periods: Sequence[Duty]) -> RosterOut:
    zones = {
        zone: {party: _maybe(d) for party, d in holders.items()}
        for zone, holders in on_duty.zones.items()
    }
    return RosterOut(
        on_duty=OnDutyOut(
            at=on_duty.at,
            zones=zones,
            authorized={party: _maybe(d) for party, d in on_duty.authorized.items()},
        ),
        periods=[duty_out(d) for d in periods],
    )


def steps_out(steps: Sequence[FieldStep]) -> list[StepOut]:
    return [
        StepOut(
            action=s.action,
            at=s.at,
            actor=s.actor,
            party=s.party,
            ledger_seq=s.ledger_seq,
            data=dict(s.data),
        )
        for s in steps
    ]


def message_out(message: Message, now: datetime, limit: timedelta) -> MessageOut:
    taken = message.response_time()
    return MessageOut(
        id=message.id,
        number=message.number,
        from_user=message.from_user,
        from_party=message.from_party,
        to_party=message.to_party,
        to_user=message.to_user,
        zone=message.zone,
        sent_at=message.sent_at,
        subject=message.subject,
        body=message.body,
        urgent=message.urgent,
        incident_id=message.incident_id,
        patrol_id=message.patrol_id,
        acknowledged_at=message.acknowledged_at,
        acknowledged_by=message.acknowledged_by,
        acknowledge_note=message.acknowledge_note,
        escalated_at=message.escalated_at,
        escalated_to=message.escalated_to,
        state=message.state,
        response_min=None if taken is None else round(taken.total_seconds() / 60, 2),
        due_at=message.due_at(limit),
        overdue=message.overdue(now, limit),
    )


def stats_out(stats: Sequence[PartyStats], at: datetime, limit: timedelta) -> StatsOut:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return StatsOut(
        at=at,
        escalation_min=limit.total_seconds() / 60,
        parties=[
            PartyStatsOut(
                party=s.party,
                sent=s.sent,
                received=s.received,
                acknowledged=s.acknowledged,
                median_response_min=rounded(s.median_response_min),
                p90_response_min=rounded(s.p90_response_min),
                unacknowledged_urgent=s.unacknowledged_urgent,
                overdue=s.overdue,
                escalated=s.escalated,
            )
            for s in stats
        ],
    )


# --- writing -----------------------------------------------------------------------------


class AssignCommand(Command):
    """Put an officer on duty at a post, or (`handover`) hand the post over to them."""

    post: str = Field(max_length=64, description="A zone of responsibility, or `authorized`.")
    user: str = Field(max_length=96, description="The officer: a username or user id.")
    party: str | None = Field(
        default=None, max_length=64, description="Whose roster; the caller's party by default."
    )
    start: str | None = Field(
        default=None,
        max_length=64,
        description="ISO 8601 with offset; the event's time if left out.",
    )
    handover: bool = Field(default=False, description="End the current holder's period then.")
    from_: str | None = Field(
        default=None, alias="from", max_length=96, description="The period handed over (checked)."
    )
    note: str = Field(default="", max_length=2000)
    id: str | None = Field(default=None, max_length=96, description="The new period's id.")


class EndCommand(Command):
    """End a duty period with no successor."""

    end: str | None = Field(
        default=None,
        max_length=64,
        description="ISO 8601 with offset; the event's time if left out.",
    )
    note: str = Field(default="", max_length=2000)


class SendCommand(Command):
    """Send a message to the other side."""

    subject: str = Field(max_length=200)
    body: str = Field(default="", max_length=10_000)
    urgent: bool = False
    to_party: str | None = Field(default=None, max_length=64)
    to_user: str | None = Field(
        default=None,
        max_length=96,
        description="A username or user id; the roster's officer in `zone` if left out.",
    )
    zone: str | None = Field(
        default=None, max_length=64, description="The sender's zone on duty if left out."
    )
    incident_id: str | None = Field(default=None, max_length=96)
    patrol_id: str | None = Field(default=None, max_length=96)
    id: str | None = Field(default=None, max_length=96)


class AcknowledgeCommand(Command):
    """Acknowledge a message addressed to the caller's party."""

    note: str = Field(default="", max_length=2000)


class AssignWrite(SignedWrite):
    prepare: AssignCommand | None = None  # type: ignore[assignment]


class EndWrite(SignedWrite):
    prepare: EndCommand | None = None  # type: ignore[assignment]


class SendWrite(SignedWrite):
    prepare: SendCommand | None = None  # type: ignore[assignment]


class AcknowledgeWrite(SignedWrite):
    prepare: AcknowledgeCommand | None = None  # type: ignore[assignment]
