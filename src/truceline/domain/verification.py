"""Joint verification: each party's position, a monitor's verdict, and what follows.

Every party keeps its own position, version by version; nothing here
overwrites one party's account with another's. From the latest position of
each guarantor party and the optional monitor verdict, `derive_status` gives
the verification status and `derive_attribution` who is held responsible.
The rules are the tables in docs/incidents.md ("Verification rules"); a test
reads those tables and checks every combination against this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from truceline.domain.errors import InputError


class Stance(StrEnum):
    """What a party or monitor says about whether the incident happened as reported."""

    CONFIRMS = "confirms"
    DENIES = "denies"
    CANNOT_ASSESS = "cannot_assess"


class VerificationStatus(StrEnum):
    """The joint finding on whether the incident happened."""

    PENDING = "pending"
    VERIFIED = "verified"
    DISPUTED = "disputed"
    UNVERIFIABLE = "unverifiable"
    REJECTED = "rejected"


class AttributionState(StrEnum):
    """The joint finding on who is responsible."""

    AGREED = "agreed"
    DISPUTED = "disputed"
    NOT_ATTRIBUTABLE = "not_attributable"


@dataclass(frozen=True, slots=True)
class Position:
    """One version of a party's stated view of an incident."""

    party: str
    stance: Stance
    held_responsible: str | None
    evidence: tuple[str, ...]
    text: str
    recorded_at: datetime
    version: int = 1

    def __post_init__(self) -> None:
        if not self.party.strip():
            raise InputError("party", "a position names its party")
        object.__setattr__(self, "stance", _stance(self.stance))
        _check_actor(self.held_responsible)
        if self.recorded_at.tzinfo is None:
            raise InputError("recorded_at", "needs a time zone")
        if isinstance(self.version, bool) or self.version < 1:
            raise InputError("version", "versions count from 1")

    def revised(
        self,
        *,
        stance: Stance,
        held_responsible: str | None,
        evidence: tuple[str, ...],
        text: str,
        recorded_at: datetime,
    ) -> Position:
        """The party's next version of this position; the earlier one is kept by the caller."""
        if recorded_at < self.recorded_at:
            raise InputError("recorded_at", "a revision cannot predate the version it revises")
        return replace(
            self,
            stance=stance,
            held_responsible=held_responsible,
            evidence=evidence,
            text=text,
            recorded_at=recorded_at,
            version=self.version + 1,
        )


@dataclass(frozen=True, slots=True)
class MonitorVerdict:
    """A neutral monitor's view of an incident."""

    stance: Stance
    held_responsible: str | None = None
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "stance", _stance(self.stance))
        _check_actor(self.held_responsible)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who is held responsible, jointly: `actor` only when agreed.

    `confidence` (0-1) is, for an agreed attribution, the share of the
    sources that took a stance (guarantor parties and the monitor) which
    confirm the incident and name that actor; otherwise 0. `named` lists every
    actor a confirming source named, so each claim stays visible.
    """

    state: AttributionState
    actor: str | None = None
    confidence: float = 0.0
    named: tuple[str, ...] = ()


def _stance(value: object) -> Stance:
    try:
        return Stance(str(value))
    except ValueError:
        raise InputError("stance", f"{value!r} is not one of {[str(s) for s in Stance]}") from None


def _check_actor(actor: str | None) -> None:
    if actor is not None and (not actor.strip() or actor != actor.strip()):
        raise InputError("held_responsible", "an actor's name, trimmed, or no one")


def latest_positions(versions: Iterable[Position]) -> dict[str, Position]:
    """The latest version of each party's position, from all the versions recorded."""
    latest: dict[str, Position] = {}
    for position in versions:
        current = latest.get(position.party)
        if current is not None and current.version == position.version:
            raise InputError("version", f"{position.party} has two versions {position.version}")
        if current is None or position.version > current.version:
            latest[position.party] = position
    return latest


