"""Search of the gazetteer: places by name, whatever the transliteration, and by distance."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.places import Place, name_key

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)

# A fuzzy match may differ from a known name only in its vowels: transliterations
# of one name differ in vowels ("Kernaz", "Krnaz"), while neighbouring villages
# differ in a consonant ("Sarmin", "Sarrin"; "Sinjar", "Sayjar"). It also needs
# this normalised Indel similarity (0-100) between the name keys, and a key of
# at least MIN_FUZZY_LENGTH letters; shorter queries match exactly or not at all.
# Tried on the 866 village and town names of UCDP GED Syria in the four
# governorates, against the idlib-m4 gazetteer: without the vowel rule a cutoff
# of 85 sent 35 absent names to a place more than 10 km away; with it, 9 did,
# nearly all true homonyms ("Nayreb" in Aleppo, "Nayrab" in Idlib).
MIN_FUZZY_SCORE = 80.0
MIN_FUZZY_LENGTH = 5
_VOWELS = re.compile("[aeiou\N{ARABIC LETTER ALEF}\N{ARABIC LETTER WAW}\N{ARABIC LETTER YEH}]")


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A place found by name, with the name that matched and how closely (0-100)."""

    place: Place
    matched_name: str
    score: float
    exact: bool


@dataclass(frozen=True, slots=True)
class NearbyPlace:
    """A place and its great-circle distance, in metres, from a point."""

    place: Place
    distance_m: float


def _consonants(key: str) -> str:
    """A name key without its vowels: what two spellings of one name share."""
    return _VOWELS.sub("", key)


class PlaceIndex:
    """The places of one gazetteer, searchable by name and by distance."""

    def __init__(self, places: Sequence[Place]) -> None:
        self._by_id: dict[str, Place] = {}
        for place in places:
            if place.id in self._by_id:
                raise InputError("id", f"two places have the id {place.id!r}")
            self._by_id[place.id] = place
        self._places = tuple(places)

        # One entry per (place, name key), with every name of the place that has the key.
        entries: dict[tuple[int, str], list[str]] = {}
        for number, place in enumerate(self._places):
            for name in place.names:
                key = name_key(name)
                if key:
                    entries.setdefault((number, key), []).append(name)
        self._entry_place = [number for number, _ in entries]
        self._entry_key = [key for _, key in entries]
        self._entry_names = list(entries.values())
        self._exact: dict[str, list[int]] = {}
        for entry, key in enumerate(self._entry_key):
            self._exact.setdefault(key, []).append(entry)

        located = [place for place in self._places if place.has_coordinates]
        self._located = tuple(located)
        self._lat = np.radians(np.array([p.lat for p in located], dtype=np.float64))
        self._lon = np.radians(np.array([p.lon for p in located], dtype=np.float64))

    def __len__(self) -> int:
        return len(self._places)

    @property
    def places(self) -> tuple[Place, ...]:
        """Every place, in the order given."""
        return self._places

    def get(self, place_id: str) -> Place:
        """The place with this id; NotFoundError if there is none."""
        try:
            return self._by_id[place_id]
        except KeyError:
            raise NotFoundError(f"no place has the id {place_id!r}") from None

    def search(self, query: str, limit: int = 10) -> list[PlaceMatch]:
        """Places whose name or a variant matches the query, best first.

        Exact matches of the name key come first (main names before variants,
        then by id), then spellings that differ only in vowels, by falling
        score. A name that is not in the gazetteer finds nothing rather than a
        look-alike; a typo in a consonant finds nothing either.
        """
        key = name_key(query)
        if not key or limit < 1:
            return []
        exact = [
            PlaceMatch(
                self._places[self._entry_place[e]],
                self._matched_name(e, query),
                score=100.0,
                exact=True,
            )
            for e in self._exact.get(key, [])
        ]
        exact.sort(key=lambda m: (m.matched_name != m.place.name, m.place.id))
        found = {m.place.id for m in exact}

        fuzzy: dict[str, PlaceMatch] = {}
        if len(key) >= MIN_FUZZY_LENGTH:
            consonants = _consonants(key)
            for _, score, e in process.extract(
                key,
                self._entry_key,
                scorer=fuzz.ratio,
                score_cutoff=MIN_FUZZY_SCORE,
                limit=None,
            ):
                place = self._places[self._entry_place[e]]
                if place.id in found or _consonants(self._entry_key[e]) != consonants:
                    continue
                best = fuzzy.get(place.id)
                if best is None or score > best.score:
                    fuzzy[place.id] = PlaceMatch(
                        place, self._entry_names[e][0], float(score), exact=False
                    )
        ranked = sorted(fuzzy.values(), key=lambda m: (-m.score, m.place.id))
        return [*exact, *ranked][:limit]

    def _matched_name(self, entry: int, query: str) -> str:
        """The name of the entry written as the query, else its first name."""
        names = self._entry_names[entry]
        written = query.strip().casefold()
        return next((n for n in names if n.casefold() == written), names[0])

    def nearest(self, lon: float, lat: float, limit: int = 5) -> list[NearbyPlace]:
        """The places with coordinates nearest to a point, by great-circle distance."""
        if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
            raise InputError("lon", f"{lon} is not a longitude in degrees")
        if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
            raise InputError("lat", f"{lat} is not a latitude in degrees")
        if limit < 1 or not self._located:
            return []
        distances = _haversine_m(math.radians(lon), math.radians(lat), self._lon, self._lat)
        order = np.argsort(distances, kind="stable")[:limit]
        return [NearbyPlace(self._located[i], float(distances[i])) for i in order]


def _haversine_m(
    lon: float, lat: float, lons: npt.NDArray[np.float64], lats: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Great-circle distances in metres from one point to many, all in radians."""
    h = (
        np.sin((lats - lat) / 2.0) ** 2
        + np.cos(lat) * np.cos(lats) * np.sin((lons - lon) / 2.0) ** 2
    )
    distances: npt.NDArray[np.float64] = (
        2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    )
    return distances
