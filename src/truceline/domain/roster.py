"""The roster: which officer of which party holds which post, from when to when.

A *post* is a zone of responsibility (a zone of the agreement with a
responsible party), where each guarantor keeps one zone officer, or
``authorized``, the party-wide post of its authorized officer. A *duty* is
one officer's period at one post for one party: it starts, and it ends
either plainly or by a *handover*, when the successor's period starts at
the very instant the predecessor's ends. Periods are never deleted or
rewritten: a finished one keeps its end and, after a handover, names its
successor, so the roster's history is the duties themselves.

The rules, checked here on plain values:

- at any instant a party has at most one officer at each post
  (one zone officer per zone, one authorized officer);
- a period ends after it starts; a handover ends the current period exactly
  when the next one starts.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from truceline.domain.agreements import Agreement, PartyRole
from truceline.domain.errors import ConflictError, InputError

#: The post of a party's authorized officer (every other post is a zone id).
AUTHORIZED = "authorized"
DUTY_ID = re.compile(r"duty_[A-Za-z0-9][A-Za-z0-9._-]*")
#: The longest note kept with a duty.
MAX_NOTE = 2000


def new_duty_id() -> str:
    """A fresh random duty id."""
    return "duty_" + secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class Duty:
    """One officer's period at one post for one party: [start, end), open while end is None.

    `handed_over_from` is the period this one took over from, and
    `handed_over_to` the one that took over from it (both duty ids).
    """

    id: str
    party: str
    post: str
    user_id: str
    start: datetime
    end: datetime | None = None
    handed_over_from: str | None = None
    handed_over_to: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise InputError("start", "give the time with a UTC offset")
        if self.end is not None and self.end <= self.start:
            raise InputError("end", f"must be after the start ({self.start.isoformat()})")

    @property
    def is_open(self) -> bool:
        """Whether the period has no end yet."""
        return self.end is None

    @property
    def authorized(self) -> bool:
        """Whether this is the party's authorized officer's period (not a zone's)."""
        return self.post == AUTHORIZED

    def covers(self, at: datetime) -> bool:
        """Whether the officer is on duty at `at` (start included, end excluded)."""
        return self.start <= at and (self.end is None or at < self.end)

    def overlaps(self, start: datetime, end: datetime | None) -> bool:
        """Whether this period shares any instant with [start, end)."""
        starts_before_other_ends = end is None or self.start < end
        ends_after_other_starts = self.end is None or start < self.end
        return starts_before_other_ends and ends_after_other_starts


def guarantor_parties(agreement: Agreement) -> tuple[str, ...]:
    """The parties that keep officers on the roster: the guarantors."""
    return tuple(p.id for p in agreement.parties if PartyRole.GUARANTOR in p.roles)


def zone_posts(agreement: Agreement) -> tuple[str, ...]:
    """The zones of responsibility: the agreement's zones with a responsible party."""
    return tuple(z.id for z in agreement.zones if z.responsible_party is not None)


def check_post(agreement: Agreement, party: str, post: str) -> None:
    """Refuse a party that keeps no roster or a post that is neither a zone nor ``authorized``."""
    parties = guarantor_parties(agreement)
    if party not in parties:
        raise InputError("party", f"{party!r} is not a guarantor of the agreement ({parties})")
    posts = (*zone_posts(agreement), AUTHORIZED)
    if post not in posts:
        raise InputError("post", f"{post!r} is not one of {list(posts)}")


def clashes(duties: Iterable[Duty], candidate: Duty) -> list[Duty]:
    """The other periods of the candidate's party and post that share an instant with it."""
    return [
        d
        for d in duties
        if d.id != candidate.id
        and d.party == candidate.party
        and d.post == candidate.post
        and d.overlaps(candidate.start, candidate.end)
    ]


def _refuse_clash(duties: Iterable[Duty], candidate: Duty) -> None:
    found = clashes(duties, candidate)
    if found:
        other = found[0]
        until = "open-ended" if other.end is None else f"until {other.end.isoformat()}"
        raise ConflictError(
            f"{candidate.party} already has an officer at {candidate.post} then: "
            f"{other.id} ({other.user_id}) from {other.start.isoformat()}, {until}; "
            "hand the post over or end that period first"
        )


def holder(duties: Iterable[Duty], party: str, post: str, at: datetime) -> Duty | None:
    """The party's period at the post that covers `at`, if any."""
    for duty in duties:
        if duty.party == party and duty.post == post and duty.covers(at):
            return duty
    return None


def start_duty(duties: Iterable[Duty], duty: Duty) -> Duty:
    """The new period, when no period of its party and post shares an instant with it."""
    if duty.handed_over_from is not None or duty.handed_over_to is not None:
        raise InputError("handover", "a new period takes over from no one: hand over instead")
    _refuse_clash(list(duties), duty)
    return duty


def hand_over(duties: Iterable[Duty], current: Duty, successor: Duty) -> tuple[Duty, Duty]:
    """The current period ended at the successor's start, and the successor's period.

    The successor takes the same party and post; the current period must be
    open (a period that ended keeps its end) and cover the successor's start
    (strictly after its own start), and nothing else of that post may share
    an instant with the successor's period.
    """
    existing = list(duties)
    if current.end is not None:
        raise ConflictError(
            f"{current.id} already ended at {current.end.isoformat()}: start a period instead"
        )
    if (current.party, current.post) != (successor.party, successor.post):
        raise InputError("post", "a handover keeps the party and the post")
    if not current.covers(successor.start) or successor.start == current.start:
        raise InputError(
            "start",
            f"{current.id} does not cover {successor.start.isoformat()}: a handover starts "
            "strictly inside the period it ends",
        )
    if successor.user_id == current.user_id:
        raise InputError("user", "the officer is already on duty there: hand over to another")
    if successor.end is not None:
        raise InputError("end", "a handover starts an open period")
    ended = replace(current, end=successor.start, handed_over_to=successor.id)
    taken = replace(successor, handed_over_from=current.id, handed_over_to=None)
    _refuse_clash([ended if d.id == current.id else d for d in existing], taken)
    return ended, taken


def end_duty(duty: Duty, end: datetime) -> Duty:
    """The open period ended at `end` (after its start)."""
    if not duty.is_open:
        assert duty.end is not None
        raise ConflictError(f"{duty.id} already ended at {duty.end.isoformat()}")
    if end <= duty.start:
        raise InputError("end", f"must be after the start ({duty.start.isoformat()})")
    return replace(duty, end=end)


@dataclass(frozen=True, slots=True)
class OnDuty:
    """Who is on duty at one instant: per zone and party, and each party's authorized officer."""

    at: datetime
    zones: Mapping[str, Mapping[str, Duty | None]]
    authorized: Mapping[str, Duty | None]


def on_duty(agreement: Agreement, duties: Iterable[Duty], at: datetime) -> OnDuty:
    """The roster at `at`: each zone of responsibility by guarantor, and the authorized officers."""
    current = [d for d in duties if d.covers(at)]
    parties = guarantor_parties(agreement)
    zones = {
        zone: {party: holder(current, party, zone, at) for party in parties}
        for zone in zone_posts(agreement)
    }
    authorized = {party: holder(current, party, AUTHORIZED, at) for party in parties}
    return OnDuty(at=at, zones=zones, authorized=authorized)
