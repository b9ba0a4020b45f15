"""Logging in through the web pages, CSRF on every form, the users page and the audit pages.

Through the ASGI app on a real database (SQLite; the changes that write the
ledger also on PostgreSQL), with users created by the operator beforehand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import text

from tests.integration.test_web_pages import text_of
from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App, bootstrap
from truceline.domain.accounts import Actor, Role, User
from truceline.domain.errors import NotFoundError
from truceline.domain.ledger import parse_leaf
from truceline.entrypoints.api.app import create_app
from truceline.entrypoints.web import auth
from truceline.services import accounts, ledger
from truceline.services.logins import AccountPolicy, Argon2Cost
from truceline.settings import Settings

PASSWORD = "correct horse battery staple"
ACCOUNTS = {
    "admin": ("Ada Admin", None, Role.ADMINISTRATOR),
    "tr-zone": ("Tarik Zone", "tr", Role.ZONE_OFFICER),
    "tr-officer": ("Tuna Officer", "tr", Role.AUTHORIZED_OFFICER),
    "ru-zone": ("Roman Zone", "ru", Role.ZONE_OFFICER),
}
# Cheap argon2 for the accounts made here; logging in reads the costs from the stored hash.
CHEAP = AccountPolicy(
    password_cost=Argon2Cost(time_cost=1, memory_kib=64, parallelism=1),
    key_cost=Argon2Cost(time_cost=1, memory_kib=64, parallelism=1),
)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Site:
    """The application, a browser-like client on it, and the users made before it started."""

    app: App
    api: FastAPI
    client: TestClient
    users: dict[str, User]

    @property
    def signers(self) -> auth.UnlockedSigners:
        store: auth.UnlockedSigners = self.api.state.unlocked_signers
        return store

    def log_size(self) -> int:
        return ledger.entries_page(self.app.uow(), 0, 1).size

    def login(self, username: str, password: str = PASSWORD, next_path: str = "/") -> Response:
        page = self.client.get("/login")
        return self.client.post(
            "/login",
            data={
                "username": username,
                "password": password,
                "csrf_token": csrf_of(page.text),
                "next": next_path,
            },
            follow_redirects=False,
        )

    def csrf(self, path: str = "/") -> str:
        """The session's CSRF token, from the logout form every signed-in page carries."""
        return csrf_of(self.client.get(path).text)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def cookie_attributes(response: Response, name: str) -> dict[str, str]:
    """The attributes of the Set-Cookie header for `name`, lower-cased names."""
    for header in response.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        if name in cookie:
            morsel = cookie[name]
            found = {k.lower(): str(v) for k, v in morsel.items() if v}
            flags = {part.strip().lower() for part in header.split(";")}
            found |= {flag: "true" for flag in ("httponly", "secure") if flag in flags}
            return found
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.get_list('set-cookie')}")


def make_site(
    database_url: str,
    tmp_path: Path,
    base_url: str = "http://testserver",
    *,
    checkpoint: bool = True,
) -> Iterator[Site]:
    settings = Settings(
        database_url=database_url,
        example="idlib-m4",
        log_key=tmp_path / "log.key",
        checkpoint_interval_s=0,
    )
    app = bootstrap(settings)
    try:
        users = {
            username: accounts.add_user(
                accounts.AddUser(username, name, party, role, PASSWORD),
                app.uow(),
                Actor.operator(),
                app.log.signer,
                policy=CHEAP,
            )
            for username, (name, party, role) in ACCOUNTS.items()
        }
        if checkpoint:
            ledger.publish_checkpoint(app.uow(), app.log, app.now)
        api = create_app(app)
        with TestClient(api, base_url=base_url) as client:
            yield Site(app, api, client, users)
    finally:
        app.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from make_site(f"sqlite:///{tmp_path}/web.db", tmp_path)


@pytest.fixture
def site_on_each_engine(database_url: str, tmp_path: Path) -> Iterator[Site]:
    yield from make_site(database_url, tmp_path)


# --- logging in --------------------------------------------------------------------------


def test_the_login_page_sets_a_pre_session_csrf_cookie_matching_its_hidden_field(
    site: Site,
) -> None:
    response = site.client.get("/login")
    assert response.status_code == 200
    cookie = cookie_attributes(response, auth.LOGIN_CSRF_COOKIE)
    assert cookie["httponly"] == "true"
    assert cookie["samesite"].lower() == "strict"
    assert site.client.cookies[auth.LOGIN_CSRF_COOKIE] == csrf_of(response.text)


