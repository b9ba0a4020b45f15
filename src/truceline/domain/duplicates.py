"""Possible duplicates: other incidents that may describe the same event.

Two incidents are candidates when their event types are of the same family,
their points lie within `max_km` of each other, their date ranges are at
most `max_days` apart, and (when both have text) their texts are similar
enough. Each candidate carries a score from 0 to 1 and the reasons behind
it, so a reviewer sees why it was proposed; nothing is merged automatically.
The text similarity is a parameter: the default is the word-set measure
below (standard library only); an adapter may pass a faster one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from truceline.domain.errors import InputError
from truceline.domain.incidents import Incident

Similarity = Callable[[str, str], float]

EARTH_RADIUS_KM = 6371.0088
_WORD = re.compile(r"\w+")


def words(text: str) -> frozenset[str]:
    """The distinct words of a text, folded: no accents, no case, no words under 3 letters.

    Numbers are kept whatever their length ("km 4" keeps "4").
    """
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return frozenset(w for w in _WORD.findall(folded) if len(w) >= 3 or w.isdigit())


def token_set_similarity(first: str, second: str) -> float:
    """How alike two texts' word sets are, from 0 to 1.

    The mean of two measures: the share of the smaller set found in the
    larger (1 when one text's words all appear in the other) and the share of
    all words the texts have in common (which falls when one is much longer).
    """
    a, b = words(first), words(second)
    if not a or not b:
        return 0.0
    common = len(a & b)
    return (common / min(len(a), len(b)) + common / len(a | b)) / 2


def distance_km(first: Incident, second: Incident) -> float:
    """Great-circle distance between two incidents' points, in kilometres."""
    lon1, lat1 = map(math.radians, (first.location.lon, first.location.lat))
    lon2, lat2 = map(math.radians, (second.location.lon, second.location.lat))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """An incident that may describe the same event, how likely (0-1), and why."""

    incident_id: str
    score: float
    distance_km: float
    days_apart: int
    text_similarity: float | None
    reasons: tuple[str, ...]


def _incident_notes(incident: Incident) -> str:
    return incident.notes


def possible_duplicates(
    incident: Incident,
    others: Iterable[Incident],
    *,
    max_km: float = 5.0,
    max_days: int = 2,
    min_text_similarity: float = 0.3,
    similarity: Similarity = token_set_similarity,
    text_of: Callable[[Incident], str] = _incident_notes,
) -> list[DuplicateCandidate]:
    """The incidents among `others` that may duplicate `incident`, best first.

    The score is the mean of the closeness in space (1 at the same point, 0
    at `max_km`), in time (1 for overlapping dates, falling by one part in
    `max_days + 1` a day) and, when both texts are there, their similarity.
    Itself and incidents already merged into another are never proposed.
    """
    if not (math.isfinite(max_km) and max_km >= 0):
        raise InputError("max_km", "a distance of 0 km or more")
    if max_days < 0:
        raise InputError("max_days", "a window of 0 days or more")
    if not 0.0 <= min_text_similarity <= 1.0:
        raise InputError("min_text_similarity", "a similarity from 0 to 1")
    own_text = text_of(incident).strip()
    found: list[DuplicateCandidate] = []
    for other in others:
        if other.id == incident.id or other.merged_into is not None:
            continue
        if other.family is not incident.family:
            continue
        km = distance_km(incident, other)
        gap = incident.dates.gap_days(other.dates)
        if km > max_km or gap > max_days:
            continue
        closeness = [1.0 - km / max_km if max_km else 1.0, 1.0 - gap / (max_days + 1)]
        reasons = [f"same family of event type ({incident.family})"]
        if other.sub_event_type == incident.sub_event_type:
            reasons.append(f"same sub-event type ({other.sub_event_type})")
        reasons.append(f"{km:.1f} km apart")
        reasons.append("dates overlap" if gap == 0 else f"{gap} day(s) apart")
        other_text = text_of(other).strip()
        text_score: float | None = None
        if own_text and other_text:
            text_score = similarity(own_text, other_text)
            if text_score < min_text_similarity:
                continue
            closeness.append(text_score)
            reasons.append(f"text similarity {text_score:.2f}")
        else:
            reasons.append("no text to compare")
        shared = _shared_actors(incident, other)
        if shared:
            reasons.append("same actor(s): " + ", ".join(shared))
        score = sum(closeness) / len(closeness)
        found.append(DuplicateCandidate(other.id, score, km, gap, text_score, tuple(reasons)))
    found.sort(key=lambda c: (-c.score, c.incident_id))
    return found


def _shared_actors(first: Incident, second: Incident) -> list[str]:
    def names(incident: Incident) -> set[str]:
        actors = incident.actors
        return {actors.actor1, actors.actor2, *actors.associated1, *actors.associated2} - {""}

    return sorted(names(first) & names(second))
