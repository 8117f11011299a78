"""The project's import graph: which of its modules imports which, drawn as text, with any
import circle, any import that runs back up the layers, and the longest files.

    .venv/bin/python tools/import_graph.py            # the graph and its checks
    .venv/bin/python tools/import_graph.py --dot      # Graphviz, to draw it

The layers, bottom up: the engine (mechanics), the common helpers (common), the voices, the
scenes, publishing, then the command lines (render.py, benchmarks, tools). A module may
import its own layer and those below it, never one above. tests/test_layers.py holds the
project to it.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("mechanics", "common", "voices", "scenes", "publishing", "commands")
PACKAGES = ("mechanics", "common", "voices", "scenes", "publishing")
COMMANDS = ("render.py",)  # top-level command modules (benchmarks/ and tools/ are scripts)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the project's packages (their subpackages too, such as
    publishing.choreography) and commands, by dotted name."""
    paths = [p for package in PACKAGES for p in sorted((root / package).rglob("*.py"))]
    paths += [root / name for name in COMMANDS if (root / name).is_file()]
    return {module_name(path, root): path for path in paths}


def imported(path: Path, modules: Iterable[str]) -> set[str]:
    """The project modules `path` imports, at any depth of its code (a function's own
    imports count: they run too). `from voices import audio` is voices.audio when that is a
    module, else the package voices."""
    known = set(modules)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            names = [name for name in names if name in known][:1] or [node.module]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the project modules it imports (itself left out)."""
    modules = project_modules(root)
    return {name: imported(path, modules) - {name} for name, path in modules.items()}


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else LAYERS.index("commands")


def upward_imports(graph: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    """Imports from a lower layer to a higher one."""
    return sorted(
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if layer_of(target) > layer_of(module)
    )


def import_circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm): each is
    a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    sys.setrecursionlimit(max(1000, 10 * len(graph)))
    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def line_counts(root: Path = ROOT) -> dict[str, int]:
    return {
        name: len(path.read_text().splitlines()) for name, path in project_modules(root).items()
    }


def as_text(graph: Mapping[str, set[str]], root: Path = ROOT) -> str:
    counts = line_counts(root)
    rows = []
    for layer in LAYERS:
        members = sorted(m for m in graph if LAYERS[layer_of(m)] == layer)
        if not members:
            continue
        rows.append(f"{layer}")
        for module in members:
            targets = ", ".join(sorted(graph[module])) or "-"
            rows.append(f"  {module} ({counts[module]} lines) -> {targets}")
    circles = import_circles(graph)
    upward = upward_imports(graph)
    publishing = {m: n for m, n in counts.items() if m.startswith("publishing.")}
    longest = max(publishing, key=publishing.get) if publishing else None
    rows += [
        "",
        f"import circles: {len(circles)}" + "".join(f"\n  {' <-> '.join(c)}" for c in circles),
        f"imports running back up: {len(upward)}" + "".join(f"\n  {a} -> {b}" for a, b in upward),
    ]
    if longest:
        rows.append(f"longest file in publishing: {longest} ({publishing[longest]} lines)")
    return "\n".join(rows)


def as_dot(graph: Mapping[str, set[str]]) -> str:
    lines = ["digraph imports {", "  rankdir=BT;", "  node [shape=box, fontname=Helvetica];"]
    for layer in LAYERS:
        members = sorted(m for m in graph if LAYERS[layer_of(m)] == layer)
        if members:
            lines.append(f'  subgraph "cluster_{layer}" {{ label="{layer}";')
            lines += [f'    "{m}";' for m in members]
            lines.append("  }")
    for module in sorted(graph):
        lines += [f'  "{module}" -> "{target}";' for target in sorted(graph[module])]
    return "\n".join([*lines, "}"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot", action="store_true", help="print Graphviz instead of text")
    args = parser.parse_args(argv)
    graph = import_graph()
    print(as_dot(graph) if args.dot else as_text(graph))
    return 1 if import_circles(graph) or upward_imports(graph) else 0


if __name__ == "__main__":
    sys.exit(main())
