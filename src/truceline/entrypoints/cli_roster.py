"""`truceline roster ...` and `truceline hotline ...`: duty periods, handovers and messages.

Reading runs as the server's operator; every change is made as a user and
signed with that user's own key (`--as USERNAME --key PEM`). `truceline
hotline escalate` is the server's own sweep, signed with the log's key, as
`truceline serve` runs it every `hotline_sweep_s` seconds. Bad input exits
with code 2 and ``field: reason``; nothing is written then.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from truceline.bootstrap import App
from truceline.domain.agreements import Agreement
from truceline.entrypoints.api.roster_schemas import (
    message_out,
    roster_out,
    stats_out,
    steps_out,
)
from truceline.entrypoints.cli_roster_tables import (
    messages_table,
    names,
    on_duty_table,
    periods_table,
    print_message,
    stats_table,
)
from truceline.entrypoints.cli_support import (
    AgreementOption,
    AsOption,
    DbOption,
    KeyOption,
    acting,
    app_for,
    fail,
    out,
)
from truceline.services import hotline, roster
from truceline.services.authorship import ServerSigned
from truceline.services.hotline import MessageFilter

roster_cli = typer.Typer(
    help="The roster: duty periods, handovers, who is on duty now.", no_args_is_help=True
)
hotline_cli = typer.Typer(
    help="The hotline: messages between the sides' officers.", no_args_is_help=True
)

Post = Annotated[str, typer.Argument(help="A zone of responsibility's id, or `authorized`.")]
Officer = Annotated[str, typer.Argument(help="The officer's username.")]
PartyOption = Annotated[
    str | None, typer.Option(help="Whose roster (administrators); your own party by default.")
]
NoteOption = Annotated[str, typer.Option(help="A note kept with the change.")]
AtOption = Annotated[
    str | None,
    typer.Option(help="An ISO 8601 time with offset (2020-03-20T06:00Z); now if left out."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="As the API gives it.")]


def at_time(value: str | None, app: App) -> datetime:
    """`--at` as an instant (now when left out)."""
    if value is None:
        return app.now()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise fail(f"--at: {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise fail("--at: give the time with a UTC offset, such as 2020-03-20T06:00Z")
    return parsed


# --- the roster --------------------------------------------------------------------------


def _assign(
    db: str | None,
    agreement: str | None,
    as_user: str,
    key: Path,
    data: dict[str, Any],
) -> None:
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        done = roster.assign_duty(app.uow(), actor, signing, found, data, app.now(), now=app.now)
        who = names(app)
    duty = done.duty
    officer = who.get(duty.user_id, duty.user_id)
    if done.ended is not None:
        before = who.get(done.ended.user_id, done.ended.user_id)
        out.print(f"{before} handed {duty.party} {duty.post} over to {officer}", markup=False)
        out.print(f"ended {done.ended.id}; started {duty.id} at {duty.start.isoformat()}")
    else:
        out.print(f"{officer} on duty for {duty.party} at {duty.post}", markup=False)
        out.print(f"started {duty.id} at {duty.start.isoformat()}")


@roster_cli.command("assign")
def roster_assign(
    post: Post,
    user: Officer,
    as_user: AsOption,
    key: KeyOption,
    party: PartyOption = None,
    start: Annotated[str | None, typer.Option(help="ISO 8601 with offset; now by default.")] = None,
    note: NoteOption = "",
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Put an officer on duty at a post (the post must be free then)."""
    data = {"post": post, "user": user, "party": party, "start": start, "note": note}
    _assign(db, agreement, as_user, key, data)


