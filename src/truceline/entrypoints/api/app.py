"""The FastAPI application: API routers, web pages, static assets and error handlers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from truceline import __version__
from truceline.bootstrap import App
from truceline.domain.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    NotFoundError,
    PackError,
    PermissionDenied,
    TrucelineError,
)
from truceline.entrypoints.api import (
    accounts,
    agreements,
    assessments,
    bulletins,
    exchange,
    geography,
    incidents,
    intake,
    ledger,
    observations,
    patrols,
    roster,
    statements,
)
from truceline.entrypoints.api.schemas import ErrorItem, ErrorOut
from truceline.entrypoints.web import (
    assessment_pages,
    bulletin_pages,
    incident_pages,
    intake_pages,
    observation_pages,
    pages,
    patrol_pages,
    roster_pages,
    statement_pages,
)


def create_app(app: App) -> FastAPI:
    """The ASGI application serving `app`."""
    api = FastAPI(
        title="Truceline",
        version=__version__,
        description=(
            "Agreements, zones, routes and places of a ceasefire. "
            "GeoJSON is WGS 84, longitude first."
        ),
        responses={
            404: {"model": ErrorOut, "description": "No such record."},
            422: {"model": ErrorOut, "description": "Bad input: each field and the reason."},
        },
    )
    api.state.truceline = app
    api.include_router(agreements.router)
    api.include_router(geography.router)
    api.include_router(ledger.router)
    api.include_router(accounts.router)
    api.include_router(incidents.router)
    api.include_router(intake.router)
    api.include_router(intake.sources_router)
    api.include_router(exchange.router)
    api.include_router(patrols.router)
    api.include_router(roster.router)
    api.include_router(observations.router)
    api.include_router(statements.router)
    api.include_router(assessments.router)
    api.include_router(bulletins.router)
    pages.mount(api, app)
    incident_pages.mount(api, app)
    intake_pages.mount(api, app)
    patrol_pages.mount(api, app)
    roster_pages.mount(api, app)
    observation_pages.mount(api, app)
    statement_pages.mount(api, app)
    assessment_pages.mount(api, app)
    bulletin_pages.mount(api, app)
    api.add_exception_handler(RequestValidationError, validation_error)
    api.add_exception_handler(TrucelineError, truceline_error)
    api.add_exception_handler(StarletteHTTPException, http_error)
    return api


def errors(status: int, items: list[ErrorItem]) -> JSONResponse:
    return JSONResponse(status_code=status, content=ErrorOut(errors=items).model_dump())


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """422 with each invalid field as a dotted path and the reason."""
    assert isinstance(exc, RequestValidationError)
    items = []
    for error in exc.errors():
        loc = [p for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        field = (
            "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
            or "request"
        )
        items.append(ErrorItem(field=field, reason=str(error.get("msg", "invalid"))))
    return errors(422, items)


async def truceline_error(_request: Request, exc: Exception) -> JSONResponse:
    """Domain errors as 4xx JSON naming the field (or record) and the reason."""
    if isinstance(exc, InputError):
        return errors(422, [ErrorItem(field=exc.field, reason=exc.reason)])
    if isinstance(exc, NotFoundError):
        return errors(404, [ErrorItem(field="path", reason=str(exc))])
    if isinstance(exc, ConflictError):
        return errors(409, [ErrorItem(field="request", reason=str(exc))])
    if isinstance(exc, AuthenticationError):
        response = errors(401, [ErrorItem(field="authorization", reason=str(exc))])
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if isinstance(exc, PermissionDenied):
        return errors(403, [ErrorItem(field="request", reason=str(exc))])
    if isinstance(exc, PackError):
        return errors(
            400, [ErrorItem(field=f"{p.file}:{p.location}", reason=p.reason) for p in exc.problems]
        )
    return errors(400, [ErrorItem(field="request", reason=str(exc))])


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    """Unknown paths and methods in the same error shape as every other error."""
    assert isinstance(exc, StarletteHTTPException)
    response = errors(exc.status_code, [ErrorItem(field="path", reason=str(exc.detail))])
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response
