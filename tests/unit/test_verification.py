"""Verification and attribution follow the tables in docs/incidents.md, every combination.

The cases are read from the document: for each monitor verdict (none,
confirms, denies, cannot_assess), each stance of party A and of party B
(none, confirms, denies, cannot_assess) and each pattern of responsibility
(the same actor named by everyone; A, B and the monitor each naming another;
no one named), the table gives the status and the attribution.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import pytest

from truceline.domain.errors import InputError
from truceline.domain.verification import (
    AttributionState,
    MonitorVerdict,
    Position,
    Stance,
    VerificationStatus,
    derive_attribution,
    derive_status,
    latest_positions,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "incidents.md"
T0 = datetime(2020, 3, 20, 12, 0, tzinfo=UTC)
GUARANTORS = ("A", "B")
STANCES = ["none", *(str(s) for s in Stance)]
# Whom A, B and the monitor hold responsible, for each column of the tables.
PATTERNS = {
    "Same actor": ("X", "X", "X"),
    "Different actors": ("X", "Y", "Z"),
    "No one named": (None, None, None),
}
ATTRIBUTION = re.compile(
    r"agreed (?P<actor>\S+) \((?P<confidence>[0-9/]+)\)|(?P<state>disputed|not attributable)"
)


class Case(NamedTuple):
    verdict: str
    party_a: str
    party_b: str
    responsibility: str
    status: str
    attribution: str


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def documented_cases() -> list[Case]:
    """Every case of the tables under `## Verification rules`."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index("## Verification rules") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("## "))
    cases: list[Case] = []
    verdict = None
    header: list[str] = []
    for line in lines[start:end]:
        heading = re.fullmatch(r"### Monitor verdict: (\S+)", line)
        if heading:
            verdict = heading.group(1)
            header = []
        elif line.startswith("|") and verdict is not None:
            row = cells(line)
            if not header:
                header = row
                assert header[:3] == ["Party A", "Party B", "Status"]
                assert header[3:] == list(PATTERNS)
            elif not set("".join(row)) <= {"-"}:
                for column, attribution in zip(header[3:], row[3:], strict=True):
                    cases.append(Case(verdict, row[0], row[1], column, row[2], attribution))
    return cases


CASES = documented_cases()


def test_the_tables_cover_every_combination_once() -> None:
    combos = [(c.verdict, c.party_a, c.party_b, c.responsibility) for c in CASES]
    assert len(combos) == len(set(combos)) == 4 * 4 * 4 * 3
    assert {c.verdict for c in CASES} == set(STANCES)
    assert {c.party_a for c in CASES} == {c.party_b for c in CASES} == set(STANCES)


def inputs(case: Case) -> tuple[dict[str, Position], MonitorVerdict | None]:
    named_a, named_b, named_monitor = PATTERNS[case.responsibility]
    positions = {}
    for party, stance, named in (("A", case.party_a, named_a), ("B", case.party_b, named_b)):
        if stance != "none":
            positions[party] = Position(party, Stance(stance), named, ("rep_1",), "", T0)
    verdict = None
    if case.verdict != "none":
        verdict = MonitorVerdict(Stance(case.verdict), named_monitor, "observed")
    return positions, verdict


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=[f"verdict {c.verdict}, A {c.party_a}, B {c.party_b}, {c.responsibility}" for c in CASES],
)
def test_status_and_attribution_are_as_the_table_says(case: Case) -> None:
    positions, verdict = inputs(case)
    assert derive_status(positions, GUARANTORS, verdict) == VerificationStatus(case.status)
    attribution = derive_attribution(positions, GUARANTORS, verdict)
    expected = ATTRIBUTION.fullmatch(case.attribution)
    assert expected is not None, f"unreadable cell {case.attribution!r}"
    if expected["actor"]:
        assert attribution.state is AttributionState.AGREED
        assert attribution.actor == expected["actor"]
        assert attribution.confidence == pytest.approx(float(Fraction(expected["confidence"])))
    else:
        state = AttributionState(expected["state"].replace(" ", "_"))
        assert (attribution.state, attribution.actor, attribution.confidence) == (state, None, 0.0)


