"""The `truceline` command line, end to end on a real SQLite file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.geometries import known_points
from tests.packs import copy_example, edit_text, line_of
from truceline import __version__
from truceline.entrypoints.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path, runner: CliRunner) -> str:
    path = str(tmp_path / "cli.db")
    result = runner.invoke(cli, ["init", "--db", path])
    assert result.exit_code == 0, result.output
    return path


def test_version_prints_the_package_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"truceline {__version__}"


def test_init_loads_the_example_and_says_what_it_loaded(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["init", "--example", "idlib-m4", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0, result.output
    assert "idlib-m4: inserted" in result.stdout
    assert "11 provisions" in result.stdout


def test_init_twice_reports_unchanged(runner: CliRunner, db: str) -> None:
    result = runner.invoke(cli, ["init", "--db", db])
    assert "idlib-m4: unchanged" in result.stdout


def test_init_with_an_unknown_example_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["init", "--example", "nowhere", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2
    assert "no bundled example 'nowhere'" in result.stderr


def test_init_with_a_bad_pack_exits_2_naming_the_file_and_line_and_writes_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "responsible: ru", "responsible: russia")
    line = line_of(pack, "agreement.yaml", "responsible: russia")
    db = str(tmp_path / "bad.db")
    result = runner.invoke(cli, ["init", "--pack", str(pack), "--db", db])
    assert result.exit_code == 2
    assert (
        f"agreement.yaml:line {line}: zones[1].responsible: unknown party 'russia'" in result.stderr
    )
    assert "nothing was written" in result.stderr
    listing = runner.invoke(cli, ["places", "search", "Saraqib", "--db", db])
    assert listing.exit_code == 2
    assert "no agreement is loaded" in listing.stderr


def test_pack_validate_accepts_the_example(runner: CliRunner, example_pack: Path) -> None:
    result = runner.invoke(cli, ["pack", "validate", str(example_pack)])
    assert result.exit_code == 0, result.output
    assert "valid pack 'idlib-m4'" in result.stdout


def test_pack_validate_lists_every_problem_and_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "title: Idlib", "title: [Idlib")
    result = runner.invoke(cli, ["pack", "validate", str(pack)])
    assert result.exit_code == 2
    assert "agreement.yaml:line" in result.stderr
    assert "not valid YAML" in result.stderr


def test_places_search_resolves_a_transliteration(runner: CliRunner, db: str) -> None:
    result = runner.invoke(cli, ["places", "search", "Saraqeb", "--db", db])
    assert result.exit_code == 0, result.output
    assert "saraqib" in result.stdout


def test_places_search_finds_nothing_for_an_unknown_name(runner: CliRunner, db: str) -> None:
    result = runner.invoke(cli, ["places", "search", "Sarmada", "--db", db])
    assert result.exit_code == 1
    assert "no place matches" in result.stderr


def test_places_near_lists_the_nearest_place_first(runner: CliRunner, db: str) -> None:
    result = runner.invoke(cli, ["places", "near", "36.801", "35.864", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.index("saraqib") < result.stdout.index("trumba")


def test_zones_classify_adds_zone_party_km_side_and_offset(
    runner: CliRunner, db: str, tmp_path: Path
) -> None:
    points = known_points()
    source = tmp_path / "points.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "lon", "lat"])
        writer.writerows([p.name, p.lon, p.lat] for p in points)
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["zones", "classify", str(source), "--out", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == [p.name for p in points]
    assert [r["zone"] or None for r in rows] == [p.zone for p in points]
    assert [r["responsible_party"] or None for r in rows] == [p.responsible for p in points]
    assert [r["side"] for r in rows] == ["north", "south", "north", "south"]
    # The road runs at an angle at Ariha, so the nearest point of it is closer than straight north.
    offsets = [float(r["offset_m"]) for r in rows]
    assert all(1_000 < o <= 2_000.5 for o in offsets[:2])
    assert all(6_000 < o <= 10_000.5 for o in offsets[2:])
    assert all(15 < float(r["km_post"]) < 25 for r in rows)
    assert "classifying" in result.stderr


def test_zones_classify_names_the_bad_line_and_writes_no_file(
    runner: CliRunner, db: str, tmp_path: Path
) -> None:
    source = tmp_path / "points.csv"
    source.write_text("lon,lat\n36.6,35.8\n36.6,north\n")
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["zones", "classify", str(source), "--out", str(out), "--db", db])
    assert result.exit_code == 2
    assert f"{source}:3: lat: 'north' is not a number" in result.stderr
    assert not out.exists()
    assert list(tmp_path.glob(".classify-*")) == []


def test_zones_classify_needs_coordinate_columns(
    runner: CliRunner, db: str, tmp_path: Path
) -> None:
    source = tmp_path / "points.csv"
    source.write_text("a,b\n1,2\n")
    result = runner.invoke(
        cli, ["zones", "classify", str(source), "--out", str(tmp_path / "o.csv"), "--db", db]
    )
    assert result.exit_code == 2
    assert ":1: needs a longitude column" in result.stderr


def test_zones_classify_reports_a_missing_input_file(
    runner: CliRunner, db: str, tmp_path: Path
) -> None:
    result = runner.invoke(
        cli,
        [
            "zones",
            "classify",
            str(tmp_path / "none.csv"),
            "--out",
            str(tmp_path / "o.csv"),
            "--db",
            db,
        ],
    )
    assert result.exit_code == 2
    assert "none.csv: No such file or directory" in result.stderr


def test_a_bad_setting_in_the_environment_exits_2_naming_it(runner: CliRunner, db: str) -> None:
    result = runner.invoke(
        cli, ["places", "search", "Ariha", "--db", db], env={"TRUCELINE_PORT": "abc"}
    )
    assert result.exit_code == 2
    assert "TRUCELINE_PORT" in result.stderr


def test_an_unknown_example_in_the_environment_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli,
        ["places", "search", "Ariha", "--db", str(tmp_path / "x.db")],
        env={"TRUCELINE_EXAMPLE": "nowhere"},
    )
    assert result.exit_code == 2
    assert "no bundled example 'nowhere'" in result.stderr


def test_a_database_in_a_missing_folder_exits_2_naming_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["init", "--db", str(tmp_path / "no" / "such" / "x.db")])
    assert result.exit_code == 2
    assert "database sqlite:///" in result.stderr


def test_help_shows_the_environment_variable_of_db(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["init", "--help"], env={"COLUMNS": "200"})
    assert "[env: TRUCELINE_DATABASE_URL]" in result.stdout
