"""The roster page through the ASGI app: authorized officers and the officers themselves use its
forms, as a person would, and the page shows who is on duty and the history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import Response

from tests.incident_support import Clock
from tests.integration.test_web_pages import text_of
from tests.web_support import ACCOUNTS, Site, open_site
from truceline.domain.accounts import Role
from truceline.services import roster

PEOPLE = ACCOUNTS | {
    "tr-zone-2": ("Tamer Zone", "tr", Role.ZONE_OFFICER),
    "tr-ao": ("Tulay Authorized", "tr", Role.AUTHORIZED_OFFICER),
    "ru-ao": ("Ruslan Authorized", "ru", Role.AUTHORIZED_OFFICER),
}


class RosterSite(Site):
    clock: Clock

    def periods(self) -> list[roster.Duty]:
        view = roster.roster_view(self.app.uow(), self.app.geography().agreement, self.clock.now)
        return list(view.periods)

    def on_duty(self, post: str, party: str) -> roster.Duty | None:
        view = roster.roster_view(self.app.uow(), self.app.geography().agreement, self.clock.now)
        if post == "authorized":
            return view.on_duty.authorized[party]
        return view.on_duty.zones[post][party]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[RosterSite]:
    with open_site(tmp_path, RosterSite, PEOPLE) as built:
        built.clock = Clock()
        built.app.now = built.clock
        yield built


def assign(site: Site, username: str, **fields: str) -> Response:
    data = {"post": "corridor-north", "user": "tr-zone", "start": "", "note": ""} | fields
    return site.post(username, "/roster", data)


def test_an_authorized_officer_puts_an_officer_on_duty_through_the_form(site: RosterSite) -> None:
    page = site.page("tr-ao", "/roster")
    assert page.status_code == 200
    assert 'id="assign-form"' in page.text
    assert "no one on duty" in text_of(page.text, "on-duty-table")
    before = site.log_size()
    response = site.post(
        "tr-ao", "/roster", {"post": "corridor-north", "user": "tr-zone", "note": "day"}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/roster"
    assert site.log_size() == before + 1
    holder = site.on_duty("corridor-north", "tr")
    assert holder is not None
    assert holder.note == "day"

    shown = site.page("ru-zone", "/roster").text
    table = text_of(shown, "on-duty-table")
    assert "tr-zone (Tarik Zone)" in table
    assert "since 2020-04-01 09:00 UTC" in table
    assert 'id="assign-form"' not in shown
    assert "End this duty" not in shown
    assert "tr-zone (Tarik Zone)" in text_of(shown, "periods-table")


def test_a_zone_officer_hands_over_their_own_post_and_the_history_shows_both_periods(
    site: RosterSite,
) -> None:
    assign(site, "tr-ao")
    site.clock.advance(hours=8)
    page = site.page("tr-zone", "/roster")
    assert 'id="hand-over-form"' in page.text
    assert 'id="assign-form"' not in page.text
    response = site.post(
        "tr-zone", "/roster", {"handover": "1", "post": "corridor-north", "user": "tr-zone-2"}
    )
    assert response.status_code == 303, response.text
    first, second = sorted(site.periods(), key=lambda d: d.start)
    assert first.end == second.start == site.clock.now
    history = text_of(site.page("ru-ao", "/roster").text, "periods-table")
    assert "handed over to tr-zone-2 (Tamer Zone)" in history
    assert "took over from tr-zone (Tarik Zone)" in history


def test_a_refused_or_bad_roster_form_writes_nothing_and_says_why(site: RosterSite) -> None:
    assign(site, "tr-ao")
    before = site.log_size()
    taken = assign(site, "tr-ao", user="tr-zone-2")
    assert taken.status_code == 409
    assert "hand the post over" in text_of(taken.text, "roster-error")
    bad = assign(site, "tr-ao", user="ru-zone", post="corridor-south")
    assert bad.status_code == 400
    assert "user" in text_of(bad.text, "roster-error")
    late = assign(site, "tr-ao", post="corridor-south", start="2020-04-02T10:00")
    assert late.status_code == 400
    other = assign(site, "ru-ao", party="tr", post="corridor-south")
    assert other.status_code == 403
    zone = assign(site, "ru-zone", party="ru", user="ru-zone")
    assert zone.status_code == 403
    no_token = site.as_user("tr-ao").post(
        "/roster", data={"post": "corridor-south", "user": "tr-zone-2"}, follow_redirects=False
    )
    assert no_token.status_code == 403
    assert site.log_size() == before


def test_ending_a_duty_from_the_page_empties_the_post(site: RosterSite) -> None:
    assign(site, "tr-ao")
    duty = site.on_duty("corridor-north", "tr")
    assert duty is not None
    site.clock.advance(minutes=30)  # within the session's idle hour
    refused = site.post("ru-ao", f"/roster/{duty.id}/end", {})
    assert refused.status_code == 403
    page = site.page("tr-ao", "/roster").text
    assert f'action="/roster/{duty.id}/end"' in page
    ended = site.post("tr-ao", f"/roster/{duty.id}/end", {})
    assert ended.status_code == 303, ended.text
    assert site.on_duty("corridor-north", "tr") is None
    again = site.post("tr-ao", f"/roster/{duty.id}/end", {})
    assert again.status_code == 409


def test_an_administrator_manages_either_sides_roster(site: RosterSite) -> None:
    page = site.page("admin", "/roster").text
    assert 'name="party"' in page
    response = assign(site, "admin", party="ru", user="ru-zone", post="corridor-south")
    assert response.status_code == 303
    assert site.on_duty("corridor-south", "ru") is not None
    assert site.page("analyst", "/roster").status_code == 200
