"""An implementation assessment as recorded: the proposal, each guarantor's view, its state.

An information-group member or the monitor *proposes* a provision's score
for a period, with the rule's suggestion and its evidence as they stood
(the score may differ from the suggestion, or the provision may have no
rule: then a note must say why). Each guarantor's authorized officer then
*confirms* it or *disagrees*, giving a reason and the score their party
holds; both views are kept side by side, neither replaces the other::

    suggested ─confirm─> confirmed_by_one ─confirm─> confirmed_by_both
        └──────────── disagree (by either, at any point) ──> disputed

A proposal never changes its score or evidence. A new proposal for the same
provision and period is its next *version*: it supersedes the current one
(state ``superseded``, kept with its views), and each party responds to it
afresh: once per version.

Everything here is pure; a refused change raises `InputError` (a bad value),
`ConflictError` (the assessment's state forbids it) or `PermissionDenied`
(a party that is not among its responders).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from truceline.domain.assessment_periods import Period
from truceline.domain.assessments import SCORES, EvidenceItem, EvidenceKind, RuleKind, Suggestion
from truceline.domain.checks import check, check_id
from truceline.domain.errors import ConflictError, InputError, PermissionDenied
from truceline.domain.field_codec import MAX_TEXT, parse_time, time_text

ASSESSMENT_ID = re.compile(r"asm_[A-Za-z0-9][A-Za-z0-9._-]*")


def new_assessment_id() -> str:
    """A fresh random assessment id."""
    return "asm_" + secrets.token_hex(8)


class Stance(StrEnum):
    """A guarantor's view of a proposed assessment."""

    CONFIRMS = "confirms"
    DISAGREES = "disagrees"


class AssessmentState(StrEnum):
    """Where an assessment stands; derived from its views and whether it was superseded."""

    SUGGESTED = "suggested"
    CONFIRMED_BY_ONE = "confirmed_by_one"
    CONFIRMED_BY_BOTH = "confirmed_by_both"
    DISPUTED = "disputed"
    SUPERSEDED = "superseded"


def check_score(value: object, field: str) -> int:
    """A score of the scale: a whole number from 0 to 3."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value in SCORES
    check(
        ok,
        field,
        f"must be 0, 1, 2 or 3 (not initiated, minimal, intermediate, full), not {value!r}",
    )
    assert isinstance(value, int)
    return value


@dataclass(frozen=True, slots=True)
class View:
    """One guarantor's view: confirms, or disagrees with a reason and its own score."""

    party: str
    stance: Stance
    reason: str
    score: int | None
    by: str
    at: datetime
    ledger_seq: int | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """A provision's proposed score for a period, with its evidence and the guarantors' views.

    `version` counts the proposals for this provision and period (1, 2 ...);
    `responders` are the parties whose authorized officers confirm or
    disagree (the agreement's guarantors).
    """

    id: str
    number: int
    provision: str
    period: Period
    version: int
    score: int
    suggestion: Suggestion | None
    note: str
    proposed_by: str
    party: str | None
    proposed_at: datetime
    responders: tuple[str, ...]
    views: tuple[View, ...] = ()
    supersedes: str | None = None
    superseded_by: str | None = None

    @property
    def state(self) -> AssessmentState:
        if self.superseded_by is not None:
            return AssessmentState.SUPERSEDED
        if any(v.stance is Stance.DISAGREES for v in self.views):
            return AssessmentState.DISPUTED
        confirmed = {v.party for v in self.views if v.stance is Stance.CONFIRMS}
        if confirmed and confirmed >= set(self.responders):
            return AssessmentState.CONFIRMED_BY_BOTH
        if confirmed:
            return AssessmentState.CONFIRMED_BY_ONE
        return AssessmentState.SUGGESTED

    @property
    def awaiting(self) -> tuple[str, ...]:
        """The responders that have given no view yet."""
        given = {v.party for v in self.views}
        return tuple(p for p in self.responders if p not in given)

    def view_of(self, party: str) -> View | None:
        for view in self.views:
            if view.party == party:
                return view
        return None


