"""Statements: the joint information group's official texts, and each party's own claims.

A *joint* statement is drafted in Markdown by members of the joint
information group, linked to incidents and provisions, and revised version
by version. Every version's text has a digest, ``text_sha256``: the SHA-256
of its canonical form (`domain.statement_text`). Each guarantor's
authorized officer approves by signing that digest; a new version voids
every approval given before it, so an approval always names the exact text
it approves. Once every guarantor approved the current version, an
information-group member publishes it, and from then on nothing about it
changes::

    draft ─approve─> partly_approved ─approve (the last)─> approved ─publish─> published
      ^                    │                                  │
      └───── revise: a new version; every approval void ──────┘

A *unilateral* statement is one party's claim: recorded and published at
once as that party's account, never approved by the other side and never
changed. No party's claim replaces the joint position: both are shown.

Everything here is pure: a refused change raises `InputError` (a bad value),
`ConflictError` (the statement's state forbids it) or `PermissionDenied` (a
party that is not among the statement's approvers), each saying why.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from truceline.domain.checks import check_id
from truceline.domain.errors import ConflictError, InputError, PermissionDenied
from truceline.domain.statement_text import StatementText, check_sha256

__all__ = [
    "Approval",
    "Publication",
    "Seal",
    "Statement",
    "StatementKind",
    "StatementState",
    "StatementText",
    "Version",
    "approve",
    "check_sha256",
    "claim",
    "draft",
    "new_statement_id",
    "publish",
    "revise",
]

STATEMENT_ID = re.compile(r"stm_[A-Za-z0-9][A-Za-z0-9._-]*")


class StatementKind(StrEnum):
    """Whose text it is: the joint group's, or one party's alone."""

    JOINT = "joint"
    UNILATERAL = "unilateral"


class StatementState(StrEnum):
    """Where a statement stands; derived from its versions, approvals and publication."""

    DRAFT = "draft"
    PARTLY_APPROVED = "partly_approved"
    APPROVED = "approved"
    PUBLISHED = "published"


def new_statement_id() -> str:
    """A fresh random statement id."""
    return "stm_" + secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a statement's text: its number (from 1), digest, author and time."""

    number: int
    text: StatementText
    author: str
    party: str | None
    at: datetime

    @property
    def sha256(self) -> str:
        """The digest approvers sign."""
        return self.text.sha256


@dataclass(frozen=True, slots=True)
class Seal:
    """The signature of an approval: the log entry whose event the approver signed.

    The approver's key signed the entry's event (RFC 8785 JSON naming the
    statement, the version and ``text_sha256``), so this signature is the
    approver's signature over the text's digest. Keys and signatures are
    standard base64.
    """

    ledger_seq: int
    public_key: str
    signature: str


@dataclass(frozen=True, slots=True)
class Approval:
    """A party's approval of one version's exact text, signed by its authorized officer.

    An approval is never removed: a later version marks it void (`voided_by`
    names that version), and it stays in the statement's history.
    """

    party: str
    version: int
    text_sha256: str
    approver: str
    at: datetime
    seal: Seal | None = None
    voided_by: int | None = None
    voided_at: datetime | None = None

    @property
    def void(self) -> bool:
        """Whether a later version voided it."""
        return self.voided_by is not None


@dataclass(frozen=True, slots=True)
class Publication:
    """When and by whom a statement was made public, and exactly which version."""

    at: datetime
    by: str
    party: str | None
    version: int
    text_sha256: str


@dataclass(frozen=True, slots=True)
class Statement:
    """A joint statement, or one party's claim, with every version and approval it ever had.

    `party` is the claiming party of a unilateral statement and None for a
    joint one; `approvers` are the parties whose approval a joint statement
    needs (the agreement's guarantors when it was drafted or last revised).
    """

    id: str
    number: int
    kind: StatementKind
    party: str | None
    approvers: tuple[str, ...]
    versions: tuple[Version, ...]
    approvals: tuple[Approval, ...] = ()
    publication: Publication | None = None
    created_at: datetime | None = field(default=None, compare=False)

    @property
    def current(self) -> Version:
        """The latest version: the one approvals and publication are about."""
        return self.versions[-1]

    @property
    def text(self) -> StatementText:
        return self.current.text

    @property
    def live_approvals(self) -> tuple[Approval, ...]:
        """The approvals of the current version's exact text (none void)."""
        now = self.current
        return tuple(
            a
            for a in self.approvals
            if not a.void and a.version == now.number and a.text_sha256 == now.sha256
        )

    @property
    def approved_by(self) -> tuple[str, ...]:
        """The parties that approved the current text, in the approvers' order."""
        parties = {a.party for a in self.live_approvals}
        return tuple(p for p in self.approvers if p in parties)

    @property
    def awaiting(self) -> tuple[str, ...]:
        """The approvers that have not approved the current text."""
        done = set(self.approved_by)
        return tuple(p for p in self.approvers if p not in done)

    @property
    def state(self) -> StatementState:
        """Where the statement stands now."""
        if self.publication is not None:
            return StatementState.PUBLISHED
        if not self.approved_by:
            return StatementState.DRAFT
        if self.awaiting:
            return StatementState.PARTLY_APPROVED
        return StatementState.APPROVED

    @property
    def published(self) -> bool:
        return self.publication is not None


# --- the state machine -----------------------------------------------------------------


