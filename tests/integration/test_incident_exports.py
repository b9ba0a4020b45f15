"""Exports over HTTP (zip with manifest) and import/export on the command line."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.incident_support import Clock, add_officer, make_app
from tests.unit.test_interchange_acled import as_csv, generated_rows
from truceline.bootstrap import App
from truceline.domain.accounts import Actor, Role
from truceline.entrypoints.api.app import create_app
from truceline.entrypoints.cli import cli
from truceline.services import accounts
from truceline.services.incident_queries import list_incidents
from truceline.services.incident_store import IncidentFilter
from truceline.services.ledger import entries_page

NOW = datetime(2021, 1, 1, 12, 0, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture
def app(
    database_url: str, tmp_path: Path, example_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[App]:
    monkeypatch.setenv("TRUCELINE_LOG_KEY", str(tmp_path / "log.key"))
    application = make_app(database_url, tmp_path, example_pack, Clock(NOW))
    try:
        yield application
    finally:
        application.close()


def token_for(app: App, username: str, role: Role, party: str | None) -> str:
    officer = add_officer(app, username, role, party)
    _, secret = accounts.create_token(
        accounts.CreateToken(officer.actor.user_id, "test", ("read",)),
        app.uow(),
        Actor.operator(),
        app.log.signer,
    )
    return secret


def test_the_cli_imports_a_file_and_the_api_exports_it_zipped_with_its_manifest(
    app: App, tmp_path: Path
) -> None:
    rows = generated_rows(40)
    source = tmp_path / "acled.csv"
    source.write_text(as_csv(rows), encoding="utf-8")
    result = runner.invoke(
        cli, ["incidents", "import", str(source), "--db", app.settings.database_url]
    )
    assert result.exit_code == 0, result.output
    assert "inserted 40, updated 0, unchanged 0, rejected 0" in result.output
    again = runner.invoke(
        cli, ["incidents", "import", str(source), "--db", app.settings.database_url]
    )
    assert again.exit_code == 0, again.output
    assert "inserted 0, updated 0, unchanged 40, rejected 0" in again.output

    secret = token_for(app, "analyst", Role.ANALYST, "monitor")
    with TestClient(create_app(app)) as client:
        response = client.get(
            "/api/agreements/idlib-m4/exports/incidents",
            params={"format": "acled", "event_type": "Battles"},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert response.status_code == 200, response.text
        bundle = zipfile.ZipFile(io.BytesIO(response.content))
        data = bundle.read("incidents.csv")
        manifest = json.loads(bundle.read("manifest.json"))
        assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
        exported = list(csv.DictReader(io.StringIO(data.decode())))
        battles = [r for r in rows if r["event_type"] == "Battles"]
        assert manifest["count"] == len(exported) == len(battles)
        assert manifest["filters"]["event_type"] == "Battles"
        bad = client.get(
            "/api/agreements/idlib-m4/exports/incidents",
            params={"format": "acled", "zone": "atlantis"},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "zone"
        officer = token_for(app, "ru-zo", Role.ZONE_OFFICER, "ru")
        refused = client.get(
            "/api/agreements/idlib-m4/exports/incidents",
            params={"format": "json"},
            headers={"Authorization": f"Bearer {officer}"},
        )
        assert refused.status_code == 403


def test_a_bad_row_makes_the_cli_exit_2_write_nothing_and_list_it_in_the_rejects_file(
    app: App, tmp_path: Path
) -> None:
    rows = generated_rows(10)
    rows[3]["longitude"] = "999"
    source = tmp_path / "acled.csv"
    source.write_text(as_csv(rows), encoding="utf-8")
    size = entries_page(app.uow(), 0, 1).size
    result = runner.invoke(
        cli, ["incidents", "import", str(source), "--db", app.settings.database_url]
    )
    assert result.exit_code == 2
    assert "nothing was written" in result.output
    with (tmp_path / "acled.csv.rejects.csv").open(encoding="utf-8") as stream:
        rejects = list(csv.DictReader(stream))
    # Each row's notes span two lines: row 3 starts on line 2 + 2 * 3.
    assert [(r["line"], r["column"]) for r in rejects] == [("8", "longitude")]
    assert json.loads(rejects[0]["row"])["event_id_cnty"] == rows[3]["event_id_cnty"]
    assert entries_page(app.uow(), 0, 1).size == size
    agreement = app.enricher().agreement
    assert list_incidents(app.uow(), agreement, IncidentFilter("idlib-m4")).items == []
    partial = runner.invoke(
        cli, ["incidents", "import", str(source), "--partial", "--db", app.settings.database_url]
    )
    assert partial.exit_code == 0, partial.output
    assert "inserted 9, updated 0, unchanged 0, rejected 1" in partial.output


def test_the_cli_exports_with_a_manifest_beside_the_file(app: App, tmp_path: Path) -> None:
    source = tmp_path / "acled.csv"
    source.write_text(as_csv(generated_rows(12)), encoding="utf-8")
    assert (
        runner.invoke(
            cli, ["incidents", "import", str(source), "--db", app.settings.database_url]
        ).exit_code
        == 0
    )
    add_officer(app, "analyst", Role.ANALYST, "monitor")
    target = tmp_path / "out.geojson"
    result = runner.invoke(
        cli,
        [
            "incidents",
            "export",
            "--format",
            "geojson",
            "--out",
            str(target),
            "--as",
            "analyst",
            "--db",
            app.settings.database_url,
        ],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out.geojson.manifest.json").read_text())
    assert manifest["count"] == 12 == len(json.loads(target.read_text())["features"])
    assert manifest["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    bad = runner.invoke(
        cli,
        [
            "incidents",
            "export",
            "--format",
            "json",
            "--out",
            str(target),
            "--as",
            "analyst",
            "--zone",
            "atlantis",
            "--db",
            app.settings.database_url,
        ],
    )
    assert bad.exit_code == 2
    assert "zone" in bad.output
