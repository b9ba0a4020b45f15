"""Incidents: report one, attach a report, merge, split, and each side's position on it.

Every command checks the actor's permission, builds the domain values from
the command's data (``domain.incident_records``, so a bad value is refused
naming its field), enriches what it writes (``services.enrichment``),
stores it, and appends one ledger entry whose data is exactly the command,
all in one transaction: the change and its entry commit together or not at
all. The event is signed by whoever acts (``services.authorship``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from truceline.domain.accounts import MONITOR_PARTY, Actor, Role
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.events import Event
from truceline.domain.incident_records import (
    draft_to_dict,
    incident_from_dict,
    report_from_dict,
    report_to_dict,
)
from truceline.domain.incidents import (
    HistoryAction,
    HistoryEntry,
    Incident,
    attach_report,
    merge_incidents,
    new_incident_id,
    split_incident,
)
from truceline.domain.permissions import Action, authorize
from truceline.domain.reports import Channel, Report, new_report_id
from truceline.domain.verification import (
    AttributionState,
    VerificationStatus,
)
from truceline.services.authorship import Signing
from truceline.services.enrichment import DuplicatePolicy, Enricher, Placed, duplicates_of
from truceline.services.incident_store import IncidentRecord, LinkRows
from truceline.services.ledger import utc_now
from truceline.services.unit_of_work import UnitOfWork

Now = Callable[[], datetime]


def agreement_start(agreement: Agreement) -> date:
    """The first day any provision is in force, in the agreement's time zone."""
    zone = ZoneInfo(agreement.timezone)
    starts = [p.effective.astimezone(zone).date() for p in agreement.provisions]
    documents = [d.date for d in agreement.documents]
    return min(starts or documents)


