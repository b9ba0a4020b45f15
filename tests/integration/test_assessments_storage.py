"""Assessment rules in storage: stored with the provision, and the migration that adds them."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from truceline.adapters.db.agreements import AgreementRepository
from truceline.adapters.db.engine import make_engine
from truceline.adapters.db.migrate import MIGRATIONS
from truceline.adapters.packs import read_pack
from truceline.bootstrap import bootstrap
from truceline.settings import Settings


def test_each_provisions_rule_is_stored_and_read_back_as_the_pack_declares_it(
    database_url: str, tmp_path: Path, example_pack: Path
) -> None:
    app = bootstrap(
        Settings(database_url=database_url, example="idlib-m4", log_key=tmp_path / "log.key")
    )
    try:
        stored = app.geography().agreement
    finally:
        app.close()
    declared = read_pack(example_pack)
    assert [p.assessed_by for p in stored.provisions] == [
        p.assessed_by for p in declared.provisions
    ]
    assert sum(1 for p in stored.provisions if p.assessed_by is not None) == 5


def test_provisions_stored_before_assessment_rules_existed_have_none(database_url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0007")
            conn.execute(
                text(
                    "INSERT INTO agreements (id, title, summary, format_version, crs, timezone,"
                    " digest, documents, attribution, loaded_at) VALUES ('a', 'A', '', 1,"
                    " 'EPSG:32637', 'UTC', 'd', '[]', '[]', '2020-01-01 00:00:00+00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO provisions (agreement_id, id, position, text, category,"
                    " obligated, effective, deadline, zones, verification, source_document,"
                    " source_section) VALUES ('a', 'p', 0, 'T', 'ceasefire', '[\"x\"]',"
                    " '2020-01-01 00:00:00+00:00', NULL, '[]', 'V', 'd', 's')"
                )
            )
            command.upgrade(config, "0008")
            [provision] = AgreementRepository(conn).get("a").provisions
            command.downgrade(config, "0007")
            columns = {c["name"] for c in inspect(conn).get_columns("provisions")}
    finally:
        engine.dispose()
    assert provision.assessed_by is None
    assert "assessed_by" not in columns
