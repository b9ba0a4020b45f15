"""`truceline restrictions ...` and `truceline observations ...`: record, list and count."""

from __future__ import annotations

import typer

restrictions_cli = typer.Typer(
    help="Access restrictions: patrols or monitors denied or delayed.", no_args_is_help=True
)
observations_cli = typer.Typer(help="Observations that bear on provisions.", no_args_is_help=True)
