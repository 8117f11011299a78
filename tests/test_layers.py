"""The project's layers hold: each package imports only the packages below it (the table
in tools/import_graph.py), and no module of the project imports itself back through others."""

from __future__ import annotations

from pathlib import Path

from tools.import_graph import ROOT, import_cycles, import_graph, layer_breaches


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
