"""Extraction: from a page, Markdown or plain text to a `Document` (title, text, dates, site).

HTML goes through trafilatura (main text, title, site name, date). Markdown
and plain text are read here: headings, links and emphasis become plain
words. In every case the text is cut into paragraphs and the boilerplate
that sits inside articles is dropped: appeals for donations, disclaimers and
copyright notices, share prompts, and the labels of page furniture
("Region:", "Articles by:"). The dates a page shows near its top are all
read: when it shows two (a republication of an article first published
elsewhere), the earlier is the original publication's and the later the
page's own, and both are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import trafilatura
from lxml import html as lxml_html

from truceline.adapters.intake.dates import find_dates
from truceline.domain.errors import InputError
from truceline.domain.intake import DatePrecision, Document, document_id, site_key, text_digest

_MONTH_WORD = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
#: Paragraphs that are not the article: why each is dropped, and what gives it away.
BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        (
            "donation appeal",
            r"\b(?:donat(?:e|ion|ions)|patreon|paypal|support\s+(?:us|our|\w*front|\w*journalism)"
            r"|become\s+a\s+(?:member|patron|subscriber)|subscribe\s+(?:now|today|to\s+our)"
            r"|make\s+a\s+contribution|help\s+us\s+(?:continue|keep|grow))\b",
        ),
        (
            "disclaimer",
            r"\b(?:disclaimer|copyright|all\s+rights\s+reserved|fair\s+use"
            r"|sole\s+responsibility\s+of\s+the\s+author|views\s+expressed\s+(?:in|here)"
            r"|do\s+not\s+necessarily\s+reflect|not\s+be\s+responsible\s+for"
            r"|grants?\s+permission\s+to|media\s+inquiries|the\s+original\s+source\s+of\s+this)\b|©",
        ),
        (
            "share prompt",
            r"\b(?:share\s+(?:buttons?|this|on)|forward\s+this\s+article|cross-?post"
            r"|follow\s+us\s+on|comment\s+on\s+.{0,40}facebook|note\s+to\s+readers"
            r"|sign\s+up\s+for\s+(?:our|the)\s+newsletter|click\s+here)\b",
        ),
        (
            "page label",
            r"^(?:region|theme|in-depth\s+report|articles\s+by|tags|filed\s+under|related"
            r"|read\s+more|see\s+also)\s*:.{0,120}$|^by\s+[^.,;!?]{1,60}$",
        ),
        (
            "dateline",
            rf"^[^.;!?]{{0,60}}\b(?:\d{{1,2}}\s+{_MONTH_WORD}\s+\d{{4}}"
            rf"|{_MONTH_WORD}\s+\d{{1,2}},?\s+\d{{4}})$",
        ),
    )
)
#: A paragraph over this many characters is article text unless it has two tell-tales.
_LONG = 400
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^>]+>")
_MD_MARKS = re.compile(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)|^\s{0,3}(?:#{1,6}|>|[-*+]|\d+\.)\s+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$|^\s*\\?\*\s*$")
_SPACES = re.compile(r"[ \t\u00a0]+")
#: Fewer words than this are no article (a menu, a lone link).
_FEWEST_WORDS = 3
#: The head of a page where its dates are looked for, in characters.
_HEAD = 1500


@dataclass(frozen=True, slots=True)
class Paragraphs:
    """A text cut into paragraphs: those kept, and those dropped with the reason."""

    kept: tuple[str, ...]
    dropped: tuple[tuple[str, str], ...]


def boilerplate_reason(paragraph: str) -> str | None:
    """Why a paragraph is boilerplate ("donation appeal", "disclaimer"...), or None."""
    hits = [reason for reason, pattern in BOILERPLATE if pattern.search(paragraph)]
    if not hits:
        return None
    many = sum(len(pattern.findall(paragraph)) for _, pattern in BOILERPLATE)
    if len(paragraph) <= _LONG or many >= 2:
        return hits[0]
    return None


def clean_paragraphs(paragraphs: list[str]) -> Paragraphs:
    """Keep the article's paragraphs; drop boilerplate, rules and what follows a disclaimer."""
    kept: list[str] = []
    dropped: list[tuple[str, str]] = []
    for raw in paragraphs:
        text = _SPACES.sub(" ", raw).strip()
        if not text or _RULE.match(text):
            continue
        reason = boilerplate_reason(text)
        if reason is None:
            kept.append(text)
        else:
            dropped.append((reason, text))
    return Paragraphs(tuple(kept), tuple(dropped))


def _markdown_line(line: str) -> str:
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_AUTOLINK.sub("", line)
    line = _MD_MARKS.sub("", line)
    return line.replace("\\*", "").replace("\\", "").strip()


def markdown_paragraphs(text: str) -> tuple[str, list[str]]:
    """The first heading (the title) and the paragraphs of a Markdown text, as plain words.

    Blank lines, headings and list items end a paragraph.
    """
    title = ""
    paragraphs: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            close()
            words = _markdown_line(heading.group(1))
            if not title:
                title = words
            else:
                paragraphs.append(words)
            continue
        if not line.strip():
            close()
            continue
        if re.match(r"^\s{0,3}(?:[-*+]|\d+\.)\s+", line):
            close()
        current.append(_markdown_line(line))
    close()
    return title, [p for p in paragraphs if p.strip()]


