"""The demo's field records: what `truceline demo` makes after its accounts and incidents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.incident_support import FAST, Clock, make_app
from truceline.bootstrap import App
from truceline.domain.patrols import PatrolState
from truceline.services import demo_accounts
from truceline.services.assessment_queries import AssessmentQuery, list_assessments
from truceline.services.demo_field import demo_field
from truceline.services.demo_incidents import DemoCast, demo_incidents
from truceline.services.demo_joint import demo_joint
from truceline.services.hotline import MessageFilter, list_messages
from truceline.services.patrol_queries import list_patrols, patrol_view
from truceline.services.roster import roster_view
from truceline.services.statement_queries import published


@pytest.fixture
def app(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[App]:
    built = make_app(database_url, tmp_path, example_pack, Clock(datetime(2020, 9, 10, tzinfo=UTC)))
    yield built
    built.close()


def test_the_demo_runs_patrols_in_every_state_and_links_the_patrol_attack(app: App) -> None:
    agreement = app.enricher().agreement
    created = demo_accounts.demo_users(
        app.uow(), agreement.parties, app.log.signer, now=app.now, policy=FAST
    )
    cast = DemoCast(app.uow, created, app.now(), policy=FAST)
    made = demo_incidents(cast, app.enricher())
    field = demo_field(cast, app.geography(), made)
    assert (field.duties, field.messages, field.patrols) == (6, 2, 3)
    assert (field.restrictions, field.observations) == (1, 3)
    found = list_patrols(app.uow(), agreement.id)
    assert [p.number for p in found] == [1, 2, 3]
    assert [p.state for p in found] == [
        PatrolState.COMPLETED,
        PatrolState.CURTAILED,
        PatrolState.PLANNED,
    ]
    curtailed = found[1]
    assert curtailed.stopped_at_km == 22
    assert curtailed.reason.startswith("A roadside bomb")
    [attack] = curtailed.incidents
    assert attack in made
    view = patrol_view(app.uow(), app.geography(), curtailed.id)
    assert view.deviation is not None
    assert view.deviation.max_m < 1.0, "the demo's track follows the planned route"
    assert found[2].awaiting_acknowledgement == ("ru",)
    joint = demo_joint(cast, app.geography(), field.attack, app.now())
    assert (joint.statements, joint.assessments) == (1, 1)
    [statement] = published(app.uow(), agreement.id)
    assert statement.text.incidents == (attack,)
    assert set(statement.approved_by) == {"ru", "tr"}
    [score] = list_assessments(app.uow(), agreement, AssessmentQuery())
    assert str(score.state) == "disputed"
    assert {v.party: str(v.stance) for v in score.views} == {"tr": "confirms", "ru": "disagrees"}
    names = {u.id: u.username for u, _ in created}
    now = roster_view(app.uow(), agreement, app.now()).on_duty
    assert {p: names[d.user_id] for p, d in now.authorized.items() if d} == {
        "tr": "tr-authorized-officer",
        "ru": "ru-authorized-officer",
    }
    for zone in ("corridor-north", "corridor-south"):
        held = {p: names[d.user_id] for p, d in now.zones[zone].items() if d}
        assert held == {"tr": "tr-zone-officer", "ru": "ru-zone-officer"}
    messages = list_messages(app.uow(), agreement, MessageFilter())
    assert [(m.urgent, m.acknowledged_at is not None) for m in messages] == [
        (False, False),
        (True, True),
    ]
