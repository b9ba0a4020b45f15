"""The details of a candidate sentence: its actors, its dead and wounded, and who claims it.

Actors come from the agreement's actor list: each party under its name,
short name and the adjective of its short name ("Turkish" for Turkey), and
the aliases this module knows for the parties of the bundled example (the
Syrian army as "regime forces", the groups of the opposition by name).
Each actor has its ACLED inter code. Counts are read from phrases such as
"killed 33 Turkish soldiers", "two civilians were wounded" or "a death
toll of 5"; a claim from "X said", "according to X" or a headline's
closing ": monitor".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from truceline.domain.agreements import Agreement, PartyRole

#: Aliases of the bundled example's parties (by party id), as news texts name them.
EXAMPLE_ALIASES: dict[str, tuple[str, ...]] = {
    "ru": ("Russian", "Russians", "Russian forces", "Russian military police", "Moscow"),
    "tr": ("Turkish", "Turks", "Turkish forces", "Turkish army", "Ankara"),
    "sy-gov": (
        "Syrian Army",
        "Syrian Arab Army",
        "SAA",
        "regime forces",
        "regime",
        "government forces",
        "Syrian government",
        "Syrian forces",
        "Assad",
        "loyalists",
    ),
    "opposition": ("rebels", "militants", "opposition", "jihadists", "radical groups"),
}
#: Named armed groups, each with its ACLED inter code and the party it belongs to.
NAMED_GROUPS: tuple[tuple[str, tuple[str, ...], int, str], ...] = (
    ("Hayat Tahrir al-Sham", ("HTS", "Hayyaat Tahrir al-Sham", "Tahrir al-Sham"), 2, "opposition"),
    ("Turkistan Islamic Party", ("TIP", "Turkestan Islamic Party"), 2, "opposition"),
    ("Hurras al-Din", ("Houras al-Din", "Hurras ad-Din", "Hurras al-Deen"), 2, "opposition"),
    ("Al Nusra Front", ("Nusra", "al-Nusra", "Jabhat al-Nusra", "Nusra Front"), 2, "opposition"),
    ("National Liberation Front", ("NLF",), 2, "opposition"),
    ("Islamic State", ("ISIS", "ISIL", "IS militants", "Daesh"), 2, "opposition"),
)
_DEMONYMS = {
    "Russia": "Russian",
    "Turkey": "Turkish",
    "Syria": "Syrian",
    "Iran": "Iranian",
    "Ukraine": "Ukrainian",
    "Israel": "Israeli",
    "United States": "American",
}


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One actor of the list: its name, the words that name it, its inter code, its party."""

    name: str
    aliases: tuple[str, ...]
    inter: int
    party: str
    pattern: re.Pattern[str]


def _inter_of(roles: Iterable[PartyRole], name: str) -> int:
    if "government" in name.lower() or "army" in name.lower():
        return 1
    if PartyRole.OBSERVED in roles:
        return 2
    return 8


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def actor_list(agreement: Agreement) -> tuple[ActorEntry, ...]:
    """The actors a text may name, most specific first: named groups, then the parties."""
    entries = []
    parties = {p.id for p in agreement.parties}
    for name, aliases, inter, owner in NAMED_GROUPS:
        if owner in parties:
            entries.append(ActorEntry(name, aliases, inter, owner, _pattern((name, *aliases))))
    for party in agreement.parties:
        words = [party.name, party.short_name, *EXAMPLE_ALIASES.get(party.id, ())]
        if party.short_name in _DEMONYMS:
            words.append(_DEMONYMS[party.short_name])
        inter = _inter_of(party.roles, party.name)
        aliases = tuple(w for w in words if w)
        entries.append(ActorEntry(party.name, aliases, inter, party.id, _pattern(aliases)))
    return tuple(entries)


def find_actors(sentence: str, actors: Iterable[ActorEntry]) -> list[ActorEntry]:
    """The actors a sentence names, in the order it names them, each once."""
    found: list[tuple[int, ActorEntry]] = []
    taken: list[tuple[int, int]] = []
    for entry in actors:
        for match in entry.pattern.finditer(sentence):
            begin, end = match.span()
            if any(begin < e and b < end for b, e in taken):
                continue
            taken.append((begin, end))
            if all(entry.name != other.name for _, other in found):
                found.append((begin, entry))
    found.sort(key=lambda pair: pair[0])
    return [entry for _, entry in found]


# --- dead and wounded -----------------------------------------------------------------------

