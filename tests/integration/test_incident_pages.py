"""The incident pages through the ASGI app on a real SQLite database.

Officers of both guarantors, a monitor and an analyst log in with the browser's
forms; every incident here is reported through the report form and every
position through the incident page's form, as a person would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.incident_support import NORTH, OUTSIDE, SOUTH
from tests.integration.test_web_pages import text_of
from tests.web_support import Site, open_site
from truceline.entrypoints.web import incident_pages

INCIDENT_URL = re.compile(r"^/incidents/(inc_[0-9a-f]{16})$")


class IncidentSite(Site):
    """The site, with the incident forms filled in as a person would."""

    def report(self, username: str = "tr-zone", **fields: str) -> str:
        """Report an incident through the form; the new incident's id."""
        response = self.post(username, "/incidents/new", report_fields(**fields))
        assert response.status_code == 303, text_of(response.text, "report-error")
        found = INCIDENT_URL.match(response.headers["location"])
        assert found, response.headers["location"]
        return found.group(1)

    def position(
        self, username: str, incident_id: str, stance: str, held: str = "", **more: str
    ) -> Response:
        data = {"stance": stance, "held_responsible": held, "evidence": "", "text": ""} | more
        return self.post(username, f"/incidents/{incident_id}/position", data)


def report_fields(**overrides: str) -> dict[str, str]:
    """The report form as a zone officer fills it in: a shelling in the corridor's north half."""
    fields = {
        "lon": str(NORTH[0]),
        "lat": str(NORTH[1]),
        "place": "",
        "geo_precision": "2",
        "date_start": "2020-03-20",
        "date_end": "",
        "monitoring": "ceasefire_violation",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "notes": "Shelling of the outskirts of Ariha from the south",
        "actor1": "",
        "inter1": "0",
        "fatalities_best": "2",
        "channel": "party_allegation",
        "source_name": "Turkey zone officer",
        "grade_reliability": "B",
        "grade_credibility": "2",
        "language": "en",
        "original_text": "Artillery fire on the southern outskirts of Ariha at 06:10.",
    }
    return fields | overrides


@pytest.fixture
def site(tmp_path: Path) -> Iterator[IncidentSite]:
    with open_site(tmp_path, IncidentSite) as built:
        yield built


def table_rows(html: str, table_id: str) -> list[str]:
    """The incident ids of a table's rows, in order."""
    table = html.split(f'id="{table_id}"', 1)
    return re.findall(r'data-incident="(inc_[0-9a-f]+)"', table[1]) if len(table) == 2 else []


# --- reporting -------------------------------------------------------------------------------


def test_a_zone_officer_reports_through_the_form_and_lands_on_the_linked_incident(
    site: IncidentSite,
) -> None:
    before = site.log_size()
    incident_id = site.report()
    assert site.log_size() == before + 1
    page = site.page("tr-zone", f"/incidents/{incident_id}")
    assert page.status_code == 200
    facts = text_of(page.text, "incident-facts")
    assert "2020-03-20" in facts
    assert "Shelling/artillery/missile attack" in facts
    assert "ceasefire violation" in facts
    assert "Fatalities 2" in facts
    links = text_of(page.text, "incident-links")
    assert "Security corridor, north half" in links
    assert "Responsible party Turkey" in links
    assert "Kilometre post km" in links
    assert "moscow-1-ceasefire" in links
    reports = text_of(page.text, "reports")
    assert "party allegation from Turkey" in reports
    assert "Artillery fire on the southern outskirts of Ariha" in reports
    assert "B2" in reports
    assert "pending" in text_of(page.text, "finding")


def test_a_report_with_an_empty_place_takes_the_nearest_gazetteer_place(site: IncidentSite) -> None:
    incident_id = site.report(place="")
    facts = text_of(site.page("tr-zone", f"/incidents/{incident_id}").text, "incident-facts")
    place = re.search(r"Place (\S+)", facts)
    assert place
    assert place.group(1) not in ("unnamed", "")


