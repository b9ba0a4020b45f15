"""How `truceline incidents ...` prints: the links of a new incident, a page, one incident whole."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.table import Table
from rich.text import Text

from truceline.entrypoints.api.incident_schemas import IncidentOut, PositionOut, summary_out
from truceline.entrypoints.cli_support import err, out
from truceline.services.incident_queries import IncidentPage
from truceline.services.incident_store import IncidentRecord


def fmt_km(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def add_row(table: Table, *cells: str) -> None:
    """A row of plain text: what users wrote is never read as Rich markup."""
    table.add_row(*(Text(cell) for cell in cells))


def print_reported(record: IncidentRecord) -> None:
    """The new incident's id and what it was linked to."""
    incident = record.incident
    links = incident.links
    out.print(f"reported {incident.id} (report {', '.join(incident.report_ids)})", markup=False)
    out.print(f"zones: {', '.join(links.zones) or 'none'}", markup=False)
    out.print(f"responsible party: {record.responsible_party or 'none'}", markup=False)
    if links.km_post is not None:
        side = f", {links.side}" if links.side is not None else ""
        distance = links.distance_to_route_m or 0.0
        out.print(f"km post: {links.km_post:.1f} on {links.route}{side}, {distance:.0f} m off")
    out.print(f"provisions: {', '.join(links.provisions) or 'none'}", markup=False)
    dups = ", ".join(incident.possible_duplicates) or "none"
    out.print(f"possible duplicates: {dups}", markup=False)


def print_page(page: IncidentPage, as_json: bool) -> None:
    """A table (or JSON lines), then the total and the next cursor (on stderr with JSON)."""
    if as_json:
        for record in page.items:
            out.print(summary_out(record).model_dump_json(), markup=False)
    else:
        table = Table("id", "start", "place", "type", "zones", "resp.", "km", "status", "attrib.")
        for record in page.items:
            s = summary_out(record)
            add_row(
                table,
                s.id,
                s.dates.start.isoformat(),
                s.place,
                s.sub_event_type,
                ", ".join(s.zones),
                s.responsible_party or "",
                fmt_km(s.km_post),
                s.status,
                s.attribution,
            )
        out.print(table)
    counted = "" if page.total is None else f"{page.total} in all; "
    more = f"next page: --after {page.next_cursor}" if page.next_cursor else "last page"
    (err if as_json else out).print(f"{counted}{more}", markup=False)


def print_incident(record: IncidentRecord, shown: IncidentOut, names: Mapping[str, str]) -> None:
    """The incident, its reports, the positions beside the finding, and its history.

    `names` maps user ids to usernames, for who entered and who acted.
    """
    incident = record.incident
    links = incident.links
    out.print(f"[bold]{incident.id}[/bold]  {incident.event_type} / {incident.sub_event_type}")
    dates = incident.dates
    span = dates.start.isoformat() + ("" if dates.end == dates.start else f" to {dates.end}")
    location = incident.location
    out.print(
        f"{span} at {location.place or '?'} ({location.lon:.5f}, {location.lat:.5f})",
        markup=False,
    )
    if incident.notes:
        out.print(incident.notes, markup=False)
    out.print(
        f"zones: {', '.join(links.zones) or 'none'}; "
        f"responsible: {record.responsible_party or 'none'}; "
        f"km {fmt_km(links.km_post) or '-'}; provisions: {', '.join(links.provisions) or 'none'}",
        markup=False,
    )
    if incident.merged_into:
        out.print(f"merged into {incident.merged_into}")
    if shown.merged_from:
        out.print(f"merged from {', '.join(shown.merged_from)}")
    if incident.possible_duplicates:
        out.print(f"possible duplicates: {', '.join(incident.possible_duplicates)}")
    reports = Table(
        "report", "channel", "party", "source", "grade", "received (UTC)", "by", title="Reports"
    )
    for r in shown.reports:
        add_row(
            reports,
            r.id,
            r.channel,
            r.reporting_party or "",
            r.source_name,
            r.grade,
            f"{r.received_at:%Y-%m-%d %H:%M}",
            names.get(r.entered_by, r.entered_by),
        )
    out.print(reports)
    out.print(positions_table(shown))
    history = Table("at (UTC)", "action", "by", "other", "note", title="History")
    for h in shown.history:
        add_row(
            history,
            f"{h.at:%Y-%m-%d %H:%M}",
            h.action,
            names.get(h.by, h.by),
            h.other_incident_id or "",
            h.note,
        )
    out.print(history)


def positions_table(shown: IncidentOut) -> Table:
    """Each party's latest position, the monitor's verdict and the joint finding, side by side."""
    parties = list(dict.fromkeys([*shown.finding.decided_by, *shown.positions]))
    latest = {p: shown.positions[p][-1] for p in parties if shown.positions.get(p)}
    if shown.verdicts:
        latest["monitor"] = shown.verdicts[-1]
    columns = [*parties, "monitor"]
    table = Table("", *parties, "monitor (verdict)", "joint finding", title="Positions")
    finding = shown.finding
    attribution = finding.attribution
    held = attribution.actor or "no one agreed"

    def row(name: str, value: Callable[[PositionOut], str], joint: str) -> None:
        cells = [value(latest[c]) if c in latest else "-" for c in columns]
        add_row(table, name, *cells, joint)

    row("stance", lambda p: p.stance, finding.status)
    row("held responsible", lambda p: p.held_responsible or "", f"{held} ({attribution.state})")
    row("version", lambda p: str(p.version), "")
    row("recorded (UTC)", lambda p: f"{p.recorded_at:%Y-%m-%d %H:%M}", "")
    row("text", lambda p: p.text, f"confidence {attribution.confidence:.2f}")
    return table
