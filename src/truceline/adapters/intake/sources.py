"""From what the user names (a URL, a file, a feed, a folder) to the documents to read.

Everything is fetched and extracted before anything is stored, so one bad
input refuses the whole batch with its reason and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from truceline.adapters.intake.extract import extract_html, extract_markdown, extract_text
from truceline.adapters.intake.fetch import Fetched, Fetcher
from truceline.domain.errors import InputError
from truceline.domain.intake import Document


def is_url(target: str) -> bool:
    """Whether the target is a web address rather than a path."""
    return target.startswith(("http://", "https://"))


def fetched(target: str, fetcher: Fetcher, at: datetime) -> Iterator[Fetched]:
    """The texts a target names: a feed's items, a folder's files, or the one text."""
    if is_url(target):
        first = fetcher.url(target, at)
        items = [first]
    else:
        path = Path(target).expanduser()
        if path.is_dir():
            items = list(fetcher.folder(path, at))
        elif path.exists():
            items = [fetcher.file(path, at)]
        else:
            raise InputError("target", f"{target} is neither a URL nor an existing file or folder")
    for item in items:
        if item.kind == "feed":
            yield from fetcher.feed_items(item, at)
        else:
            yield item


def document_of(item: Fetched, *, site: str = "") -> Document:
    """The document a fetched text holds, extracted by its kind."""
    url = item.location if is_url(item.location) else ""
    where = site
    if item.kind == "html":
        return extract_html(item.text, url, item.fetched_at, published=item.published)
    if item.kind == "markdown":
        return extract_markdown(
            item.text, url, item.fetched_at, site=where, published=item.published
        )
    return extract_text(item.text, url, item.fetched_at, site=where, published=item.published)


def documents(target: str, fetcher: Fetcher, at: datetime, *, site: str = "") -> list[Document]:
    """Every document of a target, all read before any is stored; InputError names the bad one."""
    found: list[Document] = []
    for item in fetched(target, fetcher, at):
        try:
            found.append(document_of(item, site=site))
        except InputError as error:
            raise InputError(error.field, f"{item.location}: {error.reason}") from None
    if not found:
        raise InputError("target", f"{target} holds no text to read")
    return found
