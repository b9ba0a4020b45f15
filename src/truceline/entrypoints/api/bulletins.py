"""Bulletins as JSON: the same value the bulletin page and PDF are rendered from."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder

from truceline.entrypoints.api.deps import AppDep, TokenUser
from truceline.entrypoints.web.bulletin_pages import bulletin_day
from truceline.services.bulletins import build_bulletin

router = APIRouter(prefix="/api/agreements/{agreement_id}/bulletins", tags=["bulletins"])


@router.get("/{cadence}/{day}")
def bulletin(
    agreement_id: str, cadence: str, day: str, app: AppDep, _user: TokenUser
) -> dict[str, Any]:
    """The bulletin of the period holding `day` (`daily` or `weekly`), as data (scope `read`).

    Its page is `/bulletins/{cadence}/{day}` and its PDF the same path ending in `.pdf`.
    """
    chosen, date, _ = bulletin_day(cadence, day)
    found = build_bulletin(app.uow, app.geography(agreement_id), chosen, date)
    data = asdict(found)
    data["period"]["label"] = found.period.label
    data["previous"]["label"] = found.previous.label
    encoded: dict[str, Any] = jsonable_encoder(data)
    return encoded