@roster_cli.command("handover")
def roster_handover(
    post: Post,
    user: Annotated[str, typer.Argument(help="The successor's username.")],
    as_user: AsOption,
    key: KeyOption,
    party: PartyOption = None,
    start: Annotated[
        str | None, typer.Option(help="When the successor takes over; now by default.")
    ] = None,
    note: NoteOption = "",
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Hand a post over: the holder's period ends as the successor's begins."""
    data = {
        "post": post,
        "user": user,
        "party": party,
        "start": start,
        "note": note,
        "handover": True,
    }
    _assign(db, agreement, as_user, key, data)


@roster_cli.command("end")
def roster_end(
    duty_id: Annotated[str, typer.Argument(help="The duty period's id (duty_...).")],
    as_user: AsOption,
    key: KeyOption,
    end: Annotated[str | None, typer.Option(help="ISO 8601 with offset; now by default.")] = None,
    note: NoteOption = "",
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """End a duty period with no successor."""
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        data = {"end": end, "note": note}
        done = roster.finish_duty(
            app.uow(), actor, signing, found, duty_id, data, app.now(), now=app.now
        )
    assert done.duty.end is not None
    out.print(f"ended {duty_id} at {done.duty.end.isoformat()}")


@roster_cli.command("list")
def roster_list(
    party: Annotated[str | None, typer.Option(help="Only this party's periods.")] = None,
    post: Annotated[str | None, typer.Option(help="Only this post's periods.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Every duty period, newest start first: the roster's history with its handovers."""
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        view = roster.roster_view(app.uow(), found, app.now())
        who = names(app)
    periods = [
        d
        for d in view.periods
        if (party is None or d.party == party) and (post is None or d.post == post)
    ]
    if as_json:
        out.print(roster_out(view.on_duty, periods).model_dump_json(indent=2), markup=False)
    else:
        out.print(periods_table(periods, who))


@roster_cli.command("now")
def roster_now(
    at: AtOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Who is on duty in each zone for each guarantor, and each party's authorized officer."""
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        moment = at_time(at, app)
        view = roster.roster_view(app.uow(), found, moment)
        who = names(app)
    if as_json:
        out.print(roster_out(view.on_duty, []).model_dump_json(indent=2), markup=False)
        return
    out.print(on_duty_table(view.on_duty, who))


# --- the hotline -------------------------------------------------------------------------


def _message_id(app: App, agreement: Agreement, reference: str) -> str:
    """A message id, or the id of the message with this number."""
    if not reference.isdigit():
        return reference
    every = hotline.list_messages(app.uow(), agreement, MessageFilter())
    for message in every:
        if message.number == int(reference):
            return message.id
    raise fail(f"no hotline message number {reference}")


@hotline_cli.command("send")
def hotline_send(
    subject: Annotated[str, typer.Argument(help="What it is about, in a line.")],
    as_user: AsOption,
    key: KeyOption,
    body: Annotated[str, typer.Option(help="The message.")] = "",
    urgent: Annotated[
        bool, typer.Option("--urgent", help="Escalate it if unacknowledged in time.")
    ] = False,
    to_party: Annotated[str | None, typer.Option(help="The other side (when several).")] = None,
    to_user: Annotated[
        str | None, typer.Option(help="Its officer; the roster's officer in the zone by default.")
    ] = None,
    zone: Annotated[str | None, typer.Option(help="The zone; your own on duty by default.")] = None,
    incident: Annotated[str | None, typer.Option(help="The incident it is about.")] = None,
    patrol: Annotated[str | None, typer.Option(help="The joint patrol it is about.")] = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Send a message to the other side's officer, signed with your own key."""
    data = {
        "subject": subject,
        "body": body,
        "urgent": urgent,
        "to_party": to_party,
        "to_user": to_user,
        "zone": zone,
        "incident_id": incident,
        "patrol_id": patrol,
    }
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        done = hotline.send_message(app.uow(), actor, signing, found, data, app.now(), now=app.now)
        who = names(app)
    m = done.message
    to = f" ({who.get(m.to_user, m.to_user)})" if m.to_user else ""
    flag = " urgent" if m.urgent else ""
    out.print(f"sent{flag} message {m.number} ({m.id}) to {m.to_party}{to}", markup=False)


@hotline_cli.command("ack")
def hotline_ack(
    message: Annotated[str, typer.Argument(help="The message's id or number.")],
    as_user: AsOption,
    key: KeyOption,
    note: NoteOption = "",
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Acknowledge a message addressed to your party."""
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        message_id = _message_id(app, found, message)
        done = hotline.acknowledge_message(
            app.uow(), actor, signing, found, message_id, {"note": note}, app.now(), now=app.now
        )
    taken = done.message.response_time()
    minutes = "" if taken is None else f" after {taken.total_seconds() / 60:.1f} min"
    out.print(f"acknowledged message {done.message.number}{minutes}")


@hotline_cli.command("list")
def hotline_list(
    party: Annotated[str | None, typer.Option(help="Sent by or to this party.")] = None,
    zone: Annotated[str | None, typer.Option(help="A zone of responsibility.")] = None,
    urgent: Annotated[
        bool | None, typer.Option("--urgent/--not-urgent", help="Only urgent, or only not.")
    ] = None,
    unacknowledged: Annotated[
        bool, typer.Option("--unacknowledged", help="Only those still waiting.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines, one per message.")] = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Hotline messages, newest first, with their state and response time."""
    where = MessageFilter(party=party, zone=zone, urgent=urgent, unacknowledged=unacknowledged)
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        messages = hotline.list_messages(app.uow(), found, where, limit=limit)
        who = names(app)
        if as_json:
            limit_ = found.mechanism.hotline_escalation
            for m in messages:
                out.print(message_out(m, app.now(), limit_).model_dump_json(), markup=False)
            return
        out.print(messages_table(messages, who, app.now(), found.mechanism.hotline_escalation))


@hotline_cli.command("show")
def hotline_show(
    message: Annotated[str, typer.Argument(help="The message's id or number.")],
    as_json: JsonOption = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """One message whole, with each step and its ledger entry."""
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        view = hotline.message_view(app.uow(), found, _message_id(app, found, message))
        who = names(app)
        shown = message_out(view.message, app.now(), found.mechanism.hotline_escalation)
    if as_json:
        listed = [s.model_dump(mode="json") for s in steps_out(view.steps)]
        document = {"message": shown.model_dump(mode="json"), "steps": listed}
        out.print_json(data=document)
        return
    print_message(view.message, shown, view.steps, who)


@hotline_cli.command("stats")
def hotline_stats(
    as_json: JsonOption = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Each side's messages and response times to what it received."""
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        now = app.now()
        shown = stats_out(
            hotline.hotline_stats(app.uow(), found, now), now, found.mechanism.hotline_escalation
        )
    if as_json:
        out.print(shown.model_dump_json(indent=2), markup=False)
        return
    out.print(stats_table(shown))


@hotline_cli.command("escalate")
def hotline_escalate(db: DbOption = None) -> None:
    """Escalate every overdue urgent message now, as the server (signed with the log's key)."""
    with app_for(db) as app:
        done = hotline.escalate_everywhere(app.uow(), ServerSigned(app.log.signer), app.now)
        who = names(app)
    for m in done:
        to = who.get(m.escalated_to, m.escalated_to) if m.escalated_to else "no one on duty"
        out.print(f"escalated message {m.number} ({m.id}) of {m.from_party} to {to}", markup=False)
    out.print(f"{len(done)} message(s) escalated")
