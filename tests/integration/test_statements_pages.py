"""The statement pages through the ASGI app: drafting, two-key approval, the public surface.

Information-group members and the authorized officers of both guarantors log
in with the browser's forms and act through the pages, as a person would; the
published statement and the feed are then read by a browser with no session.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.integration.test_incident_pages import IncidentSite
from tests.integration.test_web_pages import asset_urls, text_of
from tests.web_support import ACCOUNTS, open_site
from truceline.domain.accounts import Role

EDIT_URL = re.compile(r"^/statements/(stm_[0-9a-f]{16})/edit$")
USERS = ACCOUNTS | {
    "tr-ig": ("Tuna Group", "tr", Role.INFO_GROUP_MEMBER),
    "ru-ig": ("Raisa Group", "ru", Role.INFO_GROUP_MEMBER),
    "tr-ao": ("Talat Officer", "tr", Role.AUTHORIZED_OFFICER),
    "ru-ao": ("Ruslan Officer", "ru", Role.AUTHORIZED_OFFICER),
}
BODY = "Both sides **confirm** the shelling of Ariha.\r\n\r\n<script>alert(1)</script>"


class StatementSite(IncidentSite):
    """The site, with the statement forms filled in as a person would."""

    def draft(self, username: str = "tr-ig", **fields: str) -> str:
        data = {"title": "On the shelling of Ariha", "body": BODY, "incidents": ""} | fields
        response = self.post(username, "/statements/new", data)
        assert response.status_code == 303, text_of(response.text, "form-problem")
        found = EDIT_URL.match(response.headers["location"])
        assert found, response.headers["location"]
        return found.group(1)

    def work(self, username: str, statement_id: str) -> str:
        response = self.page(username, f"/statements/{statement_id}/edit")
        assert response.status_code == 200, response.text
        return response.text

    def signed_hash(self, username: str, statement_id: str) -> tuple[str, str]:
        """The version and digest the approve form shows the officer, as they would read it."""
        html = self.work(username, statement_id)
        form = html.split('id="approve-form"', 1)[1].split("</form>", 1)[0]
        version = re.search(r'name="version" value="(\d+)"', form)
        digest = re.search(r'name="text_sha256" value="([0-9a-f]{64})"', form)
        assert version
        assert digest
        assert text_of(html, "approve-hash") == digest.group(1)
        return version.group(1), digest.group(1)

    def approve(self, username: str, statement_id: str) -> Response:
        version, digest = self.signed_hash(username, statement_id)
        data = {"version": version, "text_sha256": digest}
        return self.post(username, f"/statements/{statement_id}/approve", data)

    def publish(self, username: str, statement_id: str) -> Response:
        return self.post(username, f"/statements/{statement_id}/publish", {})


@pytest.fixture
def site(tmp_path: Path) -> Iterator[StatementSite]:
    with open_site(tmp_path, StatementSite, USERS) as built:
        yield built


@pytest.fixture
def anonymous(site: StatementSite) -> Iterator[TestClient]:
    with TestClient(site.api) as client:
        yield client


def test_drafted_approved_by_both_officers_published_and_read_without_login(
    site: StatementSite, anonymous: TestClient
) -> None:
    statement_id = site.draft()
    assert text_of(site.work("tr-ig", statement_id), "statement-state") == "draft"
    # Before publication the public sees nothing of it.
    assert anonymous.get(f"/statements/{statement_id}").status_code == 404
    assert statement_id not in anonymous.get("/statements").text

    assert site.approve("tr-ao", statement_id).status_code == 303
    page = site.work("ru-ao", statement_id)
    assert text_of(page, "statement-state") == "partly approved"
    assert text_of(page, "approved-by") == "Turkey"
    # Turkey's officer approved already; only Russia's is offered the button.
    assert 'id="approve-form"' not in site.work("tr-ao", statement_id)
    assert 'id="publish-form"' not in site.work("tr-ig", statement_id)
    assert site.approve("ru-ao", statement_id).status_code == 303
    assert 'id="publish-form"' in site.work("tr-ig", statement_id)
    published = site.publish("ru-ig", statement_id)
    assert published.status_code == 303
    assert published.headers["location"] == f"/statements/{statement_id}"

    public = anonymous.get(f"/statements/{statement_id}")
    assert public.status_code == 200
    assert text_of(public.text, "statement-title") == "On the shelling of Ariha"
    body = public.text.split('id="statement-body"', 1)[1].split("</div>", 1)[0]
    assert "<strong>confirm</strong>" in body
    assert "<script>" not in body
    assert "&lt;script&gt;" in body
    integrity = text_of(public.text, "integrity")
    assert "✓ verified" in integrity
    assert "Turkey's authorized officer" in integrity
    assert "Russia's authorized officer" in integrity
    assert "Talat" not in public.text  # the public page names parties, not officers
    listed = anonymous.get("/statements")
    assert f'data-statement="{statement_id}"' in listed.text
    assert "On the shelling of Ariha" in text_of(listed.text, "joint-statements")
    feed = anonymous.get("/statements/feed.atom")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in root]
    assert "On the shelling of Ariha" in titles
    for url in asset_urls(public.text):
        assert url.startswith(("/", "data:")), url


def test_the_approve_form_shows_the_officer_exactly_the_hash_their_key_signs(
    site: StatementSite,
) -> None:
    statement_id = site.draft()
    version, digest = site.signed_hash("tr-ao", statement_id)
    assert version == "1"
    assert text_of(site.work("tr-ao", statement_id), "text-sha256") == digest
    assert "Approve version 1 for Turkey" in site.work("tr-ao", statement_id)
    site.approve("tr-ao", statement_id)
    rows = text_of(site.work("tr-ig", statement_id), "approvals")
    assert digest in rows
    assert "tr-ao (Talat Officer)" in rows


def test_a_revision_voids_the_approvals_and_a_stale_approval_is_refused(
    site: StatementSite,
) -> None:
    statement_id = site.draft()
    version, old_digest = site.signed_hash("ru-ao", statement_id)
    site.approve("tr-ao", statement_id)
    revised = site.post(
        "ru-ig",
        f"/statements/{statement_id}/edit",
        {
            "title": "On the shelling of Ariha",
            "body": "Changed text.",
            "incidents": "",
            "version": "2",
        },
    )
    assert revised.status_code == 303, text_of(revised.text, "form-problem")
    page = site.work("tr-ig", statement_id)
    assert text_of(page, "statement-state") == "draft"
    assert "void: version 2 changed the text" in text_of(page, "approvals")
    # Russia's officer submits the form of the text they read before the change.
    stale = site.post(
        "ru-ao",
        f"/statements/{statement_id}/approve",
        {"version": version, "text_sha256": old_digest},
    )
    assert stale.status_code == 409
    assert "not the current version" in text_of(stale.text, "form-problem")
    assert site.publish("tr-ig", statement_id).status_code == 409


def test_publishing_with_one_approval_is_refused_and_nothing_is_written(
    site: StatementSite,
) -> None:
    statement_id = site.draft()
    site.approve("tr-ao", statement_id)
    site.as_user("ru-ig")
    before = site.log_size()
    refused = site.publish("ru-ig", statement_id)
    assert refused.status_code == 409
    assert "awaits the approval of ru" in text_of(refused.text, "form-problem")
    assert site.log_size() == before


def test_an_information_group_member_cannot_approve_through_the_page(site: StatementSite) -> None:
    statement_id = site.draft()
    _, digest = site.signed_hash("tr-ao", statement_id)
    assert 'id="approve-form"' not in site.work("tr-ig", statement_id)
    refused = site.post(
        "tr-ig", f"/statements/{statement_id}/approve", {"version": "1", "text_sha256": digest}
    )
    assert refused.status_code == 403
    assert site.post("tr-zone", "/statements/new", {"title": "t", "body": "b"}).status_code == 403
    assert site.page("tr-ao", "/statements/new").status_code == 403


def test_a_post_without_the_sessions_csrf_token_is_refused(site: StatementSite) -> None:
    statement_id = site.draft()
    _, digest = site.signed_hash("tr-ao", statement_id)
    client = site.as_user("tr-ao")
    response = client.post(
        f"/statements/{statement_id}/approve",
        data={"version": "1", "text_sha256": digest},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "Talat" not in text_of(site.work("tr-ig", statement_id), "approvals")


def test_a_bad_draft_shows_the_form_again_with_the_field_and_reason(site: StatementSite) -> None:
    response = site.post(
        "tr-ig", "/statements/new", {"title": "", "body": "text", "incidents": "inc_nothere"}
    )
    assert response.status_code == 400
    assert "title" in text_of(response.text, "form-problem")
    response = site.post(
        "tr-ig", "/statements/new", {"title": "t", "body": "text", "incidents": "inc_nothere"}
    )
    assert response.status_code == 400
    assert "no incident 'inc_nothere'" in text_of(response.text, "form-problem")
    assert 'value="inc_nothere"' in response.text
    assert 'aria-describedby="error-incidents"' in response.text


def test_a_claim_is_shown_beside_the_joint_statement_on_the_incident_it_mentions(
    site: StatementSite, anonymous: TestClient
) -> None:
    incident_id = site.report()
    statement_id = site.draft(incidents=incident_id)
    site.approve("tr-ao", statement_id)
    site.approve("ru-ao", statement_id)
    site.publish("tr-ig", statement_id)
    claim = site.post(
        "ru-ao",
        "/statements/claims/new",
        {
            "title": "Russia's account",
            "body": "Fire came from the north.",
            "incidents": incident_id,
        },
    )
    assert claim.status_code == 303, text_of(claim.text, "form-problem")
    claim_id = claim.headers["location"].rsplit("/", 1)[1]
    page = site.page("tr-zone", f"/incidents/{incident_id}").text
    said = text_of(page, "statements-on-incident")
    assert "Joint statement No. 1" in said
    assert "Russia's claim No. 2" in said
    assert "Fire came from the north." in said
    public = anonymous.get(f"/statements/{claim_id}")
    assert public.status_code == 200
    assert "not agreed by the other side" in text_of(public.text, "claim-note")
    assert "Russia's account" in text_of(anonymous.get("/statements").text, "claims")
    # A zone officer records no claim.
    assert site.page("tr-zone", "/statements/claims/new").status_code == 403


def test_drafts_need_a_login_and_list_what_awaits_whom(
    site: StatementSite, anonymous: TestClient
) -> None:
    statement_id = site.draft()
    site.approve("tr-ao", statement_id)
    response = anonymous.get("/statements/drafts", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["location"]
    assert anonymous.get(
        f"/statements/{statement_id}/edit", follow_redirects=False
    ).status_code in (
        302,
        303,
    )
    html = site.page("analyst", "/statements/drafts").text
    row = html.split(f'data-statement="{statement_id}"', 1)[1].split("</tr>", 1)[0]
    assert "partly approved" in row
    assert "Russia" in row
    # The public address of a draft sends a signed-in user to its working page.
    moved = site.as_user("analyst").get(f"/statements/{statement_id}", follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/statements/{statement_id}/edit"
