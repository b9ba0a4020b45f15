"""`truceline ingest`, `truceline candidates ...` and `truceline sources ...`: open-source intake.

`ingest` reads a URL, a file, a feed or a folder, finds the sentences that
state past incidents and queues them as candidates, as the operator (like
an import) or as a user (`--as`, `--key`). With `--dry-run` it writes
nothing and shows what it would queue; `--format json` prints that as JSON.
Reviewing (accept, merge, edit, reject) is done as a user, signed with the
user's own key. Bad input exits with code 2 and ``field: reason``; nothing
is written then.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from truceline.adapters.intake.fetch import DEFAULT_MAX_BYTES, Fetcher
from truceline.adapters.intake.pipeline import Pipeline
from truceline.adapters.intake.sources import documents
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.intake import Candidate, CandidateStatus, Extraction
from truceline.domain.intake_records import candidate_to_dict, document_to_dict
from truceline.entrypoints.cli_support import (
    AgreementOption,
    DbOption,
    acting,
    app_for,
    err,
    fail,
    out,
)
from truceline.services import intake, intake_review
from truceline.services.authorship import ServerSigned

candidates_cli = typer.Typer(
    help="The review queue of incident candidates: list, show, accept, merge, edit, reject.",
    no_args_is_help=True,
)
sources_cli = typer.Typer(
    help="The source registry: each outlet's default Admiralty grade.", no_args_is_help=True
)


class Format(StrEnum):
    """How results are printed."""

    TEXT = "text"
    JSON = "json"


AsUser = Annotated[
    str | None, typer.Option("--as", help="Act as this user (with --key); the operator otherwise.")
]
KeyFile = Annotated[Path | None, typer.Option("--key", help="That user's private key (PEM).")]
FormatOption = Annotated[Format, typer.Option("--format", help="text or json.")]


def http_transport() -> httpx.BaseTransport | None:
    """The transport of outbound HTTP: httpx's own (tests replace this function)."""
    return None


@contextmanager
def _actor(
    db: str | None, as_user: str | None, key: Path | None
) -> Iterator[tuple[App, Actor, ServerSigned]]:
    if as_user is None:
        if key is not None:
            raise fail("--key: give --as too")
        with app_for(db) as app:
            yield app, Actor.operator(), ServerSigned(app.log.signer)
        return
    if key is None:
        raise fail("--key: give the private key of --as")
    with acting(db, as_user, key) as acted:
        yield acted


def _json(value: Any) -> None:
    out.print(json.dumps(value, ensure_ascii=False, indent=2), markup=False, highlight=False)


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    """A candidate as `ingest --format json` prints it: the sentence and every field read."""
    whole = candidate_to_dict(candidate)
    finding = whole.pop("finding")
    return {"id": whole["id"], "status": whole["status"], **finding, **whole}


def _print_candidates(title: str, candidates: tuple[Candidate, ...] | list[Candidate]) -> None:
    table = Table(title=title, show_lines=True)
    for column in ("id", "when", "where", "type", "sentence"):
        table.add_column(column, overflow="fold")
    for c in candidates:
        f = c.finding
        when = "" if f.dates is None else f"{f.dates.start}..{f.dates.end} ({f.dates.precision})"
        where = "" if f.place is None else f"{f.place.name} ({f.place.precision})"
        dupes = f"\nmay duplicate {', '.join(d.incident_id for d in c.duplicates)}" * bool(
            c.duplicates
        )
        table.add_row(c.id, when, where, f"{f.event_type}: {f.sub_event_type}", f.sentence + dupes)
    out.print(table)


