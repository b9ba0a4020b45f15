"""Bulk interchange: import ACLED and UCDP GED files, export incidents with a manifest.

An import streams the file in batches: each row is parsed and checked
(``adapters.interchange``), placed and linked (``services.enrichment``), and
compared with what is stored by a digest of what the row states. New rows
are inserted, changed rows updated (the incident keeps its positions and
history, the new report is added beside the old), identical rows left
alone, bad rows rejected with their line and reason. By default a file is
all or nothing: one rejected row and nothing is written. The whole import is
one entry of the log (the file's SHA-256 and the counts), not an entry per
row; each incident it wrote names the import.

Rows dated before the agreement's start are kept: analysts compare the
ceasefire with what came before. Rows dated in the future are rejected.

Exports page through the filtered list and write ACLED CSV, UCDP GED CSV,
GeoJSON or JSON, with a manifest: filters, time, count and the SHA-256 of
the bytes written.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import IO, Any
from zoneinfo import ZoneInfo

from truceline.adapters.interchange import ImportedRow, RejectedRow, RowProblem
from truceline.adapters.interchange.acled import ACLED_COLUMNS, acled_row
from truceline.adapters.interchange.ucdp import UCDP_COLUMNS, ucdp_row
from truceline.domain.accounts import Actor
from truceline.domain.events import Event
from truceline.domain.incident_records import incident_to_dict, report_to_dict
from truceline.domain.incidents import HistoryAction, HistoryEntry, Incident
from truceline.domain.permissions import Action, authorize
from truceline.domain.reports import Report
from truceline.domain.verification import AttributionState, VerificationStatus
from truceline.services.authorship import Signing
from truceline.services.enrichment import Enricher
from truceline.services.incident_store import Cursor, IncidentFilter, IncidentRecord
from truceline.services.incidents import content_hash, links_of
from truceline.services.ledger import utc_now
from truceline.services.unit_of_work import UnitOfWork

BATCH = 5000
_STATED_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)
Now = Callable[[], datetime]


class ImportFormat(StrEnum):
    """The files Truceline imports."""

    ACLED = "acled"
    UCDP = "ucdp"


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import did with the file's rows."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def rows(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.rejected


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """The counts, whether anything was written, and the import's id in the log."""

    counts: ImportCounts
    committed: bool
    import_id: str
    file_sha256: str
    warnings: int = 0


def file_digest(stream: IO[bytes], chunk: int = 1 << 20) -> str:
    """The SHA-256 of a whole binary stream, read in chunks."""
    digest = hashlib.sha256()
    while block := stream.read(chunk):
        digest.update(block)
    return digest.hexdigest()


def _stated_hash(incident: Incident, reports: Sequence[Report]) -> str:
    """A digest of what a row states: the draft, external ids, reports without receipt times."""
    stated = [
        {k: v for k, v in report_to_dict(r).items() if k not in ("id", "received_at")}
        for r in reports
    ]
    text = _STATED_JSON.encode(stated)  # json.dumps(stated, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((content_hash(incident, ()) + text).encode()).hexdigest()


