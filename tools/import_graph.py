"""The project's import graph: which of its modules imports which, drawn as text (or for
Graphviz), with every import that runs back up the layers and every import circle.

    .venv/bin/python tools/import_graph.py            # the graph, its checks, the longest files
    .venv/bin/python tools/import_graph.py --packages # package by package
    .venv/bin/python tools/import_graph.py --dot      # for Graphviz: dot -Tpng

The layers, bottom up, and what each package may import:

    common      files written whole, speech as samples: imports nothing of the project
    mechanics   the engine: imports nothing of the project
    voices      narration as speech: imports common
    scenes      the film's pictures: imports voices, mechanics, common
    publishing  files on disk: imports scenes, voices, mechanics, common

render.py, the tests, the benchmarks and the tools sit on top. Imports inside functions
count: an import put off until a call still runs back up the layers when the call comes.
tests/test_layers.py holds the project to it. Exit code 1 when a check fails.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAY_IMPORT = {
    "common": set(),
    "mechanics": set(),
    "voices": {"common"},
    "scenes": {"common", "mechanics", "voices"},
    "publishing": {"common", "mechanics", "voices", "scenes"},
}
TOP = ("render.py", "tests", "benchmarks", "tools")


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(root: Path, tops: tuple[str, ...]) -> dict[str, Path]:
    """Every module of the project by dotted name: the layered packages and the top."""
    modules = {}
    for top in (*MAY_IMPORT, *tops):
        place = root / top
        for path in [place] if place.suffix == ".py" else sorted(place.rglob("*.py")):
            if path.is_file():
                modules[module_name(path, root)] = path
    return modules


def imported_names(tree: ast.Module, module: str, is_package: bool) -> Iterator[str]:
    """The dotted names a module imports: `import a.b` gives a.b; `from a.b import c`
    gives a.b.c (a module, or a name in a.b); relative imports are made absolute."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            yield from (f"{base}.{alias.name}" for alias in node.names)


def resolved(name: str, modules: dict[str, Path]) -> str | None:
    """The project module a dotted name lands in (its longest prefix that is one), or None
    for a name outside the project."""
    parts = name.split(".")
    for stop in range(len(parts), 0, -1):
        candidate = ".".join(parts[:stop])
        if candidate in modules:
            return candidate
    return None


def import_graph(root: Path, tops: tuple[str, ...] = TOP) -> dict[str, set[str]]:
    """Each project module and the project modules it imports (itself left out)."""
    modules = project_modules(root, tops)
    graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        names = imported_names(tree, module, path.name == "__init__.py")
        graph[module] = {found for name in names if (found := resolved(name, modules))}
        graph[module].discard(module)
    return graph


def layer_breaches(graph: dict[str, set[str]]) -> list[str]:
    """Every import from a layered package into a package it may not import."""
    breaches = []
    for module, imports in sorted(graph.items()):
        layer = module.split(".")[0]
        if layer not in MAY_IMPORT:
            continue
        for target in sorted(imports):
            other = target.split(".")[0]
            if other != layer and other not in MAY_IMPORT[layer]:
                breaches.append(f"{module} imports {target}")
    return breaches


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, directly or around a circle
    (Tarjan's strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

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
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(cycles)


def line_counts(graph: dict[str, set[str]], root: Path = ROOT) -> dict[str, int]:
    modules = project_modules(root, TOP)
    return {module: len(modules[module].read_text().splitlines()) for module in graph}


def as_text(graph: dict[str, set[str]], root: Path = ROOT) -> str:
    """Each module with its length and what it imports, package by package, then the checks."""
    counts = line_counts(graph, root)
    rows = []
    for top in sorted({module.split(".")[0] for module in graph}):
        rows.append(top)
        for module in sorted(m for m in graph if m.split(".")[0] == top):
            targets = ", ".join(sorted(graph[module])) or "-"
            rows.append(f"  {module} ({counts[module]} lines) -> {targets}")
    breaches, cycles = layer_breaches(graph), import_cycles(graph)
    rows += ["", f"imports running back up the layers: {len(breaches)}"]
    rows += [f"  {breach}" for breach in breaches]
    rows.append(f"import circles: {len(cycles)}")
    rows += [f"  {' <-> '.join(cycle)}" for cycle in cycles]
    publishing = {m: n for m, n in counts.items() if m.startswith("publishing.")}
    rows.append(
        "longest files in publishing: "
        + ", ".join(
            f"{m} ({publishing[m]})" for m in sorted(publishing, key=publishing.get)[-3:][::-1]
        )
    )
    return "\n".join(rows)


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph one level up: which package (or top-level command) imports which."""
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        top = module.split(".")[0]
        packages.setdefault(top, set()).update(t.split(".")[0] for t in targets)
        packages[top].discard(top)
    return packages


def as_dot(graph: dict[str, set[str]]) -> str:
    """Graphviz, each package a box of its modules, the lower layers drawn lower."""
    lines = ["digraph imports {", "  rankdir=BT;", "  node [shape=box, fontname=Helvetica];"]
    for top in sorted({module.split(".")[0] for module in graph}):
        lines.append(f'  subgraph "cluster_{top}" {{ label="{top}";')
        lines += [f'    "{m}";' for m in sorted(graph) if m.split(".")[0] == top]
        lines.append("  }")
    for module in sorted(graph):
        lines += [f'  "{module}" -> "{target}";' for target in sorted(graph[module])]
    return "\n".join([*lines, "}"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The project's import graph and its layers.")
    parser.add_argument("--dot", action="store_true", help="print Graphviz instead of text")
    parser.add_argument(
        "--packages", action="store_true", help="one node per package instead of per module"
    )
    args = parser.parse_args(argv)
    graph = import_graph(ROOT)
    shown = package_graph(graph) if args.packages else graph
    if args.dot:
        print(as_dot(shown))
    elif args.packages:
        print("\n".join(f"{p} -> {', '.join(sorted(t)) or '-'}" for p, t in sorted(shown.items())))
        print(as_text(graph).split("\n\n", 1)[1])
    else:
        print(as_text(graph))
    return 1 if layer_breaches(graph) or import_cycles(graph) else 0


if __name__ == "__main__":
    sys.exit(main())
