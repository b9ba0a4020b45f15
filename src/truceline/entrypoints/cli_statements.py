"""`truceline statements ...`: draft, revise, approve, publish, record a claim, list, show.

Reading runs as the server's operator. Every change is made as a user and
signed with that user's own key (`--as USERNAME --key PEM`). Approving
names the version and the SHA-256 of its text, as `statements show` prints
them: the officer's key signs exactly that digest. Bad input exits with
code 2 and ``field: reason``; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from truceline.domain.statements import Statement, StatementKind, StatementState
from truceline.entrypoints.api.statement_schemas import statement_out
from truceline.entrypoints.cli_support import (
    AgreementOption,
    AsOption,
    DbOption,
    KeyOption,
    acting,
    app_for,
    fail,
    out,
)
from truceline.services import statement_claims, statements
from truceline.services.statement_queries import list_statements, statement_view

statements_cli = typer.Typer(
    help="Statements: joint statements (draft, approve, publish) and each party's claims.",
    no_args_is_help=True,
)

StatementArg = Annotated[str, typer.Argument(help="The statement's id (stm_...).")]
Title = Annotated[str | None, typer.Option(help="The title, one line.")]
BodyFile = Annotated[
    Path | None,
    typer.Option("--body-file", help="A UTF-8 file with the Markdown text ('-' for stdin)."),
]
Body = Annotated[str | None, typer.Option("--body", help="The Markdown text itself.")]
Incidents = Annotated[
    list[str] | None, typer.Option("--incident", help="An incident it is about, repeatable.")
]
Provisions = Annotated[
    list[str] | None, typer.Option("--provision", help="A provision it is about, repeatable.")
]


def read_body(body: str | None, body_file: Path | None) -> str | None:
    """The Markdown text from --body or --body-file (not both)."""
    if body is not None and body_file is not None:
        raise fail("--body, --body-file: give one of them")
    if body_file is None:
        return body
    if str(body_file) == "-":
        return typer.get_text_stream("stdin").read()
    try:
        return body_file.read_text(encoding="utf-8")
    except OSError as error:
        raise fail(f"--body-file: {body_file}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise fail(f"--body-file: {body_file}: not UTF-8 text") from None


def text_data(
    title: str | None,
    body: str | None,
    incidents: list[str] | None,
    provisions: list[str] | None,
    current: Statement | None = None,
) -> dict[str, Any]:
    """The text of a command: what is given, the current version's for what is not."""
    old = None if current is None else current.text
    if title is None and old is None:
        raise fail("--title: give the statement's title")
    if body is None and old is None:
        raise fail("--body, --body-file: give the statement's text")
    return {
        "title": title if title is not None else old.title if old else "",
        "body": body if body is not None else old.body if old else "",
        "incidents": incidents if incidents is not None else list(old.incidents if old else ()),
        "provisions": provisions if provisions is not None else list(old.provisions if old else ()),
    }


def print_statement(statement: Statement) -> None:
    """Where a statement stands: its state, version, digest and who approved."""
    current = statement.current
    out.print(f"{statement.id} (No. {statement.number}, {statement.kind}): {statement.state}")
    out.print(f"version {current.number}: {current.text.title}", markup=False)
    out.print(f"text_sha256 {current.sha256}")
    if statement.kind is StatementKind.JOINT:
        out.print(f"approved by: {', '.join(statement.approved_by) or 'no one yet'}")
        if statement.awaiting:
            out.print(f"awaiting: {', '.join(statement.awaiting)}")


# --- the joint statement's life ------------------------------------------------------------


