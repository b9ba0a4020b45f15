"""The incident list: filters as SQL conditions, and keyset pages in the list's order.

The list is a keyset query: newest first (start date, then id, both
descending), each page starting strictly after the last row of the previous
one, so rows inserted while someone pages never shift or repeat what they
see. A zone or provision filter reads its side table's index in that order
(the side rows carry the start date) and joins the incidents; the other
filters read an index of ``incidents`` in that order, and channel, reporting
party and the review queue are EXISTS over indexed side tables.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, exists, func, not_, or_, select, tuple_

from truceline.adapters.db.incident_rows import record_of
from truceline.adapters.db.incident_tables import (
    incident_provisions,
    incident_zones,
    incidents,
    positions,
    reports,
)
from truceline.adapters.db.tables import zones as zone_table
from truceline.domain.verification import VerificationStatus
from truceline.services.incident_store import Cursor, IncidentFilter, IncidentRecord

I = incidents.c  # noqa: E741 (the table's columns, as elsewhere)
R = reports.c


def page(
    conn: Connection, where: IncidentFilter, after: Cursor | None, limit: int
) -> list[IncidentRecord]:
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
        query = select(incidents).where(*conditions(conn, where))
        return _page(conn, query, (I.start_date, I.id), after, limit)
    s = side.c
    query = (
        select(incidents)
        .select_from(side.join(incidents, I.id == s.incident_id))
        .where(s.agreement_id == where.agreement_id, key, *conditions(conn, rest))
    )
    if where.date_to is not None:  # the same bound, on the side table's copy of the date
        query = query.where(s.start_date <= where.date_to)
    return _page(conn, query, (s.start_date, s.incident_id), after, limit)


def _page(
    conn: Connection,
    query: Select[Any],
    order: tuple[ColumnElement[date], ColumnElement[str]],
    after: Cursor | None,
    limit: int,
) -> list[IncidentRecord]:
    if after is not None:
        query = query.where(tuple_(*order) < tuple_(after.start_date, after.id))
    query = query.order_by(order[0].desc(), order[1].desc()).limit(limit)
    return [record_of(row, ()) for row in conn.execute(query)]


def count(conn: Connection, where: IncidentFilter) -> int:
    """How many incidents the filter selects."""
    query = select(func.count()).select_from(incidents).where(*conditions(conn, where))
    return int(conn.execute(query).scalar_one())


def conditions(conn: Connection, where: IncidentFilter) -> list[ColumnElement[bool]]:
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
        if _answers_for_a_zone(conn, where.agreement_id, where.responsible_party):
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
                exists().where(positions.c.incident_id == I.id, positions.c.party == where.awaiting)
            )
        )
    return found


def _answers_for_a_zone(conn: Connection, agreement_id: str, party: str) -> bool:
    zt = zone_table.c
    query = select(zt.id).where(zt.agreement_id == agreement_id, zt.responsible_party == party)
    return conn.execute(query.limit(1)).first() is not None
