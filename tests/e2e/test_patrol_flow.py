"""A joint patrol's whole cycle in a real headless Chromium, by the two sides' officers.

Turkey's zone officer plans the patrol (km 0 to 30 from Trumba, checkpoints at
km 10 and 20); Russia's officer, in a browser of their own, acknowledges the
notice; Turkey's officer starts it, uploads a GPX track, curtails it at km 16
with a reason and reports an attack on it from the patrol's page; the patrol's
map then draws the planned segment, the track and the checkpoints, and the
page lists the incident. This module serves its own database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import PASSWORD, database_with_users, logged_in, serve

pytestmark = pytest.mark.e2e

USERS = [
    ("tr-zone", "Tarik Zone", "zone_officer", "tr"),
    ("ru-zone", "Roman Zone", "zone_officer", "ru"),
]
PATROL_PATH = re.compile(r"/patrols/(pat_[0-9a-z]+)(#.*)?$")
#: Points along the M4 west of Trumba (lon, lat): the patrol's first 16 km or so.
TRACK = [
    (36.7630, 35.8640),
    (36.7400, 35.8560),
    (36.7100, 35.8450),
    (36.6800, 35.8330),
    (36.6400, 35.8220),
]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("patrols-server")
    return database_with_users(folder, USERS, PASSWORD)


@pytest.fixture(scope="module")
def server(database: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """This module's `truceline serve` with its officers (overrides conftest's)."""
    path, env = database
    yield from serve(path, env, path.with_suffix(".log"))


def gpx(points: list[tuple[float, float]]) -> bytes:
    body = "".join(f'<trkpt lat="{lat}" lon="{lon}"></trkpt>' for lon, lat in points)
    return (
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>{body}</trkseg></trk></gpx>"
    ).encode()


def test_a_patrol_is_planned_acknowledged_run_curtailed_and_mapped(
    new_context: Callable[..., BrowserContext],
) -> None:
    # Turkey's zone officer plans the patrol and so gives notice.
    tr = logged_in(new_context, "tr-zone", "/patrols/new")
    form = tr.locator("#plan-form")
    form.locator("input[name=day]").fill("2020-09-02")
    form.locator("input[name=start_time]").fill("09:00")
    form.locator("input[name=from_km]").fill("0")
    form.locator("input[name=to_km]").fill("30")
    form.locator("input[name=checkpoints]").fill("10, 20")
    form.locator("input[name=units_tr]").fill("Mechanised company A")
    form.locator("input[name=vehicles_tr]").fill("4")
    form.locator("input[name=units_ru]").fill("Military police platoon 2")
    form.locator("input[name=vehicles_ru]").fill("3")
    tr.get_by_role("button", name="Plan the patrol and give notice").click()
    tr.wait_for_url(PATROL_PATH)
    found = PATROL_PATH.search(tr.url)
    assert found
    patrol = f"/patrols/{found.group(1)}"
    expect(tr.locator("h1")).to_have_text("1st joint patrol")
    expect(tr.locator("#patrol-acknowledged")).to_contain_text("awaiting Russia")
    expect(tr.locator("#start-button")).to_be_visible()

    # Russia's officer acknowledges the notice.
    ru = logged_in(new_context, "ru-zone", patrol)
    ru.locator("#acknowledge-button").click()
    ru.wait_for_url(PATROL_PATH)
    expect(ru.locator("#patrol-state")).to_have_text("acknowledged, ready to start")
    expect(ru.locator("#patrol-acknowledged")).to_contain_text("Russia")

    # Turkey's officer starts it, uploads the track and curtails it with a reason.
    tr.reload()
    tr.locator("#start-button").click()
    tr.wait_for_url(PATROL_PATH)
    expect(tr.locator("#patrol-state")).to_have_text("under way")
    tr.locator("#track summary").click()
    tr.locator("input[name=track_file]").set_input_files(
        files=[{"name": "track.gpx", "mimeType": "application/gpx+xml", "buffer": gpx(TRACK)}]
    )
    tr.get_by_role("button", name="Add the track points").click()
    tr.wait_for_url(PATROL_PATH)
    expect(tr.locator("#patrol-track")).to_have_text("5 points")
    end = tr.locator("#end-form")
    end.get_by_label("Outcome").select_option("curtailed")
    end.locator("input[name=at_km]").fill("16")
    end.locator("textarea[name=reason]").fill("Road blocked by a crowd near Ariha")
    tr.locator("#end-button").click()
    tr.wait_for_url(PATROL_PATH)
    expect(tr.locator("#patrol-outcome")).to_have_text(
        "curtailed at km 16: Road blocked by a crowd near Ariha"
    )

    # An attack on the patrol, reported from its page, is linked to it.
    tr.locator("#incidents summary").click()
    tr.locator("#report-on-patrol").click()
    tr.wait_for_url(re.compile(r"/incidents/new\?patrol="))
    expect(tr.locator("#report-patrol")).to_contain_text(found.group(1))
    report = tr.locator("#report-form")
    tr.locator("#lon").fill("36.70")
    tr.locator("#lat").fill("35.84")
    report.locator("input[name=date_start]").fill("2020-09-02")
    expect(report.get_by_label("Monitoring kind")).to_have_value("patrol_attack")
    report.locator("textarea[name=notes]").fill("Roadside bomb beside the joint patrol")
    tr.get_by_role("button", name="Report the incident").click()
    tr.wait_for_url(PATROL_PATH)
    link = tr.locator("#patrol-incidents a")
    expect(link).to_have_count(1)
    expect(link).to_have_text(re.compile(r"^inc_"))

    # The map draws the planned segment, the track and the two checkpoints.
    tr.wait_for_selector("#patrol-map[data-ready='true']")
    expect(tr.locator("#patrol-map path.patrol-planned")).to_have_count(1)
    expect(tr.locator("#patrol-map path.patrol-track")).to_have_count(1)
    expect(tr.locator("#patrol-map path.patrol-checkpoint")).to_have_count(2)
    layers = tr.evaluate("Object.keys(window.trucelinePatrolMap.layers).sort()")
    assert layers == ["checkpoint-10", "checkpoint-20", "planned", "track"]
    timeline = tr.locator("#patrol-timeline")
    for step in ("Planned", "Notice acknowledged", "Set out", "Track points", "Ended"):
        expect(timeline).to_contain_text(step)
    expect(timeline).to_contain_text("Incident linked")
