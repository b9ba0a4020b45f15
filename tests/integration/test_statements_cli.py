"""`truceline statements ...` on the server's database, each change signed with the user's key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.incident_support import Clock, add_officer, make_app
from truceline.bootstrap import App
from truceline.domain.accounts import Role
from truceline.entrypoints.cli import cli
from truceline.services.ledger import entries_page


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
        return self.run("statements", *args, "--as", username, "--key", str(self.keys[username]))

    def digest(self, statement_id: str) -> tuple[str, str]:
        shown = self.run("statements", "show", statement_id, "--json")
        assert shown.exit_code == 0, shown.output
        found = json.loads(shown.stdout)
        return str(found["version"]), found["text_sha256"]

    def log_size(self) -> int:
        return entries_page(self.app.uow(), 0, 1).size


@pytest.fixture
def desk(
    database_url: str, tmp_path: Path, example_pack: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Desk]:
    monkeypatch.setenv("TRUCELINE_LOG_KEY", str(tmp_path / "log.key"))
    app = make_app(database_url, tmp_path, example_pack, Clock(datetime.now(UTC)))
    keys = {}
    for username, role, party in [
        ("tr-ig", Role.INFO_GROUP_MEMBER, "tr"),
        ("tr-ao", Role.AUTHORIZED_OFFICER, "tr"),
        ("ru-ao", Role.AUTHORIZED_OFFICER, "ru"),
    ]:
        officer = add_officer(app, username, role, party)
        keys[username] = tmp_path / f"{username}.pem"
        officer.signer.save(keys[username])
    try:
        yield Desk(app, database_url, keys, CliRunner())
    finally:
        app.close()


def test_draft_approve_by_both_publish_list_and_show(desk: Desk, tmp_path: Path) -> None:
    text = tmp_path / "statement.md"
    text.write_text("Both sides **confirm** the shelling of Ariha.\n", encoding="utf-8")
    drafted = desk.act(
        "tr-ig",
        "draft",
        "--title",
        "On Ariha",
        "--body-file",
        str(text),
        "--provision",
        "moscow-1-ceasefire",
    )
    assert drafted.exit_code == 0, drafted.output
    statement_id = drafted.stdout.split()[0]
    assert statement_id.startswith("stm_")
    assert "draft" in drafted.stdout.splitlines()[0]
    version, digest = desk.digest(statement_id)
    assert f"text_sha256 {digest}" in drafted.stdout

    early = desk.act("tr-ig", "publish", statement_id)
    assert early.exit_code == 2
    assert "awaits the approval" in early.output

    for officer in ("tr-ao", "ru-ao"):
        approved = desk.act(
            officer, "approve", statement_id, "--version", version, "--sha256", digest
        )
        assert approved.exit_code == 0, approved.output
    assert "approved" in approved.stdout.splitlines()[0]
    published = desk.act("tr-ig", "publish", statement_id, "--sha256", digest)
    assert published.exit_code == 0, published.output
    assert "published" in published.stdout.splitlines()[0]

    shown = desk.run("statements", "show", statement_id)
    assert shown.exit_code == 0, shown.output
    assert "Both sides **confirm** the shelling of Ariha." in shown.stdout
    assert shown.stdout.count("signature verified") == 2
    listed = desk.run("statements", "list", "--state", "published", "--json")
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == [statement_id]


def test_a_revision_keeps_what_is_not_given_and_voids_approvals(desk: Desk) -> None:
    drafted = desk.act("tr-ig", "draft", "--title", "On Ariha", "--body", "First text.")
    statement_id = drafted.stdout.split()[0]
    version, digest = desk.digest(statement_id)
    assert (
        desk.act(
            "tr-ao", "approve", statement_id, "--version", version, "--sha256", digest
        ).exit_code
        == 0
    )
    revised = desk.act("tr-ig", "revise", statement_id, "--body", "Second text.")
    assert revised.exit_code == 0, revised.output
    shown = json.loads(desk.run("statements", "show", statement_id, "--json").stdout)
    assert (shown["title"], shown["body"], shown["version"]) == ("On Ariha", "Second text.", 2)
    assert [a["void"] for a in shown["approvals"]] == [True]
    before = desk.log_size()
    stale = desk.act("ru-ao", "approve", statement_id, "--version", version, "--sha256", digest)
    assert stale.exit_code == 2
    assert "not the current version" in stale.output
    assert desk.log_size() == before


def test_a_claim_and_refusals_exit_with_code_2_naming_the_reason(desk: Desk) -> None:
    claim = desk.act("ru-ao", "claim", "--title", "Our account", "--body", "From the north.")
    assert claim.exit_code == 0, claim.output
    assert "(No. 1, unilateral): published" in claim.stdout
    not_member = desk.act("tr-ao", "draft", "--title", "t", "--body", "b")
    assert not_member.exit_code == 2
    assert "may not draft_statement" in not_member.output
    no_title = desk.act("tr-ig", "draft", "--body", "b")
    assert no_title.exit_code == 2
    assert "--title" in no_title.output
    bad = desk.act("tr-ig", "draft", "--title", "t", "--body", "b", "--incident", "inc_nothere")
    assert bad.exit_code == 2
    assert "incidents[0]" in bad.output
