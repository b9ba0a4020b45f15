"""Atom 1.0 feeds (RFC 4287), written with feedgen.

The caller gives plain values (ids, titles, times, HTML already made safe);
this module only writes the XML. Every entry has an id, a title, an updated
time, its content as HTML, a link to its page, an author and a category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

#: The media type of an Atom feed.
ATOM_TYPE = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed."""

    id: str
    title: str
    link: str
    updated: datetime
    published: datetime
    html: str
    author: str
    category: str
    category_label: str


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed's own fields: its id (an IRI), title, subtitle, links, author, last change."""

    id: str
    title: str
    subtitle: str
    self_link: str
    site_link: str
    author: str
    updated: datetime


def atom_feed(feed: Feed, entries: Sequence[FeedEntry]) -> bytes:
    """The feed as Atom 1.0 XML, UTF-8, entries in the order given."""
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(feed.title)
    generator.subtitle(feed.subtitle)
    generator.link(href=feed.self_link, rel="self", type="application/atom+xml")
    generator.link(href=feed.site_link, rel="alternate", type="text/html")
    generator.author({"name": feed.author})
    generator.generator("Truceline")
    generator.updated(feed.updated)
    for item in entries:
        entry = generator.add_entry(order="append")
        entry.id(item.id)
        entry.title(item.title)
        entry.link(href=item.link, rel="alternate", type="text/html")
        entry.updated(item.updated)
        entry.published(item.published)
        entry.author({"name": item.author})
        entry.category(term=item.category, label=item.category_label)
        entry.content(item.html, type="html")
    xml: bytes = generator.atom_str(pretty=True)
    return xml
