"""Bulletins read from the record: the demo's incidents, patrols and roster, week by week.

The demo's officers report four incidents in March and April 2020 and run
three joint patrols; the weekly bulletin of 14 April 2020 holds the patrol
attack and the curtailed patrol, and compares with the week before, when
the first patrol was completed. Built twice, it is the same bulletin, to the
byte, as HTML and as PDF; the PDF has the expected text and its map.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.incident_support import FAST, Clock, make_app
from truceline.bootstrap import App
from truceline.entrypoints.api.app import create_app
from truceline.entrypoints.bulletin_render import bulletin_html, bulletin_pdf
from truceline.entrypoints.cli import cli
from truceline.services import demo_accounts
from truceline.services.bulletins import Bulletin, Cadence, CountRow, build_bulletin
from truceline.services.demo_field import demo_field
from truceline.services.demo_incidents import DemoCast, demo_incidents
from truceline.services.demo_joint import demo_joint

WEEK = date(2020, 4, 14)


@pytest.fixture
def app(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[App]:
    built = make_app(database_url, tmp_path, example_pack, Clock(datetime(2020, 9, 10, tzinfo=UTC)))
    agreement = built.enricher().agreement
    created = demo_accounts.demo_users(
        built.uow(), agreement.parties, built.log.signer, now=built.now, policy=FAST
    )
    cast = DemoCast(built.uow, created, built.now(), policy=FAST)
    field = demo_field(cast, built.geography(), demo_incidents(cast, built.enricher()))
    demo_joint(cast, built.geography(), field.attack, built.now())
    yield built
    built.close()


def counts(rows: tuple[CountRow, ...]) -> dict[str, tuple[int, int]]:
    return {row.key: (row.current, row.previous) for row in rows if row.current or row.previous}


def weekly(app: App, day: date = WEEK) -> Bulletin:
    return build_bulletin(app.uow, app.geography(), Cadence.WEEKLY, day)


def test_a_weekly_bulletin_counts_the_week_against_the_week_before(app: App) -> None:
    found = weekly(app)
    assert (found.period.start, found.period.end) == (date(2020, 4, 13), date(2020, 4, 19))
    assert [i.place for i in found.incidents] == ["Urum al-Jawz"]
    assert counts(found.by_status) == {"verified": (1, 0)}
    assert counts(found.by_type) == {"Explosions/Remote violence": (1, 0)}
    assert counts(found.by_zone) == {"corridor-south": (1, 0)}
    assert {row.key for row in found.by_status} >= {"pending", "disputed", "rejected"}
    [patrol] = found.patrols
    assert (patrol.number, patrol.state) == (2, "curtailed")
    assert patrol.outcome.startswith("curtailed at km 22: A roadside bomb")
    assert (found.km_planned, found.km_covered) == (40.0, 22.0)
    [delay] = found.restrictions
    assert (delay.kind, delay.affected, delay.minutes) == ("delayed", "patrol", 40)
    assert counts(found.restrictions_by_zone) == {"corridor-south": (1, 0)}
    provisions = {p.id: p for p in found.provisions}
    assert list(provisions) == [p.id for p in app.geography().agreement.provisions]
    assessed = provisions["moscow-3-joint-patrols"]
    assert (assessed.score, assessed.state, assessed.assessed_for) == (0, "disputed", "2020-W16")
    assert provisions["sochi-1-de-escalation-area"].score is None
    assert found.statements == ()


def test_a_bulletin_lists_the_statements_published_in_its_period(app: App) -> None:
    found = weekly(app, date(2020, 9, 10))
    [statement] = found.statements
    assert statement.kind == "joint"
    assert statement.title.startswith("Joint statement on the attack on the joint patrol")
    assert found.incidents == ()


def test_a_daily_bulletin_holds_only_its_day(app: App) -> None:
    found = build_bulletin(app.uow, app.geography(), Cadence.DAILY, date(2020, 4, 2))
    assert [(i.place, i.status) for i in found.incidents] == [("Mhambal", "disputed")]
    assert counts(found.by_status) == {"disputed": (1, 0)}
    assert found.patrols == ()
    empty = build_bulletin(app.uow, app.geography(), Cadence.DAILY, date(2020, 4, 3))
    assert empty.incidents == ()
    assert counts(empty.by_status) == {"disputed": (0, 1)}


def test_the_same_record_gives_the_same_bulletin_to_the_byte(app: App) -> None:
    geo = app.geography()
    first, second = weekly(app), weekly(app)
    assert first == second
    assert bulletin_html(first, geo) == bulletin_html(second, geo)
    assert bulletin_pdf(first, geo) == bulletin_pdf(second, geo)


def test_the_pdf_has_its_pages_its_text_and_its_map(app: App) -> None:
    pdf = bulletin_pdf(weekly(app), app.geography())
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 6
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    text = text.replace("- ", "-")  # words broken at a hyphen in narrow table cells
    for expected in (
        "Weekly bulletin",
        "week 16 of 2020, 13 April to 19 April 2020",
        "Urum al-Jawz",
        "curtailed at km 22",
        "moscow-1-ceasefire",
        "page 1 of",
    ):
        assert expected in text, expected
    images = reader.pages[0].images
    assert len(images) == 1, "the map is one picture on the first page"
    assert images[0].image is not None
    assert images[0].image.width > 600


def test_the_bulletin_pages_are_public_and_the_pdf_is_the_same_document(app: App) -> None:
    with TestClient(create_app(app)) as client:
        index = client.get("/bulletins?day=2020-04-14")
        assert index.status_code == 200
        assert 'href="/bulletins/weekly/2020-04-13.pdf"' in index.text
        page = client.get("/bulletins/weekly/2020-04-14")
        assert page.status_code == 200
        assert "week 16 of 2020" in page.text
        assert 'id="bulletin-map" src="data:image/png;base64,' in page.text
        pdf = client.get("/bulletins/weekly/2020-04-16.pdf")
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content == bulletin_pdf(weekly(app), app.geography())
        assert client.get("/bulletins/monthly/2020-04-14").status_code == 422
        bad = client.get("/bulletins/weekly/2020-13-01")
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "date"


def test_one_command_writes_the_weekly_pdf(app: App, tmp_path: Path) -> None:
    out = tmp_path / "bulletin.pdf"
    result = CliRunner().invoke(
        cli,
        ["bulletin", "--period", "weekly", "--date", "2020-04-14", "--out", str(out)],
        env={"TRUCELINE_DATABASE_URL": str(app.settings.database_url), "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "1 incidents, 1 patrols" in result.stdout
    assert out.read_bytes() == bulletin_pdf(weekly(app), app.geography())
    wrong = CliRunner().invoke(
        cli,
        ["bulletin", "--date", "2020-04-14", "--out", str(tmp_path / "b.txt")],
        env={"TRUCELINE_DATABASE_URL": str(app.settings.database_url)},
    )
    assert wrong.exit_code == 2
    assert "name a .pdf or .html file" in wrong.output
