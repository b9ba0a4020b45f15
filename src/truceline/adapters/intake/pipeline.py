"""The intake pipeline: a document's sentences, read one by one into incident findings.

extract (done before: a `Document`) -> split into sentences -> find the
sentences that state past incidents (a cheap look for an event word, then
the English model's tags) -> resolve their dates against the publication
date -> resolve their places against the gazetteer -> type them (ACLED) ->
their actors, dead and wounded, and who claims them. A sentence that gives
no date or place takes the last its paragraph gave; one that reports
recurring events ("regularly") gets a vague period, from the earliest date
the document gave before it up to the publication date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from truceline.adapters.intake.classify import (
    COUNTS_CUE,
    Verdict,
    assess,
    event_type_of,
    names_an_event,
    needs_tags,
)
from truceline.adapters.intake.dates import DateMention, find_dates, period_before
from truceline.adapters.intake.details import actor_list, claimed_by, count, find_actors
from truceline.adapters.intake.places import PlaceResolver
from truceline.adapters.intake.sentences import Sentence, Tagged, split_sentences, tag
from truceline.domain.agreements import Agreement
from truceline.domain.intake import (
    DatePrecision,
    DateSpan,
    Document,
    Extraction,
    Finding,
    PlaceFix,
    PlacePrecision,
)

#: A text of one sentence this short is a headline: its present tense reports the past.
_HEADLINE_CHARS = 300


@dataclass(frozen=True, slots=True)
class Reading:
    """One sentence as the pipeline read it: the verdict, and the finding when it is one."""

    sentence: Sentence
    verdict: Verdict
    finding: Finding | None


class Pipeline:
    """Reads documents for one agreement: its gazetteer, routes and actors."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.places = PlaceResolver(agreement)
        self.actors = actor_list(agreement)

    def run(self, document: Document) -> Extraction:
        """The document and the findings of its sentences that state past incidents."""
        readings = self.read(document)
        findings = tuple(r.finding for r in readings if r.finding is not None)
        return Extraction(document, findings, len(readings))

    def read(self, document: Document) -> list[Reading]:
        """Every sentence of the document with its verdict (and finding when there is one)."""
        sentences = split_sentences(document.text)
        anchor = document.anchor or document.fetched_at.date()
        headline = len(sentences) == 1 and len(sentences[0].text) <= _HEADLINE_CHARS
        mentions = [find_dates(s.text, anchor) for s in sentences]
        looked = [i for i, s in enumerate(sentences) if names_an_event(s.text)]
        # The model tags only what the words alone cannot settle.
        ask = [i for i in looked if needs_tags(sentences[i].text, _dated(mentions[i]))]
        tags: dict[int, Tagged | None] = dict.fromkeys(looked)
        tags.update(zip(ask, tag([sentences[i].text for i in ask]), strict=True))
        readings: list[Reading] = []
        for i, sentence in enumerate(sentences):
            if i not in tags:
                readings.append(Reading(sentence, Verdict(False, False, "names no event"), None))
                continue
            dated = _dated(mentions[i])
            verdict = assess(sentence.text, tags[i], headline=headline, dated=dated)
            finding = None
            if (
                verdict.incident
                and verdict.counts_only
                and _counts_event_before(readings, sentence)
            ):
                # "9 civilians killed, 25 injured" after the sentence that names the event.
                last = readings[-1]
                assert last.finding is not None
                counted = replace(
                    last.finding,
                    fatalities=_either(last.finding.fatalities, count(sentence.text, "dead")),
                    injuries=_either(last.finding.injuries, count(sentence.text, "hurt")),
                )
                readings[-1] = replace(last, finding=counted)
                counts = Verdict(False, False, "counts of the event named before")
                readings.append(Reading(sentence, counts, None))
                continue
            if verdict.incident and verdict.counts_only:
                verdict = _typed_by_context(readings, sentence, verdict)
            if verdict.incident:
                finding = self._finding(sentences, mentions, i, verdict, anchor, headline)
            readings.append(Reading(sentence, verdict, finding))
        return readings

    def _finding(
        self,
        sentences: list[Sentence],
        mentions: list[list[DateMention]],
        i: int,
        verdict: Verdict,
        anchor: date,
        headline: bool,
    ) -> Finding:
        sentence = sentences[i]
        text = sentence.text
        dates = self._dates(sentences, mentions, i, verdict, anchor, headline)
        place = self._place(sentences, i)
        actors = find_actors(text, self.actors)
        confidence = 0.4 + 0.2 * (dates is not None and not dates.vague) + 0.2 * (place is not None)
        confidence += 0.2 * (not verdict.habitual)
        return Finding(
            sentence=text,
            event_type=verdict.event_type,
            sub_event_type=verdict.sub_event_type,
            dates=dates,
            place=place,
            actors=tuple(a.name for a in actors),
            fatalities=count(text, "dead"),
            injuries=count(text, "hurt"),
            claimed_by=claimed_by(text),
            confidence=round(min(confidence, 1.0), 2),
            index=sentence.index,
        )

    @staticmethod
    def _dates(
        sentences: list[Sentence],
        mentions: list[list[DateMention]],
        i: int,
        verdict: Verdict,
        anchor: date,
        headline: bool,
    ) -> DateSpan:
        own = mentions[i]
        earlier = [m.span for ms in mentions[:i] for m in ms if not m.span.vague]
        explicit = [m.span for m in own if not m.span.vague]
        vague_words = next((m.span.text for m in own if m.span.vague), "")
        # "since 24 August": a vague period, but one whose start the text gives.
        since = [m.span for m in own if m.span.vague and m.span.start < m.span.end]
        if explicit and not verdict.habitual:
            return explicit[0]
        if since:
            return since[0]
        if verdict.habitual or vague_words:
            if explicit:
                return DateSpan(
                    explicit[0].start, explicit[0].end, DatePrecision.PERIOD, vague_words
                )
            return period_before(earlier, anchor, vague_words)
        if headline or i == 0:
            return DateSpan(anchor - timedelta(days=1), anchor, DatePrecision.DAYS)
        paragraph = sentences[i].paragraph
        for j in range(i - 1, -1, -1):
            if sentences[j].paragraph != paragraph:
                break
            carried = [m.span for m in mentions[j] if not m.span.vague]
            if carried:
                return carried[-1]
        return period_before(earlier, anchor, "")

    def _place(self, sentences: list[Sentence], i: int) -> PlaceFix | None:
        found = self.places.find(sentences[i].text)
        if found:
            return _best(found)
        paragraph = sentences[i].paragraph
        for j in range(i - 1, -1, -1):
            if sentences[j].paragraph != paragraph:
                break
            carried = self.places.find(sentences[j].text)
            if carried:
                place = carried[-1]
                if place.precision is PlacePrecision.TOWN:
                    return PlaceFix(
                        place.name, place.lat, place.lon, PlacePrecision.NEAR, place.place_id, ""
                    )
                return PlaceFix(
                    place.name, place.lat, place.lon, place.precision, place.place_id, ""
                )
        return None


