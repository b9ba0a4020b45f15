"""The hotline pages through the ASGI app: both sides send and acknowledge with the forms; an
overdue urgent message is marked, and once escalated, shown to the authorized officer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import Response

from tests.incident_support import Clock
from tests.integration.test_roster_pages import PEOPLE, RosterSite
from tests.integration.test_web_pages import text_of
from tests.web_support import open_site
from truceline.services import hotline
from truceline.services.authorship import ServerSigned

MESSAGE_URL = re.compile(r"^/hotline/(msg_[0-9a-f]{16})$")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[RosterSite]:
    with open_site(tmp_path, RosterSite, PEOPLE) as built:
        built.clock = Clock()
        built.app.now = built.clock
        yield built


def send(site: RosterSite, username: str, **fields: str) -> Response:
    data = {"subject": "Fire at km 24", "body": "", "zone": "", "to_user": ""} | fields
    return site.post(username, "/hotline", data)


def sent_id(response: Response) -> str:
    assert response.status_code == 303, response.text
    found = MESSAGE_URL.match(response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


def test_one_side_sends_and_the_other_acknowledges_with_the_button(site: RosterSite) -> None:
    site.post("tr-ao", "/roster", {"post": "corridor-north", "user": "tr-zone"})
    site.post("ru-ao", "/roster", {"post": "corridor-north", "user": "ru-zone"})
    page = site.page("tr-zone", "/hotline")
    assert 'id="send-form"' in page.text
    before = site.log_size()
    message_id = sent_id(send(site, "tr-zone", body="Mortar rounds south of the road", urgent="1"))
    assert site.log_size() == before + 1

    shown = site.page("tr-zone", f"/hotline/{message_id}").text
    assert "ru · ru-zone (Roman Zone)" in text_of(shown, "message-to")
    assert "Not yet acknowledged" in text_of(shown, "message-state")
    assert "Acknowledge" not in text_of(shown, "message")

    inbox = site.page("ru-zone", "/hotline").text
    row = text_of(inbox, "inbox-table")
    assert "urgent" in row
    assert "Fire at km 24" in row
    assert f'action="/hotline/{message_id}/acknowledge"' in inbox
    outbox = site.page("tr-zone", "/hotline").text
    assert f'action="/hotline/{message_id}/acknowledge"' not in outbox
    assert "Fire at km 24" in text_of(outbox, "outbox-table")

    site.clock.advance(minutes=9)
    refused = site.post("tr-zone", f"/hotline/{message_id}/acknowledge", {})
    assert refused.status_code == 403
    acked = site.post("ru-zone", f"/hotline/{message_id}/acknowledge", {"return_to": "list"})
    assert acked.status_code == 303, acked.text
    assert acked.headers["location"] == "/hotline"
    assert site.log_size() == before + 2
    after = site.page("tr-zone", f"/hotline/{message_id}").text
    assert "Acknowledged by ru-zone (Roman Zone) after 9.0 min" in text_of(after, "message-state")
    assert "9.0 min" in text_of(after, "message-response")
    again = site.post("ru-zone", f"/hotline/{message_id}/acknowledge", {})
    assert again.status_code == 409
    assert "already acknowledged" in text_of(again.text, "message-error")
    stats = text_of(site.page("monitor", "/hotline").text, "stats-table")
    assert "9.0" in stats


def test_a_bad_message_shows_the_form_again_with_the_field_and_writes_nothing(
    site: RosterSite,
) -> None:
    before = site.log_size()
    empty = send(site, "tr-zone", subject="")
    assert empty.status_code == 400
    assert "subject" in text_of(empty.text, "hotline-error")
    link = send(site, "tr-zone", incident_id="inc_0000000000000000", body="kept")
    assert link.status_code == 400
    assert "incident_id" in text_of(link.text, "hotline-error")
    assert "kept" in link.text
    assert send(site, "analyst").status_code == 403
    assert send(site, "admin").status_code == 403
    assert 'id="send-form"' not in site.page("monitor", "/hotline").text
    assert site.log_size() == before


def test_an_overdue_urgent_message_is_marked_and_once_escalated_shown_to_the_authorized_officer(
    site: RosterSite,
) -> None:
    site.page("tr-ao", "/hotline")
    message_id = sent_id(send(site, "tr-zone", urgent="1"))
    calm_id = sent_id(send(site, "tr-zone", subject="Convoy passing"))
    site.clock.advance(minutes=31)
    listed = site.page("tr-ao", "/hotline").text
    overdue_row = re.search(rf'<tr data-message="{message_id}" class="([^"]*)"', listed)
    assert overdue_row is not None
    assert overdue_row.group(1) == "msg-overdue"
    calm_row = re.search(rf'<tr data-message="{calm_id}" class="([^"]*)"', listed)
    assert calm_row is not None
    assert calm_row.group(1) == "msg-waiting"
    assert 'id="escalated-to-me"' not in listed

    agreement = site.app.geography().agreement
    done = hotline.escalate_overdue(
        site.app.uow(), ServerSigned(site.app.log.signer), agreement, site.app.now
    )
    assert [m.id for m in done] == [message_id]
    page = site.page("tr-ao", "/hotline").text
    assert "Escalated to you" in text_of(page, "escalated-to-me")
    row = re.search(rf'<tr data-message="{message_id}" class="([^"]*)"', page)
    assert row is not None
    assert row.group(1) == "msg-escalated escalated-to-me"
    shown = site.page("tr-ao", f"/hotline/{message_id}").text
    assert 'id="escalated-note"' in shown
    assert "Escalated to tr-ao (Tulay Authorized)" in text_of(shown, "message-state")
    assert 'id="escalated-to-me"' not in site.page("tr-zone", "/hotline").text
