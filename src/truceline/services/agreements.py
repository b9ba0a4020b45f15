"""Loading agreement packs and reading agreements back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from truceline.adapters.packs.reader import read_pack_with_digest
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, NotFoundError
from truceline.domain.events import OPERATOR, Event
from truceline.services.enrichment import Enricher
from truceline.services.geography import Geography
from truceline.services.incidents import recompute_links
from truceline.services.ledger import Signer, record
from truceline.services.unit_of_work import AgreementRecordLike, UnitOfWork


@dataclass(frozen=True, slots=True)
class LoadPack:
    """Command: load the pack at `path`; `replace` allows changing an agreement already loaded."""

    path: Path
    replace: bool = False


class LoadStatus(StrEnum):
    """What loading a pack did."""

    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The outcome of loading a pack, with the counts of what it holds."""

    agreement_id: str
    status: LoadStatus
    digest: str
    counts: dict[str, int]


def load_pack(
    cmd: LoadPack, uow: UnitOfWork, now: Callable[[], datetime], signer: Signer
) -> LoadResult:
    """Validate the whole pack, then store it and its ledger entry in one transaction.

    A bad pack writes nothing. The entry (``agreement.loaded`` or
    ``agreement.replaced``, by the operator) is signed by ``signer``, the log key.
    """
    agreement, digest = read_pack_with_digest(cmd.path)
    counts = {
        "parties": len(agreement.parties),
        "provisions": len(agreement.provisions),
        "routes": len(agreement.routes),
        "zones": len(agreement.zones),
        "places": len(agreement.places),
    }
    with uow:
        existing = uow.agreements.record(agreement.id)
        if existing is not None and existing.digest == digest:
            return LoadResult(agreement.id, LoadStatus.UNCHANGED, digest, counts)
        if existing is not None and not cmd.replace:
            raise ConflictError(
                f"agreement {agreement.id!r} is already loaded from a different pack "
                f"(digest {existing.digest[:12]}, new {digest[:12]}); pass --replace to update it"
            )
        if existing is not None:
            uow.agreements.remove(agreement.id)
        loaded_at = now()
        uow.agreements.add(agreement, digest, loaded_at)
        if existing is not None:
            counts["incidents_relinked"] = recompute_links(
                uow, Enricher(Geography(agreement)), loaded_at
            )
        event = Event(
            name="agreement.replaced" if existing is not None else "agreement.loaded",
            actor=OPERATOR,
            party=None,
            time=loaded_at,
            subject=f"agreement:{agreement.id}",
            data={
                "agreement": agreement.id,
                "title": agreement.title,
                "digest": digest,
                "previous_digest": None if existing is None else existing.digest,
                "counts": counts,
            },
        )
        record(uow, event, signer, now=lambda: loaded_at)
        uow.commit()
    status = LoadStatus.UPDATED if existing is not None else LoadStatus.INSERTED
    return LoadResult(agreement.id, status, digest, counts)


def list_agreements(uow: UnitOfWork) -> list[Agreement]:
    """Every loaded agreement, oldest first."""
    with uow:
        return [uow.agreements.get(r.id) for r in uow.agreements.records()]


def get_agreement(uow: UnitOfWork, agreement_id: str | None = None) -> Agreement:
    """One agreement; with no id, the only (or first) one loaded."""
    with uow:
        if agreement_id is None:
            records = uow.agreements.records()
            if not records:
                raise NotFoundError("no agreement is loaded: run `truceline init` first")
            agreement_id = records[0].id
        return uow.agreements.get(agreement_id)


def agreement_record(uow: UnitOfWork, agreement_id: str | None = None) -> AgreementRecordLike:
    """The stored record (id, digest, load time) of one agreement, or of the first loaded."""
    with uow:
        records = uow.agreements.records()
        if agreement_id is None:
            if not records:
                raise NotFoundError("no agreement is loaded: run `truceline init` first")
            return records[0]
        for record in records:
            if record.id == agreement_id:
                return record
        raise NotFoundError(f"no agreement {agreement_id!r} is loaded")
