"""The roster and the hotline: who is on duty where, and the messages between the sides."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["roster"])
