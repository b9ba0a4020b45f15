"""`assessed_by` in an agreement pack: read into the provision, refused with file:line when bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packs import copy_example, edit_text, line_of
from truceline.adapters.packs import read_pack
from truceline.domain.assessments import AssessmentRule, RuleKind
from truceline.domain.errors import PackError, Problem

# The first provision, sochi-1-de-escalation-area, declares no rule.
FIRST_SOURCE = 'source: {document: sochi-2018, section: "point 1-2"}'


def problems_of(pack: Path) -> list[Problem]:
    with pytest.raises(PackError) as caught:
        read_pack(pack)
    return caught.value.problems


def add_rule(pack: Path, rule: str) -> None:
    """Give the first provision this (YAML flow mapping) rule."""
    edit_text(pack, "agreement.yaml", FIRST_SOURCE, f"{FIRST_SOURCE}\n    assessed_by: {rule}")


def test_the_example_packs_assessment_rules_are_read(example_pack: Path) -> None:
    rules = {p.id: p.assessed_by for p in read_pack(example_pack).provisions if p.assessed_by}
    assert rules == {
        "sochi-6-heavy-weapons-out": AssessmentRule(
            RuleKind.HEAVY_WEAPONS, (0, 2, 5), zones=("corridor-north", "corridor-south")
        ),
        "sochi-7-coordinated-patrols": AssessmentRule(RuleKind.PATROL_COMPLETION, (0.25, 0.5, 0.9)),
        "sochi-8-m4-m5-transit": AssessmentRule(
            RuleKind.ROAD_OPEN_SHARE, (0.1, 0.5, 0.9), route="m4"
        ),
        "moscow-1-ceasefire": AssessmentRule(RuleKind.VIOLATIONS_PER_WEEK, (0.5, 2, 5)),
        "moscow-3-joint-patrols": AssessmentRule(
            RuleKind.PATROL_COMPLETION, (0.25, 0.5, 0.9), route="patrol-trumba-ain-al-havr"
        ),
    }


def test_a_rule_with_every_key_is_read_into_the_provision(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    add_rule(
        pack,
        "{rule: heavy_weapons, thresholds: [0, 1, 3], zones: [corridor-south], observations: true}",
    )
    assert read_pack(pack).provisions[0].assessed_by == AssessmentRule(
        RuleKind.HEAVY_WEAPONS, (0, 1, 3), zones=("corridor-south",), observations=True
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("{rule: share, thresholds: [0, 1, 2]}", "assessed_by.rule: Input should be"),
        ("{rule: heavy_weapons}", "assessed_by.thresholds: Field required"),
        ("{rule: heavy_weapons, thresholds: [0, 1]}", "assessed_by.thresholds: List should have"),
        ("{rule: heavy_weapons, thresholds: [0, 2, 1]}", "assessed_by.thresholds: [0.0, 2.0, 1.0]"),
        (
            "{rule: patrol_completion, thresholds: [0.5, 0.9, 95]}",
            "assessed_by.thresholds[2]: 95.0: a share runs from 0 to 1",
        ),
        (
            "{rule: road_open_share, thresholds: [0.1, 0.5, 0.9]}",
            "assessed_by.route: a road_open_share rule names its route",
        ),
        (
            "{rule: road_open_share, route: m5, thresholds: [0.1, 0.5, 0.9]}",
            "assessed_by.route: unknown route 'm5' (known: m4, patrol-trumba-ain-al-havr)",
        ),
        (
            "{rule: heavy_weapons, zones: [dmz], thresholds: [0, 1, 2]}",
            "assessed_by.zones[0]: unknown zone 'dmz' (known: corridor-north, corridor-south)",
        ),
        (
            "{rule: violations_per_week, zones: [corridor-north], thresholds: [1, 2, 3]}",
            "assessed_by.zones: only a heavy_weapons rule takes zones",
        ),
        (
            "{rule: violations_per_week, thresholds: [1, 2, 3], per: week}",
            "assessed_by.per: Extra inputs are not permitted",
        ),
    ],
)
def test_a_bad_assessment_rule_is_refused_with_its_line_and_path(
    tmp_path: Path, rule: str, expected: str
) -> None:
    pack = copy_example(tmp_path)
    add_rule(pack, rule)
    line = line_of(pack, "agreement.yaml", rule)
    [problem] = problems_of(pack)
    assert problem.file.endswith("agreement.yaml")
    assert problem.location == f"line {line}"
    assert problem.reason.startswith("provisions[0]."), problem
    assert expected in problem.reason, problem
