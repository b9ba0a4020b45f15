"""Implementation assessments: the list, the suggestion, one assessment, the signed writes, and
each provision's timeline as JSON or an SVG chart.

Reading needs a token with the `read` scope. Every write is two-step, as for
incidents: ``{"prepare": <command>}`` answers the event to sign (200), with
the suggestion and its evidence inside; the signed ``{"event", "public_key",
"signature"}`` is logged only if it is exactly that body (201). When the
evidence changed in between, the submission is refused: prepare again.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from truceline.adapters.charts import score_timeline_svg
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.assessment_periods import Period, PeriodKind
from truceline.domain.assessment_records import AssessmentState, TimelinePoint
from truceline.domain.errors import NotFoundError
from truceline.entrypoints.api.assessment_schemas import (
    AssessmentListOut,
    AssessmentOut,
    ProposeWrite,
    RespondWrite,
    SuggestedOut,
    TimelineOut,
    assessment_out,
    suggested_out,
    timeline_out,
)
from truceline.entrypoints.api.deps import AppDep, TokenUser, WritingUser
from truceline.entrypoints.api.incidents import WRITTEN, Signing, begin, prepared_answer
from truceline.entrypoints.api.schemas import ErrorOut
from truceline.services import assessments
from truceline.services.assessment_queries import (
    AssessmentQuery,
    assessment_view,
    list_assessments,
    timeline,
)

router = APIRouter(
    prefix="/api/agreements/{agreement_id}",
    tags=["assessments"],
    responses={
        401: {"model": ErrorOut, "description": "No API token, or not a valid one."},
        403: {"model": ErrorOut, "description": "The token's scope or the user's role forbids it."},
    },
)

Provision = Annotated[str, Query(max_length=64, description="A provision id.")]
Kind = Annotated[PeriodKind, Query(description="week (ISO, Monday to Sunday) or month.")]
From = Annotated[date | None, Query(description="From the period holding this day.")]
To = Annotated[date | None, Query(description="Up to the period holding this day.")]


def _today(app: App, agreement_id: str) -> date:
    return assessments.local_today(app.geography(agreement_id).agreement, app.now())


@router.get("/assessments", response_model=AssessmentListOut)
def assessments_list(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    provision: Annotated[str | None, Query(max_length=64)] = None,
    period: Annotated[PeriodKind | None, Query(description="week or month.")] = None,
    date_from: From = None,
    date_to: To = None,
    state: AssessmentState | None = None,
    include_superseded: Annotated[bool, Query(description="Older versions too.")] = False,
) -> AssessmentListOut:
    """The agreement's assessments, newest period first (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    query = AssessmentQuery(
        provision=provision,
        kind=period,
        day_from=date_from,
        day_to=date_to,
        state=state,
        include_superseded=include_superseded,
    )
    found = list_assessments(app.uow(), agreement, query)
    return AssessmentListOut(items=[assessment_out(a) for a in found])


@router.get("/assessments/suggest", response_model=SuggestedOut)
def suggest(
    agreement_id: str,
    app: AppDep,
    _user: TokenUser,
    provision: Provision,
    period: Kind = PeriodKind.WEEK,
    day: Annotated[
        date | None, Query(alias="date", description="A day of the period; today by default.")
    ] = None,
) -> SuggestedOut:
    """What the provision's rule suggests for the period, with the evidence (scope `read`)."""
    geo = app.geography(agreement_id)
    today = _today(app, agreement_id)
    chosen = Period.containing(period, day or today)
    found = assessments.suggest(app.uow(), geo, provision, chosen, today=today)
    return suggested_out(provision, chosen, found)


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut)
def assessment(
    agreement_id: str, assessment_id: str, app: AppDep, _user: TokenUser
) -> AssessmentOut:
    """One assessment whole: its evidence, both views, every version, history (scope `read`)."""
    agreement = app.geography(agreement_id).agreement
    view = assessment_view(app.uow(), agreement.id, assessment_id)
    return assessment_out(view.assessment, view)


def answer(
    app: App, signing: Signing, agreement_id: str, assessment_id: str
) -> AssessmentOut | JSONResponse:
    """The event to sign (200) when preparing; otherwise the assessment as it now stands."""
    if (ready := prepared_answer(signing)) is not None:
        return ready
    view = assessment_view(app.uow(), agreement_id, assessment_id)
    return assessment_out(view.assessment, view)


@router.post("/assessments", response_model=AssessmentOut, status_code=201, responses=WRITTEN)
def propose(
    agreement_id: str, body: ProposeWrite, app: AppDep, user: WritingUser
) -> AssessmentOut | JSONResponse:
    """Propose a provision's score for a period: `{provision, period, score, note}` (scope
    `write`; an information-group member or the monitor)."""
    geo = app.geography(agreement_id)
    signing, data, at, _ = begin(app, body)
    done = assessments.propose(app.uow(), Actor.of(user), signing, geo, data, at, now=app.now)
    return answer(app, signing, geo.agreement.id, done.id)


@router.post(
    "/assessments/{assessment_id}/responses",
    response_model=AssessmentOut,
    status_code=201,
    responses=WRITTEN,
)
def respond(
    agreement_id: str, assessment_id: str, body: RespondWrite, app: AppDep, user: WritingUser
) -> AssessmentOut | JSONResponse:
    """Confirm, or disagree with a reason and your party's score: `{stance, reason, score}`
    (scope `write`; a guarantor's authorized officer)."""
    agreement = app.geography(agreement_id).agreement
    signing, data, at, _ = begin(app, body)
    assessments.respond(
        app.uow(), Actor.of(user), signing, agreement, assessment_id, data, at, now=app.now
    )
    return answer(app, signing, agreement.id, assessment_id)


def _points(
    app: App,
    agreement_id: str,
    provision_id: str,
    period: PeriodKind,
    date_from: date | None,
    date_to: date | None,
) -> list[TimelinePoint]:
    agreement = app.geography(agreement_id).agreement
    if provision_id not in {p.id for p in agreement.provisions}:
        raise NotFoundError(f"no provision {provision_id!r} in agreement {agreement.id!r}")
    today = _today(app, agreement_id)
    return timeline(
        app.uow(), agreement, provision_id, period, today, day_from=date_from, day_to=date_to
    )


@router.get("/provisions/{provision_id}/timeline", response_model=TimelineOut)
def provision_timeline(
    agreement_id: str,
    provision_id: str,
    app: AppDep,
    _user: TokenUser,
    period: Kind = PeriodKind.WEEK,
    date_from: From = None,
    date_to: To = None,
) -> TimelineOut:
    """The provision's current score in each period (the last 12 by default; scope `read`)."""
    points = _points(app, agreement_id, provision_id, period, date_from, date_to)
    return timeline_out(provision_id, points)


@router.get(
    "/provisions/{provision_id}/timeline.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The chart."}},
)
def provision_timeline_svg(
    agreement_id: str,
    provision_id: str,
    app: AppDep,
    _user: TokenUser,
    period: Kind = PeriodKind.WEEK,
    date_from: From = None,
    date_to: To = None,
) -> Response:
    """The same timeline as an SVG chart drawn on the server (scope `read`)."""
    points = _points(app, agreement_id, provision_id, period, date_from, date_to)
    agreement = app.geography(agreement_id).agreement
    colours = {p.id: p.colour for p in agreement.parties if p.colour}
    svg = score_timeline_svg(points, title=f"{provision_id}, by {period}", party_colours=colours)
    return Response(svg, media_type="image/svg+xml")
