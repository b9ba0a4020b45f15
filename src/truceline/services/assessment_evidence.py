"""The evidence a provision's rule reads for a period, gathered from the stores, and its score.

Every reader here runs inside the caller's open unit of work, so a proposal
reads its evidence in the same transaction that records it. Each rule
(``domain.assessments``) gets plain counts and shares, and the records
behind them as evidence items:

- ``patrol_completion``: the joint patrols whose day falls in the period (on
  the rule's route, when it names one): completed against planned.
- ``road_open_share``: the road-status observations of the rule's route, as
  ``domain.road_status`` reads them over the period; the items are the
  reports in force when the period began and those taking effect during it.
- ``heavy_weapons``: verified incidents recorded as heavy-weapon sightings
  in the rule's zones during the period (and, with ``observations: true``,
  heavy-weapons observations there), plus every storage site whose latest
  observation by the period's end shows a discrepancy.
- ``violations_per_week``: verified incidents linked to the provision (by
  its ``breached_by`` rules) whose first day falls in the period.

Items that only show the provision was watched (a patrol that ran, an
incident not yet verified) are listed with ``counts`` False.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

from truceline.domain.agreements import Provision
from truceline.domain.assessment_periods import Period
from truceline.domain.assessments import (
    AssessmentRule,
    EvidenceItem,
    EvidenceKind,
    RuleKind,
    Suggestion,
    heavy_weapons,
    patrol_completion,
    road_open_share,
    violations_per_week,
)
from truceline.domain.event_types import MonitoringKind
from truceline.domain.observations import (
    HeavyWeapons,
    ObservationEntry,
    RoadStatus,
    StorageSite,
    Subkind,
)
from truceline.domain.patrol_records import patrol_from_dict
from truceline.domain.patrols import Outcome, Patrol
from truceline.domain.road_status import road_open_share as segment_shares
from truceline.domain.road_status import whole_route
from truceline.domain.verification import VerificationStatus
from truceline.domain.zones import ZoneKind
from truceline.services.field_location import km_range, route_of
from truceline.services.field_store import FieldFilter, FieldKind
from truceline.services.geography import Geography
from truceline.services.incident_store import Cursor, IncidentFilter, IncidentRecord
from truceline.services.observations import entry_of
from truceline.services.unit_of_work import UnitOfWork

#: The most evidence items one suggestion lists (counted ones first); the counts are whole.
MAX_ITEMS = 200
_PAGE = 500
VERIFIED = VerificationStatus.VERIFIED


def period_instants(geo: Geography, period: Period) -> tuple[datetime, datetime]:
    """When the period starts and ends: local midnights in the agreement's time zone."""
    zone = ZoneInfo(geo.agreement.timezone)
    return (
        datetime.combine(period.start, time(), zone),
        datetime.combine(period.end, time(), zone),
    )


def suggestion_for(
    uow: UnitOfWork, geo: Geography, provision: Provision, period: Period
) -> Suggestion:
    """What the provision's rule suggests for the period (the provision has a rule)."""
    rule = provision.assessed_by
    assert rule is not None
    if rule.kind is RuleKind.PATROL_COMPLETION:
        return _patrols(uow, geo, rule, period)
    if rule.kind is RuleKind.ROAD_OPEN_SHARE:
        return _road(uow, geo, rule, period)
    if rule.kind is RuleKind.HEAVY_WEAPONS:
        return _heavy_weapons(uow, geo, provision, rule, period)
    return _violations(uow, geo, provision, rule, period)


def _capped(counted: Sequence[EvidenceItem], context: Sequence[EvidenceItem]) -> list[EvidenceItem]:
    return [*counted, *context][:MAX_ITEMS]


# --- reading the stores ----------------------------------------------------------------------


def patrols_in(uow: UnitOfWork, agreement_id: str, period: Period) -> list[Patrol]:
    """The patrols whose day falls in the period, by day then number."""
    where = FieldFilter(
        agreement_id, FieldKind.PATROL, day_from=period.start, day_to=period.last_day
    )
    patrols = [patrol_from_dict(r.doc) for r in uow.field.find(where)]
    return sorted(patrols, key=lambda p: (p.day, p.number))


def observations_in(
    uow: UnitOfWork,
    agreement_id: str,
    subkind: Subkind | None,
    day_from: date | None,
    day_to: date | None,
) -> list[ObservationEntry]:
    """The observations of a subkind (every one for None) recorded for days in a range."""
    where = FieldFilter(
        agreement_id,
        FieldKind.OBSERVATION,
        state=None if subkind is None else str(subkind),
        day_from=day_from,
        day_to=day_to,
    )
    return [entry_of(r) for r in uow.field.find(where)]


