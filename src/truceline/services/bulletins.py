"""Bulletins: the daily or weekly report of the record, for a period and against the previous one.

A bulletin reads, and never changes, what is recorded: the period's incidents
(by zone, type and status, each against the previous period), its joint
patrols and access restrictions, each provision's latest assessment, and the
statements published in it; the incidents carry their points, for the map.
Built twice from the same record, it is the same bulletin: nothing in it
depends on when it is built.

A weekly bulletin covers the ISO week (Monday to Sunday) holding its date;
a daily one, the date itself; dates are read in the agreement's time zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from truceline.domain.agreements import Agreement
from truceline.domain.patrols import Patrol
from truceline.domain.restrictions import RestrictionEntry
from truceline.domain.statements import Statement
from truceline.domain.verification import VerificationStatus
from truceline.services.assessment_queries import latest_by_provision
from truceline.services.geography import Geography
from truceline.services.incident_queries import MAX_PAGE, list_incidents
from truceline.services.incident_store import IncidentFilter, IncidentRecord
from truceline.services.patrol_queries import list_patrols
from truceline.services.restrictions import RestrictionQuery, list_restrictions
from truceline.services.statement_queries import published
from truceline.services.unit_of_work import UnitOfWork

Uow = Callable[[], UnitOfWork]


class Cadence(StrEnum):
    """How often a bulletin appears: each day, or each week."""

    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True, slots=True)
class BulletinPeriod:
    """The days a bulletin covers, first and last included."""

    cadence: Cadence
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.cadence is Cadence.DAILY:
            return f"{self.start:%-d %B %Y}"
        year, week, _ = self.start.isocalendar()
        return f"week {week} of {year}, {self.start:%-d %B} to {self.end:%-d %B %Y}"

    def previous(self) -> BulletinPeriod:
        """The period of the same length just before this one."""
        length = (self.end - self.start).days + 1
        return BulletinPeriod(
            self.cadence,
            self.start - timedelta(days=length),
            self.end - timedelta(days=length),
        )

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def bulletin_period(cadence: Cadence, day: date) -> BulletinPeriod:
    """The period of a bulletin dated `day`: that day, or the ISO week holding it."""
    if cadence is Cadence.DAILY:
        return BulletinPeriod(cadence, day, day)
    monday = day - timedelta(days=day.weekday())
    return BulletinPeriod(cadence, monday, monday + timedelta(days=6))


@dataclass(frozen=True, slots=True)
class CountRow:
    """A count for this period beside the previous period's."""

    key: str
    label: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True, slots=True)
class IncidentLine:
    """One incident of the period, as the bulletin lists it."""

    id: str
    day: date
    place: str
    event_type: str
    sub_event_type: str
    status: str
    zones: str
    fatalities: int | None
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class PatrolLine:
    """One joint patrol of the period."""

    number: int
    id: str
    day: date
    segment: str
    state: str
    outcome: str
    planned_km: float
    covered_km: float


@dataclass(frozen=True, slots=True)
class RestrictionLine:
    """One access restriction of the period."""

    id: str
    day: date
    kind: str
    affected: str
    where: str
    zone: str
    imposed_by: str
    minutes: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class ProvisionLine:
    """A provision and its latest assessed score up to the period's end (None: not assessed)."""

    id: str
    category: str
    text: str
    score: int | None
    state: str = "not assessed"
    assessed_for: str = ""


@dataclass(frozen=True, slots=True)
class StatementLine:
    """A statement or claim published in the period."""

    id: str
    number: int
    kind: str
    party: str
    title: str
    published: str


@dataclass(frozen=True, slots=True)
class Bulletin:
    """Everything a bulletin shows; rendered as HTML and as PDF from the same value."""

    agreement_id: str
    title: str
    period: BulletinPeriod
    previous: BulletinPeriod
    incidents: tuple[IncidentLine, ...]
    by_zone: tuple[CountRow, ...]
    by_type: tuple[CountRow, ...]
    by_status: tuple[CountRow, ...]
    patrols: tuple[PatrolLine, ...]
    restrictions: tuple[RestrictionLine, ...]
    restrictions_by_zone: tuple[CountRow, ...]
    provisions: tuple[ProvisionLine, ...]
    statements: tuple[StatementLine, ...]
    attribution: tuple[str, ...]

    @property
    def km_planned(self) -> float:
        return round(sum(p.planned_km for p in self.patrols), 1)

    @property
    def km_covered(self) -> float:
        return round(sum(p.covered_km for p in self.patrols), 1)


def provision_lines(uow: UnitOfWork, agreement: Agreement, day: date) -> list[ProvisionLine]:
    """Every provision with its latest assessment of a period begun by `day`, if any."""
    latest = latest_by_provision(uow, agreement, day)
    lines = []
    for provision in agreement.provisions:
        found = latest.get(provision.id)
        if found is None:
            line = ProvisionLine(provision.id, str(provision.category), provision.text, None)
        else:
            line = ProvisionLine(
                provision.id,
                str(provision.category),
                provision.text,
                found.score,
                str(found.state).replace("_", " "),
                found.period.label,
            )
        lines.append(line)
    return lines


