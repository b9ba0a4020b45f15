"""Bulletin pages, public like the published statements: the index, each bulletin, its PDF.

`/bulletins/{cadence}/{day}` is the bulletin of the period holding `day`
(that day, or its ISO week) as an HTML page; the same path ending in `.pdf`
is the same document as a PDF. Neither needs a login: a bulletin reports
counts, the joint findings and what both sides published.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from truceline.bootstrap import App
from truceline.domain.errors import InputError
from truceline.entrypoints.bulletin_render import bulletin_html, bulletin_pdf
from truceline.entrypoints.web.page_kit import PageKit
from truceline.services.bulletins import Cadence, build_bulletin, bulletin_period

#: Weeks listed on the index, back from the latest.
INDEX_WEEKS = 12


def bulletin_day(cadence: str, name: str) -> tuple[Cadence, date, bool]:
    """The cadence, the day and whether a PDF is asked for, from the path; InputError otherwise."""
    try:
        chosen = Cadence(cadence)
    except ValueError:
        raise InputError("cadence", f"{cadence!r}: give daily or weekly") from None
    pdf = name.endswith(".pdf")
    text = name.removesuffix(".pdf")
    try:
        return chosen, date.fromisoformat(text), pdf
    except ValueError:
        raise InputError("date", f"{text!r} is not a date (YYYY-MM-DD)") from None


def mount(api: FastAPI, app: App) -> None:
    """Add the public bulletin pages."""
    kit = PageKit(app)

    @api.get("/bulletins", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request, day: str = "") -> Response:
        geo = app.geography()
        try:
            latest = date.fromisoformat(day) if day else app.now().date()
        except ValueError:
            latest = app.now().date()
        weeks = [
            bulletin_period(Cadence.WEEKLY, latest - timedelta(weeks=n)) for n in range(INDEX_WEEKS)
        ]
        context: dict[str, Any] = {
            "agreement": geo.agreement,
            "weeks": weeks,
            "day": latest.isoformat(),
            "timedelta_days": [timedelta(days=n) for n in range(7)],
        }
        return kit.render(request, "bulletins.html", context)

    @api.get("/bulletins/{cadence}/{name}", include_in_schema=False)
    def bulletin(cadence: str, name: str) -> Response:
        chosen, day, pdf = bulletin_day(cadence, name)
        geo = app.geography()
        found = build_bulletin(app.uow, geo, chosen, day)
        if pdf:
            filename = f"bulletin-{chosen}-{found.period.start.isoformat()}.pdf"
            return Response(
                bulletin_pdf(found, geo),
                media_type="application/pdf",
                headers={"Content-Disposition": f'inline; filename="{filename}"'},
            )
        return HTMLResponse(bulletin_html(found, geo))
