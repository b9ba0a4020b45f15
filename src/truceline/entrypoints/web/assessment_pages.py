"""Implementation pages: the board of provisions by period, a suggestion with its evidence, one
assessment with both guarantors' views side by side.

``/assessments`` shows every provision against the recent weeks or months,
each cell coloured by its score with each side's view, and each assessed
provision's timeline chart (inline SVG, drawn on the server).
``/assessments/new?provision=&period=&date=`` shows what the provision's
rule suggests for a period and the evidence it counted, with the form to
propose it (information-group members and the monitor). ``/assessments/{id}``
shows one assessment, its evidence and both views, with the forms to
confirm or disagree for the authorized officer of a party yet to respond.

Every page needs a signed-in user who may view records; every POST sits on
a router that checks the session's CSRF token and is signed with the
viewer's key unlocked for the session. A refusal is a 403 page; a bad value
or a stale proposal shows the page again with the field and the reason
(400, or 409 for a conflict), and nothing is written.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from truceline.bootstrap import App
from truceline.domain.assessment_periods import Period, PeriodKind, period_kind
from truceline.domain.assessment_records import Assessment
from truceline.domain.assessments import SCORE_NAMES, Suggestion
from truceline.domain.errors import ConflictError, InputError
from truceline.domain.permissions import Action
from truceline.entrypoints.web import assessment_views, auth
from truceline.entrypoints.web.admin_pages import NO_STORE
from truceline.entrypoints.web.audit_views import ActorNames
from truceline.entrypoints.web.incident_forms import Fields
from truceline.entrypoints.web.page_kit import Build, FormFields, PageKit, Refused, common
from truceline.services import assessments
from truceline.services.assessment_queries import (
    AssessmentQuery,
    assessment_view,
    list_assessments,
)
from truceline.services.authorship import ServerSigned
from truceline.services.geography import Geography

#: How many periods the board shows.
BOARD_PERIODS = 8


def go(path: str) -> Response:
    return RedirectResponse(path, status_code=303, headers=NO_STORE)


def may_propose(session: auth.WebSession) -> bool:
    return session.can(Action.PROPOSE_ASSESSMENT, session.user.party)


def may_respond(session: auth.WebSession, assessment: Assessment) -> bool:
    party = session.user.party
    return (
        party is not None
        and session.can(Action.CONFIRM_ASSESSMENT, party)
        and assessment.superseded_by is None
        and party in assessment.awaiting
    )


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _score(fields: Fields, name: str = "score") -> int | None:
    text = fields.text(name)
    if not text:
        return None
    if text not in {"0", "1", "2", "3"}:
        raise InputError(name, "choose 0, 1, 2 or 3")
    return int(text)


def mount(api: FastAPI, app: App) -> None:
    """Add the implementation pages (after pages.mount, which serves their static files)."""
    kit = PageKit(app)
    render = kit.render
    router = APIRouter(include_in_schema=False, dependencies=[Depends(auth.check_session_csrf)])

    def today(geo: Geography) -> date:
        return assessments.local_today(geo.agreement, app.now())

    def viewing(request: Request, build: Build) -> Response:
        return kit.viewing(request, build, missing="No such assessment")

    def bad_request(request: Request, geo: Geography, error: InputError) -> Response:
        """The board's page with the field and the reason instead of the board (400)."""
        return render(request, "assessments.html", common(geo) | {"error": error}, status=400)

    # --- the board ------------------------------------------------------------------------

    @router.get("/assessments", response_class=HTMLResponse)
    def board(request: Request, period: str = "week", until: str = "") -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            now = today(geo)
            try:
                kind = period_kind(period)
                last = _day(until, "until") or now
            except InputError as error:
                return bad_request(request, geo, error)
            shown = [Period.containing(kind, min(last, now))]
            while len(shown) < BOARD_PERIODS:
                shown.insert(0, shown[0].preceding())
            query = AssessmentQuery(kind=kind, day_from=shown[0].start, day_to=shown[-1].start)
            found = list_assessments(app.uow(), geo.agreement, query)
            context = common(geo) | {
                "kind": str(kind),
                "kinds": [str(k) for k in PeriodKind],
                "periods": shown,
                "rows": assessment_views.board(geo.agreement, shown, found),
                "paging": assessment_views.paging(shown, now),
                "may_propose": may_propose(session),
                "score_names": SCORE_NAMES,
                "state_words": assessment_views.STATE_WORDS,
            }
            return render(request, "assessments.html", context)

        return viewing(request, build)

    # --- a suggestion and the proposal ----------------------------------------------------

    def new_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        provision_id: str,
        period: Period,
        *,
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        provision = assessments.provision_of(geo.agreement, provision_id)
        suggestion: Suggestion | None = None
        refused: InputError | None = None
        if provision.assessed_by is not None:
            try:
                suggestion = assessments.suggest(
                    app.uow(), geo, provision.id, period, today=today(geo)
                )
            except InputError as problem:
                refused = problem
        context = common(geo) | {
            "provision": provision,
            "period": period,
            "suggestion": suggestion,
            "refused": refused,
            "may_propose": may_propose(session) and refused is None,
            "entered": entered or {},
            "problem": error,
            "score_names": SCORE_NAMES,
        }
        return render(request, "assessment_new.html", context, status=status)

    @router.get("/assessments/new", response_class=HTMLResponse)
    def new(
        request: Request,
        provision: str = "",
        period: str = "week",
        day: Annotated[str, Query(alias="date")] = "",
    ) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            try:
                chosen = Period.containing(period_kind(period), _day(day, "date") or today(geo))
                return new_page(request, session, geo, provision, chosen)
            except InputError as error:
                return bad_request(request, geo, error)

        return viewing(request, build)

    @router.post("/assessments/new")
    def propose(request: Request, fields: FormFields) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            if not may_propose(session):
                raise Refused(
                    f"{session.user.username} ({session.user.role}) may not propose assessments"
                )
            provision = fields.text("provision")
            try:
                period = Period.parse(fields.text("period"))
                assessments.provision_of(geo.agreement, provision)
            except InputError as error:
                return bad_request(request, geo, error)
            try:
                data: dict[str, object] = {"provision": provision, "period": period.label}
                score = _score(fields)
                if score is not None:
                    data["score"] = score
                data["note"] = fields.text("note")
                done = assessments.propose(
                    app.uow(),
                    session.actor,
                    ServerSigned(session.signer),
                    geo,
                    data,
                    app.now(),
                    now=app.now,
                )
            except (InputError, ConflictError) as error:
                status = 409 if isinstance(error, ConflictError) else 400
                entered = fields.entered()
                return new_page(
                    request, session, geo, provision, period, entered=entered, error=error,
                    status=status,
                )  # fmt: skip
            return go(f"/assessments/{done.id}")

        return viewing(request, build)

    # --- one assessment -------------------------------------------------------------------

    def assessment_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        assessment_id: str,
        *,
        entered: dict[str, str] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        agreement = geo.agreement
        view = assessment_view(app.uow(), agreement.id, assessment_id)
        assessment = view.assessment
        names = ActorNames(app)
        context = common(geo) | {
            "assessment": assessment,
            "provision": assessments.provision_of(agreement, assessment.provision),
            "sides": assessment_views.side_views(agreement, assessment),
            "versions": view.versions,
            "steps": view.steps,
            "names": names,
            "state_words": assessment_views.STATE_WORDS,
            "score_names": SCORE_NAMES,
            "may_respond": may_respond(session, assessment),
            "respond_party": session.user.party or "",
            "may_propose": may_propose(session),
            "entered": entered or {},
            "problem": error,
        }
        return render(request, "assessment.html", context, status=status)

    @router.get("/assessments/{assessment_id}", response_class=HTMLResponse)
    def one(request: Request, assessment_id: str) -> Response:
        return viewing(
            request, lambda session, geo: assessment_page(request, session, geo, assessment_id)
        )

    @router.post("/assessments/{assessment_id}/respond")
    def respond(request: Request, assessment_id: str, fields: FormFields) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            try:
                data: dict[str, object] = {
                    "stance": fields.text("stance"),
                    "reason": fields.text("reason"),
                }
                score = _score(fields)
                if score is not None and data["stance"] == "disagrees":
                    data["score"] = score
                assessments.respond(
                    app.uow(),
                    session.actor,
                    ServerSigned(session.signer),
                    geo.agreement,
                    assessment_id,
                    data,
                    app.now(),
                    now=app.now,
                )
            except (InputError, ConflictError) as error:
                status = 409 if isinstance(error, ConflictError) else 400
                return assessment_page(
                    request, session, geo, assessment_id, entered=fields.entered(), error=error,
                    status=status,
                )  # fmt: skip
            return go(f"/assessments/{assessment_id}#views")

        return viewing(request, build)

    api.include_router(router)
