"""ACLED CSV in and out, on rows generated here (ACLED's own data is not openly licensed)."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from truceline.adapters.interchange import ImportedRow, ImportResult
from truceline.adapters.interchange.acled import (
    ACLED_COLUMNS,
    acled_row,
    iter_acled,
    read_acled,
    write_acled,
)
from truceline.domain import event_types as vocab
from truceline.domain.incidents import Actors, DateRange, Fatalities, Incident, Links, Location
from truceline.domain.reports import AdmiraltyGrade, Channel, Report

IMPORTED_AT = datetime(2020, 9, 1, 6, 0, tzinfo=UTC)
PLACES = [
    ("Saraqib", 36.8059, 35.8645, "Idleb", "Idleb", "Saraqeb"),
    ("Ariha", 36.6096, 35.8137, "Idleb", "Ariha", "Ariha"),
    ("Jisr Ash-Shugur", 36.3198, 35.8142, "Idleb", "Jisr-Ash-Shugur", ""),
]
ACTORS = {
    1: ["Military Forces of Syria (2000-)", "Military Forces of Turkey (2016-)"],
    2: ["HTS: Hayat Tahrir al Sham", "NLF: National Liberation Front"],
    3: ["Unidentified Armed Group (Syria)"],
    7: ["Civilians (Syria)"],
    8: ["Military Forces of Russia (2000-)"],
}


def generated_rows(count: int, seed: int = 7) -> list[dict[str, str]]:
    """ACLED-format rows made up here, varied across every column."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        parent = rng.choice(list(vocab.EVENT_TYPES))
        sub = rng.choice(vocab.EVENT_TYPES[parent])
        inter1 = rng.choice(list(ACTORS))
        inter2 = rng.choice([0, *ACTORS])
        day = date(2020, 3, 6) + timedelta(days=rng.randrange(180))
        place, lon, lat, admin1, admin2, admin3 = rng.choice(PLACES)
        disorder = sorted(vocab.allowed_disorder_types(sub))
        tags = rng.choice(["", "crowd size=no report", "women targeted: girls; local people"])
        rows.append(
            {
                "event_id_cnty": f"SYR{100000 + n}",
                "event_date": day.isoformat(),
                "year": str(day.year),
                "time_precision": str(rng.choice([1, 1, 2, 3])),
                "disorder_type": rng.choice(disorder),
                "event_type": parent,
                "sub_event_type": sub,
                "actor1": rng.choice(ACTORS[inter1]),
                "assoc_actor_1": rng.choice(["", "Turkmen Ethnic Militia (Syria)"]),
                "inter1": str(inter1),
                "actor2": rng.choice(ACTORS[inter2]) if inter2 else "",
                "assoc_actor_2": rng.choice(["", "Civilians (Syria); Farmers (Syria)"])
                if inter2
                else "",
                "inter2": str(inter2),
                "interaction": str(vocab.interaction(inter1, inter2)),
                "civilian_targeting": rng.choice(["", "Civilian targeting"]),
                "iso": "760",
                "region": "Middle East",
                "country": "Syria",
                "admin1": admin1,
                "admin2": admin2,
                "admin3": admin3,
                "location": place,
                "latitude": str(lat + rng.randrange(100) / 10000),
                "longitude": str(lon),
                "geo_precision": str(rng.choice([1, 2, 3])),
                "source": rng.choice(["SOHR", "SOHR; Step News Agency", "Enab Baladi"]),
                "source_scale": "National",
                "notes": f"On {day:%d %B %Y}, event {n} near {place}.\nSecond line of the notes.",
                "fatalities": str(rng.choice([0, 0, 1, 3, 12])),
                "tags": tags,
                "timestamp": str(1_600_000_000 + n * 37),
            }
        )
    return rows


