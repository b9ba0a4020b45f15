"""Breach rules: which provisions an incident may breach, criterion by criterion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.geometries import known_points
from truceline.adapters.packs import read_pack
from truceline.domain.agreements import (
    Agreement,
    BreachRule,
    Provision,
    ProvisionCategory,
    SourceRef,
)
from truceline.domain.breaches import provisions_breached, rule_problems
from truceline.domain.errors import InputError
from truceline.domain.event_types import Family, MonitoringKind
from truceline.domain.incidents import DateRange, Incident, Location
from truceline.packs import example_pack_path
from truceline.services.geography import Geography

DAMASCUS_WINTER = timezone(timedelta(hours=2))
#: 2020-03-06T00:01+02:00, the Moscow protocol's start time.
START = datetime(2020, 3, 6, 0, 1, tzinfo=DAMASCUS_WINTER)
#: A date-only deadline of 12 March 2020 as the pack reader stores it: 23:59:59 local.
DEADLINE = datetime(2020, 3, 12, 23, 59, 59, tzinfo=DAMASCUS_WINTER)


def provision(
    provision_id: str,
    *rules: BreachRule,
    zones: tuple[str, ...] = ("north",),
    deadline: datetime | None = None,
) -> Provision:
    return Provision(
        id=provision_id,
        text="A provision.",
        category=ProvisionCategory.CEASEFIRE,
        obligated=("a",),
        effective=START.astimezone(UTC),
        deadline=None if deadline is None else deadline.astimezone(UTC),
        zones=zones,
        verification="Seen.",
        source=SourceRef("doc", "1"),
        breached_by=rules,
    )


def agreement(*provisions: Provision, tz: str = "Asia/Damascus") -> Agreement:
    return Agreement(
        id="test",
        title="Test",
        summary="",
        format_version=1,
        crs="EPSG:32637",
        timezone=tz,
        documents=(),
        parties=(),
        provisions=provisions,
        routes=(),
        zones=(),
    )


def breached(target: Agreement, **incident: Any) -> tuple[str, ...]:
    """The provisions breached by a battle in the north zone on 10 March 2020, as modified."""
    values: dict[str, Any] = {
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "monitoring": None,
        "zones": ("north",),
        "dates": DateRange.day(date(2020, 3, 10)),
    }
    return provisions_breached(target, **{**values, **incident})


def matches(rule: BreachRule, **incident: Any) -> bool:
    return breached(agreement(provision("p", rule)), **incident) == ("p",)


SHELLING = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
}
AIR_STRIKE = {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"}
PROTEST = {"event_type": "Protests", "sub_event_type": "Peaceful protest"}
IED = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Remote explosive/landmine/IED",
}


@pytest.mark.parametrize(
    ("rule", "incident", "expected"),
    [
        (BreachRule(families=(Family.VIOLENT,)), {}, True),
        (BreachRule(families=(Family.VIOLENT,)), PROTEST, False),
        (BreachRule(families=(Family.DEMONSTRATIONS,)), PROTEST, True),
        (BreachRule(event_types=("Explosions/Remote violence",)), SHELLING, True),
        (BreachRule(event_types=("Explosions/Remote violence",)), {}, False),
        (BreachRule(sub_event_types=("Air/drone strike",)), AIR_STRIKE, True),
        (BreachRule(sub_event_types=("Air/drone strike",)), SHELLING, False),
        (
            BreachRule(monitoring=(MonitoringKind.PATROL_ATTACK,)),
            {**IED, "monitoring": MonitoringKind.PATROL_ATTACK},
            True,
        ),
        (BreachRule(monitoring=(MonitoringKind.PATROL_ATTACK,)), IED, False),
        (
            BreachRule(monitoring=(MonitoringKind.PATROL_ATTACK,)),
            {**IED, "monitoring": MonitoringKind.CEASEFIRE_VIOLATION},
            False,
        ),
    ],
    ids=[
        "family-in",
        "family-out",
        "other-family-in",
        "event-type-in",
        "event-type-out",
        "sub-event-type-in",
        "sub-event-type-out",
        "monitoring-in",
        "monitoring-none",
        "monitoring-other",
    ],
)
def test_each_criterion_matches_only_the_incidents_it_names(
    rule: BreachRule, incident: dict[str, Any], expected: bool
) -> None:
    assert matches(rule, **incident) is expected


def test_the_criteria_of_one_rule_must_all_match() -> None:
    rule = BreachRule(families=(Family.VIOLENT,), sub_event_types=("Air/drone strike",))
    assert matches(rule, **AIR_STRIKE)
    assert not matches(rule, **SHELLING)
    assert not matches(rule)


def test_any_value_of_a_criterion_list_matches() -> None:
    rule = BreachRule(event_types=("Battles", "Explosions/Remote violence"))
    assert matches(rule)
    assert matches(rule, **SHELLING)
    assert not matches(rule, **PROTEST)


def test_any_rule_of_a_provision_links_it() -> None:
    target = agreement(
        provision(
            "p",
            BreachRule(families=(Family.DEMONSTRATIONS,)),
            BreachRule(sub_event_types=("Armed clash",)),
        )
    )
    assert breached(target) == ("p",)
    assert breached(target, **PROTEST) == ("p",)
    assert breached(target, **SHELLING) == ()


def test_a_provision_without_rules_is_never_breached() -> None:
    assert breached(agreement(provision("p"))) == ()


def test_provisions_come_back_in_the_agreements_order() -> None:
    violent = BreachRule(families=(Family.VIOLENT,))
    target = agreement(provision("z", violent), provision("a"), provision("m", violent))
    assert breached(target) == ("z", "m")


def test_a_rule_without_zones_takes_the_provisions_zones() -> None:
    target = agreement(provision("p", BreachRule(families=(Family.VIOLENT,)), zones=("north",)))
    assert breached(target, zones=("north", "depot")) == ("p",)
    assert breached(target, zones=("south",)) == ()
    assert breached(target, zones=()) == ()


def test_a_rule_with_its_own_zones_uses_them_instead_of_the_provisions() -> None:
    rule = BreachRule(families=(Family.VIOLENT,), zones=("south",))
    target = agreement(provision("p", rule, zones=("north",)))
    assert breached(target, zones=("south",)) == ("p",)
    assert breached(target, zones=("north",)) == ()


@pytest.mark.parametrize(
    ("rule_zones", "provision_zones"),
    [((), ("north",)), (None, ())],
    ids=["rule-says-anywhere", "provision-without-zones"],
)
def test_a_rule_may_apply_anywhere(
    rule_zones: tuple[str, ...] | None, provision_zones: tuple[str, ...]
) -> None:
    rule = BreachRule(families=(Family.VIOLENT,), zones=rule_zones)
    target = agreement(provision("p", rule, zones=provision_zones))
    assert breached(target, zones=()) == ("p",)
    assert breached(target, zones=("elsewhere",)) == ("p",)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2020, 3, 5), ()), (date(2020, 3, 6), ("p",)), (date(2020, 3, 7), ("p",))],
)
def test_a_day_counts_when_it_goes_on_after_one_minute_past_midnight_local_time(
    day: date, expected: tuple[str, ...]
) -> None:
    target = agreement(provision("p", BreachRule(families=(Family.VIOLENT,))))
    assert breached(target, dates=DateRange.day(day)) == expected


def test_a_date_range_counts_when_its_last_day_is_after_the_start() -> None:
    target = agreement(provision("p", BreachRule(families=(Family.VIOLENT,))))
    assert breached(target, dates=DateRange(date(2020, 2, 20), date(2020, 3, 6))) == ("p",)
    assert breached(target, dates=DateRange(date(2020, 2, 20), date(2020, 3, 5))) == ()


def test_days_are_read_in_the_agreements_time_zone() -> None:
    # 5 March in UTC ends at 2020-03-06T00:00Z, after 00:01 in Damascus (22:01Z).
    rule = BreachRule(families=(Family.VIOLENT,))
    in_utc = agreement(provision("p", rule), tz="UTC")
    assert breached(in_utc, dates=DateRange.day(date(2020, 3, 5))) == ("p",)
    in_damascus = agreement(provision("p", rule))
    assert breached(in_damascus, dates=DateRange.day(date(2020, 3, 5))) == ()


@pytest.mark.parametrize(
    ("day", "after_effective", "after_deadline"),
    [
        (date(2020, 3, 10), ("p",), ()),
        (date(2020, 3, 12), ("p",), ()),
        (date(2020, 3, 13), ("p",), ("p",)),
    ],
)
def test_a_deadline_rule_counts_from_the_day_after_a_date_only_deadline(
    day: date, after_effective: tuple[str, ...], after_deadline: tuple[str, ...]
) -> None:
    heavy = {
        "event_type": "Strategic developments",
        "sub_event_type": "Other",
        "monitoring": MonitoringKind.HEAVY_WEAPON_SIGHTING,
        "dates": DateRange.day(day),
    }
    sighting = (MonitoringKind.HEAVY_WEAPON_SIGHTING,)
    effective = agreement(provision("p", BreachRule(monitoring=sighting), deadline=DEADLINE))
    deadline = agreement(
        provision("p", BreachRule(monitoring=sighting, after="deadline"), deadline=DEADLINE)
    )
    assert breached(effective, **heavy) == after_effective
    assert breached(deadline, **heavy) == after_deadline


def test_a_deadline_rule_on_a_provision_without_a_deadline_never_matches() -> None:
    rule = BreachRule(families=(Family.VIOLENT,), after="deadline")
    target = agreement(provision("p", rule))
    assert breached(target, dates=DateRange.day(date(2030, 1, 1))) == ()


def test_an_unknown_after_is_refused() -> None:
    target = agreement(provision("p", BreachRule(families=(Family.VIOLENT,), after="signing")))
    with pytest.raises(InputError, match="after"):
        breached(target)


def test_a_sound_rule_has_no_problems() -> None:
    rule = BreachRule(
        families=(Family.VIOLENT,),
        event_types=("Battles", "Explosions/Remote violence"),
        sub_event_types=("Armed clash", "Remote explosive/landmine/IED"),
        monitoring=(MonitoringKind.PATROL_ATTACK,),
        after="deadline",
    )
    assert rule_problems(rule) == []


@pytest.mark.parametrize(
    ("rule", "path", "reason"),
    [
        (BreachRule(zones=("north",)), (), "at least one of families"),
        (BreachRule(event_types=("Battle",)), ("event_types", 0), "unknown ACLED event type"),
        (
            BreachRule(sub_event_types=("Armed clash", "Skirmish")),
            ("sub_event_types", 1),
            "unknown ACLED sub-event type 'Skirmish'",
        ),
        (
            BreachRule(event_types=("Battles",), sub_event_types=("Air/drone strike",)),
            ("sub_event_types", 0),
            "belongs to 'Explosions/Remote violence', none of the rule's event_types",
        ),
        (
            BreachRule(families=(Family.VIOLENT,), event_types=("Protests",)),
            (),
            "no incident can meet all",
        ),
        (
            BreachRule(
                families=(Family.VIOLENT,), monitoring=(MonitoringKind.HEAVY_WEAPON_SIGHTING,)
            ),
            (),
            "no incident can meet all",
        ),
        (BreachRule(families=(Family.VIOLENT,), after="signing"), ("after",), "not one of"),
    ],
)
def test_an_unusable_rule_is_reported_with_where_and_why(
    rule: BreachRule, path: tuple[str | int, ...], reason: str
) -> None:
    [(where, why)] = rule_problems(rule)
    assert where == path
    assert reason in why


# The example pack: incidents placed at known points and classified as the app does.


@pytest.fixture(scope="module")
def idlib() -> tuple[Agreement, dict[str, tuple[str, ...]]]:
    target = read_pack(example_pack_path("idlib-m4"))
    points = known_points()
    classified = Geography(target).classify([(p.lon, p.lat) for p in points])
    zones = {p.name: c.zones for p, c in zip(points, classified, strict=True)}
    assert zones[NORTH] == ("corridor-north",)
    assert zones[SOUTH] == ("corridor-south",)
    assert zones[FAR] == ()
    return target, zones


NORTH = "2 km north of the road at Ariha"
SOUTH = "2 km south of the road at Ariha"
FAR = "10 km north of the road at Ariha"


def incident(where: str, day: date, **values: Any) -> Incident:
    point = next(p for p in known_points() if p.name == where)
    return Incident(
        id="inc_test",
        dates=DateRange.day(day),
        location=Location(point.lon, point.lat),
        **values,
    )


@pytest.mark.parametrize(
    ("where", "day", "values", "expected"),
    [
        (NORTH, date(2020, 3, 7), SHELLING, ("moscow-1-ceasefire",)),
        (SOUTH, date(2020, 3, 6), SHELLING, ("moscow-1-ceasefire",)),
        (NORTH, date(2020, 3, 5), SHELLING, ()),
        (FAR, date(2020, 3, 7), SHELLING, ()),
        (NORTH, date(2020, 3, 7), PROTEST, ()),
        (
            SOUTH,
            date(2020, 3, 10),
            {
                "event_type": "Strategic developments",
                "sub_event_type": "Other",
                "monitoring": MonitoringKind.HEAVY_WEAPON_SIGHTING,
            },
            ("moscow-2-security-corridor",),
        ),
        (
            NORTH,
            date(2020, 3, 14),
            {**IED, "monitoring": MonitoringKind.PATROL_ATTACK},
            ("moscow-1-ceasefire",),
        ),
        (
            NORTH,
            date(2020, 3, 16),
            {**IED, "monitoring": MonitoringKind.PATROL_ATTACK},
            ("moscow-1-ceasefire", "moscow-3-joint-patrols"),
        ),
    ],
    ids=[
        "shelling-north-after-start",
        "shelling-south-on-the-first-day",
        "shelling-the-day-before",
        "shelling-outside-the-corridor",
        "protest-in-the-corridor",
        "heavy-weapon-sighting",
        "patrol-attack-before-patrols-start",
        "patrol-attack-once-patrols-run",
    ],
)
def test_the_example_packs_rules_link_incidents_to_the_moscow_provisions(
    idlib: tuple[Agreement, dict[str, tuple[str, ...]]],
    where: str,
    day: date,
    values: dict[str, Any],
    expected: tuple[str, ...],
) -> None:
    target, zones = idlib
    event = incident(where, day, **values)
    found = provisions_breached(
        target,
        event_type=event.event_type,
        sub_event_type=event.sub_event_type,
        monitoring=event.monitoring,
        zones=zones[where],
        dates=event.dates,
    )
    assert found == expected
