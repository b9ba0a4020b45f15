"""The documentation keeps up with the code: commands, routes, settings and pack keys."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from types import ModuleType

import pytest
import typer
import typer.core
import typer.main
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.routing import Mount

from truceline.adapters.packs import read_pack
from truceline.adapters.packs.schema import (
    AgreementIn,
    AssessmentRuleIn,
    CorridorIn,
    DocumentIn,
    MechanismIn,
    PartyIn,
    ProvisionIn,
    RouteIn,
    SourceRefIn,
    ZoneIn,
)
from truceline.bootstrap import bootstrap
from truceline.domain.agreements import PartyRole, ProvisionCategory
from truceline.domain.zones import Side, ZoneKind
from truceline.entrypoints.api.app import create_app
from truceline.entrypoints.cli import cli
from truceline.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
GENERATOR = REPO / "scripts" / "gen_cli_docs.py"

# Routes FastAPI adds for its own documentation: described once, not route by route.
FRAMEWORK_PATHS = {"/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"}

# The section of docs/pack-format.md that documents each part of agreement.yaml.
PACK_SECTIONS: dict[str, type[BaseModel]] = {
    "Top level": AgreementIn,
    "`documents`": DocumentIn,
    "`parties`": PartyIn,
    "`provisions`": ProvisionIn,
    "`source`": SourceRefIn,
    "`assessed_by`": AssessmentRuleIn,
    "`routes`": RouteIn,
    "`zones`": ZoneIn,
    "`corridor`": CorridorIn,
    "`mechanism`": MechanismIn,
}


def read_doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def load_generator() -> ModuleType:
    """scripts/gen_cli_docs.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("gen_cli_docs", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def markdown_lines(text: str) -> Iterator[str]:
    """The lines of a Markdown text outside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def headings(text: str, level: int) -> set[str]:
    """The titles of the headings of one level."""
    marker = "#" * level + " "
    return {line[len(marker) :].strip() for line in markdown_lines(text) if line.startswith(marker)}


def section(text: str, title: str) -> str:
    """The text under the heading `title`, up to the next heading of any level."""
    lines: list[str] = []
    inside = False
    for line in markdown_lines(text):
        if re.match(r"#+ ", line):
            if inside:
                break
            inside = line.split(" ", 1)[1].strip() == title
            continue
        if inside:
            lines.append(line)
    assert inside or lines, f"no heading {title!r}"
    return "\n".join(lines)


def table_keys(text: str) -> set[str]:
    """The keys in the first column of the Markdown tables of a text: | `key` | ..."""
    return set(re.findall(r"^\| `([A-Za-z0-9_.]+)` \|", text, flags=re.MULTILINE))


def cli_command_names(app: typer.Typer) -> set[str]:
    """The full name of every command and group of the Typer app, walking the click tree."""
    root = typer.main.get_command(app)
    names: set[str] = set()

    def walk(context: typer.Context) -> None:
        names.add(context.command_path)
        command = context.command
        if isinstance(command, typer.core.TyperGroup):
            for name in command.list_commands(context):
                child = command.get_command(context, name)
                assert child is not None
                walk(typer.Context(child, parent=context, info_name=name))

    walk(typer.Context(root, info_name="truceline"))
    return names


def api_routes(tmp_path: Path) -> set[str]:
    """`METHOD path` of every route of the HTTP application, its pages included."""
    app = bootstrap(Settings(database_url=f"sqlite:///{tmp_path}/d.db"))
    try:
        api = create_app(app)
        found: set[str] = set()
        # FastAPI includes routers lazily; iter_route_contexts flattens them.
        for route in iter_route_contexts(api.routes):
            if isinstance(route.route, Mount) or route.path in FRAMEWORK_PATHS:
                continue
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    found.add(f"{method} {route.path}")
        return found
    finally:
        app.close()


def test_docs_cli_md_is_what_the_generator_writes_today() -> None:
    generator = load_generator()
    expected = generator.render()
    assert read_doc("cli.md") == expected, "docs/cli.md is stale: run scripts/gen_cli_docs.py"


def test_every_cli_command_and_subcommand_has_a_heading_in_docs_cli_md() -> None:
    commands = cli_command_names(cli)
    assert {"truceline", "truceline init", "truceline pack validate"} <= commands
    assert headings(read_doc("cli.md"), 2) == commands


def test_every_route_of_the_http_app_is_in_docs_api_md(tmp_path: Path) -> None:
    routes = api_routes(tmp_path)
    assert "GET /api/agreements" in routes
    doc = read_doc("api.md")
    missing = sorted(route for route in routes if f"`{route}`" not in doc)
    assert missing == []


def test_every_route_docs_api_md_names_exists_in_the_http_app(tmp_path: Path) -> None:
    routes = api_routes(tmp_path)
    named = set(re.findall(r"`((?:GET|POST|PUT|PATCH|DELETE) /[^`\s?]*)", read_doc("api.md")))
    assert named
    framework = {f"GET {path}" for path in FRAMEWORK_PATHS}
    assert sorted(named - routes - framework) == []


def test_every_setting_and_its_environment_variable_are_in_docs_configuration_md() -> None:
    doc = read_doc("configuration.md")
    documented = table_keys(section(doc, "Settings"))
    fields = set(Settings.model_fields)
    assert "database_url" in fields
    assert documented == fields
    missing_env = sorted(
        f"TRUCELINE_{name.upper()}" for name in fields if f"TRUCELINE_{name.upper()}" not in doc
    )
    assert missing_env == []


@pytest.mark.parametrize(("title", "model"), list(PACK_SECTIONS.items()))
def test_every_key_of_the_pack_schema_is_in_its_section_of_docs_pack_format_md(
    title: str, model: type[BaseModel]
) -> None:
    documented = table_keys(section(read_doc("pack-format.md"), title))
    assert documented == set(model.model_fields)


@pytest.mark.parametrize("enum", [PartyRole, ProvisionCategory, ZoneKind, Side])
def test_every_value_the_pack_schema_accepts_is_named_in_docs_pack_format_md(
    enum: type[StrEnum],
) -> None:
    doc = read_doc("pack-format.md")
    missing = sorted(value for value in enum if f"`{value}`" not in doc)
    assert missing == []


def test_the_worked_example_in_docs_pack_format_md_is_a_valid_pack(tmp_path: Path) -> None:
    files = re.findall(
        r"^File `([a-z.]+)`:\n\n```[a-z]*\n(.*?)^```$",
        read_doc("pack-format.md"),
        flags=re.MULTILINE | re.DOTALL,
    )
    names = [name for name, _ in files]
    assert sorted(names) == ["agreement.yaml", "places.csv", "routes.geojson", "zones.geojson"]
    for name, content in files:
        (tmp_path / name).write_text(content, encoding="utf-8")
    agreement = read_pack(tmp_path)
    assert agreement.crs == "EPSG:32634"
    assert [z.id for z in agreement.zones] == ["band-north", "band-south", "depot"]


def test_the_section_reader_and_table_reader_find_what_a_doc_declares() -> None:
    text = (
        "# T\n\n## A\n\n| key |\n|---|\n| `a` | x |\n| `b` | y |\n\n"
        "```yaml\n# not a heading\n```\n## B\n| `c` | z |\n"
    )
    assert table_keys(section(text, "A")) == {"a", "b"}
    assert table_keys(section(text, "B")) == {"c"}
    assert headings(text, 2) == {"A", "B"}
