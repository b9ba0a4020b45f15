"""The `truceline` command line (Typer + Rich)."""

from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from truceline import __version__
from truceline.adapters.packs import read_pack
from truceline.bootstrap import App
from truceline.domain.errors import InputError, PackError, TrucelineError
from truceline.entrypoints import cli_bulletins, cli_exchange, cli_intake, cli_patrol_reads
from truceline.entrypoints.cli_accounts import create_demo_users, keys_cli, tokens_cli, users_cli
from truceline.entrypoints.cli_assessments import assessments_cli
from truceline.entrypoints.cli_incidents import incidents_cli
from truceline.entrypoints.cli_ledger import ledger_cli
from truceline.entrypoints.cli_observations import observations_cli, restrictions_cli
from truceline.entrypoints.cli_patrols import patrols_cli
from truceline.entrypoints.cli_roster import hotline_cli, roster_cli
from truceline.entrypoints.cli_statements import statements_cli
from truceline.entrypoints.cli_support import (
    AgreementOption,
    DbOption,
    app_for,
    err,
    fail,
    open_app,
    out,
    report_pack_error,
    settings_for,
    start,
)
from truceline.packs import DEFAULT_EXAMPLE, example_names, example_pack_path
from truceline.services.agreements import LoadPack
from truceline.services.geography import Geography, rows
from truceline.settings import Settings

cli = typer.Typer(
    name="truceline",
    help="Truceline: the working system of a ceasefire.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
pack_cli = typer.Typer(help="Check agreement packs.", no_args_is_help=True)
zones_cli = typer.Typer(help="Zones of the loaded agreement.", no_args_is_help=True)
places_cli = typer.Typer(help="The gazetteer of the loaded agreement.", no_args_is_help=True)
cli.add_typer(pack_cli, name="pack")
cli.add_typer(zones_cli, name="zones")
cli.add_typer(places_cli, name="places")
cli.add_typer(ledger_cli, name="ledger")
cli.add_typer(users_cli, name="users")
cli.add_typer(tokens_cli, name="tokens")
cli.add_typer(keys_cli, name="keys")
cli_exchange.register(incidents_cli)
cli_intake.register(cli)
cli.add_typer(incidents_cli, name="incidents")
cli_patrol_reads.register(patrols_cli)
cli.add_typer(patrols_cli, name="patrols")
cli.add_typer(roster_cli, name="roster")
cli.add_typer(hotline_cli, name="hotline")
cli.add_typer(restrictions_cli, name="restrictions")
cli.add_typer(observations_cli, name="observations")
cli.add_typer(statements_cli, name="statements")
cli_bulletins.register(cli)
cli.add_typer(assessments_cli, name="assessments")

CHUNK = 50_000


def load_geography(db: str | None, agreement: str | None) -> Geography:
    """The geography of one loaded agreement; the database is closed again before returning."""
    with app_for(db) as app:
        return app.geography(agreement)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"truceline {__version__}")
        raise typer.Exit()