def ingest(
    target: Annotated[str, typer.Argument(help="A URL, a file, a feed or a folder of files.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing: show what would be queued.")
    ] = False,
    fmt: FormatOption = Format.TEXT,
    site: Annotated[
        str, typer.Option("--site", help="The outlet of local files (for its grade).")
    ] = "",
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Refuse texts larger than this.")
    ] = DEFAULT_MAX_BYTES,
    as_user: AsUser = None,
    key: KeyFile = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Read texts into incident candidates for review (as the operator, or --as a user)."""
    with _actor(db, as_user, key) as (app, actor, signing):
        chosen = app.geography(agreement).agreement
        pipeline = Pipeline(chosen)
        at = app.now()
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with (
            Fetcher(http_transport(), max_bytes=max_bytes) as fetcher,
            Progress(*columns, console=err, transient=True) as bar,
        ):
            task = bar.add_task(f"reading {target}", total=None)
            found = documents(target, fetcher, at, site=site)
            bar.update(task, total=len(found), description="finding incidents")
            extractions: list[Extraction] = []
            for document in found:
                extractions.append(pipeline.run(document))
                bar.advance(task)
            bar.update(task, completed=0, description="queueing" if not dry_run else "checking")
            results: list[tuple[Extraction, tuple[Candidate, ...], bool]] = []
            for extraction in extractions:
                if dry_run:
                    shown = intake.preview(app.uow(), chosen, extraction, at, intake.IntakePolicy())
                    results.append((extraction, shown, True))
                else:
                    done = intake.ingest(
                        app.uow(),
                        actor,
                        signing,
                        chosen,
                        extraction,
                        at,
                        command={"target": target, "site": site},
                        now=app.now,
                    )
                    results.append((extraction, done.candidates, done.new))
                bar.advance(task)
    _report(results, fmt, dry_run)


def _report(
    results: list[tuple[Extraction, tuple[Candidate, ...], bool]], fmt: Format, dry_run: bool
) -> None:
    if fmt is Format.JSON:
        _json(
            {
                "written": not dry_run,
                "documents": [
                    {
                        "document": document_to_dict(extraction.document),
                        "new": new,
                        "sentences": extraction.sentences,
                        "candidates": [candidate_json(c) for c in candidates],
                    }
                    for extraction, candidates, new in results
                ],
            }
        )
        return
    for extraction, candidates, new in results:
        doc = extraction.document
        state = "would queue" if dry_run else ("queued" if new else "already ingested:")
        out.print(
            f"{doc.id} {doc.title or doc.url or doc.site}: {extraction.sentences} sentences, "
            f"{state} {len(candidates)} candidate(s)",
            markup=False,
        )
        if candidates:
            _print_candidates(doc.title or doc.id, candidates)


# --- the review queue ------------------------------------------------------------------


@candidates_cli.command("list")
def candidates_list(
    status: Annotated[
        CandidateStatus | None, typer.Option(help="Only these (pending by default).")
    ] = CandidateStatus.PENDING,
    document: Annotated[str | None, typer.Option(help="Only those of this document.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    fmt: FormatOption = Format.TEXT,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """The review queue, oldest first."""
    with app_for(db) as app:
        chosen = app.geography(agreement).agreement
        found = intake.queue(app.uow(), chosen.id, status=status, document_id=document, limit=limit)
    if fmt is Format.JSON:
        _json([candidate_json(c) for c in found])
    else:
        _print_candidates(f"{len(found)} candidate(s)", found)


@candidates_cli.command("show")
def candidates_show(
    candidate_id: Annotated[str, typer.Argument(help="A cand_… id.")],
    db: DbOption = None,
) -> None:
    """One candidate whole, as JSON."""
    with app_for(db) as app, app.uow() as uow:
        found = uow.intake.candidate(candidate_id)
    if found is None:
        raise fail(f"no candidate {candidate_id!r}")
    _json(candidate_json(found))


def _changes(changes: Path | None) -> dict[str, Any] | None:
    if changes is None:
        return None
    try:
        data = json.loads(changes.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise fail(f"--changes: {error}") from None
    if not isinstance(data, dict):
        raise fail("--changes: the file holds a JSON object of fields to change")
    return data


Changes = Annotated[
    Path | None,
    typer.Option("--changes", help="A JSON file of corrections: dates, place, event_type..."),
]
AsOption = Annotated[str, typer.Option("--as", help="The username of who acts.")]
KeyOption = Annotated[Path, typer.Option("--key", help="That user's private key (PEM).")]


@candidates_cli.command("accept")
def candidates_accept(
    candidate_id: Annotated[str, typer.Argument(help="A cand_… id.")],
    as_user: AsOption,
    key: KeyOption,
    into: Annotated[
        str | None, typer.Option("--into", help="Merge into this incident instead of a new one.")
    ] = None,
    changes: Changes = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Accept a candidate: a report on a new incident, or on --into an existing one."""
    with acting(db, as_user, key) as (app, actor, signing):
        done = intake_review.accept(
            app.uow(),
            actor,
            signing,
            app.enricher(agreement),
            candidate_id,
            _changes(changes),
            app.now(),
            into=into,
            policy=app.duplicate_policy,
            now=app.now,
        )
    c = done.candidate
    out.print(f"{c.id}: {c.status} as report {c.report_id} of {c.incident_id}", markup=False)


