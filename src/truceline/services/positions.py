"""Each side's position on an incident, the monitor's verdict, and the joint finding.

Every party keeps its own position, version by version; a monitor's verdict
is kept the same way. The finding (verification status and attribution) is
derived from the latest of each by the rules of ``domain.verification`` and
stored beside the incident for filtering; each version is an entry of the
log, signed by whoever recorded it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from truceline.domain.accounts import Actor, Role
from truceline.domain.agreements import Agreement, PartyRole
from truceline.domain.errors import ConflictError, InputError
from truceline.domain.events import Event
from truceline.domain.incident_records import position_statement
from truceline.domain.incidents import HistoryAction, HistoryEntry, Incident
from truceline.domain.permissions import Action, authorize
from truceline.domain.verification import (
    Attribution,
    MonitorVerdict,
    Position,
    VerificationStatus,
    derive_attribution,
    derive_status,
    latest_positions,
)
from truceline.services.authorship import Signing
from truceline.services.incident_store import StoredPosition
from truceline.services.incidents import Now, active_actor, finish, open_incident
from truceline.services.ledger import utc_now
from truceline.services.unit_of_work import UnitOfWork


def guarantors(agreement: Agreement) -> tuple[str, ...]:
    """The parties whose positions decide the joint finding."""
    return tuple(p.id for p in agreement.parties if PartyRole.GUARANTOR in p.roles)


@dataclass(frozen=True, slots=True)
class Finding:
    """The joint finding on an incident, from every party's latest position and the verdict."""

    status: VerificationStatus
    attribution: Attribution
    positions: dict[str, Position]
    verdict: MonitorVerdict | None


def finding(agreement: Agreement, stored: Sequence[StoredPosition]) -> Finding:
    """Derive the finding from every version kept (the latest of each party counts)."""
    parties = latest_positions(s.position for s in stored if not s.monitor)
    monitor = latest_positions(s.position for s in stored if s.monitor)
    verdict = None
    if monitor:
        latest = next(iter(monitor.values()))
        verdict = MonitorVerdict(latest.stance, latest.held_responsible, latest.text)
    decisive = guarantors(agreement)
    return Finding(
        derive_status(parties, decisive, verdict),
        derive_attribution(parties, decisive, verdict),
        parties,
        verdict,
    )


def _known_actors(agreement: Agreement, incident: Incident) -> set[str]:
    actors = incident.actors
    named = {actors.actor1, actors.actor2, *actors.associated1, *actors.associated2}
    return ({p.id for p in agreement.parties} | named) - {""}


def record_position(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    incident_id: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Finding:
    """Record the next version of the actor's party's position (or, for a monitor, verdict).

    ``data`` is ``{"position": {stance, held_responsible, evidence, text}, "version": n}``;
    leave out the version and the next one is taken.
    """
    unknown = sorted(set(data) - {"position", "version"})
    if unknown:
        raise InputError(unknown[0], "is not a known field (give position and version)")
    statement = position_statement(data.get("position"))
    with uow:
        actor = active_actor(uow, actor)
        monitor = actor.role is Role.MONITOR
        action = Action.RECORD_MONITOR_VERDICT if monitor else Action.RECORD_POSITION
        authorize(actor, action, actor.party)
        assert actor.party is not None  # authorize passed: the actor has a party
        record = open_incident(uow, agreement.id, incident_id)
        held = statement["held_responsible"]
        if held is not None and held not in _known_actors(agreement, record.incident):
            known = sorted(_known_actors(agreement, record.incident))
            raise InputError(
                "position.held_responsible",
                f"{held!r} is neither a party of the agreement nor an actor of the incident "
                f"(known: {', '.join(known)})",
            )
        stored = uow.incidents.positions(incident_id)
        versions = [s.position.version for s in stored if s.position.party == actor.party]
        version = max(versions, default=0) + 1
        given = data.get("version", version)
        if given != version:
            raise ConflictError(
                f"version {given} is not the next version of {actor.party}'s position ({version})"
            )
        position = Position(
            party=actor.party,
            stance=statement["stance"],
            held_responsible=held,
            evidence=tuple(statement["evidence"]),
            text=statement["text"],
            recorded_at=at,
            version=version,
        )
        kept = StoredPosition(position, actor.user_id, monitor)
        uow.incidents.add_position(incident_id, kept)
        result = finding(agreement, [*stored, kept])
        uow.incidents.set_finding(incident_id, result.status, result.attribution.state)
        name = "incident.verdict_recorded" if monitor else "incident.position_recorded"
        event = Event(
            name,
            actor.user_id,
            actor.party,
            at,
            incident_id,
            {"position": statement, "version": version},
        )
        action_done = HistoryAction.VERDICT_RECORDED if monitor else HistoryAction.POSITION_RECORDED
        note = f"{actor.party}: {statement['stance']} (version {version})"
        entry = HistoryEntry(action_done, at, actor.user_id, incident_id, None, (), note)
        finish(uow, signing, event, [entry], now)
        return result
