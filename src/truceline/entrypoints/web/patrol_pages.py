"""Patrol pages: the calendar and list, one patrol with its route, track and timeline, forms."""

from __future__ import annotations

from fastapi import FastAPI

from truceline.bootstrap import App


def mount(api: FastAPI, app: App) -> None:
    """Add the patrol pages (after pages.mount, which serves their static files)."""
