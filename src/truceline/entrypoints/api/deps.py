"""Dependencies shared by the routers, as Annotated aliases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from truceline.bootstrap import App
from truceline.domain.accounts import Actor, User
from truceline.domain.errors import AuthenticationError, PermissionDenied
from truceline.services import accounts
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


bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description="An API token (`truceline tokens create`): `Authorization: Bearer tl_...`.",
)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def token_user_with(scope: str) -> Callable[[AppDep, BearerDep], User]:
    """A dependency: the user of the request's API token, which must carry `scope`."""

    def token_user(app: AppDep, credentials: BearerDep) -> User:
        if credentials is None:
            raise AuthenticationError("give an API token: Authorization: Bearer <token>")
        found = accounts.token_lookup(app.uow(), credentials.credentials, app.now())
        if found is None:
            raise AuthenticationError("the API token is unknown or revoked, or its user disabled")
        user, token = found
        if scope not in token.scopes:
            raise PermissionDenied(f"this API token lacks the {scope!r} scope")
        return user

    return token_user


#: The user of a token with the `read` scope.
TokenUser = Annotated[User, Depends(token_user_with("read"))]
#: The user of a token with the `write` scope.
WritingUser = Annotated[User, Depends(token_user_with("write"))]


def current_actor(user: TokenUser) -> Actor:
    """Who is acting: the user of the request's API token."""
    return Actor.of(user)


CurrentActor = Annotated[Actor, Depends(current_actor)]
