"""No circles between the modules of a layer: a circle means a function lives in the wrong
module (style.md 4a). Imports inside functions count too — they are how a circle hides."""

from __future__ import annotations

import ast
from pathlib import Path

import crmdesk

PACKAGE = Path(crmdesk.__file__).parent


def _graph(layer: str) -> dict[str, set[str]]:
    """Module → the modules of the same layer it imports (anywhere in its code)."""
    prefix = f"crmdesk.{layer}"
    modules = {
        ".".join(f.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): f
        for f in (PACKAGE / layer).rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, file in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found |= {t for t in targets if t in modules and t != prefix and t != name}
        graph[name] = found
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_services_import_each_other_without_a_circle() -> None:
    graph = _graph("services")
    assert "crmdesk.services.backups" in graph["crmdesk.services.sync"]  # it sees imports
    assert "crmdesk.services.retention" in graph["crmdesk.services.nps"]  # (inside functions)
    assert _cycles(graph) == []


def test_the_gui_modules_import_each_other_without_a_circle() -> None:
    """The window's controllers know it only as `OnScreen` (gui.controller): none imports
    the window, not even for type checking."""
    graph = _graph("gui")
    assert "crmdesk.gui.carrying" in graph["crmdesk.gui.main_window"]
    assert "crmdesk.gui.client_page" in graph["crmdesk.gui.main_window"]  # (inside a method)
    assert "crmdesk.gui.dialogs" in graph["crmdesk.gui.client_actions"]  # (a package)
    assert [m for m, imported in graph.items() if "crmdesk.gui.main_window" in imported] == [
        "crmdesk.gui.app"
    ]
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
