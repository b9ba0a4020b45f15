"""Monthly patrol statistics: planned against completed, km covered against planned."""

from __future__ import annotations

from datetime import date

from tests.patrol_support import START, a_patrol, at
from truceline.domain.patrol_stats import MonthStats, monthly_stats
from truceline.domain.patrols import (
    Outcome,
    Patrol,
    end,
    reach_checkpoint,
    start,
)


def run(patrol: Patrol) -> Patrol:
    return start(patrol, START, may_start_unacknowledged=True)


def test_no_patrols_make_no_months() -> None:
    assert monthly_stats([]) == []


def test_a_month_counts_every_patrol_planned_and_how_each_ended() -> None:
    march = [
        end(run(a_patrol(id="pat_1", number=1)), Outcome.COMPLETED, at(90)),
        end(
            run(a_patrol(id="pat_2", number=2, day=date(2020, 3, 20))),
            Outcome.CURTAILED,
            at(60),
            at_km=12.5,
            reason="Road blocked by a crowd",
        ),
        end(
            reach_checkpoint(run(a_patrol(id="pat_3", number=3)), 10.0, at(20)),
            Outcome.ABORTED,
            at(30),
            reason="Attacked",
        ),
        a_patrol(id="pat_4", number=4, day=date(2020, 3, 31)),
    ]
    april = [a_patrol(id="pat_5", number=5, day=date(2020, 4, 2), from_km=0.0, to_km=45.0)]
    stats = monthly_stats([*april, *march])
    assert stats == [
        MonthStats(
            month=date(2020, 3, 1),
            planned=4,
            completed=1,
            curtailed=1,
            aborted=1,
            km_planned=120.0,
            km_covered=30.0 + 12.5 + 10.0,
        ),
        MonthStats(date(2020, 4, 1), 1, 0, 0, 0, 45.0, 0.0),
    ]


def test_months_between_without_patrols_count_zero() -> None:
    stats = monthly_stats(
        [a_patrol(day=date(2020, 11, 3)), a_patrol(id="pat_2", day=date(2021, 2, 1))]
    )
    assert [s.month for s in stats] == [
        date(2020, 11, 1),
        date(2020, 12, 1),
        date(2021, 1, 1),
        date(2021, 2, 1),
    ]
    assert [s.planned for s in stats] == [1, 0, 0, 1]
    assert stats[1].km_planned == 0.0
