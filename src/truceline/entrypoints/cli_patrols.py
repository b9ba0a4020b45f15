"""`truceline patrols ...`: plan, acknowledge, start, checkpoints, tracks, outcome, statistics.

Reading runs as the server's operator. Every change is made as a zone officer
and signed with their own key (`--as USERNAME --key PEM`). A patrol is named
by its id (``pat_...``) or by its number (``3`` or ``#3``). Bad input exits
with code 2 and ``field: reason``; nothing is written then.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from truceline.adapters.tracks import parse_track
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.patrols import Outcome, Patrol
from truceline.entrypoints.cli_support import (
    AgreementOption,
    AsOption,
    DbOption,
    KeyOption,
    acting,
    fail,
    out,
)
from truceline.services import patrols
from truceline.services.patrol_queries import PatrolView, list_patrols, patrol_view

patrols_cli = typer.Typer(
    help="Joint patrols: plan, run, end, and statistics.", no_args_is_help=True
)


class Format(StrEnum):
    """How a read command prints."""

    TEXT = "text"
    JSON = "json"


DAY = ["%Y-%m-%d"]
PatrolArg = Annotated[str, typer.Argument(help="The patrol: its id (pat_...) or number (3).")]
FormatOption = Annotated[Format, typer.Option("--format", help="text, or json as the API gives.")]
From = Annotated[
    datetime | None, typer.Option("--from", formats=DAY, metavar="<date>", help="From this day.")
]
To = Annotated[
    datetime | None, typer.Option("--to", formats=DAY, metavar="<date>", help="Up to this day.")
]


def resolve(app: App, agreement: str | None, ref: str) -> str:
    """The id of the patrol named by id or number."""
    number = ref.removeprefix("#")
    if not number.isdigit():
        return ref
    agreement_id = app.geography(agreement).agreement.id
    for patrol in list_patrols(app.uow(), agreement_id):
        if patrol.number == int(number):
            return patrol.id
    raise fail(f"patrol: no patrol #{number} in agreement {agreement_id!r}")


def said(patrol: Patrol) -> str:
    """`patrol #3 (pat_...)`."""
    return f"patrol #{patrol.number} ({patrol.id})"


# --- the plan ----------------------------------------------------------------------------


def contingent(text: str) -> dict[str, Any]:
    """`PARTY:VEHICLES:UNIT[,UNIT...]` as a contingent."""
    party, _, rest = text.partition(":")
    vehicles, _, units = rest.partition(":")
    if not party or not vehicles.strip().isdigit() or not units.strip():
        raise fail(f"--contingent: {text!r} is not PARTY:VEHICLES:UNIT[,UNIT...]")
    names = [u.strip() for u in units.split(",") if u.strip()]
    return {"party": party.strip(), "units": names, "vehicles": int(vehicles)}


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise fail(f"--json: {path}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"--json: {path}: not JSON ({error})") from None
    if not isinstance(data, dict):
        raise fail(f"--json: {path}: must hold an object (the plan)")
    return data


def print_deviation(view: PatrolView) -> None:
    found = view.deviation
    if found is None:
        out.print("deviation: no track", markup=False)
        return
    reached = "none" if found.km_reached is None else f"km {found.km_reached:g}"
    out.print(
        f"deviation: max {found.max_m:.0f} m, mean {found.mean_m:.0f} m, "
        f"{found.share_within:.0%} within {found.tolerance_m:.0f} m; furthest reached: {reached}",
        markup=False,
    )


@patrols_cli.command("plan")
def patrols_plan(
    as_user: AsOption,
    key: KeyOption,
    day: Annotated[
        datetime | None, typer.Option(formats=DAY, metavar="<date>", help="The day, YYYY-MM-DD.")
    ] = None,
    start_time: Annotated[
        str | None, typer.Option(help="The planned start, HH:MM local time.")
    ] = None,
    from_km: Annotated[float | None, typer.Option(help="The km post it sets out from.")] = None,
    to_km: Annotated[float | None, typer.Option(help="The km post it goes to.")] = None,
    contingents: Annotated[
        list[str] | None,
        typer.Option("--contingent", help="PARTY:VEHICLES:UNIT[,UNIT...], one per side (repeat)."),
    ] = None,
    checkpoints: Annotated[
        list[float] | None,
        typer.Option("--checkpoint", help="A checkpoint's km post, in travel order (repeat)."),
    ] = None,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="A file with the whole plan as the API takes it.")
    ] = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Plan the next joint patrol, your party leading; notice goes to the other side."""
    if json_file is not None:
        data = read_json(json_file)
    else:
        if day is None or start_time is None or from_km is None or to_km is None:
            raise fail("--day, --start-time, --from-km, --to-km: give them all (or --json FILE)")
        data = {
            "day": day.date().isoformat(),
            "start_time": start_time,
            "from_km": from_km,
            "to_km": to_km,
            "contingents": [contingent(c) for c in contingents or []],
            "checkpoints": list(checkpoints or []),
        }
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        patrol = patrols.plan_patrol(app.uow(), actor, signing, found, data, app.now(), now=app.now)
    out.print(
        f"planned {said(patrol)}: {patrol.day} {data.get('start_time')}, "
        f"km {patrol.from_km:g} to {patrol.to_km:g} on {patrol.route}",
        markup=False,
    )
    out.print(f"notice given to: {', '.join(patrol.awaiting_acknowledgement)}", markup=False)


