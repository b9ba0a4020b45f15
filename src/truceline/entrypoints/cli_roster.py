"""`truceline roster ...` and `truceline hotline ...`: duty periods, handovers and messages."""

from __future__ import annotations

import typer

roster_cli = typer.Typer(
    help="The roster: duty periods, handovers, who is on duty now.", no_args_is_help=True
)
hotline_cli = typer.Typer(
    help="The hotline: messages between the sides' officers.", no_args_is_help=True
)
