"""The intake pages through the ASGI app: paste, read, queue, then review as a person would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.test_web_pages import text_of
from tests.web_support import Site, open_site
from truceline.adapters.intake.fetch import Fetcher
from truceline.entrypoints.api import intake as intake_api

DATA = Path(__file__).resolve().parents[1] / "data" / "intake"
ARTICLE = (DATA / "idlib-m4-article-2020-09.md").read_text(encoding="utf-8")
PAGE = (DATA / "idlib-m4-article-2020-09.html").read_bytes()
URL = "https://www.globalresearch.ca/video-idlib-question/5723532"
CANDIDATE = re.compile(r'data-candidate="(cand_[0-9a-f]{16})"')


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with open_site(tmp_path, Site) as built:

        def mocked() -> Iterator[Fetcher]:
            def handle(_request: httpx.Request) -> httpx.Response:
                return httpx.Response(200, headers={"content-type": "text/html"}, content=PAGE)

            with Fetcher(httpx.MockTransport(handle)) as fetcher:
                yield fetcher

        built.api.dependency_overrides[intake_api.fetcher] = mocked
        yield built


def paste(**more: str) -> dict[str, str]:
    return {"text": ARTICLE, "kind": "markdown", "site": "globalresearch.ca"} | more


def queued(site: Site) -> list[str]:
    page = site.page("tr-zone", "/intake")
    return CANDIDATE.findall(page.text.split('id="queue"', 1)[1])


def test_reading_a_pasted_text_shows_its_candidates_on_the_map_and_saves_nothing(
    site: Site,
) -> None:
    before = site.log_size()
    response = site.post("tr-zone", "/intake/read", paste())
    assert response.status_code == 200
    preview = text_of(response.text, "preview")
    assert "first published 2020-09-02 by South Front" in preview
    assert "signed a de-escalation deal" in preview
    assert "PayPal" not in preview
    found = re.search(r'id="candidate-points">(.*?)</script>', response.text, re.S)
    assert found is not None
    points = json.loads(found.group(1))
    assert {p["status"] for p in points} == {"pending"}
    assert all("lat" in p and "lon" in p for p in points)
    assert site.log_size() == before
    assert queued(site) == []


def test_a_url_is_read_through_the_fetcher(site: Site) -> None:
    response = site.post("tr-zone", "/intake/read", {"url": URL})
    assert response.status_code == 200
    assert "drills" in text_of(response.text, "preview")


def test_a_queued_text_is_reviewed_edited_and_accepted_into_an_incident(site: Site) -> None:
    before = site.log_size()
    response = site.post("tr-zone", "/intake/ingest", paste())
    assert response.status_code == 303
    assert site.log_size() == before + 1
    ids = queued(site)
    assert len(ids) >= 3
    rows = re.findall(
        r'<tr data-candidate="(cand_\w+)">(.*?)</tr>', site.page("tr-zone", "/intake").text, re.S
    )
    drills = next(i for i, row in rows if "drills" in row)
    shown = site.page("tr-zone", f"/intake/candidates/{drills}")
    assert shown.status_code == 200
    assert "drills" in text_of(shown.text, "candidate-in-text")
    edited = site.post(
        "tr-zone",
        f"/intake/candidates/{drills}/edit",
        {"place": "Sarakeb", "place_precision": "near", "injuries": "0"},
    )
    assert edited.status_code == 303, text_of(edited.text, "candidate-error")
    facts = text_of(site.page("tr-zone", f"/intake/candidates/{drills}").text, "candidate-facts")
    assert "Saraqib (near" in facts
    accepted = site.post("tr-zone", f"/intake/candidates/{drills}/accept", {"into": ""})
    assert accepted.status_code == 303
    assert accepted.headers["location"].startswith("/incidents/inc_")
    incident = site.page("tr-zone", accepted.headers["location"])
    assert "open source" in text_of(incident.text, "reports")
    assert drills not in queued(site)


def test_a_rejection_needs_a_reason_and_a_bad_place_is_named(site: Site) -> None:
    site.post("tr-zone", "/intake/ingest", paste())
    first = queued(site)[0]
    refused = site.post("tr-zone", f"/intake/candidates/{first}/reject", {"note": ""})
    assert refused.status_code == 400
    assert "note" in text_of(refused.text, "candidate-error")
    unknown = site.post("tr-zone", f"/intake/candidates/{first}/edit", {"place": "Atlantis"})
    assert unknown.status_code == 400
    assert "not in the gazetteer" in text_of(unknown.text, "candidate-error")
    done = site.post("tr-zone", f"/intake/candidates/{first}/reject", {"note": "an analysis"})
    assert done.status_code == 303
    assert first not in queued(site)


def test_bad_input_shows_the_form_again_with_the_reason(site: Site) -> None:
    before = site.log_size()
    response = site.post("tr-zone", "/intake/ingest", {"text": "   ", "kind": "text"})
    assert response.status_code == 400
    assert "text" in text_of(response.text, "intake-error")
    assert site.log_size() == before


def test_an_analyst_sees_the_queue_but_may_not_ingest(site: Site) -> None:
    page = site.page("analyst", "/intake")
    assert page.status_code == 200
    assert 'id="read-url"' not in page.text
    refused = site.post("analyst", "/intake/ingest", paste())
    assert refused.status_code == 403


def test_the_correction_form_comes_filled_in_and_sending_it_unchanged_changes_nothing(
    site: Site,
) -> None:
    site.post("tr-zone", "/intake/ingest", paste())
    first = queued(site)[0]
    page = site.page("tr-zone", f"/intake/candidates/{first}").text
    form = page.split('id="edit-form"', 1)[1].split("</form>", 1)[0]
    values = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form))
    assert values["date_start"]
    assert values["place"]
    values.pop("csrf_token")
    values["date_precision"] = "period"
    values["place_precision"] = "region"
    values["sub_event_type"] = "Armed clash"
    unchanged = site.post("tr-zone", f"/intake/candidates/{first}/edit", values)
    assert unchanged.status_code == 400
    assert "at least one field" in text_of(unchanged.text, "candidate-error")
