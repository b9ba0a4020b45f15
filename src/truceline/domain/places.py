"""Places of the gazetteer."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """A named place with its transliteration variants and where its point comes from."""

    id: str
    name: str
    alt_names: tuple[str, ...]
    lat: float | None
    lon: float | None
    admin1: str
    admin2: str
    source: str
    provenance: str

    @property
    def has_coordinates(self) -> bool:
        """Whether the gazetteer knows where this place is."""
        return self.lat is not None and self.lon is not None

    @property
    def names(self) -> tuple[str, ...]:
        """The main name followed by every variant."""
        return (self.name, *self.alt_names)


# Marks that stand for the Arabic letters ayn and hamza in Latin transliterations.
_AYN_HAMZA_MARKS = frozenset(
    "'`"
    "\N{RIGHT SINGLE QUOTATION MARK}\N{LEFT SINGLE QUOTATION MARK}\N{ACUTE ACCENT}"
    "\N{MODIFIER LETTER LEFT HALF RING}\N{MODIFIER LETTER RIGHT HALF RING}"
    "\N{MODIFIER LETTER TURNED COMMA}\N{MODIFIER LETTER APOSTROPHE}"
)

# Latin letters that Unicode decomposition leaves as they are.
_LATIN_FOLDS = str.maketrans(
    {
        "\N{LATIN SMALL LETTER DOTLESS I}": "i",
        "\N{LATIN SMALL LETTER L WITH STROKE}": "l",
        "\N{LATIN SMALL LETTER D WITH STROKE}": "d",
        "\N{LATIN SMALL LETTER O WITH STROKE}": "o",
        "\N{LATIN SMALL LETTER SCHWA}": "a",
        "\N{LATIN SMALL LETTER SHARP S}": "ss",
    }
)

# The Arabic article as written before each letter, "al-" and "el-" and the
# sun-letter assimilations ("ash-Shughur", "an-Nu'man", "ez-Zor").
_ARTICLES = frozenset(
    prefix + consonant
    for prefix in ("a", "e")
    for consonant in ("l", "t", "th", "d", "dh", "r", "z", "s", "sh", "n")
)

# Arabic letters folded to one form: the alef variants (their hamza and madda
# marks are combining characters, dropped with the other marks), alef maqsura,
# ta marbuta, and the Persian forms of yeh and kaf.
_ARABIC_FOLDS = str.maketrans(
    {
        "\N{ARABIC LETTER ALEF WASLA}": "\N{ARABIC LETTER ALEF}",
        "\N{ARABIC LETTER ALEF MAKSURA}": "\N{ARABIC LETTER YEH}",
        "\N{ARABIC LETTER TEH MARBUTA}": "\N{ARABIC LETTER HEH}",
        "\N{ARABIC LETTER FARSI YEH}": "\N{ARABIC LETTER YEH}",
        "\N{ARABIC LETTER KEHEH}": "\N{ARABIC LETTER KAF}",
        "\N{ARABIC LETTER HAMZA}": None,
        "\N{ARABIC TATWEEL}": None,
    }
)
_ARABIC_ARTICLE = "\N{ARABIC LETTER ALEF}\N{ARABIC LETTER LAM}"

# Spelling rules for one Latin word, applied in order.
_WORD_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"v", "w"),  # Russian and Turkish renderings of waw: Havr, Hawr
        (r"dj", "j"),  # French: Djisr
        (r"ch", "sh"),  # French: Choghour
        (r"qu(?=[ei])", "q"),  # French and Spanish: Saraqueb
        (r"(?<=..)[ae]h$", "a"),  # ta marbuta: Najiyeh, Najiyah
        (r"(?<=..)e$", "a"),  # ta marbuta written as a bare e
        (r"ou|oo|uu", "u"),
        (r"ee|ii", "i"),
        (r"[ae]i|[ae]y(?![aeiou])", "i"),  # Shaykh, Sheikh, Shikh; Nayrab, Nairab
        (r"[ao]w(?![aeiou])", "u"),  # Jawz, Joz; Hawr, Hour
        (r"o", "u"),
        (r"e", "i"),
    )
)
_DOUBLED = re.compile(r"(.)\1+")


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"


def _words(name: str) -> list[str]:
    """The name in lowercase words, without diacritics or ayn and hamza marks."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(
        char
        for char in decomposed
        if unicodedata.category(char) != "Mn" and char not in _AYN_HAMZA_MARKS
    )
    folded = kept.casefold().translate(_LATIN_FOLDS).translate(_ARABIC_FOLDS)
    separated = "".join(char if char.isalnum() else " " for char in folded)
    return separated.split()


def _arabic_key(words: list[str]) -> str:
    first = words[0]
    if first.startswith(_ARABIC_ARTICLE) and len(first) > len(_ARABIC_ARTICLE) + 1:
        words = [first[len(_ARABIC_ARTICLE) :], *words[1:]]
    return "".join(words)


def _latin_key(words: list[str]) -> str:
    # An article is a word followed by another word; the article that opens a
    # name is dropped ("al-Najiyah" is "Najiyah"), the others become "al".
    spelled = [
        "al" if word in _ARTICLES and i < len(words) - 1 else word for i, word in enumerate(words)
    ]
    if len(spelled) > 1 and spelled[0] == "al":
        spelled = spelled[1:]
    respelled = []
    for word in spelled:
        for pattern, replacement in _WORD_RULES:
            word = pattern.sub(replacement, word)
        respelled.append(word)
    return _DOUBLED.sub(r"\1", "".join(respelled))


def name_key(name: str) -> str:
    """The form of a place name under which its transliterations match.

    Diacritics, case, ayn and hamza marks, hyphens and spaces are dropped; the
    Arabic article is one form whatever letter it is assimilated to, and the
    opening article is dropped; common vowel spellings (ou, oo, o as u; ee, e, i
    as i; ay, ai, ei as i) and the ta marbuta ending (-ah, -eh) are unified;
    French ch and dj are read as sh and j; doubled letters count once. So
    "Jisr ash-Shughur", "Jisr al-Shoghour" and "Jisr al-Choghour" share a key.
    Names in Arabic script keep their letters, with the alef, yeh and ta
    marbuta forms folded and the opening article dropped.
    """
    words = _words(name)
    if not words:
        return ""
    if any(_is_arabic(char) for word in words for char in word):
        return _arabic_key(words)
    return _latin_key(words)
