"""Reading statements: the lists, one statement with its timeline, what is public, and
the statements that mention an incident.

Statements are few (a handful a week), so the lists read every statement of
the agreement and sort and filter them here; the field store's ``state``
and ``party`` columns narrow what is read where they can.

Each approval's signature is checked again when a statement is read whole:
the log's entry must be the ``statement.approved`` event of this statement,
version and digest, by the approver, and its signature must verify. The
result is shown beside each approval, so a reader need not take the stored
document's word for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from truceline.adapters.signing import verify_signature
from truceline.domain.errors import NotFoundError
from truceline.domain.ledger import b64decode, parse_leaf
from truceline.domain.statement_records import statement_from_dict
from truceline.domain.statements import Approval, Statement, StatementKind, StatementState
from truceline.services.field_store import FieldFilter, FieldKind, FieldStep
from truceline.services.statement_store import stored_statement
from truceline.services.unit_of_work import UnitOfWork

#: The most statements a list reads.
MAX_LISTED = 1000


def _all(
    uow: UnitOfWork, agreement_id: str, *, state: str | None = None, party: str | None = None
) -> list[Statement]:
    where = FieldFilter(agreement_id, FieldKind.STATEMENT, state=state, party=party)
    with uow:
        records = uow.field.find(where, limit=MAX_LISTED, newest_first=True)
    return [statement_from_dict(r.doc) for r in records]


def _newest_first(statements: Sequence[Statement]) -> list[Statement]:
    def when(s: Statement) -> tuple[str, int]:
        moment = s.publication.at if s.publication else s.current.at
        return (moment.isoformat(), s.number)

    return sorted(statements, key=when, reverse=True)


def list_statements(
    uow: UnitOfWork,
    agreement_id: str,
    *,
    state: StatementState | None = None,
    kind: StatementKind | None = None,
) -> list[Statement]:
    """The agreement's statements, newest first (by publication, else last version)."""
    found = _all(uow, agreement_id, state=None if state is None else str(state))
    return _newest_first([s for s in found if kind is None or s.kind is kind])


def in_progress(uow: UnitOfWork, agreement_id: str) -> list[Statement]:
    """The joint statements not yet published: drafts and approvals under way."""
    found = _all(uow, agreement_id)
    return _newest_first([s for s in found if not s.published])


def published(uow: UnitOfWork, agreement_id: str) -> list[Statement]:
    """Everything public: published joint statements and each party's claims, newest first."""
    return _newest_first(_all(uow, agreement_id, state=str(StatementState.PUBLISHED)))


def public_statement(uow: UnitOfWork, agreement_id: str, statement_id: str) -> Statement:
    """A published statement or claim; NotFoundError for anything else (drafts are not public)."""
    with uow:
        try:
            _, statement = stored_statement(uow, agreement_id, statement_id)
        except NotFoundError:
            statement = None
    if statement is None or not statement.published:
        raise NotFoundError(f"no published statement {statement_id!r}")
    return statement


@dataclass(frozen=True, slots=True)
class IncidentStatements:
    """What was said publicly about one incident: joint statements, and each party's claims."""

    joint: tuple[Statement, ...]
    claims: tuple[Statement, ...]


def on_incident(uow: UnitOfWork, agreement_id: str, incident_id: str) -> IncidentStatements:
    """The published joint statements and the claims whose current text names the incident."""
    mentioning = [s for s in published(uow, agreement_id) if incident_id in s.text.incidents]
    return IncidentStatements(
        joint=tuple(s for s in mentioning if s.kind is StatementKind.JOINT),
        claims=tuple(s for s in mentioning if s.kind is StatementKind.UNILATERAL),
    )


def claims_for_incident(uow: UnitOfWork, agreement_id: str, incident_id: str) -> list[Statement]:
    """Each party's claims that mention the incident, newest first."""
    return list(on_incident(uow, agreement_id, incident_id).claims)


@dataclass(frozen=True, slots=True)
class StatementView:
    """One statement whole: itself, its timeline, and whether each approval's signature holds.

    `verified` has one entry per approval, in order: True when the log's
    entry is that approval's event and its signature verifies.
    """

    statement: Statement
    steps: tuple[FieldStep, ...]
    verified: tuple[bool, ...]


def _holds(uow: UnitOfWork, statement: Statement, approval: Approval) -> bool:
    seal = approval.seal
    if seal is None:
        return False
    entry = uow.ledger.entry(seal.ledger_seq)
    if entry is None:
        return False
    try:
        leaf = parse_leaf(entry.leaf)
        key = b64decode(seal.public_key, "public_key")
        signature = b64decode(seal.signature, "signature")
    except ValueError:
        return False
    body = leaf.body
    data = body.get("data") or {}
    return (
        leaf.public_key == key
        and leaf.signature == signature
        and body.get("name") == "statement.approved"
        and body.get("subject") == statement.id
        and body.get("actor") == approval.approver
        and body.get("party") == approval.party
        and data.get("version") == approval.version
        and data.get("text_sha256") == approval.text_sha256
        and verify_signature(leaf.public_key, leaf.event_json, leaf.signature)
    )


def statement_view(uow: UnitOfWork, agreement_id: str, statement_id: str) -> StatementView:
    """One statement with its steps and each approval's signature checked against the log."""
    with uow:
        _, statement = stored_statement(uow, agreement_id, statement_id)
        steps = tuple(uow.field.steps(statement_id))
        verified = tuple(_holds(uow, statement, a) for a in statement.approvals)
    return StatementView(statement, steps, verified)
