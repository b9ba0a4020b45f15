"""Reading joint patrols: the list by day, one patrol with its timeline and map, the statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shapely.geometry import LineString

from truceline.domain.errors import InputError
from truceline.domain.patrol_records import patrol_from_dict
from truceline.domain.patrol_stats import MonthStats, monthly_stats
from truceline.domain.patrols import Patrol
from truceline.services.field_store import FieldFilter, FieldKind, FieldStep
from truceline.services.geography import Geography
from truceline.services.patrol_geometry import Deviation, deviation, planned_segment
from truceline.services.patrols import stored_patrol
from truceline.services.unit_of_work import UnitOfWork


def _check_range(day_from: date | None, day_to: date | None) -> None:
    if day_from is not None and day_to is not None and day_from > day_to:
        raise InputError("day_to", "the range ends before it starts")


def list_patrols(
    uow: UnitOfWork,
    agreement_id: str,
    *,
    day_from: date | None = None,
    day_to: date | None = None,
) -> list[Patrol]:
    """The agreement's patrols between two days (both included), by day, then number."""
    _check_range(day_from, day_to)
    where = FieldFilter(agreement_id, FieldKind.PATROL, day_from=day_from, day_to=day_to)
    with uow:
        records = uow.field.find(where)
    patrols = [patrol_from_dict(r.doc) for r in records]
    return sorted(patrols, key=lambda p: (p.day, p.number))


def get_patrol(uow: UnitOfWork, agreement_id: str, patrol_id: str) -> Patrol:
    """One patrol of the agreement; NotFoundError when there is none."""
    with uow:
        _, patrol = stored_patrol(uow, agreement_id, patrol_id)
    return patrol


@dataclass(frozen=True)
class PatrolView:
    """Everything shown about one patrol: itself, its timeline, its segment, its deviation."""

    patrol: Patrol
    steps: tuple[FieldStep, ...]
    segment: LineString
    deviation: Deviation | None


def patrol_view(uow: UnitOfWork, geography: Geography, patrol_id: str) -> PatrolView:
    """One patrol with its steps, its planned segment (WGS 84) and its track's deviation."""
    with uow:
        _, patrol = stored_patrol(uow, geography.agreement.id, patrol_id)
        steps = tuple(uow.field.steps(patrol_id))
    segment = planned_segment(geography, patrol.route, patrol.from_km, patrol.to_km)
    return PatrolView(patrol, steps, segment, deviation(geography, patrol))


def patrol_stats(
    uow: UnitOfWork,
    agreement_id: str,
    *,
    day_from: date | None = None,
    day_to: date | None = None,
) -> list[MonthStats]:
    """Per month: patrols planned against completed, km covered against planned."""
    return monthly_stats(list_patrols(uow, agreement_id, day_from=day_from, day_to=day_to))


def patrols_of_incident(uow: UnitOfWork, agreement_id: str, incident_id: str) -> list[Patrol]:
    """The patrols an incident is linked to."""
    return [p for p in list_patrols(uow, agreement_id) if incident_id in p.incidents]
