"""Web pages: the agreement's map with its provisions, and list pages that work without JavaScript.

Every page is rendered on the server (Jinja2, autoescaped). The home page's map is
drawn by static/map.js from the REST API; Leaflet and htmx are served from the
node_modules folder that `npm ci` fills, never from a CDN.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from truceline.bootstrap import App
from truceline.domain.agreements import Agreement
from truceline.domain.errors import NotFoundError
from truceline.entrypoints.web import admin_pages, auth
from truceline.services.geography import Geography

HERE = Path(__file__).resolve().parent
FALLBACK_COLOUR = "#6b7280"
MAX_QUERY_LENGTH = 200
SEARCH_LIMIT = 25
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")


@dataclass(frozen=True, slots=True)
class ProvisionRow:
    """A provision as the pages show it: plain strings, party short names, the source cited."""

    id: str
    text: str
    category: str
    obligated: tuple[str, ...]
    effective: str
    deadline: str
    document: str
    document_title: str
    section: str
    url: str


@dataclass(frozen=True, slots=True)
class PartyRow:
    """A party with its roles and map colour."""

    id: str
    name: str
    short_name: str
    roles: tuple[str, ...]
    colour: str


@dataclass(frozen=True, slots=True)
class ZoneRow:
    """A zone with who answers for it, its area in the agreement's metric frame, and its origin."""

    id: str
    name: str
    kind: str
    responsible: str
    colour: str
    area_km2: float
    derivation: str


@dataclass(frozen=True, slots=True)
class RouteNote:
    """A route's length and what is known, and not known, about where it runs."""

    id: str
    name: str
    length_km: float
    accuracy_note: str
    end_note: str


def label(value: str) -> str:
    """An enum value as words: `heavy_weapons_withdrawal` as `heavy weapons withdrawal`."""
    return value.replace("_", " ")


def moment(value: datetime, timezone: str) -> str:
    """A stored instant in the agreement's local time, to the minute, with its UTC offset."""
    try:
        local = value.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        local = value.astimezone(UTC)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def safe_colour(value: str) -> str:
    """A CSS hex colour, or a neutral grey when the pack gave none or something else."""
    return value if _HEX_COLOUR.fullmatch(value) else FALLBACK_COLOUR


def party_name(agreement: Agreement, party_id: str) -> str:
    """The party's short name (or name); the id itself when the agreement has no such party."""
    try:
        party = agreement.party(party_id)
    except KeyError:
        return party_id
    return party.short_name or party.name


def provision_rows(agreement: Agreement) -> list[ProvisionRow]:
    """The provisions in the pack's order, with their source documents resolved."""
    documents = {d.id: d for d in agreement.documents}
    rows = []
    for p in agreement.provisions:
        document = documents.get(p.source.document)
        rows.append(
            ProvisionRow(
                id=p.id,
                text=p.text,
                category=label(str(p.category)),
                obligated=tuple(party_name(agreement, o) for o in p.obligated),
                effective=moment(p.effective, agreement.timezone),
                deadline=(
                    moment(p.deadline, agreement.timezone)
                    if p.deadline is not None
                    else "no deadline"
                ),
                document=document.reference if document else p.source.document,
                document_title=document.title if document else "",
                section=p.source.section,
                url=document.url if document and document.url.startswith("https://") else "",
            )
        )
    return rows


def party_rows(agreement: Agreement) -> list[PartyRow]:
    """The parties in the pack's order."""
    return [
        PartyRow(
            id=p.id,
            name=p.name,
            short_name=p.short_name or p.name,
            roles=tuple(label(str(r)) for r in p.roles),
            colour=safe_colour(p.colour),
        )
        for p in agreement.parties
    ]


def zone_rows(geo: Geography) -> list[ZoneRow]:
    """The zones with their area in km², computed in the agreement's metric frame."""
    agreement = geo.agreement
    rows = []
    for z in agreement.zones:
        party = None
        if z.responsible_party is not None:
            try:
                party = agreement.party(z.responsible_party)
            except KeyError:
                party = None
        if z.derivation is None:
            derivation = "polygon drawn in the agreement pack"
        else:
            d = z.derivation
            route_name = next((r.name for r in agreement.routes if r.id == d.route), d.route)
            derivation = f"band {d.width_km:g} km deep on the {d.side} side of {route_name}"
        rows.append(
            ZoneRow(
                id=z.id,
                name=z.name,
                kind=label(str(z.kind)),
                responsible=(party.short_name or party.name) if party else "none named",
                colour=safe_colour(z.colour or (party.colour if party else "")),
                area_km2=round(geo.frame.to_metric(z.geometry).area / 1e6, 1),
                derivation=derivation,
            )
        )
    return rows


