"""UCDP GED CSV: import UCDP's events, and export incidents in UCDP's columns.

UCDP GED is CC BY 4.0 (cite Sundberg & Melander 2013 and the codebook of
the release used). A row becomes one incident draft with one report per
source article UCDP cites (channel ``bulk_import``); an incident from UCDP
keeps UCDP's ``id`` as an external id and gets the id ``inc_ucdp-<id>``.
UCDP holds organised lethal violence only, so only incidents of the violent
family are exported. docs/incidents.md maps every column and what is lost.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time
from functools import partial
from typing import TextIO

from truceline.adapters.interchange import (
    ExportResult,
    ImportedRow,
    ImportResult,
    RejectedRow,
    RowProblem,
    RowReader,
    collect,
    number_text,
    parsed_rows,
)
from truceline.domain import event_types as vocab
from truceline.domain.errors import InputError
from truceline.domain.incidents import Actors, DateRange, Fatalities, Incident, Location
from truceline.domain.reports import UNGRADED, AdmiraltyGrade, Channel, Report

#: The columns of UCDP GED (the 19.1 Syria release), in UCDP's order.
UCDP_COLUMNS = (
    "id",
    "year",
    "active_year",
    "type_of_violence",
    "conflict_new_id",
    "conflict_name",
    "dyad_new_id",
    "dyad_name",
    "side_a_new_id",
    "side_a",
    "side_b_new_id",
    "gwnob",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "low",
    "best",
    "high",
)
REQUIRED_COLUMNS = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "latitude",
    "longitude",
    "date_prec",
    "date_start",
    "date_end",
    "low",
    "best",
    "high",
)
SCHEME = "ucdp"
DATASET = "UCDP GED"
CIVILIANS = "Civilians"
GOVERNMENT = "Government of "
_BREAKDOWN = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
_ARTICLE = re.compile(r"(?P<office>[^,]+),(?P<date>\d{4}-\d{2}-\d{2}),(?P<text>.*)", re.DOTALL)

# The column each domain field is read from, where their names differ.
_COLUMN_OF = {
    "id": "id",
    "start": "date_start",
    "end": "date_end",
    "dates": "date_start",
    "lon": "longitude",
    "lat": "latitude",
    "place": "where_coordinates",
    "admin1": "adm_1",
    "admin2": "adm_2",
    "actor1": "side_a",
    "actor2": "side_b",
    "inter1": "side_a",
    "inter2": "side_b",
    "fatalities": "best",
    "side_a": "deaths_a",
    "side_b": "deaths_b",
    "civilians": "deaths_civilians",
    "unknown": "deaths_unknown",
    "source_name": "source_office",
    "original_text": "source_article",
}

#: UCDP type_of_violence to ACLED (event type, sub-event type).
VIOLENCE_TO_ACLED = {
    1: (vocab.BATTLES, "Armed clash"),
    2: (vocab.BATTLES, "Armed clash"),
    3: (vocab.VIOLENCE_AGAINST_CIVILIANS, "Attack"),
}


def inter_code(side: str, country: str) -> int:
    """The ACLED inter code Truceline gives a UCDP side (an approximation: see the docs)."""
    if not side:
        return 0
    if side == CIVILIANS:
        return 7
    if side.startswith(GOVERNMENT):
        return 1 if side == GOVERNMENT + country else 8
    return 2


def type_of_violence(incident: Incident) -> int | None:
    """UCDP's type of violence for an incident; None outside the violent family."""
    if incident.family is not vocab.Family.VIOLENT:
        return None
    actors = incident.actors
    if incident.event_type == vocab.VIOLENCE_AGAINST_CIVILIANS or incident.civilian_targeting:
        return 3
    if {actors.inter1, actors.inter2} & {1, 8}:
        return 1
    return 2


def priogrid_gid(lon: float, lat: float) -> int:
    """The PRIO-GRID cell (half a degree, numbered from the south-west corner) of a point."""
    row = min(359, math.floor((lat + 90) / 0.5))
    col = min(719, math.floor((lon + 180) / 0.5))
    return row * 720 + col + 1