def draft(
    statement_id: str,
    number: int,
    text: StatementText,
    approvers: tuple[str, ...],
    *,
    by: str,
    party: str | None,
    at: datetime,
) -> Statement:
    """A new joint statement: version 1, no approval yet."""
    check_id(statement_id, STATEMENT_ID, "id")
    if not approvers:
        raise InputError("approvers", "the agreement names no guarantor to approve the statement")
    return Statement(
        id=statement_id,
        number=number,
        kind=StatementKind.JOINT,
        party=None,
        approvers=tuple(approvers),
        versions=(Version(1, text, by, party, at),),
        created_at=at,
    )


def claim(
    statement_id: str,
    number: int,
    text: StatementText,
    *,
    party: str,
    by: str,
    at: datetime,
) -> Statement:
    """A party's unilateral statement: its claim, published at once and never changed."""
    check_id(statement_id, STATEMENT_ID, "id")
    version = Version(1, text, by, party, at)
    return Statement(
        id=statement_id,
        number=number,
        kind=StatementKind.UNILATERAL,
        party=party,
        approvers=(),
        versions=(version,),
        publication=Publication(at, by, party, 1, version.sha256),
        created_at=at,
    )


def _refuse_fixed(statement: Statement, doing: str) -> None:
    if statement.kind is StatementKind.UNILATERAL:
        raise ConflictError(
            f"statement #{statement.number} is {statement.party}'s claim: a claim is never "
            f"{doing}; record a new claim instead"
        )
    if statement.publication is not None:
        raise ConflictError(
            f"statement #{statement.number} was published: a published statement is never "
            f"{doing}; draft a new statement instead"
        )


def _expect_version(statement: Statement, version: int | None, field_name: str) -> None:
    current = statement.current.number
    if version is not None and version != current:
        raise ConflictError(
            f"{field_name}: version {version} is not the current version ({current}) "
            f"of statement #{statement.number}: read it again"
        )


def revise(
    statement: Statement,
    text: StatementText,
    *,
    by: str,
    party: str | None,
    at: datetime,
    approvers: tuple[str, ...] | None = None,
    expected: int | None = None,
) -> Statement:
    """A new version of a joint statement's text; every approval given so far becomes void.

    `expected`, when given, is the number the new version must get (so two
    members revising at once cannot both succeed unknowingly).
    """
    _refuse_fixed(statement, "changed")
    following = statement.current.number + 1
    if expected is not None and expected != following:
        raise ConflictError(
            f"version: the new version would be {following}, not {expected}: "
            "the statement changed since you read it"
        )
    if text == statement.current.text:
        raise InputError("body", "the text is unchanged: a new version must change something")
    voided = tuple(
        a if a.void else replace(a, voided_by=following, voided_at=at) for a in statement.approvals
    )
    return replace(
        statement,
        versions=(*statement.versions, Version(following, text, by, party, at)),
        approvals=voided,
        approvers=statement.approvers if approvers is None else tuple(approvers),
    )


def approve(
    statement: Statement,
    *,
    party: str,
    version: int,
    text_sha256: str,
    by: str,
    at: datetime,
    seal: Seal | None = None,
) -> Statement:
    """`party` approves the current version, naming its number and its text's digest.

    Refused when the statement is published or a claim, when the party is
    not among its approvers, when the version or digest is not the current
    one's (the text changed since the approver read it), or when the party
    already approved this text.
    """
    check_sha256(text_sha256, "text_sha256")
    _refuse_fixed(statement, "approved again")
    if party not in statement.approvers:
        approvers = ", ".join(statement.approvers)
        raise PermissionDenied(
            f"party {party!r} does not approve statement #{statement.number}; "
            f"its approvers are the guarantors: {approvers}"
        )
    current = statement.current
    _expect_version(statement, version, "version")
    if text_sha256 != current.sha256:
        raise ConflictError(
            f"text_sha256: {text_sha256} is not the digest of version {current.number}'s text "
            f"({current.sha256}): approve only the text you read"
        )
    if party in statement.approved_by:
        raise ConflictError(
            f"party {party!r} already approved version {current.number} of "
            f"statement #{statement.number}"
        )
    approval = Approval(party, current.number, current.sha256, by, at, seal)
    return replace(statement, approvals=(*statement.approvals, approval))


def publish(
    statement: Statement,
    *,
    by: str,
    party: str | None,
    at: datetime,
    version: int | None = None,
    text_sha256: str | None = None,
) -> Statement:
    """Make an approved joint statement public; from then on it never changes.

    Refused unless every approver approved the current version's exact
    text. `version` and `text_sha256`, when given, must be the current ones.
    """
    _refuse_fixed(statement, "published again")
    current = statement.current
    _expect_version(statement, version, "version")
    if text_sha256 is not None and check_sha256(text_sha256, "text_sha256") != current.sha256:
        raise ConflictError(
            f"text_sha256: {text_sha256} is not the digest of version {current.number}'s text"
        )
    if statement.state is not StatementState.APPROVED:
        waiting = ", ".join(statement.awaiting)
        raise ConflictError(
            f"statement #{statement.number} is {statement.state}: version {current.number} "
            f"still awaits the approval of {waiting}; publish only what every guarantor approved"
        )
    return replace(
        statement, publication=Publication(at, by, party, current.number, current.sha256)
    )
