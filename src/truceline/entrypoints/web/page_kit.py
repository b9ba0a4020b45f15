"""What every signed-in page of a feature shares: rendering, refusals, the viewer check.

A feature's pages (incidents, patrols, the roster, field reports...) build one
`PageKit` in their `mount` and use it for every page: `kit.viewing(request,
build)` runs `build(session, geography)` for a signed-in user who may view
records, on the first agreement loaded, and turns a refusal into a 403 page
and a missing record into a 404 page. Forms are read with `FormFields`
(already parsed, and cached, by the session's CSRF check).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from truceline.bootstrap import App
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.permissions import Action
from truceline.entrypoints.web import auth, pages
from truceline.entrypoints.web.admin_pages import NO_STORE, sentence
from truceline.entrypoints.web.incident_forms import Fields
from truceline.services.geography import Geography


async def submitted(request: Request) -> Fields:
    """The POSTed form (already read, and cached, by the CSRF check)."""
    return Fields.of(await request.form())


FormFields = Annotated[Fields, Depends(submitted)]

Build = Callable[[auth.WebSession, Geography], Response]
#: A form's command: runs a service for the signed-in user; raises what the service refuses.
Act = Callable[[auth.WebSession, Geography], object]
#: The page again after a refused form: given the error and its status (400, or 409).
Again = Callable[[auth.WebSession, Geography, "InputError | ConflictError", int], Response]


class Refused(Exception):
    """A page the viewer may not see or a form they may not submit: answered with 403."""


class PageKit:
    """Rendering and the viewer check for one application's pages."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.templates = Jinja2Templates(
            directory=pages.HERE / "templates", context_processors=[auth.template_context]
        )
        self.has_leaflet = pages.find_node_modules(app) is not None

    def render(
        self, request: Request, name: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        """A template, never cached (the pages show who may do what)."""
        context = {"has_leaflet": self.has_leaflet, "has_htmx": False, **context}
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.update(NO_STORE)
        return response

    def forbidden(self, request: Request, reason: str) -> Response:
        """The 403 page, with the server's reason."""
        context = {
            "heading": "Not allowed",
            "reason": "Your account may not do this, so nothing was done.",
            "advice": f"The server's reason: {reason}",
        }
        return self.render(request, "forbidden.html", context, status=403)

    def viewing(
        self, request: Request, build: Build, *, missing: str = "No such record"
    ) -> Response:
        """A page for a signed-in user who may view records, on the first agreement loaded."""
        session = auth.require_viewer(request)
        if not session.can(Action.VIEW_RECORD, session.user.party):
            return self.forbidden(request, f"{session.user.username} may not view records")
        try:
            geo = self.app.geography()
        except NotFoundError as error:
            return self.render(request, "no_agreement.html", {"reason": str(error)}, status=404)
        try:
            return build(session, geo)
        except (PermissionDenied, Refused) as refused:
            return self.forbidden(request, str(refused))
        except NotFoundError as error:
            context = {"heading": missing, "reason": sentence(error), "advice": ""}
            return self.render(request, "forbidden.html", context, status=404)


def submit(
    kit: PageKit,
    request: Request,
    act: Act,
    *,
    again: Again,
    done: Callable[[], Response],
    missing: str = "No such record",
) -> Response:
    """Run a form's command: success answers `done()` (a redirect); a bad value or a conflict
    shows the page again (`again`) with the field and the reason, having written nothing."""

    def build(session: auth.WebSession, geo: Geography) -> Response:
        try:
            act(session, geo)
        except (InputError, ConflictError) as error:
            status = 409 if isinstance(error, ConflictError) else 400
            return again(session, geo, error, status)
        return done()

    return kit.viewing(request, build, missing=missing)


def common(geo: Geography) -> dict[str, Any]:
    """What every feature page shows of the agreement: its parties, zones and API base."""
    agreement = geo.agreement
    return {
        "agreement": agreement,
        "api_base": f"/api/agreements/{agreement.id}",
        "parties": [(p.id, p.short_name or p.name) for p in agreement.parties],
        "zones": [(z.id, z.name) for z in agreement.zones],
    }
