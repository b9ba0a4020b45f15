"""Open-source intake: queue a text's incident candidates for review, and read the queue.

`ingest` stores a document and the candidates the pipeline found in it
(``adapters.intake.pipeline``), each with the stored incidents it may
duplicate, and logs one ``intake.ingested`` entry, all in one transaction.
A document already ingested adds nothing: the same text (same digest) is
the same document. The review commands are in ``services.intake_review``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from truceline.adapters.intake.details import actor_list
from truceline.adapters.intake.similarity import text_similarity
from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.duplicates import possible_duplicates
from truceline.domain.errors import InputError
from truceline.domain.event_types import family_of
from truceline.domain.events import Event
from truceline.domain.incident_records import incident_from_dict
from truceline.domain.incidents import DateRange
from truceline.domain.intake import (
    DEFAULT_GRADE,
    Candidate,
    CandidateStatus,
    Document,
    DuplicateSuggestion,
    Extraction,
    Finding,
    SourceGrade,
    candidate_id,
)
from truceline.domain.intake_records import document_to_dict, incident_draft
from truceline.domain.permissions import Action, authorize
from truceline.services.authorship import Signing
from truceline.services.incidents import active_actor
from truceline.services.intake_store import CandidateFilter
from truceline.services.ledger import utc_now
from truceline.services.unit_of_work import UnitOfWork

Now = Callable[[], datetime]
_KM_PER_DEGREE = 111.32
_WORLD = (-180.0, -90.0, 180.0, 90.0)


@dataclass(frozen=True, slots=True)
class IntakePolicy:
    """When a candidate may duplicate a stored incident (looser than between incidents:
    a text places and dates less exactly than a report)."""

    max_km: float = 10.0
    max_days: int = 2
    min_text_similarity: float = 0.1
    #: Without a place to compare, the text alone must be this close.
    min_text_alone: float = 0.3
    #: At most this many stored incidents are compared, and this many suggested.
    compared: int = 300
    suggested: int = 5


@dataclass(frozen=True, slots=True)
class Ingested:
    """A document and its candidates; `new` is False when it had been ingested before."""

    document: Document
    candidates: tuple[Candidate, ...]
    new: bool
    event: Event | None


def inter_codes(agreement: Agreement) -> Callable[[str], int]:
    """ACLED inter code of an actor named by the intake (8, other forces, when unknown)."""
    codes = {entry.name: entry.inter for entry in actor_list(agreement)}
    return lambda name: codes.get(name, 8)


def suggest_duplicates(
    uow: UnitOfWork,
    agreement: Agreement,
    finding: Finding,
    policy: IntakePolicy,
    *,
    exclude: str = "",
) -> tuple[DuplicateSuggestion, ...]:
    """Stored incidents the finding may describe again, best first (none without date or place).

    Called inside the caller's unit of work.
    """
    if finding.dates is None:
        return ()
    if finding.place is None:
        return _by_text(uow, agreement, finding, policy, exclude)
    draft = incident_draft(finding, inter_codes(agreement))
    incident = incident_from_dict({**draft, "id": "inc_intake_probe"}, draft=True)
    lat, lon = finding.place.lat, finding.place.lon
    dlat = policy.max_km / _KM_PER_DEGREE
    dlon = dlat / max(0.01, abs(math.cos(math.radians(lat))))
    box = (lon - dlon, lat - dlat, lon + dlon, lat + dlat)
    window = timedelta(days=policy.max_days)
    dates = (finding.dates.start - window, finding.dates.end + window)
    others = uow.incidents.near(agreement.id, str(incident.family), box, dates, policy.compared)
    found = possible_duplicates(
        incident,
        [o for o in others if o.id != exclude],
        max_km=policy.max_km,
        max_days=policy.max_days,
        min_text_similarity=policy.min_text_similarity,
        similarity=text_similarity,
    )
    return tuple(
        DuplicateSuggestion(c.incident_id, c.score, c.reasons) for c in found[: policy.suggested]
    )


def _by_text(
    uow: UnitOfWork, agreement: Agreement, finding: Finding, policy: IntakePolicy, exclude: str
) -> tuple[DuplicateSuggestion, ...]:
    """Without a place, incidents of the same family and dates whose text is close enough."""
    assert finding.dates is not None
    window = timedelta(days=policy.max_days)
    dates = (finding.dates.start - window, finding.dates.end + window)
    family = str(family_of(finding.event_type))
    others = uow.incidents.near(agreement.id, family, _WORLD, dates, policy.compared)
    found = []
    for other in others:
        if other.id == exclude or other.merged_into is not None:
            continue
        score = text_similarity(finding.sentence, other.notes)
        if score >= policy.min_text_alone:
            gap = other.dates.gap_days(DateRange(finding.dates.start, finding.dates.end))
            reasons = (
                f"same family of event type ({family})",
                "dates overlap" if gap == 0 else f"{gap} day(s) apart",
                f"text similarity {score:.2f}",
                "no place to compare",
            )
            found.append(DuplicateSuggestion(other.id, score, reasons))
    found.sort(key=lambda s: (-s.score, s.incident_id))
    return tuple(found[: policy.suggested])


def _candidates(
    uow: UnitOfWork,
    agreement: Agreement,
    extraction: Extraction,
    at: datetime,
    policy: IntakePolicy,
) -> tuple[Candidate, ...]:
    document = extraction.document
    return tuple(
        Candidate(
            id=candidate_id(agreement.id, document.id, finding.index),
            agreement_id=agreement.id,
            document_id=document.id,
            finding=finding,
            duplicates=suggest_duplicates(uow, agreement, finding, policy),
            created_at=at,
        )
        for finding in extraction.findings
    )


def preview(
    uow: UnitOfWork,
    agreement: Agreement,
    extraction: Extraction,
    at: datetime,
    policy: IntakePolicy,
) -> tuple[Candidate, ...]:
    """The candidates an ingest would queue, with their duplicate suggestions; writes nothing."""
    with uow:
        return _candidates(uow, agreement, extraction, at, policy)


def ingest(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    extraction: Extraction,
    at: datetime,
    *,
    command: Mapping[str, Any] | None = None,
    policy: IntakePolicy | None = None,
    now: Now = utc_now,
) -> Ingested:
    """Store a document and queue its candidates; nothing new when it was ingested before.

    `command` is what the reader was asked to read (a URL, a file, a text):
    the logged data holds it with the document read and the candidates
    queued, so a client that signs the prepared entry signs all three.
    """
    document = extraction.document
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.INGEST_OPEN_SOURCE, None)
        stored = uow.intake.document(document.id)
        if stored is not None:
            if stored.agreement_id != agreement.id:
                raise InputError(
                    "document", f"this text was ingested for agreement {stored.agreement_id!r}"
                )
            where = CandidateFilter(agreement.id, document_id=document.id)
            kept = tuple(uow.intake.candidates(where, limit=10_000))
            return Ingested(stored.document, kept, False, None)
        candidates = _candidates(uow, agreement, extraction, at, policy or IntakePolicy())
        uow.intake.add_document(agreement.id, document, actor.user_id, at)
        uow.intake.add_candidates(candidates)
        event = Event(
            "intake.ingested",
            actor.user_id,
            actor.party,
            at,
            document.id,
            {
                "command": dict(command or {}),
                "agreement": agreement.id,
                "document": document_to_dict(document),
                "candidates": [
                    {"id": c.id, "index": c.finding.index, "sentence": c.finding.sentence}
                    for c in candidates
                ],
            },
        )
        signing.append(uow, event, now)
        if signing.writes:
            uow.commit()
        return Ingested(document, candidates, True, event)


def queue(
    uow: UnitOfWork,
    agreement_id: str,
    *,
    status: CandidateStatus | None = CandidateStatus.PENDING,
    document_id: str | None = None,
    after: str | None = None,
    limit: int = 100,
) -> list[Candidate]:
    """The review queue: candidates of an agreement (pending ones by default), oldest first."""
    with uow:
        where = CandidateFilter(agreement_id, status=status, document_id=document_id)
        return uow.intake.candidates(where, after=after, limit=limit)


def grade_for(uow: UnitOfWork, site: str) -> SourceGrade:
    """An outlet's registry entry, or the default grade (F6) when it has none. Inside a uow."""
    found = uow.intake.source(site) if site else None
    return found or SourceGrade(site or "local", DEFAULT_GRADE)


def sources(uow: UnitOfWork) -> Sequence[SourceGrade]:
    """The source registry."""
    with uow:
        return uow.intake.sources()
