"""ACLED's vocabulary in the code is ACLED's, and docs/incidents.md lists the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from truceline.domain import event_types as vocab
from truceline.domain.errors import InputError

DOC = Path(__file__).resolve().parents[2] / "docs" / "incidents.md"


def section_rows(title: str) -> list[list[str]]:
    """The body rows of the tables under `## title`, as lists of cells."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    rows = [line for line in lines[start:end] if line.startswith("|")]
    cells = [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows]
    return [row for row in cells if not set("".join(row)) <= set("-") and row[0] != "event type"]


def test_acled_has_six_event_types_and_twenty_five_sub_event_types() -> None:
    assert len(vocab.EVENT_TYPES) == 6
    assert len(vocab.SUB_EVENT_TYPES) == 25
    assert sum(len(subs) for subs in vocab.EVENT_TYPES.values()) == 25


def test_the_sub_event_types_are_spelled_as_acled_spells_them() -> None:
    assert vocab.EVENT_TYPES["Explosions/Remote violence"] == (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    )
    assert vocab.SUB_EVENT_TYPES["Abduction/forced disappearance"] == "Violence against civilians"
    assert vocab.SUB_EVENT_TYPES["Non-violent transfer of territory"] == "Strategic developments"


def test_docs_incidents_md_lists_every_sub_type_with_its_parent_family_and_disorder_type() -> None:
    documented = {tuple(row) for row in section_rows("Event types")}
    expected = {
        (parent, sub, str(vocab.FAMILIES[parent]), vocab.default_disorder_type(sub))
        for sub, parent in vocab.SUB_EVENT_TYPES.items()
    }
    assert documented == expected


def test_docs_incidents_md_names_every_monitoring_kind_with_its_default_types() -> None:
    rows = {row[0].strip("`"): row for row in section_rows("Monitoring kinds")[1:]}
    assert set(rows) == {str(kind) for kind in vocab.MonitoringKind}
    for kind, fit in vocab.MONITORING_FITS.items():
        assert rows[kind][1] == f"{fit.event_type} / {fit.sub_event_type}"
        assert (fit.event_type, fit.sub_event_type) in fit.allowed


@pytest.mark.parametrize(
    ("inter1", "inter2", "expected"),
    [(1, 2, 12), (2, 1, 12), (1, 1, 11), (7, 3, 37), (1, 0, 10), (0, 8, 80), (0, 0, 0), (8, 8, 88)],
)
def test_interaction_puts_the_smaller_inter_code_first_and_a_lone_actor_before_zero(
    inter1: int, inter2: int, expected: int
) -> None:
    assert vocab.interaction(inter1, inter2) == expected


def test_an_inter_code_outside_zero_to_eight_is_refused() -> None:
    with pytest.raises(InputError) as error:
        vocab.interaction(1, 9)
    assert error.value.field == "inter2"


def test_the_inter_codes_and_precision_scales_have_acleds_and_ucdps_ranges() -> None:
    assert sorted(vocab.INTER_CODES) == list(range(9))
    assert sorted(vocab.TIME_PRECISION) == [1, 2, 3]
    assert sorted(vocab.GEO_PRECISION) == [1, 2, 3]
    assert sorted(vocab.DATE_PREC) == [1, 2, 3, 4, 5]
    assert sorted(vocab.WHERE_PREC) == list(range(1, 8))
    assert sorted(vocab.TYPE_OF_VIOLENCE) == [1, 2, 3]


def test_every_where_prec_maps_to_a_geo_precision_that_maps_back_no_finer() -> None:
    for where in vocab.WHERE_PREC:
        geo = vocab.geo_precision_from_where_prec(where)
        assert vocab.where_prec_from_geo_precision(geo) <= max(where, 4)
    for geo in vocab.GEO_PRECISION:
        where = vocab.where_prec_from_geo_precision(geo)
        assert vocab.geo_precision_from_where_prec(where) == geo


def test_the_precision_tables_in_the_docs_are_the_codes() -> None:
    rows = section_rows("Precision of dates and places")
    spans = [row for row in rows if row[1][:1].isdigit()]
    assert [row[0] for row in spans] == ["1", "2-6", "7", "8-31", "32 or more"]
    for days, time_precision, date_prec in spans:
        bounds = [int(n) for n in re.findall(r"[0-9]+", days)]
        last = bounds[0] + 400 if "or more" in days else bounds[-1]
        for count in range(bounds[0], last + 1):
            assert vocab.time_precision_for_days(count) == int(time_precision.split()[0])
            assert vocab.date_prec_for_days(count) == int(date_prec.split()[0])
    places = [row for row in rows if row[0].isdigit() and not row[1][:1].isdigit()]
    assert [int(row[0]) for row in places] == list(range(1, 8))
    for where, _, geo in places:
        assert vocab.geo_precision_from_where_prec(int(where)) == int(geo.split()[0])


def test_a_sub_type_under_the_wrong_type_names_its_own_parent() -> None:
    with pytest.raises(InputError, match="belongs to 'Battles'"):
        vocab.check_event_type("Riots", "Armed clash")


def test_violent_and_demonstration_sub_types_may_also_be_both_kinds_of_disorder() -> None:
    assert vocab.allowed_disorder_types("Attack") == {
        "Political violence",
        "Political violence; Demonstrations",
    }
    assert vocab.allowed_disorder_types("Arrests") == {"Strategic developments"}
