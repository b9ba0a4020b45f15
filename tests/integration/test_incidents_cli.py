"""`truceline incidents ...` on the server's database, each change signed with the user's key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.incident_support import NORTH, SOUTH, Clock, add_officer, make_app, report_data
from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Role
from truceline.entrypoints.cli import cli
from truceline.services.ledger import entries_page


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

    def add(self, username: str, *args: str) -> str:
        result = self.act(username, "incidents", "add", *args)
        assert result.exit_code == 0, result.output
        first = result.stdout.splitlines()[0]
        assert first.startswith("reported inc_")
        return first.split()[1]

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
        ("tr-ao", Role.AUTHORIZED_OFFICER, "tr"),
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


def point(where: tuple[float, float]) -> list[str]:
    return ["--lon", str(where[0]), "--lat", str(where[1])]


SHELLING = [
    "--event-type",
    "Explosions/Remote violence",
    "--sub-event-type",
    "Shelling/artillery/missile attack",
]


def test_add_list_show_and_positions_of_both_sides(desk: Desk) -> None:
    before = desk.log_size()
    added = desk.act(
        "tr-officer",
        "incidents",
        "add",
        "--date",
        "2020-03-20",
        *point(NORTH),
        "--place",
        "Ariha",
        *SHELLING,
        "--notes",
        "Shelling of the outskirts of Ariha from the south",
        "--grade",
        "B2",
    )
    assert added.exit_code == 0, added.output
    incident_id = added.stdout.split()[1]
    assert "zones: corridor-north" in added.stdout
    assert "responsible party: tr" in added.stdout
    assert "km post: 2" in added.stdout
    assert "moscow-1-ceasefire" in added.stdout
    assert "possible duplicates: none" in added.stdout
    assert desk.log_size() == before + 1
    [(entry, _)] = entries_page(desk.app.uow(), before, 1).entries
    assert (entry.event, entry.party) == ("incident.reported", "tr")

    # The place alone is looked up in the gazetteer; a near duplicate is named.
    second = desk.act(
        "ru-officer",
        "incidents",
        "add",
        "--date",
        "2020-03-20",
        "--place",
        "Ariha",
        *SHELLING,
        "--notes",
        "Shelling of Ariha outskirts",
    )
    assert second.exit_code == 0, second.output
    assert "from the gazetteer" in second.stderr
    assert incident_id in second.stdout

    listing = desk.run("incidents", "list", "--zone", "corridor-north")
    assert listing.exit_code == 0, listing.output
    assert incident_id in listing.stdout
    assert "last page" in listing.stdout
    lines = desk.run("incidents", "list", "--json", "--total")
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert len(rows) == 2
    [mine] = [r for r in rows if r["id"] == incident_id]
    assert (mine["zones"], mine["responsible_party"]) == (["corridor-north"], "tr")
    assert "2 in all" in lines.stderr
    queue = desk.run("incidents", "list", "--awaiting", "ru", "--json")
    assert {json.loads(line)["id"] for line in queue.stdout.splitlines()} >= {incident_id}

    position = ["incidents", "position", incident_id]
    said = desk.act("tr-officer", *position, "--stance", "confirms", "--held-responsible", "sy-gov")
    assert said.exit_code == 0, said.output
    said = desk.act("ru-officer", *position, "--stance", "denies", "--text", "No shelling")
    assert said.exit_code == 0, said.output
    assert "finding: disputed" in said.stdout

    shown = desk.run("incidents", "show", incident_id)
    assert shown.exit_code == 0, shown.output
    for expected in ("Reports", "Positions", "History", "confirms", "denies", "sy-gov", "disputed"):
        assert expected in shown.stdout
    whole = json.loads(desk.run("incidents", "show", incident_id, "--json").stdout)
    assert set(whole["positions"]) == {"tr", "ru"}
    assert [h["action"] for h in whole["history"]] == [
        "reported",
        "position_recorded",
        "position_recorded",
    ]


def test_pages_follow_the_cursor(desk: Desk) -> None:
    for day in (10, 11, 12):
        desk.add("ru-officer", "--date", f"2020-03-{day}", *point(SOUTH), *SHELLING)
    first = desk.run("incidents", "list", "--limit", "2", "--json")
    assert len(first.stdout.splitlines()) == 2
    cursor = first.stderr.split("--after ")[1].strip()
    rest = desk.run("incidents", "list", "--limit", "2", "--json", "--after", cursor)
    [last] = [json.loads(line) for line in rest.stdout.splitlines()]
    assert last["dates"]["start"] == "2020-03-10"
    assert "last page" in rest.stderr


def test_a_json_file_holds_the_whole_report_and_monitoring_kinds_set_the_types(
    desk: Desk, tmp_path: Path
) -> None:
    data = tmp_path / "report.json"
    data.write_text(json.dumps(report_data(party="tr", notes="from a file")), encoding="utf-8")
    assert desk.add("tr-officer", "--json", str(data)).startswith("inc_")
    sighting = desk.add(
        "monitor", "--date", "2020-03-21", *point(SOUTH), "--monitoring", "heavy_weapon_sighting"
    )
    shown = json.loads(desk.run("incidents", "show", sighting, "--json").stdout)
    assert shown["incident"]["event_type"] == "Strategic developments"
    assert shown["reports"][0]["channel"] == "monitor"
    mixed = desk.act("tr-officer", "incidents", "add", "--json", str(data), "--date", "2020-03-20")
    assert mixed.exit_code == 2
    assert "--json" in mixed.stderr


def test_merge_and_split_from_the_command_line(desk: Desk) -> None:
    first = desk.add("tr-officer", "--date", "2020-03-20", *point(NORTH), *SHELLING)
    second = desk.add("ru-officer", "--date", "2020-03-20", *point(NORTH), *SHELLING)
    merged = desk.act("tr-ao", "incidents", "merge", first, second, "--note", "one event")
    assert merged.exit_code == 0, merged.output
    whole = json.loads(desk.run("incidents", "show", first, "--json").stdout)
    moved = whole["incident"]["report_ids"][-1]
    split = desk.act("monitor", "incidents", "split", first, moved, "--new-id", "inc_apart")
    assert split.exit_code == 0, split.output
    assert "inc_apart" in split.stdout
    apart = json.loads(desk.run("incidents", "show", "inc_apart", "--json").stdout)
    assert [r["id"] for r in apart["reports"]] == [moved]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2020-03-20", *point((200.0, 35.0)), *SHELLING], "incident.location.lon:"),
        (["--date", "2017-01-01", *point(NORTH), *SHELLING], "incident.dates.start:"),
        (["--date", "2099-01-01", *point(NORTH), *SHELLING], "incident.dates.end:"),
        (
            ["--date", "2020-03-20", *point(NORTH), "--event-type", "Battles"],
            "incident.sub_event_type:",
        ),
        (["--date", "2020-03-20", "--place", "Atlantis", *SHELLING], "--place:"),
        (["--date", "2020-03-20", "--lon", "36.5", *SHELLING], "--lon, --lat:"),
        ([*point(NORTH), *SHELLING], "--date:"),
        (["--date", "2020-03-20", *point(NORTH), *SHELLING, "--grade", "Z9"], "report.grade:"),
    ],
)
def test_bad_input_exits_2_naming_the_field_and_writes_nothing(
    desk: Desk, args: list[str], message: str
) -> None:
    before = desk.log_size()
    result = desk.act("tr-officer", "incidents", "add", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert desk.log_size() == before
    assert desk.run("incidents", "list", "--json").stdout == ""


def test_who_acts_must_exist_hold_their_own_key_and_be_allowed(desk: Desk) -> None:
    args = ["incidents", "add", "--date", "2020-03-20", *point(NORTH), *SHELLING]
    before = desk.log_size()
    ghost = desk.run(*args, "--as", "ghost", "--key", str(desk.keys["tr-officer"]))
    assert ghost.exit_code == 2
    assert "no user 'ghost'" in ghost.stderr
    borrowed = desk.run(*args, "--as", "tr-officer", "--key", str(desk.keys["ru-officer"]))
    assert borrowed.exit_code == 2
    assert "--key: not a key registered for tr-officer" in borrowed.stderr
    missing = desk.run(*args, "--as", "tr-officer", "--key", "/nonexistent.pem")
    assert missing.exit_code == 2
    assert "--key:" in missing.stderr
    analyst = desk.act("analyst", *args)
    assert analyst.exit_code == 2
    assert "may not report_incident" in analyst.stderr
    assert desk.log_size() == before
    unknown_zone = desk.run("incidents", "list", "--zone", "atlantis")
    assert unknown_zone.exit_code == 2
    assert "zone: 'atlantis'" in unknown_zone.stderr
    missing_incident = desk.run("incidents", "show", "inc_nothing")
    assert missing_incident.exit_code == 2