@candidates_cli.command("edit")
def candidates_edit(
    candidate_id: Annotated[str, typer.Argument(help="A cand_… id.")],
    as_user: AsOption,
    key: KeyOption,
    changes: Annotated[Path, typer.Option("--changes", help="A JSON file of corrections.")],
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Correct what was read in a pending candidate."""
    data = _changes(changes) or {}
    with acting(db, as_user, key) as (app, actor, signing):
        chosen = app.geography(agreement).agreement
        done = intake_review.edit(
            app.uow(), actor, signing, chosen.id, candidate_id, data, app.now(), now=app.now
        )
    _json(candidate_json(done.candidate))


@candidates_cli.command("reject")
def candidates_reject(
    candidate_id: Annotated[str, typer.Argument(help="A cand_… id.")],
    as_user: AsOption,
    key: KeyOption,
    note: Annotated[str, typer.Option("--note", help="Why it is rejected.")],
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Reject a pending candidate, saying why."""
    with acting(db, as_user, key) as (app, actor, signing):
        chosen = app.geography(agreement).agreement
        done = intake_review.reject(
            app.uow(), actor, signing, chosen.id, candidate_id, note, app.now(), now=app.now
        )
    out.print(f"{done.candidate.id}: rejected", markup=False)


# --- the source registry ---------------------------------------------------------------


@sources_cli.command("list")
def sources_list(db: DbOption = None) -> None:
    """Every outlet graded, with its default grade."""
    with app_for(db) as app:
        found = intake.sources(app.uow())
    table = Table(title=f"{len(found)} outlet(s); any other is graded F6")
    for column in ("site", "grade", "name", "note"):
        table.add_column(column)
    for s in found:
        table.add_row(s.site, str(s.grade), s.name, s.note)
    out.print(table)


@sources_cli.command("grade")
def sources_grade(
    site: Annotated[str, typer.Argument(help="A site (example.org) or an outlet's name.")],
    grade: Annotated[str, typer.Argument(help="Admiralty grade such as B2.")],
    name: Annotated[str, typer.Option(help="The outlet's name as reports cite it.")] = "",
    note: Annotated[str, typer.Option(help="Why this grade.")] = "",
    as_user: AsUser = None,
    key: KeyFile = None,
    db: DbOption = None,
) -> None:
    """Set an outlet's default grade (as the operator, or --as a user)."""
    with _actor(db, as_user, key) as (app, actor, signing):
        entry = intake_review.grade_source(
            app.uow(), actor, signing, site, grade, app.now(), name=name, note=note, now=app.now
        )
    out.print(f"{entry.site}: {entry.grade}", markup=False)


def register(cli: typer.Typer) -> None:
    """Add `ingest`, `candidates` and `sources` to the command line."""
    cli.command("ingest")(ingest)
    cli.add_typer(candidates_cli, name="candidates")
    cli.add_typer(sources_cli, name="sources")
