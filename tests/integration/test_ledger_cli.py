"""`truceline ledger ...` end to end on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from tests.ledger_support import allow_tampering, forwarding_transport, make_app
from truceline.adapters.ledger_client import LedgerClient
from truceline.entrypoints import cli_ledger
from truceline.entrypoints.api.app import create_app
from truceline.entrypoints.cli import cli


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TRUCELINE_LOG_KEY", str(tmp_path / "log.key"))
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path, runner: CliRunner) -> str:
    path = str(tmp_path / "cli.db")
    result = runner.invoke(cli, ["init", "--db", path])
    assert result.exit_code == 0, result.output
    return path


def export(runner: CliRunner, db: str, out: Path) -> None:
    result = runner.invoke(cli, ["ledger", "export", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: 1 entries, checkpoint size 1" in result.stderr


def test_checkpoint_prints_the_signed_note(runner: CliRunner, db: str) -> None:
    result = runner.invoke(cli, ["ledger", "checkpoint", "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["truceline.local/ledger", "1"]
    assert lines[4].startswith("— truceline.local/ledger ")


def test_an_exported_bundle_verifies_offline(runner: CliRunner, db: str, tmp_path: Path) -> None:
    out = tmp_path / "log.jsonl"
    export(runner, db, out)
    header = json.loads(out.read_text().splitlines()[0])
    assert header["format"] == "truceline-ledger-bundle/1"
    result = runner.invoke(cli, ["ledger", "verify", str(out), "--log-key", header["log_key"]])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("valid: 1 entries of truceline.local/ledger")
    assert "verifying" in result.stderr


def test_a_tampered_log_fails_verify_with_exit_1_naming_the_entry(
    runner: CliRunner, db: str, tmp_path: Path
) -> None:
    app = make_app(f"sqlite:///{db}", tmp_path)
    with app.engine.begin() as conn:
        allow_tampering(conn)
        conn.execute(text("UPDATE ledger_entries SET leaf = replace(leaf, 'Idlib', 'Idleb')"))
    app.close()
    out = tmp_path / "log.jsonl"
    export(runner, db, out)
    result = runner.invoke(cli, ["ledger", "verify", str(out)])
    assert result.exit_code == 1
    assert "invalid: entry 0: the entry is not the leaf the tree recorded" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "No such file"), ("hello\n", "not a ledger bundle"), (b"\xff\xfe", "not UTF-8")],
)
def test_an_unreadable_bundle_exits_2(
    runner: CliRunner, tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "bundle.jsonl"
    if isinstance(content, str):
        path.write_text(content)
    elif content is not None:
        path.write_bytes(content)
    result = runner.invoke(cli, ["ledger", "verify", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr


def test_show_lists_the_entries(
    runner: CliRunner, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    result = runner.invoke(cli, ["ledger", "show", "--db", db, "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert "agreement.loaded" in result.stdout
    assert "1 of 1 entries" in result.stderr


@pytest.fixture
def served(
    runner: CliRunner, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The log of ``db`` served in-process; `ledger` commands reach it at http://log.test."""
    app = make_app(f"sqlite:///{db}", tmp_path)
    with TestClient(create_app(app)) as client:
        transport = forwarding_transport(client)
        monkeypatch.setattr(
            cli_ledger, "remote", lambda url: LedgerClient(url, transport=transport)
        )
        yield "http://log.test"
    app.close()


def test_verify_reads_a_live_log_from_its_url(runner: CliRunner, db: str, served: str) -> None:
    runner.invoke(cli, ["ledger", "checkpoint", "--db", db])
    result = runner.invoke(cli, ["ledger", "verify", served])
    assert result.exit_code == 0, result.output
    assert "valid: 1 entries" in result.stdout


def test_the_witness_cosigns_then_reports_a_fork_with_exit_3(
    runner: CliRunner, db: str, served: str, tmp_path: Path
) -> None:
    runner.invoke(cli, ["ledger", "checkpoint", "--db", db])
    state, key = tmp_path / "witness", tmp_path / "witness.key"
    args = ["ledger", "witness", served, "--state", str(state), "--key", str(key)]
    args += ["--name", "witness.tr"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "first: first checkpoint seen: size 1; cosigned size 1" in first.stdout
    assert "generated a new witness key" in first.stderr
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("unchanged")

    app = make_app(f"sqlite:///{db}", tmp_path)
    with app.engine.begin() as conn:
        allow_tampering(conn)
        conn.execute(text("DELETE FROM ledger_checkpoints"))
        conn.execute(text("DELETE FROM ledger_cosignatures"))
        conn.execute(text("DELETE FROM ledger_entries"))
        conn.execute(text("DELETE FROM ledger_nodes"))
        conn.execute(text("UPDATE ledger_head SET size = 0, frontier = '[]'"))
    app.close()
    runner.invoke(cli, ["ledger", "checkpoint", "--db", db])
    fork = runner.invoke(cli, args)
    assert fork.exit_code == 3, fork.output
    assert "FORK: the log went back from size 1 to size 0" in fork.stderr
    evidence = [line.split(": ", 1)[1] for line in fork.stderr.splitlines() if "evidence" in line]
    assert sorted(Path(p).name for p in evidence) == ["seen.checkpoint", "served.checkpoint"]


def test_the_witness_exits_2_when_the_log_cannot_be_read(runner: CliRunner, tmp_path: Path) -> None:
    args = ["ledger", "witness", "http://127.0.0.1:9", "--state", str(tmp_path / "w")]
    args += ["--key", str(tmp_path / "k.pem"), "--name", "witness.tr"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "error:" in result.stderr
