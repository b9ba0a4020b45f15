"""`truceline patrols ...`: plan, acknowledge, start, checkpoints, tracks, outcome, statistics."""

from __future__ import annotations

import typer

patrols_cli = typer.Typer(
    help="Joint patrols: plan, run, end, and statistics.", no_args_is_help=True
)
