"""The home page's map and panel in a real headless Chromium."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

TURKEY_RED = "#dc2626"
RUSSIA_BLUE = "#2563eb"

# A point of the map where a real click lands on the zone itself: the first
# point of a grid over the zone's bounds whose topmost element is the zone's
# path (not a route, a km post or a place drawn above it).
FIND_CLICKABLE_POINT = """
(zoneId) => {
  const {map, layers} = window.trucelineMap;
  const box = map.getContainer().getBoundingClientRect();
  const bounds = layers.zones[zoneId].getBounds();
  const nw = map.latLngToContainerPoint(bounds.getNorthWest());
  const se = map.latLngToContainerPoint(bounds.getSouthEast());
  for (let i = 1; i < 20; i++) {
    for (let j = 1; j < 20; j++) {
      const x = box.left + nw.x + (se.x - nw.x) * j / 20;
      const y = box.top + nw.y + (se.y - nw.y) * i / 20;
      const element = document.elementFromPoint(x, y);
      if (element && element.classList.contains("zone-" + zoneId)) {
        return {x, y};
      }
    }
  }
  return null;
}
"""


def api(server: str, path: str) -> Any:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{server}/api/agreements/idlib-m4{path}", timeout=5) as response:
        return json.load(response)


def test_the_map_shows_both_corridor_halves_in_their_party_colours(map_page: Page) -> None:
    zones = map_page.locator("#map path.zone")
    expect(zones).to_have_count(2)
    north = map_page.locator("#map path.zone-corridor-north")
    south = map_page.locator("#map path.zone-corridor-south")
    expect(north).to_have_attribute("fill", TURKEY_RED)
    expect(south).to_have_attribute("fill", RUSSIA_BLUE)
    assert map_page.evaluate("Object.keys(window.trucelineMap.layers.zones).length") == 2
    legend = map_page.locator("#legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Security corridor, north half — Turkey")
    expect(legend).to_contain_text("Security corridor, south half — Russia")


def test_the_route_lines_and_kilometre_posts_are_drawn(map_page: Page, server: str) -> None:
    expect(map_page.locator("#map path.route-m4")).to_have_count(1)
    expect(map_page.locator("#map path.route-patrol-trumba-ain-al-havr")).to_have_count(1)
    posts = api(server, "/routes/m4/km-posts")["features"]
    expect(map_page.locator("#map path.km-post")).to_have_count(len(posts))
    expect(map_page.locator(".km-label", has_text="km 10")).to_be_visible()
    expect(map_page.locator(".km-label", has_text="km 60")).to_be_visible()
    places = api(server, "/places")["features"]
    assert map_page.evaluate("window.trucelineMap.layers.places.getLayers().length") == len(places)


def test_clicking_a_kilometre_post_opens_a_popup_with_its_kilometre(map_page: Page) -> None:
    point = map_page.evaluate(
        """() => {
          const {map, layers} = window.trucelineMap;
          const post = layers.kmPosts["m4"].getLayers()
            .find(m => m.getPopup().getContent().textContent.startsWith("km 20"));
          const box = map.getContainer().getBoundingClientRect();
          const p = map.latLngToContainerPoint(post.getLatLng());
          return {x: box.left + p.x, y: box.top + p.y};
        }"""
    )
    map_page.mouse.click(point["x"], point["y"])
    expect(map_page.locator(".leaflet-popup-content")).to_contain_text("km 20")


@pytest.mark.parametrize(
    ("zone_id", "party"),
    [("corridor-north", "Turkey"), ("corridor-south", "Russia")],
)
def test_clicking_a_zone_opens_a_popup_naming_the_responsible_party(
    map_page: Page, zone_id: str, party: str
) -> None:
    point = map_page.evaluate(FIND_CLICKABLE_POINT, zone_id)
    assert point is not None, f"no point of {zone_id} is clickable"
    map_page.mouse.click(point["x"], point["y"])
    popup = map_page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(f"Responsibility of {party}")
    expect(popup).to_contain_text("Security corridor")


def test_the_panel_lists_the_provisions_and_parties_beside_the_map(
    map_page: Page, server: str
) -> None:
    panel = map_page.locator("#panel")
    expect(panel).to_be_visible()
    provisions = api(server, "/provisions")
    expect(panel.locator("article.provision")).to_have_count(len(provisions))
    expect(panel.locator("#provision-moscow-2-security-corridor")).to_contain_text(
        "security corridor"
    )
    expect(panel.locator("#parties")).to_contain_text("Turkey")
    expect(map_page.locator("#route-notes")).to_contain_text("Ain al-Havr, the agreed western end")


def test_the_home_page_makes_no_request_off_the_machine_even_for_an_outside_link(
    page: Page,
) -> None:
    page.goto("/")
    page.wait_for_selector("#map[data-ready='true']")
    # The source documents link to peaceagreements.org; nothing fetches them by itself.
    expect(page.locator(".documents a").first).to_have_attribute(
        "href", "https://www.peaceagreements.org/view/2169"
    )
    requested = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert requested
    assert all(url.startswith(("http://127.0.0.1:", "data:")) for url in requested), requested
