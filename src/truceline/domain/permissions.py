"""The permission matrix: which role may take which action, for which party.

Every check is (role, action, scope). The scope relates the actor's party to
the *target party* of the action: the party on whose behalf it is taken (a
position, an approval, a report), or the party whose records or accounts it
touches. ``own_party`` when they are the same, ``other_party`` when they
differ, ``no_party`` when the target belongs to no party (an agreement, the
log, an administrator's account).

docs/permissions.md is the same matrix as a table, with a sentence per
action; a test reads that table and checks it against ``PERMISSIONS`` cell by
cell, so neither can change alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from truceline.domain.accounts import Actor, Role
from truceline.domain.errors import PermissionDenied


class Action(StrEnum):
    """Something a user can do; later features add their actions here and to the doc."""

    VIEW_RECORD = "view_record"
    VIEW_AUDIT = "view_audit"
    VIEW_USERS = "view_users"
    EXPORT_DATA = "export_data"
    MANAGE_USERS = "manage_users"
    MANAGE_TOKENS_OWN = "manage_tokens_own"
    REGISTER_OWN_KEY = "register_own_key"
    LOAD_AGREEMENT = "load_agreement"
    PUBLISH_CHECKPOINT = "publish_checkpoint"
    REPORT_INCIDENT = "report_incident"
    CONSOLIDATE_INCIDENTS = "consolidate_incidents"
    IMPORT_DATA = "import_data"
    RECORD_POSITION = "record_position"
    RECORD_MONITOR_VERDICT = "record_monitor_verdict"
    APPROVE_JOINT_FINDING = "approve_joint_finding"
    RECORD_OBSERVATION = "record_observation"
    RECORD_ACCESS_RESTRICTION = "record_access_restriction"
    PLAN_PATROL = "plan_patrol"
    ACKNOWLEDGE_PATROL = "acknowledge_patrol"
    RECORD_PATROL_OUTCOME = "record_patrol_outcome"
    LOG_HOTLINE_MESSAGE = "log_hotline_message"
    DRAFT_STATEMENT = "draft_statement"
    APPROVE_STATEMENT = "approve_statement"
    PUBLISH_STATEMENT = "publish_statement"
    PROPOSE_ASSESSMENT = "propose_assessment"
    CONFIRM_ASSESSMENT = "confirm_assessment"
    INGEST_OPEN_SOURCE = "ingest_open_source"
    REVIEW_CANDIDATES = "review_candidates"
    MANAGE_SOURCES = "manage_sources"


class Scope(StrEnum):
    """How the target party of an action relates to the actor's party."""

    OWN_PARTY = "own_party"
    OTHER_PARTY = "other_party"
    NO_PARTY = "no_party"


_NONE: frozenset[Scope] = frozenset()
OWN = frozenset({Scope.OWN_PARTY})
NO_PARTY = frozenset({Scope.NO_PARTY})
ALL = frozenset(Scope)
#: An administrator has no party, so "own party" never arises for one.
ADMIN_ALL = frozenset({Scope.OTHER_PARTY, Scope.NO_PARTY})

_ZO, _AO, _IG = Role.ZONE_OFFICER, Role.AUTHORIZED_OFFICER, Role.INFO_GROUP_MEMBER
_MO, _AN, _AD = Role.MONITOR, Role.ANALYST, Role.ADMINISTRATOR
_PARTY_ROLES = (_ZO, _AO, _IG, _MO, _AN)

