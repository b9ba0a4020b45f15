"""Open-source intake over HTTP: read a page or a text, queue its candidates, review them.

`read` shows what a URL or a pasted text holds (candidates with their
duplicate suggestions) and writes nothing. Every write runs in two steps,
as for incidents: ``{"prepare": <command>}`` answers the event to sign,
and ``{"event", "public_key", "signature"}`` submits it. Accepting a
candidate signs the incident event it files (``incident.reported``, or
``incident.report_attached`` when merged ``into`` an incident); corrections
are made before, with `edit`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from truceline.adapters.intake.extract import extract_markdown, extract_text
from truceline.adapters.intake.fetch import Fetcher
from truceline.adapters.intake.pipeline import Pipeline
from truceline.adapters.intake.sources import document_of
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.intake import Candidate, CandidateStatus, Document
from truceline.domain.intake_records import candidate_to_dict, document_to_dict
from truceline.entrypoints.api.deps import AppDep, TokenUser, WritingUser
from truceline.entrypoints.api.incident_schemas import PreparedOut, SignedWrite
from truceline.entrypoints.api.incidents import begin, command, prepared_answer
from truceline.entrypoints.api.schemas import ErrorOut
from truceline.services import intake, intake_review

router = APIRouter(
    prefix="/api/agreements/{agreement_id}/intake",
    tags=["intake"],
    responses={
        401: {"model": ErrorOut, "description": "No API token, or not a valid one."},
        403: {"model": ErrorOut, "description": "The token's scope or the user's role forbids it."},
    },
)
sources_router = APIRouter(prefix="/api/intake/sources", tags=["intake"])
WRITTEN: dict[int | str, dict[str, Any]] = {
    200: {"model": PreparedOut, "description": "Prepared: the event to sign; nothing written."},
    409: {"model": ErrorOut, "description": "The candidate was already reviewed."},
}
#: The longest text that may be pasted, in characters.
MAX_TEXT = 500_000


def fetcher() -> Iterator[Fetcher]:
    """The fetcher of outbound HTTP (tests override this dependency with a mock transport)."""
    with Fetcher() as found:
        yield found


FetcherDep = Annotated[Fetcher, Depends(fetcher)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReadCommand(_In):
    """What to read: a URL, or a pasted text (Markdown or plain)."""

    url: str | None = Field(default=None, max_length=2000, description="An http or https URL.")
    text: str | None = Field(default=None, max_length=MAX_TEXT, description="A pasted text.")
    kind: Literal["markdown", "text"] = Field(
        default="text", description="How the text is written."
    )
    site: str = Field(default="", max_length=200, description="The outlet of a pasted text.")
    published: date | None = Field(default=None, description="Its publication date, if known.")

    def data(self) -> dict[str, Any]:
        """The command's data as the ledger keeps it."""
        return self.model_dump(mode="json", exclude_none=True)


class IngestWrite(SignedWrite):
    prepare: ReadCommand | None = None  # type: ignore[assignment]


class EditCommand(_In):
    """Corrections to a candidate: dates, place, event_type, sub_event_type, actors, counts."""

    changes: dict[str, Any]

    def data(self) -> dict[str, Any]:
        return self.model_dump()


class EditWrite(SignedWrite):
    prepare: EditCommand | None = None  # type: ignore[assignment]


class RejectCommand(_In):
    """Why a candidate is rejected."""

    note: str = Field(max_length=2000)

    def data(self) -> dict[str, Any]:
        return self.model_dump()


class RejectWrite(SignedWrite):
    prepare: RejectCommand | None = None  # type: ignore[assignment]


class AcceptCommand(_In):
    """Accept as a new incident, or merge `into` an existing one."""

    into: str | None = Field(default=None, max_length=100)

    def data(self) -> dict[str, Any]:
        return self.model_dump()


class AcceptWrite(SignedWrite):
    prepare: AcceptCommand | None = None  # type: ignore[assignment]


class GradeCommand(_In):
    """An outlet's default Admiralty grade."""

    site: str = Field(max_length=200)
    grade: str = Field(max_length=2, description="Such as B2.")
    name: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=2000)

    def data(self) -> dict[str, Any]:
        return self.model_dump()


