"""A restriction recorded through its form in a real Chromium, then drawn on the field map.

Turkey's zone officer records a patrol delayed near Ariha (a point typed into
the form); the restriction's page and the /field list both draw it on their
maps, in the delayed colour, over the corridor's zones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import PASSWORD, database_with_users, logged_in, serve

pytestmark = pytest.mark.e2e

USERS = [("tr-zone", "Tarik Zone", "zone_officer", "tr")]
RESTRICTION_PATH = re.compile(r"/field/restrictions/(res_[0-9a-f]{16})$")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return database_with_users(tmp_path_factory.mktemp("field-server"), USERS, PASSWORD)


@pytest.fixture(scope="module")
def server(database: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """This module's `truceline serve` with its officer (overrides conftest's)."""
    path, env = database
    yield from serve(path, env, path.with_suffix(".log"))


def test_a_recorded_restriction_is_drawn_on_the_field_maps(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = logged_in(new_context, "tr-zone", "/field/restrictions/new")
    page.fill("#lon", "36.60964")
    page.fill("#lat", "35.81374")
    page.locator("select[name=kind]").select_option("delayed")
    page.locator("input[name=at]").fill("2020-04-14T08:40")
    page.locator("input[name=duration_minutes]").fill("40")
    page.locator("input[name=imposed_by]").fill("a crowd on the road")
    page.locator("textarea[name=reason_given]").fill("Protest against the patrols")
    page.locator("#restriction-submit").click()
    page.wait_for_url(RESTRICTION_PATH)
    page.wait_for_selector("#field-map[data-ready='true']")
    expect(page.locator("#field-map path.restriction-delayed")).to_have_count(1)
    expect(page.locator("#field-map path.zone")).to_have_count(2)

    page.goto("/field")
    page.wait_for_selector("#field-map[data-ready='true']")
    expect(page.locator("#field-map path.restriction-delayed")).to_have_count(1)
    markers = page.evaluate("Object.keys(window.trucelineFieldMap.markers).length")
    assert markers == 1
