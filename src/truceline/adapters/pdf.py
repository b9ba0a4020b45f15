"""HTML to PDF with WeasyPrint, fetching only data: and file: URLs.

A bulletin's page carries everything it shows (its map and charts as data:
URLs), so the renderer never needs the network: any http(s) or other URL in
the page is refused and left out, never fetched.
"""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher

#: The only URL schemes the PDF renderer may open.
ALLOWED_SCHEMES = frozenset({"data", "file"})


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML document (A4 unless its CSS says otherwise)."""
    fetcher = URLFetcher(allowed_protocols=ALLOWED_SCHEMES, fail_on_errors=False)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
