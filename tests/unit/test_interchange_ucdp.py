"""UCDP GED CSV in and out, on 40 real Idlib events of the UCDP GED Syria release."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from truceline.adapters.interchange import ImportResult
from truceline.adapters.interchange.ucdp import (
    UCDP_COLUMNS,
    inter_code,
    priogrid_gid,
    read_ucdp,
    split_articles,
    type_of_violence,
    ucdp_row,
    write_ucdp,
)
from truceline.domain.incidents import Actors, DateRange, Fatalities, Incident, Links, Location

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ucdp-ged-sample.csv"
IMPORTED_AT = datetime(2020, 1, 10, tzinfo=UTC)
# Columns Truceline does not keep, and so writes empty.
NOT_KEPT = {
    "active_year",
    "conflict_new_id",
    "conflict_name",
    "dyad_new_id",
    "dyad_name",
    "side_a_new_id",
    "side_b_new_id",
    "gwnob",
    "source_original",
    "country_id",
    "event_clarity",
}


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def sample_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(sample_text())))


def read(text: str) -> ImportResult:
    return read_ucdp(io.StringIO(text), entered_by="importer", received_at=IMPORTED_AT)


def export(result: ImportResult) -> str:
    out = io.StringIO()
    reports = {r.id: r for row in result.imported for r in row.reports}
    write_ucdp([row.incident for row in result.imported], out, reports=reports)
    return out.getvalue()


def test_the_sample_has_forty_idlib_rows_and_every_column() -> None:
    rows = sample_rows()
    assert len(rows) == 40
    assert tuple(rows[0]) == UCDP_COLUMNS
    assert {row["adm_1"] for row in rows} == {"Idlib Governorate"}


def test_every_row_of_the_sample_imports() -> None:
    result = read(sample_text())
    assert result.rejected == ()
    assert len(result.imported) == 40


def test_a_row_becomes_an_incident_with_one_report_per_cited_article() -> None:
    rows = {row["id"]: row for row in sample_rows()}
    for imported in read(sample_text()).imported:
        incident = imported.incident
        row = rows[incident.external_id("ucdp") or ""]
        assert incident.id == f"inc_ucdp-{row['id']}"
        assert len(imported.reports) == int(row["number_of_sources"])
        assert incident.report_ids == tuple(r.id for r in imported.reports)
        assert [r.source_name.strip() for r in imported.reports] == row["source_office"].split(";")
        assert {r.channel for r in imported.reports} == {"bulk_import"}
        assert (incident.dates.start, incident.dates.end) == (
            date.fromisoformat(row["date_start"]),
            date.fromisoformat(row["date_end"]),
        )
        assert incident.dates.date_prec == int(row["date_prec"])
        assert incident.location.where_prec == int(row["where_prec"])
        assert (incident.location.lat, incident.location.lon) == (
            float(row["latitude"]),
            float(row["longitude"]),
        )
        assert incident.location.place == row["where_coordinates"]
        assert (incident.actors.actor1, incident.actors.actor2) == (row["side_a"], row["side_b"])
        assert incident.fatalities.best == int(row["best"])
        assert incident.fatalities.civilians == int(row["deaths_civilians"])


def test_each_type_of_violence_becomes_an_acled_type_and_comes_back() -> None:
    rows = {row["id"]: row for row in sample_rows()}
    seen = set()
    for imported in read(sample_text()).imported:
        incident = imported.incident
        violence = rows[incident.external_id("ucdp") or ""]["type_of_violence"]
        seen.add(violence)
        expected = {"1": "Armed clash", "2": "Armed clash", "3": "Attack"}[violence]
        assert incident.sub_event_type == expected
        assert incident.civilian_targeting == (violence == "3")
        assert type_of_violence(incident) == int(violence)
    assert seen == {"1", "2", "3"}


def test_rows_with_low_above_best_or_high_below_import_widened_with_a_warning() -> None:
    result = read(sample_text())
    lines = sample_text().splitlines()
    warned = {(w.line, w.field) for w in result.warnings}
    assert len(warned) == 2
    for imported in result.imported:
        f = imported.incident.fatalities
        assert f.low <= f.best <= f.high
        for warning in imported.warnings:
            assert warning.line == imported.line
            assert lines[warning.line - 1].startswith(imported.incident.external_id("ucdp") or "")
            assert warning.field in {"low", "high"}
            assert "is taken as" in warning.reason


def test_ucdp_to_truceline_to_ucdp_gives_back_every_column_truceline_keeps() -> None:
    original = sample_rows()
    result = read(sample_text())
    widened = {w.line for w in result.warnings}
    written = list(csv.DictReader(io.StringIO(export(result))))
    assert tuple(written[0]) == UCDP_COLUMNS
    lines = [row.line for row in result.imported]
    for line, before, after in zip(lines, original, written, strict=True):
        for column in UCDP_COLUMNS:
            if column in NOT_KEPT:
                assert after[column] == "", column
            elif column == "source_headline":
                # UCDP cuts long headline lists short; Truceline writes them whole.
                assert after[column].startswith(before[column]), column
            elif column in {"low", "high"} and line in widened:
                continue
            else:
                assert after[column] == before[column], (before["id"], column)


def test_reading_the_export_again_gives_the_same_incidents_and_reports() -> None:
    first = read(sample_text())
    second = read(export(first))
    assert second.rejected == ()
    assert [(r.incident, r.reports) for r in second.imported] == [
        (r.incident, r.reports) for r in first.imported
    ]


def test_importing_the_sample_twice_gives_the_same_result() -> None:
    assert read(sample_text()).imported == read(sample_text()).imported


def test_the_priogrid_cell_is_computed_from_the_point() -> None:
    for row in sample_rows():
        cell = priogrid_gid(float(row["longitude"]), float(row["latitude"]))
        assert cell == int(row["priogrid_gid"])


@pytest.mark.parametrize(
    ("side", "code"),
    [
        ("Government of Syria", 1),
        ("Government of Turkey", 8),
        ("Civilians", 7),
        ("HTS", 2),
        ("Syrian insurgents", 2),
        ("", 0),
    ],
)
def test_a_side_gets_an_acled_inter_code_from_its_name(side: str, code: int) -> None:
    assert inter_code(side, "Syria") == code


def native(**changes: object) -> Incident:
    values: dict[str, object] = {
        "id": "inc_m4clash",
        "dates": DateRange(date(2020, 3, 5), date(2020, 3, 7)),
        "location": Location(
            36.60964, 35.81374, "Ariha", "Idlib Governorate", "Ariha district", "", 1, 1, "Syria"
        ),
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actors": Actors("Government of Syria", 1, "HTS", 2),
        "fatalities": Fatalities(1, 2, 4, side_a=0, side_b=1, civilians=1, unknown=0),
        "notes": "not held by UCDP",
        "injuries": 3,
        "links": Links(("corridor-south",)),
    }
    values.update(changes)
    return Incident(**values)  # type: ignore[arg-type]


def known_to_ucdp(incident: Incident) -> Incident:
    """The incident with only what a UCDP row holds; the rest set as an import sets it."""
    violence = type_of_violence(incident)
    assert violence is not None
    event_type, sub = {1: ("Battles", "Armed clash"), 2: ("Battles", "Armed clash")}.get(
        violence, ("Violence against civilians", "Attack")
    )
    actors = incident.actors
    country = incident.location.country
    return replace(
        incident,
        event_type=event_type,
        sub_event_type=sub,
        disorder_type="",
        actors=Actors(
            actors.actor1,
            inter_code(actors.actor1, country),
            actors.actor2,
            inter_code(actors.actor2, country),
        ),
        civilian_targeting=violence == 3,
        location=replace(incident.location, geo_precision=0, admin3="", iso=None),
        notes="",
        injuries=None,
        tags=(),
        report_ids=(),
        links=Links(),
        possible_duplicates=(),
        merged_into=None,
        history=(),
    )


@pytest.mark.parametrize(
    "incident",
    [
        native(),
        native(
            id="inc_vac",
            event_type="Violence against civilians",
            sub_event_type="Attack",
            actors=Actors("IS", 2, "Civilians", 7),
            civilian_targeting=True,
            fatalities=Fatalities(3, 3, 3),
            dates=DateRange(date(2019, 6, 1), date(2019, 6, 30)),
        ),
        native(id="inc_nonstate", actors=Actors("HTS", 2, "Ahrar al-Sham", 2)),
    ],
    ids=["state-based", "one-sided", "non-state"],
)
def test_truceline_to_ucdp_to_truceline_keeps_every_field_ucdp_holds(incident: Incident) -> None:
    out = io.StringIO()
    assert write_ucdp([incident], out).written == 1
    [back] = read(out.getvalue()).imported
    assert back.incident.id == incident.id
    assert known_to_ucdp(replace(back.incident, report_ids=())) == known_to_ucdp(incident)


def test_incidents_that_are_not_organised_violence_are_skipped_with_the_reason() -> None:
    protest = native(
        id="inc_sitin", event_type="Protests", sub_event_type="Peaceful protest", actors=Actors()
    )
    out = io.StringIO()
    result = write_ucdp([native(), protest], out)
    assert result.written == 1
    assert result.skipped == (("inc_sitin", "Protests is not organised violence"),)
    assert ucdp_row(protest, {}) is None


def test_a_written_row_derives_year_wkt_and_precision() -> None:
    row = ucdp_row(native(), {})
    assert row is not None
    assert (row["year"], row["type_of_violence"], row["date_prec"]) == ("2020", "1", "2")
    assert row["geom_wkt"] == "POINT (36.60964 35.81374)"
    assert (row["deaths_a"], row["deaths_civilians"], row["low"], row["high"]) == (
        "0",
        "1",
        "1",
        "4",
    )
    assert row["number_of_sources"] == row["source_article"] == ""


def test_an_article_list_is_split_into_office_date_and_headline() -> None:
    text = '"SOHR,2016-01-23,Raids on Idlib, and more";"Human Rights Watch,2016-02-08,Report"'
    assert split_articles(text) == [
        ("SOHR", "2016-01-23", "Raids on Idlib, and more"),
        ("Human Rights Watch", "2016-02-08", "Report"),
    ]


@pytest.mark.parametrize(
    "text",
    ["", "SOHR,2016-01-23,x", '"SOHR,23 Jan 2016,x"', '"SOHR,2016-02-30,x"', '",2016-01-01,x"'],
)
def test_an_unreadable_article_list_is_kept_whole_in_one_report(text: str) -> None:
    assert split_articles(text) is None
    row = {**sample_rows()[0], "source_article": text}
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=UCDP_COLUMNS, lineterminator="\n").writerows([row])
    header = ",".join(UCDP_COLUMNS) + "\n"
    [imported] = read(header + out.getvalue()).imported
    [report] = imported.reports
    assert (report.source_name, report.original_text) == ("UCDP GED", text)
    assert report.received_at == IMPORTED_AT


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"date_prec": "3"}, "date_prec"),
        ({"date_end": "2015-12-31"}, "date_end"),
        ({"date_start": "yesterday"}, "date_start"),
        ({"where_prec": "8"}, "where_prec"),
        ({"type_of_violence": "4"}, "type_of_violence"),
        ({"latitude": "north"}, "latitude"),
        ({"longitude": "200"}, "longitude"),
        ({"best": "-1", "low": "-1"}, "low"),
        ({"side_a": "IS; HTS"}, "side_a"),
        ({"deaths_a": "9"}, "best"),
        ({"id": "no spaces please"}, "id"),
    ],
)
def test_a_bad_value_rejects_its_row_naming_the_line_and_the_column(
    change: dict[str, str], column: str
) -> None:
    rows = sample_rows()[:3]
    rows[1] = {**rows[1], **change}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=UCDP_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    result = read(out.getvalue())
    assert len(result.imported) == 2
    [rejected] = result.rejected
    assert rejected.line == 3
    assert column in {p.field for p in rejected.problems}, rejected.problems


def test_a_file_without_ucdps_required_columns_is_rejected_at_line_one() -> None:
    result = read("id,year,side_a\n1,2019,Government of Syria\n")
    assert result.imported == ()
    assert {p.line for p in result.problems} == {1}
    assert "type_of_violence" in {p.field for p in result.problems}
