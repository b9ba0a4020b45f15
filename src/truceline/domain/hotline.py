"""The hotline: logged messages between the sides' officers, acknowledged and escalated.

An officer of one guarantor sends a message to the other guarantor (and,
when known, to its officer on duty in the zone concerned). Someone of the
receiving party acknowledges it, once; the time between sending and
acknowledging is the *response time*. An *urgent* message that waits longer
than the agreement's ``hotline_escalation`` without acknowledgement is
*overdue*; escalating it records when, and to whom: the sending party's
authorized officer on duty then. A message may name the incident or the
joint patrol it is about.
"""

from __future__ import annotations

import math
import re
import secrets
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from truceline.domain.errors import ConflictError, InputError

MESSAGE_ID = re.compile(r"msg_[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_SUBJECT = 200
MAX_BODY = 10_000


def new_message_id() -> str:
    """A fresh random message id."""
    return "msg_" + secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class Message:
    """One hotline message, from its sending to its acknowledgement (and any escalation).

    `number` is its place in the agreement's sequence of messages (1, 2 ...);
    `to_user` the receiving party's officer it was addressed to (None: the
    party as a whole); `escalated_to` the user it was escalated to (None when
    no authorized officer was on duty then).
    """

    id: str
    number: int
    from_user: str
    from_party: str
    to_party: str
    sent_at: datetime
    subject: str
    body: str = ""
    urgent: bool = False
    to_user: str | None = None
    zone: str | None = None
    incident_id: str | None = None
    patrol_id: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledge_note: str = ""
    escalated_at: datetime | None = None
    escalated_to: str | None = None

    def __post_init__(self) -> None:
        if self.sent_at.tzinfo is None:
            raise InputError("sent_at", "give the time with a UTC offset")
        if not self.subject.strip():
            raise InputError("subject", "is required")
        if len(self.subject) > MAX_SUBJECT:
            raise InputError("subject", f"at most {MAX_SUBJECT} characters")
        if len(self.body) > MAX_BODY:
            raise InputError("body", f"at most {MAX_BODY} characters")
        if self.from_party == self.to_party:
            raise InputError("to_party", "a message goes to the other side, not one's own party")

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None

    @property
    def state(self) -> str:
        """Where the message stands: sent, escalated (and still waiting) or acknowledged."""
        if self.acknowledged:
            return "acknowledged"
        return "escalated" if self.escalated else "sent"

    def response_time(self) -> timedelta | None:
        """How long the other side took to acknowledge it; None while it waits."""
        if self.acknowledged_at is None:
            return None
        return self.acknowledged_at - self.sent_at

    def due_at(self, limit: timedelta) -> datetime | None:
        """When an urgent message goes overdue without acknowledgement; None if not urgent."""
        return self.sent_at + limit if self.urgent else None

    def overdue(self, now: datetime, limit: timedelta) -> bool:
        """Whether it is urgent, still unacknowledged, and waited longer than `limit`."""
        due = self.due_at(limit)
        return due is not None and not self.acknowledged and now > due


def acknowledge(message: Message, by: str, at: datetime, note: str = "") -> Message:
    """The message acknowledged by `by` at `at` (once, and not before it was sent)."""
    if message.acknowledged_at is not None:
        raise ConflictError(
            f"message {message.number} was already acknowledged at "
            f"{message.acknowledged_at.isoformat()}"
        )
    if at < message.sent_at:
        raise InputError("time", "a message is acknowledged after it was sent")
    return replace(message, acknowledged_at=at, acknowledged_by=by, acknowledge_note=note)


def escalate(message: Message, at: datetime, limit: timedelta, to: str | None) -> Message:
    """The overdue message escalated at `at` to `to`; refused unless it is overdue and not yet."""
    if message.escalated:
        raise ConflictError(f"message {message.number} was already escalated")
    if not message.overdue(at, limit):
        raise InputError("message", f"message {message.number} is not overdue at {at.isoformat()}")
    return replace(message, escalated_at=at, escalated_to=to)


def due_for_escalation(
    messages: Iterable[Message], now: datetime, limit: timedelta
) -> list[Message]:
    """The urgent messages overdue at `now` and not yet escalated, oldest first."""
    due = [m for m in messages if m.overdue(now, limit) and not m.escalated]
    return sorted(due, key=lambda m: m.number)


# --- response times ----------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (`share` 0-1) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class PartyStats:
    """How a party uses the hotline: what it sent, what it received, how fast it answered.

    Response times are those of the messages the party received (its own
    answers), in minutes; `unacknowledged_urgent` counts received urgent
    messages still waiting, `overdue` those of them past the escalation time.
    """

    party: str
    sent: int
    received: int
    acknowledged: int
    median_response_min: float | None
    p90_response_min: float | None
    unacknowledged_urgent: int
    overdue: int
    escalated: int


def party_stats(
    messages: Iterable[Message], parties: Iterable[str], now: datetime, limit: timedelta
) -> list[PartyStats]:
    """The statistics of each party, in the order given."""
    every = list(messages)
    out = []
    for party in parties:
        sent = [m for m in every if m.from_party == party]
        received = [m for m in every if m.to_party == party]
        minutes = [t.total_seconds() / 60 for m in received if (t := m.response_time()) is not None]
        waiting = [m for m in received if m.urgent and not m.acknowledged]
        out.append(
            PartyStats(
                party=party,
                sent=len(sent),
                received=len(received),
                acknowledged=len(minutes),
                median_response_min=statistics.median(minutes) if minutes else None,
                p90_response_min=percentile(minutes, 0.9),
                unacknowledged_urgent=len(waiting),
                overdue=sum(1 for m in waiting if m.overdue(now, limit)),
                escalated=sum(1 for m in sent if m.escalated),
            )
        )
    return out