def _batches(
    rows: Iterable[ImportedRow | RejectedRow], size: int
) -> Iterator[list[ImportedRow | RejectedRow]]:
    batch: list[ImportedRow | RejectedRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_rows(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    enricher: Enricher,
    rows: Iterable[ImportedRow | RejectedRow],
    *,
    fmt: ImportFormat,
    file_name: str,
    file_sha256: str,
    partial: bool = False,
    on_reject: Callable[[RejectedRow], None] | None = None,
    progress: Callable[[ImportCounts], None] | None = None,
    at: datetime,
    now: Now = utc_now,
    batch: int = BATCH,
) -> ImportOutcome:
    """Import parsed rows in one transaction; see the module's description."""
    agreement = enricher.agreement
    import_id = f"import_{fmt}-{file_sha256[:16]}"
    today = now().astimezone(ZoneInfo(agreement.timezone)).date()
    counts = ImportCounts()
    warnings = 0
    with uow:
        authorize(actor, Action.IMPORT_DATA, None)
        for chunk in _batches(rows, batch):
            good: list[ImportedRow] = []
            for row in chunk:
                if isinstance(row, ImportedRow) and row.incident.dates.end > today:
                    problem = RowProblem(
                        row.line, "date", f"{row.incident.dates.end} is in the future"
                    )
                    row = RejectedRow(row.line, (problem,))
                if isinstance(row, RejectedRow):
                    counts = replace(counts, rejected=counts.rejected + 1)
                    if on_reject is not None:
                        on_reject(row)
                else:
                    good.append(row)
                    warnings += len(row.warnings)
            counts = _write_batch(uow, enricher, good, counts, import_id, actor, at)
            if progress is not None:
                progress(counts)
        changed = counts.inserted + counts.updated
        if (counts.rejected and not partial) or not changed:
            return ImportOutcome(counts, False, import_id, file_sha256, warnings)
        event = Event(
            "incidents.imported",
            actor.user_id,
            actor.party,
            at,
            import_id,
            {
                "agreement": agreement.id,
                "format": str(fmt),
                "file_name": file_name,
                "file_sha256": file_sha256,
                "partial": partial,
                "counts": asdict(counts),
            },
        )
        signing.append(uow, event, now)
        if signing.writes:
            uow.commit()
    return ImportOutcome(counts, signing.writes, import_id, file_sha256, warnings)


def _write_batch(
    uow: UnitOfWork,
    enricher: Enricher,
    rows: Sequence[ImportedRow],
    counts: ImportCounts,
    import_id: str,
    actor: Actor,
    at: datetime,
) -> ImportCounts:
    if not rows:
        return counts
    agreement_id = enricher.agreement.id
    seen: dict[str, ImportedRow] = {}
    for row in rows:
        seen[row.incident.id] = row  # a file repeating an id: its last row wins
    stored = uow.incidents.hashes(list(seen))
    fresh: list[tuple[ImportedRow, str]] = []
    changed: list[tuple[ImportedRow, str]] = []
    unchanged = len(rows) - len(seen)
    for incident_id, row in seen.items():
        digest = _stated_hash(row.incident, row.reports)
        old = stored.get(incident_id)
        if old is None:
            fresh.append((row, digest))
        elif old == digest:
            unchanged += 1
        else:
            changed.append((row, digest))
    placed = enricher.place([row.incident for row, _ in fresh])
    records = [  # new_record's, with the digest of what the row states
        IncidentRecord(
            incident=p.incident,
            agreement_id=agreement_id,
            status=VerificationStatus.PENDING,
            attribution=AttributionState.NOT_ATTRIBUTABLE,
            responsible_party=p.responsible_party,
            content_hash=digest,
            source_id=import_id,
            created_at=at,
            updated_at=at,
        )
        for p, (_, digest) in zip(placed, fresh, strict=True)
    ]
    uow.incidents.insert(records)
    uow.incidents.add_reports(agreement_id, [r for row, _ in fresh for r in row.reports])
    uow.incidents.replace_links(agreement_id, [links_of(r.incident) for r in records])
    uow.incidents.add_history(
        (
            HistoryEntry(HistoryAction.IMPORTED, at, actor.user_id, r.incident.id, note=import_id)
            for r in records
        ),
        None,
    )
    for row, digest in changed:
        _update(uow, enricher, row, digest, import_id, actor, at)
    return replace(
        counts,
        inserted=counts.inserted + len(fresh),
        updated=counts.updated + len(changed),
        unchanged=counts.unchanged + unchanged,
    )


def _update(
    uow: UnitOfWork,
    enricher: Enricher,
    row: ImportedRow,
    digest: str,
    import_id: str,
    actor: Actor,
    at: datetime,
) -> None:
    """A row that changed since it was imported: new values, its reports added beside the old."""
    current = uow.incidents.get(row.incident.id)
    assert current is not None
    suffix = digest[:8]
    reports = [replace(r, id=f"{r.id}.{suffix}") for r in row.reports]
    reports = [r for r in reports if uow.incidents.report(r.id) is None]
    old = current.incident
    [placed] = enricher.place([row.incident])
    incident = replace(
        placed.incident,
        report_ids=(*old.report_ids, *(r.id for r in reports)),
        possible_duplicates=old.possible_duplicates,
        history=(),
    )
    updated = replace(
        current,
        incident=incident,
        responsible_party=placed.responsible_party,
        content_hash=digest,
        source_id=import_id,
        updated_at=at,
    )
    uow.incidents.update([updated])
    uow.incidents.add_reports(enricher.agreement.id, reports)
    uow.incidents.replace_links(enricher.agreement.id, [links_of(incident)])
    entry = HistoryEntry(
        HistoryAction.UPDATED,
        at,
        actor.user_id,
        incident.id,
        report_ids=tuple(r.id for r in reports),
        note=f"{import_id}: the source's row changed",
    )
    uow.incidents.add_history([entry], None)


# --- export -------------------------------------------------------------------------------


class ExportFormat(StrEnum):
    """The files Truceline exports."""

    ACLED = "acled"
    UCDP = "ucdp"
    GEOJSON = "geojson"
    JSON = "json"


MEDIA_TYPES = {
    ExportFormat.ACLED: ("text/csv", "csv"),
    ExportFormat.UCDP: ("text/csv", "csv"),
    ExportFormat.GEOJSON: ("application/geo+json", "geojson"),
    ExportFormat.JSON: ("application/json", "json"),
}


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an export holds: format, agreement, filters, time, count, checksum, what it left out."""

    format: str
    agreement: str
    filters: dict[str, Any]
    generated_at: str
    count: int
    sha256: str
    skipped: list[list[str]]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True)


class _HashingWriter:
    """A text stream that hashes (and counts) the UTF-8 bytes written through it."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self.digest = hashlib.sha256()

    def write(self, text: str) -> int:
        self.digest.update(text.encode())
        return self._out.write(text)


def filter_values(where: IncidentFilter) -> dict[str, Any]:
    """The filter as JSON values, without the ones not set."""
    values = {k: v for k, v in asdict(where).items() if v not in (None, False)}
    return {k: v if isinstance(v, str | int | bool) else str(v) for k, v in values.items()}


def _all(
    uow: UnitOfWork, where: IncidentFilter, page: int
) -> Iterator[tuple[Incident, dict[str, Report]]]:
    """Every incident the filter selects, newest first, with the reports of its page."""
    cursor = None
    while True:
        records = uow.incidents.page(where, cursor, page)
        if not records:
            return
        reports = uow.incidents.reports_of([r.incident.id for r in records])
        for record in records:
            yield record.incident, reports
        last = records[-1].incident
        cursor = Cursor(last.dates.start, last.id)


def export_incidents(
    uow: UnitOfWork,
    actor: Actor,
    where: IncidentFilter,
    fmt: ExportFormat,
    out: IO[str],
    at: datetime,
    *,
    page: int = 2000,
) -> Manifest:
    """Write the filtered incidents to `out` in `fmt`, streaming; return the manifest."""
    authorize(actor, Action.EXPORT_DATA, actor.party)
    writer = _HashingWriter(out)
    skipped: list[list[str]] = []
    with uow:
        if fmt is ExportFormat.ACLED or fmt is ExportFormat.UCDP:
            count = _write_csv(uow, where, fmt, writer, page, skipped)
        else:
            count = _write_json(uow, where, fmt, writer, page)
    return Manifest(
        format=str(fmt),
        agreement=where.agreement_id,
        filters=filter_values(where),
        generated_at=at.isoformat(),
        count=count,
        sha256=writer.digest.hexdigest(),
        skipped=skipped,
    )


def _write_csv(
    uow: UnitOfWork,
    where: IncidentFilter,
    fmt: ExportFormat,
    out: _HashingWriter,
    page: int,
    skipped: list[list[str]],
) -> int:
    acled = fmt is ExportFormat.ACLED
    columns = ACLED_COLUMNS if acled else UCDP_COLUMNS
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for incident, reports in _all(uow, where, page):
        row = acled_row(incident, reports) if acled else ucdp_row(incident, reports)
        if row is None:
            skipped.append([incident.id, f"{incident.event_type} is not organised violence"])
            continue
        writer.writerow(row)
        count += 1
    return count


def _write_json(
    uow: UnitOfWork, where: IncidentFilter, fmt: ExportFormat, out: _HashingWriter, page: int
) -> int:
    count = 0
    geo = fmt is ExportFormat.GEOJSON
    out.write('{"type": "FeatureCollection", "features": [' if geo else '{"incidents": [')
    for incident, reports in _all(uow, where, page):
        value = incident_to_dict(incident)
        value["reports"] = [report_to_dict(reports[r]) for r in incident.report_ids if r in reports]
        if geo:
            loc = incident.location
            value = {
                "type": "Feature",
                "id": incident.id,
                "geometry": {"type": "Point", "coordinates": [loc.lon, loc.lat]},
                "properties": value,
            }
        out.write(
            ("," if count else "") + "\n" + json.dumps(value, ensure_ascii=False, sort_keys=True)
        )
        count += 1
    out.write("\n]}\n")
    return count
