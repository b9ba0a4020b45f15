"""The roster's rules on plain values: one officer per party and post, handovers, who is on duty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import pytest

from truceline.adapters.packs import read_pack
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError
from truceline.domain.roster import (
    AUTHORIZED,
    Duty,
    check_post,
    end_duty,
    guarantor_parties,
    hand_over,
    holder,
    on_duty,
    start_duty,
    zone_posts,
)
from truceline.domain.roster_records import (
    assignment_from_dict,
    duty_from_dict,
    duty_to_dict,
    ending_from_dict,
)
from truceline.packs import example_pack_path

T0 = datetime(2020, 3, 15, 6, 0, tzinfo=UTC)


@cache
def agreement() -> Agreement:
    return read_pack(example_pack_path("idlib-m4"))


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def duty(
    duty_id: str = "duty_a",
    user: str = "usr_a",
    start: float = 0,
    end: float | None = None,
    party: str = "tr",
    post: str = "corridor-north",
) -> Duty:
    return Duty(duty_id, party, post, user, at(start), None if end is None else at(end))


def test_the_posts_are_the_zones_with_a_responsible_party_and_the_guarantors_keep_them() -> None:
    assert zone_posts(agreement()) == ("corridor-north", "corridor-south")
    assert set(guarantor_parties(agreement())) == {"ru", "tr"}
    check_post(agreement(), "ru", "corridor-north")
    check_post(agreement(), "tr", AUTHORIZED)


@pytest.mark.parametrize(
    ("party", "post", "field"),
    [("sy-gov", "corridor-north", "party"), ("tr", "nowhere", "post"), ("xx", AUTHORIZED, "party")],
)
def test_a_party_that_is_no_guarantor_or_an_unknown_post_is_refused_naming_it(
    party: str, post: str, field: str
) -> None:
    with pytest.raises(InputError) as refused:
        check_post(agreement(), party, post)
    assert refused.value.field == field


def test_a_period_covers_its_start_but_not_its_end() -> None:
    period = duty(start=0, end=8)
    assert period.covers(at(0))
    assert period.covers(at(7.99))
    assert not period.covers(at(8))
    assert not period.covers(at(-0.01))
    assert duty(start=0).covers(at(10_000))


def test_a_period_must_end_after_it_starts() -> None:
    with pytest.raises(InputError) as refused:
        duty(start=2, end=2)
    assert refused.value.field == "end"


def test_a_second_officer_of_the_same_party_at_the_same_post_and_time_is_refused() -> None:
    first = duty("duty_a", "usr_a", start=0)
    with pytest.raises(ConflictError, match="duty_a"):
        start_duty([first], duty("duty_b", "usr_b", start=5))
    with pytest.raises(ConflictError):
        start_duty([duty("duty_a", start=0, end=8)], duty("duty_b", "usr_b", start=-2, end=1))


def test_the_other_party_or_another_post_or_a_later_time_is_no_clash() -> None:
    first = duty("duty_a", "usr_a", start=0, end=8)
    start_duty([first], duty("duty_b", "usr_b", start=1, party="ru"))
    start_duty([first], duty("duty_c", "usr_b", start=1, post="corridor-south"))
    start_duty([first], duty("duty_d", "usr_b", start=8))
    start_duty([first], duty("duty_e", "usr_b", start=-3, end=0))


def test_one_authorized_officer_per_party_at_any_instant() -> None:
    ao = duty("duty_a", "usr_ao", start=0, post=AUTHORIZED)
    with pytest.raises(ConflictError):
        start_duty([ao], duty("duty_b", "usr_ao2", start=3, post=AUTHORIZED))
    start_duty([ao], duty("duty_c", "usr_ru_ao", start=3, post=AUTHORIZED, party="ru"))


def test_a_handover_ends_the_current_period_at_the_instant_the_successor_starts() -> None:
    current = duty("duty_a", "usr_a", start=0)
    ended, taken = hand_over([current], current, duty("duty_b", "usr_b", start=8))
    assert ended.end == taken.start == at(8)
    assert (ended.handed_over_to, taken.handed_over_from) == ("duty_b", "duty_a")
    assert taken.is_open
    assert holder([ended, taken], "tr", "corridor-north", at(7.999)) == ended
    assert holder([ended, taken], "tr", "corridor-north", at(8)) == taken


def test_a_handover_outside_the_current_period_or_to_the_same_officer_is_refused() -> None:
    current = duty("duty_a", "usr_a", start=0)
    with pytest.raises(InputError, match="does not cover"):
        hand_over([current], current, duty("duty_b", "usr_b", start=-1))
    with pytest.raises(InputError, match="does not cover"):
        hand_over([current], current, duty("duty_b", "usr_b", start=0))
    with pytest.raises(InputError) as same:
        hand_over([current], current, duty("duty_b", "usr_a", start=4))
    assert same.value.field == "user"


def test_a_period_that_ended_is_never_handed_over_so_its_end_stays() -> None:
    ended = duty("duty_a", "usr_a", start=0, end=8)
    with pytest.raises(ConflictError, match="already ended"):
        hand_over([ended], ended, duty("duty_b", "usr_b", start=4))


def test_ending_a_period_sets_its_end_once() -> None:
    ended = end_duty(duty(start=0), at(12))
    assert ended.end == at(12)
    with pytest.raises(ConflictError, match="already ended"):
        end_duty(ended, at(13))
    with pytest.raises(InputError) as early:
        end_duty(duty(start=0), at(0))
    assert early.value.field == "end"


def test_on_duty_names_each_guarantors_officer_per_zone_and_each_authorized_officer() -> None:
    tr_north = duty("duty_1", "usr_tr1", start=0, end=8)
    tr_north_next = duty("duty_2", "usr_tr2", start=8)
    ru_south = duty("duty_3", "usr_ru1", start=1, party="ru", post="corridor-south")
    ru_ao = duty("duty_4", "usr_ruao", start=0, party="ru", post=AUTHORIZED)
    every = [tr_north, tr_north_next, ru_south, ru_ao]

    early = on_duty(agreement(), every, at(0.5))
    assert early.zones["corridor-north"] == {"tr": tr_north, "ru": None}
    assert early.zones["corridor-south"] == {"tr": None, "ru": None}
    assert early.authorized == {"ru": ru_ao, "tr": None}

    later = on_duty(agreement(), every, at(9))
    assert later.zones["corridor-north"]["tr"] == tr_north_next
    assert later.zones["corridor-south"]["ru"] == ru_south
    before = on_duty(agreement(), every, at(-1))
    assert all(d is None for z in before.zones.values() for d in z.values())


def test_a_duty_round_trips_through_its_stored_form() -> None:
    current = duty("duty_a", "usr_a", start=0)
    ended, taken = hand_over([current], current, duty("duty_b", "usr_b", start=8))
    for value in (ended, taken):
        assert duty_from_dict(duty_to_dict(value)) == value


def test_an_assignment_names_its_bad_field() -> None:
    with pytest.raises(InputError) as missing:
        assignment_from_dict({"post": "corridor-north"})
    assert missing.value.field == "user"
    with pytest.raises(InputError) as unknown:
        assignment_from_dict({"post": "corridor-north", "user": "a", "zone": "x"})
    assert unknown.value.field == "zone"
    with pytest.raises(InputError) as bad_time:
        assignment_from_dict({"post": "corridor-north", "user": "a", "start": "2020-03-15 06:00"})
    assert bad_time.value.field == "start"
    with pytest.raises(InputError) as stray_from:
        assignment_from_dict({"post": "corridor-north", "user": "a", "from": "duty_x"})
    assert stray_from.value.field == "from"
    with pytest.raises(InputError) as bad_id:
        assignment_from_dict({"post": "corridor-north", "user": "a", "id": "inc_1"})
    assert bad_id.value.field == "id"
    with pytest.raises(InputError) as bad_end:
        ending_from_dict({"end": 5})
    assert bad_end.value.field == "end"
