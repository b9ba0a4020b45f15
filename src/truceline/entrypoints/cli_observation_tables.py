"""How `truceline restrictions ...` and `truceline observations ...` print.

Tables of plain text (what users wrote is never read as Rich markup), or
JSON lines as the API gives each item.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from rich.table import Table
from rich.text import Text

from truceline.entrypoints.api.observation_schemas import (
    CountOut,
    ObservationOut,
    PlacementOut,
    RestrictionOut,
    RoadStatusOut,
    SiteOut,
    describe,
)
from truceline.entrypoints.cli_support import out


def add_row(table: Table, *cells: str) -> None:
    table.add_row(*(Text(cell) for cell in cells))


def json_lines(items: Sequence[BaseModel]) -> None:
    for item in items:
        out.print(item.model_dump_json(), markup=False)


def where(placement: PlacementOut) -> str:
    """A placement in a few words: km post, place, zone."""
    parts = []
    if placement.km is not None and placement.route:
        parts.append(f"km {placement.km:.1f} ({placement.route})")
    if placement.place:
        parts.append(placement.place)
    parts.append(f"zone {placement.zone or 'none'}")
    if placement.responsible_party:
        parts.append(f"responsible {placement.responsible_party}")
    return ", ".join(parts)


def print_recorded(item: RestrictionOut | ObservationOut) -> None:
    """The new record's id and number, what it is and where it lies."""
    out.print(f"recorded {item.id} (no. {item.number}): {describe(item)}", markup=False)
    out.print(f"at {where(item.placement)}", markup=False)
    if item.placement.inside_corridor:
        out.print("inside the security corridor", markup=False)


def print_restrictions(items: Sequence[RestrictionOut], as_json: bool) -> None:
    if as_json:
        json_lines(items)
        return
    table = Table("id", "no.", "began", "whom", "kind", "min", "imposed by", "where", "party")
    for r in items:
        add_row(
            table,
            r.id,
            str(r.number or ""),
            r.at.isoformat(timespec="minutes"),
            r.affected,
            r.kind,
            "" if r.duration_minutes is None else str(r.duration_minutes),
            r.imposed_by,
            where(r.placement),
            r.party or "",
        )
    out.print(table)
    out.print(f"{len(items)} restriction(s)", markup=False)


def print_counts(rows: Sequence[CountOut], as_json: bool) -> None:
    if as_json:
        json_lines(rows)
        return
    table = Table("period", "zone", "kind", "count", "patrols", "monitors", "minutes")
    for c in rows:
        add_row(
            table,
            c.period,
            c.zone or "outside every zone",
            c.kind,
            str(c.count),
            str(c.patrols),
            str(c.monitors),
            str(c.minutes),
        )
    out.print(table)


def print_observations(items: Sequence[ObservationOut], as_json: bool) -> None:
    if as_json:
        json_lines(items)
        return
    table = Table("id", "no.", "seen", "subkind", "what", "where", "corridor", "party")
    for o in items:
        add_row(
            table,
            o.id,
            str(o.number or ""),
            o.observed_at.isoformat(timespec="minutes"),
            o.subkind,
            describe(o),
            where(o.placement),
            "inside" if o.placement.inside_corridor else "outside",
            o.party or "",
        )
    out.print(table)
    out.print(f"{len(items)} observation(s)", markup=False)


def print_observation(o: ObservationOut) -> None:
    out.print(f"{o.id} (no. {o.number}): {o.subkind}, {describe(o)}", markup=False)
    out.print(f"observed {o.observed_at.isoformat()} by {o.party} ({o.recorded_by})", markup=False)
    p = o.placement
    out.print(f"at ({p.lon:.5f}, {p.lat:.5f}): {where(p)}", markup=False)
    out.print(f"zones: {', '.join(p.zones) or 'none'}", markup=False)
    out.print(f"inside the security corridor: {'yes' if p.inside_corridor else 'no'}")
    for key, value in o.details.items():
        out.print(f"{key}: {value}", markup=False)
    if o.grade:
        out.print(f"grade: {o.grade}", markup=False)
    if o.note:
        out.print(f"note: {o.note}", markup=False)


def print_road(view: RoadStatusOut, as_json: bool) -> None:
    if as_json:
        out.print(view.model_dump_json(), markup=False)
        return
    out.print(
        f"{view.route}, {view.day_from} to {view.day_to}: open {view.whole.open:.1%}, "
        f"closed {view.whole.closed:.1%}, unknown {view.whole.unknown:.1%} "
        f"({view.reports} report(s))",
        markup=False,
    )
    table = Table("from km", "to km", "open", "closed", "unknown")
    for s in view.segments:
        add_row(
            table,
            f"{s.from_km:g}",
            f"{s.to_km:g}",
            f"{s.open:.1%}",
            f"{s.closed:.1%}",
            f"{s.unknown:.1%}",
        )
    out.print(table)


def print_sites(items: Sequence[SiteOut], as_json: bool) -> None:
    if as_json:
        json_lines(items)
        return
    table = Table("site", "last seen", "by", "declared", "observed", "discrepancies")
    for s in items:

        def counts(values: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in values.items())

        add_row(
            table,
            s.name,
            s.observed_at.isoformat(timespec="minutes"),
            s.party or "",
            counts(s.declared),
            counts(s.observed),
            ", ".join(f"{k} {v:+d}" for k, v in s.discrepancies.items()) or "none",
        )
    out.print(table)
