"""A bulletin as an HTML document and as a PDF: the same page, rendered the same way each time.

The web page, the API and `truceline bulletin` all render through here, so
the page a reader sees and the PDF they download are one document. The map
is drawn on the server (adapters.map_image) and carried inside the page as a
PNG in a data: URL, so the PDF renderer fetches nothing.
"""

from __future__ import annotations

import base64

from jinja2 import Environment, FileSystemLoader, select_autoescape

from truceline.adapters.map_image import MapLabel, MapPoint, MapZone, area_map_png
from truceline.adapters.pdf import html_to_pdf
from truceline.entrypoints.web.pages import HERE
from truceline.services.bulletins import Bulletin
from truceline.services.geography import Geography

#: The Peace Accords Matrix scale, as the provisions table names each score.
SCORE_WORDS = {0: "not initiated", 1: "minimal", 2: "intermediate", 3: "full"}


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def map_png(bulletin: Bulletin, geography: Geography) -> bytes:
    """The area's zones, routes and towns with the period's incidents coloured by status."""
    agreement = geography.agreement
    colours = {p.id: p.colour for p in agreement.parties}
    zones = [
        MapZone(z.geometry, z.colour or colours.get(z.responsible_party or "", ""), z.name)
        for z in agreement.zones
    ]
    points = [MapPoint(i.lon, i.lat, i.status) for i in bulletin.incidents]
    routes = [route.line for route in agreement.routes]
    labels: dict[str, MapLabel] = {}
    for route in agreement.routes:  # the towns the routes are drawn through, once each
        for vertex, (lon, lat, *_) in zip(route.vertices, route.line.coords, strict=False):
            if vertex.name:
                labels.setdefault(vertex.name, MapLabel(lon, lat, vertex.name))
    return area_map_png(
        zones,
        routes,
        points,
        labels=list(labels.values()),
        title=f"Incidents, {bulletin.period.label}",
    )


def bulletin_html(bulletin: Bulletin, geography: Geography, *, links: bool = True) -> str:
    """The bulletin as one self-contained HTML document (its map inside it)."""
    png = map_png(bulletin, geography)
    template = _environment().get_template("bulletin.html")
    return template.render(
        b=bulletin,
        map_url="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        score_words=SCORE_WORDS,
        links=links,
        pdf_href=f"/bulletins/{bulletin.period.cadence}/{bulletin.period.start.isoformat()}.pdf",
    )


def bulletin_pdf(bulletin: Bulletin, geography: Geography) -> bytes:
    """The bulletin as a PDF (A4), the same document as its HTML page without the links."""
    return html_to_pdf(bulletin_html(bulletin, geography, links=False))