def content_hash(incident: Incident, reports: Sequence[Report] = ()) -> str:
    """A digest of what was stated about an incident (its draft, external ids and reports)."""
    stated = {
        "incident": draft_to_dict(incident),
        "external_ids": [list(pair) for pair in incident.external_ids],
        "reports": [report_to_dict(r) for r in reports],
    }
    text = json.dumps(stated, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def check_dates(incident: Incident, agreement: Agreement, now: datetime, field: str) -> None:
    """Refuse dates before the agreement's start or after today (in its time zone)."""
    start = agreement_start(agreement)
    today = now.astimezone(ZoneInfo(agreement.timezone)).date()
    if incident.dates.start < start:
        raise InputError(
            f"{field}.dates.start",
            f"{incident.dates.start} is before the agreement's start ({start})",
        )
    if incident.dates.end > today:
        raise InputError(f"{field}.dates.end", f"{incident.dates.end} is in the future")


def active_actor(uow: UnitOfWork, actor: Actor) -> Actor:
    """The actor as stored now: a disabled or removed user may no longer act."""
    if actor.is_operator:
        return actor
    user = uow.accounts.user(actor.user_id)
    if user is None or user.disabled:
        raise PermissionDenied(f"{actor.username} is not an active user")
    return Actor.of(user)


def open_incident(uow: UnitOfWork, agreement_id: str, incident_id: str) -> IncidentRecord:
    """An incident of the agreement that was not merged into another; errors otherwise."""
    record = uow.incidents.get(incident_id)
    if record is None or record.agreement_id != agreement_id:
        raise NotFoundError(f"no incident {incident_id!r} in agreement {agreement_id!r}")
    if record.incident.merged_into is not None:
        raise InputError(
            "incident_id",
            f"{incident_id} was merged into {record.incident.merged_into}; act on that one",
        )
    return record


def finish(
    uow: UnitOfWork,
    signing: Signing,
    event: Event,
    entries: Sequence[HistoryEntry],
    now: Now,
) -> None:
    seq = signing.append(uow, event, now)
    uow.incidents.add_history(entries, seq)
    if signing.writes:
        uow.commit()


def new_record(
    agreement_id: str, placed: Placed, at: datetime, reports: Sequence[Report], source: str | None
) -> IncidentRecord:
    """A new incident's record: pending, not attributable, its stated content digested."""
    return IncidentRecord(
        incident=placed.incident,
        agreement_id=agreement_id,
        status=VerificationStatus.PENDING,
        attribution=AttributionState.NOT_ATTRIBUTABLE,
        responsible_party=placed.responsible_party,
        content_hash=content_hash(placed.incident, reports),
        source_id=source,
        created_at=at,
        updated_at=at,
    )


def links_of(incident: Incident) -> LinkRows:
    """The zone and provision index rows of an incident."""
    links = incident.links
    return LinkRows(incident.id, incident.dates.start, links.zones, links.provisions)


# --- reporting ---------------------------------------------------------------------------


def _report_for(
    data: Mapping[str, Any], actor: Actor, agreement: Agreement, incident_id: str | None
) -> Report:
    report = report_from_dict(data, entered_by=actor.user_id, incident_id=incident_id)
    parties = {p.id for p in agreement.parties} | {MONITOR_PARTY}
    if report.channel is Channel.BULK_IMPORT:
        raise InputError("report.channel", "bulk_import is for imported files (incidents import)")
    if report.reporting_party is not None and report.reporting_party not in parties:
        raise InputError(
            "report.reporting_party", f"{report.reporting_party!r} is not a party of the agreement"
        )
    if report.channel is Channel.PARTY_ALLEGATION and report.reporting_party != actor.party:
        raise PermissionDenied(
            f"{actor.username} may file allegations for {actor.party!r} only, "
            f"not for {report.reporting_party!r}"
        )
    if report.channel is Channel.MONITOR and actor.role is not Role.MONITOR:
        raise PermissionDenied("only a monitor files a report on the monitor channel")
    return report


def _with_ids(data: Mapping[str, Any]) -> dict[str, Any]:
    """The command with fresh ids filled in where the caller left them out."""
    out = dict(data)
    for key, maker in (("report", new_report_id), ("incident", new_incident_id)):
        part = out.get(key)
        if isinstance(part, Mapping) and not part.get("id"):
            out[key] = {**part, "id": maker()}
    return out


@dataclass(frozen=True, slots=True)
class Reported:
    """The incident as stored after a report, and the event that recorded it."""

    record: IncidentRecord
    event: Event


def report_incident(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    enricher: Enricher,
    data: Mapping[str, Any],
    at: datetime,
    *,
    policy: DuplicatePolicy | None = None,
    now: Now = utc_now,
) -> Reported:
    """A report that starts a new incident: ``data`` is ``{"report": …, "incident": …}``."""
    agreement = enricher.agreement
    data = _with_ids(data)
    unknown = sorted(set(data) - {"report", "incident"})
    if unknown:
        raise InputError(unknown[0], "is not a known field (give report and incident)")
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.REPORT_INCIDENT, actor.party)
        draft = incident_from_dict(data.get("incident"), draft=True)
        report = _report_for(data.get("report") or {}, actor, agreement, draft.id)
        check_dates(draft, agreement, now(), "incident")
        if uow.incidents.get(draft.id) is not None:
            raise ConflictError(f"an incident {draft.id!r} already exists")
        if uow.incidents.report(report.id) is not None:
            raise ConflictError(f"a report {report.id!r} already exists")
        incident = replace(draft, report_ids=(report.id,))
        [placed] = enricher.place([incident])
        found = duplicates_of(uow, agreement.id, placed.incident, policy or DuplicatePolicy())
        incident = replace(placed.incident, possible_duplicates=tuple(c.incident_id for c in found))
        placed = Placed(incident, placed.responsible_party)
        record = new_record(agreement.id, placed, at, [report], None)
        uow.incidents.insert([record])
        uow.incidents.add_reports(agreement.id, [report])
        uow.incidents.replace_links(agreement.id, [links_of(incident)])
        _mark_duplicates(uow, incident.id, [c.incident_id for c in found], at)
        event = Event(
            "incident.reported",
            actor.user_id,
            actor.party,
            at,
            incident.id,
            {"report": report_to_dict(report), "incident": draft_to_dict(draft)},
        )
        entry = HistoryEntry(
            HistoryAction.REPORTED, at, actor.user_id, incident.id, None, (report.id,)
        )
        finish(uow, signing, event, [entry], now)
        return Reported(replace(record, incident=replace(incident, history=(entry,))), event)


def _mark_duplicates(
    uow: UnitOfWork, incident_id: str, others: Sequence[str], at: datetime
) -> None:
    """Name the new incident among the possible duplicates of each incident it may duplicate."""
    changed = []
    for other_id in others:
        other = uow.incidents.get(other_id)
        if other is None or incident_id in other.incident.possible_duplicates:
            continue
        dup = (*other.incident.possible_duplicates, incident_id)
        changed.append(
            replace(other, incident=replace(other.incident, possible_duplicates=dup), updated_at=at)
        )
    uow.incidents.update(changed)


def add_report(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    incident_id: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Reported:
    """A new report that joins an existing incident: ``data`` is ``{"report": …}``."""
    data = _with_ids(data)
    unknown = sorted(set(data) - {"report"})
    if unknown:
        raise InputError(unknown[0], "is not a known field (give report)")
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.REPORT_INCIDENT, actor.party)
        record = open_incident(uow, agreement.id, incident_id)
        report = _report_for(data.get("report") or {}, actor, agreement, None)
        if uow.incidents.report(report.id) is not None:
            raise ConflictError(f"a report {report.id!r} already exists")
        incident, report, entry = attach_report(record.incident, report, at=at, by=actor.user_id)
        updated = replace(record, incident=incident, updated_at=at)
        uow.incidents.update([updated])
        uow.incidents.add_reports(agreement.id, [report])
        event = Event(
            "incident.report_attached",
            actor.user_id,
            actor.party,
            at,
            incident_id,
            {"report": report_to_dict(report)},
        )
        finish(uow, signing, event, [entry], now)
        return Reported(updated, event)


