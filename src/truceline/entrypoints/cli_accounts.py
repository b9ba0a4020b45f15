"""`truceline users|tokens|keys ...`: accounts, API tokens and users' own keys.

The administrative commands run on the server as the operator: each change
is a ledger entry by ``operator``, signed with the log's key. `keys generate`
runs on a user's own machine and touches no database.
"""

from __future__ import annotations

import base64
import binascii
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from truceline.adapters.signing import Ed25519Signer, key_id_of
from truceline.domain.accounts import TOKEN_SCOPES, Actor, Role
from truceline.domain.errors import TrucelineError
from truceline.entrypoints.cli_support import DbOption, app_for, err, fail, out
from truceline.services import accounts, demo_accounts
from truceline.services.agreements import list_agreements
from truceline.services.demo_field import demo_field
from truceline.services.demo_incidents import DemoCast, demo_incidents
from truceline.services.demo_joint import demo_joint

if TYPE_CHECKING:
    from truceline.bootstrap import App

users_cli = typer.Typer(help="User accounts: add, list, disable.", no_args_is_help=True)
tokens_cli = typer.Typer(
    help="API tokens for scripts: create (shown once), list, revoke.", no_args_is_help=True
)
keys_cli = typer.Typer(
    help="Ed25519 keys of users who sign on their own machine.", no_args_is_help=True
)


PublicKeyOption = Annotated[
    str | None,
    typer.Option(
        "--public-key",
        help="The user's Ed25519 public key in base64 (from `truceline keys generate`).",
    ),
]


def public_key_from(text: str) -> bytes:
    """A raw 32-byte public key from its base64 text; exit 2 otherwise."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise fail("--public-key: not valid base64") from None
    if len(key) != 32:
        raise fail(f"--public-key: an Ed25519 public key is 32 bytes, not {len(key)}")
    return key


def read_password(from_stdin: bool) -> str:
    """The new user's password: the first line of stdin, or asked twice without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise fail("--password-stdin: nothing on standard input")
        return line.rstrip("\r\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@users_cli.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="3 to 32 of a-z 0-9 . _ -, from a letter.")],
    role: Annotated[Role, typer.Option(help="The user's role.", case_sensitive=False)],
    party: Annotated[
        str | None,
        typer.Option(
            help="The party id (from the agreement), `monitor` for monitors; "
            "none for administrators."
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Display name; the username by default.")
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from standard input, not a prompt."
        ),
    ] = False,
    public_key: PublicKeyOption = None,
    db: DbOption = None,
) -> None:
    """Add a user; without --public-key the server makes their key, sealed under the password."""
    key = None if public_key is None else public_key_from(public_key)
    password = read_password(password_stdin)
    command = accounts.AddUser(username, name or username, party, role, password, key)
    with app_for(db) as app:
        user = accounts.add_user(
            command,
            app.uow(),
            Actor.operator(),
            app.log.signer,
            now=app.now,
            policy=app.account_policy,
        )
    custody = "kept by the user" if key is not None else "sealed on the server"
    out.print(
        f"added {user.username} ({user.role}, party {user.party or 'none'}): "
        f"id {user.id}, key {custody}"
    )


@users_cli.command("list")
def users_list(db: DbOption = None) -> None:
    """Every user: name, role, party, whether active, and their public key."""
    with app_for(db) as app:
        users = accounts.list_users(app.uow(), Actor.operator())
    table = Table("username", "name", "role", "party", "status", "key id", "created (UTC)")
    for user in users:
        table.add_row(
            user.username,
            user.display_name,
            str(user.role),
            user.party or "",
            "disabled" if user.disabled else "active",
            "" if user.public_key is None else key_id_of(user.public_key),
            f"{user.created_at:%Y-%m-%d %H:%M}",
        )
    out.print(table)


@users_cli.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="The user to disable.")],
    db: DbOption = None,
) -> None:
    """Disable a user for good: no login, no tokens, no sessions, no new entries."""
    with app_for(db) as app:
        user = accounts.find_user(app.uow(), username)
        accounts.disable_user(
            accounts.DisableUser(user.id), app.uow(), Actor.operator(), app.log.signer, now=app.now
        )
    out.print(f"disabled {username}")


@tokens_cli.command("create")
def tokens_create(
    username: Annotated[str, typer.Argument(help="Whose token it is.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")],
    scope: Annotated[
        list[str],
        typer.Option("--scope", help=f"A scope, repeatable: {', '.join(TOKEN_SCOPES)}."),
    ],
    db: DbOption = None,
) -> None:
    """Create an API token and print its secret: once, never again."""
    with app_for(db) as app:
        user = accounts.find_user(app.uow(), username)
        token, secret = accounts.create_token(
            accounts.CreateToken(user.id, name, tuple(scope)),
            app.uow(),
            Actor.operator(),
            app.log.signer,
            now=app.now,
        )
    err.print(
        f"token {token.id} for {username} ({', '.join(token.scopes)}). "
        "The secret below is shown once and stored only as a hash: keep it now."
    )
    out.print(secret)


