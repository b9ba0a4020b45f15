"""The values of the incident model check themselves and convert between ACLED and UCDP."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from truceline.domain.errors import InputError
from truceline.domain.event_types import MonitoringKind
from truceline.domain.incidents import (
    Actors,
    DateRange,
    Fatalities,
    Incident,
    Links,
    Location,
    new_incident_id,
)
from truceline.domain.reports import AdmiraltyGrade, Channel, Report, new_report_id
from truceline.domain.zones import Side

T0 = datetime(2020, 3, 15, 9, 30, tzinfo=UTC)
SARAQIB = Location(36.80591, 35.86447, place="Saraqib", admin1="Idlib")


def report(**changes: Any) -> Report:
    values: dict[str, Any] = {
        "id": "rep_1",
        "channel": Channel.PARTY_ALLEGATION,
        "reporting_party": "ru",
        "source_name": "zone officer south",
        "received_at": T0,
        "original_text": "Обстрел в районе Саракиба",
        "language": "ru",
        "grade": AdmiraltyGrade.parse("B2"),
        "entered_by": "officer-ru-1",
    }
    values.update(changes)
    return Report(**values)


def incident(**changes: Any) -> Incident:
    values: dict[str, Any] = {
        "id": "inc_1",
        "dates": DateRange.day(date(2020, 3, 14)),
        "location": SARAQIB,
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
    }
    values.update(changes)
    return Incident(**values)


def field_of(error: pytest.ExceptionInfo[InputError]) -> str:
    return error.value.field


# Reports and grades


@pytest.mark.parametrize(("text", "grade"), [("B2", ("B", 2)), (" a1", ("A", 1)), ("f6", ("F", 6))])
def test_an_admiralty_grade_reads_from_its_two_characters(
    text: str, grade: tuple[str, int]
) -> None:
    parsed = AdmiraltyGrade.parse(text)
    assert (parsed.reliability, parsed.credibility) == grade
    assert str(parsed) == "".join(map(str, grade))


@pytest.mark.parametrize("text", ["G2", "B7", "B0", "B", "B22", "2B", ""])
def test_a_grade_outside_a_to_f_and_1_to_6_is_refused(text: str) -> None:
    with pytest.raises(InputError) as error:
        AdmiraltyGrade.parse(text)
    assert field_of(error) == "grade"


def test_a_report_keeps_its_channel_source_text_language_and_grade() -> None:
    made = report()
    assert made.channel is Channel.PARTY_ALLEGATION
    assert str(made.grade) == "B2"
    assert made.incident_id is None


def test_the_five_channels_are_the_issues_channels() -> None:
    assert [str(c) for c in Channel] == [
        "party_allegation",
        "joint_patrol",
        "monitor",
        "open_source",
        "bulk_import",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": "inc_1"}, "id"),
        ({"channel": "rumour"}, "channel"),
        ({"reporting_party": None}, "reporting_party"),
        ({"source_name": " "}, "source_name"),
        ({"received_at": datetime(2020, 3, 15)}, "received_at"),  # noqa: DTZ001 (the point)
        ({"language": "Russian"}, "language"),
        ({"entered_by": ""}, "entered_by"),
        ({"source_url": "ftp://example.org/x"}, "source_url"),
        ({"incident_id": "42"}, "incident_id"),
    ],
)
def test_a_report_with_a_bad_value_names_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as error:
        report(**changes)
    assert field_of(error) == field


def test_only_an_allegation_needs_a_reporting_party() -> None:
    made = report(channel="open_source", reporting_party=None, source_url="https://example.org/a")
    assert made.channel is Channel.OPEN_SOURCE


def test_fresh_ids_carry_their_prefix_and_differ() -> None:
    assert new_incident_id().startswith("inc_")
    assert new_report_id().startswith("rep_")
    assert new_incident_id() != new_incident_id()


# Dates


@pytest.mark.parametrize(
    ("precision", "start", "end"),
    [
        (1, date(2020, 3, 14), date(2020, 3, 14)),
        (2, date(2020, 3, 11), date(2020, 3, 17)),
        (3, date(2020, 2, 28), date(2020, 3, 29)),
    ],
)
def test_an_acled_date_is_the_day_week_or_month_centred_on_it(
    precision: int, start: date, end: date
) -> None:
    dates = DateRange.from_acled(date(2020, 3, 14), precision)
    assert (dates.start, dates.end) == (start, end)
    assert dates.acled() == (date(2020, 3, 14), precision)


@pytest.mark.parametrize(
    ("days", "time_precision", "date_prec"),
    [(1, 1, 1), (2, 2, 2), (6, 2, 2), (7, 2, 3), (8, 3, 4), (31, 3, 4), (32, 3, 5), (365, 3, 5)],
)
def test_both_precisions_follow_from_the_span(
    days: int, time_precision: int, date_prec: int
) -> None:
    start = date(2019, 1, 1)
    dates = DateRange(start, date.fromordinal(start.toordinal() + days - 1))
    assert dates.days == days
    assert (dates.time_precision, dates.date_prec) == (time_precision, date_prec)


def test_a_ucdp_range_whose_precision_does_not_fit_its_span_is_refused() -> None:
    assert DateRange.from_ucdp(date(2019, 5, 1), date(2019, 5, 31), 4).days == 31
    with pytest.raises(InputError) as error:
        DateRange.from_ucdp(date(2019, 5, 1), date(2019, 5, 31), 2)
    assert field_of(error) == "date_prec"


def test_a_range_cannot_end_before_it_starts_or_hold_a_time() -> None:
    with pytest.raises(InputError) as error:
        DateRange(date(2020, 3, 2), date(2020, 3, 1))
    assert field_of(error) == "end"
    with pytest.raises(InputError):
        DateRange(T0, T0)


def test_the_gap_between_ranges_is_zero_when_they_overlap() -> None:
    march = DateRange(date(2020, 3, 1), date(2020, 3, 10))
    assert march.gap_days(DateRange.day(date(2020, 3, 10))) == 0
    assert march.gap_days(DateRange.day(date(2020, 3, 13))) == 3
    assert DateRange.day(date(2020, 2, 27)).gap_days(march) == 3


# Places


@pytest.mark.parametrize(("where_prec", "geo_precision"), [(1, 1), (2, 2), (3, 2), (4, 3), (7, 3)])
def test_a_ucdp_where_prec_gives_the_closest_acled_geo_precision(
    where_prec: int, geo_precision: int
) -> None:
    assert Location(36.6, 35.9, where_prec=where_prec).geo_precision == geo_precision


@pytest.mark.parametrize(("geo_precision", "where_prec"), [(1, 1), (2, 2), (3, 4)])
def test_an_acled_geo_precision_gives_a_ucdp_where_prec(
    geo_precision: int, where_prec: int
) -> None:
    assert Location(36.6, 35.9, geo_precision=geo_precision).where_prec == where_prec


def test_a_location_given_both_precisions_keeps_both() -> None:
    both = Location(36.6, 35.9, geo_precision=2, where_prec=5)
    assert (both.geo_precision, both.where_prec) == (2, 5)
    assert (SARAQIB.geo_precision, SARAQIB.where_prec) == (1, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lon": 181.0}, "lon"),
        ({"lat": -90.5}, "lat"),
        ({"lat": float("nan")}, "lat"),
        ({"geo_precision": 4}, "geo_precision"),
        ({"where_prec": 8}, "where_prec"),
        ({"iso": 0}, "iso"),
    ],
)
def test_a_location_out_of_range_names_the_field(changes: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"lon": 36.6, "lat": 35.9, **changes}
    with pytest.raises(InputError) as error:
        Location(**values)
    assert field_of(error) == field


# Actors and fatalities


def test_actors_carry_acleds_interaction_code() -> None:
    actors = Actors("Military Forces of Syria", 1, "HTS", 2, associated2=("NFL",))
    assert actors.interaction == 12
    assert Actors("Unidentified Armed Group", 3).interaction == 30


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"actor1": "A", "inter1": 0}, "inter1"),
        ({"actor1": "", "inter1": 2}, "inter1"),
        ({"actor1": "A", "inter1": 9}, "inter1"),
        ({"actor1": "A", "inter1": 1, "inter2": 7}, "inter2"),
        ({"actor1": "A; B", "inter1": 1}, "actor1"),
        ({"actor1": "A", "inter1": 1, "associated2": ("C",)}, "associated2"),
        ({"actor1": "A", "inter1": 1, "associated1": ("C", "C")}, "associated1"),
    ],
)
def test_inconsistent_actors_are_refused(values: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as error:
        Actors(**values)
    assert field_of(error) == field


def test_fatalities_need_low_at_most_best_at_most_high() -> None:
    assert Fatalities(1, 2, 5).best == 2
    assert Fatalities.exactly(3) == Fatalities(3, 3, 3)
    for bad in ((3, 2, 5), (1, 6, 5), (-1, 0, 0)):
        with pytest.raises(InputError):
            Fatalities(*bad)


def test_a_fatality_breakdown_has_four_parts_adding_up_to_best() -> None:
    assert Fatalities(4, 4, 6, side_a=1, side_b=2, civilians=1, unknown=0).civilians == 1
    with pytest.raises(InputError):
        Fatalities(4, 4, 6, side_a=1, side_b=2, civilians=0, unknown=0)
    with pytest.raises(InputError):
        Fatalities(4, 4, 6, civilians=4)


# Incidents


def test_an_incident_takes_the_default_disorder_type_of_its_sub_type() -> None:
    assert incident().disorder_type == "Political violence"
    riot = incident(event_type="Riots", sub_event_type="Mob violence")
    assert riot.disorder_type == "Political violence; Demonstrations"
    assert riot.family == "demonstrations"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": "incident-1"}, "id"),
        ({"event_type": "Skirmish"}, "event_type"),
        ({"sub_event_type": "Armed clash"}, "sub_event_type"),
        ({"sub_event_type": "Armed skirmish"}, "sub_event_type"),
        ({"disorder_type": "Demonstrations"}, "disorder_type"),
        ({"injuries": -1}, "injuries"),
        ({"tags": ("a;b",)}, "tags"),
        ({"tags": ("truceline:monitoring=x",)}, "tags"),
        ({"report_ids": ("rep_1", "rep_1")}, "report_ids"),
        ({"possible_duplicates": ("inc_1",)}, "possible_duplicates"),
        ({"merged_into": "inc_1"}, "merged_into"),
        ({"external_ids": (("acled", "SYR1"), ("acled", "SYR2"))}, "external_ids"),
        ({"monitoring": "sighting"}, "monitoring"),
    ],
)
def test_an_incident_with_a_bad_value_names_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as error:
        incident(**changes)
    assert field_of(error) == field


def test_a_ceasefire_violation_counts_explosions_and_shots() -> None:
    made = incident(monitoring="ceasefire_violation", explosions=12, shots=40)
    assert made.monitoring is MonitoringKind.CEASEFIRE_VIOLATION
    assert (made.explosions, made.shots) == (12, 40)


def test_only_a_ceasefire_violation_counts_explosions_and_shots() -> None:
    with pytest.raises(InputError) as error:
        incident(monitoring="patrol_attack", shots=3)
    assert field_of(error) == "shots"
    with pytest.raises(InputError):
        incident(explosions=1)


@pytest.mark.parametrize(
    ("kind", "event_type", "sub_event_type"),
    [
        ("heavy_weapon_sighting", "Strategic developments", "Other"),
        ("access_restriction", "Protests", "Peaceful protest"),
        ("patrol_attack", "Battles", "Armed clash"),
        ("ceasefire_violation", "Violence against civilians", "Attack"),
    ],
)
def test_each_monitoring_kind_fits_acleds_types(
    kind: str, event_type: str, sub_event_type: str
) -> None:
    made = incident(monitoring=kind, event_type=event_type, sub_event_type=sub_event_type)
    assert made.monitoring == kind


def test_a_monitoring_kind_under_an_unfitting_type_is_refused() -> None:
    with pytest.raises(InputError) as error:
        incident(monitoring="heavy_weapon_sighting")
    assert field_of(error) == "monitoring"


def test_links_keep_zones_route_km_post_side_and_provisions() -> None:
    links = Links(("corridor-north",), "m4", 23.5, "north", 1200.0, ("ceasefire",))  # type: ignore[arg-type]
    made = incident(links=links)
    assert made.links.side is Side.NORTH
    with pytest.raises(InputError):
        Links(km_post=3.0)
    with pytest.raises(InputError):
        Links(distance_to_route_m=-1.0)
    with pytest.raises(InputError):
        Links(side="up")  # type: ignore[arg-type]


def test_an_incident_finds_its_external_ids() -> None:
    made = incident(external_ids=(("acled", "SYR1"), ("ucdp", "214804")))
    assert made.external_id("ucdp") == "214804"
    assert made.external_id("gtd") is None
