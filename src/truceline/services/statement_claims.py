"""A party's claims: its unilateral statements, recorded and published at once.

A claim is recorded by the party's authorized officer or one of its
information-group members (``draft_statement`` or ``approve_statement`` for
their own party), never approved by the other side and never changed; it is
shown beside the joint position on the incidents it names. Like every
command, it is one transaction: the claim, its signed log entry
(``statement.claim_recorded``, naming the party and the text's digest) and
its first step.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from truceline.domain import statements as rules
from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.errors import PermissionDenied
from truceline.domain.permissions import Action, can
from truceline.domain.statement_records import (
    TEXT_KEYS,
    check_stated_sha256,
    keys,
    text_from,
    text_to_dict,
)
from truceline.domain.statements import Statement
from truceline.services.authorship import Signing
from truceline.services.incidents import Now, active_actor
from truceline.services.ledger import utc_now
from truceline.services.statements import check_links, store_new, with_id
from truceline.services.unit_of_work import UnitOfWork


def may_record_claim(actor: Actor, party: str | None) -> bool:
    """Whether the actor may record `party`'s claim: its authorized officer or IG member."""
    return party is not None and (
        can(actor, Action.DRAFT_STATEMENT, party) or can(actor, Action.APPROVE_STATEMENT, party)
    )


def record_claim(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Statement:
    """Record the actor's party's unilateral statement: its claim, public at once.

    ``data`` is {title, body, incidents, provisions}, optionally id, party
    (the actor's own) and text_sha256.
    """
    data = with_id(data)
    keys(data, "", ("id", "party", *TEXT_KEYS, "text_sha256"))
    with uow:
        actor = active_actor(uow, actor)
        party = actor.party
        named = data.get("party")
        if named is not None and named != party:
            raise PermissionDenied(
                f"{actor.username} records claims for {party!r} only, not for {named!r}"
            )
        if party is None or not may_record_claim(actor, party):
            raise PermissionDenied(
                f"{actor.username} ({actor.role}) may not record a claim for party {party!r}: "
                "its authorized officer or an information-group member does"
            )
        text = text_from(data)
        check_stated_sha256(data, text)
        check_links(uow, agreement, text)
        statement_id = str(data["id"])
        event_data = {"id": statement_id, "party": party, **text_to_dict(text)}
        event_data["text_sha256"] = text.sha256

        def make(number: int) -> Statement:
            return rules.claim(statement_id, number, text, party=party, by=actor.user_id, at=at)

        return store_new(
            uow,
            signing,
            agreement,
            "statement.claim_recorded",
            actor,
            event_data,
            make,
            at,
            now,
        )
