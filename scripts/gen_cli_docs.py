"""Write docs/cli.md, the command-line reference, from the `--help` of every command.

Run from the repository root:

    .venv/bin/python scripts/gen_cli_docs.py          # rewrite docs/cli.md
    .venv/bin/python scripts/gen_cli_docs.py --check  # exit 1 when docs/cli.md is stale

The help is rendered in-process, the way `truceline ... --help` renders it
(Typer with Rich), at a fixed width of 100 columns and without colour, so the
file is the same on every machine and in every terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import typer
import typer.core
import typer.main
import typer.rich_utils

from truceline.entrypoints.cli import cli

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "docs" / "cli.md"
WIDTH = 100
PROG = "truceline"

HEADER = """\
# Command line reference

Every `truceline` command with its `--help`, as the program prints it. This page
is generated: after changing a command, run `.venv/bin/python
scripts/gen_cli_docs.py` to rewrite it (`--check` only tells whether it is
stale; the test suite runs the same check).

Errors are printed on stderr as `error: ...`, and the command exits with code 2;
problems in an agreement pack are listed one per line as `file:where: reason`
before that line (see [the pack format](pack-format.md)). `--db` takes a
database URL or the path of a SQLite file; without it the setting
`TRUCELINE_DATABASE_URL` applies (see [configuration](configuration.md)).
"""


@contextlib.contextmanager
def plain_help(width: int = WIDTH) -> Iterator[None]:
    """Make Typer's Rich help a fixed width, colourless and not a terminal, then restore it.

    Typer reads its width from TERMINAL_WIDTH once, at import; setting its
    module values here works even when Typer was imported long before.
    """
    saved = (
        typer.rich_utils.MAX_WIDTH,
        typer.rich_utils.COLOR_SYSTEM,
        typer.rich_utils.FORCE_TERMINAL,
    )
    typer.rich_utils.MAX_WIDTH = width
    typer.rich_utils.COLOR_SYSTEM = None
    typer.rich_utils.FORCE_TERMINAL = False
    try:
        yield
    finally:
        (
            typer.rich_utils.MAX_WIDTH,
            typer.rich_utils.COLOR_SYSTEM,
            typer.rich_utils.FORCE_TERMINAL,
        ) = saved


def commands(app: typer.Typer = cli) -> Iterator[tuple[str, typer.Context]]:
    """Every command of the app, groups before their subcommands: its full name and context."""
    root = typer.main.get_command(app)
    context = typer.Context(root, info_name=PROG, terminal_width=WIDTH, max_content_width=WIDTH)
    yield from _walk(context)


def _walk(context: typer.Context) -> Iterator[tuple[str, typer.Context]]:
    yield context.command_path, context
    group = context.command
    if not isinstance(group, typer.core.TyperGroup):
        return
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        child = typer.Context(
            command,
            parent=context,
            info_name=name,
            terminal_width=WIDTH,
            max_content_width=WIDTH,
        )
        yield from _walk(child)


def help_text(context: typer.Context) -> str:
    """The command's `--help`, as plain text without trailing spaces."""
    printed = io.StringIO()
    with plain_help(), contextlib.redirect_stdout(printed):
        # Rich prints the help; plain click would return it instead.
        returned = context.command.get_help(context)
    text = printed.getvalue() + returned
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip("\n")


def render(app: typer.Typer = cli) -> str:
    """The whole of docs/cli.md."""
    parts = [HEADER]
    for name, context in commands(app):
        parts.append(f"## {name}\n\n```text\n{help_text(context)}\n```\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check that the file is up to date"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write or check")
    args = parser.parse_args(argv)
    text = render()
    current = args.output.read_text(encoding="utf-8") if args.output.is_file() else None
    if args.check:
        if current != text:
            print(f"{args.output} is stale: run python scripts/gen_cli_docs.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    if current == text:
        print(f"{args.output} is already up to date")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
