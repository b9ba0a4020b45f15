"""`truceline patrols ...`: both sides run a patrol on the server, each signing with their key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.incident_support import NORTH, Clock, add_officer, make_app
from tests.patrol_support import plan_data, route_points
from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Role
from truceline.domain.patrols import TrackPoint
from truceline.entrypoints.cli import cli
from truceline.services.ledger import entries_page

PLAN = [
    "--day",
    "2020-04-01",
    "--start-time",
    "09:00",
    "--from-km",
    "0",
    "--to-km",
    "30",
    "--contingent",
    "tr:4:Mechanised company A,Engineer section",
    "--contingent",
    "ru:3:Military police platoon 2",
    "--checkpoint",
    "10",
    "--checkpoint",
    "20",
]


@dataclass
class Desk:
    app: App
    db: str
    keys: dict[str, Path]
    runner: CliRunner
    tmp: Path

    def run(self, *args: str) -> Result:
        return self.runner.invoke(cli, [*args, "--db", self.db], env={"COLUMNS": "200"})

    def act(self, username: str, *args: str) -> Result:
        return self.run(*args, "--as", username, "--key", str(self.keys[username]))

    def ok(self, username: str | None, *args: str) -> str:
        result = self.act(username, *args) if username else self.run(*args)
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
    for username, role, party in [
        ("tr-officer", Role.ZONE_OFFICER, "tr"),
        ("ru-officer", Role.ZONE_OFFICER, "ru"),
        ("analyst", Role.ANALYST, MONITOR_PARTY),
    ]:
        officer = add_officer(app, username, role, party)
        keys[username] = tmp_path / f"{username}.pem"
        officer.signer.save(keys[username])
    try:
        yield Desk(app, database_url, keys, CliRunner(), tmp_path)
    finally:
        app.close()


def gpx(points: list[TrackPoint]) -> str:
    rows = "".join(
        f'<trkpt lat="{p.lat}" lon="{p.lon}"><time>2020-04-01T06:{i:02d}:00Z</time></trkpt>'
        for i, p in enumerate(points)
    )
    return f'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{rows}</trkseg></trk></gpx>'


def test_both_sides_run_a_patrol_from_the_command_line(desk: Desk) -> None:
    before = desk.log_size()
    planned = desk.ok("tr-officer", "patrols", "plan", *PLAN)
    first = planned.splitlines()[0]
    assert first.startswith("planned patrol #1 (pat_")
    assert "km 0 to 30" in first
    assert "notice given to: ru" in planned
    patrol_id = first.split("(")[1].split(")")[0]

    early = desk.act("tr-officer", "patrols", "start", "1")
    assert early.exit_code == 2
    assert "patrol: patrol #1 may not start before ru acknowledged" in early.stderr

    assert "ru acknowledged patrol #1" in desk.ok("ru-officer", "patrols", "acknowledge", "#1")
    assert "under way" in desk.ok("ru-officer", "patrols", "start", patrol_id)
    assert "km 10" in desk.ok("tr-officer", "patrols", "checkpoint", "1", "10")

    track = desk.tmp / "patrol-1.gpx"
    track.write_text(gpx(route_points(desk.app.geography(), [0, 3, 6, 9, 12])))
    tracked = desk.ok("ru-officer", "patrols", "track", "1", "--file", str(track))
    assert "5 points added, 5 in all" in tracked
    assert "100% within 1500 m; furthest reached: km 12" in tracked

    no_reason = desk.act("tr-officer", "patrols", "end", "1", "--outcome", "aborted")
    assert no_reason.exit_code == 2
    assert "reason: say why the patrol was aborted" in no_reason.stderr
    ended = desk.ok(
        "tr-officer",
        "patrols",
        "end",
        "1",
        "--outcome",
        "curtailed",
        "--at-km",
        "12.5",
        "--reason",
        "A crowd blocked the road at Nayrab",
    )
    assert "curtailed: 12.5 of 30 km covered" in ended

    added = desk.ok(
        "tr-officer",
        "incidents",
        "add",
        "--date",
        "2020-04-01",
        "--lon",
        str(NORTH[0]),
        "--lat",
        str(NORTH[1]),
        "--monitoring",
        "patrol_attack",
        "--notes",
        "Stones thrown at the joint patrol",
    )
    incident_id = added.split()[1]
    assert f"linked {incident_id} to patrol #1" in desk.ok(
        "ru-officer", "patrols", "link", "1", incident_id
    )
    assert desk.log_size() == before + 8

    listed = desk.ok(None, "patrols", "list")
    assert patrol_id in listed
    assert "curtailed" in listed
    assert "12.5/30" in listed
    [item] = json.loads(desk.ok(None, "patrols", "list", "--format", "json"))["items"]
    assert (item["id"], item["state"], item["incidents"]) == (
        patrol_id,
        "curtailed",
        [incident_id],
    )
    shown = desk.ok(None, "patrols", "show", "1")
    assert "outcome: curtailed at km 12.5 (A crowd blocked the road at Nayrab)" in shown
    assert "tr: Mechanised company A, Engineer section; 4 vehicle(s)" in shown
    assert "track_recorded" in shown
    whole = json.loads(desk.ok(None, "patrols", "show", patrol_id, "--format", "json"))
    assert [s["action"] for s in whole["steps"]][-1] == "incident_linked"
    assert whole["deviation"]["km_reached"] == pytest.approx(12.0, abs=0.01)
    stats = json.loads(desk.ok(None, "patrols", "stats", "--format", "json"))
    assert stats["months"][0]["curtailed"] == 1
    assert stats["months"][0]["km_covered"] == 12.5
    assert "12.5/30" in desk.ok(None, "patrols", "stats", "--from", "2020-04-01")


def test_a_plan_from_a_json_file_and_a_geojson_track(desk: Desk) -> None:
    plan_file = desk.tmp / "plan.json"
    plan_file.write_text(json.dumps(plan_data(day="2020-04-02", to_km=15, checkpoints=[5])))
    desk.ok("ru-officer", "patrols", "plan", "--json", str(plan_file))
    desk.ok("tr-officer", "patrols", "acknowledge", "1")
    desk.ok("tr-officer", "patrols", "start", "1")
    points = route_points(desk.app.geography(), [0, 5, 10])
    line = {"type": "LineString", "coordinates": [[p.lon, p.lat] for p in points]}
    track = desk.tmp / "track.geojson"
    track.write_text(json.dumps(line))
    assert "3 points added" in desk.ok("tr-officer", "patrols", "track", "1", "--file", str(track))
    assert "completed: 15 of 15 km" in desk.ok(
        "tr-officer", "patrols", "end", "1", "--outcome", "completed"
    )


def test_bad_input_and_refusals_exit_2_naming_the_problem(desk: Desk) -> None:
    before = desk.log_size()
    denied = desk.act("analyst", "patrols", "plan", *PLAN)
    assert denied.exit_code == 2
    assert "may not plan_patrol" in denied.stderr
    off_route = desk.act("tr-officer", "patrols", "plan", *PLAN[:7], "75", *PLAN[8:])
    assert off_route.exit_code == 2
    assert "to_km: km 75 is not on the route" in off_route.stderr
    bad = desk.act("tr-officer", "patrols", "plan", *PLAN[:9], "tr-four-vehicles")
    assert bad.exit_code == 2
    assert "--contingent" in bad.stderr
    missing = desk.run("patrols", "show", "7")
    assert missing.exit_code == 2
    assert "no patrol #7" in missing.stderr
    desk.ok("tr-officer", "patrols", "plan", *PLAN)
    desk.ok("ru-officer", "patrols", "acknowledge", "1")
    desk.ok("ru-officer", "patrols", "start", "1")
    not_a_track = desk.tmp / "notes.gpx"
    not_a_track.write_text("these are my notes")
    refused = desk.act("ru-officer", "patrols", "track", "1", "--file", str(not_a_track))
    assert refused.exit_code == 2
    assert "notes.gpx: not XML" in refused.stderr
    assert desk.log_size() == before + 3
