"""Open-source intake: documents read, the incident candidates found in them, source grades.

A *document* is one text as it arrived (a news page, a monitoring report, a
statement), with where it came from and its dates: a page that republishes
an article shows both the original and the republication date, and both are
kept. A *candidate* is one sentence of a document that states a past
incident, with what the pipeline read in it (when, where, what type, who,
how many dead and hurt, who says so) and the incidents it may duplicate. A
person reviews every candidate: accepts it (it becomes a report on a new
incident), merges it into an existing incident (a report on that one), edits
it, or rejects it. Nothing found in a text enters the record unreviewed.

The *source registry* gives each outlet (a web site or a named source) the
Admiralty grade its reports get by default; reviewers edit it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from truceline.domain.checks import check, check_count, member
from truceline.domain.event_types import check_event_type
from truceline.domain.reports import AdmiraltyGrade

CANDIDATE_ID = re.compile(r"cand_[0-9a-f]{16}")
DOCUMENT_ID = re.compile(r"doc_[0-9a-f]{16}")
#: The grade of an outlet nobody graded yet: reliability and truth cannot be judged.
DEFAULT_GRADE = AdmiraltyGrade("F", 6)
_SITE = re.compile(r"[a-z0-9][a-z0-9.-]{0,199}")


def candidate_id(agreement_id: str, document: str, index: int) -> str:
    """The id of the candidate of a document's sentence for an agreement: the same every time,
    so a prepared ingest and the signed one name the same candidates."""
    seed = f"{agreement_id}\n{document}\n{index}".encode()
    return "cand_" + hashlib.sha256(seed).hexdigest()[:16]


def document_id(digest: str) -> str:
    """The id of a document: the start of its text's digest, so one text has one id."""
    check(bool(re.fullmatch(r"[0-9a-f]{64}", digest)), "digest", "a SHA-256 hex digest")
    return "doc_" + digest[:16]


def text_digest(text: str) -> str:
    """The SHA-256 of a document's text, with its whitespace folded (the same text, one digest)."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def site_key(value: str) -> str:
    """An outlet's key in the registry: a host without ``www.``, or a name in lowercase."""
    text = value.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text).split("/")[0].split(":")[0]
    text = text.removeprefix("www.")
    key = re.sub(r"[^a-z0-9.-]+", "-", text).strip("-.")
    check(bool(_SITE.fullmatch(key)), "site", f"{value!r} is not a site or outlet name")
    return key


