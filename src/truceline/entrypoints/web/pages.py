"""Web pages and static assets (skeleton: the home page lists the provisions)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from truceline.bootstrap import App

HERE = Path(__file__).resolve().parent


def find_node_modules(app: App) -> Path | None:
    """Where `npm ci` put the front-end packages: the setting, the working directory, or the project."""
    candidates = [app.settings.node_modules, Path.cwd() / "node_modules", HERE.parents[3] / "node_modules"]
    for candidate in candidates:
        if candidate is not None and (candidate / "leaflet" / "dist" / "leaflet.js").is_file():
            return candidate
    return None


def mount(api: FastAPI, app: App) -> None:
    """Add the pages and the static folders to the API application."""
    templates = Jinja2Templates(directory=HERE / "templates")
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    node_modules = find_node_modules(app)
    if node_modules is not None:
        api.mount("/vendor/leaflet", StaticFiles(directory=node_modules / "leaflet" / "dist"), name="leaflet")
        api.mount("/vendor/htmx", StaticFiles(directory=node_modules / "htmx.org" / "dist"), name="htmx")

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        geo = app.geography()
        return templates.TemplateResponse(
            request, "home.html", {"agreement": geo.agreement, "has_assets": node_modules is not None}
        )
