"""`truceline hotline ...` on the server's database: send, acknowledge, read, escalate."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.integration.test_roster_cli import Desk, desk  # noqa: F401 (a fixture)
from truceline.adapters.signing import Ed25519Signer
from truceline.domain.accounts import Actor
from truceline.services import accounts, hotline
from truceline.services.authorship import ServerSigned
from truceline.services.ledger import history


def test_both_sides_send_acknowledge_and_read_the_hotline(desk: Desk) -> None:  # noqa: F811
    desk.ok("tr-ao", "roster", "assign", "corridor-north", "tr-zone-1")
    desk.ok("ru-ao", "roster", "assign", "corridor-north", "ru-zone-1")
    before = desk.log_size()
    sent = desk.ok(
        "tr-zone-1", "hotline", "send", "Fire at km 24", "--body", "Mortar rounds", "--urgent"
    )
    assert "sent urgent message 1" in sent
    assert "to ru (ru-zone-1)" in sent
    reply = desk.ok("ru-zone-1", "hotline", "send", "Convoy at km 30", "--to-user", "tr-ao")
    assert "message 2" in reply
    assert "to tr (tr-ao)" in reply

    refused = desk.act("tr-zone-1", "hotline", "ack", "1")
    assert refused.exit_code == 2
    assert "may not" in refused.stderr
    acked = desk.ok("ru-ao", "hotline", "ack", "1", "--note", "checking")
    assert "acknowledged message 1 after" in acked
    again = desk.act("ru-zone-1", "hotline", "ack", "1")
    assert again.exit_code == 2
    assert "already acknowledged" in again.stderr
    assert desk.log_size() == before + 3

    listed = desk.run("hotline", "list")
    assert listed.exit_code == 0, listed.output
    assert "URGENT Fire at km 24" in listed.stdout
    assert "acknowledged" in listed.stdout
    waiting = desk.run("hotline", "list", "--unacknowledged", "--json")
    assert [json.loads(line)["number"] for line in waiting.stdout.splitlines()] == [2]
    urgent = desk.run("hotline", "list", "--urgent", "--json")
    assert [json.loads(line)["number"] for line in urgent.stdout.splitlines()] == [1]

    shown = desk.run("hotline", "show", "1")
    assert shown.exit_code == 0, shown.output
    assert "from tr (tr-zone-1) to ru (ru-zone-1); zone corridor-north" in shown.stdout
    assert "response time:" in shown.stdout
    assert "acknowledged" in shown.stdout
    whole = json.loads(desk.run("hotline", "show", "1", "--json").stdout)
    assert [s["action"] for s in whole["steps"]] == ["sent", "acknowledged"]

    stats = json.loads(desk.run("hotline", "stats", "--json").stdout)
    by_party = {s["party"]: s for s in stats["parties"]}
    assert (by_party["ru"]["received"], by_party["ru"]["acknowledged"]) == (1, 1)
    assert by_party["tr"]["received"] == 1
    table = desk.run("hotline", "stats")
    assert "escalate after 30 min" in table.stdout

    missing = desk.run("hotline", "show", "9")
    assert missing.exit_code == 2
    bad = desk.act("tr-zone-1", "hotline", "send", "x", "--zone", "nowhere")
    assert bad.exit_code == 2
    assert "zone:" in bad.stderr
    assert desk.log_size() == before + 3


def test_escalate_sends_overdue_urgent_messages_to_the_senders_authorized_officer(
    desk: Desk,  # noqa: F811
) -> None:
    app = desk.app
    tr = accounts.find_user(app.uow(), "tr-zone-1")
    signing = ServerSigned(Ed25519Signer.load(desk.keys["tr-zone-1"]))
    agreement = app.geography().agreement
    long_ago = datetime.now(UTC) - timedelta(minutes=45)
    for urgent in (True, False):
        hotline.send_message(
            app.uow(),
            Actor.of(tr),
            signing,
            agreement,
            {"subject": "Help at km 12", "urgent": urgent},
            long_ago,
        )
    before = desk.log_size()
    result = desk.run("hotline", "escalate")
    assert result.exit_code == 0, result.output
    assert "escalated message 1" in result.stdout
    assert "of tr to tr-ao" in result.stdout
    assert "1 message(s) escalated" in result.stdout
    assert desk.log_size() == before + 1
    again = desk.run("hotline", "escalate")
    assert "0 message(s) escalated" in again.stdout
    assert desk.log_size() == before + 1
    [message] = hotline.list_messages(app.uow(), agreement, hotline.MessageFilter(urgent=True))
    entries = history(app.uow(), message.id)
    assert [(e.event, e.actor) for e in entries][-1] == ("hotline.escalated", "operator")
    listed = desk.run("hotline", "list")
    assert "escalated to tr-ao" in listed.stdout
