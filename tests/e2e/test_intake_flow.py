"""The intake in a real headless Chromium: paste the article, see its candidates on the map,
queue them, and accept one into an incident.

This module serves its own database, with a Turkish zone officer added through the CLI.
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
ARTICLE = Path(__file__).resolve().parents[1] / "data" / "intake" / "idlib-m4-article-2020-09.md"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("intake-server")
    return database_with_users(folder, USERS, PASSWORD)


@pytest.fixture(scope="module")
def server(database: tuple[Path, dict[str, str]]) -> Iterator[str]:
    path, env = database
    yield from serve(path, env, path.with_suffix(".log"))


def test_a_pasted_article_is_read_mapped_queued_and_a_candidate_accepted(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = logged_in(new_context, "tr-zone", "/intake")
    form = page.locator("#read-text form")
    form.locator("textarea[name=text]").fill(ARTICLE.read_text(encoding="utf-8"))
    form.locator("input[name=site]").fill("globalresearch.ca")
    form.locator("select[name=kind]").select_option("markdown")
    form.get_by_role("button", name="Read").click()
    expect(page.locator("#preview")).to_contain_text("first published 2020-09-02 by South Front")
    page.wait_for_selector("#incident-map[data-ready='true']")
    markers = page.evaluate("Object.keys(window.trucelineIncidentMap.markers).length")
    assert markers >= 3
    expect(page.locator("#queue-count")).to_contain_text("0 candidates")

    form = page.locator("#read-text form")
    form.get_by_role("button", name="Queue for review").click()
    expect(page.locator("#queue-count")).not_to_contain_text("0 candidates")
    page.locator("#queue a", has_text="series of drills").click()
    expect(page.locator("#candidate-facts")).to_contain_text("2020-09-01 (day")
    page.wait_for_selector("#incident-map[data-ready='true']")
    page.locator("#accept-form").get_by_role("button", name="Accept as a report").click()
    page.wait_for_url(re.compile(r"/incidents/inc_[0-9a-f]{16}$"))
    expect(page.locator("#reports")).to_contain_text("open source")
