"""`truceline assessments ...` on the server's database, each change signed with the user's key."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.incident_support import Clock, add_officer, cast, make_app
from tests.integration.test_assessments_service import PATROLS, People, record_week_12
from truceline.bootstrap import App
from truceline.domain.accounts import Role
from truceline.entrypoints.cli import cli
from truceline.services.ledger import entries_page

WEEK_12 = ("--period", "week", "--date", "2020-03-18")


@dataclass
class Desk:
    """The server's database with week 12's evidence, and each acting user's key file."""

    app: App
    db: str
    keys: dict[str, Path]
    runner: CliRunner

    def run(self, *args: str) -> Result:
        return self.runner.invoke(
            cli, ["assessments", *args, "--db", self.db], env={"COLUMNS": "200"}
        )

    def act(self, username: str, *args: str) -> Result:
        return self.run(*args, "--as", username, "--key", str(self.keys[username]))

    def log_size(self) -> int:
        return entries_page(self.app.uow(), 0, 1).size


@pytest.fixture
def desk(
    database_url: str, tmp_path: Path, example_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Desk]:
    monkeypatch.setenv("TRUCELINE_LOG_KEY", str(tmp_path / "log.key"))
    clock = Clock(datetime(2020, 3, 14, 12, 0, tzinfo=UTC))
    app = make_app(database_url, tmp_path, example_pack, clock)
    people = cast(app)
    keys = {}
    igs = []
    for username, role, party in [
        ("tr-ig", Role.INFO_GROUP_MEMBER, "tr"),
        ("ru-ig", Role.INFO_GROUP_MEMBER, "ru"),
    ]:
        officer = add_officer(app, username, role, party)
        igs.append(officer)
        keys[username] = tmp_path / f"{username}.pem"
        officer.signer.save(keys[username])
    for name in ("tr_ao", "ru_ao", "tr"):
        officer = getattr(people, name)
        keys[officer.actor.username] = tmp_path / f"{name}.pem"
        officer.signer.save(keys[officer.actor.username])
    record_week_12(app, People(people, igs[0], igs[1]), clock)
    try:
        yield Desk(app, database_url, keys, CliRunner())
    finally:
        app.close()


def test_the_suggestion_is_printed_with_each_piece_of_evidence(desk: Desk) -> None:
    shown = desk.run("suggest", "--provision", PATROLS, *WEEK_12)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0] == f"{PATROLS} 2020-W12"
    assert lines[1].startswith("suggested score 2 (intermediate): 3 of 4 planned patrols")
    assert sum(1 for line in lines if line.startswith("  [counted] patrol pat_")) == 4
    as_json = desk.run("suggest", "--provision", PATROLS, *WEEK_12, "--json")
    assert json.loads(as_json.stdout)["measure"] == 0.75


def test_proposed_confirmed_and_disputed_then_listed_shown_and_charted(
    desk: Desk, tmp_path: Path
) -> None:
    proposed = desk.act("tr-ig", "propose", "--provision", PATROLS, *WEEK_12)
    assert proposed.exit_code == 0, proposed.output
    assessment_id = proposed.stdout.split()[0]
    assert assessment_id.startswith("asm_")
    assert "score 2 (intermediate), suggested" in proposed.stdout
    confirmed = desk.act("tr-ao", "respond", assessment_id, "--stance", "confirms")
    assert confirmed.exit_code == 0, confirmed.output
    assert "confirmed_by_one" in confirmed.stdout
    no_reason = desk.act("ru-ao", "respond", assessment_id, "--stance", "disagrees", "--score", "1")
    assert no_reason.exit_code == 2
    assert "reason: a disagreement says why" in no_reason.output
    disputed = desk.act(
        "ru-ao", "respond", assessment_id, "--stance", "disagrees", "--score", "1",
        "--reason", "the aborted patrol was attacked",
    )  # fmt: skip
    assert disputed.exit_code == 0, disputed.output
    assert "disputed" in disputed.stdout.splitlines()[0]
    assert "ru disagrees, holds 1: the aborted patrol was attacked" in disputed.stdout

    listed = desk.run("list", "--provision", PATROLS)
    assert assessment_id in listed.stdout
    assert "tr confirms; ru disagrees (1)" in listed.stdout
    shown = desk.run("show", assessment_id, "--json")
    assert json.loads(shown.stdout)["state"] == "disputed"

    chart = tmp_path / "patrols.svg"
    drawn = desk.run(
        "timeline", "--provision", PATROLS, "--from", "2020-03-09", "--to", "2020-03-22",
        "--svg", str(chart),
    )  # fmt: skip
    assert drawn.exit_code == 0, drawn.output
    assert drawn.stdout.splitlines() == [
        "2020-W11  -",
        "2020-W12  2 (intermediate), disputed, ru holds 1",
    ]
    root = ET.fromstring(chart.read_text(encoding="utf-8"))
    assert [e.get("id") for e in root.iter() if e.get("id") == "point-2020-W12"]


def test_a_zone_officer_may_not_propose_and_nothing_is_written(desk: Desk) -> None:
    before = desk.log_size()
    refused = desk.act("tr-officer", "propose", "--provision", PATROLS, *WEEK_12)
    assert refused.exit_code == 2
    assert "may not propose_assessment" in refused.output
    assert desk.log_size() == before


def test_a_score_off_the_suggestion_without_a_note_exits_2_naming_the_field(desk: Desk) -> None:
    refused = desk.act("tr-ig", "propose", "--provision", PATROLS, *WEEK_12, "--score", "3")
    assert refused.exit_code == 2
    assert "note: say why the score differs from the rule's suggestion (2)" in refused.output