def incidents_where(uow: UnitOfWork, where: IncidentFilter) -> list[IncidentRecord]:
    """Every incident matching `where` (not merged ones), newest first."""
    found: list[IncidentRecord] = []
    cursor: Cursor | None = None
    while True:
        rows = uow.incidents.page(where, cursor, _PAGE)
        found.extend(rows)
        if len(rows) < _PAGE:
            return found
        last = rows[-1].incident
        cursor = Cursor(last.dates.start, last.id)


# --- the items -------------------------------------------------------------------------------


def _patrol_item(patrol: Patrol, counts: bool = True) -> EvidenceItem:
    how = str(patrol.outcome) if patrol.outcome is not None else "not ended"
    if patrol.outcome is Outcome.CURTAILED and patrol.stopped_at_km is not None:
        how = f"curtailed at km {patrol.stopped_at_km:g}"
    text = (
        f"Joint patrol no. {patrol.number}, {patrol.day}, km {patrol.from_km:g} to "
        f"{patrol.to_km:g}: {how}"
    )
    return EvidenceItem(patrol.id, EvidenceKind.PATROL, text, f"/patrols/{patrol.id}", counts)


def _incident_item(record: IncidentRecord, counts: bool) -> EvidenceItem:
    incident = record.incident
    place = f" near {incident.location.place}" if incident.location.place else ""
    status = "" if counts else f" ({record.status}: not counted unless verified)"
    text = f"{incident.dates.start} {incident.sub_event_type}{place}{status}"
    return EvidenceItem(
        incident.id, EvidenceKind.INCIDENT, text, f"/incidents/{incident.id}", counts
    )


def _observation_item(entry: ObservationEntry, text: str, counts: bool = True) -> EvidenceItem:
    observation = entry.observation
    link = f"/field/observations/{observation.id}"
    return EvidenceItem(observation.id, EvidenceKind.OBSERVATION, text, link, counts)


def _ran(patrol: Patrol) -> bool:
    return patrol.started_at is not None


# --- the rules -------------------------------------------------------------------------------


def _patrols(uow: UnitOfWork, geo: Geography, rule: AssessmentRule, period: Period) -> Suggestion:
    patrols = patrols_in(uow, geo.agreement.id, period)
    if rule.route is not None:
        patrols = [p for p in patrols if p.route == rule.route]
    completed = sum(1 for p in patrols if p.outcome is Outcome.COMPLETED)
    items = _capped([_patrol_item(p) for p in patrols], ())
    return patrol_completion(len(patrols), completed, rule.thresholds, items)


@dataclass(frozen=True, slots=True)
class _RoadReport:
    entry: ObservationEntry
    status: RoadStatus
    order: tuple[datetime, datetime, str]


def _in_force(reports: Sequence[_RoadReport], at: datetime) -> list[_RoadReport]:
    """The reports that give some piece of the route its status at `at`: for each piece, the
    latest (by when observed, then recorded) whose `since` has passed."""
    active = [r for r in reports if r.status.since <= at]
    cuts = sorted({km for r in active for km in (r.status.from_km, r.status.to_km)})
    chosen: dict[str, _RoadReport] = {}
    for a, b in pairwise(cuts):
        covering = [r for r in active if r.status.from_km <= a and r.status.to_km >= b]
        if covering:
            top = max(covering, key=lambda r: r.order)
            chosen[top.entry.observation.id] = top
    return sorted(chosen.values(), key=lambda r: r.order)


def _road(uow: UnitOfWork, geo: Geography, rule: AssessmentRule, period: Period) -> Suggestion:
    route = route_of(geo, rule.route, "assessed_by.route")
    start, end = period_instants(geo, period)
    entries = observations_in(uow, geo.agreement.id, Subkind.ROAD_STATUS, None, None)
    reports = []
    for entry in entries:
        details = entry.observation.details
        if isinstance(details, RoadStatus) and details.route == route.id:
            order = (entry.observation.observed_at, entry.recorded_at, entry.observation.id)
            reports.append(_RoadReport(entry, details, order))
    reports.sort(key=lambda r: r.order)
    first, last = km_range(geo, route)
    segments = segment_shares(
        [r.entry.observation for r in reports],
        last - first,
        start,
        end,
        km_start=first,
        step_km=route.km_step,
        route=route.id,
    )
    whole = whole_route(segments)
    # What the measure rests on: the reports giving the road its status as the period starts,
    # and those taking effect during it (whenever they were recorded).
    before = _in_force(reports, start)
    during = [r for r in reports if start < r.status.since < end]
    items = []
    for report in [*before, *during]:
        status = report.status
        when = "in force at the start" if report in before else "during the period"
        text = (
            f"{route.id} km {status.from_km:g} to {status.to_km:g} {status.status} since "
            f"{status.since:%Y-%m-%d %H:%M} UTC ({when})"
        )
        items.append(_observation_item(report.entry, text))
    return road_open_share(
        whole.open, whole.unknown, route.name, rule.thresholds, _capped(items, ())
    )