def build_bulletin(
    uow: Uow,
    geography: Geography,
    cadence: Cadence,
    day: date,
) -> Bulletin:
    """The bulletin of the period holding `day`, read from the record."""
    agreement = geography.agreement
    period = bulletin_period(cadence, day)
    previous = period.previous()
    now_incidents = _incidents(uow, agreement, period)
    before_incidents = _incidents(uow, agreement, previous)
    zone_names = {z.id: z.name for z in agreement.zones}
    restrictions = list_restrictions(
        uow(), geography, RestrictionQuery(day_from=previous.start, day_to=period.end)
    )
    restrictions_now = [r for r in restrictions if period.holds(r.day)]
    restrictions_before = [r for r in restrictions if previous.holds(r.day)]
    return Bulletin(
        agreement_id=agreement.id,
        title=agreement.title,
        period=period,
        previous=previous,
        incidents=tuple(_incident_line(r, zone_names) for r in now_incidents),
        by_zone=_compare(_zone_counts(now_incidents), _zone_counts(before_incidents), zone_names),
        by_type=_compare(
            Counter(r.incident.event_type for r in now_incidents),
            Counter(r.incident.event_type for r in before_incidents),
        ),
        by_status=_compare(
            Counter(str(r.status) for r in now_incidents),
            Counter(str(r.status) for r in before_incidents),
            {str(s): str(s) for s in VerificationStatus},
            keep_all=True,
        ),
        patrols=tuple(
            _patrol_line(p)
            for p in list_patrols(uow(), agreement.id, day_from=period.start, day_to=period.end)
        ),
        restrictions=tuple(_restriction_line(r, zone_names) for r in reversed(restrictions_now)),
        restrictions_by_zone=_compare(
            Counter(r.placement.zones[0] if r.placement.zones else "" for r in restrictions_now),
            Counter(r.placement.zones[0] if r.placement.zones else "" for r in restrictions_before),
            zone_names | {"": "outside every zone"},
        ),
        provisions=tuple(provision_lines(uow(), agreement, period.end)),
        statements=tuple(_statements(uow, agreement, period)),
        attribution=agreement.attribution,
    )


def _incidents(uow: Uow, agreement: Agreement, period: BulletinPeriod) -> list[IncidentRecord]:
    where = IncidentFilter(agreement.id, date_from=period.start, date_to=period.end)
    found: list[IncidentRecord] = []
    after: str | None = None
    while True:
        page = list_incidents(uow(), agreement, where, after=after, limit=MAX_PAGE)
        found.extend(page.items)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    return sorted(found, key=lambda r: (r.incident.dates.start, r.incident.id))


def _zone_counts(records: Iterable[IncidentRecord]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for record in records:
        zones = record.incident.links.zones
        counts.update(zones if zones else [""])
    return counts


def _compare(
    current: Mapping[str, int],
    previous: Mapping[str, int],
    labels: Mapping[str, str] | None = None,
    *,
    keep_all: bool = False,
) -> tuple[CountRow, ...]:
    """Rows for every key seen in either period (or every labelled key), largest first."""
    names = dict(labels or {})
    names.setdefault("", "outside every zone")
    keys = set(current) | set(previous)
    if keep_all:
        keys |= set(names) - {""}
    rows = [CountRow(k, names.get(k, k), current.get(k, 0), previous.get(k, 0)) for k in keys]
    return tuple(sorted(rows, key=lambda r: (-r.current, -r.previous, r.label)))


def _incident_line(record: IncidentRecord, zone_names: Mapping[str, str]) -> IncidentLine:
    incident = record.incident
    return IncidentLine(
        id=incident.id,
        day=incident.dates.start,
        place=incident.location.place,
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        status=str(record.status),
        zones=", ".join(zone_names.get(z, z) for z in incident.links.zones),
        fatalities=incident.fatalities.best,
        lon=incident.location.lon,
        lat=incident.location.lat,
    )


def _patrol_line(patrol: Patrol) -> PatrolLine:
    outcome = "" if patrol.outcome is None else str(patrol.outcome)
    if patrol.stopped_at_km is not None:
        outcome += f" at km {patrol.stopped_at_km:g}"
    if patrol.reason:
        outcome += f": {patrol.reason}"
    return PatrolLine(
        number=patrol.number,
        id=patrol.id,
        day=patrol.day,
        segment=f"km {patrol.from_km:g} to km {patrol.to_km:g}",
        state=str(patrol.state),
        outcome=outcome,
        planned_km=round(patrol.planned_km, 1),
        covered_km=round(patrol.covered_km, 1),
    )


def _restriction_line(entry: RestrictionEntry, zone_names: Mapping[str, str]) -> RestrictionLine:
    r, placement = entry.restriction, entry.placement
    where = placement.place or ""
    if placement.km is not None:
        where = f"{where} (km {placement.km:.1f})".strip()
    return RestrictionLine(
        id=r.id,
        day=entry.day,
        kind=str(r.kind),
        affected=str(r.affected),
        where=where,
        zone=", ".join(zone_names.get(z, z) for z in placement.zones),
        imposed_by=r.imposed_by,
        minutes=r.duration_minutes,
        reason=r.reason_given,
    )


def _statements(uow: Uow, agreement: Agreement, period: BulletinPeriod) -> list[StatementLine]:
    zone = ZoneInfo(agreement.timezone)
    lines = []
    for statement in published(uow(), agreement.id):
        publication = statement.publication
        if publication is None:
            continue
        local = publication.at.astimezone(zone)
        if period.holds(local.date()):
            lines.append(_statement_line(statement, agreement, local))
    return sorted(lines, key=lambda s: (s.published, s.number))


def _statement_line(statement: Statement, agreement: Agreement, local: datetime) -> StatementLine:
    party = ""
    if statement.party is not None:
        try:
            found = agreement.party(statement.party)
            party = found.short_name or found.name
        except KeyError:
            party = statement.party
    return StatementLine(
        id=statement.id,
        number=statement.number,
        kind=str(statement.kind),
        party=party,
        title=statement.text.title,
        published=f"{local:%Y-%m-%d %H:%M}",
    )