def as_csv(rows: list[dict[str, str]], columns: tuple[str, ...] = ACLED_COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read(text: str) -> ImportResult:
    return read_acled(io.StringIO(text), entered_by="importer", received_at=IMPORTED_AT)


def export(result: ImportResult) -> str:
    out = io.StringIO()
    reports = {r.id: r for row in result.imported for r in row.reports}
    write_acled([row.incident for row in result.imported], out, reports=reports)
    return out.getvalue()


def test_the_columns_are_acleds_in_acleds_order() -> None:
    assert ACLED_COLUMNS[:4] == ("event_id_cnty", "event_date", "year", "time_precision")
    assert ACLED_COLUMNS[-3:] == ("fatalities", "tags", "timestamp")
    assert len(ACLED_COLUMNS) == 31


def test_acled_to_truceline_to_acled_gives_back_every_column_but_source_scale() -> None:
    rows = generated_rows(300)
    result = read(as_csv(rows))
    assert result.rejected == ()
    back = list(csv.DictReader(io.StringIO(export(result))))
    assert list(back[0]) == list(ACLED_COLUMNS)
    for original, written in zip(rows, back, strict=True):
        assert {**written, "source_scale": "National"} == original


def test_a_row_becomes_an_incident_and_a_bulk_import_report() -> None:
    row = generated_rows(1)[0]
    [imported] = read(as_csv([row])).imported
    incident, [report] = imported.incident, imported.reports
    assert incident.id == "inc_acled-SYR100000"
    assert incident.external_id("acled") == "SYR100000"
    assert incident.report_ids == (report.id,) == ("rep_acled-SYR100000",)
    assert report.channel is Channel.BULK_IMPORT
    assert report.incident_id == incident.id
    assert report.source_name == row["source"]
    assert report.original_text == incident.notes == row["notes"]
    assert report.received_at == datetime.fromtimestamp(int(row["timestamp"]), UTC)
    assert str(report.grade) == "F6"
    assert imported.line == 2


def test_importing_the_same_file_twice_gives_the_same_incidents_and_reports() -> None:
    text = as_csv(generated_rows(50))
    first, second = read(text), read(text)
    assert first.imported == second.imported


def known_to_acled(incident: Incident) -> Incident:
    """The incident with only what an ACLED row holds; the rest set as an import sets it."""
    best = incident.fatalities.best
    return replace(
        incident,
        location=replace(incident.location, where_prec=0),
        fatalities=Fatalities.exactly(best),
        injuries=None,
        report_ids=(),
        links=Links(),
        possible_duplicates=(),
        merged_into=None,
        history=(),
    )


def native_incidents() -> list[Incident]:
    saraqib = Location(36.80591, 35.86447, "Saraqib", "Idlib", "Idlib", "Saraqib", 1, 2)
    saraqib = replace(saraqib, country="Syria", iso=760, region="Middle East")
    return [
        Incident(
            "inc_0f3a9c",
            DateRange.day(date(2020, 3, 7)),
            saraqib,
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            Actors("Military Forces of Syria (2000-)", 1, "HTS", 2, associated2=("NLF",)),
            fatalities=Fatalities(0, 1, 3),
            injuries=4,
            notes="Shells landed east of Saraqib; 12 explosions and bursts of fire heard\n",
            tags=("m4", "night"),
            monitoring=vocab.MonitoringKind.CEASEFIRE_VIOLATION,
            explosions=12,
            shots=150,
            report_ids=("rep_a", "rep_b"),
            links=Links(("corridor-north",), "m4", 4.2, None, 380.0, ("ceasefire",)),
        ),
        Incident(
            "inc_patrol14",
            DateRange(date(2020, 7, 11), date(2020, 7, 17)),
            replace(saraqib, place="near Ariha", geo_precision=2, where_prec=2),
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
            Actors("Unidentified Armed Group (Syria)", 3, "Military Forces of Russia", 8),
            monitoring=vocab.MonitoringKind.PATROL_ATTACK,
        ),
        Incident(
            "inc_sitin",
            DateRange(date(2020, 4, 1), date(2020, 5, 1)),
            replace(saraqib, geo_precision=3, where_prec=4, iso=None, admin3=""),
            "Protests",
            "Protest with intervention",
            Actors("Protesters (Syria)", 6),
            disorder_type="Political violence; Demonstrations",
            monitoring=vocab.MonitoringKind.ACCESS_RESTRICTION,
        ),
    ]


def test_truceline_to_acled_to_truceline_keeps_every_field_acled_holds() -> None:
    incidents = native_incidents()
    reports = {
        "rep_a": Report(
            "rep_a",
            Channel.PARTY_ALLEGATION,
            "officer south",
            datetime(2020, 3, 7, 23, 10, tzinfo=UTC),
            "text",
            "ru",
            AdmiraltyGrade.parse("B2"),
            "u",
            reporting_party="ru",
        ),
    }
    out = io.StringIO()
    assert write_acled(incidents, out, reports=reports).written == 3
    result = read(out.getvalue())
    assert result.rejected == ()
    assert [row.incident.id for row in result.imported] == [i.id for i in incidents]
    for original, back in zip(incidents, result.imported, strict=True):
        assert known_to_acled(back.incident) == known_to_acled(original)
    assert result.imported[0].reports[0].source_name == "officer south"
    assert result.imported[1].reports[0].source_name == "ACLED"
    assert result.imported[1].reports[0].received_at == IMPORTED_AT


def test_monitoring_kind_and_counts_travel_as_tags() -> None:
    row = acled_row(native_incidents()[0], {})
    assert row["tags"] == (
        "m4; night; truceline:monitoring=ceasefire_violation; "
        "truceline:explosions=12; truceline:shots=150"
    )
    assert row["fatalities"] == "1"
    assert (row["event_date"], row["time_precision"]) == ("2020-03-07", "1")
    week = acled_row(native_incidents()[1], {})
    assert (week["event_date"], week["time_precision"]) == ("2020-07-14", "2")
    assert (week["inter1"], week["inter2"], week["interaction"]) == ("3", "8", "38")


def test_an_older_export_without_the_newer_columns_imports_with_defaults() -> None:
    old_columns = tuple(
        c
        for c in ACLED_COLUMNS
        if c not in {"disorder_type", "civilian_targeting", "tags", "timestamp", "iso"}
    )
    rows = generated_rows(5)
    result = read(as_csv(rows, old_columns))
    assert result.rejected == ()
    first = result.imported[0]
    assert first.incident.disorder_type == vocab.default_disorder_type(rows[0]["sub_event_type"])
    assert first.reports[0].received_at == IMPORTED_AT


def test_dates_written_the_old_way_and_inter_labels_are_read() -> None:
    row = {
        **generated_rows(1)[0],
        "event_date": "06 March 2020",
        "year": "2020",
        "inter1": "State forces",
        "inter2": "Rebel group",
        "actor2": "HTS: Hayat Tahrir al Sham",
        "interaction": "State forces-Rebel group",
    }
    [imported] = read(as_csv([row])).imported
    assert imported.incident.dates.acled()[0] == date(2020, 3, 6)
    assert imported.incident.actors.interaction == 12


BAD_VALUES: list[tuple[dict[str, str], str]] = [
    ({"event_id_cnty": ""}, "event_id_cnty"),
    ({"event_id_cnty": "SYR 1"}, "event_id_cnty"),
    ({"event_date": "2020-02-30"}, "event_date"),
    ({"year": "2019"}, "year"),
    ({"time_precision": "4"}, "time_precision"),
    ({"disorder_type": "Riots"}, "disorder_type"),
    ({"event_type": "Skirmish"}, "event_type"),
    ({"event_type": "Riots", "sub_event_type": "Armed clash"}, "sub_event_type"),
    ({"inter1": "9", "interaction": ""}, "inter1"),
    ({"inter1": "x"}, "inter1"),
    ({"actor1": "", "assoc_actor_1": ""}, "inter1"),
    ({"interaction": "99"}, "interaction"),
    ({"civilian_targeting": "yes"}, "civilian_targeting"),
    ({"latitude": "95.1"}, "latitude"),
    ({"longitude": "east"}, "longitude"),
    ({"geo_precision": "0"}, "geo_precision"),
    ({"fatalities": "-2"}, "fatalities"),
    ({"fatalities": "many"}, "fatalities"),
    ({"tags": "truceline:monitoring=picnic"}, "tags"),
    ({"tags": "truceline:colour=red"}, "tags"),
    ({"timestamp": "soon"}, "timestamp"),
]


@pytest.mark.parametrize(("change", "column"), BAD_VALUES)
def test_a_bad_value_rejects_its_row_naming_the_line_and_the_column(
    change: dict[str, str], column: str
) -> None:
    rows = generated_rows(3)
    rows[1] = {**rows[1], **change}
    result = read(as_csv(rows))
    assert [row.line for row in result.imported] == [2, 6], "each row spans two lines"
    [rejected] = result.rejected
    assert rejected.line == 4
    assert column in {problem.field for problem in rejected.problems}
    assert all(problem.line == 4 for problem in rejected.problems)
    assert rejected.values["event_id_cnty"] == rows[1]["event_id_cnty"]
    assert str(rejected.problems[0]).startswith("line 4: ")


def test_every_bad_column_of_a_row_is_reported() -> None:
    row = {**generated_rows(1)[0], "latitude": "x", "fatalities": "y", "time_precision": ""}
    [rejected] = read(as_csv([row])).rejected
    assert {p.field for p in rejected.problems} == {"latitude", "fatalities", "time_precision"}


def test_a_file_missing_required_columns_is_rejected_at_line_one() -> None:
    columns = tuple(c for c in ACLED_COLUMNS if c not in {"latitude", "event_type"})
    result = read(as_csv(generated_rows(2), columns))
    assert result.imported == ()
    [rejected] = result.rejected
    assert rejected.line == 1
    assert [p.field for p in rejected.problems] == ["event_type", "latitude"]


def test_a_row_with_the_wrong_number_of_values_is_rejected() -> None:
    text = as_csv(generated_rows(1)) + "SYR9,2020-03-06\n"
    result = read(text)
    assert len(result.imported) == 1
    assert [(p.line, p.field) for p in result.problems] == [(4, "row")]


def test_an_empty_file_is_rejected() -> None:
    assert [p.field for p in read("").problems] == ["header"]


def test_rows_stream_one_at_a_time() -> None:
    rows = iter_acled(
        io.StringIO(as_csv(generated_rows(3))), entered_by="importer", received_at=IMPORTED_AT
    )
    first = next(rows)
    assert isinstance(first, ImportedRow)
    assert first.incident.id == "inc_acled-SYR100000"


def test_a_grade_given_to_the_import_goes_to_every_report() -> None:
    result = read_acled(
        io.StringIO(as_csv(generated_rows(2))),
        entered_by="importer",
        received_at=IMPORTED_AT,
        grade=AdmiraltyGrade.parse("C3"),
    )
    assert {str(r.reports[0].grade) for r in result.imported} == {"C3"}


def write_rows(**changes: Any) -> dict[str, str]:
    return acled_row(replace(native_incidents()[2], **changes), {})


def test_an_incident_without_reports_is_written_without_source_or_timestamp() -> None:
    row = write_rows()
    assert (row["source"], row["timestamp"], row["iso"]) == ("", "", "")
    assert row["disorder_type"] == "Political violence; Demonstrations"
    assert (row["event_date"], row["time_precision"]) == ("2020-04-16", "3")
