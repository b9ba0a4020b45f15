"""Settings, read from the environment (TRUCELINE_*) or given in code; never at import time."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///truceline.db"
DEFAULT_LOG_KEY = Path("var/log.key")
DEFAULT_LOG_ORIGIN = "truceline.local/ledger"


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
            "Name of a bundled example pack to load at start (unchanged if already loaded, "
            "replaced when this version of Truceline bundles a changed one); "
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
    log_key: Path = Field(
        default=DEFAULT_LOG_KEY,
        description=(
            "The log's Ed25519 private key (PEM, mode 0600); generated on first start "
            "when missing, with a warning."
        ),
    )
    log_origin: str = Field(
        default=DEFAULT_LOG_ORIGIN,
        min_length=1,
        description="The log's origin: the first line of its checkpoints and its key name.",
    )
    duplicate_km: float = Field(
        default=5.0,
        ge=0,
        le=100,
        description="Incidents at most this far apart (km) may be proposed as duplicates.",
    )
    duplicate_days: int = Field(
        default=2,
        ge=0,
        le=60,
        description="Incidents at most this many days apart may be proposed as duplicates.",
    )
    duplicate_text_similarity: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="The least text similarity (0-1) of two possible duplicates with text.",
    )
    checkpoint_interval_s: int = Field(
        default=300,
        ge=0,
        description="Seconds between checkpoints published by `truceline serve`; 0 disables.",
    )
    hotline_sweep_s: int = Field(
        default=60,
        ge=0,
        description="Seconds between `truceline serve`'s escalations of overdue urgent hotline "
        "messages; 0 disables.",
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed logins within `login_window_s` that lock a username.",
    )
    login_window_s: int = Field(
        default=900, ge=1, description="Seconds over which failed logins of a username count."
    )
    login_lockout_s: int = Field(
        default=900, ge=1, description="Seconds a username stays locked after too many failures."
    )
    login_source_max_failures: int = Field(
        default=20,
        ge=1,
        description="Failed logins from one address within `login_window_s` before it is refused.",
    )
    session_lifetime_s: int = Field(
        default=43200, ge=60, description="Seconds a browser session lasts at most."
    )
    session_idle_s: int = Field(
        default=3600, ge=60, description="Seconds without a request after which a session ends."
    )
