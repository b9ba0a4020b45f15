"""`truceline patrols list | show | stats`: reading the joint patrols, as text or as JSON."""

from __future__ import annotations

import json

import typer
from rich.table import Table
from rich.text import Text

from truceline.entrypoints.api.patrol_schemas import (
    PatrolListOut,
    patrol_out,
    stats_out,
    summary_out,
)
from truceline.entrypoints.cli_patrols import (
    Format,
    FormatOption,
    From,
    PatrolArg,
    To,
    print_deviation,
    resolve,
    said,
)
from truceline.entrypoints.cli_support import (
    AgreementOption,
    DbOption,
    app_for,
    out,
)
from truceline.services.patrol_queries import (
    list_patrols,
    patrol_stats,
    patrol_view,
)


def cell(table: Table, *cells: object) -> None:
    table.add_row(*(Text("" if c is None else str(c)) for c in cells))


def patrols_list(
    day_from: From = None,
    day_to: To = None,
    output: FormatOption = Format.TEXT,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """The joint patrols, by day then number."""
    with app_for(db) as app:
        agreement_id = app.geography(agreement).agreement.id
        found = list_patrols(
            app.uow(),
            agreement_id,
            day_from=None if day_from is None else day_from.date(),
            day_to=None if day_to is None else day_to.date(),
        )
    if output is Format.JSON:
        listed = PatrolListOut(items=[summary_out(p) for p in found])
        out.print(listed.model_dump_json(indent=2), markup=False)
        return
    table = Table("no.", "id", "day", "start", "km", "sides", "state", "covered", "incidents")
    for p in found:
        s = summary_out(p)
        cell(
            table,
            s.number,
            s.id,
            s.day,
            s.start_time,
            f"{s.from_km:g} to {s.to_km:g}",
            ", ".join(s.parties),
            s.state,
            f"{s.covered_km:g}/{s.planned_km:g}",
            len(s.incidents),
        )
    out.print(table)
    out.print(f"{len(found)} patrol(s)", markup=False)


def patrols_show(
    patrol: PatrolArg,
    output: FormatOption = Format.TEXT,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """One patrol: its plan, notice, run, outcome, incidents, steps and deviation."""
    with app_for(db) as app:
        view = patrol_view(app.uow(), app.geography(agreement), resolve(app, agreement, patrol))
    if output is Format.JSON:
        out.print(patrol_out(view).model_dump_json(indent=2), markup=False)
        return
    p = view.patrol
    lines = [
        f"{said(p)}: {p.state}",
        f"day: {p.day} {summary_out(p).start_time}; km {p.from_km:g} to {p.to_km:g} on {p.route}",
        f"checkpoints: {', '.join(f'km {k:g}' for k in p.checkpoints) or 'none'}",
        f"lead: {p.lead_party}; awaiting acknowledgement: "
        f"{', '.join(p.awaiting_acknowledgement) or 'none'}",
    ]
    lines += [f"  {c.party}: {', '.join(c.units)}; {c.vehicles} vehicle(s)" for c in p.contingents]
    if p.outcome is not None:
        where = "" if p.stopped_at_km is None else f" at km {p.stopped_at_km:g}"
        because = f" ({p.reason})" if p.reason else ""
        lines.append(f"outcome: {p.outcome}{where}{because}")
    lines.append(f"covered: {p.covered_km:g} of {p.planned_km:g} km")
    lines.append(f"incidents: {', '.join(p.incidents) or 'none'}")
    for line in lines:
        out.print(line, markup=False)
    print_deviation(view)
    table = Table("at", "step", "party", "data", "entry")
    for step in view.steps:
        data = dict(step.data)
        if "points" in data:
            data = {"points": len(data["points"])}
        shown = json.dumps(data, ensure_ascii=False)
        cell(table, step.at.isoformat(), step.action, step.party, shown, step.ledger_seq)
    out.print(table)


def patrols_stats(
    day_from: From = None,
    day_to: To = None,
    output: FormatOption = Format.TEXT,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Per month: patrols planned against completed, km covered against planned."""
    with app_for(db) as app:
        agreement_id = app.geography(agreement).agreement.id
        months = patrol_stats(
            app.uow(),
            agreement_id,
            day_from=None if day_from is None else day_from.date(),
            day_to=None if day_to is None else day_to.date(),
        )
    shown = stats_out(months)
    if output is Format.JSON:
        out.print(shown.model_dump_json(indent=2), markup=False)
        return
    table = Table("month", "planned", "completed", "curtailed", "aborted", "km covered/planned")
    for m in shown.months:
        cell(
            table,
            m.month,
            m.planned,
            m.completed,
            m.curtailed,
            m.aborted,
            f"{m.km_covered:g}/{m.km_planned:g}",
        )
    out.print(table)


def register(patrols_cli: typer.Typer) -> None:
    """Add the reading commands (list, show, stats) to `truceline patrols`."""
    patrols_cli.command("list")(patrols_list)
    patrols_cli.command("show")(patrols_show)
    patrols_cli.command("stats")(patrols_stats)
