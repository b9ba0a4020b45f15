"""The patrol pages through the ASGI app: a whole patrol run by the two sides' officers.

Turkey's zone officer plans through the form; Russia's officer acknowledges
with the button; the patrol is started, a checkpoint reached, a GPX track
uploaded, the patrol curtailed with a reason and an incident reported on it,
each through the page's forms as a person would; the calendar, the list and
the monthly chart follow from those records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_web_pages import text_of
from tests.patrol_support import ROUTE, route_points
from tests.web_support import Site, open_site
from truceline.domain.accounts import Role

PATROL_URL = re.compile(r"^/patrols/(pat_[0-9a-z]+)(#.*)?$")
USERS = {
    "tr-zone": ("Tarik Zone", "tr", Role.ZONE_OFFICER),
    "ru-zone": ("Roman Zone", "ru", Role.ZONE_OFFICER),
    "analyst": ("Ali Analyst", "monitor", Role.ANALYST),
}


class PatrolSite(Site):
    """The site, with the patrol forms filled in as a person would."""

    def plan(self, username: str = "tr-zone", **changes: str) -> str:
        """Plan through the form; the new patrol's id."""
        response = self.post(username, "/patrols/new", plan_fields(**changes))
        assert response.status_code == 303, text_of(response.text, "patrol-error")
        found = PATROL_URL.match(response.headers["location"])
        assert found, response.headers["location"]
        return found.group(1)

    def act(self, username: str, patrol_id: str, step: str, **fields: str) -> int:
        response = self.post(username, f"/patrols/{patrol_id}/{step}", dict(fields))
        return response.status_code


def plan_fields(**changes: str) -> dict[str, str]:
    fields = {
        "day": "2020-09-02",
        "start_time": "09:00",
        "from_km": "0",
        "to_km": "30",
        "checkpoints": "10, 20",
        "units_tr": "Mechanised company A",
        "vehicles_tr": "4",
        "units_ru": "Military police platoon 2",
        "vehicles_ru": "3",
    }
    return fields | changes


@pytest.fixture
def site(tmp_path: Path) -> Iterator[PatrolSite]:
    with open_site(tmp_path, PatrolSite, USERS) as built:
        yield built


def gpx(points: list[tuple[float, float]]) -> bytes:
    body = "".join(f'<trkpt lat="{lat}" lon="{lon}"></trkpt>' for lon, lat in points)
    return (
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>{body}</trkseg></trk></gpx>"
    ).encode()


def test_a_patrol_is_planned_acknowledged_run_curtailed_and_shown_with_its_track(
    site: PatrolSite,
) -> None:
    before = site.log_size()
    patrol_id = site.plan()
    page = site.page("ru-zone", f"/patrols/{patrol_id}").text
    assert "1st joint patrol" in page
    assert "awaiting Russia" in text_of(page, "patrol-acknowledged")
    assert 'id="acknowledge-button"' in page
    # The planner's side has nothing to acknowledge; the acknowledging side may not plan for it.
    assert 'id="acknowledge-button"' not in site.page("tr-zone", f"/patrols/{patrol_id}").text

    assert site.act("ru-zone", patrol_id, "acknowledge") == 303
    assert site.act("tr-zone", patrol_id, "start") == 303
    assert site.act("ru-zone", patrol_id, "checkpoint", km="10") == 303

    geo = site.app.geography()
    track = [(p.lon, p.lat) for p in route_points(geo, [0, 4, 8, 12, 16], route_id=ROUTE)]
    files = {"track_file": ("track.gpx", gpx(track), "application/gpx+xml")}
    response = site.post("tr-zone", f"/patrols/{patrol_id}/track", {"points": ""}, files=files)
    assert response.status_code == 303, text_of(response.text, "patrol-error")
    ended = site.act(
        "tr-zone", patrol_id, "end", outcome="curtailed", at_km="16", reason="Road blocked"
    )
    assert ended == 303
    assert site.log_size() == before + 6

    page = site.page("analyst", f"/patrols/{patrol_id}").text
    assert "curtailed at km 16: Road blocked" in text_of(page, "patrol-outcome")
    assert "16.0 of 30.0" in text_of(page, "patrol-covered")
    assert "5 points" in text_of(page, "patrol-track")
    assert "furthest point at km 16" in text_of(page, "patrol-deviation")
    timeline = text_of(page, "patrol-timeline")
    for step in ("Planned", "Notice acknowledged", "Set out", "Checkpoint reached", "Ended"):
        assert step in timeline
    layers = json.loads(page.split('id="patrol-layers">', 1)[1].split("</script>", 1)[0])
    kinds = {f["properties"]["layer"] for f in layers["features"]}
    assert kinds == {"planned", "track", "checkpoint"}
    reached = {
        f["id"]: f["properties"]["reached"]
        for f in layers["features"]
        if "reached" in f["properties"]
    }
    assert reached == {"checkpoint-10": True, "checkpoint-20": False}


