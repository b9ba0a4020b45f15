"""Request and response schemas of the statement routes, and the conversions to them.

Writes are two-step like every signed write (see `incident_schemas.SignedWrite`):
``{"prepare": <command>}`` answers the event to sign; ``{"event", "public_key",
"signature"}`` submits it. The texts inside a command (title, Markdown body,
links) are checked by the services, which name the bad field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from truceline.domain.statement_text import MAX_BODY, MAX_LINKS, MAX_TITLE
from truceline.domain.statements import Approval, Statement
from truceline.entrypoints.api.incident_schemas import Command, SignedWrite
from truceline.services.statement_queries import StatementView


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class VersionOut(_Out):
    number: int
    title: str
    body: str = Field(description="Markdown.")
    incidents: list[str]
    provisions: list[str]
    text_sha256: str = Field(description="SHA-256 of the version's canonical text (hex).")
    author: str = Field(description="The user id of who wrote this version.")
    party: str | None
    at: datetime


class ApprovalOut(_Out):
    party: str
    version: int
    text_sha256: str
    approver: str = Field(description="The authorized officer's user id.")
    at: datetime
    ledger_seq: int | None = Field(description="The log entry the approver signed.")
    public_key: str | None = Field(description="The approver's Ed25519 public key (base64).")
    signature: str | None = Field(
        description="The approver's signature of that entry's event (base64)."
    )
    void: bool = Field(description="True once a later version voided it.")
    voided_by: int | None = Field(description="The version that voided it.")
    signature_verified: bool | None = Field(
        default=None, description="Whether the log entry and signature check out (when read whole)."
    )


class PublicationOut(_Out):
    at: datetime
    by: str
    party: str | None
    version: int
    text_sha256: str


class StepOut(_Out):
    action: str
    at: datetime
    actor: str
    party: str | None
    ledger_seq: int | None


class StatementOut(_Out):
    id: str
    number: int
    kind: str = Field(description="joint, or unilateral (one party's claim).")
    party: str | None = Field(description="The claiming party of a unilateral statement.")
    state: str = Field(description="draft, partly_approved, approved or published.")
    title: str
    body: str = Field(description="The current version's Markdown.")
    incidents: list[str]
    provisions: list[str]
    version: int = Field(description="The current version's number.")
    text_sha256: str = Field(description="What an approver signs: the current text's digest.")
    approvers: list[str] = Field(description="The parties whose approval it needs.")
    approved_by: list[str] = Field(description="Those that approved the current text.")
    awaiting: list[str] = Field(description="Those that have not.")
    versions: list[VersionOut]
    approvals: list[ApprovalOut] = Field(description="Every approval ever given, void ones too.")
    publication: PublicationOut | None
    history: list[StepOut] = Field(default_factory=list)


class StatementListOut(_Out):
    items: list[StatementOut]


def _approval_out(approval: Approval, verified: bool | None) -> ApprovalOut:
    seal = approval.seal
    return ApprovalOut(
        party=approval.party,
        version=approval.version,
        text_sha256=approval.text_sha256,
        approver=approval.approver,
        at=approval.at,
        ledger_seq=None if seal is None else seal.ledger_seq,
        public_key=None if seal is None else seal.public_key,
        signature=None if seal is None else seal.signature,
        void=approval.void,
        voided_by=approval.voided_by,
        signature_verified=verified,
    )


def statement_out(statement: Statement, view: StatementView | None = None) -> StatementOut:
    """The statement as the API gives it; with its history and checks when `view` is given."""
    text = statement.text
    verified: tuple[bool | None, ...] = (
        view.verified if view is not None else (None,) * len(statement.approvals)
    )
    publication = statement.publication
    return StatementOut(
        id=statement.id,
        number=statement.number,
        kind=str(statement.kind),
        party=statement.party,
        state=str(statement.state),
        title=text.title,
        body=text.body,
        incidents=list(text.incidents),
        provisions=list(text.provisions),
        version=statement.current.number,
        text_sha256=statement.current.sha256,
        approvers=list(statement.approvers),
        approved_by=list(statement.approved_by),
        awaiting=list(statement.awaiting),
        versions=[
            VersionOut(
                number=v.number,
                title=v.text.title,
                body=v.text.body,
                incidents=list(v.text.incidents),
                provisions=list(v.text.provisions),
                text_sha256=v.sha256,
                author=v.author,
                party=v.party,
                at=v.at,
            )
            for v in statement.versions
        ],
        approvals=[
            _approval_out(a, ok) for a, ok in zip(statement.approvals, verified, strict=True)
        ],
        publication=None
        if publication is None
        else PublicationOut(
            at=publication.at,
            by=publication.by,
            party=publication.party,
            version=publication.version,
            text_sha256=publication.text_sha256,
        ),
        history=[]
        if view is None
        else [
            StepOut(action=s.action, at=s.at, actor=s.actor, party=s.party, ledger_seq=s.ledger_seq)
            for s in view.steps
        ],
    )


# --- writing -----------------------------------------------------------------------------


class _Stated(Command):
    def data(self) -> dict[str, Any]:
        """The command's data as the service takes it (what is left out stays out)."""
        return self.model_dump(exclude_none=True)


class _Text(_Stated):
    title: str = Field(max_length=MAX_TITLE * 2, description="One line.")
    body: str = Field(max_length=MAX_BODY * 2, description="Markdown; raw HTML is shown as text.")
    incidents: list[str] = Field(
        default_factory=list, max_length=MAX_LINKS, description="Incident ids it is about."
    )
    provisions: list[str] = Field(
        default_factory=list, max_length=MAX_LINKS, description="Provision ids it is about."
    )


class DraftCommand(_Text):
    """A new joint statement's first version."""

    id: str | None = Field(default=None, max_length=96, description="stm_…; made when left out.")


class ReviseCommand(_Text):
    """The next version of a joint statement's text."""

    version: int | None = Field(
        default=None, ge=2, description="The number the new version must get (the next one)."
    )


class ApproveCommand(_Stated):
    """Approve, for the caller's party, the current version: name it and its digest."""

    version: int = Field(ge=1, description="The version read.")
    text_sha256: str = Field(
        min_length=64, max_length=64, description="The digest of the text read (hex)."
    )


class PublishCommand(_Stated):
    """Publish the approved statement; naming the version and digest guards against a change."""

    version: int | None = Field(default=None, ge=1)
    text_sha256: str | None = Field(default=None, min_length=64, max_length=64)


class ClaimCommand(_Text):
    """The caller's party's unilateral statement: its claim, public at once."""

    id: str | None = Field(default=None, max_length=96, description="stm_…; made when left out.")


class DraftWrite(SignedWrite):
    prepare: DraftCommand | None = None


class ReviseWrite(SignedWrite):
    prepare: ReviseCommand | None = None


class ApproveWrite(SignedWrite):
    prepare: ApproveCommand | None = None


class PublishWrite(SignedWrite):
    prepare: PublishCommand | None = None


class ClaimWrite(SignedWrite):
    prepare: ClaimCommand | None = None
