"""The permission matrix in the code is the table in docs/permissions.md, cell by cell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from truceline.domain.accounts import MONITOR_PARTY, Actor, Role
from truceline.domain.errors import PermissionDenied
from truceline.domain.permissions import (
    PERMISSIONS,
    Action,
    Scope,
    authorize,
    can,
    is_allowed,
    scope_of,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
WORDS = {"own": Scope.OWN_PARTY, "other": Scope.OTHER_PARTY, "none": Scope.NO_PARTY}
NOT_ALLOWED = "—"


def section(text: str, title: str) -> list[str]:
    """The lines under the heading `## title`, up to the next heading of that level or above."""
    lines = text.splitlines()
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if re.match(r"#{1,2} ", lines[i])), len(lines))
    return lines[start:end]


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_matrix(text: str) -> dict[tuple[str, str], frozenset[Scope]]:
    """The table under `## The matrix`: {(role, action): scopes}, exactly as written."""
    rows = [line for line in section(text, "The matrix") if line.startswith("|")]
    header, rule, *body = rows
    assert set(rule.replace("|", "")) == {"-"}, "the second row of the table is its rule"
    first, *roles = cells(header)
    assert first == "action"
    roles = [role.strip("`") for role in roles]
    matrix: dict[tuple[str, str], frozenset[Scope]] = {}
    for row in body:
        action, *values = cells(row)
        assert len(values) == len(roles), f"row {action} has {len(values)} cells"
        for role, value in zip(roles, values, strict=True):
            if value == NOT_ALLOWED:
                scopes: frozenset[Scope] = frozenset()
            else:
                words = [w.strip() for w in value.split(",")]
                assert all(w in WORDS for w in words), f"{action}/{role}: {value!r}"
                assert len(set(words)) == len(words), f"{action}/{role}: repeated {value!r}"
                scopes = frozenset(WORDS[w] for w in words)
            matrix[(role, action.strip("`"))] = scopes
    return matrix


DOC_MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"))
CELLS = [
    pytest.param(role, action, scope, id=f"{role}-{action}-{scope}")
    for (role, action), _ in sorted(DOC_MATRIX.items())
    for scope in Scope
]


def test_the_doc_table_names_every_role_and_every_action_exactly_once() -> None:
    assert {role for role, _ in DOC_MATRIX} == {str(r) for r in Role}
    assert {action for _, action in DOC_MATRIX} == {str(a) for a in Action}
    assert len(DOC_MATRIX) == len(Role) * len(Action) == len(PERMISSIONS)


@pytest.mark.parametrize(("role", "action", "scope"), CELLS)
def test_the_code_allows_a_role_an_action_in_a_scope_exactly_when_the_doc_does(
    role: str, action: str, scope: Scope
) -> None:
    documented = scope in DOC_MATRIX[(role, action)]
    assert is_allowed(Role(role), Action(action), scope) is documented


def test_every_action_has_its_sentence_in_the_doc() -> None:
    lines = section(DOC.read_text(encoding="utf-8"), "The actions")
    described = {m.group(1) for line in lines if (m := re.match(r"- `([a-z_]+)`: \S", line))}
    assert described == {str(a) for a in Action}


def test_the_matrix_parser_reads_each_kind_of_cell() -> None:
    text = (
        "## The matrix\n\n| action | `analyst` | `monitor` |\n|---|---|---|\n"
        "| `view_record` | own, other, none | — |\n| `report_incident` | — | own |\n## Next\n"
    )
    assert parse_matrix(text) == {
        ("analyst", "view_record"): frozenset(Scope),
        ("monitor", "view_record"): frozenset(),
        ("analyst", "report_incident"): frozenset(),
        ("monitor", "report_incident"): frozenset({Scope.OWN_PARTY}),
    }


# --- the rules the matrix must keep, whatever else changes ---------------------------------

PARTY_ACTIONS = [
    Action.REPORT_INCIDENT,
    Action.RECORD_POSITION,
    Action.APPROVE_JOINT_FINDING,
    Action.APPROVE_STATEMENT,
    Action.CONFIRM_ASSESSMENT,
    Action.PLAN_PATROL,
    Action.ACKNOWLEDGE_PATROL,
    Action.DRAFT_STATEMENT,
    Action.LOG_HOTLINE_MESSAGE,
    Action.RECORD_OBSERVATION,
]
READS = {Action.VIEW_RECORD, Action.VIEW_AUDIT, Action.EXPORT_DATA}
SELF_SERVICE = {Action.MANAGE_TOKENS_OWN, Action.REGISTER_OWN_KEY}


@pytest.mark.parametrize("action", PARTY_ACTIONS)
def test_an_administrator_never_acts_for_a_party(action: Action) -> None:
    assert PERMISSIONS[(Role.ADMINISTRATOR, action)] == frozenset()


@pytest.mark.parametrize("action", list(Action))
def test_nobody_acts_on_behalf_of_another_party_except_to_read_or_administer(
    action: Action,
) -> None:
    if action in READS or action is Action.VIEW_USERS:
        return
    for role in Role:
        if role is Role.ADMINISTRATOR:
            continue
        assert Scope.OTHER_PARTY not in PERMISSIONS[(role, action)], (role, action)


def test_an_analyst_only_reads_besides_managing_their_own_account() -> None:
    allowed = {a for a in Action if PERMISSIONS[(Role.ANALYST, a)]}
    assert allowed == READS | SELF_SERVICE


@pytest.mark.parametrize(
    "action", [Action.APPROVE_JOINT_FINDING, Action.APPROVE_STATEMENT, Action.CONFIRM_ASSESSMENT]
)
def test_only_the_authorized_officer_approves_and_only_for_their_own_party(action: Action) -> None:
    granted = {role: scopes for role in Role if (scopes := PERMISSIONS[(role, action)])}
    assert granted == {Role.AUTHORIZED_OFFICER: frozenset({Scope.OWN_PARTY})}


# --- scope_of and authorize ---------------------------------------------------------------

RU_ZONE = Actor("usr_zo", "ru-zo", "ru", Role.ZONE_OFFICER)
RU_AUTHORIZED = Actor("usr_ao", "ru-ao", "ru", Role.AUTHORIZED_OFFICER)
TR_INFO = Actor("usr_ig", "tr-ig", "tr", Role.INFO_GROUP_MEMBER)
MONITOR = Actor("usr_mo", "mon", MONITOR_PARTY, Role.MONITOR)
ANALYST = Actor("usr_an", "ana", "tr", Role.ANALYST)
ADMIN = Actor("usr_ad", "admin", None, Role.ADMINISTRATOR)


def test_scope_of_compares_the_target_party_with_the_actors() -> None:
    assert scope_of(RU_ZONE, "ru") is Scope.OWN_PARTY
    assert scope_of(RU_ZONE, "tr") is Scope.OTHER_PARTY
    assert scope_of(RU_ZONE, None) is Scope.NO_PARTY
    assert scope_of(ADMIN, "ru") is Scope.OTHER_PARTY
    assert scope_of(ADMIN, None) is Scope.NO_PARTY
    assert scope_of(MONITOR, MONITOR_PARTY) is Scope.OWN_PARTY


def test_a_zone_officer_reports_for_their_own_party_but_not_for_the_other() -> None:
    authorize(RU_ZONE, Action.REPORT_INCIDENT, "ru")
    with pytest.raises(PermissionDenied, match=r"ru-zo \(zone_officer\) may not report_incident"):
        authorize(RU_ZONE, Action.REPORT_INCIDENT, "tr")


def test_an_authorized_officer_approves_for_their_own_party_only() -> None:
    authorize(RU_AUTHORIZED, Action.APPROVE_STATEMENT, "ru")
    with pytest.raises(PermissionDenied, match="scope other_party"):
        authorize(RU_AUTHORIZED, Action.APPROVE_STATEMENT, "tr")


def test_an_information_group_member_drafts_but_does_not_approve() -> None:
    authorize(TR_INFO, Action.DRAFT_STATEMENT, "tr")
    with pytest.raises(PermissionDenied, match="info_group_member"):
        authorize(TR_INFO, Action.APPROVE_STATEMENT, "tr")


def test_a_monitor_records_a_verdict_for_the_monitor_only() -> None:
    authorize(MONITOR, Action.RECORD_MONITOR_VERDICT, MONITOR_PARTY)
    with pytest.raises(PermissionDenied, match="monitor"):
        authorize(MONITOR, Action.RECORD_POSITION, "ru")


def test_an_analyst_reads_any_partys_record_and_cannot_report() -> None:
    authorize(ANALYST, Action.VIEW_RECORD, "ru")
    authorize(ANALYST, Action.EXPORT_DATA, None)
    with pytest.raises(PermissionDenied, match=r"analyst\) may not report_incident"):
        authorize(ANALYST, Action.REPORT_INCIDENT, "tr")


def test_an_administrator_manages_users_but_cannot_record_a_position() -> None:
    authorize(ADMIN, Action.MANAGE_USERS, "ru")
    authorize(ADMIN, Action.LOAD_AGREEMENT)
    with pytest.raises(PermissionDenied, match="for party 'ru' \\(scope other_party\\)"):
        authorize(ADMIN, Action.RECORD_POSITION, "ru")


def test_the_operator_has_the_administrators_permissions_and_no_more() -> None:
    operator = Actor.operator()
    authorize(operator, Action.MANAGE_USERS, "tr")
    authorize(operator, Action.PUBLISH_CHECKPOINT)
    with pytest.raises(PermissionDenied, match=r"operator \(administrator\)"):
        authorize(operator, Action.APPROVE_JOINT_FINDING, "ru")


def test_an_actor_without_a_role_may_do_nothing() -> None:
    nobody = Actor("usr_x", "x", "ru", None)
    assert not can(nobody, Action.VIEW_RECORD, "ru")
    with pytest.raises(PermissionDenied, match="no role"):
        authorize(nobody, Action.VIEW_RECORD, "ru")


def test_can_agrees_with_authorize() -> None:
    assert can(RU_ZONE, Action.PLAN_PATROL, "ru")
    assert not can(RU_ZONE, Action.PLAN_PATROL, "tr")