def route_notes(geo: Geography) -> list[RouteNote]:
    """Each route's length in the metric frame and its accuracy and end notes."""
    return [
        RouteNote(
            id=r.id,
            name=r.name,
            length_km=round(geo.frame.to_metric(r.line).length / 1000, 1),
            accuracy_note=r.accuracy_note.strip(),
            end_note=r.end_note.strip(),
        )
        for r in geo.agreement.routes
    ]


def find_node_modules(app: App) -> Path | None:
    """Where `npm ci` put the front-end packages.

    The setting first, then the working directory, then the project's folder.
    """
    candidates = [
        app.settings.node_modules,
        Path.cwd() / "node_modules",
        HERE.parents[3] / "node_modules",
    ]
    for candidate in candidates:
        if candidate is not None and (candidate / "leaflet" / "dist" / "leaflet.js").is_file():
            return candidate
    return None


def mount(api: FastAPI, app: App) -> None:
    """Add the pages and the static folders to the API application."""
    templates = Jinja2Templates(
        directory=HERE / "templates", context_processors=[auth.template_context]
    )
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    node_modules = find_node_modules(app)
    has_leaflet = node_modules is not None
    has_htmx = (
        node_modules is not None and (node_modules / "htmx.org" / "dist" / "htmx.min.js").is_file()
    )
    if node_modules is not None:
        api.mount(
            "/vendor/leaflet",
            StaticFiles(directory=node_modules / "leaflet" / "dist"),
            name="leaflet",
        )
    if node_modules is not None and has_htmx:
        api.mount(
            "/vendor/htmx", StaticFiles(directory=node_modules / "htmx.org" / "dist"), name="htmx"
        )

    def render(
        request: Request, name: str, context: dict[str, Any], status: int = 200
    ) -> HTMLResponse:
        context = {"has_leaflet": has_leaflet, "has_htmx": has_htmx, **context}
        return templates.TemplateResponse(request, name, context, status_code=status)

    def page(
        request: Request, build: Callable[[Geography], tuple[str, dict[str, Any]]]
    ) -> HTMLResponse:
        """The page `build` makes from the loaded agreement, or a 404 saying how to load one."""
        try:
            geo = app.geography()
        except NotFoundError as error:
            return render(request, "no_agreement.html", {"reason": str(error)}, status=404)
        name, context = build(geo)
        return render(request, name, {"agreement": geo.agreement, **context})

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        def build(geo: Geography) -> tuple[str, dict[str, Any]]:
            agreement = geo.agreement
            documents = [d for d in agreement.documents if d.url.startswith("https://")]
            return "home.html", {
                "api_base": f"/api/agreements/{agreement.id}",
                "reference_route": geo.reference_route.id if geo.reference_route else "",
                "provisions": provision_rows(agreement),
                "parties": party_rows(agreement),
                "zones": zone_rows(geo),
                "routes": route_notes(geo),
                "documents": documents,
            }

        return page(request, build)

    @api.get("/provisions", response_class=HTMLResponse, include_in_schema=False)
    def provisions(request: Request) -> HTMLResponse:
        return page(
            request, lambda geo: ("provisions.html", {"provisions": provision_rows(geo.agreement)})
        )

    @api.get("/zones", response_class=HTMLResponse, include_in_schema=False)
    def zones(request: Request) -> HTMLResponse:
        def build(geo: Geography) -> tuple[str, dict[str, Any]]:
            return "zones.html", {"zones": zone_rows(geo), "crs": geo.frame.name}

        return page(request, build)

    @api.get("/places", response_class=HTMLResponse, include_in_schema=False)
    def places(request: Request, q: str = "") -> HTMLResponse:
        query = q.strip()[:MAX_QUERY_LENGTH]
        # htmx asks for the results alone; a history restore wants the whole page.
        partial = request.headers.get("HX-Request") == "true" and (
            request.headers.get("HX-History-Restore-Request") != "true"
        )

        def build(geo: Geography) -> tuple[str, dict[str, Any]]:
            if query:
                found = geo.search_places(query, limit=SEARCH_LIMIT)
                results = [(m.place, m.matched_name, m.exact) for m in found]
            else:
                results = [(p, "", False) for p in geo.agreement.places]
            name = "place_results.html" if partial else "places.html"
            return name, {"query": query, "results": results, "total": len(geo.agreement.places)}

        response = page(request, build)
        response.headers["Vary"] = "HX-Request"
        return response

    admin_pages.mount(api, app, templates)