_WORD_NUMBERS = {
    word: number
    for number, word in enumerate(
        (
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
            *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
            *("seventeen", "eighteen", "nineteen", "twenty"),
        )
    )
}
_WORD_NUMBERS |= {"thirty": 30, "forty": 40, "fifty": 50, "a": 1, "an": 1, "a dozen": 12}
_NUM = (
    r"(?:\d{1,4}|a\s+dozen|twenty|thirty|forty|fifty|nineteen|eighteen|seventeen|sixteen"
    r"|fifteen|fourteen|thirteen|twelve|eleven|ten|nine|eight|seven|six|five|four|three|two|one)"
)
_QUALIFIER = r"(?:at\s+least|about|around|some|nearly|almost|more\s+than|over|up\s+to)\s+"
_WHO = (
    r"(?:\s+[\w-]+){0,4}?\s+(?:people|persons|civilians|soldiers|troops|fighters|members|"
    r"militants|rebels|children|women|men|servicemen|personnel|officers|policemen|residents|"
    r"others|of\s+them|[\w-]+s)"
)
_KILLED = r"(?:killed|dead|died|perished|lost\s+their\s+lives|were\s+killed|was\s+killed)"
_HURT = r"(?:wounded|injured|hurt)"
_COUNTS = {
    kind: (
        re.compile(
            rf"\b(?:{_QUALIFIER})?(?P<n>{_NUM}){_WHO}?\s+(?:(?:were|was|have\s+been|had\s+been)\s+)?"
            rf"(?:(?:also|reportedly|critically|seriously|badly|severely|slightly|mortally)\s+)?"
            rf"{verb}\b",
            re.IGNORECASE,
        ),
        re.compile(
            rf"\b(?:{'kill(?:ed|ing|s)?' if kind == 'dead' else '(?:wound|injur)(?:ed|ing|es|s)?'})"
            rf"\s+(?:{_QUALIFIER})?(?P<n>{_NUM})\b",
            re.IGNORECASE,
        ),
        re.compile(
            rf"\b(?:death\s+toll|toll)\s+(?:of|rose\s+to|reached|to)\s+(?:{_QUALIFIER})?(?P<n>{_NUM})\b"
            if kind == "dead"
            else r"(?!x)x",
            re.IGNORECASE,
        ),
    )
    for kind, verb in (("dead", _KILLED), ("hurt", _HURT))
}
_SINGULAR = {
    "dead": re.compile(
        r"\b(?:a|an|one)\s+(?:[\w-]+\s+){0,2}(?:soldier|civilian|fighter|serviceman|officer|"
        r"child|woman|man|member|militant)\s+(?:was\s+)?(?:killed|died)\b",
        re.IGNORECASE,
    ),
    "hurt": re.compile(
        r"\b(?:a|an|one)\s+(?:[\w-]+\s+){0,2}(?:soldier|civilian|fighter|serviceman|officer|"
        r"child|woman|man|member|militant)\s+(?:was\s+)?(?:wounded|injured|hurt)\b",
        re.IGNORECASE,
    ),
}


def _number(text: str) -> int:
    words = " ".join(text.lower().split())
    return int(words) if words.isdigit() else _WORD_NUMBERS.get(words, 0)


def count(sentence: str, kind: str) -> int | None:
    """The dead (``dead``) or wounded (``hurt``) a sentence counts; None when it gives none."""
    numbers = [
        _number(m.group("n")) for pattern in _COUNTS[kind] for m in pattern.finditer(sentence)
    ]
    if numbers:
        return max(numbers)
    if _SINGULAR[kind].search(sentence):
        return 1
    return None


# --- who claims it ----------------------------------------------------------------------

_CLAIM_VERBS = (
    r"said|says|say|reported|reports|claimed|claims|announced|announces|stated|states|told"
    r"|confirmed|confirms|alleged|alleges|accused|accuses|denied|denies|added|noted|tweeted"
)
_CLAIMED_AFTER = re.compile(
    rf"(?:^|[,;:]\s*|\bthat\s+)(?P<who>(?:the\s+|a\s+)?[^,;:.\"“”]{{2,90}}?)\s+(?:{_CLAIM_VERBS})\b"
    rf"|,\s*(?:{_CLAIM_VERBS})\s+(?P<who2>(?:the\s+|a\s+)?[^,;:.]{{2,90}}?)(?:[,.;]|$)",
    re.IGNORECASE,
)
_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?P<who>(?:the\s+|a\s+)?[^,;:.]{2,90}?)(?:[,;:.]|\s+(?:which|who)\b|$)",
    re.IGNORECASE,
)
_HEADLINE_SOURCE = re.compile(r":\s*(?P<who>[A-Za-z][\w .'-]{1,40}?)\s*$")
_AUTHORITY = re.compile(
    r"\b(?:ministry|minister|ministries|governor|spokes(?:man|woman|person)|official|officials"
    r"|sources?|monitor|observatory|agency|army|military|command|centre|center|police|media"
    r"|activists|witnesses|residents|office|council|government|president|statement)\b"
    r"|^(?:the\s+)?[A-Z]",
)


def _claimant(words: str) -> str | None:
    who = " ".join(words.split()).strip(" '\"“”")
    if not who or len(who.split()) > 12 or not _AUTHORITY.search(who):
        return None
    return who


def claimed_by(sentence: str) -> str:
    """Who the sentence says makes the claim ("the Russian Defence Ministry"), or ""."""
    for match in _ACCORDING.finditer(sentence):
        who = _claimant(match.group("who"))
        if who:
            return who
    for match in _CLAIMED_AFTER.finditer(sentence):
        who = _claimant(match.group("who") or match.group("who2") or "")
        if who and not re.match(r"(?i)^(?:it|this|that|there|he|she|they|we)$", who):
            return who
    headline = _HEADLINE_SOURCE.search(sentence)
    if headline:
        return _claimant(headline.group("who")) or ""
    return ""
