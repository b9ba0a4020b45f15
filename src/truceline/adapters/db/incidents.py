"""The incident repository: incidents, reports, links, history and positions on one connection.

The list's keyset pages are `incident_lists`; how records become rows and
back is `incident_rows`. Rows are written with `bulk_rows.RowWriter`: one executemany (COPY on
PostgreSQL) per table and call, which is what keeps a bulk import's storage
cost the database's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import (
    Connection,
    String,
    any_,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql

from truceline.adapters.db import incident_lists
from truceline.adapters.db.bulk_rows import RowWriter, json_text
from truceline.adapters.db.incident_rows import (
    HISTORY_COLUMNS,
    INCIDENT_COLUMNS,
    PROVISION_COLUMNS,
    REPORT_COLUMNS,
    ZONE_COLUMNS,
    record_of,
    report_of,
    row_values,
    utc,
)
from truceline.adapters.db.incident_tables import (
    incident_history,
    incident_provisions,
    incident_zones,
    incidents,
    positions,
    reports,
)
from truceline.domain.incident_records import (
    incident_from_dict,
    incident_to_dict,
    report_to_dict,
)
from truceline.domain.incidents import HistoryAction, HistoryEntry, Incident
from truceline.domain.reports import Report
from truceline.domain.verification import (
    AttributionState,
    Position,
    Stance,
    VerificationStatus,
)
from truceline.services.incident_store import (
    Cursor,
    IncidentFilter,
    IncidentRecord,
    LinkRows,
    StoredPosition,
)

I = incidents.c  # noqa: E741 (the table's columns, as elsewhere)
R = reports.c
CHUNK = 500


class IncidentRepository:
    """Incidents and everything attached to them, on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection
        self._rows = RowWriter(connection)
        self._unlinked: set[str] = set()

    # --- incidents ------------------------------------------------------------------------

    def insert(self, records: Sequence[IncidentRecord]) -> None:
        """Add new incidents."""
        if not records:
            return
        self._unlinked.update(record.incident.id for record in records)
        # In list order: the date-led indexes then take the rows at a few places, not everywhere.
        records = sorted(records, key=lambda r: (r.incident.dates.start, r.incident.id))
        day, time = self._rows.date, self._rows.time
        self._rows.insert(
            incidents,
            INCIDENT_COLUMNS,
            [
                (
                    (incident := record.incident).id,
                    record.agreement_id,
                    day(incident.dates.start),
                    day(incident.dates.end),
                    incident.event_type,
                    incident.sub_event_type,
                    str(incident.family),
                    None if incident.monitoring is None else str(incident.monitoring),
                    incident.location.lon,
                    incident.location.lat,
                    record.responsible_party,
                    str(record.status),
                    str(record.attribution),
                    incident.merged_into,
                    record.content_hash,
                    record.source_id,
                    json_text(incident_to_dict(incident)),
                    time(record.created_at),
                    time(record.updated_at),
                )
                for record in records
            ],
        )

    def update(self, records: Sequence[IncidentRecord]) -> None:
        """Replace stored incidents with these values (created_at is kept)."""
        if not records:
            return
        values = []
        for record in records:
            row = row_values(record)
            del row["created_at"]
            row["key"] = row.pop("id")
            values.append(row)
        statement = (
            update(incidents)
            .where(I.id == bindparam("key"))
            .values({name: bindparam(name) for name in values[0] if name != "key"})
        )
        self._conn.execute(statement, values)

    def replace_links(self, agreement_id: str, rows: Sequence[LinkRows]) -> None:
        """Index each incident under exactly these zones and provisions."""
        if not rows:
            return
        # An incident inserted by this repository and not linked since has no rows to drop.
        ids = [row.incident_id for row in rows if row.incident_id not in self._unlinked]
        self._unlinked.difference_update(row.incident_id for row in rows)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            self._conn.execute(
                delete(incident_zones).where(incident_zones.c.incident_id.in_(chunk))
            )
            self._conn.execute(
                delete(incident_provisions).where(incident_provisions.c.incident_id.in_(chunk))
            )
        day = self._rows.date
        zones = [
            (row.incident_id, agreement_id, zone, day(row.start_date))
            for row in rows
            for zone in row.zones
        ]
        provisions = [
            (row.incident_id, agreement_id, provision, day(row.start_date))
            for row in rows
            for provision in row.provisions
        ]
        self._rows.insert(incident_zones, ZONE_COLUMNS, zones)
        self._rows.insert(incident_provisions, PROVISION_COLUMNS, provisions)

    def get(self, incident_id: str) -> IncidentRecord | None:
        """One incident with its whole history, or None."""
        row = self._conn.execute(select(incidents).where(I.id == incident_id)).first()
        if row is None:
            return None
        history = tuple(
            HistoryEntry(
                action=HistoryAction(h.action),
                at=utc(h.at),
                by=h.by,
                incident_id=h.incident_id,
                other_incident_id=h.other_incident_id,
                report_ids=tuple(h.report_ids),
                note=h.note,
            )
            for h in self._conn.execute(
                select(incident_history)
                .where(incident_history.c.incident_id == incident_id)
                .order_by(incident_history.c.seq)
            )
        )
        return record_of(row, history)

    def hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """The content hash of each of these incidents that exists."""
        found: dict[str, str] = {}
        if self._rows.postgresql:  # one array parameter: no statement of thousands to plan
            wanted = bindparam("ids", list(ids), type_=postgresql.ARRAY(String))
            query = select(I.id, I.content_hash).where(I.id == any_(wanted))
            return {row.id: row.content_hash for row in self._conn.execute(query)}
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            for key, digest in self._conn.execute(
                select(I.id, I.content_hash).where(I.id.in_(chunk))
            ):
                found[key] = digest
        return found

    def set_finding(
        self, incident_id: str, status: VerificationStatus, attribution: AttributionState
    ) -> None:
        """Store the derived joint finding, for filtering."""
        self._conn.execute(
            update(incidents)
            .where(I.id == incident_id)
            .values(status=str(status), attribution=str(attribution))
        )

    def page(self, where: IncidentFilter, after: Cursor | None, limit: int) -> list[IncidentRecord]:
        """Up to `limit` incidents after `after`, newest first (`incident_lists.page`)."""
        return incident_lists.page(self._conn, where, after, limit)

    def count(self, where: IncidentFilter) -> int:
        """How many incidents the filter selects."""
        return incident_lists.count(self._conn, where)

    def near(
        self,
        agreement_id: str,
        family: str,
        box: tuple[float, float, float, float],
        dates: tuple[date, date],
        limit: int,
    ) -> list[Incident]:
        """Open incidents of a family inside a lon/lat box whose dates touch a window."""
        west, south, east, north = box
        query = (
            select(I.doc)
            .where(
                I.agreement_id == agreement_id,
                I.family == family,
                I.start_date <= dates[1],
                I.end_date >= dates[0],
                I.lon.between(west, east),
                I.lat.between(south, north),
                I.merged_into.is_(None),
            )
            .limit(limit)
        )
        return [incident_from_dict(doc) for (doc,) in self._conn.execute(query)]

    def scan(self, agreement_id: str, after_id: str | None, limit: int) -> list[IncidentRecord]:
        """Incidents of an agreement in id order, for work over all of them."""
        query = select(incidents).where(I.agreement_id == agreement_id)
        if after_id is not None:
            query = query.where(I.id > after_id)
        return [record_of(row, ()) for row in self._conn.execute(query.order_by(I.id).limit(limit))]

    # --- reports --------------------------------------------------------------------------

    def add_reports(self, agreement_id: str, items: Sequence[Report]) -> None:
        """Store new reports."""
        if not items:
            return
        time = self._rows.time
        self._rows.insert(
            reports,
            REPORT_COLUMNS,
            [
                (
                    r.id,
                    agreement_id,
                    r.incident_id,
                    str(r.channel),
                    r.reporting_party,
                    r.entered_by,
                    time(r.received_at),
                    json_text(report_to_dict(r)),
                )
                for r in items
            ],
        )

    def report(self, report_id: str) -> Report | None:
        """One report, or None."""
        row = self._conn.execute(select(reports).where(R.id == report_id)).first()
        return None if row is None else report_of(row)

    def reports(self, incident_id: str) -> list[Report]:
        """The reports of an incident, oldest first."""
        query = select(reports).where(R.incident_id == incident_id).order_by(R.received_at, R.id)
        return [report_of(row) for row in self._conn.execute(query)]

    def reports_of(self, incident_ids: Sequence[str]) -> dict[str, Report]:
        """The reports of these incidents, by report id."""
        found: dict[str, Report] = {}
        for start in range(0, len(incident_ids), CHUNK):
            chunk = list(incident_ids[start : start + CHUNK])
            for row in self._conn.execute(select(reports).where(R.incident_id.in_(chunk))):
                found[row.id] = report_of(row)
        return found

    def move_reports(self, report_ids: Sequence[str], incident_id: str) -> None:
        """Point these reports at another incident."""
        if report_ids:
            self._conn.execute(
                update(reports).where(R.id.in_(list(report_ids))).values(incident_id=incident_id)
            )

    # --- history and positions ------------------------------------------------------------

    def add_history(self, entries: Iterable[HistoryEntry], ledger_seq: int | None) -> None:
        """Append history entries, each tied to the ledger entry that recorded it."""
        time = self._rows.time
        rows = [
            (
                e.incident_id,
                str(e.action),
                time(e.at),
                e.by,
                e.other_incident_id,
                json_text(list(e.report_ids)),
                e.note,
                ledger_seq,
            )
            for e in entries
        ]
        if rows:
            self._rows.insert(incident_history, HISTORY_COLUMNS, rows)

    def add_position(self, incident_id: str, stored: StoredPosition) -> None:
        """Keep one more version of a party's position."""
        p = stored.position
        self._conn.execute(
            insert(positions).values(
                incident_id=incident_id,
                party=p.party,
                version=p.version,
                stance=str(p.stance),
                held_responsible=p.held_responsible,
                evidence=list(p.evidence),
                text=p.text,
                recorded_at=p.recorded_at,
                recorded_by=stored.recorded_by,
                monitor=stored.monitor,
            )
        )

    def positions(self, incident_id: str) -> list[StoredPosition]:
        """Every version of every position on an incident, in the order recorded."""
        c = positions.c
        query = (
            select(positions)
            .where(c.incident_id == incident_id)
            .order_by(c.recorded_at, c.party, c.version)
        )
        return [
            StoredPosition(
                Position(
                    party=row.party,
                    stance=Stance(row.stance),
                    held_responsible=row.held_responsible,
                    evidence=tuple(row.evidence),
                    text=row.text,
                    recorded_at=utc(row.recorded_at),
                    version=row.version,
                ),
                row.recorded_by,
                bool(row.monitor),
            )
            for row in self._conn.execute(query)
        ]
