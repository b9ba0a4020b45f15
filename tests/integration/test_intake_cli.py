"""`truceline ingest`, `candidates` and `sources` on the server's database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from tests.incident_support import Clock, add_officer, make_app
from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Role
from truceline.entrypoints import cli_intake
from truceline.entrypoints.cli import cli
from truceline.services import intake
from truceline.services.incident_queries import incident_view
from truceline.services.ledger import entries_page

DATA = Path(__file__).resolve().parents[1] / "data" / "intake"
ARTICLE = DATA / "idlib-m4-article-2020-09.md"
PAGE_URL = "https://www.globalresearch.ca/video-idlib-question/5723532"


@dataclass
class Desk:
    """The server's database, and the key file of each user who acts on it."""

    app: App
    db: str
    keys: dict[str, Path]
    runner: CliRunner

    def run(self, *args: str) -> Result:
        return self.runner.invoke(cli, [*args, "--db", self.db], env={"COLUMNS": "200"})

    def act(self, username: str, *args: str) -> Result:
        return self.run(*args, "--as", username, "--key", str(self.keys[username]))

    def log_size(self) -> int:
        return entries_page(self.app.uow(), 0, 1).size

    def queue(self) -> int:
        return len(intake.queue(self.app.uow(), "idlib-m4", status=None))


@pytest.fixture
def desk(
    database_url: str, tmp_path: Path, example_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Desk]:
    monkeypatch.setenv("TRUCELINE_LOG_KEY", str(tmp_path / "log.key"))
    app = make_app(database_url, tmp_path, example_pack, Clock(datetime.now(UTC)))
    keys = {}
    for username, role, party in [
        ("tr-officer", Role.ZONE_OFFICER, "tr"),
        ("monitor", Role.MONITOR, MONITOR_PARTY),
    ]:
        officer = add_officer(app, username, role, party)
        keys[username] = tmp_path / f"{username}.pem"
        officer.signer.save(keys[username])
    try:
        yield Desk(app, database_url, keys, CliRunner())
    finally:
        app.close()


def test_a_dry_run_prints_the_candidates_as_json_and_writes_nothing(desk: Desk) -> None:
    before = desk.log_size()
    result = desk.run(
        "ingest", str(ARTICLE), "--site", "globalresearch.ca", "--dry-run", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["written"] is False
    [document] = shown["documents"]
    assert document["document"]["original_published"] == "2020-09-02"
    drills = next(c for c in document["candidates"] if "drills" in c["sentence"])
    assert drills["dates"] == {
        "start": "2020-09-01",
        "end": "2020-09-01",
        "precision": "day",
        "text": "September 1",
    }
    assert drills["place"]["precision"] == "region"
    assert {"lat", "lon", "name"} <= set(drills["place"])
    assert drills["event_type"] == "Strategic developments"
    for key in ("sub_event_type", "actors", "fatalities", "injuries", "claimed_by", "duplicates"):
        assert key in drills
    assert desk.log_size() == before
    assert desk.queue() == 0


def test_ingest_queues_once_and_a_user_accepts_a_candidate(desk: Desk) -> None:
    first = desk.run("ingest", str(ARTICLE), "--site", "globalresearch.ca")
    assert first.exit_code == 0, first.output
    assert "queued" in first.stdout
    queued = desk.queue()
    assert queued >= 3
    again = desk.run("ingest", str(ARTICLE), "--site", "globalresearch.ca")
    assert again.exit_code == 0, again.output
    assert "already ingested" in again.stdout
    assert desk.queue() == queued

    graded = desk.run("sources", "grade", "globalresearch.ca", "E5", "--name", "Global Research")
    assert graded.exit_code == 0, graded.output
    listed = desk.run("candidates", "list", "--format", "json")
    candidates = json.loads(listed.stdout)
    drills = next(c for c in candidates if "drills" in c["sentence"])
    accepted = desk.act("tr-officer", "candidates", "accept", drills["id"])
    assert accepted.exit_code == 0, accepted.output
    incident_id = accepted.stdout.split()[-1]
    view = incident_view(desk.app.uow(), desk.app.geography().agreement, incident_id)
    [report] = view.reports
    assert (str(report.channel), str(report.grade), report.source_name) == (
        "open_source",
        "E5",
        "Global Research",
    )


def test_a_reviewer_edits_and_rejects_from_the_command_line(desk: Desk, tmp_path: Path) -> None:
    assert desk.run("ingest", str(ARTICLE)).exit_code == 0
    candidates = json.loads(desk.run("candidates", "list", "--format", "json").stdout)
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps({"fatalities": 2}), encoding="utf-8")
    edited = desk.act(
        "monitor", "candidates", "edit", candidates[0]["id"], "--changes", str(changes)
    )
    assert edited.exit_code == 0, edited.output
    assert json.loads(edited.stdout)["fatalities"] == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"sentence": "x"}), encoding="utf-8")
    refused = desk.act("monitor", "candidates", "edit", candidates[0]["id"], "--changes", str(bad))
    assert refused.exit_code == 2
    assert "changes.sentence" in refused.stderr
    rejected = desk.act(
        "monitor", "candidates", "reject", candidates[1]["id"], "--note", "an analysis"
    )
    assert rejected.exit_code == 0, rejected.output
    shown = json.loads(desk.run("candidates", "show", candidates[1]["id"]).stdout)
    assert (shown["status"], shown["note"]) == ("rejected", "an analysis")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\xc3\x28 not UTF-8 at all", "cannot be decoded"),
    ],
)
def test_bad_files_exit_2_with_the_reason_and_write_nothing(
    desk: Desk, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    before = desk.log_size()
    result = desk.run("ingest", str(path))
    assert result.exit_code == 2
    assert words in result.stderr
    assert desk.log_size() == before
    assert desk.queue() == 0


def test_a_url_is_fetched_through_the_transport_and_a_non_page_refused(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (DATA / "idlib-m4-article-2020-09.html").read_bytes()

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(".png"):
            return httpx.Response(200, headers={"content-type": "image/png"}, content=b"\x89PNG")
        return httpx.Response(200, headers={"content-type": "text/html"}, content=page)

    monkeypatch.setattr(cli_intake, "http_transport", lambda: httpx.MockTransport(handle))
    result = desk.run("ingest", PAGE_URL, "--format", "json")
    assert result.exit_code == 0, result.output
    [document] = json.loads(result.stdout)["documents"]
    assert document["document"]["url"] == PAGE_URL
    assert document["document"]["site"] == "globalresearch.ca"
    before = desk.log_size()
    refused = desk.run("ingest", "https://www.globalresearch.ca/chart.png")
    assert refused.exit_code == 2
    assert "content_type: image/png is not a page" in refused.stderr
    assert desk.log_size() == before


def test_a_huge_file_is_refused(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    path.write_text("# Title\n\n" + "Shells hit Ariha. " * 200, encoding="utf-8")
    result = desk.run("ingest", str(path), "--max-bytes", "1000")
    assert result.exit_code == 2
    assert "larger than 1000 bytes" in result.stderr
