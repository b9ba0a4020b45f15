"""Extraction: title, text, both dates and the site; boilerplate inside the article dropped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from truceline.adapters.intake.extract import (
    boilerplate_reason,
    extract_html,
    extract_markdown,
    extract_text,
    head_dates,
)
from truceline.domain.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data" / "intake"
ARTICLE_MD = DATA / "idlib-m4-article-2020-09.md"
ARTICLE_HTML = DATA / "idlib-m4-article-2020-09.html"
URL = "https://www.globalresearch.ca/video-idlib-question/5723532"
AT = datetime(2020, 9, 7, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", ["markdown", "html"])
def test_the_article_keeps_its_title_both_dates_and_its_site(kind: str) -> None:
    if kind == "markdown":
        doc = extract_markdown(ARTICLE_MD.read_text(encoding="utf-8"), URL, AT)
    else:
        doc = extract_html(ARTICLE_HTML.read_text(encoding="utf-8"), URL, AT)
    assert doc.title == "Video: Idlib Question and Prospects of New Syrian-Turkish Confrontation"
    assert doc.published == date(2020, 9, 6)
    assert doc.original_published == date(2020, 9, 2)
    assert doc.original_site == "South Front"
    assert doc.anchor == date(2020, 9, 2)
    assert doc.site == "globalresearch.ca"
    assert doc.text.startswith("The southern part of Greater Idlib")
    assert "On September 1, Russia and Turkey" in doc.text


@pytest.mark.parametrize("kind", ["markdown", "html"])
def test_the_donation_appeal_disclaimer_and_share_prompt_are_dropped(kind: str) -> None:
    if kind == "markdown":
        doc = extract_markdown(ARTICLE_MD.read_text(encoding="utf-8"), URL, AT)
    else:
        doc = extract_html(ARTICLE_HTML.read_text(encoding="utf-8"), URL, AT)
    for words in (
        "PayPal",
        "SUPPORT SOUTHFRONT",
        "Disclaimer",
        "fair use",
        "share buttons",
        "Become a Member",
        "media inquiries",
        "Region:",
    ):
        assert words not in doc.text, words
    assert doc.text.rstrip().endswith("direct Iranian involvement in the battle.")


@pytest.mark.parametrize(
    ("paragraph", "reason"),
    [
        ("Please support our work: donate via PayPal or Patreon.", "donation appeal"),
        ("Disclaimer: the views expressed here are the author's own.", "disclaimer"),
        ("Note to readers: please click the share buttons above.", "share prompt"),
        ("Region: Middle East & North Africa", "page label"),
        ("Global Research, September 06, 2020", "dateline"),
        ("Two soldiers were killed near Ariha on Monday, the ministry said.", None),
        ("By noon, shells had hit Ariha.", None),
    ],
)
def test_each_kind_of_boilerplate_is_named_and_article_text_is_kept(
    paragraph: str, reason: str | None
) -> None:
    assert boilerplate_reason(paragraph) == reason


def test_a_long_paragraph_with_one_stray_word_is_article_text() -> None:
    text = "Turkish forces shelled the village of Afes. " * 12 + "Residents said they donate blood."
    assert boilerplate_reason(text) is None


def test_a_page_with_one_date_has_no_original() -> None:
    dates = head_dates("Reuters\nSeptember 3, 2020\nTwo soldiers were killed.", None)
    assert (dates.published, dates.original) == (date(2020, 9, 3), None)


def test_plain_text_takes_a_short_first_line_as_its_title() -> None:
    doc = extract_text(
        "Shelling near Ariha\n\nTwo civilians were wounded in shelling near Ariha on Monday.",
        "",
        AT,
        published=date(2020, 9, 2),
    )
    assert doc.title == "Shelling near Ariha"
    assert doc.text == "Two civilians were wounded in shelling near Ariha on Monday."
    assert doc.site == "local"
    assert doc.published == date(2020, 9, 2)


def test_the_same_text_has_the_same_document_id_whatever_its_spacing() -> None:
    one = extract_text("Shells hit Ariha on Monday.", "", AT)
    two = extract_text("Shells  hit Ariha\non Monday.", "", AT)
    assert one.id == two.id
    assert one.id.startswith("doc_")


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><nav>Home</nav></body></html>",
        "<html><body><p>Donate via PayPal to support us.</p></body></html>",
    ],
)
def test_a_page_without_article_text_is_refused(page: str) -> None:
    with pytest.raises(InputError) as error:
        extract_html(page, URL, AT)
    assert error.value.field == "text"
