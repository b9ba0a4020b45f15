"""The intake repository: documents, candidates and source grades on one connection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from truceline.adapters.db.intake_tables import intake_candidates, intake_documents, intake_sources
from truceline.domain.intake import Candidate, Document, SourceGrade
from truceline.domain.intake_records import candidate_from_dict, candidate_to_dict
from truceline.domain.reports import AdmiraltyGrade
from truceline.services.intake_store import CandidateFilter, StoredDocument

D = intake_documents.c
C = intake_candidates.c
S = intake_sources.c


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _document(row: Row[Any]) -> StoredDocument:
    document = Document(
        id=row.id,
        digest=row.digest,
        url=row.url,
        site=row.site,
        title=row.title,
        text=row.text,
        fetched_at=_utc(row.fetched_at),
        published=row.published,
        original_published=row.original_published,
        original_site=row.original_site,
        kind=row.kind,
    )
    return StoredDocument(document, row.agreement_id, row.ingested_by, _utc(row.ingested_at))


def _source(row: Row[Any]) -> SourceGrade:
    return SourceGrade(
        site=row.site,
        grade=AdmiraltyGrade.parse(row.grade),
        name=row.name,
        note=row.note,
        updated_by=row.updated_by,
        updated_at=None if row.updated_at is None else _utc(row.updated_at),
    )


class IntakeRepository:
    """The intake's tables (see services.intake_store)."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    # --- documents -----------------------------------------------------------------------

    def document(self, document_id: str) -> StoredDocument | None:
        """One document, or None."""
        row = self._conn.execute(select(intake_documents).where(D.id == document_id)).first()
        return None if row is None else _document(row)

    def add_document(
        self, agreement_id: str, document: Document, ingested_by: str, at: datetime
    ) -> None:
        """Store a document read for an agreement."""
        self._conn.execute(
            insert(intake_documents).values(
                id=document.id,
                agreement_id=agreement_id,
                digest=document.digest,
                url=document.url,
                site=document.site,
                title=document.title,
                kind=document.kind,
                text=document.text,
                fetched_at=document.fetched_at,
                published=document.published,
                original_published=document.original_published,
                original_site=document.original_site,
                ingested_by=ingested_by,
                ingested_at=at,
            )
        )

    def documents(self, agreement_id: str, limit: int) -> list[StoredDocument]:
        """The documents of an agreement, newest first."""
        query = (
            select(intake_documents)
            .where(D.agreement_id == agreement_id)
            .order_by(D.ingested_at.desc(), D.id)
            .limit(limit)
        )
        return [_document(row) for row in self._conn.execute(query)]

    # --- candidates ----------------------------------------------------------------------

    def candidate(self, candidate_id: str) -> Candidate | None:
        """One candidate, or None."""
        row = self._conn.execute(select(C.doc).where(C.id == candidate_id)).scalar_one_or_none()
        return None if row is None else candidate_from_dict(row)

    def add_candidates(self, candidates: Sequence[Candidate]) -> None:
        """Store new candidates."""
        if not candidates:
            return
        self._conn.execute(
            insert(intake_candidates),
            [
                {
                    "id": c.id,
                    "agreement_id": c.agreement_id,
                    "document_id": c.document_id,
                    "sentence_index": c.finding.index,
                    "status": str(c.status),
                    "doc": candidate_to_dict(c),
                    "created_at": c.created_at,
                    "updated_at": c.created_at,
                }
                for c in candidates
            ],
        )

    def update_candidate(self, candidate: Candidate, at: datetime) -> None:
        """Replace a stored candidate's value and status."""
        self._conn.execute(
            update(intake_candidates)
            .where(C.id == candidate.id)
            .values(status=str(candidate.status), doc=candidate_to_dict(candidate), updated_at=at)
        )

    def _where(self, where: CandidateFilter) -> list[Any]:
        conditions: list[Any] = [C.agreement_id == where.agreement_id]
        if where.status is not None:
            conditions.append(C.status == str(where.status))
        if where.document_id is not None:
            conditions.append(C.document_id == where.document_id)
        return conditions

    def candidates(
        self, where: CandidateFilter, *, after: str | None = None, limit: int = 100
    ) -> list[Candidate]:
        """Candidates matching `where`, by document and sentence, after the given id."""
        query = select(C.doc).where(*self._where(where))
        if after is not None:
            mark = self._conn.execute(
                select(C.created_at, C.document_id, C.sentence_index).where(C.id == after)
            ).first()
            if mark is not None:
                query = query.where(
                    (C.created_at > mark.created_at)
                    | ((C.created_at == mark.created_at) & (C.document_id > mark.document_id))
                    | (
                        (C.created_at == mark.created_at)
                        & (C.document_id == mark.document_id)
                        & (C.sentence_index > mark.sentence_index)
                    )
                )
        query = query.order_by(C.created_at, C.document_id, C.sentence_index).limit(limit)
        return [candidate_from_dict(doc) for doc in self._conn.execute(query).scalars()]

    def count_candidates(self, where: CandidateFilter) -> int:
        """How many candidates match `where`."""
        query = select(func.count()).select_from(intake_candidates).where(*self._where(where))
        return int(self._conn.execute(query).scalar_one())

    # --- the source registry -------------------------------------------------------------

    def source(self, site: str) -> SourceGrade | None:
        """An outlet's entry, or None."""
        row = self._conn.execute(select(intake_sources).where(S.site == site)).first()
        return None if row is None else _source(row)

    def sources(self) -> list[SourceGrade]:
        """Every outlet of the registry, by site."""
        return [_source(r) for r in self._conn.execute(select(intake_sources).order_by(S.site))]

    def put_source(self, source: SourceGrade) -> None:
        """Add an outlet, or replace its entry."""
        values = {
            "name": source.name,
            "grade": str(source.grade),
            "note": source.note,
            "updated_by": source.updated_by,
            "updated_at": source.updated_at,
        }
        done = self._conn.execute(
            update(intake_sources).where(S.site == source.site).values(values)
        )
        if done.rowcount == 0:
            self._conn.execute(insert(intake_sources).values(site=source.site, **values))
