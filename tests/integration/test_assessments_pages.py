"""The implementation pages through the ASGI app: the board, a suggestion with its evidence, a
proposal, and each authorized officer's view given through the forms and shown side by side."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.incident_support import Cast, Clock, add_officer
from tests.integration.test_assessments_service import PATROLS, People, record_week_12
from tests.integration.test_web_pages import asset_urls, text_of
from tests.web_support import ACCOUNTS, Site, open_site
from truceline.domain.accounts import MONITOR_PARTY, Role

ASSESSMENT_URL = re.compile(r"^/assessments/(asm_[0-9a-f]{16})$")
USERS = ACCOUNTS | {
    "tr-ig": ("Tuna Group", "tr", Role.INFO_GROUP_MEMBER),
    "ru-ig": ("Raisa Group", "ru", Role.INFO_GROUP_MEMBER),
    "tr-ao": ("Talat Officer", "tr", Role.AUTHORIZED_OFFICER),
    "ru-ao": ("Ruslan Officer", "ru", Role.AUTHORIZED_OFFICER),
}
NEW = f"/assessments/new?provision={PATROLS}&period=week&date=2020-03-18"


class AssessmentSite(Site):
    """The site with week 12's evidence, and the assessment forms filled in as a person would."""

    def propose(self, username: str = "tr-ig", **fields: str) -> Response:
        data = {"provision": PATROLS, "period": "2020-W12", "score": "2", "note": ""} | fields
        return self.post(username, "/assessments/new", data)

    def proposed(self, username: str = "tr-ig", **fields: str) -> str:
        response = self.propose(username, **fields)
        assert response.status_code == 303, text_of(response.text, "form-problem")
        found = ASSESSMENT_URL.match(response.headers["location"])
        assert found, response.headers["location"]
        return found.group(1)

    def respond(self, username: str, assessment_id: str, **fields: str) -> Response:
        return self.post(username, f"/assessments/{assessment_id}/respond", fields)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[AssessmentSite]:
    with open_site(tmp_path, AssessmentSite, USERS) as built:
        clock = Clock(datetime(2020, 3, 14, 12, 0, tzinfo=UTC))
        built.app.now = clock
        # The field's officers keep their keys on their own machines: they record the evidence.
        tr = add_officer(built.app, "tr-field", Role.ZONE_OFFICER, "tr")
        ru = add_officer(built.app, "ru-field", Role.ZONE_OFFICER, "ru")
        monitor = add_officer(built.app, "monitor-field", Role.MONITOR, MONITOR_PARTY)
        field = Cast(ru=ru, tr=tr, ru_ao=ru, tr_ao=tr, monitor=monitor, analyst=monitor)
        record_week_12(built.app, People(field, tr, ru), clock)
        yield built


def test_a_suggestion_shows_its_score_and_evidence_and_is_proposed_through_the_form(
    site: AssessmentSite,
) -> None:
    page = site.page("tr-ig", NEW)
    assert page.status_code == 200, page.text
    assert text_of(page.text, "suggested-score") == "2"
    assert text_of(page.text, "explanation").startswith("3 of 4 planned patrols completed")
    evidence = page.text.split('id="evidence"', 1)[1].split("</ul>", 1)[0]
    assert len(re.findall(r'href="/patrols/pat_', evidence)) == 4
    assert 'id="propose-form"' in page.text
    assessment_id = site.proposed()
    shown = site.page("tr-ig", f"/assessments/{assessment_id}").text
    assert text_of(shown, "score") == "2"
    assert text_of(shown, "state") == "proposed, awaiting both sides"
    assert "Has not responded" in text_of(shown, "view-tr")
    for url in asset_urls(shown):
        assert url.startswith(("/", "data:")), url


def test_each_officer_gives_their_sides_view_and_both_are_shown_side_by_side(
    site: AssessmentSite,
) -> None:
    assessment_id = site.proposed()
    page = site.page("tr-ao", f"/assessments/{assessment_id}").text
    assert 'id="confirm-form"' in page
    assert 'id="disagree-form"' in page
    assert site.respond("tr-ao", assessment_id, stance="confirms").status_code == 303
    assert 'id="confirm-form"' not in site.page("tr-ao", f"/assessments/{assessment_id}").text
    refused = site.respond("ru-ao", assessment_id, stance="disagrees", score="1", reason="")
    assert refused.status_code == 400
    assert text_of(refused.text, "form-problem") == "reason: a disagreement says why"
    done = site.respond(
        "ru-ao", assessment_id, stance="disagrees", score="1", reason="the aborted one counts"
    )
    assert done.status_code == 303
    shown = site.page("tr-ig", f"/assessments/{assessment_id}").text
    assert text_of(shown, "state") == "disputed"
    assert text_of(shown, "view-tr").startswith("Turkey confirms")
    russia = text_of(shown, "view-ru")
    assert russia.startswith("Russia disagrees: holds 1 minimal")
    assert "the aborted one counts" in russia
    assert "ru-ao (Ruslan Officer)" in russia


