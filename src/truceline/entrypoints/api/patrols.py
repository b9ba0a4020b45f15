"""Joint patrols: plan, notice and acknowledgement, execution, outcome, statistics."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["patrols"])
