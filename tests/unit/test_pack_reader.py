"""The pack loader: the example reads, and every kind of bad pack is refused with its place."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.geometries import BOW_TIE
from tests.packs import add_zone_feature, copy_example, edit_text, line_of
from truceline.adapters.packs import read_pack
from truceline.domain.agreements import BreachRule, Mechanism
from truceline.domain.errors import PackError, Problem
from truceline.domain.event_types import Family, MonitoringKind
from truceline.domain.zones import Side, ZoneKind


def problems_of(pack: Path) -> list[Problem]:
    with pytest.raises(PackError) as caught:
        read_pack(pack)
    return caught.value.problems


def test_the_example_pack_reads_into_an_agreement(example_pack: Path) -> None:
    agreement = read_pack(example_pack)
    assert agreement.id == "idlib-m4"
    assert agreement.crs == "EPSG:32637"
    assert {z.id for z in agreement.zones} == {"corridor-north", "corridor-south"}


def test_an_explicit_polygon_zone_is_read_from_zones_geojson(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    square = [[36.5, 35.5], [36.6, 35.5], [36.6, 35.6], [36.5, 35.6], [36.5, 35.5]]
    add_zone_feature(
        pack,
        {
            "type": "Feature",
            "id": "site-1",
            "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [square]},
        },
        "  - {id: storage-1, name: Storage site 1, kind: storage_site, "
        "responsible: tr, feature: site-1}",
    )
    zone = read_pack(pack).zone("storage-1")
    assert zone.kind is ZoneKind.STORAGE_SITE
    assert zone.derivation is None
    assert zone.geometry.bounds == pytest.approx((36.5, 35.5, 36.6, 35.6))


def test_bad_yaml_is_refused_with_the_file_and_line(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    line = line_of(pack, "agreement.yaml", "title: Idlib")
    edit_text(pack, "agreement.yaml", "title: Idlib", "title: [Idlib")
    [problem] = problems_of(pack)
    assert problem.file.endswith("agreement.yaml")
    assert problem.reason.startswith("not valid YAML")
    assert int(problem.location.removeprefix("line ")) >= line


def test_a_provision_naming_an_unknown_party_is_refused_with_its_line(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "obligated: [opposition, tr]", "obligated: [opposition, xx]")
    line = line_of(pack, "agreement.yaml", "obligated: [opposition, xx]")
    [problem] = problems_of(pack)
    assert problem.file.endswith("agreement.yaml")
    assert problem.location == f"line {line}"
    assert "provisions[2].obligated[1]" in problem.reason
    assert "unknown party 'xx'" in problem.reason


def test_an_invalid_polygon_is_refused_naming_the_feature(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    add_zone_feature(
        pack,
        {
            "type": "Feature",
            "id": "bow-tie",
            "properties": {},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[list(c) for c in BOW_TIE.exterior.coords]],
            },
        },
        "  - {id: bad, name: Bad, kind: other, feature: bow-tie}",
    )
    problems = problems_of(pack)
    assert any(
        p.file.endswith("zones.geojson")
        and p.location == "feature 0 (id bow-tie)"
        and "Self-intersection" in p.reason
        for p in problems
    ), problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "responsible: tr", "responsible: turkey")
    edit_text(
        pack, "agreement.yaml", "zones: [corridor-north, corridor-south]", "zones: [corridor-west]"
    )
    edit_text(
        pack, "agreement.yaml", "source: {document: sochi-2018", "source: {document: sochi-2019"
    )
    reasons = " | ".join(p.reason for p in problems_of(pack))
    assert "unknown party 'turkey'" in reasons
    assert "unknown zone 'corridor-west'" in reasons
    assert "unknown document 'sochi-2019'" in reasons


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("crs: auto", "crs: auto\ncolour: red", "colour: Extra inputs are not permitted"),
        ("category: ceasefire", "category: truce", "category: Input should be"),
        (
            "width_km: 6, side: north}",
            "width_km: -6, side: north}",
            "width_km: Input should be greater than 0",
        ),
        ("side: north}", "side: up}", "side: Input should be"),
        ("timezone: Asia/Damascus", "timezone: Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("crs: auto", "crs: EPSG:4326", "not a usable metric CRS"),
        ("format: truceline-pack/1", "format: truceline-pack/9", "expected 'truceline-pack/1'"),
        ("deadline: 2018-10-15", "deadline: 2018-01-15", "deadline is before the effective date"),
        (
            "effective: 2020-03-06T00:01:00+02:00\n    zones",
            "effective: 2020-03-06T00:01:00\n    zones",
            "needs a UTC offset",
        ),
        ("  - id: corridor-south", "  - id: corridor-north", "duplicate id 'corridor-north'"),
        ("feature: m4", "feature: m5", "no LineString with id 'm5'"),
        (
            "corridor: {route: m4, width_km: 6, side: south}",
            "corridor: {route: m9, width_km: 6, side: south}",
            "unknown route 'm9'",
        ),
        ("title: Idlib", "title: Idlib\ntitle: Again", "duplicate key"),
    ],
)
def test_a_malformed_agreement_yaml_is_refused_with_the_reason(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", old, new)
    problems = problems_of(pack)
    assert any(expected in p.reason for p in problems), problems
    assert all(
        p.location.startswith("line ") for p in problems if p.file.endswith("agreement.yaml")
    )


def test_a_zone_with_both_a_corridor_and_a_feature_is_refused(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "side: north}", "side: north}\n    feature: m4")
    assert any("exactly one of 'corridor'" in p.reason for p in problems_of(pack))


def test_a_route_without_vertex_provenance_is_refused(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "routes.geojson", '"vertices": [', '"vertices_": [')
    problems = problems_of(pack)
    assert any(
        p.file.endswith("routes.geojson") and "provenance of each" in p.reason for p in problems
    )


def test_a_position_outside_wgs84_is_refused_naming_the_feature(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "routes.geojson", "36.80056", "136.80056")
    edit_text(pack, "routes.geojson", "35.86361", "135.86361")
    problems = problems_of(pack)
    assert any(p.location == "feature 0 (id m4)" and "WGS 84" in p.reason for p in problems), (
        problems
    )


def test_a_bad_gazetteer_row_is_refused_with_its_line(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    lines = (pack / "places.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[0], "Bad Id", 1)
    lines.append("extra-place,Nowhere,,95.0,36.0,Idlib,,test,")
    (pack / "places.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = [p for p in problems_of(pack) if p.file.endswith("places.csv")]
    assert [p.location for p in problems] == ["line 4", f"line {len(lines)}"]
    assert "id:" in problems[0].reason
    assert "lat: 95.0 is outside" in problems[1].reason


def test_a_gazetteer_with_a_missing_column_is_refused(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "places.csv", "provenance", "notes")
    [problem] = problems_of(pack)
    assert problem.location == "line 1"
    assert "missing column(s) provenance" in problem.reason


def test_a_directory_without_agreement_yaml_is_refused(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path)
    assert problem.file.endswith("agreement.yaml")
    assert "missing" in problem.reason


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    (pack / "routes.geojson").write_bytes(b'{"type": "\xff"}')
    assert any(p.reason == "not UTF-8 text" for p in problems_of(pack))


def test_a_corridor_side_may_be_given_relative_to_the_route(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "side: north}", "side: right}")
    agreement = read_pack(pack)
    # The M4 is drawn from Saraqib westward, so its right-hand side is the north.
    north = agreement.zone("corridor-north")
    assert north.derivation is not None
    assert north.derivation.side is Side.RIGHT
    assert north.geometry.centroid.y > agreement.zone("corridor-south").geometry.centroid.y


def test_a_quoted_date_is_read_as_a_date_not_as_midnight_without_an_offset(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "deadline: 2018-10-15", 'deadline: "2018-10-15"')
    provision = next(p for p in read_pack(pack).provisions if p.id == "sochi-5-radical-groups-out")
    assert provision.deadline is not None
    # The end of 15 October 2018 in Damascus (UTC+3 then), in UTC.
    assert provision.deadline.isoformat() == "2018-10-15T20:59:59+00:00"


def test_a_crs_measured_in_feet_is_refused(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "crs: auto", "crs: EPSG:2227")
    assert any("not metres" in p.reason for p in problems_of(pack))


def test_a_route_problem_names_the_route_file_with_its_folder(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "routes.geojson", '"vertices": [', '"vertices_": [')
    [problem] = problems_of(pack)
    assert problem.file == str(pack / "routes.geojson")


def test_the_example_packs_breach_rules_are_read(example_pack: Path) -> None:
    rules = {p.id: p.breached_by for p in read_pack(example_pack).provisions if p.breached_by}
    assert rules == {
        "moscow-1-ceasefire": (BreachRule(families=(Family.VIOLENT,)),),
        "moscow-2-security-corridor": (
            BreachRule(monitoring=(MonitoringKind.HEAVY_WEAPON_SIGHTING,)),
        ),
        "moscow-3-joint-patrols": (BreachRule(monitoring=(MonitoringKind.PATROL_ATTACK,)),),
    }


# The first provision, sochi-1-de-escalation-area, has neither zones nor a deadline.
FIRST_SOURCE = 'source: {document: sochi-2018, section: "point 1-2"}'


def add_rules(pack: Path, *rules: str) -> None:
    """Give the first provision a `breached_by` list of these (YAML flow mapping) rules."""
    listed = "".join(f"\n      - {rule}" for rule in rules)
    edit_text(pack, "agreement.yaml", FIRST_SOURCE, f"{FIRST_SOURCE}\n    breached_by:{listed}")


def test_a_rule_with_every_key_is_read_into_the_provision(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    add_rules(
        pack,
        "{families: [violent], event_types: [Battles], sub_event_types: [Armed clash], "
        "monitoring: [ceasefire_violation], zones: [corridor-south]}",
        "{monitoring: [access_restriction], zones: []}",
    )
    first = read_pack(pack).provisions[0]
    assert first.breached_by == (
        BreachRule(
            families=(Family.VIOLENT,),
            event_types=("Battles",),
            sub_event_types=("Armed clash",),
            monitoring=(MonitoringKind.CEASEFIRE_VIOLATION,),
            zones=("corridor-south",),
        ),
        BreachRule(monitoring=(MonitoringKind.ACCESS_RESTRICTION,), zones=()),
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("{families: [violence]}", "breached_by[0].families[0]: Input should be 'violent'"),
        (
            "{event_types: [Battle]}",
            "breached_by[0].event_types[0]: unknown ACLED event type 'Battle'",
        ),
        (
            "{sub_event_types: [Armed clash, Skirmish]}",
            "breached_by[0].sub_event_types[1]: unknown ACLED sub-event type 'Skirmish'",
        ),
        (
            "{event_types: [Battles, Protests], sub_event_types: [Air/drone strike]}",
            "breached_by[0].sub_event_types[0]: 'Air/drone strike' belongs to "
            "'Explosions/Remote violence', none of the rule's event_types",
        ),
        (
            "{monitoring: [shelling]}",
            "breached_by[0].monitoring[0]: Input should be 'ceasefire_violation'",
        ),
        (
            "{families: [violent], zones: [corridor-west]}",
            "breached_by[0].zones[0]: unknown zone 'corridor-west' "
            "(known: corridor-north, corridor-south)",
        ),
        ("{zones: [corridor-north]}", "breached_by[0]: a rule gives at least one of families"),
        (
            "{families: [violent], after: deadline}",
            "breached_by[0].after: the provision has no deadline to count from",
        ),
        ("{families: [violent], after: signing}", "breached_by[0].after: Input should be"),
        ("{familes: [violent]}", "breached_by[0].familes: Extra inputs are not permitted"),
        (
            "{families: [strategic], monitoring: [patrol_attack]}",
            "breached_by[0]: no incident can meet all of this rule's criteria at once",
        ),
    ],
)
def test_a_bad_breach_rule_is_refused_with_its_line_and_path(
    tmp_path: Path, rule: str, expected: str
) -> None:
    pack = copy_example(tmp_path)
    add_rules(pack, rule)
    line = line_of(pack, "agreement.yaml", rule)
    [problem] = problems_of(pack)
    assert problem.file.endswith("agreement.yaml")
    assert problem.location == f"line {line}"
    assert problem.reason.startswith("provisions[0]."), problem
    assert expected in problem.reason, problem


def test_every_breach_rule_problem_is_reported_at_once(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    add_rules(
        pack,
        "{event_types: [Battle]}",
        "{families: [violent], zones: [nowhere]}",
        "{families: [violent], after: deadline}",
        "{event_types: [Riots], sub_event_types: [Grenade]}",
    )
    edit_text(pack, "agreement.yaml", "obligated: [opposition, tr]", "obligated: [opposition, xx]")
    reasons = [p.reason for p in problems_of(pack)]
    assert [r.split(":")[0] for r in reasons] == [
        "provisions[0].breached_by[0].event_types[0]",
        "provisions[0].breached_by[1].zones[0]",
        "provisions[0].breached_by[2].after",
        "provisions[0].breached_by[3].sub_event_types[0]",
        "provisions[2].obligated[1]",
    ]


def test_a_deadline_rule_is_accepted_on_a_provision_with_a_deadline(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(
        pack,
        "agreement.yaml",
        'section: "point 6"}',
        'section: "point 6"}\n    breached_by:\n      - {monitoring: [heavy_weapon_sighting], '
        "zones: [], after: deadline}",
    )
    provision = next(p for p in read_pack(pack).provisions if p.id == "sochi-6-heavy-weapons-out")
    assert provision.breached_by == (
        BreachRule(monitoring=(MonitoringKind.HEAVY_WEAPON_SIGHTING,), zones=(), after="deadline"),
    )


def test_the_example_packs_mechanism_names_the_patrol_route_and_its_rules(
    example_pack: Path,
) -> None:
    mechanism = read_pack(example_pack).mechanism
    assert mechanism == Mechanism(
        patrol_route="patrol-trumba-ain-al-havr",
        patrol_start_unacknowledged=False,
        hotline_escalation=timedelta(minutes=30),
    )


def test_a_pack_without_mechanism_gets_the_defaults(tmp_path: Path) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", "  patrol_route: patrol-trumba-ain-al-havr\n", "")
    edit_text(pack, "agreement.yaml", "  patrol_start_unacknowledged: false\n", "")
    edit_text(pack, "agreement.yaml", "mechanism:\n  hotline_escalation_minutes: 30\n", "")
    assert read_pack(pack).mechanism == Mechanism()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "patrol_route: patrol-trumba-ain-al-havr",
            "patrol_route: nowhere",
            "mechanism.patrol_route: unknown route 'nowhere'",
        ),
        (
            "hotline_escalation_minutes: 30",
            "hotline_escalation_minutes: 0",
            "mechanism.hotline_escalation_minutes",
        ),
        (
            "patrol_start_unacknowledged: false",
            "patrol_start_unacknowledged: sometimes",
            "mechanism.patrol_start_unacknowledged",
        ),
    ],
)
def test_a_bad_mechanism_key_is_refused_with_its_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    pack = copy_example(tmp_path)
    edit_text(pack, "agreement.yaml", old, new)
    line = line_of(pack, "agreement.yaml", new)
    [problem] = problems_of(pack)
    assert problem.location == f"line {line}"
    assert problem.reason.startswith(expected), problem
