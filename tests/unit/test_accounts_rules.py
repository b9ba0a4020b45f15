"""Who may hold an account, and the login lockout, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from truceline.domain.accounts import (
    MONITOR_PARTY,
    Actor,
    LockoutPolicy,
    LoginAttempt,
    Role,
    User,
    check_display_name,
    check_one_authorized_officer,
    check_party,
    check_password,
    check_public_key,
    check_scopes,
    check_token_name,
    check_username,
    lock_state,
    new_id,
)
from truceline.domain.errors import ConflictError, InputError

PARTIES = {"ru", "tr", "sy-gov"}
T0 = datetime(2020, 9, 1, 12, 0, tzinfo=UTC)
POLICY = LockoutPolicy(max_failures=5, window=timedelta(minutes=15), lock_for=timedelta(minutes=15))


def officer(party: str, *, disabled: bool = False) -> User:
    return User(
        id=new_id("usr"),
        username=f"{party}-ao",
        display_name="Officer",
        party=party,
        role=Role.AUTHORIZED_OFFICER,
        disabled=disabled,
        public_key=None,
        created_at=T0,
    )


@pytest.mark.parametrize("name", ["alice", "ru-zone-officer", "a.b_c-9", "abc", "a" * 32])
def test_a_well_formed_username_is_accepted(name: str) -> None:
    assert check_username(name) == name


@pytest.mark.parametrize(
    "name", ["", "ab", "a" * 33, "Alice", "9lives", "-dash", "al ice", "élodie", "a/b", "a@b"]
)
def test_a_malformed_username_is_refused_naming_the_field(name: str) -> None:
    with pytest.raises(InputError, match="username"):
        check_username(name)


@pytest.mark.parametrize("name", ["operator", "root", "system"])
def test_a_reserved_username_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="reserved"):
        check_username(name)


def test_a_password_needs_twelve_characters() -> None:
    assert check_password("x" * 12) == "x" * 12
    with pytest.raises(InputError, match="at least 12 characters"):
        check_password("x" * 11)


def test_a_password_of_spaces_or_of_megabytes_is_refused() -> None:
    with pytest.raises(InputError, match="only spaces"):
        check_password(" " * 20)
    with pytest.raises(InputError, match="at most 1024"):
        check_password("x" * 1025)


def test_a_display_name_is_trimmed_and_must_say_something() -> None:
    assert check_display_name("  Russia zone officer ") == "Russia zone officer"
    for bad in ["", "   ", "x" * 201, "tab\there"]:
        with pytest.raises(InputError, match="display_name"):
            check_display_name(bad)


def test_an_administrator_belongs_to_no_party() -> None:
    check_party(Role.ADMINISTRATOR, None, PARTIES)
    with pytest.raises(InputError, match="an administrator belongs to no party"):
        check_party(Role.ADMINISTRATOR, "ru", PARTIES)


def test_a_monitor_belongs_to_the_monitor() -> None:
    check_party(Role.MONITOR, MONITOR_PARTY, PARTIES)
    for party in ["ru", None]:
        with pytest.raises(InputError, match="a monitor belongs to the party 'monitor'"):
            check_party(Role.MONITOR, party, PARTIES)


@pytest.mark.parametrize(
    "role", [Role.ZONE_OFFICER, Role.AUTHORIZED_OFFICER, Role.INFO_GROUP_MEMBER, Role.ANALYST]
)
def test_party_roles_need_a_party_of_the_agreement(role: Role) -> None:
    check_party(role, "ru", PARTIES)
    with pytest.raises(InputError, match="belongs to a party of the agreement"):
        check_party(role, None, PARTIES)
    with pytest.raises(InputError, match="'xx' is not a party of the agreement"):
        check_party(role, "xx", PARTIES)


def test_only_an_analyst_may_belong_to_the_monitor_besides_monitors() -> None:
    check_party(Role.ANALYST, MONITOR_PARTY, PARTIES)
    with pytest.raises(InputError, match="not a party"):
        check_party(Role.ZONE_OFFICER, MONITOR_PARTY, PARTIES)


def test_with_no_agreement_loaded_the_refusal_says_so() -> None:
    with pytest.raises(InputError, match="no agreement is loaded"):
        check_party(Role.ZONE_OFFICER, "ru", set())


def test_a_second_active_authorized_officer_of_a_party_is_refused() -> None:
    with pytest.raises(ConflictError, match="party 'ru' already has an active authorized officer"):
        check_one_authorized_officer(Role.AUTHORIZED_OFFICER, "ru", [officer("ru")])


def test_an_authorized_officer_is_accepted_when_the_first_is_disabled_or_elsewhere() -> None:
    check_one_authorized_officer(Role.AUTHORIZED_OFFICER, "ru", [officer("ru", disabled=True)])
    check_one_authorized_officer(Role.AUTHORIZED_OFFICER, "ru", [officer("tr")])
    check_one_authorized_officer(Role.ZONE_OFFICER, "ru", [officer("ru")])


def test_a_public_key_is_32_bytes() -> None:
    assert check_public_key(b"k" * 32) == b"k" * 32
    with pytest.raises(InputError, match="32 bytes, not 31"):
        check_public_key(b"k" * 31)


def test_scopes_are_known_deduplicated_and_in_the_documented_order() -> None:
    assert check_scopes(["write", "read", "write"], Role.ZONE_OFFICER) == ("read", "write")
    with pytest.raises(InputError, match="at least one scope"):
        check_scopes([], Role.ZONE_OFFICER)
    with pytest.raises(InputError, match="unknown scope 'delete'"):
        check_scopes(["delete"], Role.ZONE_OFFICER)


def test_only_an_administrators_token_has_the_admin_scope() -> None:
    assert check_scopes(["admin"], Role.ADMINISTRATOR) == ("admin",)
    with pytest.raises(InputError, match="only an administrator"):
        check_scopes(["read", "admin"], Role.AUTHORIZED_OFFICER)


def test_a_token_name_is_trimmed_and_bounded() -> None:
    assert check_token_name(" laptop ") == "laptop"
    for bad in ["", "  ", "x" * 101]:
        with pytest.raises(InputError, match="name"):
            check_token_name(bad)


def test_ids_are_prefixed_and_random() -> None:
    first, second = new_id("usr"), new_id("usr")
    assert first.startswith("usr_")
    assert len(first) == 24
    assert first != second


def test_the_operator_is_an_actor_without_role_or_party() -> None:
    operator = Actor.operator()
    assert (operator.user_id, operator.party, operator.role) == ("operator", None, None)
    assert operator.is_operator
    assert not Actor("usr_x", "x", None, Role.ADMINISTRATOR).is_operator


# --- lockout ------------------------------------------------------------------------------


def failures(*minutes: float) -> list[LoginAttempt]:
    return [LoginAttempt(T0 + timedelta(minutes=m), ok=False) for m in minutes]


def test_five_failures_within_fifteen_minutes_lock_for_fifteen_minutes() -> None:
    attempts = failures(0, 1, 2, 3, 4)
    state = lock_state(attempts, T0 + timedelta(minutes=5), POLICY)
    assert state.locked_until == T0 + timedelta(minutes=19)
    assert lock_state(attempts, T0 + timedelta(minutes=19), POLICY).locked_until is None


def test_four_failures_do_not_lock_and_are_counted() -> None:
    state = lock_state(failures(0, 1, 2, 3), T0 + timedelta(minutes=4), POLICY)
    assert state == type(state)(locked_until=None, failures=4)


def test_failures_spread_beyond_the_window_do_not_lock() -> None:
    state = lock_state(failures(0, 5, 10, 16, 21), T0 + timedelta(minutes=22), POLICY)
    assert state.locked_until is None


def test_a_success_clears_the_count() -> None:
    attempts = [*failures(0, 1, 2, 3), LoginAttempt(T0 + timedelta(minutes=4), ok=True)]
    attempts += failures(5)
    state = lock_state(attempts, T0 + timedelta(minutes=6), POLICY)
    assert state.locked_until is None
    assert state.failures == 1


def test_attempts_while_locked_neither_count_nor_extend_the_lock() -> None:
    attempts = failures(0, 1, 2, 3, 4, 6, 8, 10, 12)
    assert lock_state(attempts, T0 + timedelta(minutes=13), POLICY).locked_until == T0 + timedelta(
        minutes=19
    )
    after = lock_state(attempts, T0 + timedelta(minutes=20), POLICY)
    assert after == type(after)(locked_until=None, failures=0)


def test_failing_again_after_a_lock_starts_a_new_count() -> None:
    attempts = failures(0, 1, 2, 3, 4, 20, 21, 22, 23, 24)
    state = lock_state(attempts, T0 + timedelta(minutes=25), POLICY)
    assert state.locked_until == T0 + timedelta(minutes=39)