def test_an_incident_reported_from_the_patrol_page_is_linked_to_it(site: PatrolSite) -> None:
    patrol_id = site.plan()
    site.act("ru-zone", patrol_id, "acknowledge")
    site.act("tr-zone", patrol_id, "start")
    form = site.page("tr-zone", f"/incidents/new?patrol={patrol_id}&monitoring=patrol_attack")
    assert f'name="patrol" value="{patrol_id}"' in form.text
    from tests.integration.test_incident_pages import report_fields

    fields = report_fields(date_start="2020-09-02", patrol=patrol_id)
    response = site.post("tr-zone", "/incidents/new", fields)
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/patrols/{patrol_id}")
    incidents = text_of(site.page("tr-zone", f"/patrols/{patrol_id}").text, "patrol-incidents")
    assert incidents.startswith("inc_")


def test_a_curtailment_without_a_reason_shows_the_field_and_writes_nothing(
    site: PatrolSite,
) -> None:
    patrol_id = site.plan()
    site.act("ru-zone", patrol_id, "acknowledge")
    site.act("tr-zone", patrol_id, "start")
    before = site.log_size()
    response = site.post(
        "tr-zone",
        f"/patrols/{patrol_id}/end",
        {"outcome": "curtailed", "at_km": "12", "reason": ""},
    )
    assert response.status_code == 400
    assert "reason" in text_of(response.text, "patrol-error")
    assert site.log_size() == before


def test_a_start_before_the_other_side_acknowledged_is_refused(site: PatrolSite) -> None:
    patrol_id = site.plan()
    before = site.log_size()
    response = site.post("tr-zone", f"/patrols/{patrol_id}/start", {})
    assert response.status_code == 400
    assert "acknowledg" in text_of(response.text, "patrol-error")
    assert site.log_size() == before


def test_an_analyst_may_read_but_not_plan(site: PatrolSite) -> None:
    assert site.page("analyst", "/patrols/new").status_code == 403
    response = site.post("analyst", "/patrols/new", plan_fields())
    assert response.status_code == 403
    assert 'href="/patrols/new"' not in site.page("analyst", "/patrols").text


def test_the_calendar_list_and_chart_follow_from_the_records(site: PatrolSite) -> None:
    first = site.plan(day="2020-09-02")
    second = site.plan(day="2020-09-20", from_km="30", to_km="0", checkpoints="15")
    site.act("ru-zone", first, "acknowledge")
    site.act("tr-zone", first, "start")
    site.act("tr-zone", first, "end", outcome="completed")
    page = site.page("analyst", "/patrols?month=2020-09").text
    assert "September 2020" in page
    calendar = text_of(page, "patrol-calendar")
    assert "1st joint patrol" in calendar
    assert "2nd joint patrol" in calendar
    assert re.findall(r'data-patrol="(pat_[0-9a-z]+)"', page) == [first, second]
    stats = text_of(page, "stats-table")
    assert "2020-09 2 1 0 0 60.0 30.0" in stats
    assert "1/2" in text_of(page, "patrol-stats")
    assert "No patrol planned" in site.page("analyst", "/patrols?month=2020-10").text