@cli.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Truceline: agreements, zones and routes of a ceasefire, on a map and in the record."""


@cli.command()
def init(
    example: Annotated[
        str | None,
        typer.Option(help=f"Bundled example pack to load ({', '.join(example_names())})."),
    ] = None,
    pack: Annotated[
        Path | None, typer.Option(help="Directory of an agreement pack to load.")
    ] = None,
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option(help="Replace an agreement already loaded under the same id.")
    ] = False,
) -> None:
    """Create or upgrade the database and load an agreement (the example by default)."""
    if example is not None and pack is not None:
        raise fail("give --example or --pack, not both")
    if pack is None:
        name = example or DEFAULT_EXAMPLE
        try:
            pack = example_pack_path(name)
        except KeyError:
            raise fail(
                f"--example: no bundled example {name!r} (have: {', '.join(example_names())})"
            ) from None
    app = open_app(db)
    try:
        result = app.load(LoadPack(pack, replace=replace))
    except PackError as error:
        raise report_pack_error(error) from error
    except TrucelineError as error:
        raise fail(str(error)) from error
    finally:
        app.close()
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    out.print(f"{result.agreement_id}: {result.status.value} ({counts})")


@cli.command()
def serve(
    db: DbOption = None,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on \\[default: 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on \\[default: 8000].")] = None,
) -> None:
    """Serve the web UI and the API (OpenAPI at /docs)."""
    values: dict[str, object] = {}
    if host is not None:
        values["host"] = host
    if port is not None:
        values["port"] = port
    run_server(settings_for(db, **values))


@cli.command()
def demo(
    db: DbOption = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on \\[default: 8000].")] = None,
) -> None:
    """Load the Idlib M4 example, make demo accounts (passwords shown once), serve it."""
    values: dict[str, object] = {"example": DEFAULT_EXAMPLE}
    if port is not None:
        values["port"] = port
    settings = settings_for(db, **values)
    out.print(f"Truceline demo: {settings.database_url}, example {DEFAULT_EXAMPLE}")
    run_server(settings, before=create_demo_users)


def run_server(settings: Settings, before: Callable[[App], None] | None = None) -> None:
    """Start uvicorn with the composed application (after `before(app)`, if given)."""
    import uvicorn

    from truceline.entrypoints.api.app import create_app

    app = start(settings)
    if before is not None:
        before(app)
    out.print(
        f"Serving on http://{settings.host}:{settings.port}  (API docs at /docs; Ctrl-C stops)"
    )
    uvicorn.run(create_app(app), host=settings.host, port=settings.port, log_level="warning")


@pack_cli.command("validate")
def pack_validate(directory: Annotated[Path, typer.Argument(help="The pack's directory.")]) -> None:
    """Check a pack without loading it: every problem with its file, line and reason."""
    try:
        agreement = read_pack(directory)
    except PackError as error:
        for problem in error.problems:
            err.print(str(problem), markup=False)
        raise fail(f"{directory}: {len(error.problems)} problem(s)") from error
    out.print(
        f"{directory}: valid pack {agreement.id!r}: {len(agreement.parties)} parties, "
        f"{len(agreement.provisions)} provisions, {len(agreement.routes)} routes, "
        f"{len(agreement.zones)} zones, {len(agreement.places)} places"
    )


LON_NAMES = ("lon", "longitude", "lng", "x")
LAT_NAMES = ("lat", "latitude", "y")
OUT_COLUMNS = ("zone", "responsible_party", "km_post", "side", "offset_m")


@zones_cli.command("classify")
def zones_classify(
    points: Annotated[Path, typer.Argument(help="CSV with lon and lat columns (WGS 84).")],
    out_file: Annotated[
        Path, typer.Option("--out", help="CSV to write: the input plus the zone columns.")
    ],
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Put each point of a CSV in its zone(s): responsible party, km post, side and offset."""
    geo = load_geography(db, agreement)
    try:
        handle = points.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise fail(f"{points}: {error.strerror}") from error
    with handle:
        total = sum(1 for _ in handle) - 1
        handle.seek(0)
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        lon_col = next((c for c in header if c.strip().lower() in LON_NAMES), None)
        lat_col = next((c for c in header if c.strip().lower() in LAT_NAMES), None)
        if lon_col is None or lat_col is None:
            raise fail(
                f"{points}:1: needs a longitude column ({'/'.join(LON_NAMES)}) "
                f"and a latitude column"
            )
        fd, tmp_name = tempfile.mkstemp(
            prefix=".classify-", suffix=".csv", dir=out_file.parent or Path(".")
        )
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as target:
                writer = csv.writer(target)
                writer.writerow([*header, *OUT_COLUMNS])
                with progress_bar() as progress:
                    task = progress.add_task("classifying", total=max(total, 0))
                    chunk: list[dict[str, str]] = []
                    for row in reader:
                        chunk.append(row)
                        if len(chunk) == CHUNK:
                            write_chunk(
                                writer,
                                chunk,
                                header,
                                lon_col,
                                lat_col,
                                reader.line_num,
                                points,
                                geo,
                            )
                            progress.advance(task, len(chunk))
                            chunk = []
                    if chunk:
                        write_chunk(
                            writer, chunk, header, lon_col, lat_col, reader.line_num, points, geo
                        )
                        progress.advance(task, len(chunk))
            tmp.replace(out_file)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    err.print(f"wrote {out_file} ({max(total, 0)} points)")


