"""The review of incident candidates: edit, reject, accept, merge; and the source registry.

Accepting a candidate files an open-source report that starts a new
incident (``services.incidents.report_incident``: channel ``open_source``,
the outlet, the page's URL and the outlet's grade from the registry);
merging files it on an existing incident (``services.incidents.add_report``).
The report's id is the candidate's (``rep_`` and the same hex digits), so
the ledger entry of the incident names the candidate it came from; the
candidate is then marked accepted or merged. Should that second step be
lost, doing the same again finds the report filed and only marks the
candidate. Editing and rejecting are logged as intake events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError, NotFoundError
from truceline.domain.events import Event
from truceline.domain.intake import Candidate, CandidateStatus, SourceGrade, site_key
from truceline.domain.intake_records import (
    EDITABLE,
    edited,
    incident_draft,
    report_part,
)
from truceline.domain.permissions import Action, authorize
from truceline.domain.reports import AdmiraltyGrade
from truceline.services import incidents
from truceline.services.authorship import Signing
from truceline.services.enrichment import DuplicatePolicy, Enricher
from truceline.services.incidents import active_actor
from truceline.services.intake import grade_for, inter_codes
from truceline.services.ledger import utc_now
from truceline.services.unit_of_work import UnitOfWork

Now = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A candidate after review, and the event that recorded it (the one to sign when preparing)."""

    candidate: Candidate
    event: Event | None


def _pending(uow: UnitOfWork, agreement_id: str, candidate_id: str) -> Candidate:
    found = uow.intake.candidate(candidate_id)
    if found is None or found.agreement_id != agreement_id:
        raise NotFoundError(f"no candidate {candidate_id!r} in agreement {agreement_id!r}")
    if found.status is not CandidateStatus.PENDING:
        raise ConflictError(f"{candidate_id} was already {found.status}")
    return found


def _changes(value: Mapping[str, Any] | None) -> dict[str, Any]:
    changes = dict(value or {})
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(
            f"changes.{unknown[0]}", f"is not an editable field ({', '.join(EDITABLE)})"
        )
    return changes


def edit(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement_id: str,
    candidate_id: str,
    changes: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Reviewed:
    """Correct what was read in a pending candidate (its date, place, type, actors, counts)."""
    data = _changes(changes)
    if not data:
        raise InputError("changes", "give at least one field to change")
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.REVIEW_CANDIDATES, None)
        candidate = _pending(uow, agreement_id, candidate_id)
        finding = edited(candidate.finding, data)
        updated = replace(candidate, finding=finding, edited=True)
        event = Event(
            "intake.candidate_edited",
            actor.user_id,
            actor.party,
            at,
            candidate_id,
            {"changes": data},
        )
        uow.intake.update_candidate(updated, at)
        signing.append(uow, event, now)
        if signing.writes:
            uow.commit()
        return Reviewed(updated, event)


def reject(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement_id: str,
    candidate_id: str,
    note: str,
    at: datetime,
    *,
    now: Now = utc_now,
) -> Reviewed:
    """Reject a pending candidate (not an incident, not in the area...), with the reason."""
    reason = note.strip()
    if not reason:
        raise InputError("note", "say why the candidate is rejected")
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.REVIEW_CANDIDATES, None)
        candidate = _pending(uow, agreement_id, candidate_id)
        updated = replace(
            candidate,
            status=CandidateStatus.REJECTED,
            reviewed_by=actor.user_id,
            reviewed_at=at,
            note=reason,
        )
        event = Event(
            "intake.candidate_rejected",
            actor.user_id,
            actor.party,
            at,
            candidate_id,
            {"note": reason},
        )
        uow.intake.update_candidate(updated, at)
        signing.append(uow, event, now)
        if signing.writes:
            uow.commit()
        return Reviewed(updated, event)


def _report_data(uow: UnitOfWork, agreement: Agreement, candidate: Candidate) -> dict[str, Any]:
    stored = uow.intake.document(candidate.document_id)
    if stored is None:  # pragma: no cover - a candidate is stored with its document
        raise NotFoundError(f"no document {candidate.document_id!r}")
    source = grade_for(uow, stored.document.site)
    return report_part(candidate, stored.document, source.grade, source.name)


def accept(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    enricher: Enricher,
    candidate_id: str,
    changes: Mapping[str, Any] | None,
    at: datetime,
    *,
    into: str | None = None,
    policy: DuplicatePolicy | None = None,
    now: Now = utc_now,
) -> Reviewed:
    """File a pending candidate as an open-source report: on a new incident, or `into` one.

    `changes` are the reviewer's corrections, applied first (they are part of
    the signed report). Returns the candidate as marked, and the incident
    event (the one to sign when only preparing).
    """
    agreement = enricher.agreement
    data = _changes(changes)
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.REVIEW_CANDIDATES, None)
        candidate = _pending(uow, agreement.id, candidate_id)
        finding = edited(candidate.finding, data) if data else candidate.finding
        candidate = replace(candidate, finding=finding, edited=candidate.edited or bool(data))
        report = _report_data(uow, agreement, candidate)
        filed = uow.incidents.report(candidate.report_id)
    event: Event | None = None
    if filed is None:
        if into is None:
            command = {
                "report": report,
                "incident": {
                    **incident_draft(candidate.finding, inter_codes(agreement)),
                    "id": candidate.incident_draft_id,
                },
            }
            done = incidents.report_incident(
                uow, actor, signing, enricher, command, at, policy=policy, now=now
            )
        else:
            done = incidents.add_report(
                uow, actor, signing, agreement, into, {"report": report}, at, now=now
            )
        event = done.event
        incident_id = done.record.incident.id
        if not signing.writes:
            return Reviewed(candidate, event)
    else:
        incident_id = filed.incident_id or into or ""
    status = CandidateStatus.ACCEPTED if into is None else CandidateStatus.MERGED
    marked = replace(
        candidate,
        status=status,
        reviewed_by=actor.user_id,
        reviewed_at=at,
        incident_id=incident_id,
    )
    with uow:
        uow.intake.update_candidate(marked, at)
        uow.commit()
    return Reviewed(marked, event)


def grade_source(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    site: str,
    grade: str,
    at: datetime,
    *,
    name: str = "",
    note: str = "",
    now: Now = utc_now,
) -> SourceGrade:
    """Set an outlet's default Admiralty grade (such as B2) in the source registry."""
    key = site_key(site)
    value = AdmiraltyGrade.parse(grade)
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.MANAGE_SOURCES, None)
        entry = SourceGrade(key, value, name.strip(), note.strip(), actor.user_id, at)
        uow.intake.put_source(entry)
        event = Event(
            "source.graded",
            actor.user_id,
            actor.party,
            at,
            key,
            {"site": key, "grade": str(value), "name": entry.name, "note": entry.note},
        )
        signing.append(uow, event, now)
        if signing.writes:
            uow.commit()
        return entry