def split_articles(text: str) -> list[tuple[str, str, str]] | None:
    """(office, date, headline) of each article in a source_article; None when unreadable."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return None
    found = []
    for part in text[1:-1].split('";"'):
        match = _ARTICLE.fullmatch(part)
        if match is None or not match["office"].strip():
            return None
        try:
            date.fromisoformat(match["date"])
        except ValueError:
            return None
        found.append((match["office"], match["date"], match["text"]))
    return found


def _fatalities(row: RowReader) -> tuple[Fatalities | None, tuple[RowProblem, ...]]:
    """The deaths, and a warning for each estimate moved to take in best."""
    low, best, high = (row.integer(name) for name in ("low", "best", "high"))
    parts = [row.optional_integer(name) for name in _BREAKDOWN]
    warnings = []
    if low > best:
        reason = f"{low} is above best ({best}); low is taken as {best}"
        warnings.append(RowProblem(row.line, "low", reason))
        low = best
    if high < best:
        reason = f"{high} is below best ({best}); high is taken as {best}"
        warnings.append(RowProblem(row.line, "high", reason))
        high = best
    breakdown = parts if None not in parts else [None] * 4
    return row.build(lambda: Fatalities(low, best, high, *breakdown)), tuple(warnings)


def _reports(
    row: RowReader, incident_id: str, received_at: datetime, grade: AdmiraltyGrade, by: str
) -> tuple[Report, ...]:
    text = row.text("source_article")
    articles = split_articles(text)
    stem = "rep_" + incident_id.removeprefix("inc_")
    if not articles:
        single = (DATASET, "", text)
        articles = [single]
    reports = []
    for number, (office, day, headline) in enumerate(articles, start=1):
        when = received_at
        if day:
            when = datetime.combine(date.fromisoformat(day), time(), UTC)
        reports.append(
            Report(
                f"{stem}-{number}",
                Channel.BULK_IMPORT,
                source_name=office,
                received_at=when,
                original_text=headline,
                language="en",
                grade=grade,
                entered_by=by,
                incident_id=incident_id,
            )
        )
    return tuple(reports)


def _parse(
    line: int,
    values: Mapping[str, str],
    *,
    entered_by: str,
    received_at: datetime,
    grade: AdmiraltyGrade,
) -> ImportedRow | RejectedRow:
    row = RowReader(line, values, _COLUMN_OF)
    ucdp_id = row.text("id")
    if not ucdp_id:
        row.problem("id", "a value is required")
    violence = row.code("type_of_violence", vocab.TYPE_OF_VIOLENCE)
    start, end = row.day("date_start"), row.day("date_end")
    date_prec = row.code("date_prec", vocab.DATE_PREC)
    where_prec = row.code("where_prec", vocab.WHERE_PREC)
    lat, lon = row.number("latitude"), row.number("longitude")
    fatalities, warnings = _fatalities(row)
    if row.problems or fatalities is None:
        return row.rejected()
    country = row.text("country")
    dates = row.build(lambda: DateRange.from_ucdp(start, end, date_prec))
    location = row.build(
        lambda: Location(
            lon,
            lat,
            place=row.text("where_coordinates"),
            admin1=row.text("adm_1"),
            admin2=row.text("adm_2"),
            where_prec=where_prec,
            country=country,
            region=row.text("region"),
        )
    )
    side_a, side_b = row.text("side_a"), row.text("side_b")
    actors = row.build(
        lambda: Actors(side_a, inter_code(side_a, country), side_b, inter_code(side_b, country))
    )
    if dates is None or location is None or actors is None:
        return row.rejected()
    incident_id = ucdp_id if ucdp_id.startswith("inc_") else f"inc_{SCHEME}-{ucdp_id}"
    event_type, sub_event_type = VIOLENCE_TO_ACLED[violence]
    try:
        reports = _reports(row, incident_id, received_at, grade, entered_by)
        incident = Incident(
            incident_id,
            dates,
            location,
            event_type,
            sub_event_type,
            actors,
            civilian_targeting=violence == 3,
            fatalities=fatalities,
            report_ids=tuple(r.id for r in reports),
            external_ids=() if incident_id == ucdp_id else ((SCHEME, ucdp_id),),
        )
    except InputError as error:
        row.domain_error(error)
        return row.rejected()
    return ImportedRow(line, incident, reports, warnings)


def iter_ucdp(
    stream: TextIO,
    *,
    entered_by: str,
    received_at: datetime,
    grade: AdmiraltyGrade = UNGRADED,
) -> Iterator[ImportedRow | RejectedRow]:
    """Each row of a UCDP GED CSV as an incident draft and its reports, or as rejected.

    A row whose low is above best, or high below, is imported with the range
    widened to take in best, and a warning naming the line and column.
    `received_at` is used for reports whose article has no date.
    """
    parse = partial(_parse, entered_by=entered_by, received_at=received_at, grade=grade)
    yield from parsed_rows(stream, REQUIRED_COLUMNS, parse)


def read_ucdp(
    stream: TextIO,
    *,
    entered_by: str,
    received_at: datetime,
    grade: AdmiraltyGrade = UNGRADED,
) -> ImportResult:
    """Every row of a UCDP GED CSV, imported or rejected."""
    return collect(iter_ucdp(stream, entered_by=entered_by, received_at=received_at, grade=grade))


def _wkt_number(value: float) -> str:
    """A coordinate as UCDP writes it in WKT: whole degrees without a decimal point."""
    text = number_text(value)
    return text.removesuffix(".0")


def _day(report: Report) -> str:
    return report.received_at.astimezone(UTC).date().isoformat()


def ucdp_row(incident: Incident, reports: Mapping[str, Report]) -> dict[str, str] | None:
    """One incident in UCDP's columns; None when UCDP cannot hold it (not violent)."""
    violence = type_of_violence(incident)
    if violence is None:
        return None
    own = [reports[r] for r in incident.report_ids if r in reports]
    location, deaths = incident.location, incident.fatalities
    breakdown = (deaths.side_a, deaths.side_b, deaths.civilians, deaths.unknown)
    row = dict.fromkeys(UCDP_COLUMNS, "")
    row.update(
        {
            "id": incident.external_id(SCHEME) or incident.id,
            "year": str(incident.dates.start.year),
            "type_of_violence": str(violence),
            "side_a": incident.actors.actor1,
            "side_b": incident.actors.actor2,
            "number_of_sources": str(len(own)) if own else "",
            "source_article": ";".join(
                f'"{r.source_name},{_day(r)},{r.original_text}"' for r in own
            ),
            "source_office": ";".join(r.source_name for r in own),
            "source_date": ";".join(_day(r) for r in own),
            "source_headline": ";".join(r.original_text for r in own),
            "where_prec": str(location.where_prec),
            "where_coordinates": location.place,
            "adm_1": location.admin1,
            "adm_2": location.admin2,
            "latitude": number_text(location.lat),
            "longitude": number_text(location.lon),
            "geom_wkt": f"POINT ({_wkt_number(location.lon)} {_wkt_number(location.lat)})",
            "priogrid_gid": str(priogrid_gid(location.lon, location.lat)),
            "country": location.country,
            "region": location.region,
            "date_prec": str(incident.dates.date_prec),
            "date_start": incident.dates.start.isoformat(),
            "date_end": incident.dates.end.isoformat(),
            "low": str(deaths.low),
            "best": str(deaths.best),
            "high": str(deaths.high),
        }
    )
    for column, value in zip(_BREAKDOWN, breakdown, strict=True):
        row[column] = "" if value is None else str(value)
    return row


def write_ucdp(
    incidents: Iterable[Incident], out: TextIO, *, reports: Mapping[str, Report] | None = None
) -> ExportResult:
    """Write incidents as a UCDP GED CSV, header first; non-violent incidents are skipped."""
    writer = csv.DictWriter(out, fieldnames=UCDP_COLUMNS, lineterminator="\n")
    writer.writeheader()
    written, skipped = 0, []
    for incident in incidents:
        row = ucdp_row(incident, reports or {})
        if row is None:
            skipped.append((incident.id, f"{incident.event_type} is not organised violence"))
            continue
        writer.writerow(row)
        written += 1
    return ExportResult(written, tuple(skipped))
