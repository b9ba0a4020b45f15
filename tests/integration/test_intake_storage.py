"""The intake's tables: made by migration 0007 and removed by its downgrade, and the registry."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from truceline.adapters.db.engine import make_engine
from truceline.adapters.db.intake import IntakeRepository
from truceline.adapters.db.migrate import MIGRATIONS
from truceline.domain.intake import SourceGrade
from truceline.domain.reports import AdmiraltyGrade

TABLES = {"intake_documents", "intake_candidates", "intake_sources"}


def test_migration_0007_makes_the_intake_tables_and_its_downgrade_removes_them(
    database_url: str,
) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0007")
            made = set(inspect(conn).get_table_names())
            repository = IntakeRepository(conn)
            at = datetime(2020, 9, 7, tzinfo=UTC)
            repository.put_source(SourceGrade("example.org", AdmiraltyGrade("B", 2), updated_at=at))
            repository.put_source(SourceGrade("example.org", AdmiraltyGrade("C", 3), name="Ex"))
            [entry] = repository.sources()
            command.downgrade(config, "0006")
            left = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert made >= TABLES
    assert (entry.site, str(entry.grade), entry.name) == ("example.org", "C3", "Ex")
    assert not left & TABLES
