"""What the `restrictions` and `observations` commands read: their shared options, a
location from --lon/--lat, --km or --place, a --json file, and a subkind's details."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from truceline.bootstrap import App
from truceline.domain.observations import Subkind
from truceline.entrypoints.cli_support import err, fail

DAY = ["%Y-%m-%d"]
Lon = Annotated[float | None, typer.Option(help="Longitude, WGS 84.")]
Lat = Annotated[float | None, typer.Option(help="Latitude, WGS 84.")]
Km = Annotated[float | None, typer.Option(help="Kilometre post, instead of --lon/--lat.")]
RouteOpt = Annotated[
    str | None, typer.Option("--route", help="The route of --km (the patrol route by default).")
]
Place = Annotated[str | None, typer.Option(help="Place name; alone, its point from the gazetteer.")]
Note = Annotated[str | None, typer.Option(help="Anything else worth keeping.")]
JsonFile = Annotated[
    Path | None, typer.Option("--json", help="A file with the whole data (see the docs).")
]
AsJson = Annotated[bool, typer.Option("--json", help="JSON lines, as the API gives them.")]
Limit = Annotated[int, typer.Option(min=1, max=1000, help="At most this many, newest first.")]
DateFrom = Annotated[
    datetime | None,
    typer.Option("--from", formats=DAY, metavar="<date>", help="From this local day on."),
]
DateTo = Annotated[
    datetime | None,
    typer.Option("--to", formats=DAY, metavar="<date>", help="Up to this local day."),
]


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise fail(f"--json: {path}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"--json: {path}: not JSON ({error})") from None
    if not isinstance(data, dict):
        raise fail(f"--json: {path}: must hold an object")
    return data


def no_other_options(json_file: Path | None, given: dict[str, Any]) -> None:
    named = [name for name, value in given.items() if value not in (None, [], "")]
    if json_file is not None and named:
        raise fail(f"--json: the file holds the whole data; leave out {', '.join(named)}")


def location_of(
    app: App,
    agreement: str | None,
    lon: float | None,
    lat: float | None,
    km: float | None,
    route: str | None,
    place: str | None,
) -> dict[str, Any] | None:
    """The stated location: a point, a km post, or the gazetteer's point of a place."""
    named = {"place": place} if place else {}
    if km is not None:
        if lon is not None or lat is not None:
            raise fail("--km: give a point (--lon, --lat) or a km post, not both")
        return {"km": km, **({"route": route} if route else {}), **named}
    if route is not None:
        raise fail("--route: goes with --km")
    if lon is not None or lat is not None:
        if lon is None or lat is None:
            raise fail("--lon, --lat: give both")
        return {"lon": lon, "lat": lat, **named}
    if place is None:
        return None
    matches = app.geography(agreement).search_places(place, limit=10)
    found = next((m.place for m in matches if m.place.lon is not None), None)
    if found is None or found.lon is None or found.lat is None:
        raise fail(f"--place: no place {place!r} with a known point; give --lon and --lat")
    err.print(f"{place}: {found.name} ({found.lon:.5f}, {found.lat:.5f}) from the gazetteer")
    return {"lon": found.lon, "lat": found.lat, "place": found.name}


def day_of(value: datetime | None) -> date | None:
    return None if value is None else value.date()


def pairs(values: list[str] | None, option: str) -> dict[str, int]:
    """`TYPE=N` options as a mapping."""
    out_: dict[str, int] = {}
    for value in values or []:
        name, sep, number = value.partition("=")
        if not sep or not number.strip().isdigit():
            raise fail(f"{option}: {value!r} is not TYPE=COUNT, such as tank=3")
        out_[name.strip()] = int(number)
    return out_


def details_of(subkind: Subkind, given: dict[str, Any]) -> dict[str, Any]:
    """The details of a subkind from its options; an option of another subkind is refused."""
    own = {
        Subkind.HEAVY_WEAPONS: {"--weapon-type", "--count", "--description"},
        Subkind.ARMED_GROUP: {"--group", "--size", "--activity"},
        Subkind.ROAD_STATUS: {"--road-route", "--from-km", "--to-km", "--status", "--since"},
        Subkind.STORAGE_SITE: {"--site", "--declared", "--observed"},
    }[subkind]
    stray = [name for name, value in given.items() if value not in (None, []) and name not in own]
    if stray:
        raise fail(f"{stray[0]}: not an option of {subkind}")
    keys = {
        "--weapon-type": "weapon_type",
        "--count": "count",
        "--description": "description",
        "--group": "group",
        "--size": "estimated_size",
        "--activity": "activity",
        "--road-route": "route",
        "--from-km": "from_km",
        "--to-km": "to_km",
        "--status": "status",
        "--since": "since",
        "--site": "site",
    }
    details = {keys[k]: v for k, v in given.items() if k in keys and v is not None}
    if subkind is Subkind.STORAGE_SITE:
        details["declared"] = pairs(given["--declared"], "--declared")
        details["observed"] = pairs(given["--observed"], "--observed")
    return details