def _typed_by_context(readings: list[Reading], sentence: Sentence, verdict: Verdict) -> Verdict:
    """A sentence that only counts the dead ("9 civilians killed, 25 injured") takes the type
    of the event the sentence before it, in its paragraph, names."""
    if not readings or readings[-1].sentence.paragraph != sentence.paragraph:
        return verdict
    before = event_type_of(readings[-1].sentence.text)
    if before is None or COUNTS_CUE[2].fullmatch(before[2].group(0)):
        return verdict
    return replace(verdict, event_type=before[0], sub_event_type=before[1])


def _counts_event_before(readings: list[Reading], sentence: Sentence) -> bool:
    """Whether the sentence before, in the same paragraph, is a candidate of its own."""
    return (
        bool(readings)
        and readings[-1].finding is not None
        and readings[-1].sentence.paragraph == sentence.paragraph
    )


def _either(first: int | None, second: int | None) -> int | None:
    return first if first is not None else second


def _dated(mentions: list[DateMention]) -> bool:
    return any(not m.span.vague for m in mentions)


def _best(places: list[PlaceFix]) -> PlaceFix:
    """The first place a sentence names, unless it is a region (or a route) and a town or a
    place near one follows: "attacks on the M4 near Ariha" happened near Ariha."""
    return next((p for p in places if p.precision is not PlacePrecision.REGION), places[0])
