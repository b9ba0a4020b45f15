"""The roster page and the hotline: who is on duty in each zone, messages and acknowledgements."""

from __future__ import annotations

from fastapi import FastAPI

from truceline.bootstrap import App


def mount(api: FastAPI, app: App) -> None:
    """Add the roster and hotline pages (after pages.mount, which serves their static files)."""