def propose(
    assessment_id: str,
    number: int,
    provision: str,
    period: Period,
    *,
    version: int,
    score: int,
    suggestion: Suggestion | None,
    note: str,
    by: str,
    party: str | None,
    at: datetime,
    responders: Sequence[str],
    supersedes: str | None = None,
) -> Assessment:
    """A new proposal; a score other than the suggestion's (or without one) needs a note."""
    check_id(assessment_id, ASSESSMENT_ID, "id")
    check_score(score, "score")
    note = note.strip()
    check(len(note) <= MAX_TEXT, "note", f"at most {MAX_TEXT} characters")
    check(version >= 1, "version", "versions count from 1")
    if suggestion is None and not note:
        raise InputError("note", "the provision has no rule: say what the score rests on")
    if suggestion is not None and score != suggestion.score and not note:
        raise InputError(
            "note", f"say why the score differs from the rule's suggestion ({suggestion.score})"
        )
    if not responders:
        raise InputError("agreement", "names no guarantor to confirm assessments")
    return Assessment(
        id=assessment_id,
        number=number,
        provision=provision,
        period=period,
        version=version,
        score=score,
        suggestion=suggestion,
        note=note,
        proposed_by=by,
        party=party,
        proposed_at=at,
        responders=tuple(responders),
        supersedes=supersedes,
    )


def respond(
    assessment: Assessment,
    *,
    party: str,
    stance: Stance,
    reason: str,
    score: int | None,
    by: str,
    at: datetime,
    ledger_seq: int | None = None,
) -> Assessment:
    """A guarantor's view, once per party and version: a disagreement gives a reason and a score."""
    if assessment.superseded_by is not None:
        raise ConflictError(
            f"{assessment.id} was superseded by {assessment.superseded_by}: respond to that one"
        )
    if party not in assessment.responders:
        raise PermissionDenied(
            f"party {party!r} is not among those who confirm assessments "
            f"({', '.join(assessment.responders)})"
        )
    given = assessment.view_of(party)
    if given is not None:
        raise ConflictError(
            f"party {party!r} already {given.stance} on {assessment.id} (version "
            f"{assessment.version}); a view is given once per version"
        )
    reason = reason.strip()
    check(len(reason) <= MAX_TEXT, "reason", f"at most {MAX_TEXT} characters")
    if stance is Stance.DISAGREES:
        check(bool(reason), "reason", "a disagreement says why")
        if score is None:
            raise InputError("score", "a disagreement gives the score your party holds")
        check_score(score, "score")
    elif score is not None and score != assessment.score:
        raise InputError(
            "score",
            f"a confirmation takes the proposed score ({assessment.score}); disagree to "
            "give another",
        )
    view = View(
        party=party,
        stance=stance,
        reason=reason,
        score=score if stance is Stance.DISAGREES else None,
        by=by,
        at=at,
        ledger_seq=ledger_seq,
    )
    return replace(assessment, views=(*assessment.views, view))


def supersede(assessment: Assessment, by_id: str) -> Assessment:
    """The assessment, superseded by a newer proposal for its provision and period."""
    if assessment.superseded_by is not None:
        raise ConflictError(f"{assessment.id} was already superseded by {assessment.superseded_by}")
    return replace(assessment, superseded_by=by_id)


def current_of(assessments: Iterable[Assessment]) -> Assessment | None:
    """The one not superseded, of the highest version (None when there is none)."""
    live = [a for a in assessments if a.superseded_by is None]
    return max(live, key=lambda a: a.version) if live else None


