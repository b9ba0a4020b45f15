"""Patrols as JSON: what is signed and stored reads back the same, and bad data names its field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.patrol_support import START, a_patrol, at, plan_data
from truceline.domain.errors import InputError
from truceline.domain.patrol_records import (
    end_from_dict,
    end_to_dict,
    patrol_from_dict,
    patrol_to_dict,
    plan_from_dict,
    plan_to_dict,
    points_from_list,
    points_to_list,
)
from truceline.domain.patrols import (
    Outcome,
    TrackPoint,
    acknowledge,
    add_track,
    end,
    link_incident,
    reach_checkpoint,
    start,
)


def test_a_plan_read_and_written_again_is_the_same_data() -> None:
    plan = plan_from_dict(plan_data(id="pat_x1", start_time="09:00:00"))
    data = plan_to_dict(plan)
    assert data["start_time"] == "09:00"
    assert data["from_km"] == 0.0
    assert data["contingents"][1] == {
        "party": "ru",
        "units": ["Military police platoon 2"],
        "vehicles": 3,
    }
    assert plan_to_dict(plan_from_dict(data)) == data


def test_a_plan_without_an_id_gets_a_fresh_one() -> None:
    assert plan_from_dict(plan_data()).id.startswith("pat_")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day": "2020-13-01"}, "day"),
        ({"day": None}, "day"),
        ({"start_time": "25:00"}, "start_time"),
        ({"start_time": "09:00+03:00"}, "start_time"),
        ({"from_km": "3"}, "from_km"),
        ({"to_km": True}, "to_km"),
        ({"checkpoints": [10, "x"]}, "checkpoints[1]"),
        ({"contingents": [{"party": "tr", "units": "A", "vehicles": 1}]}, "contingents[0].units"),
        (
            {"contingents": [{"party": "tr", "units": ["A"], "vehicles": 1.5}]},
            "contingents[0].vehicles",
        ),
        ({"contingents": [{"party": "tr", "units": ["A"], "tanks": 1}]}, "contingents[0].tanks"),
        ({"contingents": "tr"}, "contingents"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_plan_data_is_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        plan_from_dict(plan_data(**changes))
    assert caught.value.field == field


def test_an_end_states_its_outcome_km_and_reason() -> None:
    assert end_from_dict({"outcome": "curtailed", "at_km": 12, "reason": "Crowd"}) == (
        Outcome.CURTAILED,
        12.0,
        "Crowd",
    )
    data = end_to_dict(Outcome.COMPLETED, None, "")
    assert end_from_dict(data) == (Outcome.COMPLETED, None, "")
    with pytest.raises(InputError) as caught:
        end_from_dict({"outcome": "finished"})
    assert caught.value.field == "outcome"


def test_track_points_keep_their_times_in_utc() -> None:
    points = points_from_list(
        [{"lon": 36.7, "lat": 35.86, "at": "2020-03-15T09:00:00+03:00"}, {"lon": 36.6, "lat": 35.8}]
    )
    assert points[0].at == START
    listed = points_to_list(points)
    assert listed == [
        {"lon": 36.7, "lat": 35.86, "at": "2020-03-15T06:00:00Z"},
        {"lon": 36.6, "lat": 35.8},
    ]
    assert points_from_list(listed) == points
    with pytest.raises(InputError) as caught:
        points_from_list([{"lon": 36.7, "lat": 95}])
    assert caught.value.field == "points[0].lat"


def test_a_patrol_stored_and_read_back_is_the_same_patrol() -> None:
    patrol = acknowledge(a_patrol(), "ru", at(-60))
    patrol = start(patrol, START, may_start_unacknowledged=False)
    patrol = reach_checkpoint(patrol, 10.0, at(20))
    patrol = add_track(patrol, [TrackPoint(36.7, 35.86, at(1)), TrackPoint(36.6, 35.82)])
    patrol = end(patrol, Outcome.CURTAILED, at(60), at_km=12.5, reason="Crowd")
    patrol = link_incident(patrol, "inc_1")
    assert patrol_from_dict(patrol_to_dict(patrol)) == patrol
    planned = a_patrol()
    assert patrol_from_dict(patrol_to_dict(planned)) == planned
