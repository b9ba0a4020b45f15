"""Access restrictions and observations that bear on provisions."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["observations"])
