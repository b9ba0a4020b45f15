"""The life of a joint patrol: notice and acknowledgement, start, checkpoints, track, end."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.patrol_support import START, a_patrol, at
from truceline.domain.errors import InputError
from truceline.domain.patrol_plans import PatrolPlan, check_plan
from truceline.domain.patrols import (
    Contingent,
    Outcome,
    Patrol,
    PatrolState,
    TrackPoint,
    acknowledge,
    add_track,
    end,
    link_incident,
    reach_checkpoint,
    start,
)

GUARANTORS = ("ru", "tr")
KM_RANGE = (0.0, 60.856)


def acknowledged() -> Patrol:
    return acknowledge(a_patrol(), "ru", at(-60))


def under_way() -> Patrol:
    return start(acknowledged(), START, may_start_unacknowledged=False)


def refused(field: str, call: object, *args: object, **kwargs: object) -> str:
    assert callable(call)
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    assert caught.value.field == field, caught.value
    return caught.value.reason


def a_plan(**changes: object) -> PatrolPlan:
    plan = PatrolPlan(
        id="pat_plan1",
        day=START.date(),
        start_time=START.time(),
        from_km=0.0,
        to_km=30.0,
        contingents=(Contingent("tr", ("Company A",), 4), Contingent("ru", ("Platoon 2",), 3)),
        checkpoints=(10.0, 20.0),
    )
    return replace(plan, **changes)  # type: ignore[arg-type]


# --- the plan ----------------------------------------------------------------------------


def test_a_plan_inside_the_route_with_both_guarantors_passes_the_checks() -> None:
    check_plan(a_plan(), km_range=KM_RANGE, guarantors=GUARANTORS, lead="tr")
    westward_back = a_plan(from_km=40.0, to_km=5.0, checkpoints=(30.0, 10.0))
    check_plan(westward_back, km_range=KM_RANGE, guarantors=GUARANTORS, lead="ru")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"to_km": 61.0}, "to_km"),
        ({"from_km": -1.0}, "from_km"),
        ({"to_km": 0.0}, "to_km"),
        ({"to_km": float("nan")}, "to_km"),
        ({"checkpoints": (20.0, 10.0)}, "checkpoints[1]"),
        ({"checkpoints": (10.0, 10.0)}, "checkpoints[1]"),
        ({"checkpoints": (35.0,)}, "checkpoints[0]"),
        ({"contingents": (Contingent("tr", ("A",), 1),)}, "contingents"),
        (
            {"contingents": (Contingent("tr", ("A",), 1), Contingent("sy-gov", ("B",), 1))},
            "contingents[1].party",
        ),
        (
            {"contingents": (Contingent("tr", ("A",), 1), Contingent("tr", ("B",), 1))},
            "contingents[1].party",
        ),
        (
            {"contingents": (Contingent("tr", (), 1), Contingent("ru", ("B",), 1))},
            "contingents[0].units",
        ),
        (
            {"contingents": (Contingent("tr", ("A",), -1), Contingent("ru", ("B",), 1))},
            "contingents[0].vehicles",
        ),
        ({"id": "patrol-1"}, "id"),
    ],
)
def test_a_plan_that_breaks_a_rule_is_refused_naming_the_field(
    changes: dict[str, object], field: str
) -> None:
    refused(
        field, check_plan, a_plan(**changes), km_range=KM_RANGE, guarantors=GUARANTORS, lead="tr"
    )


def test_the_planner_s_party_must_take_part() -> None:
    reason = refused(
        "contingents", check_plan, a_plan(), km_range=KM_RANGE, guarantors=GUARANTORS, lead="xx"
    )
    assert "takes no part" in reason


# --- notice and acknowledgement ----------------------------------------------------------


def test_a_new_patrol_is_planned_and_awaits_the_other_side() -> None:
    patrol = a_patrol()
    assert patrol.state is PatrolState.PLANNED
    assert patrol.awaiting_acknowledgement == ("ru",)
    assert patrol.planned_km == 30.0
    assert patrol.covered_km == 0.0


def test_the_other_side_acknowledges_once_and_the_patrol_is_acknowledged() -> None:
    patrol = acknowledged()
    assert patrol.state is PatrolState.ACKNOWLEDGED
    assert patrol.awaiting_acknowledgement == ()
    assert patrol.acknowledgements == (("ru", at(-60)),)
    assert "already" in refused("party", acknowledge, patrol, "ru", at(-30))


def test_the_lead_and_a_party_taking_no_part_cannot_acknowledge() -> None:
    assert "gave the notice" in refused("party", acknowledge, a_patrol(), "tr", at(-60))
    assert "no part" in refused("party", acknowledge, a_patrol(), "sy-gov", at(-60))


def test_with_three_parties_the_patrol_is_acknowledged_only_when_both_others_have() -> None:
    third = (*a_patrol().contingents, Contingent("ir", ("Liaison team",), 1))
    patrol = acknowledge(a_patrol(contingents=third), "ru", at(-60))
    assert patrol.state is PatrolState.PLANNED
    assert patrol.awaiting_acknowledgement == ("ir",)
    assert acknowledge(patrol, "ir", at(-50)).state is PatrolState.ACKNOWLEDGED


def test_no_acknowledgement_once_under_way() -> None:
    patrol = start(a_patrol(), START, may_start_unacknowledged=True)
    assert "under way" in refused("patrol", acknowledge, patrol, "ru", at(1))


# --- start -------------------------------------------------------------------------------


def test_no_start_without_acknowledgement_where_the_agreement_requires_it() -> None:
    reason = refused("patrol", start, a_patrol(), START, may_start_unacknowledged=False)
    assert "ru" in reason
    assert "acknowledged" in reason


def test_a_patrol_may_start_unacknowledged_where_the_agreement_allows_it() -> None:
    patrol = start(a_patrol(), START, may_start_unacknowledged=True)
    assert patrol.state is PatrolState.UNDER_WAY
    assert patrol.awaiting_acknowledgement == ("ru",)


def test_an_acknowledged_patrol_starts_once() -> None:
    patrol = under_way()
    assert patrol.state is PatrolState.UNDER_WAY
    assert patrol.started_at == START
    assert "already" in refused("patrol", start, patrol, at(5), may_start_unacknowledged=False)


# --- checkpoints -------------------------------------------------------------------------


def test_checkpoints_are_reached_in_order_while_under_way() -> None:
    patrol = reach_checkpoint(under_way(), 10.0, at(20))
    patrol = reach_checkpoint(patrol, 20.0, at(40))
    assert patrol.reached == ((10.0, at(20)), (20.0, at(40)))
    assert patrol.covered_km == 20.0


def test_a_checkpoint_can_be_passed_over_but_not_gone_back_to_or_repeated() -> None:
    patrol = reach_checkpoint(under_way(), 20.0, at(40))
    assert "comes before" in refused("km", reach_checkpoint, patrol, 10.0, at(50))
    assert "already" in refused("km", reach_checkpoint, patrol, 20.0, at(50))


def test_only_a_planned_checkpoint_can_be_reached() -> None:
    assert "not a checkpoint" in refused("km", reach_checkpoint, under_way(), 15.0, at(30))


def test_no_checkpoint_before_the_start_after_the_end_or_timed_before_the_start() -> None:
    assert "not started" in refused("patrol", reach_checkpoint, acknowledged(), 10.0, at(20))
    done = end(under_way(), Outcome.COMPLETED, at(90))
    assert "has ended" in refused("patrol", reach_checkpoint, done, 10.0, at(100))
    refused("at", reach_checkpoint, under_way(), 10.0, at(-1))


# --- the end -----------------------------------------------------------------------------


def test_a_completed_patrol_needs_no_km_and_covered_the_whole_segment() -> None:
    patrol = end(under_way(), Outcome.COMPLETED, at(90))
    assert patrol.state is PatrolState.COMPLETED
    assert patrol.ended_at == at(90)
    assert patrol.stopped_at_km is None
    assert patrol.covered_km == 30.0


def test_no_completion_beyond_the_planned_segment() -> None:
    reason = refused("at_km", end, under_way(), Outcome.COMPLETED, at(90), at_km=35.0)
    assert "planned end" in reason
    done = end(under_way(), Outcome.COMPLETED, at(90), at_km=30.0)
    assert done.covered_km == 30.0


@pytest.mark.parametrize("km", [30.0, 31.0, 0.0, -2.0])
def test_a_curtailment_at_the_end_of_the_segment_or_beyond_it_is_refused(km: float) -> None:
    reason = refused(
        "at_km", end, under_way(), Outcome.CURTAILED, at(60), at_km=km, reason="Road blocked"
    )
    assert "not inside the planned segment" in reason


def test_curtailment_needs_a_km_and_a_reason() -> None:
    refused("at_km", end, under_way(), Outcome.CURTAILED, at(60), reason="Road blocked")
    refused("reason", end, under_way(), Outcome.CURTAILED, at(60), at_km=12.0, reason="   ")


def test_a_curtailed_patrol_covered_the_segment_up_to_where_it_stopped() -> None:
    patrol = reach_checkpoint(under_way(), 10.0, at(20))
    patrol = end(patrol, Outcome.CURTAILED, at(60), at_km=12.5, reason=" Crowd on the road ")
    assert patrol.state is PatrolState.CURTAILED
    assert patrol.stopped_at_km == 12.5
    assert patrol.reason == "Crowd on the road"
    assert patrol.covered_km == 12.5


def test_a_patrol_is_not_curtailed_before_a_checkpoint_it_reached() -> None:
    patrol = reach_checkpoint(under_way(), 20.0, at(40))
    reason = refused("at_km", end, patrol, Outcome.CURTAILED, at(60), at_km=15.0, reason="x")
    assert "checkpoint" in reason


def test_an_eastward_patrol_is_curtailed_inside_its_segment_too() -> None:
    patrol = under_way()
    back = replace(patrol, from_km=30.0, to_km=0.0, checkpoints=(20.0, 10.0))
    stopped = end(back, Outcome.CURTAILED, at(60), at_km=25.0, reason="Mines")
    assert stopped.covered_km == 5.0
    refused("at_km", end, back, Outcome.CURTAILED, at(60), at_km=31.0, reason="Mines")


def test_an_abort_needs_a_reason_and_takes_no_km() -> None:
    refused("reason", end, under_way(), Outcome.ABORTED, at(10))
    refused("at_km", end, under_way(), Outcome.ABORTED, at(10), at_km=3.0, reason="IED")
    aborted = end(under_way(), Outcome.ABORTED, at(10), reason="IED on the road at Nayrab")
    assert aborted.state is PatrolState.ABORTED
    assert aborted.covered_km == 0.0


def test_an_aborted_patrol_covered_the_segment_up_to_the_last_checkpoint_reached() -> None:
    patrol = reach_checkpoint(under_way(), 10.0, at(20))
    aborted = end(patrol, Outcome.ABORTED, at(30), reason="Attacked")
    assert aborted.covered_km == 10.0


def test_only_a_patrol_under_way_ends_and_only_once() -> None:
    assert "not started" in refused("patrol", end, acknowledged(), Outcome.COMPLETED, at(90))
    done = end(under_way(), Outcome.COMPLETED, at(90))
    assert "has ended" in refused("patrol", end, done, Outcome.ABORTED, at(95), reason="x")
    refused("at", end, under_way(), Outcome.COMPLETED, at(-5))


# --- after the end: only track points and incidents ----------------------------------------


def test_after_the_end_track_points_and_incidents_may_still_be_added() -> None:
    done = end(under_way(), Outcome.COMPLETED, at(90))
    tracked = add_track(done, [TrackPoint(36.7, 35.86, at(1)), TrackPoint(36.6, 35.82)])
    assert len(tracked.track) == 2
    linked = link_incident(tracked, "inc_abc")
    assert linked.incidents == ("inc_abc",)
    assert linked.state is PatrolState.COMPLETED
    assert "already linked" in refused("incident_id", link_incident, linked, "inc_abc")
    refused("patrol", acknowledge, linked, "ru", at(100))
    refused("patrol", start, linked, at(100), may_start_unacknowledged=True)


def test_no_track_or_incident_before_the_start() -> None:
    refused("patrol", add_track, acknowledged(), [TrackPoint(36.7, 35.86)])
    refused("patrol", link_incident, acknowledged(), "inc_abc")


@pytest.mark.parametrize(
    ("point", "field"),
    [
        (TrackPoint(181.0, 35.0), "points[1].lon"),
        (TrackPoint(36.0, -91.0), "points[1].lat"),
        (TrackPoint(float("nan"), 35.0), "points[1].lon"),
        (TrackPoint(36.0, 35.0, START.replace(tzinfo=None)), "points[1].at"),
    ],
)
def test_a_bad_track_point_is_refused_naming_it(point: TrackPoint, field: str) -> None:
    refused(field, add_track, under_way(), [TrackPoint(36.7, 35.86), point])


def test_an_empty_track_upload_is_refused() -> None:
    refused("points", add_track, under_way(), [])