def test_a_report_dated_before_the_agreement_shows_the_field_and_writes_nothing(
    site: IncidentSite,
) -> None:
    before = site.log_size()
    response = site.post("tr-zone", "/incidents/new", report_fields(date_start="2017-01-01"))
    assert response.status_code == 400
    error = text_of(response.text, "report-error")
    assert "incident.dates.start" in error
    assert "before the agreement's start" in error
    assert 'name="date_start" value="2017-01-01"' in response.text
    assert 'aria-describedby="error-date_start"' in response.text
    assert site.log_size() == before
    assert "0 incidents" in text_of(site.page("tr-zone", "/incidents").text, "incident-count")


def test_a_sub_event_type_of_another_event_type_is_refused_naming_it(site: IncidentSite) -> None:
    response = site.post(
        "tr-zone", "/incidents/new", report_fields(sub_event_type="Peaceful protest")
    )
    assert response.status_code == 400
    assert "incident.sub_event_type" in text_of(response.text, "report-error")


def test_a_report_without_a_point_asks_to_click_the_map(site: IncidentSite) -> None:
    before = site.log_size()
    response = site.post("tr-zone", "/incidents/new", report_fields(lon="", lat=""))
    assert response.status_code == 400
    assert "click the map" in text_of(response.text, "report-error")
    assert site.log_size() == before


def test_the_report_form_searches_the_gazetteer_and_offers_each_place(site: IncidentSite) -> None:
    page = site.page("tr-zone", "/incidents/new?q=Saraqeb")
    assert page.status_code == 200
    results = text_of(page.text, "place-results")
    assert "Saraqib" in results or "Saraqeb" in results
    chosen = site.page("tr-zone", "/incidents/new?lon=36.55&lat=35.83&place=Ariha")
    assert 'name="lon" inputmode="decimal" value="36.55"' in chosen.text
    assert 'name="place" value="Ariha"' in chosen.text


def test_the_report_form_offers_each_sub_event_type_under_its_own_event_type(
    site: IncidentSite,
) -> None:
    page = site.page("tr-zone", "/incidents/new").text
    group = page.split('data-event-type="Battles">', 1)[1].split("</optgroup>", 1)[0]
    assert "Armed clash" in group
    assert "Peaceful protest" not in group
    assert 'src="/static/report_form.js"' in page


# --- the list ----------------------------------------------------------------------------


def test_the_list_filters_by_zone_party_type_status_date_and_reporting_party(
    site: IncidentSite,
) -> None:
    north = site.report()
    south = site.report(
        "ru-zone",
        lon=str(SOUTH[0]),
        lat=str(SOUTH[1]),
        date_start="2020-04-02",
        monitoring="",
        event_type="Battles",
        sub_event_type="Armed clash",
        source_name="Russia zone officer",
    )
    away = site.report(lon=str(OUTSIDE[0]), lat=str(OUTSIDE[1]), date_start="2020-05-01")

    def listed(query: str) -> list[str]:
        response = site.page("analyst", f"/incidents?{query}")
        assert response.status_code == 200
        return table_rows(response.text, "incidents-table")

    assert listed("") == [away, south, north]
    assert listed("zone=corridor-north") == [north]
    assert listed("responsible_party=ru") == [south]
    assert listed("event_type=Battles") == [south]
    assert listed("reporting_party=tr") == [away, north]
    assert listed("channel=party_allegation") == [away, south, north]
    assert listed("date_from=2020-04-01&date_to=2020-04-30") == [south]
    assert listed("status=pending") == [away, south, north]
    assert listed("status=verified") == []
    assert listed("provision=moscow-1-ceasefire&zone=") == [south, north]
    assert listed("provision=moscow-2-security-corridor") == []


def test_the_list_map_gets_each_listed_incident_with_its_status(site: IncidentSite) -> None:
    incident_id = site.report()
    page = site.page("tr-zone", "/incidents").text
    data = page.split('id="incident-points">', 1)[1].split("</script>", 1)[0]
    assert incident_id in data
    assert '"status": "pending"' in data
    assert 'src="/static/incident_map.js"' in page


