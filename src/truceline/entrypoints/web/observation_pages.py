"""Access restrictions and observations: lists with counts per zone and period, and forms."""

from __future__ import annotations

from fastapi import FastAPI

from truceline.bootstrap import App


def mount(api: FastAPI, app: App) -> None:
    """Add the restriction and observation pages (after pages.mount)."""
