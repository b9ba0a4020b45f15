"""What the intake services need from storage, as a Protocol (adapters/db/intake.py has it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from truceline.domain.intake import Candidate, CandidateStatus, Document, SourceGrade


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as stored: for which agreement, who ingested it and when."""

    document: Document
    agreement_id: str
    ingested_by: str
    ingested_at: datetime


@dataclass(frozen=True, slots=True)
class CandidateFilter:
    """Which candidates a list shows: of an agreement, by status and document, oldest first."""

    agreement_id: str
    status: CandidateStatus | None = None
    document_id: str | None = None


class IntakeStore(Protocol):
    """Documents ingested, the candidates found in them, and the source registry."""

    def document(self, document_id: str) -> StoredDocument | None: ...  # pragma: no cover
    def add_document(
        self, agreement_id: str, document: Document, ingested_by: str, at: datetime
    ) -> None: ...  # pragma: no cover
    def documents(
        self, agreement_id: str, limit: int
    ) -> list[StoredDocument]: ...  # pragma: no cover
    def candidate(self, candidate_id: str) -> Candidate | None: ...  # pragma: no cover
    def add_candidates(self, candidates: Sequence[Candidate]) -> None: ...  # pragma: no cover
    def update_candidate(self, candidate: Candidate, at: datetime) -> None: ...  # pragma: no cover
    def candidates(
        self, where: CandidateFilter, *, after: str | None = None, limit: int = 100
    ) -> list[Candidate]: ...  # pragma: no cover
    def count_candidates(self, where: CandidateFilter) -> int: ...  # pragma: no cover
    def source(self, site: str) -> SourceGrade | None: ...  # pragma: no cover
    def sources(self) -> list[SourceGrade]: ...  # pragma: no cover
    def put_source(self, source: SourceGrade) -> None: ...  # pragma: no cover
