"""The version is written once (pyproject.toml) and read from the installed metadata when asked for."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import opedexport

REPO = Path(__file__).resolve().parent.parent


def test_the_version_is_pyprojects() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert opedexport.__version__ == declared
    assert '__version__ = "' not in (REPO / "src" / "opedexport" / "__init__.py").read_text(encoding="utf-8")


def test_the_version_is_right_when_python_imports_the_package_at_start_up() -> None:
    # PYTHONWARNINGS naming our warning class imports opedexport before the distributions can be found.
    env = {
        **os.environ,
        "PYTHONWARNINGS": "error::opedexport.errors.OpedexportWarning",
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-m", "opedexport", "--version"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"opedexport {opedexport.__version__}"
