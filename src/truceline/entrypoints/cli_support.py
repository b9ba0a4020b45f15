"""What every `truceline` command shares: consoles, the --db option, starting the
application and turning errors into exit code 2 with a message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App, bootstrap
from truceline.domain.accounts import Actor
from truceline.domain.errors import InputError, PackError, TrucelineError
from truceline.services import accounts
from truceline.services.authorship import ServerSigned
from truceline.settings import Settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file path \\[env: TRUCELINE_DATABASE_URL]."),
]
AgreementOption = Annotated[
    str | None, typer.Option("--agreement", help="Agreement id; the first loaded by default.")
]
AsOption = Annotated[str, typer.Option("--as", help="The username of who acts.")]
KeyOption = Annotated[
    Path, typer.Option("--key", help="That user's private key (PEM, from `keys generate`).")
]


def fail(message: str) -> typer.Exit:
    """Print `message` on stderr and return the exit (code 2) to raise."""
    err.print(f"error: {message}", markup=False)
    return typer.Exit(code=2)


def database_url(db: str | None) -> str | None:
    """`--db` as a URL: a bare path means a SQLite file."""
    if db is None:
        return None
    return db if "://" in db else f"sqlite:///{Path(db).expanduser()}"


def settings_for(db: str | None, **values: object) -> Settings:
    """Settings from the environment, with the command line's values on top."""
    url = database_url(db)
    if url is not None:
        values["database_url"] = url
    try:
        return Settings(**values)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"TRUCELINE_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        raise fail(f"bad setting: {problems}") from None


def open_app(db: str | None) -> App:
    """The application on the chosen database; errors exit with code 2."""
    return start(settings_for(db))


@contextmanager
def app_for(db: str | None) -> Iterator[App]:
    """The application on the chosen database, closed afterwards; a TrucelineError
    raised inside exits with code 2 and its message."""
    app = open_app(db)
    try:
        yield app
    except TrucelineError as error:
        raise fail(str(error)) from error
    finally:
        app.close()


def start(settings: Settings) -> App:
    """Bootstrap the application; a bad pack, example or database exits with code 2."""
    try:
        return bootstrap(settings)
    except PackError as error:
        raise report_pack_error(error) from error
    except TrucelineError as error:
        raise fail(str(error)) from error
    except SQLAlchemyError as error:
        reason = str(error.orig) if isinstance(error, DBAPIError) else str(error)
        raise fail(f"database {settings.database_url}: {reason.strip()}") from None


def report_pack_error(error: PackError) -> typer.Exit:
    """Every problem of a pack, one per line as file:line: reason."""
    for problem in error.problems:
        err.print(f"{problem}", markup=False)
    return fail(f"the pack was refused ({len(error.problems)} problem(s)); nothing was written")


@contextmanager
def acting(db: str | None, username: str, key: Path) -> Iterator[tuple[App, Actor, ServerSigned]]:
    """The application, the user as actor, and their key as the signer of what they do."""
    try:
        signer = Ed25519Signer.load(key)
    except (OSError, ValueError) as error:
        raise fail(f"--key: {error}") from None
    with app_for(db) as app:
        user = accounts.find_user(app.uow(), username)
        try:
            yield app, Actor.of(user), ServerSigned(signer)
        except InputError as error:
            if error.field == "public_key":
                raise fail(f"--key: not a key registered for {username}: {error.reason}") from None
            raise