def test_the_list_pages_with_a_next_link_that_keeps_the_filters(
    site: IncidentSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(incident_pages, "PAGE_SIZE", 1)
    older = site.report(date_start="2020-03-20")
    newer = site.report(date_start="2020-03-25", lon="36.60", lat="35.84")
    first = site.page("tr-zone", "/incidents?zone=corridor-north")
    assert table_rows(first.text, "incidents-table") == [newer]
    link = re.search(r'id="next-page" rel="next" href="([^"]+)"', first.text)
    assert link
    href = link.group(1).replace("&amp;", "&")
    assert "zone=corridor-north" in href
    second = site.page("tr-zone", href)
    assert table_rows(second.text, "incidents-table") == [older]
    assert 'id="next-page"' not in second.text


def test_a_bad_filter_names_the_field_and_the_reason(site: IncidentSite) -> None:
    response = site.page("tr-zone", "/incidents?date_from=yesterday")
    assert response.status_code == 400
    assert "date_from" in text_of(response.text, "incident-error")
    response = site.page("tr-zone", "/incidents?zone=nowhere")
    assert response.status_code == 400
    assert "zone" in text_of(response.text, "incident-error")


def test_the_incident_pages_send_a_stranger_to_the_login_page(site: IncidentSite) -> None:
    with TestClient(site.api) as stranger:
        for path in ("/incidents", "/incidents/new", "/incidents/queue"):
            response = stranger.get(path, follow_redirects=False)
            assert response.status_code == 303
            assert response.headers["location"].startswith("/login?next=/incidents")


# --- positions, side by side -------------------------------------------------------------


def test_both_sides_positions_sit_side_by_side_beside_the_verified_finding(
    site: IncidentSite,
) -> None:
    incident_id = site.report()
    response = site.position(
        "tr-zone", incident_id, "confirms", "sy-gov", evidence="Crater photos\nPatrol log 17"
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/incidents/{incident_id}#position"
    assert site.position("ru-zone", incident_id, "confirms", "sy-gov").status_code == 303
    page = site.page("analyst", f"/incidents/{incident_id}").text
    turkey = text_of(page, "position-tr")
    russia = text_of(page, "position-ru")
    assert "version 1" in turkey
    assert "confirms" in turkey
    assert "Government forces" in turkey
    assert "Crater photos" in turkey
    assert "Patrol log 17" in turkey
    assert "Roman Zone" in russia
    finding = text_of(page, "finding")
    assert "verified" in finding
    assert "agreed: Government forces" in finding
    assert "100%" in finding
    assert text_of(page, "incident-status") == "verified"
    assert "No verdict recorded" in text_of(page, "monitor-verdict")
    history = text_of(page, "history-table")
    assert "position recorded" in history
    assert "tr: confirms (version 1)" in history


def test_a_revised_position_is_version_2_and_the_first_stays_viewable(site: IncidentSite) -> None:
    incident_id = site.report()
    site.position("tr-zone", incident_id, "confirms", "sy-gov", version="1")
    site.position("ru-zone", incident_id, "denies", "")
    disputed = site.page("tr-zone", f"/incidents/{incident_id}").text
    assert "disputed" in text_of(disputed, "finding")
    assert 'name="version" value="2"' in disputed
    assert (
        site.position("ru-zone", incident_id, "confirms", "sy-gov", version="2").status_code == 303
    )
    page = site.page("tr-zone", f"/incidents/{incident_id}").text
    russia = text_of(page, "position-ru")
    assert russia.startswith("Russia version 2")
    assert "Earlier version (1)" in russia
    assert "Version 1" in russia
    assert "denies" in russia
    assert "verified" in text_of(page, "finding")


def test_a_stale_version_is_a_conflict_and_writes_nothing(site: IncidentSite) -> None:
    incident_id = site.report()
    site.position("tr-zone", incident_id, "confirms", "sy-gov")
    before = site.log_size()
    response = site.position("tr-zone", incident_id, "denies", version="1")
    assert response.status_code == 409
    assert "not the next version" in text_of(response.text, "incident-error")
    assert site.log_size() == before


def test_a_position_naming_an_unknown_actor_shows_the_field_and_writes_nothing(
    site: IncidentSite,
) -> None:
    incident_id = site.report()
    before = site.log_size()
    response = site.position("ru-zone", incident_id, "confirms", "the weather")
    assert response.status_code == 400
    error = text_of(response.text, "incident-error")
    assert "position.held_responsible" in error
    assert "neither a party of the agreement nor an actor of the incident" in error
    assert 'aria-describedby="error-held_responsible"' in response.text
    assert site.log_size() == before
    page = site.page("ru-zone", f"/incidents/{incident_id}").text
    assert "No position yet" in text_of(page, "position-ru")


def test_a_position_without_a_stance_names_the_stance(site: IncidentSite) -> None:
    incident_id = site.report()
    response = site.position("ru-zone", incident_id, "")
    assert response.status_code == 400
    assert "position.stance" in text_of(response.text, "incident-error")


def test_the_monitor_records_a_verdict_in_its_own_column(site: IncidentSite) -> None:
    incident_id = site.report()
    page = site.page("monitor", f"/incidents/{incident_id}").text
    assert "The monitor's verdict" in text_of(page, "position")
    assert site.position("monitor", incident_id, "confirms", "sy-gov").status_code == 303
    page = site.page("tr-zone", f"/incidents/{incident_id}").text
    verdict = text_of(page, "monitor-verdict")
    assert "confirms" in verdict
    assert "Government forces" in verdict
    assert "No position yet" in text_of(page, "position-tr")


# --- refusals ----------------------------------------------------------------------------


def test_an_analyst_may_not_record_a_position_nor_is_offered_the_form(site: IncidentSite) -> None:
    incident_id = site.report()
    page = site.page("analyst", f"/incidents/{incident_id}")
    assert page.status_code == 200
    assert 'id="position-form"' not in page.text
    before = site.log_size()
    response = site.position("analyst", incident_id, "confirms", "sy-gov")
    assert response.status_code == 403
    assert "may not" in text_of(response.text, "forbidden")
    assert site.log_size() == before


@pytest.mark.parametrize("username", ["analyst", "admin"])
def test_a_user_who_may_not_report_gets_403_on_the_report_form(
    site: IncidentSite, username: str
) -> None:
    assert site.page(username, "/incidents/new").status_code == 403
    before = site.log_size()
    response = site.post(username, "/incidents/new", report_fields())
    assert response.status_code == 403
    assert site.log_size() == before


def test_an_allegation_can_only_be_filed_for_ones_own_party(site: IncidentSite) -> None:
    # The form files for the officer's own party whatever is posted; the monitor channel is
    # for monitors only.
    before = site.log_size()
    response = site.post("tr-zone", "/incidents/new", report_fields(channel="monitor"))
    assert response.status_code == 403
    assert site.log_size() == before


def test_a_form_without_the_csrf_token_is_refused(site: IncidentSite) -> None:
    incident_id = site.report()
    client = site.as_user("ru-zone")
    before = site.log_size()
    response = client.post(
        f"/incidents/{incident_id}/position",
        data={"stance": "confirms"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "This form has expired" in text_of(response.text, "forbidden")
    assert site.log_size() == before


def test_an_unknown_incident_is_a_404_page(site: IncidentSite) -> None:
    response = site.page("tr-zone", "/incidents/inc_0000000000000000")
    assert response.status_code == 404
    assert "No such incident" in text_of(response.text, "forbidden")


# --- the queue, reports, merge and split --------------------------------------------------


def test_the_queue_holds_what_awaits_the_viewers_party_until_it_states_a_position(
    site: IncidentSite,
) -> None:
    first = site.report(date_start="2020-03-20")
    second = site.report(date_start="2020-03-28", lon="36.60", lat="35.84")
    queue = site.page("ru-zone", "/incidents/queue")
    assert queue.status_code == 200
    assert table_rows(queue.text, "queue-table") == [second, first]
    assert "2 incidents await a position from Russia" in text_of(queue.text, "queue-count")
    site.position("ru-zone", second, "cannot_assess")
    assert table_rows(site.page("ru-zone", "/incidents/queue").text, "queue-table") == [first]
    assert site.page("analyst", "/incidents/queue").status_code == 403


def test_a_second_report_attaches_to_the_incident(site: IncidentSite) -> None:
    incident_id = site.report()
    response = site.post(
        "ru-zone",
        f"/incidents/{incident_id}/reports",
        {
            "channel": "party_allegation",
            "source_name": "Russia zone officer",
            "grade_reliability": "C",
            "grade_credibility": "3",
            "language": "ru",
            "original_text": "Обстрел окраин Арихи",
        },
    )
    assert response.status_code == 303
    reports = text_of(site.page("tr-zone", f"/incidents/{incident_id}").text, "reports")
    assert "Reports 2" in reports
    assert "party allegation from Russia" in reports
    assert "Обстрел окраин Арихи" in reports


def test_a_duplicate_is_linked_and_merged_through_the_form(site: IncidentSite) -> None:
    kept = site.report()
    other = site.report("ru-zone", source_name="Russia zone officer")
    page = site.page("tr-zone", f"/incidents/{other}").text
    assert f'href="/incidents/{kept}"' in text_of_html(page, "incident-links")
    response = site.post(
        "tr-zone", f"/incidents/{kept}/merge", {"absorbed": other, "note": "same shelling"}
    )
    assert response.status_code == 303
    merged = site.page("tr-zone", f"/incidents/{other}").text
    assert kept in text_of(merged, "merged-into")
    assert 'id="position-form"' not in merged
    assert "Reports 2" in text_of(site.page("tr-zone", f"/incidents/{kept}").text, "reports")
    assert table_rows(site.page("tr-zone", "/incidents").text, "incidents-table") == [kept]


def test_reports_are_split_off_into_a_new_incident(site: IncidentSite) -> None:
    incident_id = site.report()
    site.post(
        "ru-zone",
        f"/incidents/{incident_id}/reports",
        {"channel": "party_allegation", "source_name": "Russia zone officer", "language": "en"},
    )
    page = site.page("tr-zone", f"/incidents/{incident_id}").text
    report_ids = re.findall(r'name="report_ids" value="(rep_[0-9a-f]+)"', page)
    assert len(report_ids) == 2
    response = site.post(
        "tr-zone",
        f"/incidents/{incident_id}/split",
        {"report_ids": report_ids[1], "note": "a second shelling"},
    )
    assert response.status_code == 303
    created = INCIDENT_URL.match(response.headers["location"].split("#")[0])
    assert created
    assert created.group(1) != incident_id
    assert "Reports 1" in text_of(site.page("tr-zone", f"/incidents/{incident_id}").text, "reports")


def test_splitting_without_choosing_a_report_names_the_field(site: IncidentSite) -> None:
    incident_id = site.report()
    response = site.post("tr-zone", f"/incidents/{incident_id}/split", {"note": "x"})
    assert response.status_code == 400
    assert "report_ids" in text_of(response.text, "incident-error")


def text_of_html(html: str, element_id: str) -> str:
    """The raw HTML of the element with `element_id` (up to its section's end)."""
    return html.split(f'id="{element_id}"', 1)[1].split("</section>", 1)[0]


def test_the_history_links_to_the_incidents_signed_entries_in_the_audit_log(
    site: IncidentSite,
) -> None:
    incident_id = site.report()
    page = site.page("tr-zone", f"/incidents/{incident_id}").text
    assert f'href="/audit/records/{incident_id}"' in page
    audit = site.page("tr-zone", f"/audit/records/{incident_id}")
    assert audit.status_code == 200
    assert "incident.reported" in audit.text
