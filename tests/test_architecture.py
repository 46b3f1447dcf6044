"""The house's rules (docs/architecture.md), read from the code's own imports: no circle, no
import from a lower layer to a higher one, and no staff area importing another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "lms"

# Lowest first. A module belongs to the most specific entry that names it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("lms.config", "lms.clock", "lms.collation", "lms.codes", "lms.db",
                    "lms.extensions", "lms.forms", "lms.migrate", "lms.resources",
                    "lms.backup_engines")),
    ("domain", ("lms.content", "lms.accounts", "lms.terminals", "lms.audit", "lms.learn",
                "lms.speech", "lms.network")),
    ("web", ("lms.security", "lms.web", "lms.i18n", "lms.ratelimits")),
    ("staff", ("lms.staff",)),
    ("areas", ("lms.auth", "lms.author", "lms.review", "lms.plans", "lms.reports", "lms.admin",
               "lms.certificates", "lms.health",
               # the pages of the domain packages: their blueprints and views
               "lms.content:__init__", "lms.content.views", "lms.learn:__init__",
               "lms.learn.views", "lms.learn.exercise_view", "lms.network:__init__",
               "lms.network.views", "lms.speech.sounds")),
    ("app", ("lms:__init__", "lms.cli", "lms.demo", "lms.serve", "lms.backup", "lms.models",
             "lms.content.cli", "lms.network.cli", "lms.speech.__main__")),
]
STAFF_AREAS = ("lms.author", "lms.review", "lms.plans", "lms.reports", "lms.admin",
               "lms.certificates")


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            found[".".join(parts[:-1]) + ":__init__"] = path
        else:
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _name(module: str) -> str:
    return module.removesuffix(":__init__")


def _resolve(target: str) -> str | None:
    """The module (or package init) an import names, if it is one of ours."""
    if target in MODULES:
        return target
    if target + ":__init__" in MODULES:
        return target + ":__init__"
    return None


def imports(module: str) -> set[str]:
    """What ``module`` imports of ours, at any depth of the file (inside functions too)."""
    path = MODULES[module]
    package = _name(module) if module.endswith(":__init__") else _name(module).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (hit := _resolve(alias.name)) is not None:
                    found.add(hit)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                if (hit := _resolve(f"{source}.{alias.name}")) is not None:
                    found.add(hit)  # a module imported from its package
                elif (hit := _resolve(source)) is not None:
                    found.add(hit)
    found.discard(module)
    if module.endswith(":__init__"):
        # A package imports its own views so their routes attach to its blueprint: that is the
        # package's face, not a dependency (the views import the blueprint back).
        found = {t for t in found if not _name(t).startswith(_name(module) + ".")}
    return found


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for number, (_layer, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            exact = prefix == module
            covers = not prefix.endswith(":__init__") and (
                _name(module) == prefix or _name(module).startswith(prefix + "."))
            if exact or covers:
                length = len(prefix) + (1000 if exact else 0)
                if length > rank:
                    best, rank = number, length
    assert best >= 0, f"{module} is in no layer: add it to LAYERS and docs/architecture.md"
    return best


GRAPH = {module: imports(module) for module in MODULES}


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_no_import_runs_up_a_layer():
    wrong = [f"{m} ({LAYERS[layer_of(m)][0]}) imports {t} ({LAYERS[layer_of(t)][0]})"
             for m, targets in GRAPH.items() for t in targets if layer_of(t) > layer_of(m)]
    assert wrong == []


def test_no_circle():
    state: dict[str, int] = {}
    circles = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                circles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert circles == []


def _area(module: str) -> str | None:
    return next((a for a in STAFF_AREAS if _name(module) == a or _name(module).startswith(a + ".")),
                None)


def test_no_staff_area_imports_another():
    wrong = [f"{m} imports {t}" for m, targets in GRAPH.items() for t in targets
             if _area(m) and _area(t) and _area(m) != _area(t)]
    assert wrong == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_400_lines(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{module}: {lines} lines"
