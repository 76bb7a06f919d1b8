"""The quick loop (``pytest -m "not slow"``) runs no outside judge.

Every test that runs EPUBCheck, Ace, LibreOffice, pandoc, the Nu Html Checker or Chromium, itself
(``subprocess.run(["pandoc", …])``) or through a judge of ``tests/judges.py``, a helper or a fixture of
its module (or of ``conftest.py``), must carry the ``slow`` marker.
The check reads the test modules with :mod:`ast`; it runs nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

#: The functions of tests/judges.py that start an outside program counted as slow.
JUDGES = {
    "ace",
    "axe_violations",
    "chromium_page",
    "epubcheck",
    "epubcheck_many",
    "libreoffice_to_pdf",
    "pandoc_markdown",
    "vnu",
}


#: Outside programs a test may start itself (``subprocess.run(["pandoc", …])``).
PROGRAMS = {"pandoc", "soffice", "libreoffice", "java", "chromium", "ace"}


def _called_names(node: ast.AST) -> set[str]:
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and sub.value in PROGRAMS:
            names.add("epubcheck")  # as good as a judge: it starts one
        if isinstance(sub, ast.Call):
            func = sub.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
        elif isinstance(sub, ast.Name):  # a helper passed along (map(epubcheck, …))
            names.add(sub.id)
    return names


def _functions(tree: ast.AST) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {n.name: n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    return {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}


def _judging(functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef], seed: set[str]) -> set[str]:
    """Names of the functions that reach a judge: by calling one, or a function or fixture that does."""
    reach = set(seed)
    changed = True
    while changed:
        changed = False
        for name, fn in functions.items():
            if name in reach:
                continue
            if (_called_names(fn) | _params(fn)) & (reach | JUDGES):
                reach.add(name)
                changed = True
    return reach


def _marked_slow(node: ast.AST) -> bool:
    decorators = getattr(node, "decorator_list", [])
    return any("slow" in ast.unparse(d) for d in decorators)


def _module_slow(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            return "slow" in ast.unparse(node.value)
    return False


def _unmarked(path: Path, conftest: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if _module_slow(tree):
        return []
    functions = _functions(tree)
    judging = _judging(functions, conftest)
    out = []
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    in_slow_class = {f.name for c in classes if _marked_slow(c) for f in c.body if isinstance(f, ast.FunctionDef)}
    for name, fn in functions.items():
        if name.startswith("test") and name in judging and not _marked_slow(fn) and name not in in_slow_class:
            out.append(f"{path.relative_to(TESTS)}::{name}")
    return out


def _conftest_judging() -> set[str]:
    names: set[str] = set()
    for path in TESTS.rglob("conftest.py"):
        names |= _judging(_functions(ast.parse(path.read_text(encoding="utf-8"))), set())
    return names


def test_the_check_sees_a_judge_through_a_fixture(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\n"
        "@pytest.fixture\ndef report(tmp_path):\n    return epubcheck(tmp_path)\n"
        "def test_unmarked(report):\n    assert report\n"
        "@pytest.mark.slow\ndef test_marked(report):\n    assert report\n"
        "def test_other():\n    assert True\n",
        encoding="utf-8",
    )
    tree = ast.parse(sample.read_text(encoding="utf-8"))
    functions = _functions(tree)
    judging = _judging(functions, set())
    assert {"report", "test_unmarked", "test_marked"} <= judging and "test_other" not in judging
    assert [n for n in ("test_unmarked", "test_marked") if not _marked_slow(functions[n])] == ["test_unmarked"]


def test_every_test_that_runs_an_outside_judge_is_marked_slow() -> None:
    conftest = _conftest_judging()
    missing = [
        item
        for path in sorted(TESTS.rglob("test_*.py"))
        if path.name != "test_slow_markers.py"
        for item in _unmarked(path, conftest)
    ]
    assert missing == [], "mark these @pytest.mark.slow (they run an outside judge):\n" + "\n".join(missing)
