"""Assessments on SQLite and PostgreSQL alike: scores that follow from the evidence recorded
through the services (patrols run, road status observed, incidents verified), then proposed,
confirmed or disputed by each guarantor's authorized officer, and laid out as timelines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.incident_support import (
    Cast,
    Clock,
    Officer,
    add_officer,
    cast,
    make_app,
    report_data,
)
from tests.patrol_support import plan_data
from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Role
from truceline.domain.assessment_periods import Period, PeriodKind
from truceline.domain.assessment_records import Assessment, AssessmentState, Stance
from truceline.domain.assessments import EvidenceKind
from truceline.domain.errors import ConflictError, InputError, PermissionDenied
from truceline.domain.ledger import parse_leaf
from truceline.services import assessments, incidents, observations, patrols, positions
from truceline.services.assessment_queries import (
    AssessmentQuery,
    assessment_view,
    list_assessments,
    timeline,
)
from truceline.services.authorship import PrepareOnly, Signing
from truceline.services.field_location import km_range, route_of
from truceline.services.ledger import entries_page, history

W11 = Period.parse("2020-W11")  # 9 to 15 March 2020
W12 = Period.parse("2020-W12")  # 16 to 22 March 2020
MARCH = Period.parse("2020-03")
PATROLS = "moscow-3-joint-patrols"
CEASEFIRE = "moscow-1-ceasefire"
WEAPONS = "sochi-6-heavy-weapons-out"
ROAD = "sochi-8-m4-m5-transit"
#: A point in the corridor's north half near Ariha, for storage-site checks.
DEPOT = (36.6, 35.82)


@dataclass
class People:
    """The cast of the incident tests, with an information-group member of each side."""

    cast: Cast
    tr_ig: Officer
    ru_ig: Officer


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2020, 3, 14, 12, 0, tzinfo=UTC))


@pytest.fixture
def app(database_url: str, tmp_path: Path, example_pack: Path, clock: Clock) -> Iterator[App]:
    application = make_app(database_url, tmp_path, example_pack, clock)
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def people(app: App) -> People:
    return People(
        cast(app),
        add_officer(app, "tr-ig", Role.INFO_GROUP_MEMBER, "tr"),
        add_officer(app, "ru-ig", Role.INFO_GROUP_MEMBER, "ru"),
    )


# --- recording the evidence through the services ---------------------------------------------


def at(clock: Clock, when: str) -> None:
    clock.now = datetime.fromisoformat(when)


def run_patrols(app: App, people: People, clock: Clock, outcomes: list[str]) -> None:
    """Plan one patrol a day from 16 March (notice on the 14th), then run each to its outcome."""
    agreement = app.geography().agreement
    tr, ru = people.cast.tr, people.cast.ru
    planned = []
    for index in range(len(outcomes)):
        data = plan_data(day=f"2020-03-{16 + index}")
        planned.append(
            patrols.plan_patrol(
                app.uow(), tr.actor, tr.signing, agreement, data, app.now(), now=app.now
            )
        )
        patrols.acknowledge_patrol(
            app.uow(), ru.actor, ru.signing, agreement, planned[-1].id, app.now(), now=app.now
        )
    for index, (patrol, outcome) in enumerate(zip(planned, outcomes, strict=True)):
        at(clock, f"2020-03-{16 + index}T06:00:00+00:00")
        patrols.start_patrol(app.uow(), tr.actor, tr.signing, agreement, patrol.id, app.now())
        clock.advance(hours=3)
        end: dict[str, Any] = {"outcome": outcome}
        if outcome != "completed":
            end |= {"reason": "an IED found on the road"}
        patrols.end_patrol(
            app.uow(), tr.actor, tr.signing, agreement, patrol.id, end, app.now(), now=app.now
        )


def report(app: App, officer: Officer, **changes: Any) -> str:
    done = incidents.report_incident(
        app.uow(),
        officer.actor,
        officer.signing,
        app.enricher(),
        report_data(**changes),
        app.now(),
        now=app.now,
    )
    return done.record.incident.id


def stance(app: App, officer: Officer, incident_id: str, value: str = "confirms") -> None:
    data = {"position": {"stance": value, "held_responsible": None, "evidence": [], "text": ""}}
    positions.record_position(
        app.uow(),
        officer.actor,
        officer.signing,
        app.geography().agreement,
        incident_id,
        data,
        app.now(),
        now=app.now,
    )


def verified(app: App, people: People, **changes: Any) -> str:
    """An incident both guarantors confirm: verified."""
    incident_id = report(app, people.cast.tr, **changes)
    stance(app, people.cast.tr, incident_id)
    stance(app, people.cast.ru, incident_id)
    return incident_id


def observe(app: App, officer: Officer, data: dict[str, Any]) -> str:
    done = observations.record_observation(
        app.uow(), officer.actor, officer.signing, app.geography(), data, app.now(), now=app.now
    )
    return done.record.id


def road(app: App, officer: Officer, status: str, since: str) -> str:
    geo = app.geography()
    _, last = km_range(geo, route_of(geo, "m4", "route"))
    details = {"route": "m4", "from_km": 0, "to_km": last, "status": status, "since": since}
    return observe(
        app, officer, {"subkind": "road_status", "observed_at": since, "details": details}
    )


def storage_check(app: App, officer: Officer, when: str, observed: int) -> str:
    details = {"site": "Ariha depot", "declared": {"tank": 4}, "observed": {"tank": observed}}
    location = {"lon": DEPOT[0], "lat": DEPOT[1]}
    data = {"subkind": "storage_site", "observed_at": when, "location": location}
    return observe(app, officer, data | {"details": details})


SIGHTING = {
    "event_type": "Strategic developments",
    "sub_event_type": "Other",
    "monitoring": "heavy_weapon_sighting",
    "notes": "Two tanks dug in north of the road",
}


@dataclass
class Evidence:
    """The ids of what was recorded in week 12 of 2020."""

    violations: list[str]
    pending_violation: str
    sighting: str
    pending_sighting: str
    roads: list[str]
    depot: str


def record_week_12(app: App, people: People, clock: Clock) -> Evidence:
    """Week 12: 4 patrols (3 completed), the M4 open from Thursday, 3 verified violations and
    a pending one, a verified heavy-weapon sighting and a pending one, a depot short of tanks."""
    run_patrols(app, people, clock, ["completed", "completed", "aborted", "completed"])
    at(clock, "2020-03-23T08:00:00+00:00")
    tr = people.cast.tr
    roads = [
        road(app, tr, "closed", "2020-03-10T00:00:00+02:00"),
        road(app, tr, "open", "2020-03-19T00:00:00+02:00"),
    ]
    violations = [verified(app, people, day=f"2020-03-{d}") for d in (17, 18, 20)]
    pending_violation = report(app, tr, day="2020-03-21")
    sighting = verified(app, people, day="2020-03-18", **SIGHTING)
    pending_sighting = report(app, tr, day="2020-03-19", **SIGHTING)
    depot = storage_check(app, people.cast.monitor, "2020-03-20T09:00:00+00:00", observed=2)
    at(clock, "2020-04-01T09:00:00+00:00")
    return Evidence(violations, pending_violation, sighting, pending_sighting, roads, depot)


@pytest.fixture
def evidence(app: App, people: People, clock: Clock) -> Evidence:
    return record_week_12(app, people, clock)


def suggest(app: App, provision: str, period: Period = W12) -> assessments.Suggestion:
    today = assessments.local_today(app.geography().agreement, app.now())
    return assessments.suggest(app.uow(), app.geography(), provision, period, today=today)


def propose(
    app: App,
    officer: Officer,
    provision: str = PATROLS,
    period: Period = W12,
    signing: Signing | None = None,
    **data: Any,
) -> Assessment:
    return assessments.propose(
        app.uow(),
        officer.actor,
        signing or officer.signing,
        app.geography(),
        {"provision": provision, "period": period.label, **data},
        app.now(),
        now=app.now,
    )


def respond(app: App, officer: Officer, assessment_id: str, **data: Any) -> Assessment:
    return assessments.respond(
        app.uow(),
        officer.actor,
        officer.signing,
        app.geography().agreement,
        assessment_id,
        data,
        app.now(),
        now=app.now,
    )


def log_size(app: App) -> int:
    return entries_page(app.uow(), 0, 1).size


# --- scores from the recorded evidence -------------------------------------------------------


def test_joint_patrols_score_the_share_completed_with_each_patrol_listed(
    app: App, evidence: Evidence
) -> None:
    suggestion = suggest(app, PATROLS)
    assert (suggestion.score, suggestion.measure) == (2, 0.75)
    assert suggestion.explanation.startswith("3 of 4 planned patrols completed (75%)")
    assert [e.kind for e in suggestion.evidence] == [EvidenceKind.PATROL] * 4
    outcomes = [e.text.rsplit(": ", 1)[1] for e in suggestion.evidence]
    assert outcomes == ["completed", "completed", "aborted", "completed"]
    assert all(e.link == f"/patrols/{e.id}" for e in suggestion.evidence)
    # The Sochi provision counts patrols on any route: the same four.
    assert suggest(app, "sochi-7-coordinated-patrols").score == 2


def test_the_m4_open_from_thursday_is_open_four_sevenths_of_week_12(
    app: App, evidence: Evidence
) -> None:
    suggestion = suggest(app, ROAD)
    assert suggestion.measure == round(4 / 7, 4)
    assert suggestion.score == 2
    assert [e.id for e in suggestion.evidence] == evidence.roads
    assert "in force at the start" in suggestion.evidence[0].text
    assert "during the period" in suggestion.evidence[1].text


def test_the_ceasefire_counts_verified_violations_per_week_and_lists_the_pending_one(
    app: App, evidence: Evidence
) -> None:
    suggestion = suggest(app, CEASEFIRE)
    assert (suggestion.score, suggestion.measure) == (1, 3.0)
    counted = [e.id for e in suggestion.evidence if e.counts]
    assert counted == evidence.violations
    [pending] = [e for e in suggestion.evidence if e.kind is EvidenceKind.INCIDENT and not e.counts]
    assert pending.id == evidence.pending_violation
    assert "pending: not counted unless verified" in pending.text
    # Over March: 3 violations in 31/7 weeks.
    assert suggest(app, CEASEFIRE, MARCH).measure == round(3 / (31 / 7), 4)


def test_heavy_weapons_count_the_verified_sighting_and_the_depot_short_of_tanks(
    app: App, evidence: Evidence
) -> None:
    suggestion = suggest(app, WEAPONS)
    assert (suggestion.score, suggestion.measure) == (2, 2.0)
    counted = [e.id for e in suggestion.evidence if e.counts]
    assert counted == [evidence.sighting, evidence.depot]
    assert "tank -2" in suggestion.evidence[1].text
    context = [e.id for e in suggestion.evidence if not e.counts]
    assert evidence.pending_sighting in context


def test_a_depot_checked_again_and_found_complete_is_no_longer_a_discrepancy(
    app: App, people: People, evidence: Evidence, clock: Clock
) -> None:
    storage_check(app, people.cast.monitor, "2020-03-31T09:00:00+00:00", observed=4)
    assert suggest(app, WEAPONS).measure == 2.0  # week 12 still ended with the shortfall
    assert suggest(app, WEAPONS, MARCH).measure == 1.0  # by 31 March it was resolved


def test_a_week_with_nothing_recorded_is_no_evidence_and_scores_0(
    app: App, evidence: Evidence
) -> None:
    for provision in (CEASEFIRE, WEAPONS):
        suggestion = suggest(app, provision, Period.parse("2020-W10"))
        assert (suggestion.score, suggestion.measure, suggestion.evidence) == (0, None, ())
    suggestion = suggest(app, PATROLS, W11)
    assert suggestion.explanation.startswith("no joint patrol was planned in the period")


def test_a_period_before_the_provision_or_not_yet_begun_is_refused(
    app: App, evidence: Evidence
) -> None:
    with pytest.raises(InputError, match="ends before moscow-3-joint-patrols takes effect"):
        suggest(app, PATROLS, Period.parse("2020-W10"))
    with pytest.raises(InputError, match="has not begun"):
        suggest(app, PATROLS, Period.parse("2020-W15"))
    with pytest.raises(InputError, match="declares no assessed_by rule"):
        suggest(app, "sochi-1-de-escalation-area")
    with pytest.raises(InputError) as caught:
        suggest(app, "nothing")
    assert caught.value.field == "provision"


# --- proposing and responding ----------------------------------------------------------------


def test_a_proposal_records_the_suggestion_and_its_evidence_in_one_signed_entry(
    app: App, people: People, evidence: Evidence
) -> None:
    before = log_size(app)
    proposed = propose(app, people.tr_ig)
    assert log_size(app) == before + 1
    assert (proposed.score, proposed.version, proposed.state) == (2, 1, AssessmentState.SUGGESTED)
    assert proposed.suggestion == suggest(app, PATROLS)
    assert proposed.responders == ("ru", "tr")
    [entry] = history(app.uow(), proposed.id)
    body = parse_leaf(entry.leaf).body
    assert (body["name"], body["party"]) == ("assessment.proposed", "tr")
    assert body["data"]["period"] == "2020-W12"
    assert len(body["data"]["suggestion"]["evidence"]) == 4
    view = assessment_view(app.uow(), "idlib-m4", proposed.id)
    assert [(s.action, s.ledger_seq) for s in view.steps] == [("proposed", entry.seq)]


def test_each_authorized_officer_confirms_or_disagrees_and_both_views_are_kept(
    app: App, people: People, evidence: Evidence
) -> None:
    proposed = propose(app, people.tr_ig)
    once = respond(app, people.cast.tr_ao, proposed.id, stance="confirms")
    assert once.state is AssessmentState.CONFIRMED_BY_ONE
    with pytest.raises(InputError) as caught:
        respond(app, people.cast.ru_ao, proposed.id, stance="disagrees", score=1)
    assert caught.value.field == "reason"
    disputed = respond(
        app, people.cast.ru_ao, proposed.id, stance="disagrees", reason="one was cut", score=1
    )
    assert disputed.state is AssessmentState.DISPUTED
    assert [(v.party, v.stance, v.score) for v in disputed.views] == [
        ("tr", Stance.CONFIRMS, None),
        ("ru", Stance.DISAGREES, 1),
    ]
    names = [parse_leaf(e.leaf).body["name"] for e in history(app.uow(), proposed.id)]
    assert names == ["assessment.proposed", "assessment.confirmed", "assessment.disputed"]
    with pytest.raises(ConflictError, match="already confirms"):
        respond(app, people.cast.tr_ao, proposed.id, stance="confirms")


def test_both_confirmations_make_it_confirmed_by_both(
    app: App, people: People, evidence: Evidence
) -> None:
    proposed = propose(app, people.cast.monitor, CEASEFIRE)
    respond(app, people.cast.ru_ao, proposed.id, stance="confirms")
    done = respond(app, people.cast.tr_ao, proposed.id, stance="confirms")
    assert done.state is AssessmentState.CONFIRMED_BY_BOTH
    assert done.party == MONITOR_PARTY


@pytest.mark.parametrize("who", ["tr", "analyst", "tr_ao"])
def test_only_information_group_members_and_the_monitor_propose(
    app: App, people: People, evidence: Evidence, who: str
) -> None:
    before = log_size(app)
    with pytest.raises(PermissionDenied):
        propose(app, getattr(people.cast, who))
    assert log_size(app) == before


@pytest.mark.parametrize("who", ["tr", "monitor"])
def test_only_authorized_officers_respond(
    app: App, people: People, evidence: Evidence, who: str
) -> None:
    proposed = propose(app, people.tr_ig)
    with pytest.raises(PermissionDenied):
        respond(app, getattr(people.cast, who), proposed.id, stance="confirms")
    with pytest.raises(PermissionDenied):
        respond(app, people.ru_ig, proposed.id, stance="confirms")


def test_a_new_proposal_supersedes_the_current_one_and_keeps_it_with_its_views(
    app: App, people: People, evidence: Evidence
) -> None:
    first = propose(app, people.tr_ig)
    respond(app, people.cast.tr_ao, first.id, stance="confirms")
    second = propose(app, people.ru_ig, score=1, note="the aborted patrol was attacked")
    assert (second.version, second.supersedes, second.score) == (2, first.id, 1)
    view = assessment_view(app.uow(), "idlib-m4", first.id)
    assert view.assessment.state is AssessmentState.SUPERSEDED
    assert view.assessment.superseded_by == second.id
    assert [v.party for v in view.assessment.views] == ["tr"]
    assert [a.id for a in view.versions] == [first.id, second.id]
    assert [s.action for s in view.steps] == ["proposed", "confirmed", "superseded"]
    # The other party responds to the current version; the old one takes no more views.
    with pytest.raises(ConflictError, match="superseded"):
        respond(app, people.cast.ru_ao, first.id, stance="confirms")
    # Each party responds once per version: tr again, on the new one.
    assert respond(app, people.cast.tr_ao, second.id, stance="confirms").views[0].party == "tr"
    agreement = app.geography().agreement
    listed = list_assessments(app.uow(), agreement, AssessmentQuery(provision=PATROLS))
    assert [a.id for a in listed] == [second.id]
    every = AssessmentQuery(provision=PATROLS, include_superseded=True)
    assert [a.id for a in list_assessments(app.uow(), agreement, every)] == [second.id, first.id]


def test_a_score_other_than_the_suggestion_needs_a_note(
    app: App, people: People, evidence: Evidence
) -> None:
    with pytest.raises(InputError) as caught:
        propose(app, people.tr_ig, score=3)
    assert caught.value.field == "note"


def test_a_provision_without_a_rule_is_scored_by_hand_with_a_note(
    app: App, people: People, evidence: Evidence
) -> None:
    provision = "sochi-1-de-escalation-area"
    with pytest.raises(InputError) as caught:
        propose(app, people.tr_ig, provision)
    assert caught.value.field == "score"
    done = propose(app, people.tr_ig, provision, score=2, note="two posts resupplied")
    assert (done.score, done.suggestion) == (2, None)


def test_preparing_a_proposal_writes_nothing_and_a_stale_suggestion_is_refused(
    app: App, people: People, evidence: Evidence, clock: Clock
) -> None:
    before = log_size(app)
    prepare = PrepareOnly()
    propose(app, people.tr_ig, signing=prepare)
    assert log_size(app) == before
    assert prepare.prepared is not None
    data = dict(prepare.prepared.data)
    assert list_assessments(app.uow(), app.geography().agreement, AssessmentQuery()) == []
    # The evidence changes before the signed proposal comes back: a fifth patrol in week 12.
    clock.advance(minutes=5)
    tr = people.cast.tr
    patrols.plan_patrol(
        app.uow(),
        tr.actor,
        tr.signing,
        app.geography().agreement,
        plan_data(day="2020-03-22"),
        app.now(),
        now=app.now,
    )
    clock.advance(minutes=5)
    with pytest.raises(InputError) as caught:
        propose(
            app, people.tr_ig, **{k: v for k, v in data.items() if k not in ("provision", "period")}
        )
    assert caught.value.field == "suggestion"


def test_a_proposal_naming_a_stale_version_is_refused(
    app: App, people: People, evidence: Evidence
) -> None:
    propose(app, people.tr_ig)
    with pytest.raises(ConflictError, match="version"):
        propose(app, people.ru_ig, version=1, score=2)


# --- timelines -------------------------------------------------------------------------------


def test_the_timeline_has_a_point_per_period_with_each_current_score(
    app: App, people: People, evidence: Evidence
) -> None:
    agreement = app.geography().agreement
    first = propose(app, people.tr_ig, CEASEFIRE, W11)
    second = propose(app, people.tr_ig, CEASEFIRE, W12)
    respond(app, people.cast.ru_ao, second.id, stance="disagrees", reason="shelling", score=0)
    points = timeline(
        app.uow(),
        agreement,
        CEASEFIRE,
        PeriodKind.WEEK,
        date(2020, 4, 1),
        day_from=date(2020, 3, 9),
        day_to=date(2020, 3, 29),
    )
    assert [p.period.label for p in points] == ["2020-W11", "2020-W12", "2020-W13"]
    assert [p.score for p in points] == [first.score, 1, None]
    assert points[1].state is AssessmentState.DISPUTED
    assert points[1].disagreements == (("ru", 0),)
    default = timeline(app.uow(), agreement, CEASEFIRE, PeriodKind.WEEK, date(2020, 4, 1))
    assert len(default) == 12
    assert default[-1].period.label == "2020-W14"
    months = timeline(app.uow(), agreement, CEASEFIRE, PeriodKind.MONTH, date(2020, 4, 1))
    assert {p.score for p in months} == {None}  # weekly assessments are not monthly ones
