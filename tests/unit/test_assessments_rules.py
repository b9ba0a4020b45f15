"""The scoring rules on constructed evidence: each threshold's edges, and no evidence at all."""

from __future__ import annotations

import pytest

from truceline.domain.assessments import (
    AssessmentRule,
    EvidenceItem,
    EvidenceKind,
    RuleKind,
    heavy_weapons,
    patrol_completion,
    road_open_share,
    rule_from_dict,
    rule_problems,
    rule_to_dict,
    score_at_least,
    score_at_most,
    violations_per_week,
)
from truceline.domain.errors import InputError

SHARES = (0.25, 0.5, 0.9)
COUNTS = (0.0, 2.0, 5.0)
RATES = (0.5, 2.0, 5.0)


@pytest.mark.parametrize(
    ("completed", "planned", "score"),
    [
        (0, 4, 0),
        (1, 5, 0),  # 20%: below the first threshold
        (1, 4, 1),  # exactly 25%
        (2, 5, 1),  # 40%
        (1, 2, 2),  # exactly 50%
        (8, 10, 2),  # 80%
        (9, 10, 3),  # exactly 90%
        (4, 4, 3),
    ],
)
def test_patrol_completion_scores_the_share_completed_reaching_each_threshold(
    completed: int, planned: int, score: int
) -> None:
    suggestion = patrol_completion(planned, completed, SHARES)
    assert suggestion.score == score
    assert suggestion.measure == round(completed / planned, 4)
    assert f"{completed} of {planned} planned patrol" in suggestion.explanation


def test_no_patrol_planned_is_no_evidence_and_scores_0_saying_so() -> None:
    suggestion = patrol_completion(0, 0, SHARES)
    assert suggestion.score == 0
    assert suggestion.measure is None
    assert suggestion.explanation.startswith("no joint patrol was planned in the period")
    assert "no evidence" in suggestion.explanation


def test_patrol_completion_refuses_more_completed_than_planned() -> None:
    with pytest.raises(InputError) as caught:
        patrol_completion(2, 3, SHARES)
    assert caught.value.field == "completed"


@pytest.mark.parametrize(
    ("open_share", "unknown", "score"),
    [
        (0.0, 0.0, 0),
        (0.099, 0.0, 0),
        (0.1, 0.5, 1),
        (0.4999, 0.0, 1),
        (0.5, 0.0, 2),
        (0.8999, 0.1, 2),
        (0.9, 0.0, 3),
        (1.0, 0.0, 3),
    ],
)
def test_road_open_share_scores_the_time_observed_open(
    open_share: float, unknown: float, score: int
) -> None:
    suggestion = road_open_share(open_share, unknown, "M4", (0.1, 0.5, 0.9))
    assert suggestion.score == score
    assert suggestion.measure == round(open_share, 4)
    assert suggestion.explanation.startswith("M4 observed open")


def test_a_road_no_report_covers_is_no_evidence_even_though_nothing_was_seen_closed() -> None:
    suggestion = road_open_share(0.0, 1.0, "M4", (0.1, 0.5, 0.9))
    assert (suggestion.score, suggestion.measure) == (0, None)
    assert "no road-status observation covers M4" in suggestion.explanation


def test_a_road_closed_all_period_scores_0_with_a_measure() -> None:
    suggestion = road_open_share(0.0, 0.0, "M4", (0.1, 0.5, 0.9))
    assert (suggestion.score, suggestion.measure) == (0, 0.0)
    assert "below 10% scores 0" in suggestion.explanation


@pytest.mark.parametrize(
    ("sightings", "sites", "score"),
    [
        (0, 0, 3),
        (1, 0, 2),
        (1, 1, 2),  # exactly 2 against
        (2, 1, 1),
        (3, 2, 1),  # exactly 5 against
        (6, 0, 0),
    ],
)
def test_heavy_weapons_scores_3_for_none_and_lower_as_the_evidence_against_grows(
    sightings: int, sites: int, score: int
) -> None:
    suggestion = heavy_weapons(sightings, sites, True, COUNTS)
    assert suggestion.score == score
    assert suggestion.measure == sightings + sites


def test_heavy_weapons_with_nothing_watched_is_no_evidence_not_full_compliance() -> None:
    suggestion = heavy_weapons(0, 0, False, COUNTS)
    assert (suggestion.score, suggestion.measure) == (0, None)
    assert "no evidence" in suggestion.explanation


