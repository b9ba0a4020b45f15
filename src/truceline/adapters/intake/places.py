"""Places named in a sentence, resolved against the agreement's gazetteer and routes.

Every run of one to five words that starts with a capital letter is looked
up under its name key (``domain.places.name_key``), so every
transliteration variant the gazetteer lists matches ("Jisr al-Shughur",
"Jisr ash-Shughur", "Jisr al-Choghour"); a longer run that is not a known
name is tried against the gazetteer's spellings that differ only in vowels
(``PlaceIndex.search``). The agreement's routes are places too ("the M4"),
placed at the middle of their line, as a region. The words around a name
give the precision: "near", "the outskirts of", "north of" a place, or its
"countryside", mean near it; "province", "governorate", "Greater" or a
compass part ("southern Idlib") mean the region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from truceline.adapters.gazetteer import PlaceIndex
from truceline.domain.agreements import Agreement
from truceline.domain.intake import PlaceFix, PlacePrecision
from truceline.domain.places import Place, name_key

_WORD = re.compile(r"[^\W\d_][\w'\u2019\u2018`\u02bf-]*|\d+[A-Za-z]?|[A-Z]\d+", re.UNICODE)
_LONGEST = 5
#: Name keys of the word runs of sentences, remembered: the same runs recur in every text.
_key = lru_cache(maxsize=65536)(name_key)
#: Words that start a sentence or a name without being a place.
_NOT_PLACES = frozenset(
    {
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "of",
        "and",
        "or",
        "but",
        "this",
        "that",
        "these",
        "those",
        "it",
        "he",
        "she",
        "they",
        "we",
        "as",
        "by",
        "for",
        "from",
        "to",
        "with",
        "under",
        "after",
        "before",
        "between",
        "during",
    }
)
#: A name may open with the Arabic article in lowercase: "al-Bab", "ash-Shughur".
_ARTICLE = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|et|ez)-[A-Z]")
_NEAR_BEFORE = re.compile(
    r"\b(?:near|nearby|outside|around|outskirts\s+of|vicinity\s+of|close\s+to|edge\s+of"
    r"|(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:\s+of)?"
    r"|(?:kilometres?|kilometers?|km|miles?)\s+(?:\w+\s+)?(?:of|from))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_REGION_BEFORE = re.compile(
    r"\b(?:greater|(?:north|south|east|west)(?:ern|-western|-eastern)?|rural)\s+$", re.IGNORECASE
)
_NEAR_AFTER = re.compile(r"^\s*(?:countryside|area|suburbs?|outskirts|environs)\b", re.I)
_REGION_AFTER = re.compile(r"^\s*(?:province|governorate|region|district|de-escalation)\b", re.I)


@dataclass(frozen=True, slots=True)
class _Known:
    """A name key the resolver knows: a gazetteer place, or a route's middle point."""

    name: str
    lat: float
    lon: float
    place_id: str
    route: bool


class PlaceResolver:
    """Finds the places of one agreement's gazetteer and routes in sentences."""

    def __init__(self, agreement: Agreement, index: PlaceIndex | None = None) -> None:
        self._index = index or PlaceIndex(agreement.places)
        self._known: dict[str, _Known] = {}
        for route in agreement.routes:
            middle = route.line.interpolate(0.5, normalized=True)
            known = _Known(route.name or route.id, middle.y, middle.x, route.id, True)
            label = route.id.upper()
            for name in (route.id, label, f"{label} highway", f"{label} road", route.name):
                if name and name_key(name):
                    self._known.setdefault(name_key(name), known)
        for place in agreement.places:
            self._add(place)
        self._max_words = _LONGEST

    def _add(self, place: Place) -> None:
        if place.lat is None or place.lon is None:
            return
        for name in place.names:
            key = name_key(name)
            if len(key) >= 3:
                self._known.setdefault(
                    key, _Known(place.name, place.lat, place.lon, place.id, False)
                )

    def find(self, sentence: str) -> list[PlaceFix]:
        """The places a sentence names, in order, each once, with the precision its words give."""
        words = list(_WORD.finditer(sentence))
        found: list[PlaceFix] = []
        seen: set[str] = set()
        i = 0
        while i < len(words):
            match = self._match_at(sentence, words, i)
            if match is None:
                i += 1
                continue
            known, span, used = match
            i += used
            if known.place_id in seen:
                continue
            seen.add(known.place_id)
            found.append(
                PlaceFix(
                    name=known.name,
                    lat=round(known.lat, 6),
                    lon=round(known.lon, 6),
                    precision=self._precision(sentence, span, known),
                    place_id=known.place_id,
                    text=sentence[span[0] : span[1]],
                )
            )
        return found

    def _match_at(
        self, sentence: str, words: list[re.Match[str]], i: int
    ) -> tuple[_Known, tuple[int, int], int] | None:
        first = words[i].group(0)
        named = first[0].isupper() or first[0].isdigit() or _ARTICLE.match(first)
        if not named or first.lower() in _NOT_PLACES:
            return None
        for n in range(min(self._max_words, len(words) - i), 0, -1):
            begin, end = words[i].start(), words[i + n - 1].end()
            text = sentence[begin:end]
            if re.search(r"[.,;:!?()]", text):
                continue
            known = self._known.get(_key(text))
            if known is not None:
                return known, (begin, end), n
        if len(first) >= 5 and first[0].isupper():
            fuzzy = self._index.search(first, limit=1)
            if fuzzy and fuzzy[0].place.has_coordinates and not fuzzy[0].exact:
                place = fuzzy[0].place
                assert place.lat is not None
                assert place.lon is not None
                known = _Known(place.name, place.lat, place.lon, place.id, False)
                return known, words[i].span(), 1
        return None

    @staticmethod
    def _precision(sentence: str, span: tuple[int, int], known: _Known) -> PlacePrecision:
        before, after = sentence[max(0, span[0] - 40) : span[0]], sentence[span[1] : span[1] + 30]
        if known.route or _REGION_BEFORE.search(before) or _REGION_AFTER.search(after):
            return PlacePrecision.REGION
        if _NEAR_BEFORE.search(before) or _NEAR_AFTER.search(after):
            return PlacePrecision.NEAR
        return PlacePrecision.TOWN
