"""What the joint mechanism's services need from storage: records of the field and their steps.

The joint mechanism keeps five kinds of record: duty periods of the roster,
hotline messages, joint patrols, access restrictions and observations. Each
is a *field record*: its whole current value as JSON (``doc``) plus the few
columns the lists filter and sort on (kind, number, zone, party, day,
state). Every change to a record is a *step* of its own, kept for ever with
the ledger entry that recorded it, so a record's timeline is its steps in
order and nothing it once said is lost when it changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol


class FieldKind(StrEnum):
    """What a field record is."""

    DUTY = "duty"
    MESSAGE = "message"
    PATROL = "patrol"
    RESTRICTION = "restriction"
    OBSERVATION = "observation"
    STATEMENT = "statement"
    ASSESSMENT = "assessment"


@dataclass(frozen=True, slots=True)
class FieldRecord:
    """One record of the joint mechanism as stored: the columns lists use, and the whole value.

    `number` is the record's place in its kind's sequence for the agreement
    (the 1st, 2nd ... joint patrol); `day` is the day it concerns (a patrol's
    date, a restriction's day) and `state` where it stands in its life
    (planned, acknowledged, completed ...), both in the record's own words.
    """

    id: str
    agreement_id: str
    kind: FieldKind
    day: date
    state: str
    doc: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    number: int | None = None
    zone: str | None = None
    party: str | None = None


@dataclass(frozen=True, slots=True)
class FieldStep:
    """One change to a field record: who did what, when, with which data; and its ledger entry."""

    record_id: str
    action: str
    at: datetime
    actor: str
    party: str | None
    data: Mapping[str, Any] = field(default_factory=dict)
    ledger_seq: int | None = None


@dataclass(frozen=True, slots=True)
class FieldFilter:
    """Which field records to list: one kind of one agreement, optionally narrowed."""

    agreement_id: str
    kind: FieldKind
    zone: str | None = None
    party: str | None = None
    state: str | None = None
    day_from: date | None = None
    day_to: date | None = None


class FieldStore(Protocol):
    """Field records and their steps, in the unit of work's transaction."""

    def get(self, record_id: str) -> FieldRecord | None: ...  # pragma: no cover
    def insert(self, record: FieldRecord) -> None: ...  # pragma: no cover
    def update(self, record: FieldRecord) -> None: ...  # pragma: no cover
    def find(
        self, where: FieldFilter, *, limit: int | None = None, newest_first: bool = False
    ) -> Sequence[FieldRecord]: ...  # pragma: no cover
    def next_number(self, agreement_id: str, kind: FieldKind) -> int: ...  # pragma: no cover
    def add_step(self, step: FieldStep) -> None: ...  # pragma: no cover
    def steps(self, record_id: str) -> Sequence[FieldStep]: ...  # pragma: no cover
