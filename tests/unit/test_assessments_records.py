"""The assessment's life: proposal, each guarantor's view once per version, the timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from truceline.domain.assessment_periods import Period, PeriodKind
from truceline.domain.assessment_records import (
    Assessment,
    AssessmentState,
    Stance,
    assessment_from_dict,
    assessment_to_dict,
    propose,
    respond,
    supersede,
    timeline,
)
from truceline.domain.assessments import EvidenceItem, EvidenceKind, patrol_completion
from truceline.domain.errors import ConflictError, InputError, PermissionDenied

AT = datetime(2020, 4, 1, 9, 0, tzinfo=UTC)
WEEK = Period(PeriodKind.WEEK, date(2020, 3, 16))
ITEM = EvidenceItem("pat_1", EvidenceKind.PATROL, "Joint patrol no. 1", "/patrols/pat_1")
SUGGESTION = patrol_completion(4, 3, (0.25, 0.5, 0.9), [ITEM])  # 75%: 2


def proposal(**changes: Any) -> Assessment:
    values: dict[str, Any] = {
        "version": 1,
        "score": 2,
        "suggestion": SUGGESTION,
        "note": "",
        "by": "usr_ig",
        "party": "tr",
        "at": AT,
        "responders": ("ru", "tr"),
    }
    values.update(changes)
    return propose("asm_1", 1, "moscow-3-joint-patrols", WEEK, **values)


def view(
    assessment: Assessment,
    party: str,
    stance: Stance = Stance.CONFIRMS,
    reason: str = "",
    score: int | None = None,
) -> Assessment:
    return respond(
        assessment, party=party, stance=stance, reason=reason, score=score, by=f"usr_{party}", at=AT
    )


def test_a_proposal_starts_suggested_awaiting_both_guarantors() -> None:
    assessment = proposal()
    assert assessment.state is AssessmentState.SUGGESTED
    assert assessment.awaiting == ("ru", "tr")


def test_one_confirmation_then_the_other_makes_it_confirmed_by_both() -> None:
    once = view(proposal(), "tr")
    assert once.state is AssessmentState.CONFIRMED_BY_ONE
    assert once.awaiting == ("ru",)
    both = view(once, "ru")
    assert both.state is AssessmentState.CONFIRMED_BY_BOTH
    assert both.awaiting == ()


def test_a_disagreement_needs_a_reason_and_the_partys_own_score() -> None:
    with pytest.raises(InputError) as caught:
        view(proposal(), "ru", Stance.DISAGREES, reason="  ", score=1)
    assert caught.value.field == "reason"
    with pytest.raises(InputError) as caught:
        view(proposal(), "ru", Stance.DISAGREES, reason="two patrols were cut short")
    assert caught.value.field == "score"
    with pytest.raises(InputError) as caught:
        view(proposal(), "ru", Stance.DISAGREES, reason="why", score=4)
    assert caught.value.field == "score"


def test_a_disagreement_disputes_it_and_both_views_are_kept() -> None:
    disputed = view(view(proposal(), "tr"), "ru", Stance.DISAGREES, "two were curtailed", 1)
    assert disputed.state is AssessmentState.DISPUTED
    tr, ru = disputed.views
    assert (tr.party, tr.stance, tr.score) == ("tr", Stance.CONFIRMS, None)
    assert (ru.party, ru.stance, ru.score, ru.reason) == (
        "ru",
        Stance.DISAGREES,
        1,
        "two were curtailed",
    )


def test_a_disagreement_before_any_confirmation_disputes_it_too() -> None:
    assert view(proposal(), "ru", Stance.DISAGREES, "why", 0).state is AssessmentState.DISPUTED


def test_each_party_gives_its_view_once_per_version() -> None:
    once = view(proposal(), "tr")
    with pytest.raises(ConflictError, match="already confirms"):
        view(once, "tr")
    with pytest.raises(ConflictError, match="already confirms"):
        view(once, "tr", Stance.DISAGREES, "changed our mind", 1)


def test_only_the_responders_give_views() -> None:
    with pytest.raises(PermissionDenied, match="'sy-gov' is not among"):
        view(proposal(), "sy-gov")


def test_a_confirmation_cannot_carry_another_score() -> None:
    with pytest.raises(InputError) as caught:
        view(proposal(), "tr", score=3)
    assert caught.value.field == "score"
    assert view(proposal(), "tr", score=2).views[0].score is None


def test_a_superseded_version_takes_no_more_views_but_keeps_its_own() -> None:
    old = supersede(view(proposal(), "tr"), "asm_2")
    assert old.state is AssessmentState.SUPERSEDED
    assert old.views[0].party == "tr"
    with pytest.raises(ConflictError, match="superseded by asm_2"):
        view(old, "ru")
    with pytest.raises(ConflictError):
        supersede(old, "asm_3")


def test_a_score_other_than_the_suggestion_needs_a_note() -> None:
    with pytest.raises(InputError) as caught:
        proposal(score=3)
    assert caught.value.field == "note"
    assert "suggestion (2)" in caught.value.reason
    assert proposal(score=3, note="two more patrols ran unplanned").score == 3


def test_a_provision_without_a_rule_is_scored_by_hand_with_a_note() -> None:
    with pytest.raises(InputError) as caught:
        proposal(suggestion=None, score=1)
    assert caught.value.field == "note"
    assert proposal(suggestion=None, score=1, note="posts resupplied twice").suggestion is None


def test_a_proposal_refuses_a_score_off_the_scale_and_a_bad_id() -> None:
    with pytest.raises(InputError) as caught:
        proposal(score=5, note="x")
    assert caught.value.field == "score"
    with pytest.raises(InputError) as caught:
        propose("x_1", 1, "p", WEEK, **{**_base(), "score": 2, "suggestion": SUGGESTION})
    assert caught.value.field == "id"


def _base() -> dict[str, Any]:
    return {"version": 1, "note": "", "by": "u", "party": "tr", "at": AT, "responders": ("ru",)}


def test_an_assessment_survives_its_json_form_whole() -> None:
    disputed = view(view(proposal(), "tr"), "ru", Stance.DISAGREES, "two were curtailed", 1)
    assert assessment_from_dict(assessment_to_dict(disputed)) == disputed
    hand = supersede(proposal(suggestion=None, score=1, note="by hand"), "asm_2")
    assert assessment_from_dict(assessment_to_dict(hand)) == hand


def test_the_timeline_has_one_point_per_period_with_the_current_version() -> None:
    following = WEEK.following()
    old = supersede(proposal(), "asm_2")
    new = propose(
        "asm_2",
        2,
        "moscow-3-joint-patrols",
        WEEK,
        **{**_base(), "version": 2, "score": 1, "suggestion": None, "note": "re-counted"},
    )
    new = view(new, "ru", Stance.DISAGREES, "all were completed", 3)
    points = timeline([old, new], [WEEK.preceding(), WEEK, following])
    assert [p.period for p in points] == [WEEK.preceding(), WEEK, following]
    assert [p.score for p in points] == [None, 1, None]
    assert points[1].assessment_id == "asm_2"
    assert points[1].state is AssessmentState.DISPUTED
    assert points[1].disagreements == (("ru", 3),)
