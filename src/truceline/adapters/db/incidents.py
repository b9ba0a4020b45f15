"""The incident repository: incidents, reports, links, history and positions on one connection.

The list is a keyset query: newest first (start date, then id, both
descending), each page starting strictly after the last row of the previous
one, so rows inserted while someone pages never shift or repeat what they
see. A zone or provision filter reads its side table's index in that order
(the side rows carry the start date) and joins the incidents; the other
filters read an index of ``incidents`` in that order, and channel, reporting
party and the review queue are EXISTS over indexed side tables.

Rows are written with `bulk_rows.RowWriter`: one executemany (COPY on
PostgreSQL) per table and call, which is what keeps a bulk import's storage
cost the database's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    String,
    any_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql

from truceline.adapters.db.bulk_rows import RowWriter, json_text
from truceline.adapters.db.incident_tables import (
    incident_history,
    incident_provisions,
    incident_zones,
    incidents,
    positions,
    reports,
)
from truceline.adapters.db.tables import zones as zone_table
from truceline.domain.incident_records import (
    incident_from_dict,
    incident_to_dict,
    report_from_dict,
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


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _row_values(record: IncidentRecord) -> dict[str, Any]:
    incident = record.incident
    return {
        "id": incident.id,
        "agreement_id": record.agreement_id,
        "start_date": incident.dates.start,
        "end_date": incident.dates.end,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "family": str(incident.family),
        "monitoring": None if incident.monitoring is None else str(incident.monitoring),
        "lon": incident.location.lon,
        "lat": incident.location.lat,
        "responsible_party": record.responsible_party,
        "status": str(record.status),
        "attribution": str(record.attribution),
        "merged_into": incident.merged_into,
        "content_hash": record.content_hash,
        "source_id": record.source_id,
        "doc": incident_to_dict(incident),
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


_INCIDENT_COLUMNS = (
    "id",
    "agreement_id",
    "start_date",
    "end_date",
    "event_type",
    "sub_event_type",
    "family",
    "monitoring",
    "lon",
    "lat",
    "responsible_party",
    "status",
    "attribution",
    "merged_into",
    "content_hash",
    "source_id",
    "doc",
    "created_at",
    "updated_at",
)
_REPORT_COLUMNS = (
    "id",
    "agreement_id",
    "incident_id",
    "channel",
    "reporting_party",
    "entered_by",
    "received_at",
    "doc",
)
_ZONE_COLUMNS = ("incident_id", "agreement_id", "zone_id", "start_date")
_PROVISION_COLUMNS = ("incident_id", "agreement_id", "provision_id", "start_date")
_HISTORY_COLUMNS = (
    "incident_id",
    "action",
    "at",
    "by",
    "other_incident_id",
    "report_ids",
    "note",
    "ledger_seq",
)


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
            _INCIDENT_COLUMNS,
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
            row = _row_values(record)
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
        self._rows.insert(incident_zones, _ZONE_COLUMNS, zones)
        self._rows.insert(incident_provisions, _PROVISION_COLUMNS, provisions)

    def get(self, incident_id: str) -> IncidentRecord | None:
        """One incident with its whole history, or None."""
        row = self._conn.execute(select(incidents).where(I.id == incident_id)).first()
        if row is None:
            return None
        history = tuple(
            HistoryEntry(
                action=HistoryAction(h.action),
                at=_utc(h.at),
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
        return _record(row, history)

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
        """Up to `limit` incidents after `after`, newest first.

        A zone or provision filter with no event type, status or party is
        read from that side table's index in the list's order (its rows carry
        the start date) and joined to the incidents, so a page costs the same
        however few incidents the zone or provision has. Otherwise an index
        of ``incidents`` is read in order (the type's, the status's, the
        party's or the dates'), and a zone or provision is an EXISTS on each
        row: a rare status in a large zone is then found at once.
        """
        narrowed = (where.event_type, where.status, where.responsible_party) != (None, None, None)
        if where.zone is not None and not narrowed:
            side, key = incident_zones, incident_zones.c.zone_id == where.zone
            rest = replace(where, zone=None)
        elif where.provision is not None and not narrowed:
            side = incident_provisions
            key = incident_provisions.c.provision_id == where.provision
            rest = replace(where, provision=None)
        else:
            query = select(incidents).where(*self._conditions(where))
            return self._page(query, (I.start_date, I.id), after, limit)
        s = side.c
        query = (
            select(incidents)
            .select_from(side.join(incidents, I.id == s.incident_id))
            .where(s.agreement_id == where.agreement_id, key, *self._conditions(rest))
        )
        if where.date_to is not None:  # the same bound, on the side table's copy of the date
            query = query.where(s.start_date <= where.date_to)
        return self._page(query, (s.start_date, s.incident_id), after, limit)

    def _page(
        self,
        query: Select[Any],
        order: tuple[ColumnElement[date], ColumnElement[str]],
        after: Cursor | None,
        limit: int,
    ) -> list[IncidentRecord]:
        if after is not None:
            query = query.where(tuple_(*order) < tuple_(after.start_date, after.id))
        query = query.order_by(order[0].desc(), order[1].desc()).limit(limit)
        return [_record(row, ()) for row in self._conn.execute(query)]

    def count(self, where: IncidentFilter) -> int:
        """How many incidents the filter selects."""
        query = select(func.count()).select_from(incidents).where(*self._conditions(where))
        return int(self._conn.execute(query).scalar_one())

    def _conditions(self, where: IncidentFilter) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [I.agreement_id == where.agreement_id]
        if not where.include_merged:
            found.append(I.merged_into.is_(None))
        if where.date_from is not None:
            found.append(I.end_date >= where.date_from)
        if where.date_to is not None:
            found.append(I.start_date <= where.date_to)
        if where.event_type is not None:
            found.append(I.event_type == where.event_type)
        if where.status is not None:
            found.append(I.status == str(where.status))
        if where.responsible_party is not None:
            # The party's own incidents, and those on the edge it shares with another party.
            z, zt = incident_zones.c, zone_table.c
            own = I.responsible_party == where.responsible_party
            if self._answers_for_a_zone(where.agreement_id, where.responsible_party):
                shared = exists().where(
                    I.responsible_party.is_(None),
                    z.incident_id == I.id,
                    zt.agreement_id == z.agreement_id,
                    zt.id == z.zone_id,
                    zt.responsible_party == where.responsible_party,
                )
                found.append(or_(own, shared))
            else:  # no shared edge: the party's own, read from ix_incidents_party
                found.append(own)
        if where.zone is not None:
            z = incident_zones.c
            found.append(
                exists().where(
                    z.incident_id == I.id,
                    z.agreement_id == where.agreement_id,
                    z.zone_id == where.zone,
                )
            )
        if where.provision is not None:
            p = incident_provisions.c
            found.append(
                exists().where(
                    p.incident_id == I.id,
                    p.agreement_id == where.agreement_id,
                    p.provision_id == where.provision,
                )
            )
        report_conditions: list[ColumnElement[bool]] = []
        if where.channel is not None:
            report_conditions.append(R.channel == str(where.channel))
        if where.reporting_party is not None:
            report_conditions.append(R.reporting_party == where.reporting_party)
        if report_conditions:
            found.append(exists().where(R.incident_id == I.id, *report_conditions))
        if where.awaiting is not None:
            found.append(I.status == str(VerificationStatus.PENDING))
            found.append(
                not_(
                    exists().where(
                        positions.c.incident_id == I.id, positions.c.party == where.awaiting
                    )
                )
            )
        return found

    def _answers_for_a_zone(self, agreement_id: str, party: str) -> bool:
        zt = zone_table.c
        query = select(zt.id).where(zt.agreement_id == agreement_id, zt.responsible_party == party)
        return self._conn.execute(query.limit(1)).first() is not None

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
        return [_record(row, ()) for row in self._conn.execute(query.order_by(I.id).limit(limit))]

    # --- reports --------------------------------------------------------------------------

    def add_reports(self, agreement_id: str, items: Sequence[Report]) -> None:
        """Store new reports."""
        if not items:
            return
        time = self._rows.time
        self._rows.insert(
            reports,
            _REPORT_COLUMNS,
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
        return None if row is None else _report(row)

    def reports(self, incident_id: str) -> list[Report]:
        """The reports of an incident, oldest first."""
        query = select(reports).where(R.incident_id == incident_id).order_by(R.received_at, R.id)
        return [_report(row) for row in self._conn.execute(query)]

    def reports_of(self, incident_ids: Sequence[str]) -> dict[str, Report]:
        """The reports of these incidents, by report id."""
        found: dict[str, Report] = {}
        for start in range(0, len(incident_ids), CHUNK):
            chunk = list(incident_ids[start : start + CHUNK])
            for row in self._conn.execute(select(reports).where(R.incident_id.in_(chunk))):
                found[row.id] = _report(row)
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
            self._rows.insert(incident_history, _HISTORY_COLUMNS, rows)

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
                    recorded_at=_utc(row.recorded_at),
                    version=row.version,
                ),
                row.recorded_by,
                bool(row.monitor),
            )
            for row in self._conn.execute(query)
        ]


def _record(row: Row[Any], history: tuple[HistoryEntry, ...]) -> IncidentRecord:
    incident = incident_from_dict(row.doc)
    if history:
        incident = replace(incident, history=history)
    return IncidentRecord(
        incident=incident,
        agreement_id=row.agreement_id,
        status=VerificationStatus(row.status),
        attribution=AttributionState(row.attribution),
        responsible_party=row.responsible_party,
        content_hash=row.content_hash,
        source_id=row.source_id,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
    )


def _report(row: Row[Any]) -> Report:
    return report_from_dict(row.doc, entered_by=row.entered_by, incident_id=row.incident_id)
