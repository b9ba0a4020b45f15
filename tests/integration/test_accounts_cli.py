"""`truceline users|tokens|keys` end to end, and the demo's accounts."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import bootstrap
from truceline.entrypoints.cli import cli
from truceline.entrypoints.cli_accounts import create_demo_users
from truceline.services.ledger import entries_page
from truceline.settings import Settings

PASSWORD = "correct horse battery staple"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TRUCELINE_LOG_KEY", str(tmp_path / "log.key"))
    return CliRunner()


@pytest.fixture
def db(runner: CliRunner, database_url: str) -> str:
    result = runner.invoke(cli, ["init", "--db", database_url])
    assert result.exit_code == 0, result.output
    return database_url


def add_user(runner: CliRunner, db: str, *args: str) -> str:
    result = runner.invoke(
        cli, ["users", "add", *args, "--password-stdin", "--db", db], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_users_add_list_and_disable(runner: CliRunner, db: str) -> None:
    said = add_user(
        runner, db, "ru-zo", "--role", "zone_officer", "--party", "ru", "--name", "Ivan"
    )
    assert "added ru-zo (zone_officer, party ru)" in said
    assert "key sealed on the server" in said
    add_user(runner, db, "admin", "--role", "administrator")
    listing = runner.invoke(cli, ["users", "list", "--db", db], env={"COLUMNS": "200"})
    assert listing.exit_code == 0, listing.output
    assert "ru-zo" in listing.stdout
    assert "Ivan" in listing.stdout
    assert "administrator" in listing.stdout
    assert PASSWORD not in listing.stdout
    disabled = runner.invoke(cli, ["users", "disable", "ru-zo", "--db", db])
    assert disabled.exit_code == 0, disabled.output
    listing = runner.invoke(cli, ["users", "list", "--db", db], env={"COLUMNS": "200"})
    assert "disabled" in listing.stdout


def test_each_cli_change_is_a_ledger_entry_by_the_operator(
    runner: CliRunner, db: str, tmp_path: Path
) -> None:
    add_user(runner, db, "ru-zo", "--role", "zone_officer", "--party", "ru")
    runner.invoke(cli, ["users", "disable", "ru-zo", "--db", db])
    app = bootstrap(Settings(database_url=db, log_key=tmp_path / "log.key"))
    try:
        entries = [e for e, _ in entries_page(app.uow(), 0, 100).entries]
    finally:
        app.close()
    assert [(e.event, e.actor) for e in entries[-3:]] == [
        ("user.added", "operator"),
        ("user.key_registered", "operator"),
        ("user.disabled", "operator"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bob", "--role", "zone_officer", "--party", "nowhere"], "'nowhere' is not a party"),
        (["bob", "--role", "administrator", "--party", "ru"], "belongs to no party"),
        (["Bob!", "--role", "analyst", "--party", "ru"], "username: 'Bob!' is not a username"),
        (["bob", "--role", "analyst", "--public-key", "abc"], "--public-key"),
    ],
)
def test_users_add_with_bad_input_exits_2_with_the_reason(
    runner: CliRunner, db: str, args: list[str], message: str
) -> None:
    result = runner.invoke(
        cli, ["users", "add", *args, "--password-stdin", "--db", db], input=PASSWORD + "\n"
    )
    assert result.exit_code == 2
    assert message in result.stderr


def test_users_add_refuses_a_short_password_and_an_unknown_role(runner: CliRunner, db: str) -> None:
    short = runner.invoke(
        cli,
        ["users", "add", "bob", "--role=analyst", "--party=ru", "--password-stdin", "--db", db],
        input="short\n",
    )
    assert short.exit_code == 2
    assert "at least 12 characters" in short.stderr
    role = runner.invoke(cli, ["users", "add", "bob", "--role", "king", "--db", db])
    assert role.exit_code == 2


def test_users_add_asks_for_the_password_twice_without_stdin(runner: CliRunner, db: str) -> None:
    result = runner.invoke(
        cli,
        ["users", "add", "ana", "--role", "analyst", "--party", "monitor", "--db", db],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "added ana" in result.stdout


def test_disabling_an_unknown_user_exits_2(runner: CliRunner, db: str) -> None:
    result = runner.invoke(cli, ["users", "disable", "ghost", "--db", db])
    assert result.exit_code == 2
    assert "no user 'ghost'" in result.stderr


def test_tokens_create_prints_the_secret_once_and_list_never_shows_it(
    runner: CliRunner, db: str
) -> None:
    add_user(runner, db, "ru-zo", "--role", "zone_officer", "--party", "ru")
    created = runner.invoke(
        cli,
        ["tokens", "create", "ru-zo", "--name=laptop", "--scope=read", "--scope=write", "--db", db],
    )
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("tl_")
    assert "shown once" in created.stderr
    listing = runner.invoke(cli, ["tokens", "list", "--db", db], env={"COLUMNS": "200"})
    assert listing.exit_code == 0, listing.output
    assert "laptop" in listing.stdout
    assert "read, write" in listing.stdout
    assert secret not in listing.stdout
    token_id = next(w for w in listing.stdout.split() if w.startswith("tok_"))
    revoked = runner.invoke(cli, ["tokens", "revoke", token_id, "--db", db])
    assert revoked.exit_code == 0, revoked.output
    again = runner.invoke(cli, ["tokens", "revoke", token_id, "--db", db])
    assert again.exit_code == 2
    assert "already revoked" in again.stderr


def test_tokens_create_with_an_unknown_scope_exits_2(runner: CliRunner, db: str) -> None:
    add_user(runner, db, "ru-zo", "--role", "zone_officer", "--party", "ru")
    result = runner.invoke(
        cli, ["tokens", "create", "ru-zo", "--name", "x", "--scope", "everything", "--db", db]
    )
    assert result.exit_code == 2
    assert "unknown scope 'everything'" in result.stderr


def test_keys_generate_writes_a_private_key_only_its_owner_reads(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "me" / "key.pem"
    result = runner.invoke(cli, ["keys", "generate", "--out", str(path)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    public = base64.b64decode(result.stdout.strip(), validate=True)
    assert Ed25519Signer.load(path).public_key == public
    again = runner.invoke(cli, ["keys", "generate", "--out", str(path)])
    assert again.exit_code == 2
    assert "not overwriting" in again.stderr


def test_keys_register_gives_a_user_their_own_key(
    runner: CliRunner, db: str, tmp_path: Path
) -> None:
    add_user(runner, db, "tr-zo", "--role", "zone_officer", "--party", "tr")
    generated = runner.invoke(cli, ["keys", "generate", "--out", str(tmp_path / "k.pem")])
    public = generated.stdout.strip()
    result = runner.invoke(cli, ["keys", "register", "tr-zo", "--public-key", public, "--db", db])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(cli, ["keys", "register", "tr-zo", "--public-key", "AAAA", "--db", db])
    assert bad.exit_code == 2
    assert "32 bytes, not 3" in bad.stderr


def test_the_demo_prints_each_account_and_password_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'demo.db'}",
        log_key=tmp_path / "log.key",
        example="idlib-m4",
    )
    app = bootstrap(settings)
    try:
        create_demo_users(app)
        first = capsys.readouterr().out
        create_demo_users(app)
        second = capsys.readouterr().out
    finally:
        app.close()
    for name in ("ru-authorized-officer", "tr-zone-officer", "monitor", "analyst", "admin"):
        assert name in first
    assert "shown once" in first
    assert "Reported 4 demo incidents" in first
    assert "exist already" in second
    assert "ru-authorized-officer" not in second