# --- merge and split ---------------------------------------------------------------------


def merge(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    kept_id: str,
    absorbed_id: str,
    note: str,
    at: datetime,
    *,
    now: Now = utc_now,
) -> Reported:
    """Merge `absorbed_id` into `kept_id`; the absorbed incident stays, marked as merged."""
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.CONSOLIDATE_INCIDENTS, None)
        kept = open_incident(uow, agreement.id, kept_id)
        absorbed = open_incident(uow, agreement.id, absorbed_id)
        merged, marked, entry = merge_incidents(
            kept.incident, absorbed.incident, at=at, by=actor.user_id, note=note.strip()
        )
        # The history of both lives in the history table; keep values without it.
        merged_record = replace(kept, incident=replace(merged, history=()), updated_at=at)
        marked_record = replace(absorbed, incident=replace(marked, history=()), updated_at=at)
        uow.incidents.update([merged_record, marked_record])
        uow.incidents.move_reports(entry.report_ids, kept_id)
        event = Event(
            "incident.merged",
            actor.user_id,
            actor.party,
            at,
            kept_id,
            {"absorbed": absorbed_id, "note": note.strip()},
        )
        mirror = replace(entry, incident_id=absorbed_id, other_incident_id=kept_id)
        finish(uow, signing, event, [entry, mirror], now)
        return Reported(merged_record, event)


def split(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    incident_id: str,
    report_ids: Sequence[str],
    new_id: str | None,
    note: str,
    at: datetime,
    *,
    now: Now = utc_now,
) -> Reported:
    """Move some reports of an incident to a new incident (a copy, awaiting positions)."""
    new_id = new_id or new_incident_id()
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.CONSOLIDATE_INCIDENTS, None)
        record = open_incident(uow, agreement.id, incident_id)
        if uow.incidents.get(new_id) is not None:
            raise ConflictError(f"an incident {new_id!r} already exists")
        remaining, created, entry = split_incident(
            record.incident,
            tuple(report_ids),
            new_id=new_id,
            at=at,
            by=actor.user_id,
            note=note.strip(),
        )
        kept = replace(record, incident=replace(remaining, history=()), updated_at=at)
        moved = uow.incidents.reports(incident_id)
        new_record = replace(
            record,
            incident=replace(created, history=()),
            status=VerificationStatus.PENDING,
            attribution=AttributionState.NOT_ATTRIBUTABLE,
            content_hash=content_hash(created, [r for r in moved if r.id in entry.report_ids]),
            source_id=None,
            created_at=at,
            updated_at=at,
        )
        uow.incidents.update([kept])
        uow.incidents.insert([new_record])
        uow.incidents.replace_links(agreement.id, [links_of(created)])
        uow.incidents.move_reports(entry.report_ids, new_id)
        event = Event(
            "incident.split",
            actor.user_id,
            actor.party,
            at,
            incident_id,
            {"new_id": new_id, "report_ids": list(entry.report_ids), "note": note.strip()},
        )
        mirror = replace(entry, incident_id=new_id, other_incident_id=incident_id)
        finish(uow, signing, event, [entry, mirror], now)
        return Reported(kept, event)


def recompute_links(uow: UnitOfWork, enricher: Enricher, at: datetime, *, batch: int = 2000) -> int:
    """Recompute every incident's links of an agreement (after its zones changed); commits.

    Returns how many incidents' links changed. Called inside the caller's unit
    of work so that the new agreement and its incidents' links commit together.
    """
    agreement_id = enricher.agreement.id
    changed = 0
    after: str | None = None
    while True:
        records = uow.incidents.scan(agreement_id, after, batch)
        if not records:
            return changed
        after = records[-1].incident.id
        placed = enricher.place([r.incident for r in records])
        updates = []
        history = []
        for record, fresh in zip(records, placed, strict=True):
            same = fresh.incident.links == record.incident.links
            if same and fresh.responsible_party == record.responsible_party:
                continue
            updates.append(
                replace(
                    record,
                    incident=fresh.incident,
                    responsible_party=fresh.responsible_party,
                    updated_at=at,
                )
            )
            history.append(
                HistoryEntry(
                    HistoryAction.LINKS_RECOMPUTED,
                    at,
                    "operator",
                    record.incident.id,
                    note="the agreement's zones or rules changed",
                )
            )
        uow.incidents.update(updates)
        uow.incidents.replace_links(agreement_id, [links_of(r.incident) for r in updates])
        uow.incidents.add_history(history, None)
        changed += len(updates)
