"""The caller's own account: who am I, and registering a key kept on the caller's machine."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from truceline.adapters.signing import key_id_of
from truceline.domain.accounts import User
from truceline.domain.errors import InputError
from truceline.entrypoints.api.deps import AppDep, TokenUser, WritingUser
from truceline.entrypoints.api.schemas import ErrorOut
from truceline.services import accounts

router = APIRouter(
    prefix="/api/me",
    tags=["accounts"],
    responses={
        401: {"model": ErrorOut, "description": "No API token, or not a valid one."},
        403: {"model": ErrorOut, "description": "The token lacks the scope the route needs."},
    },
)


class MeOut(BaseModel):
    """A user as the API shows them: never a password, hash or private key."""

    model_config = ConfigDict(frozen=True)

    id: str
    username: str
    display_name: str
    party: str | None = Field(description="Party id; `monitor` for monitors; null for admins.")
    role: str
    public_key: str | None = Field(description="The Ed25519 public key, base64.")
    key_id: str | None = Field(description="First 16 hex digits of the key's SHA-256.")
    created_at: datetime


class KeyRegistrationIn(BaseModel):
    """A `user.key_registered` event body signed on the caller's machine."""

    model_config = ConfigDict(extra="forbid")

    event: dict[str, Any] = Field(
        description="The event body to log, exactly as `Event.body()` writes it."
    )
    signature: str = Field(max_length=200, description="Ed25519 signature (base64).")
    signed_with: str = Field(
        max_length=200,
        description="The public key (base64) that signed: one already registered for the caller.",
    )


def me_out(user: User) -> MeOut:
    key = user.public_key
    return MeOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        party=user.party,
        role=str(user.role),
        public_key=None if key is None else base64.b64encode(key).decode("ascii"),
        key_id=None if key is None else key_id_of(key),
        created_at=user.created_at,
    )


def decode(text: str, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(field, "not valid base64") from None


@router.get("", response_model=MeOut)
def me(user: TokenUser) -> MeOut:
    """The account of the API token's user (scope `read`)."""
    return me_out(user)


@router.post("/key", response_model=MeOut)
def register_key(body: KeyRegistrationIn, user: WritingUser, app: AppDep) -> MeOut:
    """Register a new public key with a `user.key_registered` body signed by a current key."""
    updated = accounts.register_signed_key(
        app.uow(),
        user,
        body.event,
        decode(body.signature, "signature"),
        decode(body.signed_with, "signed_with"),
        now=app.now,
    )
    return me_out(updated)
