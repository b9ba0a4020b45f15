"""ACLED CSV: incidents out in ACLED's columns, and ACLED-format rows in.

ACLED's data is not openly licensed, so Truceline ships none of it: this
module only speaks the format. A row becomes one incident draft and one
report (channel ``bulk_import``). An incident that came from ACLED keeps its
``event_id_cnty`` as an external id and gets the id ``inc_acled-<id>``, so
importing the same row again gives the same incident. docs/incidents.md
maps every column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from truceline.adapters.interchange import (
    ExportResult,
    ImportedRow,
    ImportResult,
    RejectedRow,
    RowReader,
    collect,
    header_of,
    number_text,
    value_lists,
)
from truceline.domain import event_types as vocab
from truceline.domain.errors import InputError
from truceline.domain.incidents import Actors, DateRange, Fatalities, Incident, Location
from truceline.domain.reports import UNGRADED, AdmiraltyGrade, Channel, Report

#: ACLED's columns, in ACLED's order.
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

#: Columns a file may lack (older exports have no disorder_type or civilian_targeting).
OPTIONAL_COLUMNS = frozenset(
    {
        "year",
        "disorder_type",
        "assoc_actor_1",
        "assoc_actor_2",
        "interaction",
        "civilian_targeting",
        "iso",
        "region",
        "admin3",
        "source_scale",
        "tags",
        "timestamp",
    }
)
REQUIRED_COLUMNS = tuple(c for c in ACLED_COLUMNS if c not in OPTIONAL_COLUMNS)

CIVILIAN_TARGETING = "Civilian targeting"
SCHEME = "acled"
#: Older ACLED exports write dates as "06 March 2020".
DATE_FORMATS = ("%d %B %Y", "%d-%B-%Y")

# ACLED's labels for inter codes, as the 2024 data format writes them.
_INTER_LABELS = {
    "state forces": 1,
    "rebel group": 2,
    "political militia": 3,
    "identity militia": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
}

# The column each domain field is read from, where their names differ.
_COLUMN_OF = {
    "id": "event_id_cnty",
    "start": "event_date",
    "end": "event_date",
    "dates": "event_date",
    "lon": "longitude",
    "lat": "latitude",
    "place": "location",
    "where_prec": "geo_precision",
    "associated1": "assoc_actor_1",
    "associated2": "assoc_actor_2",
    "low": "fatalities",
    "best": "fatalities",
    "high": "fatalities",
    "monitoring": "tags",
    "explosions": "tags",
    "shots": "tags",
    "source_name": "source",
    "received_at": "timestamp",
}


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(";") if name.strip())


def inter_label(text: str) -> int | None:
    """The inter code an ACLED label names ("State forces", "Rebel groups"...), or None."""
    label = text.casefold().rstrip("s")
    for known, code in _INTER_LABELS.items():
        if label and known.rstrip("s") == label:
            return code
    return None


def _inter(row: RowReader, column: str) -> int:
    code = inter_label(row.text(column))
    return code if code is not None else row.optional_integer(column) or 0


@dataclass(frozen=True, slots=True)
class Tags:
    """What the tags column holds: the row's own tags, Truceline's, and what is wrong."""

    own: tuple[str, ...] = ()
    kind: str | None = None
    explosions: int | None = None
    shots: int | None = None
    problems: tuple[str, ...] = ()


def read_tags(text: str) -> Tags:
    """The tags column: own tags, monitoring kind, explosions and shots, and problems."""
    own: list[str] = []
    kind: str | None = None
    counts: dict[str, int] = {}
    problems: list[str] = []
    for tag in _names(text):
        if tag.startswith(vocab.MONITORING_TAG):
            kind = tag.removeprefix(vocab.MONITORING_TAG)
        elif tag.startswith((vocab.EXPLOSIONS_TAG, vocab.SHOTS_TAG)):
            name, _, value = tag.removeprefix(vocab.TAG_PREFIX).partition("=")
            if value.isdecimal():  # int() reads every decimal digit, not "²"
                counts[name] = int(value)
            else:
                problems.append(f"{tag!r}: the count is not a whole number")
        elif tag.startswith(vocab.TAG_PREFIX):
            problems.append(f"{tag!r} is not a tag Truceline writes")
        else:
            own.append(tag)
    return Tags(tuple(own), kind, counts.get("explosions"), counts.get("shots"), tuple(problems))


def _tags(row: RowReader) -> tuple[tuple[str, ...], str | None, int | None, int | None]:
    """(own tags, monitoring kind, explosions, shots) from the tags column."""
    tags = read_tags(row.text("tags"))
    for reason in tags.problems:
        row.problem("tags", reason)
    return tags.own, tags.kind, tags.explosions, tags.shots


def _monitoring(row: RowReader, kind: str | None) -> vocab.MonitoringKind | None:
    if kind is None:
        return None
    try:
        return vocab.MonitoringKind(kind)
    except ValueError:
        row.problem("tags", f"{kind!r} is not a monitoring kind")
        return None


def _timestamp(row: RowReader, stamp: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, OSError, ValueError):
        row.problem("timestamp", f"{stamp} is not a Unix time")
        return None


def incident_id_for(event_id: str) -> str:
    """The incident id of an ACLED event id (a Truceline id is kept as it is)."""
    return event_id if event_id.startswith("inc_") else f"inc_{SCHEME}-{event_id}"


def _parse(
    line: int,
    values: Mapping[str, str],
    *,
    entered_by: str,
    received_at: datetime,
    grade: AdmiraltyGrade,
) -> ImportedRow | RejectedRow:
    row = RowReader(line, values, _COLUMN_OF)
    event_id = row.text("event_id_cnty")
    if not event_id:
        row.problem("event_id_cnty", "a value is required")
    event_date = row.day("event_date", DATE_FORMATS)
    time_precision = row.code("time_precision", vocab.TIME_PRECISION)
    year = row.optional_integer("year")
    inter1, inter2 = _inter(row, "inter1"), _inter(row, "inter2")
    # The 2024 format writes interaction as labels; only a numeric one is checked.
    numeric = row.text("interaction").isdigit()
    interaction = row.optional_integer("interaction") if numeric else None
    lat, lon = row.number("latitude"), row.number("longitude")
    geo_precision = row.code("geo_precision", vocab.GEO_PRECISION)
    iso = row.optional_integer("iso")
    deaths = row.integer("fatalities")
    stamp = row.optional_integer("timestamp")
    targeting = row.text("civilian_targeting")
    if targeting not in ("", CIVILIAN_TARGETING):
        row.problem("civilian_targeting", f"is {CIVILIAN_TARGETING!r} or empty")
    tags, kind, explosions, shots = _tags(row)
    monitoring = _monitoring(row, kind)
    when = received_at if stamp is None else _timestamp(row, stamp)
    if row.problems:
        return row.rejected()
    if year is not None and year != event_date.year:
        row.problem("year", f"{year} is not the year of event_date ({event_date.year})")
    dates = row.build(lambda: DateRange.from_acled(event_date, time_precision))
    location = row.build(
        lambda: Location(
            lon,
            lat,
            place=row.text("location"),
            admin1=row.text("admin1"),
            admin2=row.text("admin2"),
            admin3=row.text("admin3"),
            geo_precision=geo_precision,
            country=row.text("country"),
            iso=iso,
            region=row.text("region"),
        )
    )
    actors = row.build(
        lambda: Actors(
            row.text("actor1"),
            inter1,
            row.text("actor2"),
            inter2,
            _names(row.text("assoc_actor_1")),
            _names(row.text("assoc_actor_2")),
        )
    )
    if actors is not None and interaction not in (None, actors.interaction):
        reason = f"{interaction} does not combine inter1 and inter2 ({actors.interaction})"
        row.problem("interaction", reason)
    if dates is None or location is None or actors is None or row.problems:
        return row.rejected()
    incident_id = incident_id_for(event_id)
    report_id = "rep_" + incident_id.removeprefix("inc_")
    try:
        incident = Incident(
            incident_id,
            dates,
            location,
            row.text("event_type"),
            row.text("sub_event_type"),
            actors,
            disorder_type=row.text("disorder_type"),
            civilian_targeting=targeting == CIVILIAN_TARGETING,
            fatalities=Fatalities.exactly(deaths),
            notes=row.raw("notes"),
            tags=tags,
            monitoring=monitoring,
            explosions=explosions,
            shots=shots,
            report_ids=(report_id,),
            external_ids=() if incident_id == event_id else ((SCHEME, event_id),),
        )
        report = Report(
            report_id,
            Channel.BULK_IMPORT,
            source_name=row.text("source") or "ACLED",
            received_at=when or received_at,
            original_text=row.raw("notes"),
            language="en",
            grade=grade,
            entered_by=entered_by,
            incident_id=incident_id,
        )
    except InputError as error:
        row.domain_error(error)
        return row.rejected()
    return ImportedRow(line, incident, (report,))


def iter_acled(
    stream: TextIO,
    *,
    entered_by: str,
    received_at: datetime,
    grade: AdmiraltyGrade = UNGRADED,
) -> Iterator[ImportedRow | RejectedRow]:
    """Each row of an ACLED CSV as an incident draft and its report, or as rejected.

    `received_at` is used for rows without a ``timestamp``; `grade` is given
    to every report (by default F6: cannot be judged). Plain rows take the
    fast path of `acled_fast`; any other row is read here, every problem
    collected.
    """
    from truceline.adapters.interchange.acled_fast import QuickRows  # it builds on this module

    reader = csv.reader(stream)
    header = header_of(reader, REQUIRED_COLUMNS)
    if isinstance(header, RejectedRow):
        yield header
        return
    quick = QuickRows(header, entered_by=entered_by, received_at=received_at, grade=grade)
    for item in value_lists(reader, len(header)):
        if isinstance(item, RejectedRow):
            yield item
            continue
        line, values = item
        yield quick(line, values) or _parse(
            line,
            dict(zip(header, values, strict=True)),
            entered_by=entered_by,
            received_at=received_at,
            grade=grade,
        )


def read_acled(
    stream: TextIO,
    *,
    entered_by: str,
    received_at: datetime,
    grade: AdmiraltyGrade = UNGRADED,
) -> ImportResult:
    """Every row of an ACLED CSV, imported or rejected."""
    return collect(iter_acled(stream, entered_by=entered_by, received_at=received_at, grade=grade))


def acled_row(incident: Incident, reports: Mapping[str, Report]) -> dict[str, str]:
    """One incident as an ACLED row; `reports` supplies its sources and timestamp."""
    event_date, time_precision = incident.dates.acled()
    own = [reports[r] for r in incident.report_ids if r in reports]
    actors, location = incident.actors, incident.location
    tags = list(incident.tags)
    if incident.monitoring is not None:
        tags.append(vocab.MONITORING_TAG + incident.monitoring)
    if incident.explosions is not None:
        tags.append(f"{vocab.EXPLOSIONS_TAG}{incident.explosions}")
    if incident.shots is not None:
        tags.append(f"{vocab.SHOTS_TAG}{incident.shots}")
    return {
        "event_id_cnty": incident.external_id(SCHEME) or incident.id,
        "event_date": event_date.isoformat(),
        "year": str(event_date.year),
        "time_precision": str(time_precision),
        "disorder_type": incident.disorder_type,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "actor1": actors.actor1,
        "assoc_actor_1": "; ".join(actors.associated1),
        "inter1": str(actors.inter1),
        "actor2": actors.actor2,
        "assoc_actor_2": "; ".join(actors.associated2),
        "inter2": str(actors.inter2),
        "interaction": str(actors.interaction),
        "civilian_targeting": CIVILIAN_TARGETING if incident.civilian_targeting else "",
        "iso": "" if location.iso is None else str(location.iso),
        "region": location.region,
        "country": location.country,
        "admin1": location.admin1,
        "admin2": location.admin2,
        "admin3": location.admin3,
        "location": location.place,
        "latitude": number_text(location.lat),
        "longitude": number_text(location.lon),
        "geo_precision": str(location.geo_precision),
        "source": "; ".join(dict.fromkeys(r.source_name for r in own)),
        "source_scale": "",
        "notes": incident.notes,
        "fatalities": str(incident.fatalities.best),
        "tags": "; ".join(tags),
        "timestamp": str(int(max(r.received_at for r in own).timestamp())) if own else "",
    }


def write_acled(
    incidents: Iterable[Incident], out: TextIO, *, reports: Mapping[str, Report] | None = None
) -> ExportResult:
    """Write incidents as an ACLED CSV, header first; every incident fits."""
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    written = 0
    for incident in incidents:
        writer.writerow(acled_row(incident, reports or {}))
        written += 1
    return ExportResult(written)
