"""Possible duplicates: same family, near in space and time, similar text; scored with reasons."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from truceline.domain.duplicates import (
    distance_km,
    possible_duplicates,
    token_set_similarity,
    words,
)
from truceline.domain.errors import InputError
from truceline.domain.incidents import Actors, DateRange, Incident, Location

DAY = date(2020, 4, 2)
# Saraqib and Ariha (GeoNames), about 18.5 km apart.
SARAQIB = (36.80591, 35.86447)
ARIHA = (36.60964, 35.81374)


def incident(
    id: str,
    lonlat: tuple[float, float] = SARAQIB,
    day: date = DAY,
    notes: str = "Artillery shelling hit the eastern edge of Saraqib near the M4",
    **changes: Any,
) -> Incident:
    values: dict[str, Any] = {
        "id": id,
        "dates": DateRange.day(day),
        "location": Location(*lonlat),
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "notes": notes,
    }
    values.update(changes)
    return Incident(**values)


def east(km: float) -> tuple[float, float]:
    """A point `km` kilometres east of Saraqib (about 90.2 km a degree of longitude there)."""
    return SARAQIB[0] + km / 90.23, SARAQIB[1]


def test_the_distance_between_saraqib_and_ariha_is_about_eighteen_and_a_half_km() -> None:
    assert distance_km(incident("inc_a"), incident("inc_b", ARIHA)) == pytest.approx(18.6, abs=0.3)


def test_an_incident_close_in_space_time_and_text_is_proposed_with_its_reasons() -> None:
    other = incident(
        "inc_b",
        east(1.0),
        DAY + timedelta(days=1),
        notes="Shelling by artillery hit Saraqib eastern edge, M4",
    )
    [candidate] = possible_duplicates(incident("inc_a"), [other])
    assert candidate.incident_id == "inc_b"
    assert candidate.distance_km == pytest.approx(1.0, abs=0.05)
    assert candidate.days_apart == 1
    assert candidate.text_similarity is not None
    assert candidate.text_similarity > 0.5
    assert 0.5 < candidate.score < 1.0
    assert candidate.reasons[:4] == (
        "same family of event type (violent)",
        "same sub-event type (Shelling/artillery/missile attack)",
        "1.0 km apart",
        "1 day(s) apart",
    )
    assert candidate.reasons[4].startswith("text similarity 0.")


def test_the_same_event_in_another_sub_type_of_the_same_family_is_proposed() -> None:
    clash = incident("inc_b", event_type="Battles", sub_event_type="Armed clash")
    [candidate] = possible_duplicates(incident("inc_a"), [clash])
    assert "same family of event type (violent)" in candidate.reasons
    assert not any(reason.startswith("same sub-event type") for reason in candidate.reasons)


@pytest.mark.parametrize(
    "other",
    [
        incident("inc_b", event_type="Protests", sub_event_type="Peaceful protest"),
        incident("inc_b", event_type="Strategic developments", sub_event_type="Other"),
        incident("inc_b", ARIHA),
        incident("inc_b", day=DAY + timedelta(days=3)),
        incident("inc_b", notes="Protesters blocked the joint patrol at Nayrab with a sit-in"),
        incident("inc_b", merged_into="inc_z"),
        incident("inc_a"),
    ],
    ids=[
        "other family",
        "strategic",
        "too far",
        "too late",
        "unlike text",
        "already merged",
        "itself",
    ],
)
def test_an_incident_outside_any_limit_is_not_proposed(other: Incident) -> None:
    assert possible_duplicates(incident("inc_a"), [other]) == []


def test_distance_and_window_are_parameters() -> None:
    far, late = incident("inc_b", ARIHA), incident("inc_c", day=DAY + timedelta(days=5))
    found = possible_duplicates(incident("inc_a"), [far, late], max_km=20, max_days=5)
    assert {c.incident_id for c in found} == {"inc_b", "inc_c"}
    narrower = possible_duplicates(incident("inc_a"), [far, late], max_km=20, max_days=4)
    assert [c.incident_id for c in narrower] == ["inc_b"]


def test_candidates_come_best_first() -> None:
    others = [incident("inc_far", east(4.0)), incident("inc_near", east(0.2))]
    found = possible_duplicates(incident("inc_a"), others)
    assert [c.incident_id for c in found] == ["inc_near", "inc_far"]
    assert found[0].score > found[1].score


def test_without_text_on_both_sides_place_and_time_decide() -> None:
    other = incident("inc_b", east(0.0), notes="")
    [candidate] = possible_duplicates(incident("inc_a"), [other])
    assert candidate.text_similarity is None
    assert "no text to compare" in candidate.reasons
    assert candidate.score == pytest.approx(1.0)


def test_shared_actors_are_named_among_the_reasons() -> None:
    actors = Actors("Military Forces of Syria", 1, "HTS", 2)
    a = incident("inc_a", actors=actors)
    b = incident("inc_b", actors=Actors("HTS", 2))
    [candidate] = possible_duplicates(a, [b])
    assert "same actor(s): HTS" in candidate.reasons


def test_the_similarity_function_and_the_text_are_parameters() -> None:
    calls: list[tuple[str, str]] = []

    def always_half(first: str, second: str) -> float:
        calls.append((first, second))
        return 0.5

    other = incident("inc_b", notes="Completely different words here")
    found = possible_duplicates(incident("inc_a"), [other], similarity=always_half)
    assert found[0].text_similarity == 0.5
    assert calls == [(incident("inc_a").notes, other.notes)]
    by_id = possible_duplicates(
        incident("inc_a"), [other], text_of=lambda i: "same", min_text_similarity=1.0
    )
    assert by_id[0].text_similarity == 1.0


def test_words_fold_accents_and_case_and_drop_short_words_but_not_numbers() -> None:
    assert words("Shelling near Ma'arrat al-Nu'man, km 4 — ÉTÉ") == {
        "shelling",
        "near",
        "arrat",
        "man",
        "4",
        "ete",
    }


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("artillery shelling Saraqib", "Saraqib shelling, artillery!", 1.0),
        ("artillery shelling", "drone strike", 0.0),
        ("", "anything", 0.0),
        ("shelling Saraqib", "shelling Saraqib Ariha Muhambal", (1.0 + 0.5) / 2),
    ],
)
def test_token_set_similarity_compares_word_sets(first: str, second: str, expected: float) -> None:
    assert token_set_similarity(first, second) == pytest.approx(expected)


@pytest.mark.parametrize(
    "limits",
    [{"max_km": -1.0}, {"max_km": float("inf")}, {"max_days": -1}, {"min_text_similarity": 1.5}],
)
def test_impossible_limits_are_refused(limits: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        possible_duplicates(incident("inc_a"), [], **limits)
