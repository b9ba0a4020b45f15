"""Fixtures shared by every test: databases on both engines, the example pack, a CLI runner."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from truceline.packs import example_pack_path

POSTGRES_ENV = "TRUCELINE_TEST_POSTGRES_URL"


def pytest_configure(config: pytest.Config) -> None:
    """Rich tables as wide as a wide terminal, wherever the tests run.

    Without a terminal (an xdist worker, CI) Rich lays tables out in 80
    columns and cuts cells the CLI tests look for; it reads COLUMNS instead.
    """
    os.environ["COLUMNS"] = "200"


@pytest.fixture
def example_pack() -> Path:
    """The bundled Idlib M4 pack."""
    return example_pack_path("idlib-m4")


def _postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        reason = (
            f"PostgreSQL tests need {POSTGRES_ENV} (scripts/test.sh starts a throwaway "
            "PostgreSQL 15 + PostGIS cluster and sets it)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run them", pytrace=False)
        pytest.skip(f"NOT TESTED ON POSTGRESQL: {reason}")
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database with PostGIS, dropped afterwards."""
    admin_url = make_url(_postgres_admin_url()).set(drivername="postgresql+psycopg")
    name = f"truceline_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each supported engine: a SQLite file, and PostgreSQL + PostGIS."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'truceline.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