# --- the timeline ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """A provision's standing in one period: the current assessment's score and state, and
    the score each disagreeing party holds (None everywhere when the period is not assessed)."""

    period: Period
    score: int | None = None
    state: AssessmentState | None = None
    assessment_id: str | None = None
    disagreements: tuple[tuple[str, int], ...] = ()


def timeline(assessments: Iterable[Assessment], periods: Sequence[Period]) -> list[TimelinePoint]:
    """One point per period, in order: the current assessment of each, or an empty point."""
    by_period: dict[Period, list[Assessment]] = {}
    for assessment in assessments:
        by_period.setdefault(assessment.period, []).append(assessment)
    points = []
    for period in periods:
        current = current_of(by_period.get(period, ()))
        if current is None:
            points.append(TimelinePoint(period))
            continue
        disagreements = tuple((v.party, v.score) for v in current.views if v.score is not None)
        points.append(
            TimelinePoint(period, current.score, current.state, current.id, disagreements)
        )
    return points


# --- as JSON ---------------------------------------------------------------------------------


def evidence_to_dict(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": str(item.kind),
        "text": item.text,
        "link": item.link,
        "counts": item.counts,
    }


def suggestion_to_dict(suggestion: Suggestion) -> dict[str, Any]:
    """A suggestion as signed and stored: the rule, thresholds, score, measure, evidence."""
    return {
        "rule": str(suggestion.rule),
        "thresholds": list(suggestion.thresholds),
        "score": suggestion.score,
        "measure": suggestion.measure,
        "explanation": suggestion.explanation,
        "evidence": [evidence_to_dict(e) for e in suggestion.evidence],
    }


def suggestion_from_dict(data: Mapping[str, Any]) -> Suggestion:
    a, b, c = (float(v) for v in data["thresholds"])
    measure = data.get("measure")
    return Suggestion(
        rule=RuleKind(data["rule"]),
        thresholds=(a, b, c),
        score=int(data["score"]),
        measure=None if measure is None else float(measure),
        explanation=str(data["explanation"]),
        evidence=tuple(
            EvidenceItem(
                id=str(e["id"]),
                kind=EvidenceKind(e["kind"]),
                text=str(e["text"]),
                link=str(e.get("link", "")),
                counts=bool(e.get("counts", True)),
            )
            for e in data.get("evidence", ())
        ),
    )


def _view_to_dict(view: View) -> dict[str, Any]:
    return {
        "party": view.party,
        "stance": str(view.stance),
        "reason": view.reason,
        "score": view.score,
        "by": view.by,
        "at": time_text(view.at),
        "ledger_seq": view.ledger_seq,
    }


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """An assessment as a field record's doc."""
    suggestion = assessment.suggestion
    return {
        "id": assessment.id,
        "number": assessment.number,
        "provision": assessment.provision,
        "period": assessment.period.label,
        "version": assessment.version,
        "score": assessment.score,
        "suggestion": None if suggestion is None else suggestion_to_dict(suggestion),
        "note": assessment.note,
        "proposed_by": assessment.proposed_by,
        "party": assessment.party,
        "proposed_at": time_text(assessment.proposed_at),
        "responders": list(assessment.responders),
        "views": [_view_to_dict(v) for v in assessment.views],
        "supersedes": assessment.supersedes,
        "superseded_by": assessment.superseded_by,
    }


def assessment_from_dict(doc: Mapping[str, Any]) -> Assessment:
    """The assessment a record's doc holds."""
    suggestion = doc.get("suggestion")
    return Assessment(
        id=str(doc["id"]),
        number=int(doc["number"]),
        provision=str(doc["provision"]),
        period=Period.parse(str(doc["period"])),
        version=int(doc["version"]),
        score=int(doc["score"]),
        suggestion=None if suggestion is None else suggestion_from_dict(suggestion),
        note=str(doc.get("note", "")),
        proposed_by=str(doc["proposed_by"]),
        party=doc.get("party"),
        proposed_at=parse_time(doc["proposed_at"], "proposed_at"),
        responders=tuple(doc["responders"]),
        views=tuple(
            View(
                party=str(v["party"]),
                stance=Stance(v["stance"]),
                reason=str(v.get("reason", "")),
                score=v.get("score"),
                by=str(v["by"]),
                at=parse_time(v["at"], "at"),
                ledger_seq=v.get("ledger_seq"),
            )
            for v in doc.get("views", ())
        ),
        supersedes=doc.get("supersedes"),
        superseded_by=doc.get("superseded_by"),
    )
