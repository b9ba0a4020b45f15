"""`truceline ledger ...`: checkpoints, export, offline verification, the witness, a listing.

Exit codes: 0 success (a bundle valid, a log consistent); 1 a bundle or a
checkpoint that does not verify; 2 an input or a server that cannot be read;
3 a fork seen by the witness.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from truceline.adapters.ledger_client import LedgerClient
from truceline.adapters.signing import Ed25519Signer
from truceline.domain.errors import ConflictError, TrucelineError
from truceline.entrypoints.cli_support import DbOption, app_for, err, open_app, out
from truceline.services.ledger import entries_page, publish_checkpoint
from truceline.services.ledger_verify import (
    VerifyReport,
    export_bundle,
    remote_bundle,
    verify_bundle,
)
from truceline.services.witness import WitnessStatus, witness

if TYPE_CHECKING:
    pass

ledger_cli = typer.Typer(
    help="The signed transparency log: checkpoints, export, verify, witness.",
    no_args_is_help=True,
)


LogKeyOption = Annotated[
    str | None,
    typer.Option(
        "--log-key",
        help="The log's verifier key (text, or a file holding it) you trust; "
        "default: the bundle's or server's own.",
    ),
]

INVALID, UNREADABLE, FORK = 1, 2, 3


def stop(message: str, code: int = UNREADABLE) -> typer.Exit:
    """Print `message` on stderr and return the exit to raise."""
    err.print(f"error: {message}", markup=False)
    return typer.Exit(code=code)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr; yields the callback (done, total) that moves it."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    ) as progress:
        task = progress.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance


def remote(url: str) -> LedgerClient:
    """The client of the log at ``url`` (tests replace this to inject an httpx transport)."""
    return LedgerClient(url)


def key_text(value: str | None) -> str | None:
    """A verifier key given as text, or as the path of a file holding it."""
    if value is None:
        return None
    path = Path(value).expanduser()
    if "+" not in value and path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return value.strip()


@ledger_cli.command("checkpoint")
def checkpoint(db: DbOption = None) -> None:
    """Sign and publish a checkpoint of the log now, and print it."""
    with app_for(db) as app:
        note = publish_checkpoint(app.uow(), app.log, app.now)
    out.print(note.text(), end="", markup=False)


@ledger_cli.command("export")
def export(
    out_file: Annotated[Path, typer.Option("--out", help="The bundle file to write (JSON Lines).")],
    db: DbOption = None,
) -> None:
    """Publish a checkpoint, then write the log up to it as a self-contained bundle."""
    app = open_app(db)
    try:
        try:
            publish_checkpoint(app.uow(), app.log, app.now)
        except ConflictError as error:
            err.print(f"warning: no new checkpoint: {error}", markup=False)
        with progress_bar("exporting") as advance:
            result = export_bundle(app.uow(), app.log, out_file, advance)
    except TrucelineError as error:
        raise stop(str(error)) from error
    except OSError as error:
        raise stop(f"{out_file}: {error.strerror}") from error
    finally:
        app.close()
    err.print(f"wrote {result.path}: {result.entries} entries, checkpoint size {result.size}")


@ledger_cli.command("verify")
def verify(
    source: Annotated[str, typer.Argument(help="A bundle file, or the URL of a Truceline server.")],
    log_key: LogKeyOption = None,
    witness_key: Annotated[
        list[str] | None,
        typer.Option(
            "--witness-key", help="Require a valid cosignature by this witness (repeatable)."
        ),
    ] = None,
) -> None:
    """Recompute every leaf, signature and the tree head; name the first bad entry and why.

    Exit 0 when valid, 1 when not (the first bad entry and the reason on stderr),
    2 when the bundle or the server cannot be read.
    """
    try:
        report = _verify(source, key_text(log_key), [k for k in witness_key or [] if k])
    except TrucelineError as error:
        raise stop(str(error)) from error
    except OSError as error:
        raise stop(f"{source}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise stop(f"{source}: not UTF-8 text: {error.reason}") from error
    if report.valid:
        out.print(report.summary(), markup=False)
        return
    err.print(report.summary(), markup=False)
    raise typer.Exit(code=INVALID)


def _verify(source: str, log_key: str | None, witness_keys: list[str]) -> VerifyReport:
    with progress_bar("verifying") as advance:
        if source.startswith(("http://", "https://")):
            with remote(source) as client:
                return verify_bundle(
                    remote_bundle(client),
                    log_key=log_key,
                    witness_keys=witness_keys,
                    progress=advance,
                )
        with Path(source).open(encoding="utf-8") as lines:
            return verify_bundle(
                lines, log_key=log_key, witness_keys=witness_keys, progress=advance
            )


@ledger_cli.command("witness")
def witness_command(
    url: Annotated[str, typer.Argument(help="The URL of the Truceline server to watch.")],
    state: Annotated[
        Path, typer.Option("--state", help="This witness's folder: last checkpoint, evidence.")
    ],
    key: Annotated[
        Path,
        typer.Option("--key", help="This witness's Ed25519 private key (PEM); created if missing."),
    ],
    name: Annotated[str, typer.Option("--name", help="This witness's key name.")],
    log_key: LogKeyOption = None,
) -> None:
    """Check the log's latest checkpoint is consistent with the last seen; cosign it.

    Exit 0 when consistent (cosigned), 3 on a fork (with the evidence files), 1
    when the checkpoint does not verify, 2 when the server cannot be read.
    """
    try:
        signer = _witness_key(key)
        with remote(url) as client:
            result = witness(client, state, name, signer, key_text(log_key))
    except TrucelineError as error:
        raise stop(str(error)) from error
    except OSError as error:
        raise stop(f"{error.filename or state}: {error.strerror}") from error
    if result.status is WitnessStatus.FORK:
        err.print(f"FORK: {result.reason}", markup=False)
        for path in result.evidence:
            err.print(f"  evidence: {path}", markup=False)
        raise typer.Exit(code=FORK)
    if not result.consistent:
        err.print(f"invalid: {result.reason}", markup=False)
        raise typer.Exit(code=INVALID)
    out.print(f"{result.status}: {result.reason}; cosigned size {result.size}", markup=False)
    if not result.submitted:
        err.print(f"warning: the log did not take the cosignature: {result.submit_error}")


def _witness_key(path: Path) -> Ed25519Signer:
    try:
        return Ed25519Signer.load(path)
    except FileNotFoundError:
        signer = Ed25519Signer.generate()
        signer.save(path)
        err.print(f"generated a new witness key at {path} (key id {signer.key_id})")
        return signer
    except ValueError as error:
        raise stop(str(error)) from error


@ledger_cli.command("show")
def show(
    db: DbOption = None,
    start: Annotated[int, typer.Option(min=0, help="The first entry (seq).")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=5000, help="Most entries to show.")] = 20,
) -> None:
    """List entries of the log: seq, time, event, actor, party, subject and key."""
    with app_for(db) as app:
        page = entries_page(app.uow(), start, limit)
    table = Table()
    for name in ("seq", "time (UTC)", "event", "actor", "party", "subject", "key id"):
        table.add_column(name, overflow="fold")
    for entry, _ in page.entries:
        table.add_row(
            str(entry.seq),
            entry.time.strftime("%Y-%m-%d %H:%M:%S"),
            entry.event,
            entry.actor,
            entry.party or "",
            entry.subject,
            entry.key_id,
        )
    out.print(table)
    err.print(f"{len(page.entries)} of {page.size} entries")
