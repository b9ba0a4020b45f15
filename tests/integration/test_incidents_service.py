"""The incident services on a real database: report, attach, merge, split, positions, list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.incident_support import (
    NORTH,
    OUTSIDE,
    SOUTH,
    Cast,
    Clock,
    cast,
    make_app,
    report_data,
)
from truceline.bootstrap import App
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.ledger import parse_leaf
from truceline.domain.reports import Channel
from truceline.domain.verification import AttributionState, VerificationStatus
from truceline.services import incidents, positions
from truceline.services.authorship import ClientSigned, PrepareOnly
from truceline.services.incident_queries import incident_view, list_incidents
from truceline.services.incident_store import IncidentFilter
from truceline.services.ledger import entries_page, history


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


def report(app: App, officer, data):  # type: ignore[no-untyped-def]
    return incidents.report_incident(
        app.uow(), officer.actor, officer.signing, app.enricher(), data, app.now(), now=app.now
    )


def position(app: App, officer, incident_id: str, stance: str, held: str | None = None):  # type: ignore[no-untyped-def]
    data = {"position": {"stance": stance, "held_responsible": held, "evidence": [], "text": ""}}
    return positions.record_position(
        app.uow(),
        officer.actor,
        officer.signing,
        app.enricher().agreement,
        incident_id,
        data,
        app.now(),
        now=app.now,
    )


def log_size(app: App) -> int:
    return entries_page(app.uow(), 0, 1).size


def test_a_report_becomes_an_incident_placed_linked_and_logged(app: App, people: Cast) -> None:
    before = log_size(app)
    done = report(app, people.tr, report_data(party="tr", point=NORTH))
    incident = done.record.incident
    assert incident.links.zones == ("corridor-north",)
    assert done.record.responsible_party == "tr"
    assert incident.links.route == "m4"
    assert incident.links.km_post is not None
    assert 20 < incident.links.km_post < 30
    assert incident.links.distance_to_route_m is not None
    assert 3000 < incident.links.distance_to_route_m < 4500
    assert str(incident.links.side) == "north"
    # A violent event in the corridor after 00:01 on 6 March 2020: the ceasefire.
    assert "moscow-1-ceasefire" in incident.links.provisions
    assert done.record.status is VerificationStatus.PENDING
    assert log_size(app) == before + 1
    [entry] = history(app.uow(), incident.id)
    body = parse_leaf(entry.leaf).body
    assert body["name"] == "incident.reported"
    assert body["actor"] == people.tr.actor.user_id
    assert body["data"]["incident"]["location"]["lon"] == NORTH[0]
    view = incident_view(app.uow(), app.enricher().agreement, incident.id)
    assert [r.id for r in view.reports] == list(incident.report_ids)
    assert view.reports[0].channel is Channel.PARTY_ALLEGATION
    assert [e.action for e in view.record.incident.history] == ["reported"]


def test_a_heavy_weapon_sighting_and_a_patrol_attack_bear_on_their_provisions(
    app: App, people: Cast
) -> None:
    sighting = report(
        app,
        people.ru,
        report_data(
            party="ru",
            point=SOUTH,
            event_type="Strategic developments",
            sub_event_type="Other",
            monitoring="heavy_weapon_sighting",
            notes="Two tanks seen south of the road",
        ),
    ).record.incident
    assert sighting.links.provisions == ("moscow-2-security-corridor",)
    attack = report(
        app,
        people.ru,
        report_data(
            party="ru",
            point=SOUTH,
            day="2020-03-25",
            sub_event_type="Remote explosive/landmine/IED",
            monitoring="patrol_attack",
            notes="IED against the joint patrol",
        ),
    ).record.incident
    assert set(attack.links.provisions) == {"moscow-1-ceasefire", "moscow-3-joint-patrols"}
    outside = report(app, people.tr, report_data(point=OUTSIDE, notes="far away")).record
    assert outside.incident.links.zones == ()
    assert outside.incident.links.provisions == ()
    assert outside.responsible_party is None


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    app: App, people: Cast
) -> None:
    before = log_size(app)
    cases = [
        (report_data(point=(200.0, 35.0)), "incident.location.lon"),
        (report_data(day="2017-01-01"), "incident.dates.start"),
        (report_data(day="2020-05-01"), "incident.dates.end"),
        (report_data(sub_event_type="Tea party"), "incident.sub_event_type"),
        (report_data(monitoring="picnic"), "incident.monitoring"),
        ({**report_data(), "extra": 1}, "extra"),
    ]
    for data, field in cases:
        with pytest.raises(InputError) as caught:
            report(app, people.tr, data)
        assert caught.value.field == field, data
    with pytest.raises(PermissionDenied):
        report(app, people.tr, report_data(party="ru"))
    with pytest.raises(PermissionDenied):
        report(app, people.analyst, report_data(party="monitor", channel="open_source"))
    assert log_size(app) == before
    page = list_incidents(app.uow(), app.enricher().agreement, IncidentFilter("idlib-m4"))
    assert page.items == []


def test_positions_of_both_sides_give_the_joint_finding_and_keep_every_version(
    app: App, people: Cast
) -> None:
    incident_id = report(app, people.tr, report_data()).record.incident.id
    queue = IncidentFilter("idlib-m4", awaiting="ru")
    agreement = app.enricher().agreement
    assert [r.incident.id for r in list_incidents(app.uow(), agreement, queue).items] == [
        incident_id
    ]
    position(app, people.tr, incident_id, "confirms", "sy-gov")
    found = position(app, people.ru, incident_id, "denies")
    assert found.status is VerificationStatus.DISPUTED
    assert list_incidents(app.uow(), agreement, queue).items == []
    found = position(app, people.ru_ao, incident_id, "confirms", "sy-gov")
    assert found.status is VerificationStatus.VERIFIED
    assert found.attribution.state is AttributionState.AGREED
    assert found.attribution.actor == "sy-gov"
    view = incident_view(app.uow(), agreement, incident_id)
    ru_versions = [v.position for v in view.versions if v.position.party == "ru"]
    assert [(v.version, str(v.stance)) for v in ru_versions] == [(1, "denies"), (2, "confirms")]
    assert view.record.status is VerificationStatus.VERIFIED
    verified = IncidentFilter("idlib-m4", status=VerificationStatus.VERIFIED)
    assert len(list_incidents(app.uow(), agreement, verified).items) == 1
    with pytest.raises(InputError) as caught:
        position(app, people.tr, incident_id, "confirms", "Martians")
    assert caught.value.field == "position.held_responsible"
    with pytest.raises(PermissionDenied):
        position(app, people.analyst, incident_id, "confirms")


def test_a_monitor_verdict_settles_a_dispute(app: App, people: Cast) -> None:
    incident_id = report(app, people.tr, report_data()).record.incident.id
    position(app, people.tr, incident_id, "confirms", "sy-gov")
    position(app, people.ru, incident_id, "denies")
    found = position(app, people.monitor, incident_id, "confirms", "sy-gov")
    assert found.status is VerificationStatus.VERIFIED
    assert found.verdict is not None
    assert found.attribution.confidence == pytest.approx(2 / 3)


def test_attach_merge_and_split_keep_everything_and_their_history(
    app: App, people: Cast, clock: Clock
) -> None:
    agreement = app.enricher().agreement
    first = report(app, people.tr, report_data(notes="Shelling of Ariha outskirts at dawn"))
    second = report(app, people.ru, report_data(party="ru", notes="Shelling of Ariha at dawn"))
    first_id, second_id = first.record.incident.id, second.record.incident.id
    assert first_id in second.record.incident.possible_duplicates
    first_view = incident_view(app.uow(), agreement, first_id)
    assert second_id in first_view.record.incident.possible_duplicates
    clock.advance(minutes=5)
    extra = {"report": {**report_data()["report"], "source_name": "Joint patrol 4"}}
    extra["report"]["channel"] = "joint_patrol"
    extra["report"]["reporting_party"] = None
    incidents.add_report(
        app.uow(), people.ru.actor, people.ru.signing, agreement, first_id, extra, app.now()
    )
    clock.advance(minutes=5)
    merged = incidents.merge(
        app.uow(),
        people.tr_ao.actor,
        people.tr_ao.signing,
        agreement,
        first_id,
        second_id,
        "same shelling",
        app.now(),
    ).record
    assert len(merged.incident.report_ids) == 3
    absorbed = incident_view(app.uow(), agreement, second_id)
    assert absorbed.record.incident.merged_into == first_id
    assert [r.incident_id for r in absorbed.reports] == []
    listed = list_incidents(app.uow(), agreement, IncidentFilter("idlib-m4")).items
    assert [r.incident.id for r in listed] == [first_id]
    with pytest.raises(InputError):
        position(app, people.tr, second_id, "confirms")
    clock.advance(minutes=5)
    moved = merged.incident.report_ids[-1]
    incidents.split(
        app.uow(),
        people.monitor.actor,
        people.monitor.signing,
        agreement,
        first_id,
        [moved],
        "inc_split-1",
        "two events",
        app.now(),
    )
    view = incident_view(app.uow(), agreement, first_id)
    actions = [str(e.action) for e in view.record.incident.history]
    assert actions == ["reported", "report_attached", "merged", "split"]
    created = incident_view(app.uow(), agreement, "inc_split-1")
    assert [r.id for r in created.reports] == [moved]
    assert created.record.status is VerificationStatus.PENDING
    with pytest.raises(NotFoundError):
        incident_view(app.uow(), agreement, "inc_nothing")
    with pytest.raises(ConflictError):
        incidents.split(
            app.uow(),
            people.monitor.actor,
            people.monitor.signing,
            agreement,
            first_id,
            [merged.incident.report_ids[0]],
            "inc_split-1",
            "",
            app.now(),
        )


def test_keyset_pages_stay_stable_when_incidents_are_added(app: App, people: Cast) -> None:
    agreement = app.enricher().agreement
    for day in range(6, 16):
        report(app, people.tr, report_data(day=f"2020-03-{day:02d}", notes=f"event {day}"))
    where = IncidentFilter("idlib-m4")
    first = list_incidents(app.uow(), agreement, where, limit=4, with_total=True)
    assert first.total == 10
    days = [r.incident.dates.start.day for r in first.items]
    assert days == [15, 14, 13, 12]
    # Newer and older incidents arrive while the reader is on page 1.
    report(app, people.tr, report_data(day="2020-03-30", notes="new"))
    report(app, people.tr, report_data(day="2020-03-13", notes="same day as a seen one"))
    seen = {r.incident.id for r in first.items}
    cursor = first.next_cursor
    rest = []
    while cursor:
        page = list_incidents(app.uow(), agreement, where, after=cursor, limit=4)
        rest.extend(page.items)
        cursor = page.next_cursor
    assert not seen & {r.incident.id for r in rest}
    assert [r.incident.dates.start.day for r in rest] == [11, 10, 9, 8, 7, 6]
    with pytest.raises(InputError) as caught:
        list_incidents(app.uow(), agreement, where, after="garbage!")
    assert caught.value.field == "after"
    with pytest.raises(InputError) as caught:
        list_incidents(app.uow(), agreement, IncidentFilter("idlib-m4", zone="atlantis"))
    assert caught.value.field == "zone"


def test_filters_select_by_zone_party_type_provision_channel_and_reporter(
    app: App, people: Cast
) -> None:
    agreement = app.enricher().agreement
    report(app, people.tr, report_data(point=NORTH, notes="north"))
    report(app, people.ru, report_data(party="ru", point=SOUTH, notes="south"))
    report(
        app,
        people.monitor,
        report_data(
            party="monitor",
            channel="monitor",
            point=OUTSIDE,
            event_type="Protests",
            sub_event_type="Peaceful protest",
            notes="protest",
        ),
    )

    def notes(**filters: object) -> list[str]:
        where = IncidentFilter("idlib-m4", **filters)  # type: ignore[arg-type]
        return sorted(r.incident.notes for r in list_incidents(app.uow(), agreement, where).items)

    assert notes(zone="corridor-north") == ["north"]
    assert notes(responsible_party="ru") == ["south"]
    assert notes(event_type="Protests") == ["protest"]
    assert notes(provision="moscow-1-ceasefire") == ["north", "south"]
    assert notes(channel=Channel.MONITOR) == ["protest"]
    assert notes(reporting_party="tr") == ["north"]
    from datetime import date

    assert notes(date_from=date(2020, 3, 21)) == []
    assert notes(date_to=date(2020, 3, 20), zone="corridor-south") == ["south"]


def test_a_client_signed_report_must_be_exactly_the_prepared_body(app: App, people: Cast) -> None:
    agreement_enricher = app.enricher()
    prepare = PrepareOnly()
    data = report_data()
    incidents.report_incident(
        app.uow(), people.tr.actor, prepare, agreement_enricher, data, app.now(), now=app.now
    )
    assert prepare.prepared is not None
    body = prepare.prepared.body()
    assert (
        list_incidents(app.uow(), agreement_enricher.agreement, IncidentFilter("idlib-m4")).items
        == []
    )
    from truceline.services.ledger import event_json

    signature = people.tr.signer.sign(event_json(body))
    signed = ClientSigned(body, people.tr.signer.public_key, signature)
    tampered = {
        **body,
        "data": {**body["data"], "report": {**body["data"]["report"], "grade": "A1"}},
    }
    with pytest.raises(InputError) as caught:
        incidents.report_incident(
            app.uow(),
            people.tr.actor,
            signed,
            agreement_enricher,
            tampered["data"],
            app.now(),
            now=app.now,
        )
    assert caught.value.field == "event"
    done = incidents.report_incident(
        app.uow(), people.tr.actor, signed, agreement_enricher, body["data"], app.now(), now=app.now
    )
    assert done.record.incident.id == body["subject"]


def test_a_client_signed_time_may_be_days_old_but_not_weeks_nor_ahead(
    app: App, people: Cast, clock: Clock
) -> None:
    from datetime import timedelta

    from truceline.services.ledger import event_json

    enricher = app.enricher()
    for shift, ok in (
        (timedelta(days=-6), True),
        (timedelta(days=-8), False),
        (timedelta(minutes=10), False),
    ):
        prepare = PrepareOnly()
        data = report_data(notes=f"shift {shift}")
        signed_at = clock.now + shift
        incidents.report_incident(
            app.uow(), people.tr.actor, prepare, enricher, data, signed_at, now=app.now
        )
        assert prepare.prepared is not None
        body = prepare.prepared.body()
        signature = people.tr.signer.sign(event_json(body))
        signed = ClientSigned(body, people.tr.signer.public_key, signature)
        if ok:
            incidents.report_incident(
                app.uow(), people.tr.actor, signed, enricher, body["data"], signed_at, now=app.now
            )
            continue
        with pytest.raises(InputError) as caught:
            incidents.report_incident(
                app.uow(), people.tr.actor, signed, enricher, body["data"], signed_at, now=app.now
            )
        assert caught.value.field == "event.time"


def test_replacing_the_pack_recomputes_every_incidents_links(
    app: App, people: Cast, tmp_path: Path
) -> None:
    from tests.packs import copy_example, edit_text
    from truceline.services.agreements import LoadPack

    # 3.7 km north of the road: inside the 6 km corridor, outside a 3 km one.
    incident_id = report(app, people.tr, report_data(point=NORTH)).record.incident.id
    narrow = copy_example(tmp_path)
    edit_text(narrow, "agreement.yaml", "width_km: 6", "width_km: 3")
    result = app.load(LoadPack(narrow, replace=True))
    assert result.counts["incidents_relinked"] == 1
    agreement = app.enricher().agreement
    view = incident_view(app.uow(), agreement, incident_id)
    assert view.record.incident.links.zones == ()
    assert view.record.incident.links.provisions == ()
    assert view.record.responsible_party is None
    assert str(view.record.incident.history[-1].action) == "links_recomputed"
    north = IncidentFilter("idlib-m4", zone="corridor-north")
    assert list_incidents(app.uow(), agreement, north).items == []


def test_an_incident_on_the_road_is_in_both_halves_and_in_each_partys_list(
    app: App, people: Cast
) -> None:
    agreement = app.enricher().agreement
    ariha = app.geography().search_places("Ariha", 1)[0].place
    done = report(
        app,
        people.monitor,
        report_data(
            party="monitor", channel="monitor", point=(ariha.lon, ariha.lat), notes="On the road"
        ),
    )
    assert set(done.record.incident.links.zones) == {"corridor-north", "corridor-south"}
    assert done.record.responsible_party is None
    assert done.record.incident.links.distance_to_route_m == 0.0
    for party in ("ru", "tr"):
        where = IncidentFilter("idlib-m4", responsible_party=party)
        assert [r.incident.notes for r in list_incidents(app.uow(), agreement, where).items] == [
            "On the road"
        ]


def test_the_demo_incidents_show_every_state_of_the_joint_finding(app: App, tmp_path: Path) -> None:
    from tests.incident_support import FAST
    from truceline.services import demo_accounts
    from truceline.services.demo_incidents import DemoCast, demo_incidents

    agreement = app.enricher().agreement
    created = demo_accounts.demo_users(
        app.uow(), agreement.parties, app.log.signer, now=app.now, policy=FAST
    )
    made = demo_incidents(DemoCast(app.uow, created, app.now(), policy=FAST), app.enricher())
    assert len(made) == 4
    page = list_incidents(app.uow(), agreement, IncidentFilter("idlib-m4"))
    found = sorted(str(r.status) for r in page.items)
    assert found == ["disputed", "pending", "verified", "verified"]
    queue = list_incidents(app.uow(), agreement, IncidentFilter("idlib-m4", awaiting="ru"))
    assert [r.incident.monitoring for r in queue.items] == ["heavy_weapon_sighting"]
