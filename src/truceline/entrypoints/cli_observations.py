"""`truceline restrictions ...` and `truceline observations ...`: record, list and count.

Reading runs as the server's operator. Recording is done as a user and signed
with that user's own key (`--as USERNAME --key PEM`). A location is a point
(`--lon`, `--lat`), a kilometre post (`--km`, on `--route` or the patrol
route), or a place of the gazetteer (`--place` alone). Bad input exits with
code 2 and ``field: reason``; nothing is written then.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from truceline.domain.observations import Subkind, WeaponType
from truceline.domain.restrictions import Affected, Period, RestrictionKind
from truceline.entrypoints.api.observation_schemas import (
    count_out,
    observation_out,
    restriction_out,
    road_status_out,
    site_out,
)
from truceline.entrypoints.cli_field_input import (
    AsJson,
    DateFrom,
    DateTo,
    JsonFile,
    Km,
    Lat,
    Limit,
    Lon,
    Note,
    Place,
    RouteOpt,
    day_of,
    details_of,
    location_of,
    no_other_options,
    read_json,
)
from truceline.entrypoints.cli_observation_tables import (
    print_counts,
    print_observation,
    print_observations,
    print_recorded,
    print_restrictions,
    print_road,
    print_sites,
)
from truceline.entrypoints.cli_support import (
    AgreementOption,
    AsOption,
    DbOption,
    KeyOption,
    acting,
    app_for,
    fail,
    out,
)
from truceline.services import observations, restrictions, road_status
from truceline.services.field_recording import local_day
from truceline.services.observations import ObservationQuery
from truceline.services.restrictions import RestrictionQuery

restrictions_cli = typer.Typer(
    help="Access restrictions: patrols or monitors denied or delayed.", no_args_is_help=True
)
observations_cli = typer.Typer(help="Observations that bear on provisions.", no_args_is_help=True)


# --- restrictions ------------------------------------------------------------------------


@restrictions_cli.command("add")
def restrictions_add(
    as_user: AsOption,
    key: KeyOption,
    kind: Annotated[RestrictionKind | None, typer.Option(help="denied or delayed.")] = None,
    affected: Annotated[Affected, typer.Option(help="Whom it stopped.")] = Affected.PATROL,
    patrol_id: Annotated[str | None, typer.Option(help="The joint patrol stopped.")] = None,
    at: Annotated[
        str | None, typer.Option(help="When it began, ISO 8601 with offset (now).")
    ] = None,
    duration: Annotated[int | None, typer.Option(help="How long, in minutes.")] = None,
    until: Annotated[str | None, typer.Option(help="When it ended, instead of --duration.")] = None,
    imposed_by: Annotated[
        str | None, typer.Option(help="Who imposed it: a party id or words.")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="The reason they gave.")] = None,
    consequence: Annotated[
        str | None, typer.Option(help="What followed: turned back, route changed...")
    ] = None,
    note: Note = None,
    lon: Lon = None,
    lat: Lat = None,
    km: Km = None,
    route: RouteOpt = None,
    place: Place = None,
    json_file: JsonFile = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Record an access restriction, signed with your own key."""
    options: dict[str, Any] = {
        "--kind": kind,
        "--patrol-id": patrol_id,
        "--at": at,
        "--duration": duration,
    }
    options |= {"--until": until, "--imposed-by": imposed_by, "--reason": reason}
    options |= {"--consequence": consequence, "--note": note, "--lon": lon, "--lat": lat}
    options |= {"--km": km, "--route": route, "--place": place}
    no_other_options(json_file, options)
    with acting(db, as_user, key) as (app, actor, signing):
        geo = app.geography(agreement)
        if json_file is not None:
            data = read_json(json_file)
        else:
            if kind is None:
                raise fail("--kind: give denied or delayed (or --json FILE)")
            where = location_of(app, agreement, lon, lat, km, route, place)
            if where is None:
                raise fail("--lon, --lat: give the point, --km, or --place")
            data = {
                "at": at or app.now().isoformat(),
                "affected": str(affected),
                "kind": str(kind),
                "imposed_by": imposed_by or "",
                "reason_given": reason or "",
                "consequence": consequence or "",
                "note": note or "",
                "location": where,
            }
            extra = {"patrol_id": patrol_id, "duration_minutes": duration, "until": until}
            data |= {k: v for k, v in extra.items() if v is not None}
        done = restrictions.record_restriction(
            app.uow(), actor, signing, geo, data, app.now(), now=app.now
        )
    print_recorded(restriction_out(restrictions.entry_of(done.record)))


