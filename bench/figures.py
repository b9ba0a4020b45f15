"""The closing JSON line of every benchmark: one figure against its baseline and target."""

from __future__ import annotations

import json


def figure(
    bench: str,
    metric: str,
    value: float,
    unit: str,
    baseline: float | None,
    target: float | None,
    *,
    digits: int = 3,
) -> dict[str, object]:
    """A figure as the JSON object the benchmarks print, its ratio computed from the baseline."""
    return {
        "bench": bench,
        "metric": metric,
        "value": round(value, digits),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, digits),
        "ratio": None if not baseline else round(value / baseline, 3),
        "target": target,
    }


def print_figures(figures: list[dict[str, object]]) -> None:
    """One JSON line per figure, the last lines of the benchmark's output."""
    for item in figures:
        print(json.dumps(item))
