"""What the roster and hotline pages show, as plain rows: who holds each post, the periods,
the messages with their state, and who may act on each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from truceline.domain.agreements import Agreement
from truceline.domain.hotline import Message
from truceline.domain.permissions import Action
from truceline.domain.roster import AUTHORIZED, Duty, OnDuty, guarantor_parties
from truceline.entrypoints.web import auth
from truceline.services import roster

Name = Callable[[str], str]


def when(value: datetime | None) -> str:
    """An instant for people: UTC to the minute."""
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def post_label(agreement: Agreement, post: str) -> str:
    if post == AUTHORIZED:
        return "Authorized officer"
    try:
        return agreement.zone(post).name
    except KeyError:
        return post


def manages(session: auth.WebSession, party: str) -> bool:
    """Whether the viewer manages the party's roster (the roster service's rule)."""
    return roster.manages(session.actor, party)


def managed_parties(session: auth.WebSession, agreement: Agreement) -> list[str]:
    return [p for p in guarantor_parties(agreement) if manages(session, p)]


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a post for one party now."""

    duty_id: str
    officer: str
    since: str
    note: str
    may_end: bool
    mine: bool


@dataclass(frozen=True, slots=True)
class PostRow:
    post: str
    label: str
    cells: Sequence[Holder | None]


def post_rows(
    agreement: Agreement, on_duty: OnDuty, session: auth.WebSession, name: Name
) -> list[PostRow]:
    """Each zone of responsibility, then the authorized officers: one cell per guarantor."""
    parties = guarantor_parties(agreement)
    posts = [*on_duty.zones.items(), (AUTHORIZED, on_duty.authorized)]
    rows = []
    for post, holders in posts:
        cells: list[Holder | None] = []
        for party in parties:
            duty = holders.get(party)
            if duty is None:
                cells.append(None)
                continue
            mine = duty.user_id == session.user.id
            cells.append(
                Holder(
                    duty.id,
                    name(duty.user_id),
                    when(duty.start),
                    duty.note,
                    manages(session, party) or mine,
                    mine,
                )
            )
        rows.append(PostRow(post, post_label(agreement, post), cells))
    return rows


@dataclass(frozen=True, slots=True)
class PeriodRow:
    id: str
    party: str
    post: str
    officer: str
    start: str
    end: str
    taken_from: str
    handed_to: str
    note: str
    open: bool


def period_rows(agreement: Agreement, periods: Sequence[Duty], name: Name) -> list[PeriodRow]:
    """Every period, newest first, naming whom it took over from and handed over to."""
    by_id = {d.id: d for d in periods}

    def officer_of(duty_id: str | None) -> str:
        other = by_id.get(duty_id) if duty_id else None
        return "" if other is None else name(other.user_id)

    return [
        PeriodRow(
            id=d.id,
            party=d.party,
            post=post_label(agreement, d.post),
            officer=name(d.user_id),
            start=when(d.start),
            end=when(d.end),
            taken_from=officer_of(d.handed_over_from),
            handed_to=officer_of(d.handed_over_to),
            note=d.note,
            open=d.is_open,
        )
        for d in periods
    ]


# --- the hotline -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One message as the hotline page lists it."""

    id: str
    number: int
    from_party: str
    to_party: str
    sent: str
    sender: str
    addressee: str
    zone: str
    subject: str
    body: str
    urgent: bool
    incident_id: str | None
    patrol_id: str | None
    state: str
    status: str
    response: str
    due: str
    overdue: bool
    escalated_to_me: bool
    may_acknowledge: bool


def _state(m: Message, now: datetime, limit: timedelta, name: Name) -> tuple[str, str]:
    """A short state for styling, and the words for people."""
    if m.acknowledged_at is not None and m.acknowledged_by is not None:
        taken = m.response_time()
        minutes = "" if taken is None else f" after {taken.total_seconds() / 60:.1f} min"
        return "acknowledged", f"Acknowledged by {name(m.acknowledged_by)}{minutes}"
    if m.escalated_at is not None:
        to = name(m.escalated_to) if m.escalated_to else "no authorized officer on duty"
        return "escalated", f"Escalated to {to} at {when(m.escalated_at)}; still unacknowledged"
    if m.overdue(now, limit):
        return "overdue", f"Overdue since {when(m.due_at(limit))}; not yet acknowledged"
    return "waiting", "Not yet acknowledged"


def message_row(
    m: Message, session: auth.WebSession, now: datetime, limit: timedelta, name: Name
) -> MessageRow:
    state, status = _state(m, now, limit, name)
    taken = m.response_time()
    to = m.to_party + (f" · {name(m.to_user)}" if m.to_user else "")
    may_ack = (
        not m.acknowledged
        and session.user.party == m.to_party
        and session.can(Action.LOG_HOTLINE_MESSAGE, m.to_party)
    )
    due = m.due_at(limit)
    return MessageRow(
        id=m.id,
        number=m.number,
        from_party=m.from_party,
        to_party=m.to_party,
        sent=when(m.sent_at),
        sender=f"{m.from_party} · {name(m.from_user)}",
        addressee=to,
        zone=m.zone or "",
        subject=m.subject,
        body=m.body,
        urgent=m.urgent,
        incident_id=m.incident_id,
        patrol_id=m.patrol_id,
        state=state,
        status=status,
        response="" if taken is None else f"{taken.total_seconds() / 60:.1f} min",
        due="" if due is None else when(due),
        overdue=state in ("overdue", "escalated"),
        escalated_to_me=m.escalated_to == session.user.id and not m.acknowledged,
        may_acknowledge=may_ack,
    )
