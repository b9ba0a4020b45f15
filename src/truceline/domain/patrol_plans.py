"""A joint patrol's plan: what the planner states, the rules it must keep, the patrol it starts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from truceline.domain.checks import check, check_id, check_names
from truceline.domain.patrols import (
    MAX_CHECKPOINTS,
    MAX_UNITS,
    MAX_VEHICLES,
    PATROL_ID,
    Contingent,
    Patrol,
    check_finite,
)


@dataclass(frozen=True)
class PatrolPlan:
    """What a planner states: the day, the start, the segment, the contingents, the checkpoints."""

    id: str
    day: date
    start_time: time
    from_km: float
    to_km: float
    contingents: tuple[Contingent, ...]
    checkpoints: tuple[float, ...] = ()


def check_plan(
    plan: PatrolPlan, *, km_range: tuple[float, float], guarantors: Collection[str], lead: str
) -> None:
    """Refuse a plan that breaks a rule; `km_range` is the route's first and last km post."""
    check_id(plan.id, PATROL_ID, "id")
    first, last = km_range
    for name, km in (("from_km", plan.from_km), ("to_km", plan.to_km)):
        check_finite(km, name)
        check(
            first <= km <= last,
            name,
            f"km {km:g} is not on the route (km {first:g} to {last:g})",
        )
    check(plan.from_km != plan.to_km, "to_km", "the segment has no length: give two km posts")
    _check_contingents(plan.contingents, guarantors, lead)
    _check_checkpoints(plan)


def _check_contingents(
    contingents: Sequence[Contingent], guarantors: Collection[str], lead: str
) -> None:
    parties = [c.party for c in contingents]
    for index, contingent in enumerate(contingents):
        where = f"contingents[{index}]"
        check(
            contingent.party in guarantors,
            f"{where}.party",
            f"{contingent.party!r} is not a guarantor of the agreement "
            f"(guarantors: {', '.join(sorted(guarantors))})",
        )
        check(parties.index(contingent.party) == index, f"{where}.party", "a party is repeated")
        check(bool(contingent.units), f"{where}.units", "name at least one unit")
        check(len(contingent.units) <= MAX_UNITS, f"{where}.units", f"at most {MAX_UNITS} units")
        check_names(contingent.units, f"{where}.units")
        check(
            0 <= contingent.vehicles <= MAX_VEHICLES,
            f"{where}.vehicles",
            f"from 0 to {MAX_VEHICLES}, not {contingent.vehicles}",
        )
    check(len(set(parties)) >= 2, "contingents", "a joint patrol needs two parties at least")
    check(lead in parties, "contingents", f"the planner's party {lead!r} takes no part")


def _check_checkpoints(plan: PatrolPlan) -> None:
    low, high = sorted((plan.from_km, plan.to_km))
    direction = 1 if plan.to_km >= plan.from_km else -1
    check(
        len(plan.checkpoints) <= MAX_CHECKPOINTS,
        "checkpoints",
        f"at most {MAX_CHECKPOINTS} checkpoints",
    )
    previous: float | None = None
    for index, km in enumerate(plan.checkpoints):
        where = f"checkpoints[{index}]"
        check_finite(km, where)
        check(
            low <= km <= high,
            where,
            f"km {km:g} is outside the segment (km {plan.from_km:g} to {plan.to_km:g})",
        )
        if previous is not None:
            check(
                (km - previous) * direction > 0,
                where,
                f"km {km:g} does not come after km {previous:g} in the direction of travel",
            )
        previous = km


def new_patrol(
    plan: PatrolPlan,
    *,
    number: int,
    agreement_id: str,
    route: str,
    planned_by: str,
    lead_party: str,
    notice_at: datetime,
) -> Patrol:
    """The patrol a (checked) plan starts: planned, notice given at `notice_at`."""
    return Patrol(
        id=plan.id,
        number=number,
        agreement_id=agreement_id,
        route=route,
        day=plan.day,
        start_time=plan.start_time,
        from_km=plan.from_km,
        to_km=plan.to_km,
        contingents=plan.contingents,
        checkpoints=plan.checkpoints,
        planned_by=planned_by,
        lead_party=lead_party,
        notice_at=notice_at,
    )