def test_the_board_shows_each_cell_coloured_with_both_views_and_the_timeline_chart(
    site: AssessmentSite,
) -> None:
    board = site.page("tr-ig", "/assessments?period=week&until=2020-03-22").text
    assert 'data-timeline="' not in board  # nothing assessed yet: no chart
    propose_link = f"/assessments/new?provision={PATROLS}&amp;period=week&amp;date=2020-03-16"
    assert propose_link in board
    assessment_id = site.proposed()
    site.respond("tr-ao", assessment_id, stance="confirms")
    board = site.page("tr-zone", "/assessments?period=week&until=2020-03-22").text
    row = board.split(f'<tr data-provision="{PATROLS}">', 1)[1].split("</tr>", 1)[0]
    cell = row.split('data-period="2020-W12"', 1)[1].split("</td>", 1)[0]
    assert f'data-assessment="{assessment_id}"' in cell
    assert 'class="score score-2"' in cell
    assert "confirmed by one side" in cell
    assert "ru … · tr ✓" in cell
    # The protocol's patrols begin on 15 March: the weeks before are not assessed at all.
    before = row.split('data-period="2020-W10"', 1)[1].split("</td>", 1)[0]
    assert "not yet in force" in before
    assert "/assessments/new" not in before
    chart = board.split(f'data-timeline="{PATROLS}"', 1)[1].split("</figure>", 1)[0]
    svg = chart[chart.index("<svg") :]
    root = ET.fromstring(svg)
    points = [e.get("id") for e in root.iter() if str(e.get("id", "")).startswith("point-")]
    assert points == ["point-2020-W12"]
    assert "propose" not in text_of(board, "assessment-board")  # a zone officer proposes nothing


def test_a_score_off_the_suggestion_without_a_note_shows_the_form_again(
    site: AssessmentSite,
) -> None:
    refused = site.propose(score="3")
    assert refused.status_code == 400
    assert text_of(refused.text, "form-problem").startswith(
        "note: say why the score differs from the rule's suggestion (2)"
    )
    assert site.proposed(score="3", note="two more patrols ran unplanned")


def test_only_the_roles_the_rules_name_may_propose_or_respond(site: AssessmentSite) -> None:
    assert 'id="propose-form"' not in site.page("tr-zone", NEW).text
    assert site.propose("tr-zone").status_code == 403
    assert site.propose("tr-ao").status_code == 403
    assessment_id = site.proposed("monitor")
    assert site.respond("tr-ig", assessment_id, stance="confirms").status_code == 403
    assert 'id="confirm-form"' not in site.page("tr-ig", f"/assessments/{assessment_id}").text


def test_a_new_version_supersedes_the_old_one_and_both_stay_readable(
    site: AssessmentSite,
) -> None:
    first = site.proposed()
    second = site.proposed("ru-ig", score="1", note="the aborted patrol was attacked")
    old = site.page("tr-ao", f"/assessments/{first}").text
    assert text_of(old, "state") == "superseded by a newer proposal"
    assert text_of(old, "superseded-by") == second
    assert 'id="confirm-form"' not in old
    refused = site.respond("tr-ao", first, stance="confirms")
    assert refused.status_code == 409
    assert f"superseded by {second}" in text_of(refused.text, "form-problem")


def test_the_pages_need_a_signed_in_user(site: AssessmentSite) -> None:
    with TestClient(site.api) as anonymous:
        response = anonymous.get("/assessments", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")


def test_a_bad_provision_or_period_is_named_and_a_missing_assessment_is_a_404(
    site: AssessmentSite,
) -> None:
    refused = site.post("tr-ig", "/assessments/new", {"provision": "nothing", "period": "2020-W12"})
    assert refused.status_code == 400
    assert text_of(refused.text, "board-problem").startswith("provision: 'nothing' is not")
    refused = site.propose(period="2020-W60")
    assert refused.status_code == 400
    assert text_of(refused.text, "board-problem").startswith("period: '2020-W60' is not a period")
    page = site.page("tr-ig", f"/assessments/new?provision={PATROLS}&period=year")
    assert page.status_code == 400
    assert site.page("tr-ig", "/assessments?period=week&until=soon").status_code == 400
    assert site.page("tr-ig", "/assessments/asm_missing").status_code == 404
    too_early = site.page("tr-ig", f"/assessments/new?provision={PATROLS}&date=2020-03-04")
    assert "ends before moscow-3-joint-patrols takes effect" in text_of(too_early.text, "refused")
    assert 'id="propose-form"' not in too_early.text
