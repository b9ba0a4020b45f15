"""Which sentences state a past incident, and of which ACLED event and sub-event type.

A sentence is a candidate when it names an event (a cue of the table below)
and states it as having happened: not as speculation or a forecast ("may",
"would", "could", "is expected to"), not negated ("no weapons were
withdrawn"), and not as a generic claim in the present tense. A present
tense with a word of frequency ("regularly", "repeatedly") reports
recurring incidents over a vague period; in a headline (a text of one
sentence) the present tense reports the past, as headlines do. The tags of
the English model decide the tense when it is installed; without it, words
decide.

The type is that of the first cue the sentence names (`event_type_of`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from truceline.adapters.intake.sentences import Tagged
from truceline.domain import event_types as acled

_B, _E, _V, _S = (
    acled.BATTLES,
    acled.EXPLOSIONS,
    acled.VIOLENCE_AGAINST_CIVILIANS,
    acled.STRATEGIC_DEVELOPMENTS,
)

#: Cues of each sub-event type, from the most specific to the most generic.
TYPE_CUES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (event_type, sub_event_type, re.compile(pattern, re.IGNORECASE))
    for event_type, sub_event_type, pattern in (
        (
            _S,
            "Agreement",
            r"\b(?:sign(?:ed|s|ing)?|agreed|reached|concluded|struck)\b[^.;]{0,60}"
            r"\b(?:deal|agreement|accord|ceasefire|cease-fire|truce|memorandum|protocol)\b"
            r"|\b(?:deal|agreement|ceasefire|truce|memorandum|protocol)\b[^.;]{0,30}"
            r"\b(?:was|were|has\s+been)\s+(?:signed|agreed|reached)\b",
        ),
        (
            _B,
            "Armed clash",
            r"\b(?:(?:artillery\s+)?duels?|firefights?|exchanges?\s+of\s+(?:artillery\s+)?fire"
            r"|exchanged\s+fire|gun\s*battles?)\b",
        ),
        (
            _E,
            "Chemical weapon",
            r"\b(?:chemical\s+(?:attack|weapons?)|chlorine|sarin|gas\s+attack)",
        ),
        (_E, "Suicide bomb", r"\bsuicide\s+(?:bomb\w*|attack\w*|car|vest)"),
        (
            _E,
            "Air/drone strike",
            r"\b(?:air\s*strikes?|air\s*raids?|air\s+attacks?|war\s*planes?|air\s+force|aerial|drones?"
            r"|helicopters?|barrel\s+bombs?|jets?|bomb(?:ed|ing)\s+raids?|raids?\s+by\s+\w+\s+planes)\b",
        ),
        (
            _E,
            "Remote explosive/landmine/IED",
            r"\b(?:IEDs?|improvised\s+explosive|land\s*mines?|mines?\b(?!\s+(?:of|and))"
            r"|car\s+bombs?|roadside\s+bombs?|explosive\s+devices?|explosions?|blasts?"
            r"|booby[- ]trap\w*|VBIEDs?)\b",
        ),
        (
            _E,
            "Shelling/artillery/missile attack",
            r"\b(?:shell(?:s|ed|ing)?|artillery|rockets?|missiles?|mortars?"
            r"|rocket\s+launchers?|howitzers?|(?:anti-tank|ATGM)\s+\w+)\b",
        ),
        (_E, "Grenade", r"\bgrenades?\b"),
        (
            _V,
            "Abduction/forced disappearance",
            r"\b(?:abduct\w*|kidnap\w*|forcibly\s+disappeared)\b",
        ),
        (_S, "Arrests", r"\b(?:arrest(?:ed|s)?|detain(?:ed|s)?|round(?:ed)?\s+up)\b"),
        (
            _V,
            "Attack",
            r"\b(?:execut(?:ed|es|ion)|assassinat\w*|gunned\s+down"
            r"|(?:killed|shot|attacked)\s+(?:\w+\s+){0,3}(?:civilians?|children|women|residents))\b",
        ),
        (
            _B,
            "Government regains territory",
            r"\b(?:regime|government|army|syrian)\s+(?:[\w-]+\s+){0,6}(?<!to )"
            r"(?:regain\w*|recaptur\w*|retook|retake\w*|(?:took|take|takes|seized?)\s+control|storm\w*|advanc\w*"
            r"|enter(?:s|ed)?\b[^.;]{0,40}\bcontrol(?:s|led)?)\b",
        ),
        (
            _B,
            "Non-state actor overtakes territory",
            r"\b(?:rebels?|militants?|jihadists?|factions?|groups?)\s+(?:\w+\s+){0,4}"
            r"(?:captur\w*|seiz\w*|overr(?:a|u)n\w*|took\s+control)\b",
        ),
        (
            _S,
            "Other",
            r"\b(?:drills?|exercises?|manoeuvres?|maneuvers?|joint\s+patrols?\b[^.;]{0,40}"
            r"\b(?:launched|began|started|resumed|conducted|held|carried\s+out)"
            r"|(?:launched|began|started|resumed|conducted|held|carried\s+out)\s+"
            r"(?:\w+\s+){0,3}(?:joint\s+)?patrols?)\b",
        ),
        (
            _B,
            "Armed clash",
            r"\b(?:clash\w*|firefights?|fighting|fought|gunfights?|battles?|exchange\s+of\s+fire"
            r"|exchanged\s+fire|ambush\w*|skirmish\w*|opened\s+fire)\b",
        ),
        (
            _S,
            "Looting/property destruction",
            r"\b(?:loot\w*|torch\w*|burn(?:ed|t)\s+(?:down\s+)?(?:houses|homes|shops))\b",
        ),
        (
            _S,
            "Headquarters or base established",
            r"\b(?:(?:set\s+up|established|built)\s+(?:\w+\s+){0,3}(?:base|observation\s+post|"
            r"post|headquarters|outpost))\b",
        ),
        (
            acled.PROTESTS,
            "Peaceful protest",
            r"\b(?:protest\w*|demonstrat(?:ed|ion|ions|ors)|rall(?:y|ied))\b",
        ),
        (acled.RIOTS, "Violent demonstration", r"\briot\w*\b"),
    )
)
#: Words that name an event without its means ("an attack", "a massacre", "bombardment"):
#: used only when the sentence names no means (an air strike, a mine, shelling...).
WEAK_CUES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (event_type, sub_event_type, re.compile(pattern, re.IGNORECASE))
    for event_type, sub_event_type, pattern in (
        (_E, "Shelling/artillery/missile attack", r"\bbombard\w*"),
        (_V, "Attack", r"\bmassacre\w*"),
        (
            _B,
            "Armed clash",
            r"\b(?:attack(?:s|ed|ing)?|assault\w*|offensive"
            r"|(?:deliver(?:ed)?|dealt)\s+(?:a\s+)?(?:\w+\s+)?blow"
            r"|targets?\s+of\s+attacks?|military\s+confrontation)\b",
        ),
    )
)
#: A count of dead or wounded alone: an armed clash, unless the sentence before names the event.
COUNTS_CUE = (
    _B,
    "Armed clash",
    re.compile(r"\b(?:killed|wounded|injured|dead|died|casualties|killing)\b", re.IGNORECASE),
)

_MODAL = re.compile(
    r"\b(?:may|might|could|would|will|shall|should|must|can|won't|wouldn't|couldn't)\b"
    r"|\b(?:is|are|was|were)\s+(?:expected|likely|set|going|due|poised|planning)\s+to\b"
    r"|\b(?:plans?|planned|threaten(?:s|ed)?|vow(?:s|ed)|aims?|intends?|hopes?|seeks?)\s+to\b"
    r"|\bif\b|\bunless\b|\bin\s+the\s+event\s+of\b|\bperspective\b|\bscenario\b"
)
_NEGATED = re.compile(
    r"\b(?:no|not|never|without|denied|deny|denies|nor|neither|n't)\b(?:\s+\w+){0,3}\s*$",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"\b(?:regularly|repeatedly|frequently|often|constantly|continuously|daily|routinely"
    r"|almost\s+every\s+day|every\s+day|again\s+and\s+again|keep\s+\w+ing)\b",
    re.IGNORECASE,
)
_PAST_WORDS = re.compile(
    r"\b(?:was|were|had|did|has\s+been|have\s+been|has\s+\w+ed|have\s+\w+ed|\w+ed)\b"
)
_INFINITIVE = re.compile(
    r"\bto\s+$|\b(?:simulating|simulate|repelling|repel|prevent\w*)\s+(?:\w+\s+)?$"
)
#: Verbs after which an infinitive states what was done ("failed to deliver a blow").
_DONE_TO = re.compile(r"\b(?:failed|tried|attempted|managed|sought|went\s+on)\s+to\s+$")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a sentence states a past incident, recurring ones, and why (or why not)."""

    incident: bool
    habitual: bool
    reason: str
    event_type: str = ""
    sub_event_type: str = ""
    cue: str = ""

    @property
    def counts_only(self) -> bool:
        """Whether the sentence names no event but its dead or wounded."""
        return bool(self.cue) and COUNTS_CUE[2].fullmatch(self.cue) is not None


