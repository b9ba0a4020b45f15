"""Charts drawn on the server with matplotlib, as SVG text for pages and (later) PDF bulletins.

Figures are built with the object API on the Agg canvas (no pyplot, so no
global figure state and nothing shared between requests), with settings
scoped to each drawing. Text is drawn as paths from the fonts matplotlib
ships, so the SVG names no font and loads nothing; ids are salted with a
fixed value and the file carries no date, so the same points always give the
same bytes.

In `score_timeline_svg` every assessed period is one marker whose SVG
element has the id ``point-<period>`` (``point-2020-W12``), and each score
a disagreeing party holds is a cross with the id
``disagree-<period>-<party>``: tests and bulletins can find them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from truceline.domain.assessment_records import AssessmentState, TimelinePoint
from truceline.domain.assessments import SCORE_NAMES

#: The marker colour of each state: agreed scores solid, open or disputed ones set apart.
STATE_COLOURS: dict[AssessmentState, str] = {
    AssessmentState.SUGGESTED: "#9ca3af",
    AssessmentState.CONFIRMED_BY_ONE: "#60a5fa",
    AssessmentState.CONFIRMED_BY_BOTH: "#15803d",
    AssessmentState.DISPUTED: "#dc2626",
    AssessmentState.SUPERSEDED: "#d1d5db",
}
_LINE = "#374151"
_PARTY_COLOURS = ("#7c3aed", "#ea580c", "#0891b2", "#a16207")


def score_timeline_svg(
    points: Sequence[TimelinePoint],
    *,
    title: str = "",
    party_colours: dict[str, str] | None = None,
    width_in: float = 6.4,
    height_in: float = 2.2,
) -> str:
    """A provision's scores over its periods as an SVG document (text).

    The x axis has one place per period, labelled 2020-W12 or 2020-03; the y
    axis is the scale 0 to 3. A line joins consecutive assessed periods; a
    period without an assessment leaves a gap.
    """
    colours = dict(party_colours or {})
    with matplotlib.rc_context(
        {
            "svg.fonttype": "path",
            "svg.hashsalt": "truceline",
            "font.family": "DejaVu Sans",
            "font.size": 9.0,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        figure = Figure(figsize=(width_in, height_in), dpi=72)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        xs = list(range(len(points)))
        scores = [float("nan") if p.score is None else float(p.score) for p in points]
        axes.plot(xs, scores, color=_LINE, linewidth=1.2, zorder=1, gid="scores")
        parties: list[str] = []
        labelled: set[str] = set()
        for x, point in zip(xs, points, strict=True):
            if point.score is None or point.state is None:
                continue
            axes.plot(
                [x],
                [point.score],
                linestyle="none",
                marker="o",
                markersize=7,
                markerfacecolor=STATE_COLOURS[point.state],
                markeredgecolor=_LINE,
                zorder=3,
                gid=f"point-{point.period.label}",
            )
            for party, score in point.disagreements:
                if party not in parties:
                    parties.append(party)
                colour = colours.get(party) or _PARTY_COLOURS[parties.index(party) % 4]
                axes.plot(
                    [x + 0.12],
                    [score],
                    linestyle="none",
                    marker="x",
                    markersize=6,
                    color=colour,
                    zorder=2,
                    gid=f"disagree-{point.period.label}-{party}",
                    label=f"{party}'s own score" if party not in labelled else None,
                )
                labelled.add(party)
        axes.set_ylim(-0.4, 3.4)
        axes.set_yticks(list(SCORE_NAMES), [f"{s} {n}" for s, n in SCORE_NAMES.items()])
        axes.set_xlim(-0.5, max(len(points), 1) - 0.5)
        step = max(1, len(points) // 12)
        axes.set_xticks(xs[::step], [p.period.label for p in points][::step])
        axes.tick_params(axis="x", labelrotation=45 if len(points) > 6 else 0)
        axes.grid(axis="y", color="#e5e7eb", linewidth=0.6)
        if labelled:
            axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
        if title:
            axes.set_title(title, loc="left", fontsize=9)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def inline(svg: str) -> str:
    """An SVG document without its XML declaration and DOCTYPE, to sit inside an HTML page."""
    return svg[svg.index("<svg") :]
