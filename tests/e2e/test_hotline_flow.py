"""The roster and the hotline in a real headless Chromium, with the real server.

Each side's authorized officer puts its zone officer on duty in the corridor's
north half; Turkey's zone officer sends an urgent message, which goes to the
Russian officer on duty there; the Russian officer acknowledges it with the
button on the hotline page, and the Turkish side then sees it acknowledged,
with the response time. Everything through the pages' forms, as people would.
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
    ("tr-ao", "Tulay Authorized", "authorized_officer", "tr"),
    ("ru-ao", "Ruslan Authorized", "authorized_officer", "ru"),
]
MESSAGE_PATH = re.compile(r"/hotline/(msg_[0-9a-f]{16})$")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A database with the example loaded and both sides' officers, made through the CLI."""
    folder = tmp_path_factory.mktemp("hotline-server")
    return database_with_users(folder, USERS, PASSWORD)


@pytest.fixture(scope="module")
def server(database: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """This module's `truceline serve` with its officers (overrides conftest's)."""
    path, env = database
    yield from serve(path, env, path.with_suffix(".log"))


def put_on_duty(page: Page, officer: str) -> None:
    form = page.locator("#assign-form")
    form.locator("select[name=post]").select_option("corridor-north")
    form.locator("select[name=user]").select_option(officer)
    form.get_by_role("button", name="Record on the roster").click()
    page.wait_for_url(re.compile(r"/roster$"))


def test_both_sides_staff_the_zone_and_talk_over_the_hotline(
    new_context: Callable[..., BrowserContext],
) -> None:
    tr_ao = logged_in(new_context, "tr-ao", "/roster")
    put_on_duty(tr_ao, "tr-zone")
    ru_ao = logged_in(new_context, "ru-ao", "/roster")
    put_on_duty(ru_ao, "ru-zone")
    north = ru_ao.locator('#on-duty-table tr[data-post="corridor-north"]')
    expect(north.locator('td[data-party="tr"]')).to_contain_text("tr-zone (Tarik Zone)")
    expect(north.locator('td[data-party="ru"]')).to_contain_text("ru-zone (Roman Zone)")

    tr = logged_in(new_context, "tr-zone", "/hotline")
    form = tr.locator("#send-form")
    form.locator("input[name=subject]").fill("Mortar fire at km 24")
    form.locator("textarea[name=body]").fill("Rounds landing south of the road since 06:10.")
    form.locator("input[name=urgent]").check()
    form.get_by_role("button", name="Send").click()
    tr.wait_for_url(MESSAGE_PATH)
    found = MESSAGE_PATH.search(tr.url)
    assert found is not None
    message_id = found.group(1)
    expect(tr.locator("#message-to")).to_contain_text("ru-zone (Roman Zone)")
    expect(tr.locator("#message-state")).to_contain_text("Not yet acknowledged")

    ru = logged_in(new_context, "ru-zone", "/hotline")
    row = ru.locator(f'#inbox-table tr[data-message="{message_id}"]')
    expect(row).to_contain_text("urgent")
    expect(row).to_contain_text("Mortar fire at km 24")
    row.get_by_role("button", name="Acknowledge").click()
    ru.wait_for_url(re.compile(r"/hotline$"))
    expect(ru.locator(f'#inbox-table tr[data-message="{message_id}"]')).to_contain_text(
        "Acknowledged by ru-zone"
    )

    tr.reload()
    expect(tr.locator("#message-state")).to_contain_text("Acknowledged by ru-zone (Roman Zone)")
    expect(tr.locator("#message-response")).to_contain_text("min")
    expect(tr.locator("#steps-table")).to_contain_text("acknowledged")
