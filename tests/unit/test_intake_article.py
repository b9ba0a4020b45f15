"""The September 2020 article on Idlib and the M4, read whole: the candidates a reviewer gets.

The article (tests/data/intake/, a copy of ../shared/articles/) reports the 5 March 2020
agreement, the joint drills of 1 September 2020 and recurring attacks on joint patrols on
the M4, and carries a donation appeal and a disclaimer inside the page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from truceline.adapters.intake.extract import extract_html, extract_markdown
from truceline.adapters.intake.pipeline import Pipeline
from truceline.adapters.packs import read_pack
from truceline.domain.intake import DatePrecision, Document, Extraction, Finding, PlacePrecision
from truceline.packs import example_pack_path

DATA = Path(__file__).resolve().parents[1] / "data" / "intake"
URL = "https://www.globalresearch.ca/video-idlib-question-prospects-new-syrian-turkish/5723532"
AT = datetime(2020, 9, 7, 8, 0, tzinfo=UTC)


def document(kind: str) -> Document:
    if kind == "markdown":
        return extract_markdown((DATA / "idlib-m4-article-2020-09.md").read_text("utf-8"), URL, AT)
    return extract_html((DATA / "idlib-m4-article-2020-09.html").read_text("utf-8"), URL, AT)


@pytest.fixture(scope="module", params=["markdown", "html"])
def read(request: pytest.FixtureRequest) -> Extraction:
    pipeline = Pipeline(read_pack(example_pack_path("idlib-m4")))
    return pipeline.run(document(request.param))


def one(read: Extraction, *words: str) -> Finding:
    [found] = [f for f in read.findings if all(w in f.sentence for w in words)]
    return found


def test_the_5_march_agreement_is_a_strategic_development_of_that_day(read: Extraction) -> None:
    found = one(read, "signed a de-escalation deal")
    assert (found.event_type, found.sub_event_type) == ("Strategic developments", "Agreement")
    assert found.dates is not None
    assert (found.dates.start, found.dates.end) == (date(2020, 3, 5), date(2020, 3, 5))
    assert found.dates.precision is DatePrecision.DAY
    assert {"Russian Federation", "Republic of Turkey"} <= set(found.actors)


def test_the_joint_drills_are_dated_1_september_2020_on_the_m4(read: Extraction) -> None:
    found = one(read, "drills")
    assert found.dates is not None
    assert (found.dates.start, found.dates.precision) == (date(2020, 9, 1), DatePrecision.DAY)
    assert found.event_type == "Strategic developments"
    assert found.place is not None
    assert found.place.place_id == "m4"
    assert found.place.precision is PlacePrecision.REGION


def test_attacks_on_joint_patrols_on_the_m4_have_their_vague_period_stated_as_such(
    read: Extraction,
) -> None:
    found = one(read, "patrols", "targets of attacks")
    assert found.dates is not None
    assert found.dates.precision is DatePrecision.PERIOD
    assert found.dates.vague
    # From the agreement the article dated before, up to the original publication.
    assert (found.dates.start, found.dates.end) == (date(2020, 3, 5), date(2020, 9, 2))
    assert found.dates.text == "regularly"
    assert found.place is not None
    assert found.place.place_id == "m4"
    assert found.event_type == "Battles"


def test_relative_dates_are_read_from_the_original_publication(read: Extraction) -> None:
    assert read.document.original_published == date(2020, 9, 2)
    assert read.document.published == date(2020, 9, 6)


def test_no_candidate_comes_from_the_donation_appeal_or_the_disclaimer(read: Extraction) -> None:
    text = " ".join(f.sentence for f in read.findings)
    for words in ("PayPal", "SUPPORT", "donate", "Disclaimer", "copyright", "fair use", "share"):
        assert words.lower() not in text.lower()
    assert all(f.sentence in read.document.text for f in read.findings)


def test_speculation_and_the_proposals_are_not_candidates(read: Extraction) -> None:
    text = " ".join(f.sentence for f in read.findings)
    for words in ("may cost", "would inevitably", "To assign two officers", "could easily"):
        assert words not in text
