"""The project's layers hold: each package imports only the packages below it, and no
module of the project imports itself back through others.

    common      files written whole, speech as samples: imports nothing of the project
    mechanics   the engine: imports nothing of the project
    voices      narration as speech: imports common
    scenes      the film's pictures: imports voices, mechanics, common
    publishing  files on disk: imports scenes, voices, mechanics, common

render.py, the tests, the benchmarks and the tools sit on top. Imports inside functions
count: an import put off until a call still runs back up the layers when the call comes.
"""

from __future__ import annotations

import ast
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


def test_every_package_imports_only_the_layers_below_it():
    assert layer_breaches(import_graph(ROOT)) == []


def test_no_module_of_the_project_imports_itself_back():
    assert import_cycles(import_graph(ROOT)) == []


def test_the_graph_sees_the_imports_the_layers_are_made_of():
    """The checks above pass on an empty graph too: the graph must hold known imports."""
    graph = import_graph(ROOT)
    assert "common.files" in graph["voices.base"]
    assert "common.audio" in graph["publishing.soundtrack"]
    assert "voices.base" in graph["voices.piper"]
    assert "mechanics.lesson" in graph["mechanics"]  # `from .lesson import ...`


def write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)


def test_a_planted_breach_and_a_planted_circle_are_found(tmp_path):
    """A small project with an import running up the layers, a package that imports its
    own subclasses' module (as voices/base.py once did), and one in a function."""
    write(
        tmp_path,
        {
            "common/__init__.py": "",
            "common/files.py": "from publishing import jobs\n",
            "publishing/__init__.py": "",
            "publishing/jobs.py": "from common.files import x\n",
            "voices/__init__.py": "",
            "voices/base.py": "def named():\n    from voices.piper import Piper\n",
            "voices/piper.py": "from .base import Voice\n",
            "mechanics/__init__.py": "from .lesson import lesson\n",
            "mechanics/lesson.py": "import numpy\n",
            "scenes/__init__.py": "",
        },
    )
    graph = import_graph(tmp_path, tops=())
    assert layer_breaches(graph) == ["common.files imports publishing.jobs"]
    assert import_cycles(graph) == [
        ["common.files", "publishing.jobs"],
        ["voices.base", "voices.piper"],
    ]
