"""Patrol statistics: per month, planned against completed, km covered against planned."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from truceline.domain.patrols import Outcome, Patrol


@dataclass(frozen=True)
class MonthStats:
    """A month of patrols: how many were planned and how each ended; km planned and covered.

    `planned` counts every patrol of the month, whatever became of it; so
    planned minus completed, curtailed and aborted is what is not yet over.
    """

    month: date
    planned: int
    completed: int
    curtailed: int
    aborted: int
    km_planned: float
    km_covered: float


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def monthly_stats(patrols: Iterable[Patrol]) -> list[MonthStats]:
    """Per month of the patrols' days, oldest first; months between without patrols count 0."""
    by_month: dict[date, list[Patrol]] = {}
    for patrol in patrols:
        by_month.setdefault(patrol.day.replace(day=1), []).append(patrol)
    if not by_month:
        return []
    out: list[MonthStats] = []
    month, last = min(by_month), max(by_month)
    while month <= last:
        group = by_month.get(month, [])
        outcomes = [p.outcome for p in group]
        out.append(
            MonthStats(
                month=month,
                planned=len(group),
                completed=outcomes.count(Outcome.COMPLETED),
                curtailed=outcomes.count(Outcome.CURTAILED),
                aborted=outcomes.count(Outcome.ABORTED),
                km_planned=round(sum(p.planned_km for p in group), 3),
                km_covered=round(sum(p.covered_km for p in group), 3),
            )
        )
        month = _next_month(month)
    return out