@restrictions_cli.command("list")
def restrictions_list(
    zone: Annotated[str | None, typer.Option(help="A zone id.")] = None,
    kind: Annotated[RestrictionKind | None, typer.Option(help="denied or delayed.")] = None,
    affected: Annotated[Affected | None, typer.Option(help="patrol or monitor.")] = None,
    party: Annotated[str | None, typer.Option(help="The party that recorded it.")] = None,
    day_from: DateFrom = None,
    day_to: DateTo = None,
    limit: Limit = 200,
    as_json: AsJson = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Access restrictions, newest first."""
    with app_for(db) as app:
        geo = app.geography(agreement)
        query = RestrictionQuery(zone, kind, affected, party, day_of(day_from), day_of(day_to))
        found = restrictions.list_restrictions(app.uow(), geo, query, limit=limit)
    print_restrictions([restriction_out(e) for e in found], as_json)


@restrictions_cli.command("counts")
def restrictions_counts(
    period: Annotated[Period, typer.Option(help="Count per day, week or month.")] = Period.WEEK,
    zone: Annotated[str | None, typer.Option(help="A zone id.")] = None,
    day_from: DateFrom = None,
    day_to: DateTo = None,
    as_json: AsJson = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Restrictions counted per period, zone and kind."""
    with app_for(db) as app:
        geo = app.geography(agreement)
        query = RestrictionQuery(zone=zone, day_from=day_of(day_from), day_to=day_of(day_to))
        rows = restrictions.restriction_counts(app.uow(), geo, period, query)
    print_counts([count_out(r) for r in rows], as_json)


# --- observations ------------------------------------------------------------------------


@observations_cli.command("add")
def observations_add(
    as_user: AsOption,
    key: KeyOption,
    subkind: Annotated[Subkind | None, typer.Option(help="What was observed.")] = None,
    observed_at: Annotated[
        str | None, typer.Option(help="When, ISO 8601 with offset (now).")
    ] = None,
    lon: Lon = None,
    lat: Lat = None,
    km: Km = None,
    route: RouteOpt = None,
    place: Place = None,
    note: Note = None,
    grade: Annotated[
        str | None, typer.Option(help="Admiralty grade of the source, e.g. B2.")
    ] = None,
    weapon_type: Annotated[
        str | None, typer.Option(help=f"heavy_weapons: {', '.join(WeaponType)}.")
    ] = None,
    count: Annotated[int | None, typer.Option(help="heavy_weapons: how many (1).")] = None,
    description: Annotated[str | None, typer.Option(help="heavy_weapons: what, in words.")] = None,
    group: Annotated[str | None, typer.Option(help="armed_group: a party id or words.")] = None,
    size: Annotated[int | None, typer.Option(help="armed_group: roughly how many.")] = None,
    activity: Annotated[str | None, typer.Option(help="armed_group: doing what.")] = None,
    road_route: Annotated[
        str | None, typer.Option(help="road_status: the route (the agreement's road).")
    ] = None,
    from_km: Annotated[float | None, typer.Option(help="road_status: from this km.")] = None,
    to_km: Annotated[float | None, typer.Option(help="road_status: to this km.")] = None,
    status: Annotated[str | None, typer.Option(help="road_status: open or closed.")] = None,
    since: Annotated[
        str | None, typer.Option(help="road_status: since when (the observation's time).")
    ] = None,
    site: Annotated[str | None, typer.Option(help="storage_site: a site zone id or name.")] = None,
    declared: Annotated[
        list[str] | None, typer.Option(help="storage_site: TYPE=COUNT declared, repeatable.")
    ] = None,
    observed: Annotated[
        list[str] | None, typer.Option(help="storage_site: TYPE=COUNT observed, repeatable.")
    ] = None,
    json_file: JsonFile = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Record an observation, signed with your own key."""
    specific: dict[str, Any] = {
        "--weapon-type": weapon_type,
        "--count": count,
        "--description": description,
    }
    specific |= {"--group": group, "--size": size, "--activity": activity}
    specific |= {"--road-route": road_route, "--from-km": from_km, "--to-km": to_km}
    specific |= {"--status": status, "--since": since, "--site": site}
    specific |= {"--declared": declared, "--observed": observed}
    common: dict[str, Any] = {
        "--subkind": subkind,
        "--observed-at": observed_at,
        "--lon": lon,
        "--lat": lat,
    }
    common |= {"--km": km, "--route": route, "--place": place, "--note": note, "--grade": grade}
    no_other_options(json_file, common | specific)
    with acting(db, as_user, key) as (app, actor, signing):
        geo = app.geography(agreement)
        if json_file is not None:
            data = read_json(json_file)
        else:
            if subkind is None:
                raise fail(f"--subkind: give one of {', '.join(Subkind)} (or --json FILE)")
            data = {
                "subkind": str(subkind),
                "observed_at": observed_at or app.now().isoformat(),
                "location": location_of(app, agreement, lon, lat, km, route, place),
                "note": note or "",
                "grade": grade,
                "details": details_of(subkind, specific),
            }
        done = observations.record_observation(
            app.uow(), actor, signing, geo, data, app.now(), now=app.now
        )
    print_recorded(observation_out(observations.entry_of(done.record)))


@observations_cli.command("list")
def observations_list(
    subkind: Annotated[Subkind | None, typer.Option(help="Only this subkind.")] = None,
    zone: Annotated[str | None, typer.Option(help="A zone id.")] = None,
    inside_corridor: Annotated[
        bool | None,
        typer.Option("--inside-corridor/--outside-corridor", help="In a security corridor?"),
    ] = None,
    party: Annotated[str | None, typer.Option(help="The observer's party.")] = None,
    day_from: DateFrom = None,
    day_to: DateTo = None,
    limit: Limit = 200,
    as_json: AsJson = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Observations, newest first."""
    with app_for(db) as app:
        geo = app.geography(agreement)
        query = ObservationQuery(
            subkind, zone, inside_corridor, party, day_of(day_from), day_of(day_to)
        )
        found = observations.list_observations(app.uow(), geo, query, limit=limit)
    print_observations([observation_out(e) for e in found], as_json)


@observations_cli.command("show")
def observations_show(
    observation_id: Annotated[str, typer.Argument(help="The observation's id (obs_...).")],
    as_json: Annotated[bool, typer.Option("--json", help="As the API gives it.")] = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """One observation, with where it lies."""
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        entry = observations.get_observation(app.uow(), found.id, observation_id)
    shown = observation_out(entry)
    if as_json:
        out.print(shown.model_dump_json(indent=2), markup=False)
    else:
        print_observation(shown)


@observations_cli.command("road")
def observations_road(
    route: Annotated[str | None, typer.Option(help="The route (the agreement's road).")] = None,
    day_from: DateFrom = None,
    day_to: DateTo = None,
    as_json: AsJson = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """The share of the days each km of a route was observed open (the last 30 by default)."""
    with app_for(db) as app:
        geo = app.geography(agreement)
        today = local_day(geo.agreement, app.now())
        view = road_status.road_status(
            app.uow(),
            geo,
            today,
            route_id=route,
            day_from=day_of(day_from),
            day_to=day_of(day_to),
        )
    print_road(road_status_out(view), as_json)


@observations_cli.command("sites")
def observations_sites(
    as_json: AsJson = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Each storage site as last observed: declared, observed, and the discrepancies."""
    with app_for(db) as app:
        sites = observations.storage_sites(app.uow(), app.geography(agreement))
    print_sites([site_out(s) for s in sites], as_json)