class GradeWrite(SignedWrite):
    prepare: GradeCommand | None = None  # type: ignore[assignment]


class ReadOut(BaseModel):
    """A document and the candidates it holds (or holds now, when ingested)."""

    document: dict[str, Any]
    candidates: list[dict[str, Any]]
    written: bool
    new: bool = True


class SourceOut(BaseModel):
    site: str
    grade: str
    name: str
    note: str


def candidate_out(candidate: Candidate) -> dict[str, Any]:
    """A candidate: its id and status, the sentence and every field read, its duplicates."""
    whole = candidate_to_dict(candidate)
    finding = whole.pop("finding")
    return {"id": whole["id"], "status": whole["status"], **finding, **whole}


def document_for(cmd: ReadCommand, fetch: Fetcher, at: datetime) -> Document:
    if (cmd.url is None) == (cmd.text is None):
        raise InputError("url", "give a url or a text, not both")
    if cmd.url is not None:
        item = fetch.url(cmd.url, at)
        if item.kind == "feed":
            raise InputError("url", "is a feed: read its pages one by one (or use the CLI)")
        return document_of(item, site=cmd.site)
    text = cmd.text or ""
    if not text.strip():
        raise InputError("text", "is empty")
    extract = extract_markdown if cmd.kind == "markdown" else extract_text
    return extract(text, "", at, site=cmd.site, published=cmd.published)


def _agreement(app: App, agreement_id: str) -> Agreement:
    return app.geography(agreement_id).agreement


@router.post("/read", response_model=ReadOut)
def read(
    agreement_id: str, body: ReadCommand, app: AppDep, _user: TokenUser, fetch: FetcherDep
) -> ReadOut:
    """What a URL or a text holds: its candidates and their duplicates; writes nothing."""
    agreement = _agreement(app, agreement_id)
    document = document_for(body, fetch, app.now())
    extraction = Pipeline(agreement).run(document)
    shown = intake.preview(app.uow(), agreement, extraction, app.now(), intake.IntakePolicy())
    return ReadOut(
        document=document_to_dict(document),
        candidates=[candidate_out(c) for c in shown],
        written=False,
    )


@router.post("/documents", response_model=ReadOut, status_code=201, responses=WRITTEN)
def ingest(
    agreement_id: str, body: IngestWrite, app: AppDep, user: WritingUser, fetch: FetcherDep
) -> ReadOut | JSONResponse:
    """Read a URL or a text and queue its candidates (scope `write`); once per text."""
    agreement = _agreement(app, agreement_id)
    signing, data, at, field = begin(app, body)
    if field == "event.data":
        data = data.get("command") or {}
        field = "event.data.command"
    cmd = command(ReadCommand, data, field)
    document = document_for(cmd, fetch, at)
    extraction = Pipeline(agreement).run(document)
    done = intake.ingest(
        app.uow(),
        Actor.of(user),
        signing,
        agreement,
        extraction,
        at,
        command=cmd.data(),
        now=app.now,
    )
    shown = ReadOut(
        document=document_to_dict(done.document),
        candidates=[candidate_out(c) for c in done.candidates],
        written=done.new,
        new=done.new,
    )
    if not done.new:  # ingested before: nothing to sign, nothing written
        return JSONResponse(shown.model_dump(mode="json"), status_code=200)
    return prepared_answer(signing) or shown


