"""The fast path of the ACLED reader: plain rows read without collecting problems.

Most rows of a large file are plain: ISO dates, codes written as ASCII
digits, numeric inter codes, no Truceline tags gone wrong. `QuickRows` reads
such a row straight from the CSV record's list of values and builds the same
domain values `acled._parse` builds, so every check of the domain still runs
for every row. Values that repeat from row to row (a date with its
precision, a pair of actors, a death count, a tags text) are immutable, so
each distinct one is built, and checked, once and then shared.

Anything else (an empty required value, an old-style date, a label, a check
that fails) makes `QuickRows` answer None, and the row goes to the careful
reader, which reports every problem with its line and column. Whatever row
`QuickRows` accepts, the careful reader gives the same result for;
tests/unit/test_interchange_acled.py compares the two on rows made bad on
purpose.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import TypeVar

from truceline.adapters.interchange import ImportedRow
from truceline.adapters.interchange.acled import (
    ACLED_COLUMNS,
    CIVILIAN_TARGETING,
    SCHEME,
    Tags,
    incident_id_for,
    inter_label,
    read_tags,
)
from truceline.domain import event_types as vocab
from truceline.domain.errors import InputError
from truceline.domain.incidents import Actors, DateRange, Fatalities, Incident, Location
from truceline.domain.reports import AdmiraltyGrade, Channel, Report

#: Distinct values kept per kind before the memo starts afresh (memory stays bounded).
MEMO_SIZE = 50_000

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")
_TIME_PRECISION = {str(code): code for code in vocab.TIME_PRECISION}
_GEO_PRECISION = {str(code): code for code in vocab.GEO_PRECISION}
_KINDS = frozenset(str(kind) for kind in vocab.MonitoringKind)


class _Memo(dict[_K, _V]):
    """Values built once per distinct key; a build that raises InputError is not kept."""

    def __init__(self, build: Callable[[_K], _V]) -> None:
        super().__init__()
        self.build = build

    def __missing__(self, key: _K) -> _V:
        if len(self) >= MEMO_SIZE:
            self.clear()
        value = self[key] = self.build(key)
        return value


def _digits(text: str) -> int | None:
    """An ASCII whole number, or None (the careful reader decides about anything else)."""
    return int(text) if text.isascii() and text.isdigit() else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _inter(text: str) -> int | None:
    code = inter_label(text)
    if code is not None:
        return code
    return 0 if text == "" else _digits(text)


def _actors(key: tuple[str, int, str, int, str, str]) -> Actors:
    actor1, inter1, actor2, inter2, associated1, associated2 = key
    return Actors(actor1, inter1, actor2, inter2, _names(associated1), _names(associated2))


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(";") if name.strip())


def _dates(key: tuple[date, int]) -> DateRange:
    return DateRange.from_acled(*key)


class QuickRows:
    """Reads plain ACLED rows of one file; `quick(line, values)` is an ImportedRow or None."""

    def __init__(
        self, header: list[str], *, entered_by: str, received_at: datetime, grade: AdmiraltyGrade
    ) -> None:
        index = {name: k for k, name in enumerate(header)}  # a repeated name: the last wins
        missing = len(header)  # a column the file lacks reads as the "" appended to each row
        self._get = itemgetter(*(index.get(name, missing) for name in ACLED_COLUMNS))
        self.entered_by = entered_by
        self.received_at = received_at
        self.grade = grade
        self._days: _Memo[str, date | None] = _Memo(_day)
        self._inters: _Memo[str, int | None] = _Memo(_inter)
        self._tags: _Memo[str, Tags] = _Memo(read_tags)
        self._dates: _Memo[tuple[date, int], DateRange] = _Memo(_dates)
        self._actors: _Memo[tuple[str, int, str, int, str, str], Actors] = _Memo(_actors)
        self._deaths: _Memo[int, Fatalities] = _Memo(Fatalities.exactly)

    def __call__(self, line: int, values: list[str]) -> ImportedRow | None:
        try:
            return self._read(line, values)
        except InputError:
            return None

    def _read(self, line: int, values: list[str]) -> ImportedRow | None:
        (
            event_id,
            event_date,
            year,
            time_precision,
            disorder_type,
            event_type,
            sub_event_type,
            actor1,
            assoc_actor_1,
            inter1,
            actor2,
            assoc_actor_2,
            inter2,
            interaction,
            civilian_targeting,
            iso,
            region,
            country,
            admin1,
            admin2,
            admin3,
            place,
            latitude,
            longitude,
            geo_precision,
            source,
            _source_scale,
            notes,
            fatalities,
            tags,
            timestamp,
        ) = self._get((*values, ""))
        event_id = event_id.strip()
        day = self._days[event_date.strip()]
        precision = _TIME_PRECISION.get(time_precision.strip())
        geo = _GEO_PRECISION.get(geo_precision.strip())
        deaths = _digits(fatalities.strip())
        code1 = self._inters[inter1.strip()]
        code2 = self._inters[inter2.strip()]
        if not event_id or day is None or precision is None or geo is None or deaths is None:
            return None
        if code1 is None or code2 is None:
            return None
        number = year.strip()
        if number and _digits(number) != day.year:
            return None
        stated = interaction.strip()
        if stated.isdigit() and not stated.isascii():
            return None
        iso_text = iso.strip()
        iso_code = _digits(iso_text) if iso_text else None
        if iso_text and iso_code is None:
            return None
        lat, lon = _finite(latitude.strip()), _finite(longitude.strip())
        if lat is None or lon is None:
            return None
        targeting = civilian_targeting.strip()
        if targeting not in ("", CIVILIAN_TARGETING):
            return None
        read = self._tags[tags.strip()]
        if read.problems or (read.kind is not None and read.kind not in _KINDS):
            return None
        monitoring = None if read.kind is None else vocab.MonitoringKind(read.kind)
        when = self._when(timestamp.strip())
        if when is None:
            return None
        actors = self._actors[
            actor1.strip(),
            code1,
            actor2.strip(),
            code2,
            assoc_actor_1.strip(),
            assoc_actor_2.strip(),
        ]
        if stated.isdigit() and int(stated) != actors.interaction:
            return None
        location = Location(
            lon,
            lat,
            place=place.strip(),
            admin1=admin1.strip(),
            admin2=admin2.strip(),
            admin3=admin3.strip(),
            geo_precision=geo,
            country=country.strip(),
            iso=iso_code,
            region=region.strip(),
        )
        incident_id = incident_id_for(event_id)
        report_id = "rep_" + incident_id.removeprefix("inc_")
        incident = Incident(
            incident_id,
            self._dates[day, precision],
            location,
            event_type.strip(),
            sub_event_type.strip(),
            actors,
            disorder_type=disorder_type.strip(),
            civilian_targeting=targeting == CIVILIAN_TARGETING,
            fatalities=self._deaths[deaths],
            notes=notes,
            tags=read.own,
            monitoring=monitoring,
            explosions=read.explosions,
            shots=read.shots,
            report_ids=(report_id,),
            external_ids=() if incident_id == event_id else ((SCHEME, event_id),),
        )
        report = Report(
            report_id,
            Channel.BULK_IMPORT,
            source_name=source.strip() or "ACLED",
            received_at=when,
            original_text=notes,
            language="en",
            grade=self.grade,
            entered_by=self.entered_by,
            incident_id=incident_id,
        )
        return ImportedRow(line, incident, (report,))

    def _when(self, stamp: str) -> datetime | None:
        if not stamp:
            return self.received_at
        seconds = _digits(stamp)
        if seconds is None:
            return None
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None


def _finite(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
