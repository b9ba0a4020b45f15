"""How alike two texts are, for duplicate suggestions: character n-grams, hashed (scikit-learn).

Two reports of one event rarely share their wording, and transliterations
differ ("Saraqeb", "Saraqib"): character 3- to 5-grams within words,
weighted by sublinear term frequency and compared by cosine, see through
both better than shared whole words. The hashing vectorizer needs no
fitting, so the measure is the same for every pair and every process.
"""

from __future__ import annotations

from functools import lru_cache

from sklearn.feature_extraction.text import HashingVectorizer


@lru_cache(maxsize=1)
def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        n_features=2**18,
        alternate_sign=False,
        norm="l2",
        lowercase=True,
    )


def text_similarity(first: str, second: str) -> float:
    """The cosine of two texts' character n-gram vectors, from 0 to 1."""
    if not first.strip() or not second.strip():
        return 0.0
    vectors = _vectorizer().transform([first, second])
    value = float(vectors[0].multiply(vectors[1]).sum())
    return max(0.0, min(1.0, value))