@router.get("/candidates")
def candidates(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    status: CandidateStatus | None = CandidateStatus.PENDING,
    document: Annotated[str | None, Query(max_length=40)] = None,
    after: Annotated[str | None, Query(max_length=40, description="The last id seen.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """The review queue (pending candidates by default), oldest first (scope `read`)."""
    agreement = _agreement(app, agreement_id)
    found = intake.queue(
        app.uow(), agreement.id, status=status, document_id=document, after=after, limit=limit
    )
    return [candidate_out(c) for c in found]


def _candidate(app: App, agreement_id: str, candidate_id: str) -> dict[str, Any]:
    with app.uow() as uow:
        found = uow.intake.candidate(candidate_id)
    if found is None or found.agreement_id != agreement_id:
        raise NotFoundError(f"no candidate {candidate_id!r} in agreement {agreement_id!r}")
    return candidate_out(found)


@router.get("/candidates/{candidate_id}")
def candidate(
    agreement_id: str, candidate_id: str, app: AppDep, _user: TokenUser
) -> dict[str, Any]:
    """One candidate whole (scope `read`)."""
    return _candidate(app, _agreement(app, agreement_id).id, candidate_id)


@router.post("/candidates/{candidate_id}/edit", status_code=201, responses=WRITTEN)
def edit(
    agreement_id: str, candidate_id: str, body: EditWrite, app: AppDep, user: WritingUser
) -> Any:
    """Correct a pending candidate: `{changes}` (scope `write`)."""
    agreement = _agreement(app, agreement_id)
    signing, data, at, field = begin(app, body)
    cmd = command(EditCommand, data, field)
    intake_review.edit(
        app.uow(), Actor.of(user), signing, agreement.id, candidate_id, cmd.changes, at, now=app.now
    )
    return prepared_answer(signing) or _candidate(app, agreement.id, candidate_id)


@router.post("/candidates/{candidate_id}/reject", status_code=201, responses=WRITTEN)
def reject(
    agreement_id: str, candidate_id: str, body: RejectWrite, app: AppDep, user: WritingUser
) -> Any:
    """Reject a pending candidate: `{note}` (scope `write`)."""
    agreement = _agreement(app, agreement_id)
    signing, data, at, field = begin(app, body)
    cmd = command(RejectCommand, data, field)
    intake_review.reject(
        app.uow(), Actor.of(user), signing, agreement.id, candidate_id, cmd.note, at, now=app.now
    )
    return prepared_answer(signing) or _candidate(app, agreement.id, candidate_id)


@router.post("/candidates/{candidate_id}/accept", status_code=201, responses=WRITTEN)
def accept(
    agreement_id: str, candidate_id: str, body: AcceptWrite, app: AppDep, user: WritingUser
) -> Any:
    """Accept a candidate as a new incident, or `{into}` an incident (scope `write`).

    The event to sign is the incident's: ``incident.reported``, or
    ``incident.report_attached`` when merging.
    """
    enricher = app.enricher(agreement_id)
    signing, data, at, field = begin(app, body)
    if field == "event.data":
        event = body.event or {}
        into = event.get("subject") if event.get("name") == "incident.report_attached" else None
    else:
        into = command(AcceptCommand, data, field).into
    intake_review.accept(
        app.uow(),
        Actor.of(user),
        signing,
        enricher,
        candidate_id,
        None,
        at,
        into=into if isinstance(into, str) else None,
        policy=app.duplicate_policy,
        now=app.now,
    )
    return prepared_answer(signing) or _candidate(app, enricher.agreement.id, candidate_id)


@sources_router.get("", response_model=list[SourceOut])
def sources(app: AppDep, _user: TokenUser) -> list[SourceOut]:
    """The source registry: each outlet's default grade (any other is F6)."""
    return [
        SourceOut(site=s.site, grade=str(s.grade), name=s.name, note=s.note)
        for s in intake.sources(app.uow())
    ]


@sources_router.post("", response_model=SourceOut, status_code=201, responses=WRITTEN)
def grade(body: GradeWrite, app: AppDep, user: WritingUser) -> SourceOut | JSONResponse:
    """Set an outlet's default grade: `{site, grade, name, note}` (scope `write`)."""
    signing, data, at, field = begin(app, body)
    cmd = command(GradeCommand, data, field)
    entry = intake_review.grade_source(
        app.uow(),
        Actor.of(user),
        signing,
        cmd.site,
        cmd.grade,
        at,
        name=cmd.name,
        note=cmd.note,
        now=app.now,
    )
    prepared = prepared_answer(signing)
    if prepared is not None:
        return prepared
    return SourceOut(site=entry.site, grade=str(entry.grade), name=entry.name, note=entry.note)
