"""A joint statement's life in a real headless Chromium: drafted, approved by both, public.

Turkey's information-group member drafts a statement in Markdown; Turkey's
authorized officer approves it, reading on the page the digest their key
signs; the draft cannot be published yet. Russia's authorized officer
approves it too, the member publishes it, and a browser that never logged in
reads it on /statements, on its own page and in the Atom feed. This module
serves its own database, with the four users added through the CLI.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import database_with_users, serve

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
USERS = [
    ("tr-ig", "Tuna Group", "info_group_member", "tr"),
    ("tr-ao", "Talat Officer", "authorized_officer", "tr"),
    ("ru-ao", "Ruslan Officer", "authorized_officer", "ru"),
]
EDIT_PATH = re.compile(r"/statements/(stm_[0-9a-f]{16})/edit$")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A database with the example loaded and the three users, made through the CLI."""
    folder = tmp_path_factory.mktemp("statements-server")
    return database_with_users(folder, USERS, PASSWORD)


@pytest.fixture(scope="module")
def server(database: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """This module's `truceline serve` with its users (overrides conftest's)."""
    path, env = database
    yield from serve(path, env, path.with_suffix(".log"))


def logged_in(new_context: Callable[..., BrowserContext], username: str, then: str) -> Page:
    """A browser of its own for `username`, logged in and on `then`."""
    page = new_context().new_page()
    page.goto(f"/login?next={then}")
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(f"{re.escape(then)}$"))
    return page


def approve(page: Page, party: str) -> str:
    """Approve as the page's officer; the digest the page showed them."""
    form = page.locator("#approve-form")
    digest = page.locator("#approve-hash").inner_text().strip()
    expect(form.locator("input[name=text_sha256]")).to_have_value(digest)
    form.get_by_role("button", name=f"Approve version 1 for {party}").click()
    page.wait_for_url(re.compile(r"/edit#approvals$"))
    return digest


def test_a_statement_drafted_and_approved_by_both_sides_is_read_without_login(
    new_context: Callable[..., BrowserContext],
) -> None:
    # Turkey's information-group member drafts it.
    ig = logged_in(new_context, "tr-ig", "/statements/new")
    form = ig.locator("#statement-form")
    form.get_by_label("Title").fill("Joint statement on the M4 patrol of 15 March")
    form.get_by_label("Text (Markdown)").fill(
        "The first joint patrol **ran as planned** from Trumba.\n\n- no incident\n- no delay"
    )
    form.locator("input[name=provisions][value='moscow-3-joint-patrols']").check()
    ig.get_by_role("button", name="Save the draft").click()
    ig.wait_for_url(EDIT_PATH)
    found = EDIT_PATH.search(ig.url)
    assert found
    statement_id = found.group(1)
    expect(ig.locator("#statement-state")).to_have_text("draft")
    digest = ig.locator("#text-sha256").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    expect(ig.locator("#publish-form")).to_have_count(0)

    # Turkey's authorized officer approves, reading the digest their key signs.
    tr = logged_in(new_context, "tr-ao", f"/statements/{statement_id}/edit")
    assert approve(tr, "Turkey") == digest
    expect(tr.locator("#statement-state")).to_have_text("partly approved")
    expect(tr.locator("#approve-form")).to_have_count(0)

    # One approval is not enough to publish.
    ig.reload()
    expect(ig.locator("#awaiting")).to_have_text("Russia")
    expect(ig.locator("#publish-form")).to_have_count(0)

    # Russia's authorized officer approves the same text.
    ru = logged_in(new_context, "ru-ao", "/statements/drafts")
    ru.locator(f"#drafts-table tr[data-statement='{statement_id}'] a").click()
    ru.wait_for_url(EDIT_PATH)
    assert approve(ru, "Russia") == digest
    expect(ru.locator("#statement-state")).to_have_text("approved")

    # The member publishes it.
    ig.reload()
    ig.locator("#publish-form").get_by_role("button", name="Publish").click()
    ig.wait_for_url(re.compile(f"/statements/{statement_id}$"))

    # A browser that never logged in reads it.
    public = new_context().new_page()
    public.goto("/statements")
    entry = public.locator(f"#joint-statements [data-statement='{statement_id}']")
    expect(entry).to_contain_text("Joint statement on the M4 patrol of 15 March")
    expect(public.locator("#account")).to_contain_text("Log in")
    entry.get_by_role("link").click()
    public.wait_for_url(re.compile(f"/statements/{statement_id}$"))
    expect(public.locator("#statement-body strong")).to_have_text("ran as planned")
    expect(public.locator("#text-sha256")).to_have_text(digest)
    approvals = public.locator("#integrity tr.approval")
    expect(approvals).to_have_count(2)
    for party in ("Turkey", "Russia"):
        row = approvals.filter(has_text=f"{party}'s authorized officer")
        expect(row).to_contain_text(digest)
        expect(row).to_contain_text("verified")

    feed = public.request.get("/statements/feed.atom")
    assert feed.ok
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.body())
    [item] = root.findall(f"{ATOM}entry")
    assert item.findtext(f"{ATOM}title") == "Joint statement on the M4 patrol of 15 March"
    link = item.find(f"{ATOM}link")
    assert link is not None
    assert (link.get("href") or "").endswith(f"/statements/{statement_id}")
