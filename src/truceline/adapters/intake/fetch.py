"""Where texts come from: a URL, a file, a feed (RSS or Atom) or a folder of files.

Outbound HTTP goes through an httpx client built on an injected transport,
so tests pass `httpx.MockTransport` and never touch the network. Every
fetch has timeouts, a size limit (the body is read in chunks and refused
past it) and a content-type check; redirects are followed a few times, only
to http and https. What is read is checked before anything is written: an
empty, oversized, undecodable or non-text input is an `InputError` naming
what was wrong.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
from lxml import etree
from lxml import html as lxml_html

from truceline.domain.errors import InputError

#: The largest text fetched or read, in bytes.
DEFAULT_MAX_BYTES = 5_000_000
#: Seconds to connect, and to wait for each read.
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
#: Items of one feed read at most.
MAX_FEED_ITEMS = 200
_USER_AGENT = "Truceline intake (+https://truceline.invalid/docs/intake)"
_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/xml": "xml",
    "text/xml": "xml",
}
_SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "xml",
}


@dataclass(frozen=True, slots=True)
class Fetched:
    """A text as read: from where, of which kind (html, markdown, text, feed), and when."""

    location: str
    kind: str
    text: str
    fetched_at: datetime
    published: date | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of an RSS or Atom feed."""

    link: str
    title: str
    summary: str
    published: date | None


def _refuse_private(request: httpx.Request) -> None:
    """Refuse a request to a loopback, private, link-local or reserved address.

    The server fetches what users name: it must not be turned on itself or its
    own network. A name that does not resolve is left to fail when fetched.
    """
    host = request.url.host
    try:
        found = socket.getaddrinfo(host, request.url.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return
    for *_, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise InputError("url", f"{host} is a private or local address: not fetched")


def _decode(data: bytes, charset: str | None, where: str) -> str:
    if not data.strip():
        raise InputError(where, "is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(where, "is binary data, not text")
    for encoding in (charset, "utf-8"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    declared = f" or the declared {charset}" if charset else ""
    raise InputError(where, f"cannot be decoded as UTF-8{declared}")


def _sniff(text: str, fallback: str) -> str:
    head = text.lstrip()[:500].lower()
    if fallback == "xml" or head.startswith("<?xml"):
        if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
            return "feed"
        if "<html" in head:
            return "html"
        if fallback == "xml":
            raise InputError("content", "is XML but neither an RSS nor an Atom feed")
    if fallback in ("text", "markdown") and (head.startswith("<!doctype html") or "<html" in head):
        return "html"
    return fallback


class Fetcher:
    """Reads URLs, files and folders, with limits; HTTP through the given transport."""

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self.max_bytes = max_bytes
        # On the real network every request, redirects included, must go to a public address.
        hooks = {"request": [_refuse_private]} if transport is None else {}
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": _USER_AGENT, "Accept": ", ".join(_KINDS)},
            event_hooks=hooks,
        )

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def url(self, url: str, at: datetime) -> Fetched:
        """The text at an http or https URL; InputError when it is not a usable text."""
        if not re.match(r"^https?://[^\s/]+", url):
            raise InputError("url", f"{url!r} is not an http or https URL")
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise InputError("url", f"{url} answered HTTP {response.status_code}")
                if not str(response.url).startswith(("http://", "https://")):
                    raise InputError("url", "redirected away from http and https")
                kind_header = response.headers.get("content-type", "")
                media = kind_header.split(";")[0].strip().lower()
                kind = _KINDS.get(media)
                if kind is None:
                    shown = media or "no content type"
                    raise InputError("content_type", f"{shown} is not a page, a text or a feed")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise InputError("url", f"is larger than {self.max_bytes} bytes")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        raise InputError("url", f"is larger than {self.max_bytes} bytes")
                charset = response.charset_encoding
                final = str(response.url)
        except httpx.TimeoutException:
            raise InputError("url", f"{url} did not answer in time") from None
        except httpx.HTTPError as error:
            raise InputError("url", f"{url} could not be fetched: {error}") from None
        text = _decode(bytes(body), charset, "content")
        return Fetched(final, _sniff(text, kind), text, at)

    def file(self, path: Path, at: datetime) -> Fetched:
        """The text of a file, its kind from its suffix and first bytes."""
        if not path.is_file():
            raise InputError("path", f"{path} is not a file")
        size = path.stat().st_size
        if size > self.max_bytes:
            raise InputError("path", f"{path} is larger than {self.max_bytes} bytes")
        kind = _SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise InputError("path", f"{path.name}: not a page, Markdown, text or feed file")
        text = _decode(path.read_bytes(), None, str(path))
        return Fetched(str(path), _sniff(text, kind), text, at)

    def folder(self, path: Path, at: datetime) -> Iterator[Fetched]:
        """Each readable file of a folder (not its subfolders), by name."""
        if not path.is_dir():
            raise InputError("path", f"{path} is not a folder")
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in _SUFFIXES)
        if not files:
            raise InputError("path", f"{path} holds no page, Markdown, text or feed file")
        for file in files:
            yield self.file(file, at)

    def feed_items(self, feed: Fetched, at: datetime) -> Iterator[Fetched]:
        """The texts a feed links to; an item whose page cannot be read gives its summary."""
        for item in parse_feed(feed.text)[:MAX_FEED_ITEMS]:
            if item.link.startswith(("http://", "https://")):
                try:
                    page = self.url(item.link, at)
                except InputError:
                    page = None
                if page is not None and page.kind != "feed":
                    yield Fetched(
                        page.location, page.kind, page.text, at, item.published, item.title
                    )
                    continue
            summary = _plain(item.summary)
            if summary:
                text = f"{item.title}\n\n{summary}" if item.title else summary
                where = item.link or feed.location
                yield Fetched(where, "text", text, at, item.published, item.title)


def _plain(summary: str) -> str:
    """A feed item's summary without its markup."""
    if "<" not in summary:
        return summary.strip()
    try:
        return str(lxml_html.fromstring(summary).text_content()).strip()
    except (ValueError, etree.ParserError):
        return ""


def _text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def _feed_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        return None


def parse_feed(text: str) -> list[FeedItem]:
    """The items of an RSS 2.0 or Atom feed; entities and network access are refused."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        raise InputError("content", f"is not a well-formed feed: {error}") from None
    items: list[FeedItem] = []
    atom = "{http://www.w3.org/2005/Atom}"
    for entry in root.iter("item", f"{atom}entry"):
        if entry.tag == "item":
            link = _text_of(entry.find("link"))
            summary = _text_of(entry.find("description"))
            when = _text_of(entry.find("pubDate"))
            title = _text_of(entry.find("title"))
        else:
            element = entry.find(f"{atom}link")
            link = "" if element is None else str(element.get("href", ""))
            summary = _text_of(entry.find(f"{atom}summary")) or _text_of(
                entry.find(f"{atom}content")
            )
            when = _text_of(entry.find(f"{atom}published")) or _text_of(
                entry.find(f"{atom}updated")
            )
            title = _text_of(entry.find(f"{atom}title"))
        items.append(FeedItem(link, title, summary, _feed_date(when)))
    if not items and root.tag not in ("rss", f"{atom}feed"):
        raise InputError("content", "is neither an RSS nor an Atom feed")
    return items