def _guarantor_positions(
    positions: Mapping[str, Position], guarantor_parties: Sequence[str]
) -> list[Position | None]:
    if not guarantor_parties:
        raise InputError("guarantor_parties", "at least one guarantor party is needed")
    if len(set(guarantor_parties)) != len(guarantor_parties):
        raise InputError("guarantor_parties", "a party is listed twice")
    for party, position in positions.items():
        if position.party != party:
            raise InputError("positions", f"the position filed under {party} is {position.party}'s")
    return [positions.get(party) for party in guarantor_parties]


def derive_status(
    positions: Mapping[str, Position],
    guarantor_parties: Sequence[str],
    verdict: MonitorVerdict | None = None,
) -> VerificationStatus:
    """The verification status from the guarantors' latest positions and the monitor's verdict.

    Positions of parties that are not guarantors are kept and shown, but do
    not count. In order:

    1. guarantors confirm and deny at once: the verdict settles it (confirms:
       verified, denies: rejected); otherwise disputed;
    2. a guarantor has no position yet: pending;
    3. the monitor contradicts the guarantors that took a side: disputed;
    4. confirmations only: verified when every guarantor confirms or the
       monitor confirms, else unverifiable;
    5. denials only: rejected when every guarantor denies or the monitor
       denies, else unverifiable;
    6. nobody can assess it: unverifiable.
    """
    stances = [p.stance if p else None for p in _guarantor_positions(positions, guarantor_parties)]
    confirms = stances.count(Stance.CONFIRMS)
    denies = stances.count(Stance.DENIES)
    monitor = verdict.stance if verdict else None
    if confirms and denies:
        if monitor is Stance.CONFIRMS:
            return VerificationStatus.VERIFIED
        if monitor is Stance.DENIES:
            return VerificationStatus.REJECTED
        return VerificationStatus.DISPUTED
    if None in stances:
        return VerificationStatus.PENDING
    yes = confirms + (monitor is Stance.CONFIRMS)
    no = denies + (monitor is Stance.DENIES)
    if yes and no:
        return VerificationStatus.DISPUTED
    if yes:
        settled = confirms == len(stances) or monitor is Stance.CONFIRMS
        return VerificationStatus.VERIFIED if settled else VerificationStatus.UNVERIFIABLE
    if no:
        settled = denies == len(stances) or monitor is Stance.DENIES
        return VerificationStatus.REJECTED if settled else VerificationStatus.UNVERIFIABLE
    return VerificationStatus.UNVERIFIABLE


def derive_attribution(
    positions: Mapping[str, Position],
    guarantor_parties: Sequence[str],
    verdict: MonitorVerdict | None = None,
) -> Attribution:
    """Who is held responsible, from the same inputs as `derive_status`.

    Only sources that confirm the incident attribute it (a guarantor that
    confirms, the monitor if its verdict confirms). In order:

    1. status rejected or pending: not attributable;
    2. confirming sources name two or more actors: disputed;
    3. status verified and every confirming source names the same actor:
       agreed on it, with the confidence described on `Attribution`;
    4. status disputed and someone is named: disputed;
    5. otherwise: not attributable.
    """
    status = derive_status(positions, guarantor_parties, verdict)
    guarantors = [p for p in _guarantor_positions(positions, guarantor_parties) if p is not None]
    sources: list[Position | MonitorVerdict] = [
        p for p in guarantors if p.stance is Stance.CONFIRMS
    ]
    if verdict is not None and verdict.stance is Stance.CONFIRMS:
        sources.append(verdict)
    named = tuple(dict.fromkeys(s.held_responsible for s in sources if s.held_responsible))
    if status in (VerificationStatus.REJECTED, VerificationStatus.PENDING):
        return Attribution(AttributionState.NOT_ATTRIBUTABLE, named=named)
    if len(named) >= 2:
        return Attribution(AttributionState.DISPUTED, named=named)
    unanimous = bool(named) and all(s.held_responsible == named[0] for s in sources)
    if status is VerificationStatus.VERIFIED and unanimous:
        voters = len(guarantors) + (verdict is not None)
        return Attribution(AttributionState.AGREED, named[0], len(sources) / voters, named)
    if status is VerificationStatus.DISPUTED and named:
        return Attribution(AttributionState.DISPUTED, named=named)
    return Attribution(AttributionState.NOT_ATTRIBUTABLE, named=named)