@statements_cli.command("draft")
def statements_draft(
    as_user: AsOption,
    key: KeyOption,
    title: Title = None,
    body: Body = None,
    body_file: BodyFile = None,
    incident: Incidents = None,
    provision: Provisions = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Draft a joint statement (an information-group member); prints its id and digest."""
    data = text_data(title, read_body(body, body_file), incident, provision)
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        done = statements.draft_statement(
            app.uow(), actor, signing, found, data, app.now(), now=app.now
        )
    print_statement(done)


@statements_cli.command("revise")
def statements_revise(
    statement_id: StatementArg,
    as_user: AsOption,
    key: KeyOption,
    title: Title = None,
    body: Body = None,
    body_file: BodyFile = None,
    incident: Incidents = None,
    provision: Provisions = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """A new version; what is not given stays as it is. Every approval so far becomes void."""
    text = read_body(body, body_file)
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        current = statement_view(app.uow(), found.id, statement_id).statement
        data = text_data(title, text, incident, provision, current)
        done = statements.revise_statement(
            app.uow(), actor, signing, found, statement_id, data, app.now(), now=app.now
        )
    print_statement(done)


@statements_cli.command("approve")
def statements_approve(
    statement_id: StatementArg,
    as_user: AsOption,
    key: KeyOption,
    version: Annotated[int, typer.Option(help="The version you read (`statements show`).")],
    sha256: Annotated[
        str, typer.Option("--sha256", help="The text_sha256 of that version: what your key signs.")
    ],
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Approve the current version for your party (its authorized officer)."""
    data = {"version": version, "text_sha256": sha256}
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        done = statements.approve_statement(
            app.uow(), actor, signing, found, statement_id, data, app.now(), now=app.now
        )
    print_statement(done)


@statements_cli.command("publish")
def statements_publish(
    statement_id: StatementArg,
    as_user: AsOption,
    key: KeyOption,
    version: Annotated[int | None, typer.Option(help="The version to publish.")] = None,
    sha256: Annotated[
        str | None, typer.Option("--sha256", help="Its text_sha256 (refused if it changed).")
    ] = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Publish a statement every guarantor approved (an information-group member)."""
    data: dict[str, Any] = {}
    if version is not None:
        data["version"] = version
    if sha256 is not None:
        data["text_sha256"] = sha256
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        done = statements.publish_statement(
            app.uow(), actor, signing, found, statement_id, data, app.now(), now=app.now
        )
    print_statement(done)


@statements_cli.command("claim")
def statements_claim(
    as_user: AsOption,
    key: KeyOption,
    title: Title = None,
    body: Body = None,
    body_file: BodyFile = None,
    incident: Incidents = None,
    provision: Provisions = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Record your party's unilateral statement: its claim, published at once."""
    data = text_data(title, read_body(body, body_file), incident, provision)
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        done = statement_claims.record_claim(
            app.uow(), actor, signing, found, data, app.now(), now=app.now
        )
    print_statement(done)


# --- reading -------------------------------------------------------------------------------


@statements_cli.command("list")
def statements_list(
    state: Annotated[StatementState | None, typer.Option(help="Only in this state.")] = None,
    kind: Annotated[StatementKind | None, typer.Option(help="joint or unilateral.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines, one per statement.")] = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """The statements, newest first: drafts, approvals under way, published, claims."""
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        items = list_statements(app.uow(), found.id, state=state, kind=kind)
    if as_json:
        for item in items:
            out.print(statement_out(item).model_dump_json(), markup=False)
        return
    table = Table("id", "no.", "kind", "party", "state", "version", "approved by", "title")
    for s in items:
        cells = (
            s.id,
            str(s.number),
            str(s.kind),
            s.party or "",
            str(s.state),
            str(s.current.number),
            ", ".join(s.approved_by),
            s.text.title,
        )
        table.add_row(*(Text(c) for c in cells))
    out.print(table)


@statements_cli.command("show")
def statements_show(
    statement_id: StatementArg,
    as_json: Annotated[bool, typer.Option("--json", help="As the API gives it.")] = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """One statement: its text, the digest an approver signs, every approval."""
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        view = statement_view(app.uow(), found.id, statement_id)
    shown = statement_out(view.statement, view)
    if as_json:
        out.print(shown.model_dump_json(indent=2), markup=False)
        return
    print_statement(view.statement)
    out.print("")
    out.print(view.statement.text.body, markup=False)
    out.print("")
    for approval in shown.approvals:
        checked = "verified" if approval.signature_verified else "NOT VERIFIED"
        void = f", void (version {approval.voided_by})" if approval.void else ""
        out.print(
            f"approval: {approval.party} version {approval.version} "
            f"{approval.text_sha256} by {approval.approver}, log entry {approval.ledger_seq}, "
            f"signature {checked}{void}",
            markup=False,
        )