def plain_paragraphs(text: str) -> tuple[str, list[str]]:
    """The first line (the title when short) and the blank-line separated paragraphs."""
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text) if b.strip()]
    if not blocks:
        return "", []
    first = blocks[0]
    if len(first) <= 200 and not first.endswith((".", "!", "?")) and len(blocks) > 1:
        return first, blocks[1:]
    return "", blocks


@dataclass(frozen=True, slots=True)
class HeadDates:
    """The dates a page shows near its top: its own, and the original's when it republishes."""

    published: date | None
    original: date | None
    original_site: str


def head_dates(head: str, fallback: date | None) -> HeadDates:
    """The dates written as whole days in the head of a page.

    Two different days mean a republication: the earlier is the original's,
    and the words before it on its line name the original outlet.
    """
    anchor = fallback or date.today()  # noqa: DTZ011 - only a year for day-month dates
    days: list[tuple[date, str]] = []
    for line in head.splitlines():
        for mention in find_dates(line, anchor):
            if mention.span.precision is DatePrecision.DAY and mention.span.text[-4:].isdigit():
                before = line[: mention.begin].strip(" ,;:-|")
                days.append((mention.span.start, before))
    distinct = sorted({d for d, _ in days})
    if len(distinct) >= 2:
        original = distinct[0]
        outlet = next((words for d, words in days if d == original), "")
        return HeadDates(distinct[-1], original, _outlet_name(outlet))
    if distinct:
        return HeadDates(distinct[0], None, "")
    return HeadDates(fallback, None, "")


def _outlet_name(words: str) -> str:
    name = re.sub(r"\s+", " ", words).strip(" ,;:-|")
    name = re.sub(r"^(?:by|originally\s+published\s+(?:by|in|on))\s+", "", name, flags=re.I)
    return name if 0 < len(name) <= 80 else ""


def _document(
    *,
    title: str,
    paragraphs: list[str],
    url: str,
    site: str,
    fetched_at: datetime,
    dates: HeadDates,
    kind: str,
) -> Document:
    cleaned = clean_paragraphs(paragraphs)
    repeats_title = bool(title and cleaned.kept and cleaned.kept[0] == title)
    kept = cleaned.kept[1:] if repeats_title else cleaned.kept
    text = "\n\n".join(kept)
    if len(text.split()) < _FEWEST_WORDS:
        raise InputError("text", "no article text was found in it")
    digest = text_digest(text)
    return Document(
        id=document_id(digest),
        digest=digest,
        url=url,
        site=site,
        title=title,
        text=text,
        fetched_at=fetched_at,
        published=dates.published,
        original_published=dates.original,
        original_site=dates.original_site,
        kind=kind,
    )


def _site_of(url: str, fallback: str) -> str:
    if url.startswith(("http://", "https://")):
        return site_key(url)
    return site_key(fallback) if fallback.strip() else "local"


def extract_html(
    page: str, url: str, fetched_at: datetime, *, published: date | None = None
) -> Document:
    """The article of an HTML page (trafilatura), its dates and its site."""
    try:
        tree = lxml_html.document_fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        raise InputError("content", "is not an HTML page that can be read") from None
    found = trafilatura.bare_extraction(
        tree,
        url=url or None,
        with_metadata=True,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
    )
    if found is None:
        raise InputError("text", "no article text was found in the page")
    meta = found.as_dict() if hasattr(found, "as_dict") else dict(found)
    text = str(meta.get("text") or "")
    title = str(meta.get("title") or "")
    page_date = _iso_day(meta.get("date"))
    body = tree.body if tree.find("body") is not None else tree
    head = " ".join(body.text_content().split("\n"))[: _HEAD * 2]
    head = re.sub(r"\s{2,}", "\n", head)
    dates = head_dates(head, published or page_date)
    if page_date and dates.original is None and dates.published != page_date:
        dates = HeadDates(page_date, dates.published, dates.original_site)
    site = str(meta.get("hostname") or "") or _site_of(url, str(meta.get("sitename") or ""))
    return _document(
        title=title,
        paragraphs=text.split("\n"),
        url=url,
        site=_site_of(url, site) if url else site_key(site or "local"),
        fetched_at=fetched_at,
        dates=dates,
        kind="html",
    )


def _iso_day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def extract_markdown(
    text: str, url: str, fetched_at: datetime, *, site: str = "", published: date | None = None
) -> Document:
    """The article of a Markdown text: its first heading is the title."""
    title, paragraphs = markdown_paragraphs(text)
    dates = head_dates("\n".join(paragraphs)[:_HEAD], published)
    return _document(
        title=title,
        paragraphs=paragraphs,
        url=url,
        site=_site_of(url, site),
        fetched_at=fetched_at,
        dates=dates,
        kind="markdown",
    )


def extract_text(
    text: str, url: str, fetched_at: datetime, *, site: str = "", published: date | None = None
) -> Document:
    """A plain text: blank lines separate paragraphs; a short first line is the title."""
    title, paragraphs = plain_paragraphs(text)
    dates = head_dates("\n".join(paragraphs)[:_HEAD], published)
    return _document(
        title=title,
        paragraphs=paragraphs,
        url=url,
        site=_site_of(url, site),
        fetched_at=fetched_at,
        dates=dates,
        kind="text",
    )
