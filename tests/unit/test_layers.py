"""The package layout is the architecture: no layer imports one above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SCAN = Path(__file__).resolve().parents[2] / "scan"

#: What each package may not import. Content and the domain are plain Python on plain data;
#: records serve the journey, the API and the staff workspace and know none of them.
#: Web, database and the layers that use them: never in content or the domain.
NOT_PURE = (
    "flask",
    "sqlalchemy",
    "scan.db",
    "scan.models",
    "scan.werkplaatsen",
    "scan.loading",
    "scan.records",
    "scan.journey",
    "scan.api",
    "scan.staff",
)
FORBIDDEN = {
    "content": (*NOT_PURE, "scan.domain"),
    "domain": NOT_PURE,
    "records": ("scan.journey", "scan.api", "scan.staff"),
    "journey": ("scan.api", "scan.staff"),
    "api": ("scan.staff",),
}


def imported_modules(path: Path) -> set[str]:
    """The absolute names of the modules a file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(SCAN.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_a_higher_one(layer):
    problems = []
    for path in sorted((SCAN / layer).rglob("*.py")):
        for name in sorted(imported_modules(path)):
            for forbidden in FORBIDDEN[layer]:
                if name == forbidden or name.startswith(forbidden + "."):
                    problems.append(f"{path.relative_to(SCAN.parent)} imports {name}")
    assert not problems, "\n".join(problems)


def test_scan_has_at_most_a_dozen_top_level_modules_and_none_over_400_lines():
    modules = sorted(p.name for p in SCAN.glob("*.py"))
    assert len(modules) <= 12, modules
    long = [
        f"{p.relative_to(SCAN.parent)}: {n}"
        for p in SCAN.rglob("*.py")
        if "migrations" not in p.parts
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert not long, long


def test_every_package_says_what_it_holds():
    for init in SCAN.rglob("__init__.py"):
        if "migrations" in init.parts:
            continue
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{init.relative_to(SCAN.parent)} has no docstring"
