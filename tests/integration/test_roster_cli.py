"""`truceline roster ...` on the server's database, each change signed with the user's own key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.incident_support import Clock, add_officer, make_app
from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Role
from truceline.entrypoints.cli import cli
from truceline.services.ledger import entries_page

PEOPLE = [
    ("tr-zone-1", Role.ZONE_OFFICER, "tr"),
    ("tr-zone-2", Role.ZONE_OFFICER, "tr"),
    ("ru-zone-1", Role.ZONE_OFFICER, "ru"),
    ("tr-ao", Role.AUTHORIZED_OFFICER, "tr"),
    ("ru-ao", Role.AUTHORIZED_OFFICER, "ru"),
    ("analyst", Role.ANALYST, MONITOR_PARTY),
]


@dataclass
class Desk:
    """The server's database, and the key file of each user who acts on it."""

    app: App
    db: str
    keys: dict[str, Path]
    runner: CliRunner

    def run(self, *args: str) -> Result:
        return self.runner.invoke(cli, [*args, "--db", self.db], env={"COLUMNS": "200"})

    def act(self, username: str, *args: str) -> Result:
        return self.run(*args, "--as", username, "--key", str(self.keys[username]))

    def ok(self, username: str, *args: str) -> str:
        result = self.act(username, *args)
        assert result.exit_code == 0, result.output
        return result.stdout

    def log_size(self) -> int:
        return entries_page(self.app.uow(), 0, 1).size


@pytest.fixture
def desk(
    database_url: str, tmp_path: Path, example_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Desk]:
    monkeypatch.setenv("TRUCELINE_LOG_KEY", str(tmp_path / "log.key"))
    app = make_app(database_url, tmp_path, example_pack, Clock(datetime.now(UTC)))
    keys = {}
    for username, role, party in PEOPLE:
        officer = add_officer(app, username, role, party)
        keys[username] = tmp_path / f"{username}.pem"
        officer.signer.save(keys[username])
    try:
        yield Desk(app, database_url, keys, CliRunner())
    finally:
        app.close()


def test_assign_hand_over_end_and_read_the_roster(desk: Desk) -> None:
    before = desk.log_size()
    started = desk.ok("tr-ao", "roster", "assign", "corridor-north", "tr-zone-1", "--note", "day")
    assert "tr-zone-1 on duty for tr at corridor-north" in started
    first = started.split("started ")[1].split()[0]
    desk.ok("ru-ao", "roster", "assign", "corridor-north", "ru-zone-1")
    desk.ok("tr-ao", "roster", "assign", "authorized", "tr-ao")
    assert desk.log_size() == before + 3

    now = desk.run("roster", "now")
    assert now.exit_code == 0, now.output
    assert "tr-zone-1 since" in now.stdout
    assert "ru-zone-1 since" in now.stdout
    assert "tr-ao since" in now.stdout

    handed = desk.ok("tr-zone-1", "roster", "handover", "corridor-north", "tr-zone-2")
    assert "tr-zone-1 handed tr corridor-north over to tr-zone-2" in handed
    assert f"ended {first}" in handed
    second = handed.split("started ")[1].split()[0]
    assert desk.log_size() == before + 4

    shown = json.loads(desk.run("roster", "now", "--json").stdout)
    north = shown["on_duty"]["zones"]["corridor-north"]
    assert north["tr"]["id"] == second
    assert north["tr"]["handed_over_from"] == first
    listed = desk.run("roster", "list", "--party", "tr", "--post", "corridor-north")
    assert listed.exit_code == 0, listed.output
    assert first in listed.stdout
    assert second in listed.stdout
    assert f"to {second}" in listed.stdout

    handed_at = datetime.fromisoformat(north["tr"]["start"].replace("Z", "+00:00"))
    back = (handed_at - timedelta(microseconds=1)).isoformat()
    earlier = json.loads(desk.run("roster", "now", "--json", "--at", back).stdout)
    assert earlier["on_duty"]["zones"]["corridor-north"]["tr"]["id"] == first

    ended = desk.ok("tr-zone-2", "roster", "end", second, "--note", "stood down")
    assert f"ended {second}" in ended
    after = json.loads(desk.run("roster", "now", "--json").stdout)
    assert after["on_duty"]["zones"]["corridor-north"]["tr"] is None


def test_refusals_exit_2_naming_the_field_and_write_nothing(desk: Desk) -> None:
    before = desk.log_size()
    cases = [
        ("tr-ao", ["roster", "assign", "nowhere", "tr-zone-1"], "post:"),
        ("tr-ao", ["roster", "assign", "corridor-north", "ru-zone-1"], "user:"),
        ("tr-ao", ["roster", "assign", "corridor-north", "tr-zone-1", "--start", "noon"], "start:"),
        ("tr-zone-1", ["roster", "assign", "corridor-north", "tr-zone-1"], "may not"),
        (
            "analyst",
            ["roster", "assign", "corridor-north", "tr-zone-1", "--party", "tr"],
            "may not",
        ),
        ("tr-ao", ["roster", "handover", "corridor-north", "tr-zone-1"], "handover:"),
        ("tr-ao", ["roster", "end", "duty_missing"], "no duty period"),
    ]
    for username, args, message in cases:
        result = desk.act(username, *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
    bad_time = desk.run("roster", "now", "--at", "2020-03-20T06:00")
    assert bad_time.exit_code == 2
    assert "--at" in bad_time.stderr
    assert desk.log_size() == before
