"""How `truceline roster ...` and `truceline hotline ...` print: periods, who is on duty,
messages, one message whole, and the statistics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from rich.table import Table
from rich.text import Text

from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.hotline import Message
from truceline.domain.roster import Duty, OnDuty
from truceline.entrypoints.api.roster_schemas import MessageOut, StatsOut
from truceline.entrypoints.cli_support import out
from truceline.services import accounts
from truceline.services.field_store import FieldStep

Names = Mapping[str, str]


def names(app: App) -> dict[str, str]:
    """Usernames by user id (and the operator as itself)."""
    found = {u.id: u.username for u in accounts.list_users(app.uow(), Actor.operator())}
    return found | {"operator": "operator"}


def row(table: Table, *cells: str) -> None:
    """A row of plain text: what users wrote is never read as Rich markup."""
    table.add_row(*(Text(cell) for cell in cells))


def when(value: datetime | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


def periods_table(periods: Sequence[Duty], who: Names) -> Table:
    """Every period given, with its officer, times and handovers."""
    table = Table("duty", "party", "post", "officer", "from (UTC)", "to (UTC)", "handover")
    for d in periods:
        handover = []
        if d.handed_over_from:
            handover.append(f"from {d.handed_over_from}")
        if d.handed_over_to:
            handover.append(f"to {d.handed_over_to}")
        row(
            table,
            d.id,
            d.party,
            d.post,
            who.get(d.user_id, d.user_id),
            when(d.start),
            when(d.end) or "on duty",
            "; ".join(handover),
        )
    return table


def on_duty_table(on_duty: OnDuty, who: Names) -> Table:
    """One row per post (each zone, then `authorized`), one column per guarantor."""
    parties = list(on_duty.authorized)
    table = Table("post", *parties, title=f"On duty at {on_duty.at.isoformat()}")
    posts = [*on_duty.zones.items(), ("authorized", on_duty.authorized)]
    for post, holders in posts:
        cells = []
        for party in parties:
            duty = holders.get(party)
            held = "" if duty is None else f"{who.get(duty.user_id, duty.user_id)}"
            cells.append("—" if duty is None else f"{held} since {when(duty.start)}")
        row(table, post, *cells)
    return table


def messages_table(
    messages: Sequence[Message], who: Names, now: datetime, limit: timedelta
) -> Table:
    """Messages with their sender, addressee, state (overdue marked) and response time."""
    table = Table("#", "sent (UTC)", "from", "to", "zone", "subject", "state", "response")
    for m in messages:
        state = m.state
        if m.overdue(now, limit) and not m.escalated:
            state = "overdue"
        elif m.escalated:
            state += (
                f" to {who.get(m.escalated_to, m.escalated_to) if m.escalated_to else 'no one'}"
            )
        taken = m.response_time()
        to = f"{m.to_party} {who.get(m.to_user, m.to_user)}" if m.to_user else m.to_party
        row(
            table,
            str(m.number),
            when(m.sent_at),
            f"{m.from_party} {who.get(m.from_user, m.from_user)}",
            to,
            m.zone or "",
            ("URGENT " if m.urgent else "") + m.subject,
            state,
            "" if taken is None else f"{taken.total_seconds() / 60:.1f} min",
        )
    return table


def print_message(m: Message, shown: MessageOut, steps: Sequence[FieldStep], who: Names) -> None:
    """One message whole: who to whom, what, its state and response time, then its steps."""
    flag = "URGENT " if m.urgent else ""
    out.print(f"{flag}message {m.number} ({m.id}): {m.subject}", markup=False)
    to = f" ({who.get(m.to_user, m.to_user)})" if m.to_user else ""
    zone = f"; zone {m.zone}" if m.zone else ""
    sender = who.get(m.from_user, m.from_user)
    out.print(f"from {m.from_party} ({sender}) to {m.to_party}{to}{zone}", markup=False)
    if m.body:
        out.print(m.body, markup=False)
    for label, value in (("incident", m.incident_id), ("patrol", m.patrol_id)):
        if value:
            out.print(f"{label}: {value}", markup=False)
    out.print(f"state: {shown.state}{' (overdue)' if shown.overdue else ''}", markup=False)
    if shown.response_min is not None:
        out.print(f"response time: {shown.response_min:.1f} min")
    table = Table("at (UTC)", "step", "by", "ledger", "data", title="Steps")
    for s in steps:
        data = ", ".join(f"{k}={v}" for k, v in s.data.items() if v not in (None, ""))
        row(table, when(s.at), s.action, who.get(s.actor, s.actor), str(s.ledger_seq), data)
    out.print(table)


def stats_table(shown: StatsOut) -> Table:
    """Each party's counts and response times."""
    table = Table(
        "party",
        "sent",
        "received",
        "acknowledged",
        "median min",
        "p90 min",
        "urgent waiting",
        "overdue",
        "escalated",
        title=f"Hotline (urgent messages escalate after {shown.escalation_min:g} min)",
    )
    for s in shown.parties:
        row(
            table,
            s.party,
            str(s.sent),
            str(s.received),
            str(s.acknowledged),
            "" if s.median_response_min is None else f"{s.median_response_min:.1f}",
            "" if s.p90_response_min is None else f"{s.p90_response_min:.1f}",
            str(s.unacknowledged_urgent),
            str(s.overdue),
            str(s.escalated),
        )
    return table
