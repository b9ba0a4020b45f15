"""The patrol services on a real database: a full cycle by both sides, the rules, the log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.incident_support import Cast, Clock, Officer, add_officer, cast, make_app, report_data
from tests.patrol_support import plan_data, route_points
from truceline.bootstrap import App
from truceline.domain.accounts import Role
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.ledger import parse_leaf
from truceline.domain.patrol_stats import MonthStats
from truceline.domain.patrols import PatrolState
from truceline.services import incidents, patrols
from truceline.services.authorship import PrepareOnly
from truceline.services.field_store import FieldFilter, FieldKind
from truceline.services.ledger import entries_page, history
from truceline.services.patrol_queries import (
    get_patrol,
    list_patrols,
    patrol_stats,
    patrol_view,
    patrols_of_incident,
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database_url: str, tmp_path: Path, example_pack: Path, clock: Clock) -> Iterator[App]:
    application = make_app(database_url, tmp_path, example_pack, clock)
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def people(app: App) -> Cast:
    return cast(app)


def agreement(app: App) -> Agreement:
    return app.geography().agreement


def log_size(app: App) -> int:
    return entries_page(app.uow(), 0, 1).size


def plan(app: App, officer: Officer, **changes: Any) -> patrols.Patrol:
    return patrols.plan_patrol(
        app.uow(),
        officer.actor,
        officer.signing,
        agreement(app),
        plan_data(**changes),
        app.now(),
        now=app.now,
    )


def act(app: App, command: Any, officer: Officer, patrol_id: str, *args: Any, **kw: Any) -> Any:
    return command(
        app.uow(),
        officer.actor,
        officer.signing,
        kw.pop("agreement", None) or agreement(app),
        patrol_id,
        *args,
        app.now(),
        now=app.now,
    )


def test_both_sides_run_a_patrol_from_plan_to_completion_each_step_logged(
    app: App, people: Cast, clock: Clock
) -> None:
    before = log_size(app)
    planned = plan(app, people.tr)
    assert planned.number == 1
    assert planned.state is PatrolState.PLANNED
    assert (planned.lead_party, planned.route) == ("tr", "patrol-trumba-ain-al-havr")
    assert planned.planned_by == people.tr.actor.user_id
    assert planned.awaiting_acknowledgement == ("ru",)
    clock.advance(hours=1)
    act(app, patrols.acknowledge_patrol, people.ru, planned.id)
    clock.advance(hours=1)
    started = act(app, patrols.start_patrol, people.ru, planned.id)
    assert started.state is PatrolState.UNDER_WAY
    clock.advance(minutes=20)
    act(app, patrols.reach_checkpoint, people.tr, planned.id, 10)
    geo = app.geography()
    act(app, patrols.record_track, people.ru, planned.id, route_points(geo, [0, 5, 10, 20, 30]))
    clock.advance(minutes=40)
    act(app, patrols.reach_checkpoint, people.ru, planned.id, 20.0)
    clock.advance(minutes=30)
    done = act(app, patrols.end_patrol, people.tr, planned.id, {"outcome": "completed"})
    assert done.state is PatrolState.COMPLETED
    assert done.covered_km == 30.0
    assert log_size(app) == before + 7

    names = [parse_leaf(e.leaf).body["name"] for e in history(app.uow(), planned.id)]
    assert names == [
        "patrol.planned",
        "patrol.acknowledged",
        "patrol.started",
        "patrol.checkpoint_reached",
        "patrol.track_recorded",
        "patrol.checkpoint_reached",
        "patrol.ended",
    ]
    first = parse_leaf(history(app.uow(), planned.id)[0].leaf).body
    assert first["data"] == {**plan_data(), "id": planned.id}
    assert first["actor"] == people.tr.actor.user_id
    view = patrol_view(app.uow(), geo, planned.id)
    assert view.patrol == done
    assert [s.action for s in view.steps] == [n.removeprefix("patrol.") for n in names]
    assert [s.party for s in view.steps] == ["tr", "ru", "ru", "tr", "ru", "ru", "tr"]
    assert all(s.ledger_seq is not None for s in view.steps)
    assert view.steps[-1].data == {"outcome": "completed", "at_km": None, "reason": ""}
    assert view.deviation is not None
    assert view.deviation.max_m < 1.0
    assert view.deviation.km_reached == pytest.approx(30.0, abs=0.01)
    assert geo.frame.to_metric(view.segment).length == pytest.approx(30_000, abs=1)
    with app.uow() as uow:
        [record] = uow.field.find(FieldFilter("idlib-m4", FieldKind.PATROL, state="completed"))
    assert (record.id, record.number, record.party, record.zone) == (planned.id, 1, "tr", None)
    assert record.day == date(2020, 4, 1)


def test_patrols_are_numbered_in_sequence(app: App, people: Cast) -> None:
    numbers = [plan(app, officer).number for officer in (people.tr, people.ru, people.tr)]
    assert numbers == [1, 2, 3]
    assert [p.number for p in list_patrols(app.uow(), "idlib-m4")] == [1, 2, 3]


def test_no_start_without_the_other_side_s_acknowledgement_and_nothing_is_written(
    app: App, people: Cast
) -> None:
    planned = plan(app, people.tr)
    before = log_size(app)
    with pytest.raises(InputError) as caught:
        act(app, patrols.start_patrol, people.tr, planned.id)
    assert caught.value.field == "patrol"
    assert "ru" in caught.value.reason
    assert log_size(app) == before
    assert get_patrol(app.uow(), "idlib-m4", planned.id).state is PatrolState.PLANNED


def test_where_the_agreement_allows_it_a_patrol_starts_unacknowledged(
    app: App, people: Cast
) -> None:
    planned = plan(app, people.tr)
    lenient = agreement(app)
    lenient = replace(
        lenient, mechanism=replace(lenient.mechanism, patrol_start_unacknowledged=True)
    )
    started = act(app, patrols.start_patrol, people.tr, planned.id, agreement=lenient)
    assert started.state is PatrolState.UNDER_WAY
    with pytest.raises(InputError):
        act(app, patrols.acknowledge_patrol, people.ru, planned.id)


def test_a_curtailed_and_an_aborted_patrol_in_the_monthly_statistics(
    app: App, people: Cast
) -> None:
    first = plan(app, people.tr, day="2020-03-20")
    second = plan(app, people.ru, day="2020-03-27", to_km=40)
    third = plan(app, people.tr, day="2020-04-01")
    for patrol, other in ((first, people.ru), (second, people.tr)):
        act(app, patrols.acknowledge_patrol, other, patrol.id)
        act(app, patrols.start_patrol, other, patrol.id)
    with pytest.raises(InputError) as caught:
        act(app, patrols.end_patrol, people.tr, first.id, {"outcome": "curtailed", "at_km": 12.5})
    assert caught.value.field == "reason"
    with pytest.raises(InputError) as caught:
        act(
            app,
            patrols.end_patrol,
            people.tr,
            first.id,
            {"outcome": "curtailed", "at_km": 31, "reason": "Road blocked"},
        )
    assert caught.value.field == "at_km"
    curtailed = act(
        app,
        patrols.end_patrol,
        people.tr,
        first.id,
        {"outcome": "curtailed", "at_km": 12.5, "reason": "Road blocked by a crowd"},
    )
    assert (curtailed.state, curtailed.stopped_at_km) == (PatrolState.CURTAILED, 12.5)
    aborted = act(
        app,
        patrols.end_patrol,
        people.ru,
        second.id,
        {"outcome": "aborted", "reason": "An IED went off beside the lead vehicle"},
    )
    assert aborted.state is PatrolState.ABORTED
    assert patrol_stats(app.uow(), "idlib-m4") == [
        MonthStats(date(2020, 3, 1), 2, 0, 1, 1, 70.0, 12.5),
        MonthStats(date(2020, 4, 1), 1, 0, 0, 0, 30.0, 0.0),
    ]
    in_april = patrol_stats(app.uow(), "idlib-m4", day_from=date(2020, 4, 1))
    assert [s.planned for s in in_april] == [1]
    listed = list_patrols(app.uow(), "idlib-m4", day_to=date(2020, 3, 31))
    assert [p.id for p in listed] == [first.id, second.id]
    assert third.id not in [p.id for p in listed]


def test_incidents_on_the_way_are_linked_to_the_patrol(app: App, people: Cast) -> None:
    planned = plan(app, people.tr)
    act(app, patrols.acknowledge_patrol, people.ru, planned.id)
    act(app, patrols.start_patrol, people.tr, planned.id)
    reported = incidents.report_incident(
        app.uow(),
        people.tr.actor,
        people.tr.signing,
        app.enricher(),
        report_data(monitoring="patrol_attack", notes="IED beside the joint patrol"),
        app.now(),
        now=app.now,
    )
    incident_id = reported.record.incident.id
    linked = act(app, patrols.link_incident, people.ru, planned.id, incident_id)
    assert linked.incidents == (incident_id,)
    assert [p.id for p in patrols_of_incident(app.uow(), "idlib-m4", incident_id)] == [planned.id]
    with pytest.raises(NotFoundError):
        act(app, patrols.link_incident, people.ru, planned.id, "inc_nowhere")
    with pytest.raises(InputError) as caught:
        act(app, patrols.link_incident, people.tr, planned.id, incident_id)
    assert caught.value.field == "incident_id"


def test_each_action_follows_the_permission_matrix(app: App, people: Cast) -> None:
    with pytest.raises(PermissionDenied):
        plan(app, people.analyst)
    with pytest.raises(PermissionDenied):
        plan(app, people.tr_ao)
    planned = plan(app, people.tr)
    with pytest.raises(PermissionDenied):
        act(app, patrols.acknowledge_patrol, people.ru_ao, planned.id)
    with pytest.raises(InputError) as caught:
        act(app, patrols.acknowledge_patrol, people.tr, planned.id)
    assert caught.value.field == "party"
    act(app, patrols.acknowledge_patrol, people.ru, planned.id)
    outsider = add_officer(app, "gov-officer", Role.ZONE_OFFICER, "sy-gov")
    with pytest.raises(PermissionDenied):
        act(app, patrols.start_patrol, outsider, planned.id)
    with pytest.raises(PermissionDenied):
        act(app, patrols.start_patrol, people.monitor, planned.id)


def test_a_bad_plan_is_refused_naming_the_field(app: App, people: Cast) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"to_km": 75}, "to_km"),
        ({"checkpoints": [35]}, "checkpoints[0]"),
        ({"contingents": [{"party": "tr", "units": ["A"], "vehicles": 2}]}, "contingents"),
        ({"day": "1 April"}, "day"),
    ]
    before = log_size(app)
    for changes, field in cases:
        with pytest.raises(InputError) as caught:
            plan(app, people.tr, **changes)
        assert caught.value.field == field
    with pytest.raises(InputError) as caught:
        plan(app, people.ru, contingents=plan_data()["contingents"][:1] * 2)
    assert log_size(app) == before
    assert list_patrols(app.uow(), "idlib-m4") == []


def test_an_agreement_without_a_patrol_route_has_no_patrols(app: App, people: Cast) -> None:
    bare = agreement(app)
    bare = replace(bare, mechanism=replace(bare.mechanism, patrol_route=None))
    with pytest.raises(InputError) as caught:
        patrols.plan_patrol(
            app.uow(), people.tr.actor, people.tr.signing, bare, plan_data(), app.now()
        )
    assert caught.value.field == "route"


def test_a_patrol_id_is_used_once(app: App, people: Cast) -> None:
    plan(app, people.tr, id="pat_first")
    with pytest.raises(ConflictError):
        plan(app, people.ru, id="pat_first")


def test_preparing_a_change_checks_it_and_writes_nothing(app: App, people: Cast) -> None:
    before = log_size(app)
    signing = PrepareOnly()
    prepared = patrols.plan_patrol(
        app.uow(), people.tr.actor, signing, agreement(app), plan_data(), app.now(), now=app.now
    )
    assert signing.prepared is not None
    assert signing.prepared.name == "patrol.planned"
    assert signing.prepared.data["id"] == prepared.id
    assert log_size(app) == before
    assert list_patrols(app.uow(), "idlib-m4") == []
    with pytest.raises(NotFoundError):
        get_patrol(app.uow(), "idlib-m4", prepared.id)
