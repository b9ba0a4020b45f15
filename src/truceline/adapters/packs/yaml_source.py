"""YAML with line numbers: parse once, remember where every value sits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from truceline.domain.errors import Problem

Path = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """A parsed YAML document and the 1-based line of every key path in it."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of the value at `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path, reason: str) -> Problem:
        """A problem located at `path`, named by its dotted path and line."""
        dotted = format_path(path)
        message = f"{dotted}: {reason}" if dotted else reason
        return Problem(self.file, f"line {self.line_of(path)}", message)


def format_path(path: Path) -> str:
    """('provisions', 2, 'zones') -> 'provisions[2].zones'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def parse_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse `text`; refuse syntax errors, duplicate keys and multiple documents."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f"line {mark.line + 1}" if mark else ""
        reason = f"not valid YAML: {err.problem or err.context}"
        return None, [Problem(file, line, reason)]
    except yaml.YAMLError as err:
        return None, [Problem(file, "", f"not valid YAML: {err}")]
    if node is None:
        return None, [Problem(file, "line 1", "the file is empty")]
    doc = YamlDocument(file=file, data=None)
    problems: list[Problem] = []
    _walk(node, (), doc, problems)
    if problems:
        return None, problems
    doc.data = yaml.safe_load(text)
    return doc, []


def _walk(node: yaml.Node, path: Path, doc: YamlDocument, problems: list[Problem]) -> None:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        doc.file,
                        f"line {line}",
                        f"{format_path((*path, key))}: duplicate key "
                        f"(first given on line {seen[key]})",
                    )
                )
            seen[key] = line
            _walk(value_node, (*path, key), doc, problems)
            doc.lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc, problems)
