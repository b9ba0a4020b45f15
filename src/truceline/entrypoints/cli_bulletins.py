"""`truceline bulletin`: a daily or weekly bulletin as a PDF or an HTML file, in one command."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from truceline.entrypoints.bulletin_render import bulletin_html, bulletin_pdf
from truceline.entrypoints.cli_support import AgreementOption, DbOption, app_for, fail, out
from truceline.services.bulletins import Cadence, build_bulletin


def bulletin(
    date: Annotated[
        datetime,
        typer.Option(formats=["%Y-%m-%d"], metavar="<date>", help="A day of the period."),
    ],
    out_file: Annotated[
        Path, typer.Option("--out", help="Where to write it: FILE.pdf, or FILE.html for the page.")
    ],
    period: Annotated[
        Cadence, typer.Option(help="daily: that day; weekly: the ISO week (Mon-Sun) holding it.")
    ] = Cadence.WEEKLY,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Write the bulletin of the period holding --date: incidents, patrols, restrictions,
    provisions, statements and a map. The same record gives the same file."""
    if out_file.suffix.lower() not in (".pdf", ".html"):
        raise fail(f"--out: {out_file}: name a .pdf or .html file")
    with app_for(db) as app:
        geo = app.geography(agreement)
        found = build_bulletin(app.uow, geo, period, date.date())
        content = (
            bulletin_pdf(found, geo)
            if out_file.suffix.lower() == ".pdf"
            else bulletin_html(found, geo, links=False).encode()
        )
    try:
        out_file.write_bytes(content)
    except OSError as error:
        raise fail(f"--out: {out_file}: {error.strerror}") from None
    out.print(
        f"Wrote the {period} bulletin for {found.period.label} to {out_file} "
        f"({len(found.incidents)} incidents, {len(found.patrols)} patrols, "
        f"{len(found.restrictions)} restrictions, {len(found.statements)} statements)."
    )


def register(cli: typer.Typer) -> None:
    """Add `truceline bulletin` to the CLI."""
    cli.command("bulletin")(bulletin)
