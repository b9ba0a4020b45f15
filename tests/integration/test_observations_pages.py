"""The restriction and observation pages through the ASGI app on a real SQLite database.

Officers of both guarantors, the monitor and an analyst log in with the browser's forms;
every record here is made through the pages' forms, as a person would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.integration.test_restrictions_service import ARIHA, NORTH_HALF, NORTH_OF_ARIHA
from tests.integration.test_web_pages import text_of
from tests.web_support import Site, open_site
from truceline.domain.accounts import MONITOR_PARTY, Role

ACCOUNTS: dict[str, tuple[str, str | None, Role]] = {
    "tr-zone": ("Tarik Zone", "tr", Role.ZONE_OFFICER),
    "ru-zone": ("Roman Zone", "ru", Role.ZONE_OFFICER),
    "monitor": ("Mona Monitor", MONITOR_PARTY, Role.MONITOR),
    "analyst": ("Ali Analyst", MONITOR_PARTY, Role.ANALYST),
}
RESTRICTION_URL = re.compile(r"^/field/restrictions/(res_[0-9a-f]{16})$")
OBSERVATION_URL = re.compile(r"^/field/observations/(obs_[0-9a-f]{16})$")


class FieldSite(Site):
    """The site, with the restriction and observation forms filled in as a person would."""

    def restrict(self, username: str = "tr-zone", **fields: str) -> str:
        response = self.post(username, "/field/restrictions/new", restriction_fields(**fields))
        assert response.status_code == 303, text_of(response.text, "field-error")
        found = RESTRICTION_URL.match(response.headers["location"])
        assert found, response.headers["location"]
        return found.group(1)

    def observe(self, username: str = "tr-zone", **fields: str) -> str:
        response = self.post(username, "/field/observations/new", observation_fields(**fields))
        assert response.status_code == 303, text_of(response.text, "field-error")
        found = OBSERVATION_URL.match(response.headers["location"])
        assert found, response.headers["location"]
        return found.group(1)


def restriction_fields(**overrides: str) -> dict[str, str]:
    """The restriction form as a zone officer fills it in: a patrol delayed at km 12."""
    fields = {
        "lon": "",
        "lat": "",
        "km": "12",
        "route": "patrol-trumba-ain-al-havr",
        "place": "",
        "affected": "patrol",
        "patrol_id": "",
        "kind": "delayed",
        "at": "2020-03-20T10:00",
        "duration_minutes": "40",
        "imposed_by": "opposition",
        "reason_given": "the road is ours",
        "consequence": "delayed 40 min, then let through",
        "note": "",
    }
    return fields | overrides


def observation_fields(**overrides: str) -> dict[str, str]:
    """The observation form for two tanks near Ariha."""
    fields = {
        "subkind": "heavy_weapons",
        "lon": str(ARIHA[0]),
        "lat": str(ARIHA[1]),
        "km": "",
        "route": "patrol-trumba-ain-al-havr",
        "place": "",
        "weapon_type": "tank",
        "count": "2",
        "description": "",
        "observed_at": "2020-03-20T11:30",
        "grade": "B2",
        "note": "Two tanks dug in by the road",
    }
    return fields | overrides


@pytest.fixture
def site(tmp_path: Path) -> Iterator[FieldSite]:
    with open_site(tmp_path, FieldSite, ACCOUNTS) as built:
        yield built


def record_ids(html: str, table_id: str) -> list[str]:
    table = html.split(f'id="{table_id}"', 1)
    return (
        re.findall(r'data-record="((?:res|obs)_[0-9a-f]+)"', table[1].split("</table>")[0])
        if len(table) == 2
        else []
    )


# --- restrictions ----------------------------------------------------------------------------


def test_a_zone_officer_records_a_restriction_through_the_form_and_lands_on_its_page(
    site: FieldSite,
) -> None:
    before = site.log_size()
    restriction_id = site.restrict()
    assert site.log_size() == before + 1
    page = site.page("ru-zone", f"/field/restrictions/{restriction_id}")
    assert page.status_code == 200
    facts = text_of(page.text, "restriction-facts")
    assert "a joint patrol" in facts
    assert "delayed" in facts
    assert "2020-03-20 10:00 (UTC+02:00)" in facts
    assert "40 minutes" in facts
    assert "the road is ours" in facts
    assert "Turkey" in facts
    where = text_of(page.text, "restriction-place")
    assert "km 12.0 on patrol-trumba-ain-al-havr" in where
    assert "Security corridor inside" in where
    listing = site.page("analyst", "/field")
    assert listing.status_code == 200
    assert record_ids(listing.text, "restrictions-table") == [restriction_id]
    counts = text_of(listing.text, "restriction-counts")
    assert "2020-W12" in counts
    assert "delayed 1 1 0 40" in counts


def test_a_point_places_the_restriction_in_its_zone(site: FieldSite) -> None:
    restriction_id = site.restrict(
        "monitor",
        km="",
        lon=str(NORTH_HALF[0]),
        lat=str(NORTH_HALF[1]),
        affected="monitor",
        kind="denied",
        duration_minutes="",
    )
    page = site.page("monitor", f"/field/restrictions/{restriction_id}")
    where = text_of(page.text, "restriction-place")
    assert "Security corridor, north half" in where
    assert "Responsible party Turkey" in where
    assert "the monitor" in text_of(page.text, "restriction-facts")


@pytest.mark.parametrize(
    ("fields", "marked"),
    [
        ({"km": "99"}, "km"),
        ({"km": "12", "lon": "36.6", "lat": "35.8"}, "km"),
        ({"km": "", "lon": "36.6"}, "lat"),
        ({"at": "2999-05-01T10:00"}, "at"),
        ({"at": "soon"}, "at"),
        ({"duration_minutes": ""}, "duration_minutes"),
        ({"imposed_by": ""}, "imposed_by"),
        ({"patrol_id": "pat_none"}, "patrol_id"),
    ],
)
def test_a_refused_restriction_shows_the_form_again_with_the_reason_and_writes_nothing(
    site: FieldSite, fields: dict[str, str], marked: str
) -> None:
    before = site.log_size()
    response = site.post("tr-zone", "/field/restrictions/new", restriction_fields(**fields))
    assert response.status_code == 400
    assert "Nothing was saved" in text_of(response.text, "field-error")
    assert f'id="error-{marked}"' in response.text
    assert site.log_size() == before


def test_an_analyst_sees_the_lists_but_not_the_forms(site: FieldSite) -> None:
    listing = site.page("analyst", "/field")
    assert listing.status_code == 200
    assert 'id="new-restriction"' not in listing.text
    assert 'id="new-observation"' not in listing.text
    assert site.page("analyst", "/field/restrictions/new").status_code == 403
    assert site.page("analyst", "/field/observations/new").status_code == 403
    before = site.log_size()
    response = site.post("analyst", "/field/restrictions/new", restriction_fields())
    assert response.status_code == 403
    response = site.post("analyst", "/field/observations/new", observation_fields())
    assert response.status_code == 403
    assert site.log_size() == before
    officer = site.page("tr-zone", "/field")
    assert 'id="new-restriction"' in officer.text
    assert 'id="new-observation"' in officer.text


def test_forms_need_a_session_and_its_csrf_token(site: FieldSite) -> None:
    anonymous = TestClient(site.api)
    response = anonymous.get("/field", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    client = site.as_user("tr-zone")
    before = site.log_size()
    response = client.post(
        "/field/restrictions/new", data=restriction_fields(), follow_redirects=False
    )
    assert response.status_code == 403
    assert site.log_size() == before


def test_unknown_records_and_bad_filters(site: FieldSite) -> None:
    assert site.page("tr-zone", "/field/restrictions/res_none").status_code == 404
    assert site.page("tr-zone", "/field/observations/obs_none").status_code == 404
    bad = site.page("tr-zone", "/field?day_from=someday")
    assert bad.status_code == 400
    assert "day_from" in text_of(bad.text, "field-error")


# --- observations ----------------------------------------------------------------------------


def test_heavy_weapons_near_ariha_are_recorded_inside_the_corridor(site: FieldSite) -> None:
    before = site.log_size()
    observation_id = site.observe()
    assert site.log_size() == before + 1
    page = site.page("ru-zone", f"/field/observations/{observation_id}")
    assert page.status_code == 200
    facts = text_of(page.text, "observation-facts")
    assert "Weapon type tank" in facts
    assert "How many 2" in facts
    assert "Source grade B2" in facts
    assert text_of(page.text, "corridor") == "inside"
    assert "Security corridor, south half" in text_of(page.text, "observation-place")


def test_each_subkind_has_its_own_form_without_javascript(site: FieldSite) -> None:
    for subkind, fieldname in [
        ("heavy_weapons", "weapon_type"),
        ("armed_group", "estimated_size"),
        ("road_status", "from_km"),
        ("storage_site", "declared_tank"),
    ]:
        page = site.page("tr-zone", f"/field/observations/new?subkind={subkind}")
        assert page.status_code == 200
        assert f'name="{fieldname}"' in page.text
        assert f'name="subkind" value="{subkind}"' in page.text


def test_the_other_subkinds_through_the_form(site: FieldSite) -> None:
    far = site.observe(
        "ru-zone", lon=str(NORTH_OF_ARIHA[0]), lat=str(NORTH_OF_ARIHA[1]), weapon_type="mrls"
    )
    assert text_of(site.page("ru-zone", f"/field/observations/{far}").text, "corridor") == (
        "outside"
    )
    group = site.observe(
        "monitor",
        subkind="armed_group",
        lon="",
        lat="",
        km="30",
        group="opposition",
        estimated_size="25",
        activity="manning a checkpoint",
    )
    facts = text_of(site.page("monitor", f"/field/observations/{group}").text, "observation-facts")
    assert "Group opposition" in facts
    assert "Roughly how many 25" in facts
    road = site.observe(
        "ru-zone",
        subkind="road_status",
        lon="",
        lat="",
        road_route="m4",
        from_km="0",
        to_km="20",
        status="closed",
        since="2020-03-20T06:00",
    )
    facts = text_of(site.page("ru-zone", f"/field/observations/{road}").text, "observation-facts")
    assert "m4, km 0.0 to km 20.0" in facts
    assert "closed" in facts
    depot = site.observe(
        "tr-zone",
        subkind="storage_site",
        site="Ariha depot",
        declared_tank="4",
        declared_artillery="2",
        observed_tank="6",
        observed_artillery="2",
    )
    page = site.page("tr-zone", f"/field/observations/{depot}")
    assert text_of(page.text, "discrepancies") == "tank +2"
    listing = site.page("analyst", "/field?period=month")
    assert set(record_ids(listing.text, "observations-table")) == {far, group, road, depot}
    assert "tank +2" in text_of(listing.text, "storage-sites")
    counts = text_of(listing.text, "observation-counts")
    assert "2020-03" in counts
    assert "heavy weapons" in counts
    assert "from 1 road-status report" in text_of(listing.text, "road-status")
    assert 'id="field-points"' in listing.text or 'data-ready="missing"' in listing.text


@pytest.mark.parametrize(
    ("fields", "marked"),
    [
        ({"count": "0"}, "count"),
        ({"weapon_type": "rifle"}, "weapon_type"),
        ({"lon": "", "lat": ""}, "lon"),
        (
            {
                "subkind": "road_status",
                "lon": "",
                "lat": "",
                "from_km": "5",
                "to_km": "2",
                "status": "open",
            },
            "to_km",
        ),
        ({"subkind": "storage_site", "site": "x", "declared_tank": "many"}, "declared_tank"),
        (
            {"subkind": "storage_site", "site": "x", "lon": "", "lat": "", "observed_tank": "1"},
            "lon",
        ),
        ({"subkind": "storage_site", "site": "x"}, "observed_tank"),
        ({"observed_at": ""}, "observed_at"),
    ],
)
def test_a_refused_observation_shows_the_form_again_with_the_reason_and_writes_nothing(
    site: FieldSite, fields: dict[str, str], marked: str
) -> None:
    before = site.log_size()
    response = site.post("tr-zone", "/field/observations/new", observation_fields(**fields))
    assert response.status_code == 400
    assert f'id="error-{marked}"' in response.text
    assert site.log_size() == before


def test_the_list_filters_by_zone(site: FieldSite) -> None:
    south = site.restrict(km="", lon=str(ARIHA[0]), lat=str(ARIHA[1]))
    north = site.restrict(km="", lon=str(NORTH_HALF[0]), lat=str(NORTH_HALF[1]))
    page = site.page("tr-zone", "/field?zone=corridor-north&period=day")
    assert record_ids(page.text, "restrictions-table") == [north]
    page = site.page("tr-zone", "/field")
    assert set(record_ids(page.text, "restrictions-table")) == {north, south}