def _zones_of(geo: Geography, provision: Provision, rule: AssessmentRule) -> tuple[str, ...]:
    """Where a heavy-weapon sighting counts: the rule's zones, the provision's, or the
    corridors; empty means anywhere."""
    if rule.zones is not None:
        return rule.zones
    if provision.zones:
        return provision.zones
    return tuple(z.id for z in geo.agreement.zones if z.kind is ZoneKind.SECURITY_CORRIDOR)


def _incidents_in_zones(
    uow: UnitOfWork, agreement_id: str, zones: Iterable[str], period: Period
) -> list[IncidentRecord]:
    """The incidents starting in the period in any of the zones (anywhere for none), once each."""
    base = IncidentFilter(agreement_id, date_from=period.start, date_to=period.last_day)
    wheres = [replace(base, zone=z) for z in zones] or [base]
    seen: dict[str, IncidentRecord] = {}
    for where in wheres:
        for record in incidents_where(uow, where):
            seen.setdefault(record.incident.id, record)
    return sorted(seen.values(), key=lambda r: (r.incident.dates.start, r.incident.id))


def _discrepancy_text(site: str, entry: ObservationEntry, details: StorageSite) -> str:
    differences = ", ".join(f"{w} {n:+d}" for w, n in details.discrepancies.items())
    return f"storage site {site}: observed minus declared {differences} (latest check {entry.day})"


def _heavy_weapons(
    uow: UnitOfWork, geo: Geography, provision: Provision, rule: AssessmentRule, period: Period
) -> Suggestion:
    agreement_id = geo.agreement.id
    zones = _zones_of(geo, provision, rule)
    inside = set(zones)

    def in_zones(entry: ObservationEntry) -> bool:
        return not inside or bool(inside & set(entry.placement.zones))

    sightings = [
        r
        for r in _incidents_in_zones(uow, agreement_id, zones, period)
        if r.incident.monitoring is MonitoringKind.HEAVY_WEAPON_SIGHTING
    ]
    verified = [r for r in sightings if r.status is VERIFIED]
    counted = [_incident_item(r, True) for r in verified]
    context = [_incident_item(r, False) for r in sightings if r.status is not VERIFIED]
    observed = [
        e
        for e in observations_in(uow, agreement_id, None, period.start, period.last_day)
        if in_zones(e)
    ]
    weapons = [e for e in observed if e.observation.subkind is Subkind.HEAVY_WEAPONS]
    for entry in weapons:
        details = entry.observation.details
        assert isinstance(details, HeavyWeapons)
        what = f"{details.count} {details.weapon_type}"
        text = f"{entry.day} heavy weapons observed in the zones: {what} (no verification status)"
        item = _observation_item(entry, text, counts=rule.observations)
        (counted if rule.observations else context).append(item)
    checks = observations_in(uow, agreement_id, Subkind.STORAGE_SITE, None, period.last_day)
    latest: dict[str, ObservationEntry] = {}
    for entry in checks:
        details = entry.observation.details
        assert isinstance(details, StorageSite)
        known = latest.get(details.site)
        order = (entry.observation.observed_at, entry.recorded_at, entry.observation.id)
        if known is None or order > (
            known.observation.observed_at,
            known.recorded_at,
            known.observation.id,
        ):
            latest[details.site] = entry
    discrepant = 0
    for site in sorted(latest):
        entry = latest[site]
        details = entry.observation.details
        assert isinstance(details, StorageSite)
        if details.discrepancies:
            discrepant += 1
            counted.append(_observation_item(entry, _discrepancy_text(site, entry, details)))
    ran = [p for p in patrols_in(uow, agreement_id, period) if _ran(p)]
    context.extend(_patrol_item(p, counts=False) for p in ran)
    watched = bool(sightings or observed or latest or ran)
    count = len(verified) + (len(weapons) if rule.observations else 0)
    return heavy_weapons(count, discrepant, watched, rule.thresholds, _capped(counted, context))


def _violations(
    uow: UnitOfWork, geo: Geography, provision: Provision, rule: AssessmentRule, period: Period
) -> Suggestion:
    agreement_id = geo.agreement.id
    where = IncidentFilter(
        agreement_id, date_from=period.start, date_to=period.last_day, provision=provision.id
    )
    linked = sorted(
        incidents_where(uow, where), key=lambda r: (r.incident.dates.start, r.incident.id)
    )
    verified = [r for r in linked if r.status is VERIFIED]
    counted = [_incident_item(r, True) for r in verified]
    context = [_incident_item(r, False) for r in linked if r.status is not VERIFIED]
    ran = [p for p in patrols_in(uow, agreement_id, period) if _ran(p)]
    context.extend(_patrol_item(p, counts=False) for p in ran)
    observed = observations_in(uow, agreement_id, None, period.start, period.last_day)
    if provision.zones:
        observed = [e for e in observed if set(provision.zones) & set(e.placement.zones)]
    watched = bool(linked or ran or observed)
    return violations_per_week(
        len(verified), period.weeks, watched, rule.thresholds, _capped(counted, context)
    )
