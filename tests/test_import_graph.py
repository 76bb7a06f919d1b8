"""One direction of imports: readers and exporters are reached through the registry, and no
opedexport module imports, however indirectly, itself.

Every module's imports are read with :mod:`ast`, including those inside functions (a lazy import
is still an arrow), and the graph is checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "opedexport"


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_package)
    return out


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """The opedexport modules ``name`` imports, anywhere in it; ``from . import x`` counts as ``x``."""
    path, is_package = MODULES[name]
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _in(name: str, *layers: str) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in layers)


def test_the_graph_is_read() -> None:
    # The reader of imports finds what is known to be there, relative and absolute, top and inside functions.
    assert "opedexport.registry" in GRAPH["opedexport.api"]
    assert "opedexport.exporters.base" in GRAPH["opedexport.registry"]
    assert "opedexport.registry" in GRAPH["opedexport.readers.manifest"]  # a function-level import
    assert "opedexport.model" in GRAPH["opedexport.exporters.docx"]  # from .. import model as m


@pytest.mark.parametrize(
    "importer", ["opedexport.readers", "opedexport.api", "opedexport.batch", "opedexport.cli", "opedexport"]
)
def test_no_import_from_the_exporters(importer: str) -> None:
    # api, batch and cli reach exporters through the registry (entry points), never by module.
    names = [n for n in GRAPH if n == importer] if importer == "opedexport" else [n for n in GRAPH if _in(n, importer)]
    bad = sorted((n, m) for n in names for m in GRAPH[n] if _in(m, "opedexport.exporters"))
    assert bad == []


def test_no_import_from_the_readers_into_the_exporters() -> None:
    bad = sorted(
        (n, m) for n in GRAPH if _in(n, "opedexport.exporters") for m in GRAPH[n] if _in(m, "opedexport.readers")
    )
    assert bad == []


def test_the_model_and_the_theme_import_no_reader_exporter_or_entry_point() -> None:
    upper = ("opedexport.readers", "opedexport.exporters", "opedexport.api", "opedexport.registry", "opedexport.batch")
    for low in (
        "opedexport.model",
        "opedexport.theme",
        "opedexport.units",
        "opedexport.errors",
        "opedexport.buildtime",
    ):
        assert not [m for m in GRAPH[low] if _in(m, *upper)], low


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_among_opedexport_modules() -> None:
    # A package's __init__ importing its own submodules is not a cycle unless a submodule imports it back.
    assert _cycles(GRAPH) == []


#: The largest module a reader of the code should have to hold in mind; past it, split along the seams.
MAX_MODULE_LINES = 800


def test_no_module_is_over_the_size_a_reader_can_hold() -> None:
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert sizes, "no module found"
    over = {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}
    assert over == {}, f"modules over {MAX_MODULE_LINES} lines: {over}"
