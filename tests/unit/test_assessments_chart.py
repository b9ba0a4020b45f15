"""The timeline chart: a valid SVG drawn on the server, one marker per assessed period."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from truceline.adapters.charts import inline, score_timeline_svg
from truceline.domain.assessment_periods import PeriodKind, periods_between
from truceline.domain.assessment_records import AssessmentState, TimelinePoint

SVG = "{http://www.w3.org/2000/svg}"
PERIODS = periods_between(PeriodKind.WEEK, date(2020, 3, 2), date(2020, 4, 6))  # 6 weeks
S = AssessmentState


def points() -> list[TimelinePoint]:
    first, second, third, fourth, fifth, sixth = PERIODS
    return [
        TimelinePoint(first, 2, S.CONFIRMED_BY_BOTH, "asm_1"),
        TimelinePoint(second),
        TimelinePoint(third, 1, S.DISPUTED, "asm_3", (("ru", 3),)),
        TimelinePoint(fourth, 3, S.SUGGESTED, "asm_4"),
        TimelinePoint(fifth, 0, S.CONFIRMED_BY_ONE, "asm_5"),
        TimelinePoint(sixth),
    ]


def ids_of(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return [str(e.get("id")) for e in root.iter() if e.get("id")]


def test_the_chart_is_a_valid_svg_with_one_marker_per_assessed_period() -> None:
    svg = score_timeline_svg(points(), title="moscow-3-joint-patrols, weekly")
    ids = ids_of(svg)
    markers = sorted(i for i in ids if i.startswith("point-"))
    assert markers == ["point-2020-W10", "point-2020-W12", "point-2020-W13", "point-2020-W14"]
    assert [i for i in ids if i.startswith("disagree-")] == ["disagree-2020-W12-ru"]


def test_every_period_is_a_place_on_the_axis_even_without_an_assessment() -> None:
    svg = score_timeline_svg(points())
    # Text is drawn as paths, each label's glyphs grouped under its tick: one text group
    # per period on the x axis.
    root = ET.fromstring(svg)
    ticks = [e for e in root.iter(f"{SVG}g") if str(e.get("id", "")).startswith("xtick_")]
    assert len(ticks) == len(PERIODS)


def test_the_chart_names_no_font_and_loads_nothing() -> None:
    svg = score_timeline_svg(points())
    assert "font-family" not in svg
    assert "@import" not in svg
    assert 'href="http' not in svg


def test_the_same_points_draw_the_same_bytes() -> None:
    assert score_timeline_svg(points()) == score_timeline_svg(points())


def test_a_timeline_without_any_assessment_still_draws_an_empty_chart() -> None:
    svg = score_timeline_svg([TimelinePoint(p) for p in PERIODS])
    assert not [i for i in ids_of(svg) if i.startswith("point-")]


def test_the_inline_form_starts_at_the_svg_element() -> None:
    svg = inline(score_timeline_svg(points()))
    assert svg.startswith("<svg")
    ET.fromstring(svg)
