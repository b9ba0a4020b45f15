"""What the audit pages show: the log's state, one record's history, the last verification.

Everything here reads the log through the ledger services and recomputes what
it shows: each entry's signature is checked again on display, and "verify
now" exports the stored log up to its latest checkpoint and runs the same
offline verifier a party runs on its own machine (services.ledger_verify).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import Any

from truceline.bootstrap import App
from truceline.domain.errors import NotFoundError, TrucelineError
from truceline.domain.events import EVENT_NAMES, OPERATOR
from truceline.domain.ledger import (
    CheckpointRecord,
    b64,
)
from truceline.services import accounts, ledger, ledger_verify
from truceline.services.ledger_history import checked_history

RECENT_ENTRIES = 15
RECENT_COSIGNATURES = 20
MAX_VALUE_CHARS = 60
USER_ID_PREFIX = "usr_"


def when(value: datetime) -> str:
    """An instant in UTC, to the second."""
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


# --- the last verification -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    """One run of "verify now": whether it could run, what it found, when, and who asked."""

    verified: bool
    valid: bool
    summary: str
    reason: str
    first_bad: int | None
    size: int
    checked: int
    at: str
    by: str


class Verifications:
    """The last verification of the stored log, kept in memory (a restart forgets it)."""

    def __init__(self) -> None:
        self.last: Verification | None = None
        self._lock = Lock()

    @property
    def running(self) -> bool:
        return self._lock.locked()

    def run(self, app: App, by: str) -> Verification | None:
        """Verify the stored log now; None when another verification is already running."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            result = verify_stored_log(app, by)
            self.last = result
            return result
        finally:
            self._lock.release()


def verify_stored_log(app: App, by: str) -> Verification:
    """Export the log up to its latest checkpoint to a temporary bundle and verify it.

    The bundle is checked against the log key this server holds; the same
    check a party runs offline with `truceline ledger verify`.
    """
    at = when(app.now())
    with tempfile.TemporaryDirectory(prefix="truceline-verify-") as folder:
        path = Path(folder) / "log.jsonl"
        try:
            ledger_verify.export_bundle(app.uow(), app.log, path)
            with path.open(encoding="utf-8") as lines:
                report = ledger_verify.verify_bundle(lines, log_key=app.log.verifier_key())
        except TrucelineError as error:
            reason = str(error)
            return Verification(False, False, reason, reason, None, 0, 0, at, by)
    summary = report.summary().removeprefix("valid: ").removeprefix("invalid: ")
    return Verification(
        verified=True,
        valid=report.valid,
        summary=summary,
        reason=report.reason,
        first_bad=report.first_bad,
        size=report.size,
        checked=report.checked,
        at=at,
        by=by,
    )


# --- the log's state -------------------------------------------------------------------------


def log_state(app: App) -> dict[str, Any]:
    """The latest checkpoint, the witnesses' cosignatures and the newest entries."""
    checkpoint: CheckpointRecord | None
    try:
        checkpoint = ledger.latest_checkpoint(app.uow())
    except NotFoundError:
        checkpoint = None
    size = ledger.entries_page(app.uow(), 0, 1).size
    start = max(0, size - RECENT_ENTRIES)
    recent = ledger.entries_page(app.uow(), start, RECENT_ENTRIES).entries if size else []
    cosignatures = ledger.list_cosignatures(app.uow())[:RECENT_COSIGNATURES]
    names = ActorNames(app)
    return {
        "log_size": size,
        "origin": app.log.origin,
        "log_key": app.log.verifier_key(),
        "checkpoint": checkpoint,
        "checkpoint_root": b64(checkpoint.root) if checkpoint else "",
        "checkpoint_time": when(checkpoint.published_at) if checkpoint else "",
        "cosignatures": [
            {
                "size": c.size,
                "witness": c.witness,
                "key_id": c.key_id,
                "time": when(datetime.fromtimestamp(c.timestamp, UTC)),
                "received": when(c.received_at),
                "latest": checkpoint is not None and c.size == checkpoint.size,
            }
            for c in cosignatures
        ],
        "recent": [
            {
                "seq": e.seq,
                "event": e.event,
                "who": names.of(e.actor),
                "party": e.party or "",
                "time": when(e.time),
                "subject": e.subject,
                "about": names.of_subject(e.subject),
            }
            for e, _tree_hash in reversed(recent)
        ],
    }


# --- one record's history --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One entry of a record's history, as the page shows it, its signature checked again."""

    seq: int
    who: str
    party: str
    time: str
    event: str
    meaning: str
    summary: list[tuple[str, str]]
    key_id: str
    valid: bool
    problem: str


def history_rows(app: App, subject: str) -> list[EntryRow]:
    """Every entry about `subject`, oldest first, each signature and key checked again."""
    names = ActorNames(app)
    rows = []
    for check in checked_history(app.uow(), subject, app.log.public_key):
        entry = check.entry
        rows.append(
            EntryRow(
                seq=entry.seq,
                who=names.of(entry.actor),
                party=entry.party or "",
                time=when(entry.time),
                event=entry.event,
                meaning=EVENT_NAMES.get(entry.event, ""),
                summary=summarise(check.data),
                key_id=entry.key_id,
                valid=check.valid,
                problem=check.problem,
            )
        )
    return rows


class ActorNames:
    """Who an actor id is, for people: `username (display name)`, looked up once each."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._names: dict[str, str] = {OPERATOR: "operator (the server)"}

    def of_subject(self, subject: str) -> str:
        """Whom a record is about, when it is an account; empty otherwise."""
        return self.of(subject) if subject.startswith(USER_ID_PREFIX) else ""

    def of(self, actor: str) -> str:
        if actor not in self._names:
            try:
                user = accounts.get_user(self._app.uow(), actor)
                self._names[actor] = f"{user.username} ({user.display_name})"
            except NotFoundError:
                self._names[actor] = actor
        return self._names[actor]


def summarise(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The event's data as (field, value) pairs for people; long values cut short."""
    pairs = []
    for key, value in data.items():
        pairs.append((key.replace("_", " "), _short(_words(value))))
    return pairs


def _words(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_words(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_words(v) for v in value) or "none"
    return str(value)


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"
