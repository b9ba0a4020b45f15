"""Reading sentences: past incidents or not, their type, places, actors, counts and claims."""

from __future__ import annotations

import pytest

from truceline.adapters.intake.classify import assess
from truceline.adapters.intake.details import actor_list, claimed_by, count, find_actors
from truceline.adapters.intake.places import PlaceResolver
from truceline.adapters.intake.sentences import split_sentences, tag
from truceline.adapters.packs import read_pack
from truceline.domain.agreements import Agreement
from truceline.domain.intake import PlacePrecision
from truceline.packs import example_pack_path


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return read_pack(example_pack_path("idlib-m4"))


def verdict(sentence: str, *, headline: bool = False) -> tuple[bool, str, str]:
    [tagged] = tag([sentence])
    found = assess(sentence, tagged, headline=headline)
    return found.incident, found.event_type, found.sub_event_type


@pytest.mark.parametrize(
    ("sentence", "event_type", "sub_event_type"),
    [
        (
            "An air strike in Idlib killed 33 Turkish soldiers on Thursday.",
            "Explosions/Remote violence",
            "Air/drone strike",
        ),
        (
            "Militants shelled the outskirts of Ariha overnight.",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
        ),
        (
            "A roadside bomb hit a joint patrol near Mhambal.",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        ("Clashes broke out near Saraqib on Tuesday.", "Battles", "Armed clash"),
        (
            "On March 5, Turkey and Russia signed a de-escalation deal.",
            "Strategic developments",
            "Agreement",
        ),
        (
            "Gunmen abducted two aid workers in Sarmin.",
            "Violence against civilians",
            "Abduction/forced disappearance",
        ),
        ("Police arrested five men in Idlib city.", "Strategic developments", "Arrests"),
        (
            "On September 1, Russia and Turkey started drills simulating attacks on patrols.",
            "Strategic developments",
            "Other",
        ),
        ("Hundreds of residents protested in Binnish on Friday.", "Protests", "Peaceful protest"),
    ],
)
def test_a_past_incident_is_found_with_its_acled_type(
    sentence: str, event_type: str, sub_event_type: str
) -> None:
    assert verdict(sentence) == (True, event_type, sub_event_type)


@pytest.mark.parametrize(
    "sentence",
    [
        "A new open military confrontation with Syria may cost even more.",
        "The inability to implement the deal would inevitably lead to a new round of fighting.",
        "Turkey is expected to launch an offensive against the militants.",
        "If the truce collapses, the army will attack Saraqib.",
        "No heavy weapons were withdrawn and no clashes were reported.",
        "Joint patrols are a key element of any ceasefire and deter attacks.",
        "The neutralization of these groups would open the way for a settlement.",
    ],
)
def test_speculation_forecasts_negations_and_generic_claims_are_not_incidents(
    sentence: str,
) -> None:
    assert verdict(sentence)[0] is False


def test_recurring_attacks_in_the_present_are_incidents_over_a_vague_period() -> None:
    sentence = "Joint Russian-Turkish patrols regularly become targets of attacks."
    [tagged] = tag([sentence])
    found = assess(sentence, tagged)
    assert (found.incident, found.habitual) == (True, True)


def test_a_headline_in_the_present_tense_reports_the_past() -> None:
    headline = "Russian warplanes target a gathering of tents north Saraqib and kill 3 civilians"
    assert verdict(headline, headline=True)[0] is True
    assert verdict(headline)[0] is False


def test_sentences_split_on_their_ends_and_never_across_paragraphs() -> None:
    text = "Gen. Smith said shells hit Afes. Two died.\n\nA heading without a stop\n\nMore text."
    assert [(s.text, s.paragraph) for s in split_sentences(text)] == [
        ("Gen. Smith said shells hit Afes.", 0),
        ("Two died.", 0),
        ("A heading without a stop", 1),
        ("More text.", 2),
    ]


@pytest.mark.parametrize(
    ("sentence", "name", "precision"),
    [
        ("Shells hit Jisr ash-Shughur on Monday.", "Jisr al-Shughur", PlacePrecision.TOWN),
        ("Shells hit Jisr al-Choghour on Monday.", "Jisr al-Shughur", PlacePrecision.TOWN),
        ("Fighting near Saraqeb left two dead.", "Saraqib", PlacePrecision.NEAR),
        ("Clashes on the outskirts of Ariha.", "Ariha", PlacePrecision.NEAR),
        ("Airstrikes hit southern Idlib.", "Idlib city", PlacePrecision.REGION),
        ("Drills on the M4 ended.", "M4 highway (Saraqib to Bdama)", PlacePrecision.REGION),
    ],
)
def test_places_resolve_through_their_transliterations_with_a_precision(
    agreement: Agreement, sentence: str, name: str, precision: PlacePrecision
) -> None:
    [place] = PlaceResolver(agreement).find(sentence)
    assert (place.name, place.precision) == (name, precision)


def test_the_m4s_point_is_the_middle_of_the_route(agreement: Agreement) -> None:
    [place] = PlaceResolver(agreement).find("an attack on the M4 highway")
    middle = agreement.route("m4").line.interpolate(0.5, normalized=True)
    assert (place.lon, place.lat) == (round(middle.x, 6), round(middle.y, 6))


def test_words_that_are_not_places_are_not_placed(agreement: Agreement) -> None:
    found = PlaceResolver(agreement).find("The Russian Defence Ministry said on Monday that")
    assert found == []


def test_actors_come_from_the_agreements_parties_and_named_groups(agreement: Agreement) -> None:
    actors = actor_list(agreement)
    found = find_actors(
        "Hayat Tahrir al-Sham fighters attacked Russian military police and the Syrian Army.",
        actors,
    )
    assert [(a.name, a.inter) for a in found] == [
        ("Hayat Tahrir al-Sham", 2),
        ("Russian Federation", 8),
        ("Syrian government forces and allied forces", 1),
    ]


@pytest.mark.parametrize(
    ("sentence", "dead", "hurt"),
    [
        ("An air strike killed 33 Turkish soldiers and injured 30 more.", 33, 30),
        ("At least 22 Turkish soldiers have been killed in an airstrike.", 22, None),
        ("Two civilians were wounded in shelling near Ariha.", None, 2),
        ("A soldier was killed and three others were injured.", 1, 3),
        ("The death toll rose to 14.", 14, None),
        ("Shelling caused casualties and injuries.", None, None),
    ],
)
def test_the_dead_and_wounded_are_counted(
    sentence: str, dead: int | None, hurt: int | None
) -> None:
    assert (count(sentence, "dead"), count(sentence, "hurt")) == (dead, hurt)


@pytest.mark.parametrize(
    ("sentence", "who"),
    [
        (
            "The Russian Defence Ministry said militants shelled Saraqib.",
            "The Russian Defence Ministry",
        ),
        (
            "An air strike killed 22 soldiers, the local governor of Hatay said early on Friday.",
            "the local governor of Hatay",
        ),
        ("According to the Syrian Observatory, two died.", "the Syrian Observatory"),
        ("Blast at Syria-Turkey border kills 20 rebels: monitor", "monitor"),
        ("Shells hit Afes on Monday.", ""),
    ],
)
def test_who_makes_the_claim_is_read(sentence: str, who: str) -> None:
    assert claimed_by(sentence) == who
