"""Joint statements: draft one, revise it, approve it, publish it (claims: statement_claims).

Every command checks the actor's permission (``domain.permissions``):
information-group members draft, revise and publish for their own party;
each guarantor's authorized officer approves for their own party, and the
party of an approval is always the approver's own: no command names it. A
party's unilateral claim is recorded by its authorized officer or one of its
information-group members.

Each command applies the rule of ``domain.statements``, appends one ledger
entry whose data is exactly the command's data (ids, version number and text
digest included), stores the statement as a field record of kind
``statement`` and keeps the change as a step tied to that entry; all in one
transaction. Approving *is* signing: the ``statement.approved`` event names
the statement, the version and its ``text_sha256``, and the approver's key
signs it (in the browser session, with the CLI's key, or on the approver's
machine through the API); that signature is kept with the approval.

After the entry is appended (which serialises writers), the statement is
read again and the change applied once more, so a revision and an approval
at the same moment cannot both pass: the later one meets the rules against
the statement as the earlier one left it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from truceline.domain import statements as rules
from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError, NotFoundError
from truceline.domain.events import Event
from truceline.domain.permissions import Action, authorize
from truceline.domain.statement_records import (
    TEXT_KEYS,
    check_stated_sha256,
    keys,
    optional_sha256,
    optional_whole,
    text_from,
    text_to_dict,
    whole,
)
from truceline.domain.statement_text import StatementText
from truceline.domain.statements import Statement, new_statement_id
from truceline.services.authorship import Signing
from truceline.services.field_store import FieldKind
from truceline.services.incidents import Now, active_actor, open_incident
from truceline.services.ledger import utc_now
from truceline.services.positions import guarantors
from truceline.services.statement_store import record_of, seal_of, step_of, stored_statement
from truceline.services.unit_of_work import UnitOfWork

Change = Callable[[Statement], Statement]


def check_links(uow: UnitOfWork, agreement: Agreement, text: StatementText) -> None:
    """Every incident named must be an open incident of the agreement; every provision its own."""
    for index, incident_id in enumerate(text.incidents):
        try:
            open_incident(uow, agreement.id, incident_id)
        except NotFoundError:
            raise InputError(
                f"incidents[{index}]", f"no incident {incident_id!r} in this agreement"
            ) from None
        except InputError as error:
            raise InputError(f"incidents[{index}]", error.reason) from None
    known = {p.id for p in agreement.provisions}
    for index, provision_id in enumerate(text.provisions):
        if provision_id not in known:
            raise InputError(
                f"provisions[{index}]", f"no provision {provision_id!r} in this agreement"
            )


def _approvers(agreement: Agreement) -> tuple[str, ...]:
    found = guarantors(agreement)
    if not found:
        raise InputError("agreement", f"{agreement.id!r} names no guarantor to approve statements")
    return found


def with_id(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if not out.get("id"):
        out["id"] = new_statement_id()
    return out


def store_new(
    uow: UnitOfWork,
    signing: Signing,
    agreement: Agreement,
    name: str,
    actor: Actor,
    event_data: dict[str, Any],
    make: Callable[[int], Statement],
    at: datetime,
    now: Now,
) -> Statement:
    """Log a new statement's event, number it (under the log's lock), store it, commit."""
    statement_id = str(event_data["id"])
    if uow.field.get(statement_id) is not None:
        raise ConflictError(f"a record {statement_id!r} already exists")
    make(0)  # every rule checked before anything is logged
    event = Event(name, actor.user_id, actor.party, at, statement_id, event_data)
    seq = signing.append(uow, event, now)
    statement = make(uow.field.next_number(agreement.id, FieldKind.STATEMENT))
    uow.field.insert(record_of(agreement, statement, at))
    uow.field.add_step(step_of(event, seq))
    if signing.writes:
        uow.commit()
    return statement


# --- a joint statement's life --------------------------------------------------------------


def draft_statement(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Statement:
    """Draft a joint statement: ``data`` is {title, body, incidents, provisions}, optionally id.

    The event also carries ``version`` (1) and the text's ``text_sha256``; a
    command that names them (a signed event sent back) must name these.
    """
    data = with_id(data)
    keys(data, "", ("id", *TEXT_KEYS, "version", "text_sha256"))
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.DRAFT_STATEMENT, actor.party)
        text = text_from(data)
        check_stated_sha256(data, text)
        if optional_whole(data.get("version"), "version") not in (None, 1):
            raise InputError("version", "a new statement's first version is 1")
        check_links(uow, agreement, text)
        approvers = _approvers(agreement)
        statement_id = str(data["id"])
        event_data = {"id": statement_id, **text_to_dict(text), "version": 1}
        event_data["text_sha256"] = text.sha256

        def make(number: int) -> Statement:
            return rules.draft(
                statement_id,
                number,
                text,
                approvers,
                by=actor.user_id,
                party=actor.party,
                at=at,
            )

        return store_new(
            uow, signing, agreement, "statement.drafted", actor, event_data, make, at, now
        )


def _change(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    statement_id: str,
    action: Action,
    name: str,
    event_data: Mapping[str, Any],
    change: Callable[[Statement, int | None], Statement],
    at: datetime,
    now: Now,
) -> Statement:
    """Check, log, re-read, apply and store one change (see the module's docstring).

    `change` gets the statement and the seq of the change's log entry (None
    while checking, before anything is logged).
    """
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, action, actor.party)
        _, statement = stored_statement(uow, agreement.id, statement_id)
        change(statement, None)
        event = Event(name, actor.user_id, actor.party, at, statement_id, dict(event_data))
        seq = signing.append(uow, event, now)
        record, statement = stored_statement(uow, agreement.id, statement_id)
        changed = change(statement, seq)
        uow.field.update(record_of(agreement, changed, at, record))
        uow.field.add_step(step_of(event, seq))
        if signing.writes:
            uow.commit()
        return changed


def revise_statement(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    statement_id: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Statement:
    """A new version of a joint statement's text; every approval so far becomes void.

    ``data`` is {title, body, incidents, provisions}, optionally ``version``
    (the number the new version must get) and ``text_sha256``.
    """
    keys(data, "", (*TEXT_KEYS, "statement", "version", "text_sha256"))
    _same_statement(data, statement_id)
    text = text_from(data)
    check_stated_sha256(data, text)
    expected = optional_whole(data.get("version"), "version")
    with uow:
        authorize(active_actor(uow, actor), Action.DRAFT_STATEMENT, actor.party)
        _, current = stored_statement(uow, agreement.id, statement_id)
        check_links(uow, agreement, text)
        approvers = _approvers(agreement)
    following = current.current.number + 1
    event_data = {
        "statement": statement_id,
        "version": expected or following,
        **text_to_dict(text),
        "text_sha256": text.sha256,
    }

    def change(statement: Statement, _seq: int | None) -> Statement:
        return rules.revise(
            statement,
            text,
            by=actor.user_id,
            party=actor.party,
            at=at,
            approvers=approvers,
            expected=expected or following,
        )

    return _change(
        uow,
        actor,
        signing,
        agreement,
        statement_id,
        Action.DRAFT_STATEMENT,
        "statement.revised",
        event_data,
        change,
        at,
        now,
    )


def _same_statement(data: Mapping[str, Any], statement_id: str) -> None:
    named = data.get("statement")
    if named is not None and named != statement_id:
        raise InputError("statement", f"names {named!r}, not the statement {statement_id!r}")


def approve_statement(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    statement_id: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Statement:
    """The actor's party approves the current version: ``data`` is {version, text_sha256}.

    The approver names the version and the digest of the text they read;
    both must be the current ones, so no one approves a text they did not
    see. The party is the approver's own.
    """
    keys(data, "", ("statement", "version", "text_sha256"))
    _same_statement(data, statement_id)
    version = whole(data.get("version"), "version")
    digest = optional_sha256(data.get("text_sha256"), "text_sha256")
    if digest is None:
        raise InputError("text_sha256", "is required: the digest of the text you approve")
    party = actor.party or ""
    event_data = {"statement": statement_id, "version": version, "text_sha256": digest}

    def change(statement: Statement, seq: int | None) -> Statement:
        return rules.approve(
            statement,
            party=party,
            version=version,
            text_sha256=digest,
            by=actor.user_id,
            at=at,
            seal=seal_of(uow, seq),
        )

    return _change(
        uow,
        actor,
        signing,
        agreement,
        statement_id,
        Action.APPROVE_STATEMENT,
        "statement.approved",
        event_data,
        change,
        at,
        now,
    )


def publish_statement(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    statement_id: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Statement:
    """Publish a joint statement every guarantor approved; it never changes afterwards.

    ``data`` may name the ``version`` and ``text_sha256`` being published
    (they must be the current ones); the event always carries both.
    """
    keys(data, "", ("statement", "version", "text_sha256"))
    _same_statement(data, statement_id)
    version = optional_whole(data.get("version"), "version")
    digest = optional_sha256(data.get("text_sha256"), "text_sha256")
    with uow:
        _, current = stored_statement(uow, agreement.id, statement_id)
    version = version or current.current.number
    digest = digest or current.current.sha256
    event_data = {"statement": statement_id, "version": version, "text_sha256": digest}

    def change(statement: Statement, _seq: int | None) -> Statement:
        return rules.publish(
            statement,
            by=actor.user_id,
            party=actor.party,
            at=at,
            version=version,
            text_sha256=digest,
        )

    return _change(
        uow,
        actor,
        signing,
        agreement,
        statement_id,
        Action.PUBLISH_STATEMENT,
        "statement.published",
        event_data,
        change,
        at,
        now,
    )
