"""Settings, read from the environment (TRUCELINE_*) or given in code; never at import time."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///truceline.db"


class Settings(BaseSettings):
    """Everything the application needs to start."""

    model_config = SettingsConfigDict(env_prefix="TRUCELINE_", extra="forbid", frozen=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the database; a SQLite file by default.",
    )
    example: str | None = Field(
        default=None,
        description=(
            "Name of a bundled example pack to load at start (unchanged if already loaded); "
            "ignored when `pack` is set."
        ),
    )
    pack: Path | None = Field(
        default=None, description="Directory of an agreement pack to load at start."
    )
    node_modules: Path | None = Field(
        default=None,
        description="Folder where `npm ci` put Leaflet and htmx (default: next to the project).",
    )
    host: str = Field(default="127.0.0.1", description="Address `truceline serve` listens on.")
    port: int = Field(
        default=8000, ge=1, le=65535, description="Port `truceline serve` listens on."
    )