def _first_cue(sentence: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The first match of a cue that is neither negated nor a mere intention."""
    for match in pattern.finditer(sentence):
        before = sentence[: match.start()]
        if _NEGATED.search(before[-40:]):
            continue
        if _INFINITIVE.search(before[-30:]) and not _DONE_TO.search(before[-30:]):
            continue
        return match
    return None


def event_type_of(sentence: str) -> tuple[str, str, re.Match[str]] | None:
    """The ACLED type and sub-type of the event the sentence names first.

    A sentence (a headline above all) names its main event first; of cues that
    start at the same word, the more specific wins (the table's order). Words
    that name no means (`WEAK_CUES`) count only when no means is named, and a
    count of dead or wounded alone only when nothing else is.
    """
    for table in (TYPE_CUES, WEAK_CUES, (COUNTS_CUE,)):
        found: list[tuple[int, int, str, str, re.Match[str]]] = []
        for order, (event_type, sub_event_type, pattern) in enumerate(table):
            match = _first_cue(sentence, pattern)
            if match is not None:
                found.append((match.start(), order, event_type, sub_event_type, match))
        if found:
            _, _, event_type, sub_event_type, match = min(found, key=lambda f: (f[0], f[1]))
            return event_type, sub_event_type, match
    return None


def names_an_event(sentence: str) -> bool:
    """A cheap first look: whether any cue word is in the sentence at all."""
    tables = (TYPE_CUES, WEAK_CUES, (COUNTS_CUE,))
    return any(pattern.search(sentence) for table in tables for _, _, pattern in table)


def needs_tags(sentence: str, dated: bool) -> bool:
    """Whether the model's tags could change the verdict: not when words already settle it
    (no event named; a modal verb, and no date that would keep a past statement)."""
    if event_type_of(sentence) is None:
        return False
    return dated or not _MODAL.search(sentence.lower())


def _past(sentence: str, tagged: Tagged | None) -> bool:
    if tagged is not None:
        if tagged.has_tag("VBD"):
            return True
        tags, words = tagged.tags, [w.lower() for w in tagged.words]
        perfect = any(
            tag == "VBN" and any(w in ("has", "have", "had") for w in words[max(0, i - 3) : i])
            for i, tag in enumerate(tags)
        )
        # "Residents protested in Binnish", "33 soldiers killed in Idlib": a participle
        # with no finite verb in the present states what happened.
        participle = "VBN" in tags and not tagged.has_tag("VBZ", "VBP")
        return perfect or participle
    return _PAST_WORDS.search(sentence) is not None


def _speculative(sentence: str, tagged: Tagged | None) -> bool:
    if _MODAL.search(sentence.lower()):
        return True
    return tagged is not None and tagged.has_tag("MD")


def assess(
    sentence: str, tagged: Tagged | None, *, headline: bool = False, dated: bool = False
) -> Verdict:
    """Whether `sentence` states a past incident (or recurring ones), with its type.

    `dated` tells that the sentence gives an explicit date: then a modal verb
    elsewhere in it does not make the whole of it speculation.
    """
    typed = event_type_of(sentence)
    if typed is None:
        return Verdict(False, False, "names no event")
    event_type, sub_event_type, match = typed
    found = Verdict(True, False, "", event_type, sub_event_type, match.group(0))
    past = _past(sentence, tagged)
    if _speculative(sentence, tagged) and not (dated and past):
        return Verdict(False, False, "speculation or forecast", event_type, sub_event_type)
    if past:
        return Verdict(True, False, "a past event", *_typed(found))
    if _FREQUENCY.search(sentence):
        return Verdict(True, True, "recurring events over a vague period", *_typed(found))
    if headline:
        return Verdict(True, False, "a headline", *_typed(found))
    if dated and tagged is not None and not any(tag.startswith("VB") for tag in tagged.tags):
        return Verdict(True, False, "a dated report without a verb", *_typed(found))
    return Verdict(False, False, "a generic claim in the present tense", event_type, sub_event_type)


def _typed(found: Verdict) -> tuple[str, str, str]:
    return found.event_type, found.sub_event_type, found.cue