# --- the run -----------------------------------------------------------------------------


def change(
    db: str | None,
    as_user: str,
    key: Path,
    agreement: str | None,
    patrol: str,
    service: Callable[..., Patrol],
    *args: Any,
) -> tuple[Actor, Patrol]:
    """Call a patrol service as the user, signed with their key: (uow, actor, signing,
    agreement, patrol id, *args, now). Who acted, and the patrol after the change."""
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        patrol_id = resolve(app, agreement, patrol)
        done = service(app.uow(), actor, signing, found, patrol_id, *args, app.now(), now=app.now)
        return actor, done


@patrols_cli.command("acknowledge")
def patrols_acknowledge(
    patrol: PatrolArg,
    as_user: AsOption,
    key: KeyOption,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Acknowledge, for your party, the notice of a patrol."""
    actor, done = change(db, as_user, key, agreement, patrol, patrols.acknowledge_patrol)
    out.print(f"{actor.party} acknowledged {said(done)}: {done.state}", markup=False)


@patrols_cli.command("start")
def patrols_start(
    patrol: PatrolArg,
    as_user: AsOption,
    key: KeyOption,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """The patrol sets out (after the other side's acknowledgement, where the agreement says)."""
    _, done = change(db, as_user, key, agreement, patrol, patrols.start_patrol)
    out.print(f"{said(done)} is under way", markup=False)


@patrols_cli.command("checkpoint")
def patrols_checkpoint(
    patrol: PatrolArg,
    km: Annotated[float, typer.Argument(help="The km post of a planned checkpoint.")],
    as_user: AsOption,
    key: KeyOption,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """The patrol reached one of its checkpoints."""
    _, done = change(db, as_user, key, agreement, patrol, patrols.reach_checkpoint, km)
    out.print(f"{said(done)} reached the checkpoint at km {km:g}", markup=False)


@patrols_cli.command("track")
def patrols_track(
    patrol: PatrolArg,
    as_user: AsOption,
    key: KeyOption,
    file: Annotated[
        Path, typer.Option("--file", help="The track: a .gpx, .geojson or .json file.")
    ],
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Add the points of a GPX or GeoJSON track to the patrol's track; prints its deviation."""
    try:
        content = file.read_bytes()
    except OSError as error:
        raise fail(f"--file: {file}: {error.strerror}") from None
    with acting(db, as_user, key) as (app, actor, signing):
        geography = app.geography(agreement)
        points = parse_track(content, file.name)
        done = patrols.record_track(
            app.uow(),
            actor,
            signing,
            geography.agreement,
            resolve(app, agreement, patrol),
            points,
            app.now(),
            now=app.now,
        )
        view = patrol_view(app.uow(), geography, done.id)
    out.print(f"{said(done)}: {len(points)} points added, {len(done.track)} in all", markup=False)
    print_deviation(view)


@patrols_cli.command("end")
def patrols_end(
    patrol: PatrolArg,
    as_user: AsOption,
    key: KeyOption,
    outcome: Annotated[Outcome, typer.Option(help="completed, curtailed or aborted.")],
    at_km: Annotated[
        float | None, typer.Option(help="Curtailed: the km post where the patrol stopped.")
    ] = None,
    reason: Annotated[str, typer.Option(help="Curtailed or aborted: why.")] = "",
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """The patrol ended: completed, curtailed at a km post, or aborted."""
    data = {"outcome": str(outcome), "at_km": at_km, "reason": reason}
    _, done = change(db, as_user, key, agreement, patrol, patrols.end_patrol, data)
    out.print(
        f"{said(done)} {done.state}: {done.covered_km:g} of {done.planned_km:g} km covered",
        markup=False,
    )


@patrols_cli.command("link")
def patrols_link(
    patrol: PatrolArg,
    incident: Annotated[str, typer.Argument(help="The incident's id (inc_...).")],
    as_user: AsOption,
    key: KeyOption,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Link an incident that happened on the patrol."""
    _, done = change(db, as_user, key, agreement, patrol, patrols.link_incident, incident)
    out.print(f"linked {incident} to {said(done)}", markup=False)


# --- reading -----------------------------------------------------------------------------
