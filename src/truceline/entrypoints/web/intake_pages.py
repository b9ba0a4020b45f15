"""Intake pages: paste a URL or a text, see its candidates on a map, review the queue.

`/intake` has two forms (a URL; a pasted text) and the queue of pending
candidates with their map. Reading shows what a text holds and writes
nothing; "Queue for review" ingests it. Each candidate has its page, with
the sentence in its document, what was read, the incidents it may
duplicate and the forms to correct, accept, merge or reject it. Every form
carries the session's CSRF token and is signed with the user's key
(`ServerSigned(session.signer)`); a refusal is a 403 page, a bad value the
page again with the field and the reason (400), success a 303 redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from truceline.adapters.intake.fetch import Fetcher
from truceline.adapters.intake.pipeline import Pipeline
from truceline.bootstrap import App
from truceline.domain import event_types as vocab
from truceline.domain.errors import ConflictError, InputError
from truceline.domain.intake import Candidate, CandidateStatus, DatePrecision, PlacePrecision
from truceline.domain.intake_records import finding_to_dict, place_to_dict
from truceline.domain.permissions import Action
from truceline.entrypoints.api.intake import FetcherDep, ReadCommand, document_for
from truceline.entrypoints.web import auth
from truceline.entrypoints.web.incident_forms import Fields, problem_of
from truceline.entrypoints.web.page_kit import FormFields, PageKit, Refused, common
from truceline.services import intake, intake_review
from truceline.services.authorship import ServerSigned
from truceline.services.geography import Geography

PAGE_SIZE = 100


def points(
    candidates: list[Candidate] | tuple[Candidate, ...], *, link: bool
) -> list[dict[str, Any]]:
    """Candidates with a place, for the map script (embedded as JSON, never run)."""
    found = []
    for c in candidates:
        f = c.finding
        if f.place is None:
            continue
        when = "" if f.dates is None else f" ({f.dates.start}..{f.dates.end}, {f.dates.precision})"
        found.append(
            {
                "id": c.id,
                "lon": f.place.lon,
                "lat": f.place.lat,
                "status": str(c.status),
                "title": f"{f.sub_event_type}{when}",
                "place": f"{f.place.name} ({f.place.precision})",
                "url": f"/intake/candidates/{c.id}" if link else "",
            }
        )
    return found


def form_values(candidate: Candidate) -> dict[str, str]:
    """The correction form filled in with what was read, for the reviewer to change."""
    f = candidate.finding
    values = {
        "sub_event_type": f.sub_event_type,
        "fatalities": "" if f.fatalities is None else str(f.fatalities),
        "injuries": "" if f.injuries is None else str(f.injuries),
        "actors": "; ".join(f.actors),
    }
    if f.dates is not None:
        values |= {
            "date_start": f.dates.start.isoformat(),
            "date_end": f.dates.end.isoformat(),
            "date_precision": str(f.dates.precision),
        }
    if f.place is not None:
        values |= {"place": f.place.name, "place_precision": str(f.place.precision)}
    return values


def _read_command(fields: Fields) -> ReadCommand:
    url = fields.text("url")
    text = fields.values.get("text", "").strip()
    published = fields.text("published")
    try:
        day = date.fromisoformat(published) if published else None
    except ValueError:
        raise InputError("published", f"{published!r} is not a date (YYYY-MM-DD)") from None
    kind = "markdown" if fields.text("kind") == "markdown" else "text"
    return ReadCommand(
        url=url or None, text=text or None, kind=kind, site=fields.text("site"), published=day
    )


def _changes(fields: Fields, geo: Geography, current: Candidate | None) -> dict[str, Any]:
    """A reviewer's corrections from the candidate's form: only the fields given.

    The place is looked up in the gazetteer when its name changed; the same
    name keeps the point read (a route's too) with the precision chosen.
    """
    changes: dict[str, Any] = {}
    start, end = fields.text("date_start"), fields.text("date_end")
    if start:
        changes["dates"] = {
            "start": start,
            "end": end or start,
            "precision": fields.text("date_precision") or str(DatePrecision.DAY),
        }
    place = fields.text("place")
    read = None if current is None else current.finding.place
    if read is not None and place == read.name:
        precision = fields.text("place_precision") or str(read.precision)
        if precision != str(read.precision):
            changes["place"] = dict(place_to_dict(read) or {}) | {"precision": precision}
    elif place:
        found = [m for m in geo.search_places(place, limit=1) if m.place.has_coordinates]
        if not found:
            raise InputError("place", f"{place!r} is not in the gazetteer")
        match = found[0].place
        changes["place"] = {
            "name": match.name,
            "lat": match.lat,
            "lon": match.lon,
            "precision": fields.text("place_precision") or str(PlacePrecision.TOWN),
            "place_id": match.id,
        }
    sub = fields.text("sub_event_type")
    if sub:
        if sub not in vocab.SUB_EVENT_TYPES:
            raise InputError("sub_event_type", f"{sub!r} is not an ACLED sub-event type")
        changes["event_type"] = vocab.SUB_EVENT_TYPES[sub]
        changes["sub_event_type"] = sub
    for name in ("fatalities", "injuries"):
        value = fields.text(name)
        if value:
            if not value.isdigit():
                raise InputError(name, "a whole number of at least 0")
            changes[name] = int(value)
    actors = fields.text("actors")
    if actors:
        changes["actors"] = [a.strip() for a in actors.split(";") if a.strip()]
    if current is None:
        return changes
    # What the form sends back unchanged is no correction.
    now = finding_to_dict(current.finding)
    same_dates = now["dates"] and {k: now["dates"][k] for k in ("start", "end", "precision")}
    unchanged = {k for k, v in changes.items() if v == (same_dates if k == "dates" else now[k])}
    return {k: v for k, v in changes.items() if k not in unchanged}


def mount(api: FastAPI, app: App) -> None:
    """Add the intake pages (after pages.mount, which serves their static files)."""
    kit = PageKit(app)
    router = APIRouter(include_in_schema=False, dependencies=[Depends(auth.check_session_csrf)])

    def check_may(session: auth.WebSession, action: Action) -> None:
        if not session.can(action):
            raise Refused(f"{session.user.username} may not {action}")

    def queue_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        *,
        preview: dict[str, Any] | None = None,
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        agreement = geo.agreement
        pending = intake.queue(app.uow(), agreement.id, limit=PAGE_SIZE)
        shown = preview["candidates"] if preview else pending
        context = common(geo) | {
            "pending": pending,
            "preview": preview,
            "points": points(shown, link=preview is None),
            "entered": entered or {},
            "problem": problem_of(error),
            "may_ingest": session.can(Action.INGEST_OPEN_SOURCE),
            "may_review": session.can(Action.REVIEW_CANDIDATES),
            "sources": intake.sources(app.uow()),
        }
        return kit.render(request, "intake.html", context, status=status)

    @router.get("/intake", response_class=HTMLResponse)
    def intake_home(request: Request) -> Response:
        return kit.viewing(request, lambda session, geo: queue_page(request, session, geo))

    def reading(
        request: Request,
        fields: Fields,
        fetch: Fetcher,
        act: Callable[[auth.WebSession, Geography, ReadCommand], Response],
    ) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            check_may(session, Action.INGEST_OPEN_SOURCE)
            try:
                return act(session, geo, _read_command(fields))
            except (InputError, ConflictError) as problem:
                return queue_page(
                    request, session, geo, entered=fields.entered(), error=problem, status=400
                )

        return kit.viewing(request, build)

    @router.post("/intake/read")
    def read(request: Request, fields: FormFields, fetch: FetcherDep) -> Response:
        def act(session: auth.WebSession, geo: Geography, cmd: ReadCommand) -> Response:
            document = document_for(cmd, fetch, app.now())
            extraction = Pipeline(geo.agreement).run(document)
            shown = intake.preview(
                app.uow(), geo.agreement, extraction, app.now(), intake.IntakePolicy()
            )
            preview = {"document": document, "candidates": shown, "sentences": extraction.sentences}
            return queue_page(request, session, geo, preview=preview, entered=fields.entered())

        return reading(request, fields, fetch, act)

    @router.post("/intake/ingest")
    def ingest(request: Request, fields: FormFields, fetch: FetcherDep) -> Response:
        def act(session: auth.WebSession, geo: Geography, cmd: ReadCommand) -> Response:
            at = app.now()
            document = document_for(cmd, fetch, at)
            extraction = Pipeline(geo.agreement).run(document)
            intake.ingest(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                extraction,
                at,
                command=cmd.data(),
                now=app.now,
            )
            return RedirectResponse(f"/intake?document={document.id}#queue", status_code=303)

        return reading(request, fields, fetch, act)

    # --- one candidate ------------------------------------------------------------------

    def candidate_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        candidate_id: str,
        *,
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        with app.uow() as uow:
            found = uow.intake.candidate(candidate_id)
            stored = None if found is None else uow.intake.document(found.document_id)
            grade = None if stored is None else intake.grade_for(uow, stored.document.site)
        if found is None or stored is None or found.agreement_id != geo.agreement.id:
            return kit.render(
                request,
                "forbidden.html",
                {"heading": "No such candidate", "reason": candidate_id, "advice": ""},
                status=404,
            )
        context = common(geo) | {
            "candidate": found,
            "finding": found.finding,
            "entered": entered or form_values(found),
            "document": stored.document,
            "grade": grade,
            "points": points([found], link=False),
            "problem": problem_of(error),
            "pending": found.status is CandidateStatus.PENDING,
            "may_review": session.can(Action.REVIEW_CANDIDATES),
            "may_accept": session.can(Action.REVIEW_CANDIDATES)
            and session.can(Action.REPORT_INCIDENT, session.user.party),
            "sub_event_types": list(vocab.SUB_EVENT_TYPES),
            "date_precisions": [str(p) for p in DatePrecision],
            "place_precisions": [str(p) for p in PlacePrecision],
        }
        return kit.render(request, "intake_candidate.html", context, status=status)

    @router.get("/intake/candidates/{candidate_id}", response_class=HTMLResponse)
    def candidate(request: Request, candidate_id: str) -> Response:
        return kit.viewing(
            request, lambda session, geo: candidate_page(request, session, geo, candidate_id)
        )

    def reviewing(
        request: Request,
        candidate_id: str,
        fields: Fields,
        act: Callable[[auth.WebSession, Geography], str],
    ) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            try:
                go_to = act(session, geo)
            except (InputError, ConflictError) as problem:
                code = 409 if isinstance(problem, ConflictError) else 400
                return candidate_page(
                    request,
                    session,
                    geo,
                    candidate_id,
                    entered=fields.entered(),
                    error=problem,
                    status=code,
                )
            return RedirectResponse(go_to, status_code=303)

        return kit.viewing(request, build)

    @router.post("/intake/candidates/{candidate_id}/edit")
    def edit(request: Request, candidate_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> str:
            with app.uow() as uow:
                current = uow.intake.candidate(candidate_id)
            intake_review.edit(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement.id,
                candidate_id,
                _changes(fields, geo, current),
                app.now(),
                now=app.now,
            )
            return f"/intake/candidates/{candidate_id}"

        return reviewing(request, candidate_id, fields, act)

    @router.post("/intake/candidates/{candidate_id}/accept")
    def accept(request: Request, candidate_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> str:
            into = fields.text("into") or None
            done = intake_review.accept(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                app.enricher(geo.agreement.id),
                candidate_id,
                None,
                app.now(),
                into=into,
                policy=app.duplicate_policy,
                now=app.now,
            )
            return f"/incidents/{done.candidate.incident_id}"

        return reviewing(request, candidate_id, fields, act)

    @router.post("/intake/candidates/{candidate_id}/reject")
    def reject(request: Request, candidate_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> str:
            intake_review.reject(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement.id,
                candidate_id,
                fields.text("note"),
                app.now(),
                now=app.now,
            )
            return "/intake#queue"

        return reviewing(request, candidate_id, fields, act)

    api.include_router(router)
