"""Imports and exports through storage: the real UCDP file, ACLED rows, manifests, rejects."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.incident_support import Clock, make_app
from tests.unit.test_interchange_acled import as_csv, generated_rows
from truceline.adapters.interchange import RejectedRow
from truceline.adapters.interchange.acled import ACLED_COLUMNS, iter_acled
from truceline.adapters.interchange.ucdp import UCDP_COLUMNS, iter_ucdp
from truceline.bootstrap import App
from truceline.domain.accounts import Actor, Role
from truceline.domain.errors import PermissionDenied
from truceline.services.authorship import ServerSigned
from truceline.services.incident_exchange import (
    ExportFormat,
    ImportFormat,
    ImportOutcome,
    export_incidents,
    file_digest,
    import_rows,
)
from truceline.services.incident_queries import incident_view, list_incidents
from truceline.services.incident_store import IncidentFilter
from truceline.services.ledger import entries_page

UCDP_FILE = Path(__file__).resolve().parents[1] / "data" / "ucdp-ged-syria.csv.gz"
RECEIVED = datetime(2020, 1, 10, tzinfo=UTC)
NOW = datetime(2021, 1, 1, 12, 0, tzinfo=UTC)
ANALYST = Actor("usr_analyst", "analyst", "monitor", Role.ANALYST)


@pytest.fixture
def app(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[App]:
    application = make_app(database_url, tmp_path, example_pack, Clock(NOW))
    try:
        yield application
    finally:
        application.close()


def log_size(app: App) -> int:
    return entries_page(app.uow(), 0, 1).size


def import_ucdp(app: App, **options: object) -> ImportOutcome:
    with UCDP_FILE.open("rb") as raw:
        digest = file_digest(raw)
    with gzip.open(UCDP_FILE, "rt", newline="", encoding="utf-8") as stream:
        rows = iter_ucdp(stream, entered_by="operator", received_at=RECEIVED)
        return import_rows(
            app.uow(),
            Actor.operator(),
            ServerSigned(app.log.signer),
            app.enricher(),
            rows,
            fmt=ImportFormat.UCDP,
            file_name=UCDP_FILE.name,
            file_sha256=digest,
            at=app.now(),
            now=app.now,
            **options,  # type: ignore[arg-type]
        )


def import_acled(app: App, text: str, **options: object) -> ImportOutcome:
    digest = hashlib.sha256(text.encode()).hexdigest()
    rows = iter_acled(io.StringIO(text), entered_by="operator", received_at=RECEIVED)
    return import_rows(
        app.uow(),
        Actor.operator(),
        ServerSigned(app.log.signer),
        app.enricher(),
        rows,
        fmt=ImportFormat.ACLED,
        file_name="acled.csv",
        file_sha256=digest,
        at=app.now(),
        now=app.now,
        **options,  # type: ignore[arg-type]
    )


def export(app: App, fmt: ExportFormat, **filters: object) -> tuple[str, dict[str, object]]:
    out = io.StringIO()
    where = IncidentFilter("idlib-m4", **filters)  # type: ignore[arg-type]
    manifest = export_incidents(app.uow(), ANALYST, where, fmt, out, app.now())
    return out.getvalue(), json.loads(manifest.to_json())


def test_the_real_ucdp_file_imports_reimports_unchanged_and_exports_back(app: App) -> None:
    progress: list[int] = []
    before = log_size(app)
    first = import_ucdp(app, progress=lambda counts: progress.append(counts.rows))
    assert first.committed
    assert (first.counts.inserted, first.counts.rejected) == (16566, 0)
    assert progress[-1] == 16566
    assert len(progress) >= 4
    assert log_size(app) == before + 1
    again = import_ucdp(app)
    assert not again.committed
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 16566)
    assert log_size(app) == before + 1

    text, manifest = export(app, ExportFormat.UCDP)
    assert manifest["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    exported = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert manifest["count"] == len(exported) == 16566
    with gzip.open(UCDP_FILE, "rt", newline="", encoding="utf-8") as stream:
        original = {row["id"]: row for row in csv.DictReader(stream)}
    kept = ("date_start", "date_end", "date_prec", "where_prec", "type_of_violence", "best")
    kept += ("side_a", "side_b", "adm_1", "adm_2", "deaths_a", "deaths_civilians")
    for key, row in original.items():
        for column in kept:
            assert exported[key][column] == row[column], (key, column)
        assert float(exported[key]["latitude"]) == pytest.approx(float(row["latitude"]))
    assert set(UCDP_COLUMNS) <= set(next(iter(exported.values())))


def test_acled_to_truceline_to_acled_through_storage_keeps_every_modelled_column(
    app: App,
) -> None:
    rows = generated_rows(120)
    outcome = import_acled(app, as_csv(rows))
    assert outcome.counts.inserted == 120
    text, manifest = export(app, ExportFormat.ACLED)
    back = {row["event_id_cnty"]: row for row in csv.DictReader(io.StringIO(text))}
    assert manifest["count"] == 120
    for row in rows:
        for column in ACLED_COLUMNS:
            if column == "source_scale":
                continue
            assert back[row["event_id_cnty"]][column] == row[column], column
    assert import_acled(app, as_csv(rows)).counts.unchanged == 120


def test_a_file_with_a_bad_row_writes_nothing_unless_partial(app: App) -> None:
    rows = generated_rows(30)
    rows[7]["latitude"] = "north"
    rows[12]["sub_event_type"] = "Tea party"
    rows[20]["event_date"] = "2030-01-01"
    rows[20]["year"] = "2030"
    text = as_csv(rows)
    rejects: list[RejectedRow] = []
    before = log_size(app)
    outcome = import_acled(app, text, on_reject=rejects.append)
    assert not outcome.committed
    assert outcome.counts.rejected == 3
    # Each row's notes span two lines, so row n starts on line 2 + 2n.
    assert [r.line for r in rejects] == [16, 26, 42]
    assert [p.field for r in rejects for p in r.problems][:2] == ["latitude", "sub_event_type"]
    assert log_size(app) == before
    listed = list_incidents(app.uow(), app.enricher().agreement, IncidentFilter("idlib-m4"))
    assert listed.items == []
    partial = import_acled(app, text, partial=True)
    assert partial.committed
    assert (partial.counts.inserted, partial.counts.rejected) == (27, 3)


def test_a_changed_row_updates_its_incident_and_keeps_the_old_report(app: App) -> None:
    rows = generated_rows(5)
    import_acled(app, as_csv(rows))
    rows[2]["fatalities"] = "40"
    rows[2]["notes"] = "Revised: 40 killed."
    outcome = import_acled(app, as_csv(rows))
    assert (outcome.counts.updated, outcome.counts.unchanged) == (1, 4)
    view = incident_view(
        app.uow(), app.enricher().agreement, f"inc_acled-{rows[2]['event_id_cnty']}"
    )
    assert view.record.incident.fatalities.best == 40
    assert len(view.reports) == 2
    assert [str(e.action) for e in view.record.incident.history] == ["imported", "updated"]


def test_exports_carry_a_manifest_and_follow_the_filters(app: App) -> None:
    import_acled(app, as_csv(generated_rows(60)))
    text, manifest = export(app, ExportFormat.GEOJSON, event_type="Battles")
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    assert manifest["count"] == len(collection["features"]) > 0
    assert manifest["filters"] == {"agreement_id": "idlib-m4", "event_type": "Battles"}
    assert manifest["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert {f["properties"]["event_type"] for f in collection["features"]} == {"Battles"}
    feature = collection["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["reports"]
    data, manifest = export(app, ExportFormat.JSON)
    assert len(json.loads(data)["incidents"]) == manifest["count"] == 60


def test_only_an_administrator_imports_and_a_zone_officer_does_not_export(app: App) -> None:
    officer = Actor("usr_zo", "zo", "ru", Role.ZONE_OFFICER)
    with pytest.raises(PermissionDenied):
        export_incidents(
            app.uow(), officer, IncidentFilter("idlib-m4"), ExportFormat.JSON, io.StringIO(), NOW
        )
    rows = iter_acled(io.StringIO(as_csv(generated_rows(2))), entered_by="x", received_at=RECEIVED)
    with pytest.raises(PermissionDenied):
        import_rows(
            app.uow(),
            ANALYST,
            ServerSigned(app.log.signer),
            app.enricher(),
            rows,
            fmt=ImportFormat.ACLED,
            file_name="a.csv",
            file_sha256="0" * 64,
            at=NOW,
            now=lambda: NOW,
        )
