"""Statements: the list, one statement whole, and the client-signed writes.

Reading needs a token with the `read` scope, drafts included; the public,
login-free surface is the web page ``/statements`` and its Atom feed. Every
write is two-step, as for incidents: ``{"prepare": <command>}`` answers the
event to sign (200); the signed ``{"event", "public_key", "signature"}`` is
logged only if it is exactly that body (201). An approval names the version
and its ``text_sha256``; its party is always the approver's own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.statements import StatementKind, StatementState
from truceline.entrypoints.api.deps import AppDep, TokenUser, WritingUser
from truceline.entrypoints.api.incidents import WRITTEN, Signing, begin, prepared_answer
from truceline.entrypoints.api.schemas import ErrorOut
from truceline.entrypoints.api.statement_schemas import (
    ApproveWrite,
    ClaimWrite,
    DraftWrite,
    PublishWrite,
    ReviseWrite,
    StatementListOut,
    StatementOut,
    statement_out,
)
from truceline.services import statement_claims, statements
from truceline.services.statement_queries import list_statements, statement_view

router = APIRouter(
    prefix="/api/agreements/{agreement_id}/statements",
    tags=["statements"],
    responses={
        401: {"model": ErrorOut, "description": "No API token, or not a valid one."},
        403: {"model": ErrorOut, "description": "The token's scope or the user's role forbids it."},
    },
)


@router.get("", response_model=StatementListOut)
def statements_list(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    state: Annotated[StatementState | None, Query(description="Only in this state.")] = None,
    kind: Annotated[StatementKind | None, Query(description="joint or unilateral.")] = None,
) -> StatementListOut:
    """The agreement's statements, newest first, drafts included (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    found = list_statements(app.uow(), agreement.id, state=state, kind=kind)
    return StatementListOut(items=[statement_out(s) for s in found])


@router.get("/{statement_id}", response_model=StatementOut)
def statement(agreement_id: str, statement_id: str, app: AppDep, _user: TokenUser) -> StatementOut:
    """One statement whole: every version, every approval (checked), history (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    view = statement_view(app.uow(), agreement.id, statement_id)
    return statement_out(view.statement, view)


def answer(
    app: App, signing: Signing, agreement_id: str, statement_id: str
) -> StatementOut | JSONResponse:
    """The event to sign (200) when preparing; otherwise the statement as it now stands."""
    if (ready := prepared_answer(signing)) is not None:
        return ready
    view = statement_view(app.uow(), agreement_id, statement_id)
    return statement_out(view.statement, view)


@router.post("", response_model=StatementOut, status_code=201, responses=WRITTEN)
def draft(
    agreement_id: str, body: DraftWrite, app: AppDep, user: WritingUser
) -> StatementOut | JSONResponse:
    """Draft a joint statement: `{title, body, incidents, provisions}` (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    done = statements.draft_statement(
        app.uow(), Actor.of(user), signing, agreement, data, at, now=app.now
    )
    return answer(app, signing, agreement.id, done.id)


@router.post("/claims", response_model=StatementOut, status_code=201, responses=WRITTEN)
def claim(
    agreement_id: str, body: ClaimWrite, app: AppDep, user: WritingUser
) -> StatementOut | JSONResponse:
    """Record the caller's party's unilateral statement, public at once (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    done = statement_claims.record_claim(
        app.uow(), Actor.of(user), signing, agreement, data, at, now=app.now
    )
    return answer(app, signing, agreement.id, done.id)


@router.post(
    "/{statement_id}/versions", response_model=StatementOut, status_code=201, responses=WRITTEN
)
def revise(
    agreement_id: str, statement_id: str, body: ReviseWrite, app: AppDep, user: WritingUser
) -> StatementOut | JSONResponse:
    """A new version of the text; every approval so far becomes void (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    statements.revise_statement(
        app.uow(), Actor.of(user), signing, agreement, statement_id, data, at, now=app.now
    )
    return answer(app, signing, agreement.id, statement_id)


@router.post(
    "/{statement_id}/approvals", response_model=StatementOut, status_code=201, responses=WRITTEN
)
def approve(
    agreement_id: str, statement_id: str, body: ApproveWrite, app: AppDep, user: WritingUser
) -> StatementOut | JSONResponse:
    """Approve the current version for the caller's party: `{version, text_sha256}`."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    statements.approve_statement(
        app.uow(), Actor.of(user), signing, agreement, statement_id, data, at, now=app.now
    )
    return answer(app, signing, agreement.id, statement_id)


@router.post(
    "/{statement_id}/publish", response_model=StatementOut, status_code=201, responses=WRITTEN
)
def publish(
    agreement_id: str, statement_id: str, body: PublishWrite, app: AppDep, user: WritingUser
) -> StatementOut | JSONResponse:
    """Publish a statement every guarantor approved; it never changes again (scope `write`)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    statements.publish_statement(
        app.uow(), Actor.of(user), signing, agreement, statement_id, data, at, now=app.now
    )
    return answer(app, signing, agreement.id, statement_id)