# What each action allows, role by role; a role not named may not take the action.
_GRANTS: dict[Action, dict[Role, frozenset[Scope]]] = {
    Action.VIEW_RECORD: {**dict.fromkeys(_PARTY_ROLES, ALL), _AD: ADMIN_ALL},
    Action.VIEW_AUDIT: {**dict.fromkeys(_PARTY_ROLES, ALL), _AD: ADMIN_ALL},
    Action.VIEW_USERS: {_AO: OWN, _AD: ADMIN_ALL},
    Action.EXPORT_DATA: dict.fromkeys((_AO, _IG, _MO, _AN), ALL),
    Action.MANAGE_USERS: {_AD: ADMIN_ALL},
    Action.MANAGE_TOKENS_OWN: {**dict.fromkeys(_PARTY_ROLES, OWN), _AD: NO_PARTY},
    Action.REGISTER_OWN_KEY: {**dict.fromkeys(_PARTY_ROLES, OWN), _AD: NO_PARTY},
    Action.LOAD_AGREEMENT: {_AD: NO_PARTY},
    Action.PUBLISH_CHECKPOINT: {_AD: NO_PARTY},
    Action.REPORT_INCIDENT: {_ZO: OWN, _MO: OWN},
    Action.CONSOLIDATE_INCIDENTS: dict.fromkeys((_ZO, _AO, _MO), NO_PARTY),
    Action.IMPORT_DATA: {_AD: NO_PARTY},
    Action.RECORD_POSITION: {_ZO: OWN, _AO: OWN},
    Action.RECORD_MONITOR_VERDICT: {_MO: OWN},
    Action.APPROVE_JOINT_FINDING: {_AO: OWN},
    Action.RECORD_OBSERVATION: {_ZO: OWN, _MO: OWN},
    Action.RECORD_ACCESS_RESTRICTION: {_ZO: OWN, _MO: OWN},
    Action.PLAN_PATROL: {_ZO: OWN},
    Action.ACKNOWLEDGE_PATROL: {_ZO: OWN},
    Action.RECORD_PATROL_OUTCOME: {_ZO: OWN},
    Action.LOG_HOTLINE_MESSAGE: {_ZO: OWN, _AO: OWN},
    Action.DRAFT_STATEMENT: {_IG: OWN},
    Action.APPROVE_STATEMENT: {_AO: OWN},
    Action.PUBLISH_STATEMENT: {_IG: OWN},
    Action.PROPOSE_ASSESSMENT: {_IG: OWN, _MO: OWN},
    Action.CONFIRM_ASSESSMENT: {_AO: OWN},
    Action.INGEST_OPEN_SOURCE: {**dict.fromkeys((_ZO, _IG, _MO), NO_PARTY), _AD: NO_PARTY},
    Action.REVIEW_CANDIDATES: dict.fromkeys((_ZO, _IG, _MO), NO_PARTY),
    Action.MANAGE_SOURCES: {**dict.fromkeys((_IG, _MO), NO_PARTY), _AD: NO_PARTY},
}

#: The matrix: for every role and action, the scopes in which the role may take it.
PERMISSIONS: Mapping[tuple[Role, Action], frozenset[Scope]] = MappingProxyType(
    {(role, action): _GRANTS[action].get(role, _NONE) for action in Action for role in Role}
)


def is_allowed(role: Role, action: Action, scope: Scope) -> bool:
    """Whether `role` may take `action` in `scope`."""
    return scope in PERMISSIONS[(role, action)]


def scope_of(actor: Actor, target_party: str | None) -> Scope:
    """How `target_party` relates to the actor: their own party, another, or no party at all."""
    if target_party is None:
        return Scope.NO_PARTY
    if actor.party is not None and actor.party == target_party:
        return Scope.OWN_PARTY
    return Scope.OTHER_PARTY


def effective_role(actor: Actor) -> Role | None:
    """The role whose permissions apply: the operator acts as an administrator."""
    return Role.ADMINISTRATOR if actor.is_operator else actor.role


def authorize(actor: Actor, action: Action, target_party: str | None = None) -> None:
    """Return when the actor may take `action` for `target_party`; PermissionDenied otherwise."""
    role = effective_role(actor)
    scope = scope_of(actor, target_party)
    if role is None:
        raise PermissionDenied(f"{actor.username} has no role and may not {action}")
    if not is_allowed(role, action, scope):
        target = "no party" if target_party is None else f"party {target_party!r}"
        raise PermissionDenied(
            f"{actor.username} ({role}) may not {action} for {target} (scope {scope})"
        )


def can(actor: Actor, action: Action, target_party: str | None = None) -> bool:
    """Whether `authorize` would pass: for the UI, to hide what the user may not do."""
    role = effective_role(actor)
    return role is not None and is_allowed(role, action, scope_of(actor, target_party))
