"""Statements' Markdown becomes safe HTML; published statements become an Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from truceline.adapters.feeds import atom_feed
from truceline.adapters.markdown import render_markdown
from truceline.adapters.packs import read_pack
from truceline.domain.statement_text import statement_text
from truceline.domain.statements import approve, claim, draft, publish
from truceline.entrypoints.web.statement_views import feed_of
from truceline.packs import example_pack_path

ATOM = "{http://www.w3.org/2005/Atom}"
AT = datetime(2020, 4, 1, 9, 0, tzinfo=UTC)


def test_markdown_renders_headings_lists_emphasis_links_and_tables() -> None:
    html = render_markdown("# Title\n\n- *one*\n- **two**\n\n|a|b|\n|-|-|\n|1|2|\n\n[M4](/zones)")
    assert "<h1>Title</h1>" in html
    assert "<em>one</em>" in html
    assert "<strong>two</strong>" in html
    assert "<td>1</td>" in html
    assert '<a href="/zones">M4</a>' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_raw_html_and_unsafe_links_never_reach_the_page(text: str) -> None:
    html = render_markdown(text)
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html.lower()
    assert 'href="data' not in html.lower()
    assert '<a href="javascript' not in html.lower()


def test_images_are_not_loaded_from_elsewhere() -> None:
    html = render_markdown("![tracker](https://example.org/pixel.png)")
    assert "<img" not in html


def test_links_off_the_site_carry_nofollow_noopener() -> None:
    html = render_markdown("[source](https://example.org/a)")
    assert 'rel="nofollow noopener"' in html


def test_the_feed_is_atom_with_one_entry_per_published_statement_newest_first() -> None:
    agreement = read_pack(example_pack_path("idlib-m4"))
    text = statement_text("Joint statement on Ariha", "Both sides **confirm** it.", [], [])
    joint = draft("stm_a", 1, text, ("tr", "ru"), by="u1", party="tr", at=AT)
    for party in ("tr", "ru"):
        joint = approve(
            joint, party=party, version=1, text_sha256=text.sha256, by=f"ao_{party}", at=AT
        )
    joint = publish(joint, by="u1", party="tr", at=AT + timedelta(hours=1))
    own = claim(
        "stm_b",
        2,
        statement_text("Our account", "We <b>deny</b> it."),
        party="ru",
        by="ao_ru",
        at=AT + timedelta(hours=2),
    )
    head, entries = feed_of(agreement, [own, joint], "http://127.0.0.1:8000")
    root = ET.fromstring(atom_feed(head, entries))
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated", "").startswith("2020-04-01T11:00:00")
    found = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in found] == [
        "Russia's claim: Our account",
        "Joint statement on Ariha",
    ]
    first, second = found
    for entry in found:
        for part in ("id", "title", "updated", "content"):
            assert entry.find(f"{ATOM}{part}") is not None, part
    link = second.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == "http://127.0.0.1:8000/statements/stm_a"
    assert "<strong>confirm</strong>" in (second.findtext(f"{ATOM}content") or "")
    assert "&lt;b&gt;deny&lt;/b&gt;" in (first.findtext(f"{ATOM}content") or "")
    category = first.find(f"{ATOM}category")
    assert category is not None
    assert category.get("term") == "claim"
    assert second.findtext(f"{ATOM}id", "").startswith("urn:uuid:")


def test_an_empty_feed_is_still_valid_atom() -> None:
    agreement = read_pack(example_pack_path("idlib-m4"))
    head, entries = feed_of(agreement, [], "http://localhost")
    root = ET.fromstring(atom_feed(head, entries))
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}title", "").endswith("statements")
