"""Dependencies shared by the routers, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from truceline.bootstrap import App
from truceline.services.geography import Geography


def get_app(request: Request) -> App:
    """The composed application stored on the FastAPI state."""
    app = request.app.state.truceline
    assert isinstance(app, App)
    return app


AppDep = Annotated[App, Depends(get_app)]


def get_geography(agreement_id: str, app: AppDep) -> Geography:
    """The geography of the agreement named in the path."""
    return app.geography(agreement_id)


GeographyDep = Annotated[Geography, Depends(get_geography)]
