"""Fetching through an injected transport: limits, content types, feeds, files and folders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from truceline.adapters.intake.fetch import Fetcher, parse_feed
from truceline.adapters.intake.sources import documents
from truceline.domain.errors import InputError

AT = datetime(2020, 9, 7, 8, 0, tzinfo=UTC)
PAGE = (
    "<html><head><title>Shelling near Ariha</title></head><body><article><h1>Shelling near Ariha"
    "</h1><p>Two civilians were wounded in shelling near Ariha on Monday, a monitor said.</p>"
    "</article></body></html>"
)
RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>News</title>
<item><title>Shelling near Ariha</title><link>https://news.example/ariha</link>
<pubDate>Mon, 31 Aug 2020 10:00:00 GMT</pubDate><description>short</description></item>
<item><title>Clashes near Saraqib</title><link>https://news.example/gone</link>
<pubDate>Tue, 01 Sep 2020 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Clashes broke out near Saraqib on Tuesday, killing three fighters.&lt;/p&gt;
</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Reports</title>
<entry><title>Patrol attacked</title><link href="https://news.example/patrol"/>
<published>2020-08-25T09:00:00Z</published>
<summary>A joint patrol was attacked on the M4 near Ariha.</summary></entry></feed>"""

Handler = Callable[[httpx.Request], httpx.Response]


def fetcher(handler: Handler, **limits: int) -> Fetcher:
    return Fetcher(httpx.MockTransport(handler), **limits)


def site(pages: dict[str, tuple[str, bytes]]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        found = pages.get(str(request.url))
        if found is None:
            return httpx.Response(404)
        kind, body = found
        return httpx.Response(200, headers={"content-type": kind}, content=body)

    return handle


def test_a_page_is_fetched_through_the_injected_transport() -> None:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, headers={"content-type": "text/html"}, text=PAGE)

    with fetcher(handle) as f:
        page = f.url("https://news.example/ariha", AT)
    assert seen == ["https://news.example/ariha"]
    assert (page.kind, page.location) == ("html", "https://news.example/ariha")
    assert "Ariha" in page.text


@pytest.mark.parametrize(
    ("headers", "body", "field", "words"),
    [
        ({"content-type": "image/png"}, b"\x89PNG\r\n", "content_type", "image/png is not"),
        ({"content-type": "application/pdf"}, b"%PDF-1.4", "content_type", "not a page"),
        ({}, b"hello", "content_type", "no content type"),
        ({"content-type": "text/html"}, b"   ", "content", "is empty"),
        ({"content-type": "text/html; charset=utf-8"}, b"\xff\xfe\xfa bad", "content", "UTF-8"),
        ({"content-type": "text/plain"}, b"abc\x00\x01\x02", "content", "binary"),
    ],
)
def test_bad_content_is_refused_with_its_reason(
    headers: dict[str, str], body: bytes, field: str, words: str
) -> None:
    handler: Handler = lambda _request: httpx.Response(200, headers=headers, content=body)  # noqa: E731
    with fetcher(handler) as f, pytest.raises(InputError) as error:
        f.url("https://news.example/x", AT)
    assert error.value.field == field
    assert words in error.value.reason


def test_a_body_over_the_size_limit_is_refused_while_reading() -> None:
    def handle(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/html"}, content=iter([b"<p>" + b"x" * 600] * 3)
        )

    with fetcher(handle, max_bytes=1000) as f, pytest.raises(InputError) as error:
        f.url("https://news.example/big", AT)
    assert "larger than 1000 bytes" in error.value.reason


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    def handle(_request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/html", "content-length": "5000"}
        return httpx.Response(200, headers=headers, content=b"x" * 5000)

    with fetcher(handle, max_bytes=1000) as f, pytest.raises(InputError):
        f.url("https://news.example/big", AT)


def test_a_timeout_and_an_error_status_are_clear_errors() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    with fetcher(slow) as f, pytest.raises(InputError) as error:
        f.url("https://news.example/slow", AT)
    assert "did not answer in time" in error.value.reason
    with fetcher(site({})) as f, pytest.raises(InputError) as error:
        f.url("https://news.example/missing", AT)
    assert "HTTP 404" in error.value.reason


def test_only_http_and_https_urls_are_fetched() -> None:
    with fetcher(site({})) as f, pytest.raises(InputError) as error:
        f.url("file:///etc/passwd", AT)
    assert error.value.field == "url"


def test_an_rss_feed_gives_each_linked_page_or_else_its_summary() -> None:
    pages = {
        "https://news.example/feed": ("application/rss+xml", RSS.encode()),
        "https://news.example/ariha": ("text/html", PAGE.encode()),
    }
    with fetcher(site(pages)) as f:
        docs = documents("https://news.example/feed", f, AT)
    assert [d.url for d in docs] == ["https://news.example/ariha", "https://news.example/gone"]
    assert docs[0].published == date(2020, 8, 31)
    assert docs[1].text == "Clashes broke out near Saraqib on Tuesday, killing three fighters."
    assert docs[1].published == date(2020, 9, 1)


def test_an_atom_feed_is_read() -> None:
    [item] = parse_feed(ATOM)
    assert (item.link, item.published) == ("https://news.example/patrol", date(2020, 8, 25))
    assert item.summary == "A joint patrol was attacked on the M4 near Ariha."


def test_a_feed_with_entities_is_not_expanded() -> None:
    evil = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<rss><channel><item><title>&x;</title></item></channel></rss>"
    )
    [item] = parse_feed(evil)
    assert "root:" not in item.title


def test_a_folder_gives_every_page_markdown_and_text_file(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Clashes\n\nClashes broke out near Saraqib.", "utf-8")
    (tmp_path / "c.txt").write_text("Shells hit Afes on Monday, a monitor said.", "utf-8")
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG")
    with Fetcher() as f:
        docs = documents(str(tmp_path), f, AT, site="monitor.example")
    assert [d.kind for d in docs] == ["html", "markdown", "text"]
    assert {d.site for d in docs[1:]} == {"monitor.example"}


def test_one_bad_file_refuses_the_whole_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Shells hit Afes on Monday, a monitor said.", "utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    with Fetcher() as f, pytest.raises(InputError) as error:
        documents(str(tmp_path), f, AT)
    assert str(error.value).endswith("b.txt: is empty")


def test_a_huge_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, encoding="utf-8")
    with Fetcher(max_bytes=100) as f, pytest.raises(InputError) as error:
        documents(str(big), f, AT)
    assert "larger than 100 bytes" in error.value.reason


def test_a_missing_target_is_named() -> None:
    with Fetcher() as f, pytest.raises(InputError) as error:
        documents("/no/such/file.html", f, AT)
    assert error.value.field == "target"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/admin", "http://[::1]/", "http://10.1.2.3/x", "http://169.254.169.254/"],
)
def test_the_real_network_is_never_asked_for_a_local_or_private_address(url: str) -> None:
    with Fetcher() as f, pytest.raises(InputError) as error:
        f.url(url, AT)
    assert "private or local address" in error.value.reason
