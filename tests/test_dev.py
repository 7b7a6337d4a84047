"""The README's development commands: unit tests alone, or everything with the notebooks under nbval."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def _collect(*args: str) -> subprocess.CompletedProcess[str]:
    """``pytest --collect-only -q ARGS`` from the repository root, in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_unit_tests_run_without_nbval() -> None:
    done = _collect("-p", "no:nbval", "tests/test_package.py", "notebooks")
    assert done.returncode == 0, done.stdout + done.stderr
    collected = done.stdout.splitlines()
    assert any(line.startswith("tests/test_package.py::") for line in collected)
    assert not any(".ipynb" in line for line in collected)


def test_plain_pytest_runs_the_notebooks_under_nbval() -> None:
    done = _collect("notebooks/01_claims.ipynb")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "notebooks/01_claims.ipynb::Cell 0" in done.stdout.splitlines()