class CandidateStatus(StrEnum):
    """Where a candidate is in review."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    MERGED = "merged"
    REJECTED = "rejected"


class DatePrecision(StrEnum):
    """How exactly a text dates what it states."""

    DAY = "day"  # "on September 1"
    DAYS = "days"  # "on 1-3 September"
    WEEK = "week"  # "last week"
    PART_OF_MONTH = "part_of_month"  # "early September", "mid-March"
    MONTH = "month"  # "in March 2020"
    MONTHS = "months"  # "February-March 2020"
    YEAR = "year"  # "in 2019"
    PERIOD = "period"  # "regularly", "in recent months": a vague period, stated as such


@dataclass(frozen=True, slots=True)
class DateSpan:
    """When, as a text states it: every day from `start` to `end`, how precise, and the words."""

    start: date
    end: date
    precision: DatePrecision
    text: str = ""

    def __post_init__(self) -> None:
        check(self.start <= self.end, "dates.end", "the range ends before it starts")
        object.__setattr__(self, "precision", member(DatePrecision, self.precision, "precision"))

    @property
    def vague(self) -> bool:
        """Whether the text gives no date, only a period it happened in."""
        return self.precision is DatePrecision.PERIOD


class PlacePrecision(StrEnum):
    """How exactly a text places what it states (ACLED's geo_precision 1-3)."""

    TOWN = "town"  # in the place itself
    NEAR = "near"  # near it, its outskirts or countryside, a part of a region
    REGION = "region"  # a region, a province, a route

    @property
    def geo_precision(self) -> int:
        """ACLED's code: 1 town, 2 near a place or part of a region, 3 region."""
        return {"town": 1, "near": 2, "region": 3}[self.value]


@dataclass(frozen=True, slots=True)
class PlaceFix:
    """Where, as resolved against the gazetteer: the name, its point and how exact."""

    name: str
    lat: float
    lon: float
    precision: PlacePrecision
    place_id: str = ""
    text: str = ""

    def __post_init__(self) -> None:
        check(bool(self.name.strip()), "place.name", "a place has a name")
        check(-90.0 <= self.lat <= 90.0, "place.lat", "a latitude from -90 to 90")
        check(-180.0 <= self.lon <= 180.0, "place.lon", "a longitude from -180 to 180")
        object.__setattr__(
            self, "precision", member(PlacePrecision, self.precision, "place.precision")
        )


@dataclass(frozen=True, slots=True)
class DuplicateSuggestion:
    """An incident the candidate may describe again, how likely (0-1), and why."""

    incident_id: str
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """What the pipeline read in one sentence: the fields a reviewer checks and may edit."""

    sentence: str
    event_type: str
    sub_event_type: str
    dates: DateSpan | None = None
    place: PlaceFix | None = None
    actors: tuple[str, ...] = ()
    fatalities: int | None = None
    injuries: int | None = None
    claimed_by: str = ""
    confidence: float = 0.5
    index: int = 0

    def __post_init__(self) -> None:
        check(bool(self.sentence.strip()), "sentence", "a candidate quotes its sentence")
        check(self.index >= 0, "index", "a sentence number of 0 or more")
        check_event_type(self.event_type, self.sub_event_type)
        check_count(self.fatalities, "fatalities")
        check_count(self.injuries, "injuries")
        check(0.0 <= self.confidence <= 1.0, "confidence", "from 0 to 1")


@dataclass(frozen=True, slots=True)
class Document:
    """One text as it arrived: where from, its title and dates, and the text kept for review.

    `published` is the date the text itself bears (the republication date on
    a page that republishes); `original_published` the date of the original
    publication when the page names one. Relative dates in the text ("on
    Monday") are read from the original date when there is one.
    """

    id: str
    digest: str
    url: str
    site: str
    title: str
    text: str
    fetched_at: datetime
    published: date | None = None
    original_published: date | None = None
    original_site: str = ""
    kind: str = "html"

    def __post_init__(self) -> None:
        check(self.id == document_id(self.digest), "id", "a document's id is its digest's")
        check(self.fetched_at.tzinfo is not None, "fetched_at", "needs a time zone")
        check(bool(self.text.strip()), "text", "the document has no text")

    @property
    def anchor(self) -> date | None:
        """The date relative dates are read from: the original publication's, else the page's."""
        return self.original_published or self.published


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that may state a past incident, awaiting (or after) a person's review."""

    id: str
    agreement_id: str
    document_id: str
    finding: Finding
    status: CandidateStatus = CandidateStatus.PENDING
    duplicates: tuple[DuplicateSuggestion, ...] = ()
    created_at: datetime | None = None
    reviewed_by: str = ""
    reviewed_at: datetime | None = None
    incident_id: str = ""
    note: str = ""
    edited: bool = False

    def __post_init__(self) -> None:
        check(CANDIDATE_ID.fullmatch(self.id) is not None, "id", f"{self.id!r} is not cand_…")
        check(DOCUMENT_ID.fullmatch(self.document_id) is not None, "document_id", "a doc_… id")
        object.__setattr__(self, "status", member(CandidateStatus, self.status, "status"))

    @property
    def report_id(self) -> str:
        """The id of the report this candidate becomes: it names the candidate in the ledger."""
        return "rep_" + self.id.removeprefix("cand_")

    @property
    def incident_draft_id(self) -> str:
        """The id of the incident it starts when accepted."""
        return "inc_" + self.id.removeprefix("cand_")


@dataclass(frozen=True, slots=True)
class SourceGrade:
    """An outlet in the source registry and the grade its reports get by default."""

    site: str
    grade: AdmiraltyGrade
    name: str = ""
    note: str = ""
    updated_by: str = ""
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "site", site_key(self.site))


@dataclass(frozen=True, slots=True)
class Extraction:
    """A document and the findings of the pipeline in it, before anything is stored."""

    document: Document
    findings: tuple[Finding, ...] = field(default=())
    sentences: int = 0
