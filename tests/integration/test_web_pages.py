"""The server-rendered pages, through the ASGI app on a real SQLite database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from truceline.bootstrap import bootstrap
from truceline.entrypoints.api.app import create_app
from truceline.entrypoints.web import pages
from truceline.settings import Settings

PROVISION_IDS = [
    "sochi-1-de-escalation-area",
    "sochi-3-demilitarized-zone",
    "sochi-5-radical-groups-out",
    "sochi-6-heavy-weapons-out",
    "sochi-7-coordinated-patrols",
    "sochi-8-m4-m5-transit",
    "sochi-movement-of-people-and-goods",
    "sochi-coordination-centre",
    "moscow-1-ceasefire",
    "moscow-2-security-corridor",
    "moscow-3-joint-patrols",
]
PAGES = ["/", "/provisions", "/zones", "/places", "/places?q=Saraqeb"]


class _TextById(HTMLParser):
    """Collects the text inside the element with a given id."""

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "input", "link", "meta", "hr"}:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str:
    """The whitespace-normalised text of the element with `element_id`."""
    parser = _TextById(element_id)
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    return re.sub(r" ([,.;:)])", r"\1", text)


def asset_urls(html: str) -> list[str]:
    """Every URL a page loads by itself: script sources, linked stylesheets and icons, images."""
    urls = re.findall(r"<script\b[^>]*\bsrc=[\"']([^\"']*)", html, flags=re.IGNORECASE)
    urls += re.findall(r"<link\b[^>]*\bhref=[\"']([^\"']*)", html, flags=re.IGNORECASE)
    urls += re.findall(r"<img\b[^>]*\bsrc=[\"']([^\"']*)", html, flags=re.IGNORECASE)
    return urls


def client_for(settings: Settings) -> Iterator[TestClient]:
    app = bootstrap(settings)
    try:
        with TestClient(create_app(app)) as client:
            yield client
    finally:
        app.close()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield from client_for(Settings(database_url=f"sqlite:///{tmp_path}/t.db", example="idlib-m4"))


@pytest.fixture
def empty_client(tmp_path: Path) -> Iterator[TestClient]:
    yield from client_for(Settings(database_url=f"sqlite:///{tmp_path}/empty.db"))


def test_the_home_page_shows_the_agreement_title_and_summary(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Idlib de-escalation area and the M4 security corridor" in response.text
    assert "joint patrols from Trumba" in text_of(response.text, "content")


def test_the_home_page_lists_every_provision(client: TestClient) -> None:
    panel = text_of(client.get("/").text, "provisions")
    for provision_id in PROVISION_IDS:
        assert provision_id in panel
    assert "no deadline" in panel
    assert "PA-X agreement 2273, article 2" in panel


def test_the_home_page_legend_names_both_halves_and_who_answers_for_them(
    client: TestClient,
) -> None:
    legend = text_of(client.get("/").text, "legend")
    assert "Security corridor, north half — Turkey" in legend
    assert "Security corridor, south half — Russia" in legend
    assert "M4 highway" in legend


def test_the_home_page_gives_the_route_accuracy_and_the_patrol_route_end(
    client: TestClient,
) -> None:
    notes = text_of(client.get("/").text, "route-notes")
    assert "off the road by up to about 1.5 km" in notes
    assert "Ain al-Havr, the agreed western end, has no known coordinate" in notes


def test_the_home_page_lists_the_parties_with_their_roles(client: TestClient) -> None:
    parties = text_of(client.get("/").text, "parties")
    assert "Turkey (Republic of Turkey) signatory, guarantor" in parties
    assert "Government forces" in parties
    assert "observed party" in parties


def test_the_home_page_points_the_map_at_the_agreement_api(client: TestClient) -> None:
    html = client.get("/").text
    assert 'data-api="/api/agreements/idlib-m4"' in html
    assert 'data-reference-route="m4"' in html
    assert '<script src="/vendor/leaflet/leaflet.js">' in html
    assert client.get("/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/map.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_the_provisions_page_is_a_table_of_every_provision(client: TestClient) -> None:
    response = client.get("/provisions")
    assert response.status_code == 200
    table = text_of(response.text, "provisions-table")
    for provision_id in PROVISION_IDS:
        assert provision_id in table
    assert "Opposition and radical groups, Turkey" in table
    assert "https://www.peaceagreements.org/view/2169" in response.text


def test_the_zones_page_gives_each_half_its_party_area_and_derivation(client: TestClient) -> None:
    response = client.get("/zones")
    assert response.status_code == 200
    north = text_of(response.text, "zone-corridor-north")
    south = text_of(response.text, "zone-corridor-south")
    assert "Turkey" in north
    assert "Russia" in south
    assert "band 6 km deep on the north side of M4 highway" in north
    for row in (north, south):
        area = float(re.findall(r"\b(\d+\.\d) \b", row + " ")[0])
        # a 6 km band along roughly 64 km of road
        assert 300 < area < 450


def test_the_places_page_finds_saraqib_by_another_spelling(client: TestClient) -> None:
    response = client.get("/places", params={"q": "Saraqeb"})
    assert response.status_code == 200
    results = text_of(response.text, "place-results")
    assert "Saraqib" in results
    assert "matching “Saraqeb”" in results
    assert 'value="Saraqeb"' in response.text


def test_the_places_page_without_a_query_lists_the_whole_gazetteer(client: TestClient) -> None:
    response = client.get("/places")
    assert response.status_code == 200
    assert response.text.count("data-place=") == 138


def test_an_htmx_search_gets_only_the_results(client: TestClient) -> None:
    response = client.get("/places", params={"q": "Saraqeb"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="place-results"')
    assert "Saraqib" in response.text
    assert response.headers["vary"] == "HX-Request"


def test_a_search_query_is_escaped_in_the_page(client: TestClient) -> None:
    response = client.get("/places", params={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


@pytest.mark.parametrize("path", PAGES)
def test_no_page_loads_an_asset_from_off_the_machine(client: TestClient, path: str) -> None:
    html = client.get(path).text
    urls = asset_urls(html)
    assert urls, "the page links no assets at all"
    for url in urls:
        assert not re.match(r"^\s*(https?:|//)", url, flags=re.IGNORECASE), url


def test_the_static_files_load_nothing_from_off_the_machine(client: TestClient) -> None:
    for path in ("/static/map.js", "/static/style.css"):
        body = client.get(path).text
        assert not re.search(r"https?://|url\(\s*['\"]?//", body), path


def test_every_page_links_to_the_others(client: TestClient) -> None:
    for path in PAGES:
        nav = client.get(path).text
        for target in ("/", "/provisions", "/zones", "/places"):
            assert f'href="{target}"' in nav


@pytest.mark.parametrize("path", ["/", "/provisions", "/zones", "/places", "/places?q=Saraqeb"])
def test_without_an_agreement_each_page_is_a_404_telling_to_run_init(
    empty_client: TestClient, path: str
) -> None:
    response = empty_client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    message = text_of(response.text, "no-agreement")
    assert "No agreement is loaded" in message
    assert "truceline init" in message


def test_without_node_modules_the_home_page_lists_everything_and_asks_for_npm_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "find_node_modules", lambda _app: None)
    settings = Settings(database_url=f"sqlite:///{tmp_path}/t.db", example="idlib-m4")
    for client in client_for(settings):
        response = client.get("/")
        assert response.status_code == 200
        assert "npm ci" in text_of(response.text, "map")
        assert "/vendor/" not in response.text
        panel = text_of(response.text, "provisions")
        for provision_id in PROVISION_IDS:
            assert provision_id in panel
        assert client.get("/vendor/leaflet/leaflet.js").status_code == 404
        places = client.get("/places", params={"q": "Saraqeb"})
        assert "Saraqib" in places.text
        assert "/vendor/htmx" not in places.text