def position(party: str, stance: str, named: str | None = None, version: int = 1) -> Position:
    at = T0 + timedelta(hours=version)
    return Position(party, Stance(stance), named, (), f"v{version}", at, version)


def test_an_agreed_attribution_lists_who_was_named() -> None:
    positions = {"A": position("A", "confirms", "X"), "B": position("B", "confirms", "X")}
    attribution = derive_attribution(positions, GUARANTORS)
    assert (attribution.state, attribution.actor, attribution.named) == ("agreed", "X", ("X",))


def test_a_disputed_attribution_keeps_every_claim() -> None:
    positions = {"A": position("A", "confirms", "B forces"), "B": position("B", "confirms", "HTS")}
    assert derive_attribution(positions, GUARANTORS).named == ("B forces", "HTS")


def test_a_party_that_is_not_a_guarantor_is_kept_but_does_not_count() -> None:
    positions = {
        "A": position("A", "confirms", "X"),
        "B": position("B", "confirms", "X"),
        "observer": position("observer", "denies"),
    }
    assert derive_status(positions, GUARANTORS) is VerificationStatus.VERIFIED


def test_the_rules_hold_for_three_guarantors() -> None:
    three = ("A", "B", "C")
    confirms = {p: position(p, "confirms", "X") for p in three}
    assert derive_status(confirms, three) is VerificationStatus.VERIFIED
    assert derive_attribution(confirms, three).confidence == 1.0
    mixed = {**confirms, "C": position("C", "denies")}
    assert derive_status(mixed, three) is VerificationStatus.DISPUTED
    waiting = {"A": confirms["A"], "B": confirms["B"]}
    assert derive_status(waiting, three) is VerificationStatus.PENDING
    conflict = {"A": confirms["A"], "C": position("C", "denies")}
    assert derive_status(conflict, three) is VerificationStatus.DISPUTED, "a conflict shows now"


def test_a_party_changes_its_position_and_every_version_is_kept() -> None:
    first = position("A", "denies")
    second = first.revised(
        stance=Stance.CONFIRMS,
        held_responsible="X",
        evidence=("rep_7",),
        text="after the patrol's report",
        recorded_at=T0 + timedelta(days=1),
    )
    assert (second.version, second.stance, first.stance) == (2, "confirms", "denies")
    versions = [second, first, position("B", "confirms", "X")]
    latest = latest_positions(versions)
    assert latest["A"] == second
    assert derive_status(latest, GUARANTORS) is VerificationStatus.VERIFIED
    assert derive_status(latest_positions([first, versions[2]]), GUARANTORS) == "disputed"


def test_a_revision_cannot_predate_its_version() -> None:
    with pytest.raises(InputError):
        position("A", "denies", version=3).revised(
            stance=Stance.CONFIRMS, held_responsible=None, evidence=(), text="", recorded_at=T0
        )


def test_two_positions_with_one_version_number_are_refused() -> None:
    with pytest.raises(InputError, match="two versions 1"):
        latest_positions([position("A", "denies"), position("A", "confirms")])


@pytest.mark.parametrize(
    ("positions", "guarantors"),
    [
        ({}, ()),
        ({}, ("A", "A")),
        ({"A": position("B", "confirms")}, ("A", "B")),
    ],
)
def test_inconsistent_inputs_are_refused(
    positions: dict[str, Position], guarantors: tuple[str, ...]
) -> None:
    with pytest.raises(InputError):
        derive_status(positions, guarantors)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Position("", Stance.CONFIRMS, None, (), "", T0),
        lambda: Position("A", "agrees", None, (), "", T0),  # type: ignore[arg-type]
        lambda: Position("A", Stance.CONFIRMS, " X", (), "", T0),
        lambda: Position("A", Stance.CONFIRMS, None, (), "", datetime(2020, 1, 1)),  # noqa: DTZ001
        lambda: Position("A", Stance.CONFIRMS, None, (), "", T0, 0),
        lambda: MonitorVerdict("maybe"),  # type: ignore[arg-type]
    ],
)
def test_a_malformed_position_or_verdict_is_refused(make: object) -> None:
    with pytest.raises(InputError):
        make()  # type: ignore[operator]