@tokens_cli.command("list")
def tokens_list(
    username: Annotated[
        str | None, typer.Argument(help="Only this user's tokens; everyone's by default.")
    ] = None,
    db: DbOption = None,
) -> None:
    """API tokens (never their secrets): id, owner, name, scopes, when used, whether revoked."""
    with app_for(db) as app:
        user_id = None if username is None else accounts.find_user(app.uow(), username).id
        tokens = accounts.list_tokens(app.uow(), Actor.operator(), user_id)
        owners = {u.id: u.username for u in accounts.list_users(app.uow(), Actor.operator())}
    table = Table("id", "user", "name", "scopes", "created (UTC)", "last used", "revoked")
    for token in tokens:
        table.add_row(
            token.id,
            owners.get(token.user_id, token.user_id),
            token.name,
            ", ".join(token.scopes),
            f"{token.created_at:%Y-%m-%d %H:%M}",
            "" if token.last_used_at is None else f"{token.last_used_at:%Y-%m-%d %H:%M}",
            "" if token.revoked_at is None else f"{token.revoked_at:%Y-%m-%d %H:%M}",
        )
    out.print(table)


@tokens_cli.command("revoke")
def tokens_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (tok_...), not its secret.")],
    db: DbOption = None,
) -> None:
    """Revoke an API token: it stops working at once."""
    with app_for(db) as app:
        accounts.revoke_token(
            accounts.RevokeToken(token_id), app.uow(), Actor.operator(), app.log.signer, now=app.now
        )
    out.print(f"revoked {token_id}")


@keys_cli.command("generate")
def keys_generate(
    out_file: Annotated[
        Path, typer.Option("--out", help="Where to write the private key (PEM, mode 0600).")
    ],
) -> None:
    """Make a key pair on this machine; print the public key to give to an administrator."""
    signer = Ed25519Signer.generate()
    try:
        signer.save(out_file)
    except OSError as error:
        raise fail(
            str(error) if isinstance(error, FileExistsError) else f"{out_file}: {error}"
        ) from error
    err.print(
        f"wrote the private key to {out_file} (mode 0600; key id {signer.key_id}). "
        "It never leaves this machine; the public key follows:"
    )
    out.print(base64.b64encode(signer.public_key).decode("ascii"))


@keys_cli.command("register")
def keys_register(
    username: Annotated[str, typer.Argument(help="Whose key it is.")],
    public_key: Annotated[
        str,
        typer.Option("--public-key", help="The user's Ed25519 public key in base64."),
    ],
    db: DbOption = None,
) -> None:
    """Register a user's own public key (the server stops holding a key for them)."""
    key = public_key_from(public_key)
    with app_for(db) as app:
        user = accounts.find_user(app.uow(), username)
        accounts.register_key(
            accounts.RegisterKey(user.id, key),
            app.uow(),
            Actor.operator(),
            app.log.signer,
            now=app.now,
        )
    out.print(f"registered the key of {username}")


def create_demo_users(app: App) -> None:
    """The demo's accounts, one per role per guarantor party, made and shown once."""
    parties = [p for a in list_agreements(app.uow()) for p in a.parties]
    try:
        created = demo_accounts.demo_users(
            app.uow(), parties, app.log.signer, now=app.now, policy=app.account_policy
        )
    except TrucelineError as error:
        app.close()
        raise fail(f"demo accounts: {error}") from error
    if not created:
        out.print("Demo accounts exist already; their passwords were shown when they were made.")
        return
    table = Table("username", "role", "party", "password", title="Demo accounts")
    for user, password in created:
        table.add_row(user.username, str(user.role), user.party or "", password)
    out.print(table)
    out.print("These passwords are shown once, now; they are stored only as argon2id hashes.")
    cast = DemoCast(app.uow, created, app.now(), policy=app.account_policy)
    try:
        made = demo_incidents(cast, app.enricher())
        field = demo_field(cast, app.geography(), made)
        joint = demo_joint(cast, app.geography(), field.attack, field.at or app.now())
    except TrucelineError as error:
        app.close()
        raise fail(f"demo records: {error}") from error
    out.print(
        f"Reported {len(made)} demo incidents, with each side's positions, as the demo officers; "
        f"{field.duties} duty periods, {field.messages} hotline messages, "
        f"{field.patrols} joint patrols, {field.restrictions} access restriction, "
        f"{field.observations} observations, {joint.statements} published joint statement and "
        f"{joint.assessments} assessment."
    )
