"""Reports and incidents: what was said, by whom, and what happened.

A `Report` is one account from one channel. An `Incident` is what happened,
consolidated from one or more reports in a model that speaks both ACLED and
UCDP GED: a date range with precision, a point with precision, ACLED types,
actors, fatalities as low/best/high. Incidents change only through the pure
operations at the end of this module (attach a report, merge, split); each
returns the new values and the `HistoryEntry` that records the change, and
nothing is ever deleted. Bad values raise `InputError(field, reason)`.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from truceline.domain import event_types as vocab
from truceline.domain.errors import InputError
from truceline.domain.zones import Side

_INCIDENT_ID = re.compile(r"inc_[A-Za-z0-9][A-Za-z0-9._-]*")
_REPORT_ID = re.compile(r"rep_[A-Za-z0-9][A-Za-z0-9._-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_ACLED_HALF_WIDTH = {1: 0, 2: 3, 3: 15}
_E = TypeVar("_E", bound=StrEnum)


def _check(ok: bool, field_name: str, reason: str) -> None:
    if not ok:
        raise InputError(field_name, reason)


def _check_count(value: int | None, field_name: str) -> None:
    if value is not None:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        _check(ok, field_name, f"must be a whole number of at least 0, not {value!r}")


def _check_id(value: str, pattern: re.Pattern[str], field_name: str) -> None:
    ok = isinstance(value, str) and pattern.fullmatch(value) is not None
    _check(ok, field_name, f"{value!r} is not a valid id ({pattern.pattern})")


def _check_names(names: tuple[str, ...], field_name: str) -> None:
    for name in names:
        ok = bool(name.strip()) and name == name.strip() and not set(name) & set(";\n\r")
        _check(ok, field_name, f"{name!r}: names are non-empty, trimmed, without ';' or newlines")
    _check(len(set(names)) == len(names), field_name, "a name is repeated")


def _member(enum: type[_E], value: object, field_name: str) -> _E:
    try:
        return enum(str(value))
    except ValueError:
        raise InputError(field_name, f"{value!r} is not one of {[str(m) for m in enum]}") from None


def new_incident_id() -> str:
    """A fresh random incident id."""
    return "inc_" + secrets.token_hex(8)


def new_report_id() -> str:
    """A fresh random report id."""
    return "rep_" + secrets.token_hex(8)


class Channel(StrEnum):
    """How a report reached the mechanism."""

    PARTY_ALLEGATION = "party_allegation"
    JOINT_PATROL = "joint_patrol"
    MONITOR = "monitor"
    OPEN_SOURCE = "open_source"
    BULK_IMPORT = "bulk_import"


#: Admiralty (NATO) scales: how reliable the source, how credible the information.
RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


@dataclass(frozen=True, slots=True)
class AdmiraltyGrade:
    """A source grade such as B2: source reliability A-F, information credibility 1-6."""

    reliability: str
    credibility: int

    def __post_init__(self) -> None:
        _check(self.reliability in RELIABILITY, "grade", "source reliability is one of A-F")
        _check(self.credibility in CREDIBILITY, "grade", "information credibility is 1-6")

    @classmethod
    def parse(cls, text: str) -> AdmiraltyGrade:
        """The grade written as two characters, such as ``B2``."""
        value = text.strip().upper()
        ok = len(value) == 2 and value[1].isdigit()
        _check(ok, "grade", f"{text!r} is not a grade such as B2")
        return cls(value[0], int(value[1]))

    def __str__(self) -> str:
        return f"{self.reliability}{self.credibility}"


UNGRADED = AdmiraltyGrade("F", 6)


@dataclass(frozen=True, slots=True)
class Report:
    """One account of something, from one channel, kept as it was received."""

    id: str
    channel: Channel
    source_name: str
    received_at: datetime
    original_text: str
    language: str
    grade: AdmiraltyGrade
    entered_by: str
    reporting_party: str | None = None
    source_url: str | None = None
    incident_id: str | None = None

    def __post_init__(self) -> None:
        _check_id(self.id, _REPORT_ID, "id")
        object.__setattr__(self, "channel", _member(Channel, self.channel, "channel"))
        _check(bool(self.source_name.strip()), "source_name", "a report names its source")
        _check(self.received_at.tzinfo is not None, "received_at", "needs a time zone")
        _check(bool(_LANGUAGE.fullmatch(self.language)), "language", "a language tag such as ar")
        _check(bool(self.entered_by.strip()), "entered_by", "a report names who entered it")
        if self.channel is Channel.PARTY_ALLEGATION:
            _check(bool(self.reporting_party), "reporting_party", "an allegation names its party")
        if self.source_url is not None:
            ok = self.source_url.startswith(("http://", "https://"))
            _check(ok, "source_url", "must be an http or https URL")
        if self.incident_id is not None:
            _check_id(self.incident_id, _INCIDENT_ID, "incident_id")


@dataclass(frozen=True, slots=True)
class DateRange:
    """When something happened: every day from `start` to `end`, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            ok = isinstance(value, date) and not isinstance(value, datetime)
            _check(ok, name, "must be a calendar date")
        _check(self.start <= self.end, "end", "the range ends before it starts")

    @classmethod
    def day(cls, when: date) -> DateRange:
        """A single known day."""
        return cls(when, when)

    @property
    def days(self) -> int:
        """How many calendar days the range spans."""
        return (self.end - self.start).days + 1

    @property
    def midpoint(self) -> date:
        """The middle day (the earlier of two for an even span)."""
        return self.start + timedelta(days=(self.days - 1) // 2)

    @property
    def time_precision(self) -> int:
        """ACLED time_precision: 1 day, 2 a week or less, 3 longer."""
        return vocab.time_precision_for_days(self.days)

    @property
    def date_prec(self) -> int:
        """UCDP date_prec, from the span: 1 a day ... 5 more than a month."""
        return vocab.date_prec_for_days(self.days)

    @classmethod
    def from_acled(cls, event_date: date, time_precision: int) -> DateRange:
        """ACLED's date and precision: a day, a week or a month centred on the date."""
        vocab.check_code("time_precision", time_precision, vocab.TIME_PRECISION)
        half = timedelta(days=_ACLED_HALF_WIDTH[time_precision])
        return cls(event_date - half, event_date + half)

    def acled(self) -> tuple[date, int]:
        """(event_date, time_precision) for ACLED: the middle day and the span's precision."""
        return self.midpoint, self.time_precision

    @classmethod
    def from_ucdp(cls, start: date, end: date, date_prec: int) -> DateRange:
        """UCDP's range, refused when its date_prec does not match its span."""
        vocab.check_code("date_prec", date_prec, vocab.DATE_PREC)
        dates = cls(start, end)
        _check(
            dates.date_prec == date_prec,
            "date_prec",
            f"{date_prec} does not fit a range of {dates.days} day(s), which is {dates.date_prec}",
        )
        return dates

    def gap_days(self, other: DateRange) -> int:
        """Days between two ranges; 0 when they overlap or touch."""
        return max(0, (other.start - self.end).days, (self.start - other.end).days)


@dataclass(frozen=True, slots=True)
class Location:
    """Where: a WGS 84 point, its gazetteer name and admin units, with both precisions.

    Give either precision and the other is derived; give both to keep each
    dataset's own code.
    """

    lon: float
    lat: float
    place: str = ""
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    geo_precision: int = 0
    where_prec: int = 0
    country: str = ""
    iso: int | None = None
    region: str = ""

    def __post_init__(self) -> None:
        for name, bound in (("lon", 180.0), ("lat", 90.0)):
            value = getattr(self, name)
            ok = isinstance(value, int | float) and math.isfinite(value) and abs(value) <= bound
            _check(ok, name, f"must be a number from -{bound:g} to {bound:g}, not {value!r}")
        if self.geo_precision == 0 and self.where_prec == 0:
            object.__setattr__(self, "geo_precision", 1)
        if self.where_prec == 0:
            where = vocab.where_prec_from_geo_precision(self.geo_precision)
            object.__setattr__(self, "where_prec", where)
        if self.geo_precision == 0:
            geo = vocab.geo_precision_from_where_prec(self.where_prec)
            object.__setattr__(self, "geo_precision", geo)
        vocab.check_code("geo_precision", self.geo_precision, vocab.GEO_PRECISION)
        vocab.check_code("where_prec", self.where_prec, vocab.WHERE_PREC)
        if self.iso is not None:
            _check(0 < self.iso < 1000, "iso", "an ISO 3166-1 numeric code is 1-999")


@dataclass(frozen=True, slots=True)
class Actors:
    """Who took part, as ACLED codes them: two actors, their associates and inter codes."""

    actor1: str = ""
    inter1: int = 0
    actor2: str = ""
    inter2: int = 0
    associated1: tuple[str, ...] = ()
    associated2: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        vocab.interaction(self.inter1, self.inter2)
        for n in ("1", "2"):
            name, code = getattr(self, "actor" + n), getattr(self, "inter" + n)
            _check_names((name,) if name else (), "actor" + n)
            associated: tuple[str, ...] = getattr(self, "associated" + n)
            _check_names(associated, "associated" + n)
            _check(bool(name) == (code != 0), "inter" + n, "an actor has a code 1-8, no actor 0")
            _check(bool(name) or not associated, "associated" + n, "associates need an actor")

    @property
    def interaction(self) -> int:
        """ACLED's interaction code of the two inter codes."""
        return vocab.interaction(self.inter1, self.inter2)


@dataclass(frozen=True, slots=True)
class Fatalities:
    """Deaths: low, best and high estimates, with UCDP's breakdown when known."""

    low: int = 0
    best: int = 0
    high: int = 0
    side_a: int | None = None
    side_b: int | None = None
    civilians: int | None = None
    unknown: int | None = None

    def __post_init__(self) -> None:
        for name in ("low", "best", "high", "side_a", "side_b", "civilians", "unknown"):
            _check_count(getattr(self, name), name)
        _check(self.low <= self.best <= self.high, "fatalities", "needs low <= best <= high")
        parts = (self.side_a, self.side_b, self.civilians, self.unknown)
        if any(part is not None for part in parts):
            known = [part for part in parts if part is not None]
            ok = len(known) == 4 and sum(known) == self.best
            _check(ok, "fatalities", "the breakdown has four parts that add up to best")

    @classmethod
    def exactly(cls, deaths: int) -> Fatalities:
        """One count, as ACLED gives it."""
        return cls(deaths, deaths, deaths)


@dataclass(frozen=True, slots=True)
class Links:
    """What enrichment linked the incident to: zones, route position, provisions."""

    zones: tuple[str, ...] = ()
    route: str | None = None
    km_post: float | None = None
    side: Side | None = None
    distance_to_route_m: float | None = None
    provisions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.distance_to_route_m is not None:
            ok = math.isfinite(self.distance_to_route_m) and self.distance_to_route_m >= 0
            _check(ok, "distance_to_route_m", "must be 0 or more")
        if self.km_post is not None:
            _check(self.route is not None, "km_post", "a km post needs its route")
        if self.side is not None:
            object.__setattr__(self, "side", _member(Side, self.side, "side"))


class HistoryAction(StrEnum):
    """What a history entry records."""

    REPORT_ATTACHED = "report_attached"
    MERGED = "merged"
    SPLIT = "split"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change to an incident: what, when, by whom, and which records it moved."""

    action: HistoryAction
    at: datetime
    by: str
    incident_id: str
    other_incident_id: str | None = None
    report_ids: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        _check(self.at.tzinfo is not None, "at", "needs a time zone")
        _check(bool(self.by.strip()), "by", "names who made the change")


@dataclass(frozen=True, slots=True)
class Incident:
    """What happened, consolidated from its reports; see docs/incidents.md for each field."""

    id: str
    dates: DateRange
    location: Location
    event_type: str
    sub_event_type: str
    actors: Actors = Actors()
    disorder_type: str = ""
    civilian_targeting: bool = False
    fatalities: Fatalities = Fatalities()
    injuries: int | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()
    monitoring: vocab.MonitoringKind | None = None
    explosions: int | None = None
    shots: int | None = None
    report_ids: tuple[str, ...] = ()
    links: Links = Links()
    possible_duplicates: tuple[str, ...] = ()
    external_ids: tuple[tuple[str, str], ...] = ()
    merged_into: str | None = None
    history: tuple[HistoryEntry, ...] = ()

    def __post_init__(self) -> None:
        _check_id(self.id, _INCIDENT_ID, "id")
        vocab.check_event_type(self.event_type, self.sub_event_type)
        if not self.disorder_type:
            default = vocab.default_disorder_type(self.sub_event_type)
            object.__setattr__(self, "disorder_type", default)
        allowed = vocab.allowed_disorder_types(self.sub_event_type)
        _check(
            self.disorder_type in allowed,
            "disorder_type",
            f"{self.sub_event_type!r} takes one of {sorted(allowed)}",
        )
        _check_count(self.injuries, "injuries")
        _check_names(self.tags, "tags")
        reserved = [tag for tag in self.tags if tag.startswith(vocab.TAG_PREFIX)]
        _check(not reserved, "tags", f"tags starting {vocab.TAG_PREFIX!r} are reserved")
        self._check_monitoring()
        for report_id in self.report_ids:
            _check_id(report_id, _REPORT_ID, "report_ids")
        _check(len(set(self.report_ids)) == len(self.report_ids), "report_ids", "repeated")
        for other in self.possible_duplicates:
            _check_id(other, _INCIDENT_ID, "possible_duplicates")
            _check(other != self.id, "possible_duplicates", "an incident is not its own duplicate")
        if self.merged_into is not None:
            _check_id(self.merged_into, _INCIDENT_ID, "merged_into")
            _check(self.merged_into != self.id, "merged_into", "not into itself")
        schemes = [scheme for scheme, _ in self.external_ids]
        _check(len(set(schemes)) == len(schemes), "external_ids", "one id per dataset")

    def _check_monitoring(self) -> None:
        if self.monitoring is not None:
            kind = _member(vocab.MonitoringKind, self.monitoring, "monitoring")
            object.__setattr__(self, "monitoring", kind)
            vocab.check_monitoring_fit(kind, self.event_type, self.sub_event_type)
        for name in ("explosions", "shots"):
            _check_count(getattr(self, name), name)
            counted = getattr(self, name) is not None
            ok = not counted or self.monitoring is vocab.MonitoringKind.CEASEFIRE_VIOLATION
            _check(ok, name, "only a ceasefire violation counts explosions and shots")

    @property
    def family(self) -> vocab.Family:
        """The family of the incident's event type."""
        return vocab.family_of(self.event_type)

    def external_id(self, scheme: str) -> str | None:
        """This incident's id in another dataset (``acled``, ``ucdp``), if it came from one."""
        return dict(self.external_ids).get(scheme)


def _check_open(incident: Incident) -> None:
    _check(
        incident.merged_into is None,
        "incident_id",
        f"{incident.id} was merged into {incident.merged_into}; change that one instead",
    )


def attach_report(
    incident: Incident, report: Report, *, at: datetime, by: str
) -> tuple[Incident, Report, HistoryEntry]:
    """Attach a report that belongs to no incident yet."""
    _check_open(incident)
    _check(
        report.incident_id is None,
        "report_id",
        f"{report.id} is already attached to {report.incident_id}",
    )
    entry = HistoryEntry(HistoryAction.REPORT_ATTACHED, at, by, incident.id, None, (report.id,))
    changed = replace(
        incident,
        report_ids=(*incident.report_ids, report.id),
        history=(*incident.history, entry),
    )
    return changed, replace(report, incident_id=incident.id), entry


def merge_incidents(
    kept: Incident, absorbed: Incident, *, at: datetime, by: str, note: str = ""
) -> tuple[Incident, Incident, HistoryEntry]:
    """Merge `absorbed` into `kept`; `absorbed` stays, marked as merged into `kept`.

    `kept` takes both report lists, both histories (in time order) and the
    union of tags, possible duplicates and external ids; every other value is
    `kept`'s. The callers re-point the reports listed in the entry.
    """
    _check(kept.id != absorbed.id, "incident_id", "an incident cannot be merged into itself")
    _check_open(kept)
    _check_open(absorbed)
    entry = HistoryEntry(
        HistoryAction.MERGED, at, by, kept.id, absorbed.id, absorbed.report_ids, note
    )
    both = {kept.id, absorbed.id}
    duplicates = (*kept.possible_duplicates, *absorbed.possible_duplicates)
    known = dict(kept.external_ids)
    extra = tuple((s, i) for s, i in absorbed.external_ids if s not in known)
    merged = replace(
        kept,
        report_ids=tuple(dict.fromkeys((*kept.report_ids, *absorbed.report_ids))),
        tags=tuple(dict.fromkeys((*kept.tags, *absorbed.tags))),
        possible_duplicates=tuple(i for i in dict.fromkeys(duplicates) if i not in both),
        external_ids=kept.external_ids + extra,
        history=(*sorted((*kept.history, *absorbed.history), key=lambda e: e.at), entry),
    )
    marked = replace(absorbed, merged_into=kept.id, history=(*absorbed.history, entry))
    return merged, marked, entry


def split_incident(
    incident: Incident,
    report_ids: tuple[str, ...],
    *,
    new_id: str,
    at: datetime,
    by: str,
    note: str = "",
) -> tuple[Incident, Incident, HistoryEntry]:
    """Move some reports to a new incident that starts as a copy of this one."""
    _check_open(incident)
    chosen = set(report_ids)
    _check(bool(chosen), "report_ids", "choose at least one report to move")
    unknown = sorted(chosen - set(incident.report_ids))
    _check(not unknown, "report_ids", f"not reports of {incident.id}: {', '.join(unknown)}")
    _check(
        len(chosen) < len(incident.report_ids),
        "report_ids",
        "leave at least one report on the incident",
    )
    _check(new_id != incident.id, "new_id", "the new incident needs its own id")
    moved = tuple(r for r in incident.report_ids if r in chosen)
    entry = HistoryEntry(HistoryAction.SPLIT, at, by, incident.id, new_id, moved, note)
    remaining = replace(
        incident,
        report_ids=tuple(r for r in incident.report_ids if r not in chosen),
        history=(*incident.history, entry),
    )
    created = replace(
        incident,
        id=new_id,
        report_ids=moved,
        possible_duplicates=(),
        external_ids=(),
        history=(entry,),
    )
    return remaining, created, entry