def test_a_user_logs_in_and_lands_on_the_page_they_asked_for(site: Site) -> None:
    response = site.login("admin", next_path="/admin/users")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users"
    page = site.client.get("/admin/users")
    assert page.status_code == 200
    account = text_of(page.text, "account")
    assert "Ada Admin" in account
    assert "administrator" in account
    assert "Log out" in account


def test_the_session_cookie_is_httponly_and_samesite_and_not_secure_over_plain_http(
    site: Site,
) -> None:
    cookie = cookie_attributes(site.login("tr-zone"), auth.SESSION_COOKIE)
    assert cookie["httponly"] == "true"
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    assert "secure" not in cookie


def test_over_https_the_session_and_login_cookies_are_secure(tmp_path: Path) -> None:
    for https in make_site(f"sqlite:///{tmp_path}/s.db", tmp_path, "https://testserver"):
        assert "secure" in cookie_attributes(https.client.get("/login"), auth.LOGIN_CSRF_COOKIE)
        response = https.login("tr-zone")
        assert response.status_code == 303
        cookie = cookie_attributes(response, auth.SESSION_COOKIE)
        assert cookie["secure"] == "true"
        assert cookie["httponly"] == "true"
        assert "Tarik Zone" in text_of(https.client.get("/").text, "account")


def test_the_session_token_is_stored_only_as_its_hash(site: Site) -> None:
    site.login("tr-zone")
    token = site.client.cookies[auth.SESSION_COOKIE]
    with site.app.engine.connect() as conn:
        dump = "\n".join(
            str(row) for row in conn.execute(text("SELECT * FROM sessions")).fetchall()
        )
    assert token not in dump
    assert auth.session_key(token) in dump


@pytest.mark.parametrize(
    ("username", "password"),
    [("tr-zone", "not the right password"), ("nobody-here", PASSWORD)],
    ids=["wrong password", "unknown user"],
)
def test_a_failed_login_says_one_generic_thing_and_keeps_the_username(
    site: Site, username: str, password: str
) -> None:
    response = site.login(username, password)
    assert response.status_code == 200
    assert text_of(response.text, "login-error") == "Wrong username or password."
    assert f'value="{username}"' in response.text
    assert auth.SESSION_COOKIE not in site.client.cookies


def test_after_five_failures_the_login_page_says_the_username_is_locked(site: Site) -> None:
    for _ in range(5):
        site.login("ru-zone", "wrong password, again")
    response = site.login("ru-zone", PASSWORD)
    message = text_of(response.text, "login-error")
    assert message.startswith("Too many failed logins for this username: try again after")
    assert auth.SESSION_COOKIE not in site.client.cookies


