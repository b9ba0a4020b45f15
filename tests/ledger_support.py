"""Helpers of the ledger tests: an application on a database, keys, SQL tampering."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App, bootstrap
from truceline.domain.events import OPERATOR, Event
from truceline.domain.ledger import b64
from truceline.services.ledger import record
from truceline.settings import Settings

T0 = datetime(2020, 3, 6, 0, 1, tzinfo=UTC)
APPEND_ONLY = ("ledger_entries", "ledger_nodes", "ledger_checkpoints")


def make_app(database_url: str, tmp_path: Path, **values: Any) -> App:
    """The application on ``database_url``, its log key in ``tmp_path``, no publisher."""
    values = {"log_key": tmp_path / "log.key", "checkpoint_interval_s": 0, **values}
    return bootstrap(Settings(database_url=database_url, **values))


def event(
    n: int,
    actor: str = OPERATOR,
    name: str = "agreement.replaced",
    subject: str | None = None,
    data: dict[str, Any] | None = None,
    party: str | None = None,
) -> Event:
    """A valid event, numbered ``n`` (its time and default subject and data follow n)."""
    return Event(
        name=name,
        actor=actor,
        party=party,
        time=T0 + timedelta(seconds=n),
        subject=subject or f"agreement:test-{n}",
        data=data if data is not None else {"n": n},
    )


def append_events(app: App, count: int, start: int = 0) -> None:
    """Append ``count`` operator events, one transaction each."""
    for n in range(start, start + count):
        with app.uow() as uow:
            record(uow, event(n), app.log.signer)
            uow.commit()


def register_user(app: App, user: str, signer: Ed25519Signer | None = None) -> Ed25519Signer:
    """Register a new key for ``user`` in the log (by the operator); return the key."""
    signer = signer or Ed25519Signer.generate()
    registration = Event(
        "user.key_registered",
        OPERATOR,
        None,
        T0,
        user,
        {"public_key": b64(signer.public_key), "key_id": signer.key_id},
    )
    with app.uow() as uow:
        record(uow, registration, app.log.signer)
        uow.commit()
    return signer


def allow_tampering(conn: Connection) -> None:
    """Drop the append-only triggers, as anyone with the database's owner rights can."""
    if conn.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))
        return
    for table in APPEND_ONLY:
        for action in ("update", "delete"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{action}"))


def forwarding_transport(client: TestClient) -> httpx.MockTransport:
    """An httpx transport that hands every request to the in-process application."""

    def handle(request: httpx.Request) -> httpx.Response:
        answer = client.request(
            request.method,
            request.url.path,
            params=request.url.params,
            content=request.content,
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
        )
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    return httpx.MockTransport(handle)


def lines_of(path: Path) -> Iterator[str]:
    """The lines of a text file, read lazily."""
    with path.open(encoding="utf-8") as file:
        yield from file
