"""`truceline incidents import | export`: ACLED and UCDP files in, files with a manifest out."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from truceline.adapters.interchange import ImportedRow, RejectedRow
from truceline.adapters.interchange.acled import iter_acled
from truceline.adapters.interchange.ucdp import iter_ucdp
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.reports import Channel
from truceline.domain.verification import VerificationStatus
from truceline.entrypoints.cli_support import AgreementOption, DbOption, app_for, err, fail, out
from truceline.services.authorship import ServerSigned
from truceline.services.incident_exchange import (
    ExportFormat,
    ImportCounts,
    ImportFormat,
    export_incidents,
    file_digest,
    import_rows,
)
from truceline.services.incident_queries import check_filter
from truceline.services.incident_store import IncidentFilter


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read from it (for a progress bar)."""

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self._on_read(len(data))
        return len(data)


def guess_format(path: Path) -> ImportFormat:
    """ACLED or UCDP, from the file's header row."""
    with path.open("rb") as raw:
        binary = gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw
        stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        header = next(csv.reader(stream), [])
    if "event_id_cnty" in header:
        return ImportFormat.ACLED
    if "type_of_violence" in header:
        return ImportFormat.UCDP
    raise fail(f"{path}: line 1: neither ACLED (event_id_cnty) nor UCDP (type_of_violence) columns")


@contextmanager
def _rejects_file(path: Path) -> Iterator[Any]:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["line", "column", "reason", "row"])
        yield writer


def import_file(
    file: Annotated[Path, typer.Argument(help="An ACLED or UCDP GED CSV file (or .csv.gz).")],
    fmt: Annotated[
        ImportFormat | None,
        typer.Option("--format", help="The file's format; guessed from its header by default."),
    ] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="Import the good rows even when some are rejected.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="Where to write rejected rows [default: FILE.rejects.csv]."),
    ] = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Import incidents (as the operator): idempotent, all or nothing unless --partial."""
    if not file.is_file():
        raise fail(f"{file}: no such file")
    kind = fmt or guess_format(file)
    rejects_path = rejects or file.with_name(file.name + ".rejects.csv")
    with app_for(db) as app, file.open("rb") as raw:
        digest = file_digest(raw)
        raw.seek(0)
        size = file.stat().st_size
        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
        with (
            Progress(*columns, TimeRemainingColumn(), console=err, transient=True) as bar,
            _rejects_file(rejects_path) as writer,
        ):
            task = bar.add_task(f"importing {file.name}", total=size)
            counted = io.BufferedReader(_Counting(raw, lambda n: bar.advance(task, n)))
            binary = gzip.GzipFile(fileobj=counted) if file.suffix == ".gz" else counted
            stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
            reader = iter_acled if kind is ImportFormat.ACLED else iter_ucdp
            rows: Iterator[ImportedRow | RejectedRow] = reader(
                stream, entered_by="operator", received_at=app.now()
            )

            def reject(row: RejectedRow) -> None:
                for problem in row.problems:
                    values = json.dumps(dict(row.values), ensure_ascii=False)
                    writer.writerow([problem.line, problem.field, problem.reason, values])

            outcome = import_rows(
                app.uow(),
                Actor.operator(),
                ServerSigned(app.log.signer),
                app.enricher(agreement),
                rows,
                fmt=kind,
                file_name=file.name,
                file_sha256=digest,
                partial=partial,
                on_reject=reject,
                at=app.now(),
                now=app.now,
            )
    _print_counts(outcome.counts)
    if outcome.counts.rejected:
        err.print(f"rejected rows, each with its line and reason: {rejects_path}", markup=False)
    else:
        rejects_path.unlink(missing_ok=True)
    if outcome.counts.rejected and not partial:
        raise fail(
            f"{outcome.counts.rejected} row(s) rejected, so nothing was written "
            "(fix them, or pass --partial to import the good rows)"
        )
    if outcome.committed:
        out.print(f"recorded in the log as {outcome.import_id} (sha256 {digest[:16]}…)")
    else:
        out.print("nothing changed; nothing was written")


def _print_counts(counts: ImportCounts) -> None:
    out.print(
        f"inserted {counts.inserted}, updated {counts.updated}, "
        f"unchanged {counts.unchanged}, rejected {counts.rejected}"
    )


def export_file(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="The file's format.")],
    output: Annotated[
        Path,
        typer.Option("--out", help="The file to write; its manifest goes to OUT.manifest.json."),
    ],
    as_user: Annotated[
        str, typer.Option("--as", help="The user exporting (their role must allow export).")
    ],
    date_from: Annotated[
        str | None, typer.Option("--from", help="Incidents up to this date (YYYY-MM-DD)…")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="…and from this date.")] = None,
    zone: Annotated[str | None, typer.Option(help="Incidents in this zone.")] = None,
    responsible_party: Annotated[
        str | None, typer.Option(help="…answered for by this party.")
    ] = None,
    event_type: Annotated[str | None, typer.Option(help="…of this ACLED event type.")] = None,
    status: Annotated[VerificationStatus | None, typer.Option(help="…with this status.")] = None,
    provision: Annotated[str | None, typer.Option(help="…that may breach this provision.")] = None,
    channel: Annotated[Channel | None, typer.Option(help="…with a report of this channel.")] = None,
    reporting_party: Annotated[str | None, typer.Option(help="…reported by this party.")] = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Export the incidents the filters select, with a manifest (count, filters, sha256)."""
    with app_for(db) as app:
        enricher = app.enricher(agreement)
        user = _user(app, as_user)
        where = IncidentFilter(
            enricher.agreement.id,
            date_from=_day(date_from, "--from"),
            date_to=_day(date_to, "--to"),
            zone=zone,
            responsible_party=responsible_party,
            event_type=event_type,
            status=status,
            provision=provision,
            channel=channel,
            reporting_party=reporting_party,
        )
        check_filter(enricher.agreement, where)
        with output.open("w", encoding="utf-8", newline="") as stream:
            manifest = export_incidents(app.uow(), user, where, fmt, stream, app.now())
        manifest_path = output.with_name(output.name + ".manifest.json")
        manifest_path.write_text(manifest.to_json() + "\n", encoding="utf-8")
    out.print(f"wrote {manifest.count} incident(s) to {output} (sha256 {manifest.sha256[:16]}…)")
    out.print(f"manifest: {manifest_path}")
    for incident_id, reason in manifest.skipped:
        err.print(f"left out {incident_id}: {reason}", markup=False)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(option, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _user(app: App, username: str) -> Actor:
    with app.uow() as uow:
        user = uow.accounts.user_by_username(username)
    if user is None or user.disabled:
        raise NotFoundError(f"no active user {username!r}")
    return Actor.of(user)


def register(incidents_cli: typer.Typer) -> None:
    """Add `import` and `export` to the `truceline incidents` commands."""
    incidents_cli.command("import")(import_file)
    incidents_cli.command("export")(export_file)
