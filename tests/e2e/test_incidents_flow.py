"""An incident's life in a real headless Chromium: reported on the map, reviewed by both sides.

A Turkish zone officer reports a shelling by clicking the map in the corridor's
north half; it appears in the Russian zone officer's review queue; both
confirm it and name the government forces; the incident page then shows each
side's position side by side and the joint finding: verified, attribution
agreed. This module serves its own database (like test_login), with the two
officers added through the CLI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import PASSWORD, database_with_users, logged_in, serve

pytestmark = pytest.mark.e2e

USERS = [
    ("tr-zone", "Tarik Zone", "zone_officer", "tr"),
    ("ru-zone", "Roman Zone", "zone_officer", "ru"),
]
#: In the corridor's north half (Turkey's), near Ariha: lon, lat.
NORTH = (36.55, 35.83)
INCIDENT_PATH = re.compile(r"/incidents/(inc_[0-9a-f]{16})$")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A database with the example loaded and the two officers, made through the CLI."""
    folder = tmp_path_factory.mktemp("incidents-server")
    return database_with_users(folder, USERS, PASSWORD)


@pytest.fixture(scope="module")
def server(database: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """This module's `truceline serve` with its officers (overrides conftest's)."""
    path, env = database
    yield from serve(path, env, path.with_suffix(".log"))


def click_map_at(page: Page, lon: float, lat: float) -> None:
    """A real mouse click on the report form's map where (lon, lat) is drawn."""
    point = page.evaluate(
        """([lon, lat]) => {
          const map = window.trucelineReportMap.map;
          const box = map.getContainer().getBoundingClientRect();
          const p = map.latLngToContainerPoint([lat, lon]);
          return {x: box.left + p.x, y: box.top + p.y};
        }""",
        [lon, lat],
    )
    page.mouse.click(point["x"], point["y"])


def state_position(page: Page, stance: str, held: str, evidence: str, text: str) -> None:
    form = page.locator("#position-form")
    form.locator(f"input[name=stance][value={stance}]").check()
    form.get_by_label("Held responsible").select_option(held)
    form.locator("textarea[name=evidence]").fill(evidence)
    form.locator("textarea[name=text]").fill(text)
    form.get_by_role("button", name=re.compile("Record the position")).click()


def test_a_reported_incident_is_reviewed_by_both_sides_and_verified(
    new_context: Callable[..., BrowserContext],
) -> None:
    # Turkey's zone officer places the incident by clicking the map in the corridor.
    tr = logged_in(new_context, "tr-zone", "/incidents/new")
    tr.wait_for_selector("#report-map[data-ready='true']")
    click_map_at(tr, *NORTH)
    tr.wait_for_selector("#report-map[data-described='1']")
    info = tr.locator("#point-info")
    expect(info).to_contain_text("Nearest place:")
    expect(info).to_contain_text("Security corridor, north half (Turkey)")
    assert abs(float(tr.locator("#lon").input_value()) - NORTH[0]) < 0.01
    assert abs(float(tr.locator("#lat").input_value()) - NORTH[1]) < 0.01
    assert tr.locator("#place").input_value()

    form = tr.locator("#report-form")
    form.locator("input[name=date_start]").fill("2020-03-20")
    form.get_by_label("Monitoring kind").select_option("ceasefire_violation")
    expect(form.locator("#event_type")).to_have_value("Explosions/Remote violence")
    expect(form.locator("#sub_event_type")).to_have_value("Shelling/artillery/missile attack")
    # Only the chosen type's sub-types are offered.
    expect(form.locator("optgroup[data-event-type='Battles']")).to_be_hidden()
    form.locator("textarea[name=notes]").fill("Shelling of the outskirts of Ariha from the south")
    form.get_by_label("Deaths (best estimate)").fill("2")
    expect(form.get_by_label("Channel")).to_have_value("party_allegation")
    form.get_by_label("Source reliability").select_option("B")
    form.get_by_label("Information credibility").select_option("2")
    form.locator("textarea[name=original_text]").fill("Artillery fire on Ariha at 06:10.")
    tr.get_by_role("button", name="Report the incident").click()
    tr.wait_for_url(INCIDENT_PATH)
    found = INCIDENT_PATH.search(tr.url)
    assert found
    incident_id = found.group(1)
    expect(tr.locator("#incident-links")).to_contain_text("Security corridor, north half")
    expect(tr.locator("#incident-links")).to_contain_text("Turkey")
    expect(tr.locator("#finding-status")).to_have_text("pending")
    tr.wait_for_selector("#incident-map[data-ready='true']")

    # It waits in Russia's review queue; Russia's officer confirms it, naming sy-gov.
    ru = logged_in(new_context, "ru-zone", "/incidents/queue")
    row = ru.locator(f"#queue-table tr[data-incident='{incident_id}']")
    expect(row).to_contain_text("Shelling/artillery/missile attack")
    row.get_by_role("link", name="Review and state a position").click()
    ru.wait_for_url(re.compile(f"/incidents/{incident_id}#position$"))
    state_position(ru, "confirms", "sy-gov", "Crater survey, grid 36.55/35.83", "Confirmed.")
    ru.wait_for_url(re.compile(f"/incidents/{incident_id}#position$"))
    expect(ru.locator("#position-ru")).to_contain_text("version 1")
    expect(ru.locator("#finding-status")).to_have_text("pending")
    ru.goto("/incidents/queue")
    expect(ru.locator(f"tr[data-incident='{incident_id}']")).to_have_count(0)

    # Turkey's officer confirms too, naming the same actor.
    tr.reload()
    state_position(tr, "confirms", "sy-gov", "Observation post report 12", "Confirmed.")
    tr.wait_for_url(re.compile(f"/incidents/{incident_id}#position$"))

    # Each side's position, side by side, beside the joint finding.
    turkey, russia, finding = (
        tr.locator("#position-tr"),
        tr.locator("#position-ru"),
        tr.locator("#finding"),
    )
    for side, officer in ((turkey, "Tarik Zone"), (russia, "Roman Zone")):
        expect(side).to_contain_text("version 1")
        expect(side).to_contain_text("confirms")
        expect(side).to_contain_text("Government forces")
        expect(side).to_contain_text(officer)
    expect(turkey).to_contain_text("Observation post report 12")
    expect(russia).to_contain_text("Crater survey")
    expect(tr.locator("#finding-status")).to_have_text("verified")
    expect(tr.locator("#finding-attribution")).to_have_text("agreed: Government forces")
    expect(tr.locator("#incident-status")).to_have_text("verified")
    boxes = [locator.bounding_box() for locator in (turkey, russia, finding)]
    assert all(box is not None for box in boxes)
    tops = {round(box["y"]) for box in boxes if box}
    lefts = [box["x"] for box in boxes if box]
    assert len(tops) == 1, "the positions and the finding sit in one row"
    assert len({round(x) for x in lefts}) == 3, "each in its own column"

    # The list's map draws it in the verified colour.
    tr.goto("/incidents")
    tr.wait_for_selector("#incident-map[data-ready='true']")
    expect(tr.locator(f"#incidents-table tr[data-incident='{incident_id}']")).to_contain_text(
        "verified"
    )
    expect(tr.locator("#incident-map path.incident-marker.status-verified")).to_have_count(1)


def test_the_report_form_places_the_point_from_a_gazetteer_search(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = logged_in(new_context, "tr-zone", "/incidents/new")
    page.wait_for_selector("#report-map[data-ready='true']")
    page.fill("#place-q", "Saraqeb")
    page.locator("#place-q").press("Enter")
    choice = page.locator("#place-results a.place-choice").first
    expect(choice).to_be_visible()
    name = choice.inner_text()
    choice.click()
    page.wait_for_selector("#report-map[data-described='1']")
    expect(page.locator("#place")).to_have_value(name)
    expect(page.locator("#geo_precision")).to_have_value("1")
    assert page.locator("#lon").input_value()
    assert page.url.endswith("/incidents/new")
