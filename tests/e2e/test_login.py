"""Logging in, a CSRF-protected form and a refused action, in a real headless Chromium.

This module serves its own database: `truceline init`, then two accounts added
with `truceline users add --password-stdin`, then `truceline serve`. Its
`server` fixture overrides the shared one for these tests only; the browser,
the guarded contexts and the off-machine request guard are conftest's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import database_with_users, serve
from truceline.bootstrap import bootstrap
from truceline.domain.errors import NotFoundError
from truceline.services import accounts
from truceline.settings import Settings

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
USERS = [
    ("admin", "Ada Admin", "administrator", None),
    ("tr-zone", "Tarik Zone", "zone_officer", "tr"),
]


@dataclass(frozen=True)
class Served:
    """Where the server's database and log key are, and the environment it runs with."""

    database: Path
    env: dict[str, str]

    def settings(self) -> Settings:
        return Settings(
            database_url=f"sqlite:///{self.database}",
            log_key=Path(self.env["TRUCELINE_LOG_KEY"]),
            checkpoint_interval_s=0,
        )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """A database with the example loaded and the accounts added, through the CLI."""
    folder = tmp_path_factory.mktemp("login-server")
    database, env = database_with_users(folder, USERS, PASSWORD)
    return Served(database, env)


@pytest.fixture(scope="module")
def server(served: Served) -> Iterator[str]:
    """This module's `truceline serve` with its users (overrides conftest's)."""
    yield from serve(served.database, served.env, served.database.with_suffix(".log"))


def log_in(page: Page, username: str, then: str) -> None:
    """Log in on the login page and land on `then`."""
    page.goto(f"/login?next={then}")
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(f"{re.escape(then)}$"))
    expect(page.locator("#account")).to_contain_text("Log out")


def has_user(served: Served, username: str) -> bool:
    app = bootstrap(served.settings(), migrate=False)
    try:
        accounts.find_user(app.uow(), username)
    except NotFoundError:
        return False
    finally:
        app.close()
    return True


def test_an_administrator_logs_in_and_adds_a_user_through_the_form(
    page: Page, served: Served
) -> None:
    page.goto("/admin/users")
    expect(page).to_have_url(re.compile(r"/login\?next=/admin/users$"))
    page.fill("#login-username", "admin")
    page.fill("#login-password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/users$"))
    expect(page.locator("#account")).to_contain_text("Ada Admin")
    expect(page.locator("#users-table")).to_contain_text("tr-zone")

    form = page.locator("#add-user")
    form.get_by_label("Username", exact=True).fill("ru-zone")
    form.get_by_label("Name", exact=True).fill("Roman Zone")
    form.get_by_label("Party").select_option("ru")
    form.get_by_label("Role").select_option("zone_officer")
    form.get_by_label("First password").fill(PASSWORD)
    assert form.locator("input[name=csrf_token]").input_value()
    form.get_by_role("button", name="Add user").click()

    expect(page.locator("#users-notice")).to_contain_text("Added ru-zone")
    row = page.locator("tr[data-user='ru-zone']")
    expect(row).to_contain_text("Roman Zone")
    expect(row).to_contain_text("Russia")
    expect(row).to_contain_text("zone officer")
    assert has_user(served, "ru-zone")

    page.get_by_role("navigation").get_by_role("link", name="Audit", exact=True).click()
    expect(page.locator("#recent-table")).to_contain_text("user.added")
    expect(page.locator("#recent-table")).to_contain_text("admin (Ada Admin)")


def test_a_zone_officer_is_not_offered_the_form_and_a_forged_post_is_refused(
    page: Page, served: Served
) -> None:
    log_in(page, "tr-zone", "/audit")
    # The pages offer a zone officer neither the users page nor its forms. (The 403 page
    # itself is fetched, not navigated to: Chromium logs any 4xx document as a console
    # error, which the guard rightly counts.)
    expect(page.locator("#account")).to_contain_text("zone officer")
    expect(page.get_by_role("navigation").get_by_role("link", name="Users")).to_have_count(0)
    token = page.locator("#account input[name=csrf_token]").input_value()
    assert token

    users_page = page.request.get("/admin/users")
    assert users_page.status == 403
    assert "Your account may not do this" in users_page.text()
    assert 'action="/admin/users"' not in users_page.text()

    form = {
        "csrf_token": token,
        "username": "mallory",
        "display_name": "Mallory",
        "party": "tr",
        "role": "administrator",
        "password": PASSWORD,
    }
    forged = page.request.post("/admin/users", form=form)
    assert forged.status == 403
    assert "Your account may not do this" in forged.text()
    assert "may not manage_users" in forged.text()

    no_token = page.request.post("/admin/users", form={**form, "csrf_token": ""})
    assert no_token.status == 403
    assert "This form has expired" in no_token.text()
    assert not has_user(served, "mallory")


def test_without_javascript_a_user_logs_in_reads_a_history_and_logs_out(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/login")
    page.fill("#login-username", "tr-zone")
    page.fill("#login-password", "not the password at all")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#login-error")).to_have_text("Wrong username or password.")
    expect(page.locator("#login-username")).to_have_value("tr-zone")

    log_in(page, "tr-zone", "/")
    page.get_by_role("link", name="History of this agreement").click()
    expect(page.locator("#history-table")).to_contain_text("agreement.loaded")
    expect(page.locator("#history-table")).to_contain_text("✓ valid")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/$"))
    expect(page.locator("#account")).to_contain_text("Log in")
    page.goto("/audit")
    expect(page).to_have_url(re.compile(r"/login\?next=/audit$"))