def progress_bar() -> Progress:
    """A progress bar on stderr, so the output file or stdout stays clean."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


def write_chunk(
    writer: Any,
    chunk: list[dict[str, str]],
    header: list[str],
    lon_col: str,
    lat_col: str,
    last_line: int,
    points: Path,
    geo: Geography,
) -> None:
    """Classify and write one chunk of rows; a bad coordinate names its line."""
    first_line = last_line - len(chunk) + 1
    lon = np.empty(len(chunk), dtype=np.float64)
    lat = np.empty(len(chunk), dtype=np.float64)
    for i, row in enumerate(chunk):
        line = first_line + i
        for column, target, low, high in ((lon_col, lon, -180, 180), (lat_col, lat, -90, 90)):
            text = (row.get(column) or "").strip()
            try:
                value = float(text)
            except ValueError:
                raise fail(f"{points}:{line}: {column}: {text!r} is not a number") from None
            if not (math.isfinite(value) and low <= value <= high):
                raise fail(f"{points}:{line}: {column}: {text} is outside {low}..{high}")
            target[i] = value
    records = rows(geo, lon, lat, geo.classify_arrays(lon, lat))
    for row, record in zip(chunk, records, strict=True):
        writer.writerow(
            [
                *(row.get(c, "") for c in header),
                ";".join(record.zones),
                ";".join(record.responsible),
                "" if record.km is None else f"{record.km:.3f}",
                record.side or "",
                "" if record.offset_m is None else f"{record.offset_m:.1f}",
            ]
        )


@places_cli.command("search")
def places_search(
    name: Annotated[str, typer.Argument(help="A place name in any common transliteration.")],
    db: DbOption = None,
    agreement: AgreementOption = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Most results to show.")] = 10,
) -> None:
    """Find places by name, fuzzy and transliteration-aware."""
    try:
        matches = load_geography(db, agreement).search_places(name, limit=limit)
    except InputError as error:
        raise fail(str(error)) from error
    if not matches:
        err.print(f"no place matches {name!r}")
        raise typer.Exit(code=1)
    table = Table("id", "name", "matched", "score", "lat", "lon", "admin1")
    for m in matches:
        p = m.place
        table.add_row(
            p.id,
            p.name,
            m.matched_name,
            f"{m.score:.0f}",
            fmt_coord(p.lat),
            fmt_coord(p.lon),
            p.admin1,
        )
    out.print(table)


@places_cli.command("near")
def places_near(
    lon: Annotated[float, typer.Argument(help="Longitude (WGS 84).")],
    lat: Annotated[float, typer.Argument(help="Latitude (WGS 84).")],
    db: DbOption = None,
    agreement: AgreementOption = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Most results to show.")] = 5,
) -> None:
    """The places nearest to a point."""
    try:
        nearby = load_geography(db, agreement).nearest_places(lon, lat, limit=limit)
    except InputError as error:
        raise fail(str(error)) from error
    table = Table("id", "name", "distance km", "lat", "lon")
    for n in nearby:
        table.add_row(
            n.place.id,
            n.place.name,
            f"{n.distance_m / 1000:.2f}",
            fmt_coord(n.place.lat),
            fmt_coord(n.place.lon),
        )
    out.print(table)


def fmt_coord(value: float | None) -> str:
    return "" if value is None else f"{value:.5f}"


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="truceline")


if __name__ == "__main__":  # pragma: no cover
    main()
