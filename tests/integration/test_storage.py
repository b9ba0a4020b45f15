"""Loading packs into a real database, SQLite and PostgreSQL + PostGIS alike."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import shapely
from alembic import command
from alembic.config import Config
from sqlalchemy import func, inspect, select, text

from tests.geometries import known_points
from tests.packs import copy_example, edit_text
from truceline.adapters.db import tables as t
from truceline.adapters.db.agreements import AgreementRepository
from truceline.adapters.db.engine import make_engine
from truceline.adapters.db.migrate import MIGRATIONS
from truceline.adapters.packs import read_pack
from truceline.bootstrap import bootstrap
from truceline.domain.agreements import BreachRule, Mechanism
from truceline.domain.errors import ConflictError, PackError
from truceline.domain.event_types import Family, MonitoringKind
from truceline.services.agreements import LoadPack, LoadStatus, get_agreement, list_agreements
from truceline.settings import Settings


def fixed_now() -> datetime:
    return datetime(2020, 9, 2, 12, 0, tzinfo=UTC)


def row_counts(url: str) -> dict[str, int]:
    app = bootstrap(Settings(database_url=url))
    try:
        with app.engine.connect() as conn:
            return {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (t.agreements, t.parties, t.provisions, t.routes, t.zones, t.places)
            }
    finally:
        app.close()


def test_an_agreement_comes_back_from_the_database_as_it_was_read(
    database_url: str, example_pack: Path
) -> None:
    app = bootstrap(Settings(database_url=database_url))
    app.now = fixed_now
    try:
        result = app.load(LoadPack(example_pack))
        stored = get_agreement(app.uow(), "idlib-m4")
    finally:
        app.close()
    original = read_pack(example_pack)
    assert result.status is LoadStatus.INSERTED
    assert stored.parties == original.parties
    assert stored.provisions == original.provisions
    assert stored.documents == original.documents
    assert stored.places == original.places
    assert stored.mechanism == original.mechanism
    assert [r.vertices for r in stored.routes] == [r.vertices for r in original.routes]
    for mine, theirs in zip(stored.zones, original.zones, strict=True):
        assert (mine.id, mine.responsible_party, mine.derivation) == (
            theirs.id,
            theirs.responsible_party,
            theirs.derivation,
        )
        assert shapely.equals_exact(mine.geometry, theirs.geometry, tolerance=1e-9)


def test_loading_the_same_pack_twice_changes_nothing(database_url: str, example_pack: Path) -> None:
    app = bootstrap(Settings(database_url=database_url))
    try:
        app.load(LoadPack(example_pack))
        again = app.load(LoadPack(example_pack))
    finally:
        app.close()
    assert again.status is LoadStatus.UNCHANGED
    assert row_counts(database_url)["agreements"] == 1


def test_a_changed_pack_under_the_same_id_is_refused_unless_replacing(
    database_url: str, example_pack: Path, tmp_path: Path
) -> None:
    changed = copy_example(tmp_path)
    edit_text(changed, "agreement.yaml", "width_km: 6, side: north", "width_km: 5, side: north")
    app = bootstrap(Settings(database_url=database_url))
    try:
        app.load(LoadPack(example_pack))
        before = get_agreement(app.uow(), "idlib-m4").zone("corridor-north").geometry.area
        with pytest.raises(ConflictError, match="--replace"):
            app.load(LoadPack(changed))
        assert get_agreement(app.uow(), "idlib-m4").zone("corridor-north").geometry.area == before
        result = app.load(LoadPack(changed, replace=True))
        after = get_agreement(app.uow(), "idlib-m4").zone("corridor-north").geometry.area
        loaded = list_agreements(app.uow())
    finally:
        app.close()
    assert result.status is LoadStatus.UPDATED
    assert after < before
    assert [a.id for a in loaded] == ["idlib-m4"]


def test_a_malformed_pack_writes_nothing(database_url: str, tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "obligated: [ru, tr]", "obligated: [ru, nobody]")
    app = bootstrap(Settings(database_url=database_url))
    try:
        with pytest.raises(PackError):
            app.load(LoadPack(pack))
    finally:
        app.close()
    assert set(row_counts(database_url).values()) == {0}


def test_a_failure_while_writing_leaves_no_partial_agreement(
    database_url: str, example_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from truceline.adapters.db.agreements import AgreementRepository

    original_insert = AgreementRepository._insert

    def failing_insert(
        self: AgreementRepository, table: object, agreement_id: str, rows: list[dict[str, object]]
    ) -> None:
        if table is t.places:
            raise RuntimeError("disk full")
        original_insert(self, table, agreement_id, rows)

    monkeypatch.setattr(AgreementRepository, "_insert", failing_insert)
    app = bootstrap(Settings(database_url=database_url))
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            app.load(LoadPack(example_pack))
    finally:
        app.close()
    assert set(row_counts(database_url).values()) == {0}


@pytest.mark.postgres
def test_postgis_holds_the_zones_as_geometry_and_agrees_on_the_known_points(
    postgres_url: str, example_pack: Path
) -> None:
    app = bootstrap(Settings(database_url=postgres_url))
    try:
        app.load(LoadPack(example_pack))
        with app.engine.connect() as conn:
            for point in known_points():
                zones = (
                    conn.execute(
                        text(
                            "SELECT id FROM zones "
                            "WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
                        ),
                        {"lon": point.lon, "lat": point.lat},
                    )
                    .scalars()
                    .all()
                )
                assert zones == ([point.zone] if point.zone else []), point.name
            near = conn.execute(
                text(
                    "SELECT id FROM places "
                    "ORDER BY geom <-> ST_SetSRID(ST_MakePoint(36.80, 35.86), 4326) LIMIT 1"
                )
            ).scalar_one()
    finally:
        app.close()
    assert near == "saraqib"


def test_migrations_can_run_again_on_a_migrated_database(database_url: str) -> None:
    bootstrap(Settings(database_url=database_url)).close()
    bootstrap(Settings(database_url=database_url)).close()
    assert row_counts(database_url)["agreements"] == 0


def test_breach_rules_come_back_from_the_database_as_they_were_read(
    database_url: str, tmp_path: Path
) -> None:
    pack = copy_example(tmp_path)
    source = 'source: {document: sochi-2018, section: "point 6"}'
    edit_text(
        pack,
        "agreement.yaml",
        source,
        f"{source}\n    breached_by:"
        "\n      - {families: [violent, strategic], event_types: [Battles, Strategic developments],"
        " sub_event_types: [Armed clash, Other], monitoring: [heavy_weapon_sighting],"
        " zones: [corridor-south], after: deadline}"
        "\n      - {monitoring: [access_restriction], zones: []}",
    )
    app = bootstrap(Settings(database_url=database_url))
    try:
        app.load(LoadPack(pack))
        stored = get_agreement(app.uow(), "idlib-m4")
    finally:
        app.close()
    original = read_pack(pack)
    assert stored.provisions == original.provisions
    rules = {p.id: p.breached_by for p in stored.provisions}
    assert rules["sochi-6-heavy-weapons-out"] == (
        BreachRule(
            families=(Family.VIOLENT, Family.STRATEGIC),
            event_types=("Battles", "Strategic developments"),
            sub_event_types=("Armed clash", "Other"),
            monitoring=(MonitoringKind.HEAVY_WEAPON_SIGHTING,),
            zones=("corridor-south",),
            after="deadline",
        ),
        BreachRule(monitoring=(MonitoringKind.ACCESS_RESTRICTION,), zones=()),
    )
    assert rules["moscow-1-ceasefire"] == (BreachRule(families=(Family.VIOLENT,), zones=None),)
    assert rules["sochi-1-de-escalation-area"] == ()


def test_a_pack_whose_only_change_is_a_breach_rule_is_a_changed_pack(
    database_url: str, example_pack: Path, tmp_path: Path
) -> None:
    changed = copy_example(tmp_path)
    edit_text(changed, "agreement.yaml", "families: [violent]", "families: [violent, strategic]")
    app = bootstrap(Settings(database_url=database_url))
    try:
        app.load(LoadPack(example_pack))
        with pytest.raises(ConflictError, match="--replace"):
            app.load(LoadPack(changed))
        result = app.load(LoadPack(changed, replace=True))
        ceasefire = next(
            p for p in get_agreement(app.uow()).provisions if p.id == "moscow-1-ceasefire"
        )
    finally:
        app.close()
    assert result.status is LoadStatus.UPDATED
    assert ceasefire.breached_by == (BreachRule(families=(Family.VIOLENT, Family.STRATEGIC)),)


def test_the_breach_rules_migration_gives_stored_provisions_no_rules(database_url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0003")
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
                    " source_section) VALUES ('a', 'p', 0, 'P', 'ceasefire', '[]',"
                    " '2020-01-01 00:00:00+00:00', NULL, '[]', 'V', 'doc', '1')"
                )
            )
            command.upgrade(config, "0004")
            rules = conn.execute(select(t.provisions.c.breached_by)).scalar_one()
            command.downgrade(config, "0003")
            columns = {c["name"] for c in inspect(conn).get_columns("provisions")}
    finally:
        engine.dispose()
    assert rules == []
    assert "breached_by" not in columns
    assert "source_section" in columns


def test_agreements_stored_before_the_mechanism_existed_get_its_defaults(
    database_url: str,
) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0005")
            conn.execute(
                text(
                    "INSERT INTO agreements (id, title, summary, format_version, crs, timezone,"
                    " digest, documents, attribution, loaded_at) VALUES ('a', 'A', '', 1,"
                    " 'EPSG:32637', 'UTC', 'd', '[]', '[]', '2020-01-01 00:00:00+00:00')"
                )
            )
            command.upgrade(config, "head")
            stored = AgreementRepository(conn).get("a")
            command.downgrade(config, "0005")
            columns = {c["name"] for c in inspect(conn).get_columns("agreements")}
    finally:
        engine.dispose()
    assert stored.mechanism == Mechanism()
    assert "mechanism" not in columns
