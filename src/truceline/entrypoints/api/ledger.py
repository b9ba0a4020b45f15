"""The transparency log: checkpoints, entries, proofs and witness cosignatures.

The router also runs the checkpoint publisher while the server runs: it
publishes once at start, then every ``checkpoint_interval_s`` seconds (never
when that is 0). Publishing an unchanged log signs nothing new.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, status
from fastapi import Path as PathParam
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from truceline.bootstrap import App
from truceline.domain.errors import TrucelineError
from truceline.domain.ledger import CosignatureRecord, LedgerEntry, b64
from truceline.entrypoints.api.deps import AppDep
from truceline.services.ledger import (
    MAX_PAGE,
    add_cosignature,
    entries_page,
    get_entry,
    list_cosignatures,
    publish_checkpoint,
    served_checkpoint,
)
from truceline.services.ledger_proofs import consistency_proof, inclusion_proof

log = logging.getLogger(__name__)
TEXT = "text/plain; charset=utf-8"
#: Tree sizes and entry numbers are 64-bit signed integers in the database.
MAX = 2**63 - 1


@contextlib.asynccontextmanager
async def checkpoint_publisher(api: FastAPI) -> AsyncIterator[None]:
    """Publish checkpoints in the background for as long as the application runs."""
    app = api.state.truceline
    assert isinstance(app, App)
    interval = app.settings.checkpoint_interval_s
    stop = asyncio.Event()
    task = asyncio.create_task(_publish_every(app, interval, stop)) if interval > 0 else None
    try:
        yield
    finally:
        stop.set()
        if task is not None:
            await task


async def _publish_every(app: App, interval: int, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.to_thread(publish_checkpoint, app.uow(), app.log, app.now)
        except TrucelineError as error:
            log.error("checkpoint not published: %s", error)
        except Exception:
            log.exception("checkpoint not published")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


router = APIRouter(prefix="/api/ledger", tags=["ledger"], lifespan=checkpoint_publisher)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class EntryOut(_Out):
    seq: int
    leaf: str = Field(description="The leaf: canonical JSON of the event, key and signature.")
    leaf_hash: str | None = Field(
        description="Base64 hash the tree holds at this position (RFC 9162 leaf hash)."
    )
    event: str
    actor: str
    party: str | None
    subject: str
    time: datetime
    key_id: str
    recorded_at: datetime


class EntryPageOut(_Out):
    size: int = Field(description="Entries in the log now.")
    start: int
    next: int | None = Field(description="The `start` of the next page, or null at the end.")
    entries: list[EntryOut]


class InclusionProofOut(_Out):
    seq: int
    size: int
    leaf_hash: str
    root: str
    proof: list[str]


class ConsistencyProofOut(_Out):
    old: int
    new: int
    old_root: str
    new_root: str
    proof: list[str]


class CosignatureOut(_Out):
    size: int
    witness: str
    key_id: str
    timestamp: int
    signature: str
    verifier_key: str
    received_at: datetime


class CosignatureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: int = Field(ge=0, le=MAX, description="The size of the checkpoint cosigned.")
    cosignature: str = Field(
        min_length=1, max_length=1000, description="The signature line: `— <name> <base64>`."
    )
    verifier_key: str = Field(
        min_length=1, max_length=1000, description="The witness's verifier key."
    )


def entry_out(entry: LedgerEntry, tree_hash: bytes | None) -> EntryOut:
    return EntryOut(
        seq=entry.seq,
        leaf=entry.leaf.decode("utf-8"),
        leaf_hash=None if tree_hash is None else b64(tree_hash),
        event=entry.event,
        actor=entry.actor,
        party=entry.party,
        subject=entry.subject,
        time=entry.time,
        key_id=entry.key_id,
        recorded_at=entry.recorded_at,
    )


def cosignature_out(c: CosignatureRecord) -> CosignatureOut:
    return CosignatureOut(
        size=c.size,
        witness=c.witness,
        key_id=c.key_id,
        timestamp=c.timestamp,
        signature=c.signature,
        verifier_key=c.verifier_key,
        received_at=c.received_at,
    )


@router.get("/checkpoint", response_class=PlainTextResponse)
def checkpoint(app: AppDep) -> PlainTextResponse:
    """The latest checkpoint: a C2SP signed note, with the witnesses' cosignatures."""
    return PlainTextResponse(served_checkpoint(app.uow()), media_type=TEXT)


@router.get("/key", response_class=PlainTextResponse)
def key(app: AppDep) -> PlainTextResponse:
    """The log's verifier key, to check its checkpoints with."""
    return PlainTextResponse(app.log.verifier_key() + "\n", media_type=TEXT)


@router.get("/entries", response_model=EntryPageOut)
def entries(
    app: AppDep,
    start: Annotated[int, Query(ge=0, le=MAX, description="The first seq.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Most entries.")] = 100,
) -> EntryPageOut:
    """A page of entries in seq order."""
    page = entries_page(app.uow(), start, limit)
    out = [entry_out(e, h) for e, h in page.entries]
    following = out[-1].seq + 1 if out else start
    return EntryPageOut(
        size=page.size,
        start=start,
        next=following if following < page.size else None,
        entries=out,
    )


@router.get("/entries/{seq}", response_model=EntryOut)
def entry(app: AppDep, seq: Annotated[int, PathParam(ge=0, le=MAX)]) -> EntryOut:
    """One entry."""
    return entry_out(*get_entry(app.uow(), seq))


@router.get("/proofs/inclusion", response_model=InclusionProofOut)
def inclusion(
    app: AppDep,
    seq: Annotated[int, Query(ge=0, le=MAX, description="The entry.")],
    size: Annotated[int, Query(ge=1, le=MAX, description="The tree size (a checkpoint's).")],
) -> InclusionProofOut:
    """That an entry is in the tree of a given size (RFC 9162 inclusion proof)."""
    p = inclusion_proof(app.uow(), seq, size)
    return InclusionProofOut(
        seq=p.seq,
        size=p.size,
        leaf_hash=b64(p.leaf_hash),
        root=b64(p.root),
        proof=[b64(h) for h in p.proof],
    )


@router.get("/proofs/consistency", response_model=ConsistencyProofOut)
def consistency(
    app: AppDep,
    old: Annotated[int, Query(ge=0, le=MAX, description="The older tree size.")],
    new: Annotated[int, Query(ge=0, le=MAX, description="The newer tree size.")],
) -> ConsistencyProofOut:
    """That the tree of size `new` extends the tree of size `old` (RFC 9162)."""
    p = consistency_proof(app.uow(), old, new)
    return ConsistencyProofOut(
        old=p.old,
        new=p.new,
        old_root=b64(p.old_root),
        new_root=b64(p.new_root),
        proof=[b64(h) for h in p.proof],
    )


@router.get("/cosignatures", response_model=list[CosignatureOut])
def cosignatures(
    app: AppDep,
    size: Annotated[int | None, Query(ge=0, le=MAX, description="Only this checkpoint's.")] = None,
) -> list[CosignatureOut]:
    """The witnesses' cosignatures, newest checkpoint first."""
    return [cosignature_out(c) for c in list_cosignatures(app.uow(), size)]


@router.post("/cosignatures", response_model=CosignatureOut, status_code=status.HTTP_201_CREATED)
def submit_cosignature(app: AppDep, body: CosignatureIn) -> CosignatureOut:
    """A witness gives its cosignature of a checkpoint; stored once it verifies."""
    record = add_cosignature(app.uow(), body.size, body.cosignature, body.verifier_key, app.now)
    return cosignature_out(record)
