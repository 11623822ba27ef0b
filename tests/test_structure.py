"""The package's shape: no import cycle between its modules (imports inside functions count)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "safecity_extract"


def imports() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (``from . import x`` of a name: __init__)."""
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(a.name if a.name in modules else "__init__" for a in node.names)
            elif node.module and node.module.startswith("safecity_extract."):
                found.add(node.module.split(".")[1])
        graph[path.stem] = {m for m in found if m in modules and m != path.stem}
    return graph


def cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from ``start`` back to itself, if there is one."""
    trail: list[str] = []
    seen: set[str] = set()

    def walk(node: str) -> list[str] | None:
        for nxt in sorted(graph[node]):
            if nxt == start:
                return trail + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                trail.append(nxt)
                found = walk(nxt)
                if found:
                    return found
                trail.pop()
        return None

    return walk(start)


def test_the_graph_sees_imports() -> None:
    graph = imports()
    assert "pages" in graph["extract"] and "grid" in graph["pages"] and "model" in graph["layout"]


def test_no_import_cycle() -> None:
    graph = imports()
    cycles = {m: c for m in graph if (c := cycle_from(m, graph))}
    assert not cycles, {m: " -> ".join([m, *c]) for m, c in cycles.items()}


def test_the_data_contract_imports_no_drawing() -> None:
    assert not imports()["model"] & {"inspect", "review", "layout"}
