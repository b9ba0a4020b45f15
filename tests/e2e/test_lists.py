"""The list pages in a real headless Chromium, with and without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.e2e


def test_the_provisions_page_works_with_javascript_disabled(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/provisions")
    rows = page.locator("#provisions-table tbody tr")
    expect(rows).to_have_count(11)
    expect(page.locator("#provision-moscow-3-joint-patrols")).to_contain_text("Trumba")
    page.get_by_role("link", name="Zones").click()
    expect(page.locator("#zones-table")).to_contain_text("Turkey")


def test_the_place_search_works_as_a_plain_form_with_javascript_disabled(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/places")
    page.fill("#place-q", "Saraqeb")
    page.press("#place-q", "Enter")
    page.wait_for_url("**/places?q=Saraqeb")
    expect(page.locator("#place-results")).to_contain_text("Saraqib")


def test_the_home_page_without_javascript_still_lists_the_provisions(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    expect(page.locator("#panel article.provision")).to_have_count(11)
    notice = page.locator("#map .map-noscript")
    expect(notice).to_be_visible()
    assert "The map needs JavaScript" in notice.inner_text()
    expect(page.locator("#legend")).to_contain_text("north half — Turkey")


def test_the_place_search_with_htmx_replaces_only_the_results(page: Page) -> None:
    page.goto("/places")
    page.evaluate("window.notReloaded = true")
    page.fill("#place-q", "Saraqeb")
    page.press("#place-q", "Enter")
    results = page.locator("#place-results")
    expect(results).to_contain_text("matching “Saraqeb”")
    expect(results.locator("tbody tr").first).to_contain_text("Saraqib")
    expect(page).to_have_url(re.compile(r"/places\?q=Saraqeb$"))
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("form.search")).to_have_count(1)