@pytest.mark.parametrize(
    "next_path", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_login_never_sends_the_browser_off_the_site(site: Site, next_path: str) -> None:
    response = site.login("tr-zone", next_path=next_path)
    assert response.headers["location"] == "/"


def test_logout_ends_the_session_and_drops_the_unlocked_key(site: Site) -> None:
    site.login("tr-zone")
    token = site.client.cookies[auth.SESSION_COOKIE]
    signers = site.signers
    assert signers.get(auth.session_key(token), site.app.now()) is not None
    response = site.client.post("/logout", data={"csrf_token": site.csrf()}, follow_redirects=False)
    assert response.status_code == 303
    assert auth.SESSION_COOKIE not in site.client.cookies
    assert len(signers) == 0
    site.client.cookies.set(auth.SESSION_COOKIE, token)
    assert site.client.get("/audit", follow_redirects=False).status_code == 303


def test_a_session_whose_key_is_no_longer_in_memory_counts_as_logged_out(site: Site) -> None:
    site.login("admin")
    site.api.state.unlocked_signers = auth.UnlockedSigners(timedelta(hours=1), timedelta(hours=1))
    response = site.client.get("/admin/users", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/users"


def test_an_unlocked_key_is_forgotten_once_its_session_could_no_longer_be_alive() -> None:
    store = auth.UnlockedSigners(lifetime=timedelta(hours=12), idle=timedelta(hours=1))
    signer = Ed25519Signer.generate()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    store.keep("idle", signer, start)
    store.keep("busy", signer, start)
    for minutes in range(30, 12 * 60, 30):
        assert store.get("busy", start + timedelta(minutes=minutes)) is signer
    assert store.get("idle", start + timedelta(minutes=61)) is None
    assert store.get("busy", start + timedelta(hours=12)) is None
    assert len(store) == 0


@pytest.mark.parametrize("path", ["/admin/users", "/audit", "/audit/records/agreement:idlib-m4"])
def test_signed_in_pages_send_a_stranger_to_the_login_page(site: Site, path: str) -> None:
    response = site.client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/")
    assert "Log in" in site.client.get(response.headers["location"]).text


@pytest.mark.parametrize("path", ["/", "/provisions", "/zones", "/places", "/login"])
def test_public_pages_stay_public_and_offer_to_log_in(site: Site, path: str) -> None:
    response = site.client.get(path)
    assert response.status_code == 200
    assert "Log out" not in response.text
    assert 'href="/audit"' not in text_of(response.text, "account")


# --- CSRF on every form ------------------------------------------------------------------


def web_forms(site: Site) -> dict[str, str]:
    """Each POST route of the pages (not the JSON API), with a concrete path to post to."""
    tr_zone = site.users["tr-zone"].id
    concrete = {"/admin/users/{user_id}/disable": f"/admin/users/{tr_zone}/disable"}
    found = {}
    for context in iter_route_contexts(site.api.routes):
        path = getattr(context.route, "path", "")
        methods = getattr(context.route, "methods", None) or set()
        if "POST" in methods and not path.startswith("/api/"):
            found[path] = concrete.get(path, re.sub(r"\{(\w+)_id\}", r"\1_0123456789abcdef", path))
    return found


FORMS = [
    "/login",
    "/logout",
    "/admin/users",
    "/admin/users/{user_id}/disable",
    "/audit/verify",
    "/incidents/new",
    "/incidents/{incident_id}/position",
    "/incidents/{incident_id}/reports",
    "/incidents/{incident_id}/merge",
    "/incidents/{incident_id}/split",
    "/intake/read",
    "/intake/ingest",
    "/intake/candidates/{candidate_id}/edit",
    "/intake/candidates/{candidate_id}/accept",
    "/intake/candidates/{candidate_id}/reject",
    "/patrols/new",
    "/patrols/{patrol_id}/acknowledge",
    "/patrols/{patrol_id}/start",
    "/patrols/{patrol_id}/checkpoint",
    "/patrols/{patrol_id}/track",
    "/patrols/{patrol_id}/end",
    "/patrols/{patrol_id}/incidents",
    "/roster",
    "/roster/{duty_id}/end",
    "/hotline",
    "/hotline/{message_id}/acknowledge",
    "/field/restrictions/new",
    "/field/observations/new",
    "/statements/new",
    "/statements/claims/new",
    "/statements/{statement_id}/edit",
    "/statements/{statement_id}/approve",
    "/statements/{statement_id}/publish",
    "/assessments/new",
    "/assessments/{assessment_id}/respond",
]


def test_the_csrf_tests_cover_every_form_the_pages_have(site: Site) -> None:
    assert sorted(web_forms(site)) == sorted(FORMS)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_a_form_posted_without_its_csrf_token_is_refused_with_403(
    site: Site, form: str, token: str
) -> None:
    site.login("admin")
    before = site.log_size()
    path = web_forms(site)[form]
    data = {
        "username": "new-user",
        "display_name": "New User",
        "party": "tr",
        "role": "zone_officer",
        "password": PASSWORD,
    }
    if token == "wrong":
        data["csrf_token"] = "x" * 43
    if form == "/login":
        site.client.get("/login")
        data["username"] = "admin"
    response = site.client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "This form has expired" in text_of(response.text, "forbidden")
    assert site.log_size() == before
    assert "Ada Admin" in text_of(site.client.get("/").text, "account")
    users = text_of(site.client.get("/admin/users").text, "users-table")
    assert "new-user" not in users
    assert "disabled" not in users


def test_the_login_form_needs_its_cookie_as_well_as_its_field(site: Site) -> None:
    token = csrf_of(site.client.get("/login").text)
    site.client.cookies.clear()
    response = site.client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert auth.SESSION_COOKIE not in site.client.cookies


def test_another_sessions_csrf_token_does_not_work(site: Site) -> None:
    site.login("tr-zone")
    stolen = site.csrf()
    site.client.cookies.clear()
    site.login("admin")
    response = site.client.post(
        "/admin/users",
        data={
            "csrf_token": stolen,
            "username": "mallory",
            "display_name": "Mallory",
            "party": "tr",
            "role": "zone_officer",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 403


# --- the users page ----------------------------------------------------------------------


def add_user_form(site: Site, username: str, **overrides: str) -> dict[str, str]:
    return {
        "csrf_token": site.csrf("/admin/users"),
        "username": username,
        "display_name": "Selin Zone",
        "party": "tr",
        "role": "zone_officer",
        "password": PASSWORD,
        **overrides,
    }


@pytest.mark.postgres
def test_an_administrator_adds_and_disables_a_user_each_change_signed_in_the_ledger(
    site_on_each_engine: Site,
) -> None:
    site = site_on_each_engine
    site.login("admin")
    before = site.log_size()
    response = site.client.post("/admin/users", data=add_user_form(site, "tr-zone-2"))
    assert response.status_code == 200
    assert "Added tr-zone-2" in text_of(response.text, "users-notice")
    assert "Selin Zone" in text_of(response.text, "users-table")
    added = accounts.find_user(site.app.uow(), "tr-zone-2")
    # adding writes the account (user.added) and its key (user.key_registered)
    entries = ledger.history(site.app.uow(), added.id)
    assert [e.event for e in entries] == ["user.added", "user.key_registered"]
    assert {e.actor for e in entries} == {site.users["admin"].id}
    # signed with the administrator's own key, unlocked at login
    signing_keys = {parse_leaf(e.leaf).public_key for e in entries}
    assert signing_keys == {site.users["admin"].public_key}
    assert site.log_size() == before + 2

    response = site.client.post(
        f"/admin/users/{added.id}/disable", data={"csrf_token": site.csrf("/admin/users")}
    )
    assert response.status_code == 200
    assert "Disabled tr-zone-2" in text_of(response.text, "users-notice")
    assert site.log_size() == before + 3
    last = ledger.history(site.app.uow(), added.id)[-1]
    assert (last.event, last.actor) == ("user.disabled", site.users["admin"].id)
    assert accounts.get_user(site.app.uow(), added.id).disabled


def test_the_add_user_form_says_what_was_wrong_and_keeps_what_was_typed(site: Site) -> None:
    site.login("admin")
    before = site.log_size()
    response = site.client.post(
        "/admin/users", data=add_user_form(site, "x", display_name="Short Name")
    )
    assert response.status_code == 400
    assert "is not a username" in text_of(response.text, "users-error")
    assert 'value="Short Name"' in response.text
    assert PASSWORD not in response.text
    response = site.client.post("/admin/users", data=add_user_form(site, "tr-zone"))
    assert response.status_code == 409
    assert "taken" in text_of(response.text, "users-error")
    assert site.log_size() == before


def test_a_zone_officer_is_not_shown_the_users_page_or_its_forms(site: Site) -> None:
    site.login("tr-zone")
    response = site.client.get("/admin/users")
    assert response.status_code == 403
    assert "may not view_users" in text_of(response.text, "forbidden")
    assert "Your account may not do this" in text_of(response.text, "forbidden")
    assert 'action="/admin/users"' not in response.text
    assert 'href="/admin/users"' not in response.text


def test_an_authorized_officer_sees_their_partys_users_without_the_admin_forms(
    site: Site,
) -> None:
    site.login("tr-officer")
    response = site.client.get("/admin/users")
    assert response.status_code == 200
    table = text_of(response.text, "users-table")
    assert "tr-zone" in table
    assert "ru-zone" not in table
    assert 'action="/admin/users"' not in response.text
    assert "/disable" not in response.text


@pytest.mark.parametrize("username", ["tr-zone", "tr-officer"])
def test_a_forged_add_user_post_with_a_valid_csrf_token_is_refused_and_writes_nothing(
    site: Site, username: str
) -> None:
    site.login(username)
    before = site.log_size()
    response = site.client.post(
        "/admin/users", data={**add_user_form(site, "mallory"), "csrf_token": site.csrf()}
    )
    assert response.status_code == 403
    assert "may not manage_users" in text_of(response.text, "forbidden")
    assert site.log_size() == before
    with pytest.raises(NotFoundError):
        accounts.find_user(site.app.uow(), "mallory")


def test_a_forged_disable_post_by_a_zone_officer_is_refused(site: Site) -> None:
    site.login("tr-zone")
    before = site.log_size()
    target = site.users["ru-zone"].id
    response = site.client.post(f"/admin/users/{target}/disable", data={"csrf_token": site.csrf()})
    assert response.status_code == 403
    assert site.log_size() == before
    assert not accounts.get_user(site.app.uow(), target).disabled


def test_a_disabled_users_session_ends(site: Site) -> None:
    site.login("ru-zone")
    accounts.disable_user(
        accounts.DisableUser(site.users["ru-zone"].id),
        site.app.uow(),
        Actor.operator(),
        site.app.log.signer,
    )
    assert site.client.get("/audit", follow_redirects=False).status_code == 303


# --- the audit pages ---------------------------------------------------------------------


def test_the_audit_page_shows_the_latest_checkpoint_and_its_signed_note(site: Site) -> None:
    site.login("tr-zone")
    response = site.client.get("/audit")
    assert response.status_code == 200
    checkpoint = ledger.latest_checkpoint(site.app.uow())
    card = text_of(response.text, "checkpoint")
    assert f"Entries covered {checkpoint.size}" in card
    assert "truceline.local/ledger" in card
    note = text_of(response.text, "checkpoint-note")
    assert note.startswith(f"truceline.local/ledger {checkpoint.size} ")
    assert "— truceline.local/ledger" in note
    assert "agreement.loaded" in text_of(response.text, "recent")


def test_verify_now_checks_the_stored_log_and_shows_it_valid(site: Site) -> None:
    site.login("tr-zone")
    response = site.client.post("/audit/verify", data={"csrf_token": site.csrf("/audit")})
    assert response.status_code == 200
    assert text_of(response.text, "verification-status") == "valid"
    verification = text_of(response.text, "verification")
    checkpoint = ledger.latest_checkpoint(site.app.uow())
    assert f"{checkpoint.size} entries of truceline.local/ledger" in verification
    assert f"Entries checked {checkpoint.size} of {checkpoint.size}" in verification
    assert "by tr-zone" in verification


def test_before_any_checkpoint_the_audit_page_says_so_and_verify_cannot_run(
    tmp_path: Path,
) -> None:
    for site in make_site(f"sqlite:///{tmp_path}/n.db", tmp_path, checkpoint=False):
        site.login("tr-zone")
        page = site.client.get("/audit")
        assert "has published no checkpoint yet" in text_of(page.text, "checkpoint")
        response = site.client.post("/audit/verify", data={"csrf_token": site.csrf("/audit")})
        assert text_of(response.text, "verification-status") == "not verified"
        assert "no checkpoint" in text_of(response.text, "verification")


@pytest.mark.postgres
def test_the_agreements_history_shows_who_loaded_it_with_a_valid_signature(
    site_on_each_engine: Site,
) -> None:
    site = site_on_each_engine
    site.login("ru-zone")
    home = site.client.get("/").text
    assert 'href="/audit/records/agreement%3Aidlib-m4"' in home
    response = site.client.get("/audit/records/agreement%3Aidlib-m4")
    assert response.status_code == 200
    rows = text_of(response.text, "history-table")
    assert "agreement.loaded" in rows
    assert "operator (the server)" in rows
    assert "✓ valid" in rows
    assert "every signature valid" in text_of(response.text, "record-summary")


def test_a_users_history_shows_each_entry_signed_by_the_administrator(site: Site) -> None:
    site.login("admin")
    site.client.post("/admin/users", data=add_user_form(site, "tr-zone-3"))
    user = accounts.find_user(site.app.uow(), "tr-zone-3")
    rows = text_of(site.client.get(f"/audit/records/{user.id}").text, "history-table")
    assert rows.count("✓ valid") == 2
    assert "admin (Ada Admin)" in rows
    assert "username: tr-zone-3" in rows
    assert "role: zone_officer" in rows


def test_an_entry_edited_in_the_database_shows_invalid_and_verify_names_it(site: Site) -> None:
    site.login("tr-zone")
    with site.app.engine.begin() as conn:
        # what someone with the database in hand can do: drop the guard, edit an entry
        conn.execute(text("DROP TRIGGER ledger_entries_no_update"))
        conn.execute(
            text("UPDATE ledger_entries SET leaf = replace(leaf, 'Idlib', 'Idleb') WHERE seq = 0")
        )
    history = site.client.get("/audit/records/agreement%3Aidlib-m4").text
    assert "✗ invalid" in text_of(history, "history-table")
    assert "some entries do not verify" in text_of(history, "record-summary")
    response = site.client.post("/audit/verify", data={"csrf_token": site.csrf("/audit")})
    assert text_of(response.text, "verification-status") == "invalid"
    assert text_of(response.text, "first-bad").startswith("0:")


def test_a_record_with_no_entries_is_a_404_page(site: Site) -> None:
    site.login("tr-zone")
    response = site.client.get("/audit/records/nothing-here")
    assert response.status_code == 404
    assert "no entry about nothing-here" in text_of(response.text, "no-history")
