"""Who signs a change: a key the server holds for the session, or the user on their own machine.

A service builds the event of a change from the command (ids and time
included) and hands it to a `Signing`. `ServerSigned` signs it with a key
in the server's hands: the log's key for the operator, or a browser user's
key unlocked for their session. `ClientSigned` carries a body the user
signed on their machine: the event the server builds must be exactly that
body, so the server can neither add nor change anything the user signed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from truceline.domain.errors import InputError
from truceline.domain.events import Event
from truceline.services.ledger import Signer, record, record_presigned
from truceline.services.unit_of_work import UnitOfWork

#: How far ahead of the server's clock a signed time may be.
CLOCK_SKEW = timedelta(minutes=5)
#: How old a signed time may be: a field worker offline for a week can still submit.
MAX_AGE = timedelta(days=7)


class Signing(Protocol):
    """Appends a change's event to the log, signed by whoever made the change.

    `writes` is False for `PrepareOnly`, which keeps the event and writes
    nothing: the service checks and builds everything, then rolls back.
    """

    @property
    def writes(self) -> bool: ...  # pragma: no cover
    def append(
        self, uow: UnitOfWork, event: Event, now: Callable[[], datetime]
    ) -> int | None: ...  # pragma: no cover


class PrepareOnly:
    """Builds the event a client must sign, without writing anything (``prepared``)."""

    writes = False

    def __init__(self) -> None:
        self.prepared: Event | None = None

    def append(self, uow: UnitOfWork, event: Event, now: Callable[[], datetime]) -> int | None:
        self.prepared = event
        return None


@dataclass(frozen=True)
class ServerSigned:
    """The event is signed here, with a key the server holds for the actor."""

    signer: Signer
    writes = True

    def append(self, uow: UnitOfWork, event: Event, now: Callable[[], datetime]) -> int | None:
        return record(uow, event, self.signer, now=now).seq


@dataclass(frozen=True)
class ClientSigned:
    """The event was signed on the user's machine: this body, this key, this signature."""

    body: Mapping[str, Any]
    public_key: bytes
    signature: bytes
    writes = True

    def append(self, uow: UnitOfWork, event: Event, now: Callable[[], datetime]) -> int | None:
        expected = event.body()
        if dict(self.body) != expected:
            exact = json.dumps(expected, ensure_ascii=False, sort_keys=True)
            raise InputError("event", f"sign exactly this body: {exact}")
        if event.time - now() > CLOCK_SKEW:
            raise InputError("event.time", "is more than 5 minutes ahead of the server's clock")
        if now() - event.time > MAX_AGE:
            raise InputError("event.time", "is more than 7 days old: prepare and sign it again")
        return record_presigned(uow, expected, self.public_key, self.signature, now=now).seq


def signed_time(body: Mapping[str, Any]) -> datetime:
    """The time of a client-signed body; InputError when it is missing or has no zone."""
    try:
        time = datetime.fromisoformat(str(body.get("time", "")).replace("Z", "+00:00"))
    except ValueError:
        raise InputError("event.time", "not an ISO 8601 time") from None
    if time.tzinfo is None:
        raise InputError("event.time", "give the time in UTC, ending in Z")
    return time
