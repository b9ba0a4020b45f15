"""The domain stays pure: it imports only itself, the standard library and shapely."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import truceline.domain

DOMAIN = Path(truceline.domain.__file__).parent
ALLOWED = {"truceline", "shapely"}


def imported_roots(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name, node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module, node.lineno))
    return found


def foreign_imports(path: Path) -> list[str]:
    bad = []
    for module, line in imported_roots(path):
        root = module.split(".")[0]
        if root in sys.stdlib_module_names or root in ALLOWED:
            if root == "truceline" and not module.startswith("truceline.domain"):
                bad.append(f"{path.name}:{line} imports {module}")
            continue
        bad.append(f"{path.name}:{line} imports {module}")
    return bad


def test_the_domain_imports_nothing_outside_itself_the_standard_library_and_shapely() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert len(files) >= 5
    bad = [problem for file in files for problem in foreign_imports(file)]
    assert bad == []


def test_the_import_check_catches_a_foreign_import(tmp_path: Path) -> None:
    module = tmp_path / "leaky.py"
    module.write_text(
        "import numpy\nfrom sqlalchemy import select\n"
        "from truceline.adapters import db\nimport json\n"
    )
    assert sorted(foreign_imports(module)) == [
        "leaky.py:1 imports numpy",
        "leaky.py:2 imports sqlalchemy",
        "leaky.py:3 imports truceline.adapters",
    ]
