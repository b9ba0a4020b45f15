"""Demo accounts: one user per role for each guarantor party, a monitor, an analyst, an admin."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime

from truceline.domain.accounts import MONITOR_PARTY, Actor, Role, User
from truceline.domain.agreements import Party, PartyRole
from truceline.services.accounts import DEFAULT_POLICY, AccountPolicy, AddUser, add_user
from truceline.services.ledger import Signer, utc_now
from truceline.services.unit_of_work import UnitOfWork

DEMO_PARTY_ROLES = (Role.ZONE_OFFICER, Role.AUTHORIZED_OFFICER, Role.INFO_GROUP_MEMBER)


def demo_users(
    uow: UnitOfWork,
    agreement_parties: Sequence[Party],
    signer: Signer,
    *,
    now: Callable[[], datetime] = utc_now,
    policy: AccountPolicy = DEFAULT_POLICY,
) -> list[tuple[User, str]]:
    """One user per role for each guarantor party, a monitor, an analyst and an administrator.

    Created by the operator (`signer` is the log's key) only when no account
    exists yet; returns each user with a generated password, to show once.
    """
    with uow:
        if uow.accounts.count_users():
            return []
    wanted: list[tuple[str, str, str | None, Role]] = []
    seen: set[str] = set()
    for each in agreement_parties:
        if PartyRole.GUARANTOR not in each.roles or each.id in seen:
            continue
        seen.add(each.id)
        short = each.short_name or each.name
        for role in DEMO_PARTY_ROLES:
            wanted.append((_demo_username(each.id, role), f"{short} {_words(role)}", each.id, role))
    wanted.append(("monitor", "Monitor", MONITOR_PARTY, Role.MONITOR))
    wanted.append(("analyst", "Analyst", MONITOR_PARTY, Role.ANALYST))
    wanted.append(("admin", "Administrator", None, Role.ADMINISTRATOR))
    created = []
    for username, name, party, role in wanted:
        password = secrets.token_urlsafe(15)
        user = add_user(
            AddUser(username, name, party, role, password),
            uow,
            Actor.operator(),
            signer,
            now=now,
            policy=policy,
        )
        created.append((user, password))
    return created


def _demo_username(party_id: str, role: Role) -> str:
    stem = "".join(c if c.isascii() and c.isalnum() else "-" for c in party_id.lower())[:10]
    if not stem[:1].isalpha():
        stem = f"p{stem}"
    suffix = {
        Role.ZONE_OFFICER: "zone-officer",
        Role.AUTHORIZED_OFFICER: "authorized-officer",
        Role.INFO_GROUP_MEMBER: "info-group",
    }[role]
    return f"{stem}-{suffix}"


def _words(role: Role) -> str:
    return str(role).replace("_", " ")
