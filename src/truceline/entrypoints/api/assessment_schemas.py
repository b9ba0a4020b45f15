"""Request and response schemas of the assessment routes, and the conversions to them.

Writes are two-step like every signed write (see `incident_schemas.SignedWrite`):
``{"prepare": <command>}`` answers the event to sign; ``{"event", "public_key",
"signature"}`` submits it. The values inside a command are checked by the
services, which name the bad field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from truceline.domain.assessment_periods import Period
from truceline.domain.assessment_records import Assessment, TimelinePoint, View
from truceline.domain.assessments import Suggestion, score_name
from truceline.domain.field_codec import MAX_TEXT
from truceline.entrypoints.api.incident_schemas import Command, SignedWrite
from truceline.services.assessment_queries import AssessmentView


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class PeriodOut(_Out):
    label: str = Field(description="2020-W12 (an ISO week) or 2020-03 (a month).")
    kind: str = Field(description="week or month.")
    first_day: date
    last_day: date


class EvidenceOut(_Out):
    id: str
    kind: str = Field(description="incident, patrol, observation or storage_site.")
    text: str
    link: str = Field(description="The record's web page, relative to the server.")
    counts: bool = Field(description="Counted in the measure (False: it shows only watching).")


class SuggestionOut(_Out):
    rule: str
    thresholds: list[float]
    score: int = Field(description="0 not initiated, 1 minimal, 2 intermediate, 3 full.")
    score_name: str
    measure: float | None = Field(description="What the rule measured; null: no evidence.")
    explanation: str
    evidence: list[EvidenceOut]


class SuggestedOut(SuggestionOut):
    provision: str
    period: PeriodOut


class ViewOut(_Out):
    party: str
    stance: str = Field(description="confirms or disagrees.")
    reason: str
    score: int | None = Field(description="The party's own score, when it disagrees.")
    by: str = Field(description="The authorized officer's user id.")
    at: datetime
    ledger_seq: int | None = Field(description="The log entry the officer signed.")


class StepOut(_Out):
    action: str
    at: datetime
    actor: str
    party: str | None
    ledger_seq: int | None


class AssessmentOut(_Out):
    id: str
    number: int
    provision: str
    period: PeriodOut
    version: int = Field(description="1, 2 ...: the proposals for this provision and period.")
    score: int = Field(description="The proposed score, 0 to 3.")
    score_name: str
    state: str = Field(
        description="suggested, confirmed_by_one, confirmed_by_both, disputed or superseded."
    )
    note: str
    proposed_by: str
    party: str | None = Field(description="The proposer's party.")
    proposed_at: datetime
    suggestion: SuggestionOut | None = Field(
        description="The rule's suggestion and evidence as proposed; null: scored by hand."
    )
    responders: list[str] = Field(description="The parties whose officers confirm or disagree.")
    awaiting: list[str]
    views: list[ViewOut]
    supersedes: str | None
    superseded_by: str | None
    versions: list[str] = Field(default_factory=list, description="Every version's id, in order.")
    history: list[StepOut] = Field(default_factory=list)


class AssessmentListOut(_Out):
    items: list[AssessmentOut]


class TimelinePointOut(_Out):
    period: PeriodOut
    score: int | None
    state: str | None
    assessment_id: str | None
    disagreements: dict[str, int] = Field(description="Each disagreeing party's own score.")


class TimelineOut(_Out):
    provision: str
    points: list[TimelinePointOut]


def period_out(period: Period) -> PeriodOut:
    return PeriodOut(
        label=period.label, kind=str(period.kind), first_day=period.start, last_day=period.last_day
    )


def suggestion_out(suggestion: Suggestion) -> SuggestionOut:
    return SuggestionOut(**_suggestion_fields(suggestion))


def suggested_out(provision: str, period: Period, suggestion: Suggestion) -> SuggestedOut:
    return SuggestedOut(
        provision=provision, period=period_out(period), **_suggestion_fields(suggestion)
    )


def _suggestion_fields(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "rule": str(suggestion.rule),
        "thresholds": list(suggestion.thresholds),
        "score": suggestion.score,
        "score_name": suggestion.score_name,
        "measure": suggestion.measure,
        "explanation": suggestion.explanation,
        "evidence": [
            EvidenceOut(id=e.id, kind=str(e.kind), text=e.text, link=e.link, counts=e.counts)
            for e in suggestion.evidence
        ],
    }


def _view_out(view: View) -> ViewOut:
    return ViewOut(
        party=view.party,
        stance=str(view.stance),
        reason=view.reason,
        score=view.score,
        by=view.by,
        at=view.at,
        ledger_seq=view.ledger_seq,
    )


def assessment_out(assessment: Assessment, view: AssessmentView | None = None) -> AssessmentOut:
    """The assessment as the API gives it; with its versions and history when `view` is given."""
    suggestion = assessment.suggestion
    return AssessmentOut(
        id=assessment.id,
        number=assessment.number,
        provision=assessment.provision,
        period=period_out(assessment.period),
        version=assessment.version,
        score=assessment.score,
        score_name=score_name(assessment.score),
        state=str(assessment.state),
        note=assessment.note,
        proposed_by=assessment.proposed_by,
        party=assessment.party,
        proposed_at=assessment.proposed_at,
        suggestion=None if suggestion is None else suggestion_out(suggestion),
        responders=list(assessment.responders),
        awaiting=list(assessment.awaiting),
        views=[_view_out(v) for v in assessment.views],
        supersedes=assessment.supersedes,
        superseded_by=assessment.superseded_by,
        versions=[] if view is None else [a.id for a in view.versions],
        history=[]
        if view is None
        else [
            StepOut(action=s.action, at=s.at, actor=s.actor, party=s.party, ledger_seq=s.ledger_seq)
            for s in view.steps
        ],
    )


def timeline_out(provision: str, points: list[TimelinePoint]) -> TimelineOut:
    return TimelineOut(
        provision=provision,
        points=[
            TimelinePointOut(
                period=period_out(p.period),
                score=p.score,
                state=None if p.state is None else str(p.state),
                assessment_id=p.assessment_id,
                disagreements=dict(p.disagreements),
            )
            for p in points
        ],
    )


# --- writing -----------------------------------------------------------------------------


class _Stated(Command):
    def data(self) -> dict[str, Any]:
        """The command's data as the service takes it (what is left out stays out)."""
        return self.model_dump(exclude_none=True)


class ProposeCommand(_Stated):
    """Propose a provision's score for a period; the suggestion's score when none is given."""

    provision: str = Field(max_length=64)
    period: str = Field(max_length=16, description="2020-W12 (an ISO week) or 2020-03.")
    score: int | None = Field(
        default=None, ge=0, le=3, description="Required when the provision has no rule."
    )
    note: str | None = Field(
        default=None,
        max_length=MAX_TEXT * 2,
        description="Required when the score is not the suggestion's, or there is no rule.",
    )
    id: str | None = Field(default=None, max_length=96, description="asm_…; made when left out.")


class RespondCommand(_Stated):
    """The caller's party confirms the assessment, or disagrees with a reason and its score."""

    stance: str = Field(max_length=16, description="confirms or disagrees.")
    reason: str | None = Field(
        default=None, max_length=MAX_TEXT * 2, description="Required to disagree."
    )
    score: int | None = Field(
        default=None, ge=0, le=3, description="Your party's own score; required to disagree."
    )


class ProposeWrite(SignedWrite):
    prepare: ProposeCommand | None = None


class RespondWrite(SignedWrite):
    prepare: RespondCommand | None = None
