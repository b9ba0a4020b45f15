"""Incidents: what happened, consolidated from reports (see `reports.py`).

An `Incident` is what happened,
consolidated from one or more reports in a model that speaks both ACLED and
UCDP GED: a date range with precision, a point with precision, ACLED types,
actors, fatalities as low/best/high. Incidents change only through the pure
operations at the end of this module (attach a report, merge, split); each
returns the new values and the `HistoryEntry` that records the change, and
nothing is ever deleted. Bad values raise `InputError(field, reason)`.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from truceline.domain import event_types as vocab
from truceline.domain.checks import (
    INCIDENT_ID,
    REPORT_ID,
    check,
    check_count,
    check_id,
    check_names,
    member,
)
from truceline.domain.reports import (
    Report,
)
from truceline.domain.zones import Side

_ACLED_HALF_WIDTH = {1: 0, 2: 3, 3: 15}


def new_incident_id() -> str:
    """A fresh random incident id."""
    return "inc_" + secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class DateRange:
    """When something happened: every day from `start` to `end`, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            ok = isinstance(value, date) and not isinstance(value, datetime)
            check(ok, name, "must be a calendar date")
        check(self.start <= self.end, "end", "the range ends before it starts")

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
        check(
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
            check(ok, name, f"must be a number from -{bound:g} to {bound:g}, not {value!r}")
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
            check(0 < self.iso < 1000, "iso", "an ISO 3166-1 numeric code is 1-999")


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
            check_names((name,) if name else (), "actor" + n)
            associated: tuple[str, ...] = getattr(self, "associated" + n)
            check_names(associated, "associated" + n)
            check(bool(name) == (code != 0), "inter" + n, "an actor has a code 1-8, no actor 0")
            check(bool(name) or not associated, "associated" + n, "associates need an actor")

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
            check_count(getattr(self, name), name)
        check(self.low <= self.best <= self.high, "fatalities", "needs low <= best <= high")
        parts = (self.side_a, self.side_b, self.civilians, self.unknown)
        if any(part is not None for part in parts):
            known = [part for part in parts if part is not None]
            ok = len(known) == 4 and sum(known) == self.best
            check(ok, "fatalities", "the breakdown has four parts that add up to best")

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
            check(ok, "distance_to_route_m", "must be 0 or more")
        if self.km_post is not None:
            check(self.route is not None, "km_post", "a km post needs its route")
        if self.side is not None:
            object.__setattr__(self, "side", member(Side, self.side, "side"))


class HistoryAction(StrEnum):
    """What a history entry records."""

    REPORTED = "reported"
    IMPORTED = "imported"
    UPDATED = "updated"
    REPORT_ATTACHED = "report_attached"
    MERGED = "merged"
    SPLIT = "split"
    POSITION_RECORDED = "position_recorded"
    VERDICT_RECORDED = "verdict_recorded"
    LINKS_RECOMPUTED = "links_recomputed"


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
        check(self.at.tzinfo is not None, "at", "needs a time zone")
        check(bool(self.by.strip()), "by", "names who made the change")


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
        check_id(self.id, INCIDENT_ID, "id")
        vocab.check_event_type(self.event_type, self.sub_event_type)
        if not self.disorder_type:
            default = vocab.default_disorder_type(self.sub_event_type)
            object.__setattr__(self, "disorder_type", default)
        allowed = vocab.allowed_disorder_types(self.sub_event_type)
        check(
            self.disorder_type in allowed,
            "disorder_type",
            f"{self.sub_event_type!r} takes one of {sorted(allowed)}",
        )
        check_count(self.injuries, "injuries")
        check_names(self.tags, "tags")
        reserved = [tag for tag in self.tags if tag.startswith(vocab.TAG_PREFIX)]
        check(not reserved, "tags", f"tags starting {vocab.TAG_PREFIX!r} are reserved")
        self._check_monitoring()
        for report_id in self.report_ids:
            check_id(report_id, REPORT_ID, "report_ids")
        check(len(set(self.report_ids)) == len(self.report_ids), "report_ids", "repeated")
        for other in self.possible_duplicates:
            check_id(other, INCIDENT_ID, "possible_duplicates")
            check(other != self.id, "possible_duplicates", "an incident is not its own duplicate")
        if self.merged_into is not None:
            check_id(self.merged_into, INCIDENT_ID, "merged_into")
            check(self.merged_into != self.id, "merged_into", "not into itself")
        schemes = [scheme for scheme, _ in self.external_ids]
        check(len(set(schemes)) == len(schemes), "external_ids", "one id per dataset")

    def _check_monitoring(self) -> None:
        if self.monitoring is not None:
            kind = member(vocab.MonitoringKind, self.monitoring, "monitoring")
            object.__setattr__(self, "monitoring", kind)
            vocab.check_monitoring_fit(kind, self.event_type, self.sub_event_type)
        for name in ("explosions", "shots"):
            check_count(getattr(self, name), name)
            counted = getattr(self, name) is not None
            ok = not counted or self.monitoring is vocab.MonitoringKind.CEASEFIRE_VIOLATION
            check(ok, name, "only a ceasefire violation counts explosions and shots")

    @property
    def family(self) -> vocab.Family:
        """The family of the incident's event type."""
        return vocab.family_of(self.event_type)

    def external_id(self, scheme: str) -> str | None:
        """This incident's id in another dataset (``acled``, ``ucdp``), if it came from one."""
        return dict(self.external_ids).get(scheme)


def _check_open(incident: Incident) -> None:
    check(
        incident.merged_into is None,
        "incident_id",
        f"{incident.id} was merged into {incident.merged_into}; change that one instead",
    )


def attach_report(
    incident: Incident, report: Report, *, at: datetime, by: str
) -> tuple[Incident, Report, HistoryEntry]:
    """Attach a report that belongs to no incident yet."""
    _check_open(incident)
    check(
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
    check(kept.id != absorbed.id, "incident_id", "an incident cannot be merged into itself")
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
    check(bool(chosen), "report_ids", "choose at least one report to move")
    unknown = sorted(chosen - set(incident.report_ids))
    check(not unknown, "report_ids", f"not reports of {incident.id}: {', '.join(unknown)}")
    check(
        len(chosen) < len(incident.report_ids),
        "report_ids",
        "leave at least one report on the incident",
    )
    check(new_id != incident.id, "new_id", "the new incident needs its own id")
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