def test_a_sighting_counts_even_when_nothing_else_was_watched() -> None:
    assert heavy_weapons(1, 0, False, COUNTS).score == 2


@pytest.mark.parametrize(
    ("violations", "weeks", "score"),
    [
        (0, 1.0, 3),
        (2, 4.0, 3),  # 0.5 a week, exactly the first threshold
        (3, 4.0, 2),
        (2, 1.0, 2),
        (9, 31 / 7, 1),  # a 31-day month: 2.03 a week
        (5, 1.0, 1),
        (6, 1.0, 0),
    ],
)
def test_violations_per_week_compares_the_weekly_rate_with_the_thresholds(
    violations: int, weeks: float, score: int
) -> None:
    suggestion = violations_per_week(violations, weeks, True, RATES)
    assert suggestion.score == score
    assert suggestion.measure == round(violations / weeks, 4)


def test_a_quiet_period_nobody_watched_is_no_evidence() -> None:
    suggestion = violations_per_week(0, 1.0, False, RATES)
    assert (suggestion.score, suggestion.measure) == (0, None)
    assert "nothing was recorded in the period" in suggestion.explanation


def test_the_explanation_names_the_threshold_the_score_came_from() -> None:
    assert "at most 2 a week scores 2 (intermediate)" in (
        violations_per_week(3, 2.0, True, RATES).explanation
    )
    assert "at least 50% scores 2 (intermediate)" in patrol_completion(4, 3, SHARES).explanation
    assert "above 5 scores 0 (not initiated)" in heavy_weapons(6, 0, True, COUNTS).explanation


def test_the_evidence_given_is_kept_with_the_suggestion() -> None:
    item = EvidenceItem("pat_1", EvidenceKind.PATROL, "Joint patrol no. 1", "/patrols/pat_1")
    assert patrol_completion(1, 1, SHARES, [item]).evidence == (item,)


@pytest.mark.parametrize(
    ("measure", "higher", "lower"),
    [(-1.0, 0, 3), (0.0, 1, 3), (0.5, 1, 2), (1.0, 2, 2), (1.5, 2, 1), (2.0, 3, 1), (9.0, 3, 0)],
)
def test_both_directions_of_the_scale_at_and_between_thresholds(
    measure: float, higher: int, lower: int
) -> None:
    thresholds = (0.0, 1.0, 2.0)
    assert score_at_least(measure, thresholds) == higher
    assert score_at_most(measure, thresholds) == lower


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (AssessmentRule(RuleKind.HEAVY_WEAPONS, (0, 2, 2)), "must rise strictly"),
        (AssessmentRule(RuleKind.HEAVY_WEAPONS, (3, 2, 1)), "must rise strictly"),
        (AssessmentRule(RuleKind.PATROL_COMPLETION, (0.5, 0.9, 1.5)), "a share runs from 0 to 1"),
        (AssessmentRule(RuleKind.VIOLATIONS_PER_WEEK, (-1, 2, 5)), "not a number of 0 or more"),
        (AssessmentRule(RuleKind.ROAD_OPEN_SHARE, (0.1, 0.5, 0.9)), "names its route"),
        (AssessmentRule(RuleKind.VIOLATIONS_PER_WEEK, (1, 2, 3), route="m4"), "takes no route"),
        (
            AssessmentRule(RuleKind.PATROL_COMPLETION, (0.1, 0.5, 0.9), zones=("a",)),
            "only a heavy_weapons rule takes zones",
        ),
        (
            AssessmentRule(RuleKind.VIOLATIONS_PER_WEEK, (1, 2, 3), observations=True),
            "only a heavy_weapons rule counts observations",
        ),
    ],
)
def test_an_unusable_rule_is_named_with_its_problem(rule: AssessmentRule, problem: str) -> None:
    problems = rule_problems(rule)
    assert len(problems) == 1
    assert problem in problems[0][1]


def test_a_sound_rule_has_no_problem_and_survives_storage() -> None:
    rule = AssessmentRule(RuleKind.HEAVY_WEAPONS, (0.0, 2.0, 5.0), zones=("z",), observations=True)
    assert rule_problems(rule) == []
    assert rule_from_dict(rule_to_dict(rule)) == rule
