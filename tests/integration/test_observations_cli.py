"""`truceline restrictions ...` and `truceline observations ...` on the server's database,
each record signed with the user's own key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner, Result

from tests.incident_support import Clock, add_officer, make_app
from tests.integration.test_restrictions_service import ARIHA, NORTH_OF_ARIHA
from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Role
from truceline.entrypoints.cli import cli
from truceline.services.ledger import entries_page

#: An hour ago, as the CLI's clock is the real one.
EARLIER = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat()
#: Today in the agreement's time zone, whose local days the road's status is read over.
TODAY = datetime.now(ZoneInfo("Asia/Damascus")).date().isoformat()


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

    def record(self, username: str, *args: str) -> str:
        result = self.act(username, *args)
        assert result.exit_code == 0, result.output
        first = result.stdout.splitlines()[0]
        assert first.startswith("recorded ")
        return first.split()[1]

    def lines(self, *args: str) -> list[dict[str, object]]:
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def whole(self, *args: str) -> dict[str, Any]:
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        answer: dict[str, Any] = json.loads(result.stdout)
        return answer

    def log_size(self) -> int:
        return entries_page(self.app.uow(), 0, 1).size


@pytest.fixture
def desk(
    database_url: str, tmp_path: Path, example_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Desk]:
    monkeypatch.setenv("TRUCELINE_LOG_KEY", str(tmp_path / "log.key"))
    app = make_app(database_url, tmp_path, example_pack, Clock(datetime.now(UTC)))
    keys = {}
    for username, role, party in [
        ("tr-officer", Role.ZONE_OFFICER, "tr"),
        ("ru-officer", Role.ZONE_OFFICER, "ru"),
        ("monitor", Role.MONITOR, MONITOR_PARTY),
        ("analyst", Role.ANALYST, MONITOR_PARTY),
    ]:
        officer = add_officer(app, username, role, party)
        keys[username] = tmp_path / f"{username}.pem"
        officer.signer.save(keys[username])
    try:
        yield Desk(app, database_url, keys, CliRunner())
    finally:
        app.close()


ARIHA_POINT = ["--lon", str(ARIHA[0]), "--lat", str(ARIHA[1])]


def test_both_sides_and_the_monitor_record_restrictions_then_list_and_count_them(
    desk: Desk,
) -> None:
    before = desk.log_size()
    delayed = desk.record(
        "tr-officer",
        "restrictions",
        "add",
        "--kind",
        "delayed",
        "--duration",
        "40",
        "--at",
        EARLIER,
        "--imposed-by",
        "opposition",
        "--reason",
        "the road is ours",
        "--consequence",
        "delayed 40 min",
        "--km",
        "12",
    )
    assert delayed.startswith("res_")
    denied = desk.record(
        "ru-officer",
        "restrictions",
        "add",
        "--kind",
        "denied",
        "--imposed-by",
        "sy-gov",
        *ARIHA_POINT,
    )
    monitor = desk.record(
        "monitor",
        "restrictions",
        "add",
        "--kind",
        "denied",
        "--affected",
        "monitor",
        "--imposed-by",
        "unknown armed men",
        "--place",
        "Ariha",
    )
    assert desk.log_size() == before + 3
    listed = desk.lines("restrictions", "list")
    assert {r["id"] for r in listed} == {delayed, denied, monitor}
    by_id = {r["id"]: r for r in listed}
    assert by_id[delayed]["duration_minutes"] == 40
    assert by_id[denied]["placement"]["zones"] == ["corridor-south"]
    assert by_id[monitor]["party"] == "monitor"
    only = desk.lines("restrictions", "list", "--affected", "monitor")
    assert [r["id"] for r in only] == [monitor]
    table = desk.run("restrictions", "list")
    assert table.exit_code == 0
    assert "3 restriction(s)" in table.stdout
    counts = desk.lines("restrictions", "counts", "--period", "month")
    assert sum(int(str(r["count"])) for r in counts) == 3
    assert {r["kind"] for r in counts} == {"delayed", "denied"}
    shown = desk.run("restrictions", "counts", "--period", "day")
    assert shown.exit_code == 0
    assert TODAY[:4] in shown.stdout


def test_a_restriction_from_a_json_file(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "restriction.json"
    data = {
        "at": EARLIER,
        "affected": "patrol",
        "kind": "delayed",
        "until": (datetime.fromisoformat(EARLIER) + timedelta(minutes=45)).isoformat(),
        "imposed_by": "opposition",
        "location": {"km": 3, "route": "m4"},
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    restriction = desk.record("tr-officer", "restrictions", "add", "--json", str(path))
    [listed] = desk.lines("restrictions", "list")
    assert listed["id"] == restriction
    assert listed["duration_minutes"] == 45
    assert listed["location"] == {"route": "m4", "km": 3.0}
    mixed = desk.act("tr-officer", "restrictions", "add", "--json", str(path), "--km", "3")
    assert mixed.exit_code == 2
    assert "--json" in mixed.output


@pytest.mark.parametrize(
    ("user", "args", "message"),
    [
        ("analyst", ["--kind", "denied", "--imposed-by", "x", "--km", "3"], "may not"),
        ("tr-officer", ["--kind", "denied", "--imposed-by", "x", "--km", "99"], "location.km"),
        ("tr-officer", ["--kind", "delayed", "--imposed-by", "x", "--km", "3"], "duration"),
        ("tr-officer", ["--imposed-by", "x", "--km", "3"], "--kind"),
        ("tr-officer", ["--kind", "denied", "--imposed-by", "x"], "--lon"),
        ("tr-officer", ["--kind", "denied", "--imposed-by", "x", "--lon", "36.6"], "--lon"),
    ],
)
def test_a_refused_restriction_exits_2_with_the_reason_and_writes_nothing(
    desk: Desk, user: str, args: list[str], message: str
) -> None:
    before = desk.log_size()
    result = desk.act(user, "restrictions", "add", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert desk.log_size() == before


def test_each_subkind_of_observation_from_options_then_list_show_road_and_sites(
    desk: Desk,
) -> None:
    tanks = desk.record(
        "tr-officer",
        "observations",
        "add",
        "--subkind",
        "heavy_weapons",
        "--weapon-type",
        "tank",
        "--count",
        "2",
        "--observed-at",
        EARLIER,
        *ARIHA_POINT,
    )
    far = desk.record(
        "ru-officer",
        "observations",
        "add",
        "--subkind",
        "heavy_weapons",
        "--weapon-type",
        "mrls",
        "--lon",
        str(NORTH_OF_ARIHA[0]),
        "--lat",
        str(NORTH_OF_ARIHA[1]),
    )
    group = desk.record(
        "monitor",
        "observations",
        "add",
        "--subkind",
        "armed_group",
        "--group",
        "opposition",
        "--size",
        "25",
        "--activity",
        "manning a checkpoint",
        "--km",
        "30",
        "--grade",
        "B2",
    )
    road = desk.record(
        "ru-officer",
        "observations",
        "add",
        "--subkind",
        "road_status",
        "--from-km",
        "0",
        "--to-km",
        "20",
        "--status",
        "closed",
        "--since",
        EARLIER,
        "--observed-at",
        EARLIER,
    )
    site = desk.record(
        "tr-officer",
        "observations",
        "add",
        "--subkind",
        "storage_site",
        "--site",
        "Ariha depot",
        "--declared",
        "tank=4",
        "--declared",
        "artillery=2",
        "--observed",
        "tank=6",
        "--observed",
        "artillery=2",
        *ARIHA_POINT,
    )
    inside = desk.lines("observations", "list", "--subkind", "heavy_weapons", "--inside-corridor")
    assert [o["id"] for o in inside] == [tanks]
    outside = desk.lines("observations", "list", "--outside-corridor")
    assert [o["id"] for o in outside] == [far]
    assert len(desk.lines("observations", "list")) == 5
    shown = desk.run("observations", "show", group)
    assert shown.exit_code == 0
    assert "armed_group" in shown.stdout
    assert "inside the security corridor: yes" in shown.stdout
    as_json = desk.whole("observations", "show", site)
    assert as_json["details"]["discrepancies"] == {"tank": 2}
    [status] = desk.lines("observations", "road", "--from", TODAY, "--to", TODAY)
    assert status["route"] == "m4"
    assert status["reports"] == 1
    assert status["segments"][0]["closed"] > 0
    assert status["segments"][30]["unknown"] == 1.0
    table = desk.run("observations", "road")
    assert table.exit_code == 0
    assert "m4" in table.stdout
    [listed_site] = desk.lines("observations", "sites")
    assert listed_site["observation_id"] == site
    assert listed_site["discrepancies"] == {"tank": 2}
    sites_table = desk.run("observations", "sites")
    assert "tank +2" in sites_table.stdout
    assert road.startswith("obs_")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--subkind", "heavy_weapons", "--weapon-type", "tank", "--group", "x", "--km", "3"],
            "--group: not an option of heavy_weapons",
        ),
        (
            ["--subkind", "heavy_weapons", "--weapon-type", "rifle", "--km", "3"],
            "details.weapon_type",
        ),
        (["--subkind", "storage_site", "--site", "x", "--declared", "tank"], "--declared"),
        (
            ["--subkind", "road_status", "--from-km", "0", "--to-km", "99", "--status", "open"],
            "details.to_km",
        ),
        (["--weapon-type", "tank"], "--subkind"),
    ],
)
def test_a_refused_observation_exits_2_with_the_reason_and_writes_nothing(
    desk: Desk, args: list[str], message: str
) -> None:
    before = desk.log_size()
    result = desk.act("tr-officer", "observations", "add", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert desk.log_size() == before


def test_an_observation_from_a_json_file_and_an_unknown_one_to_show(
    desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "observation.json"
    data = {
        "subkind": "road_status",
        "observed_at": EARLIER,
        "details": {"route": "m4", "from_km": 5, "to_km": 8, "status": "open"},
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    made = desk.record("tr-officer", "observations", "add", "--json", str(path))
    shown = desk.whole("observations", "show", made)
    assert shown["details"]["since"] == shown["observed_at"].replace("Z", "+00:00")
    missing = desk.run("observations", "show", "obs_none")
    assert missing.exit_code == 2
    assert "obs_none" in missing.output
