"""pytest runs the notebooks under nbval (strict: stored outputs must match) whenever it collects them.

nbval's options are set here rather than in ``addopts`` (pyproject.toml) so that
``pytest -p no:nbval`` and ``pytest tests/`` run the package tests alone. Test
helpers and fixtures live in ``tests/conftest.py``.

The notebooks run on a read-only copy of the shipped review (``LITREVIEW_REVIEW``)
and write their exports to a temporary folder (``LITREVIEW_OUTPUT``): a user's own
screening and judging decisions in ``corpus/`` never make them fail, and no test
writes into ``corpus/`` or ``output/``.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent
_COPIES: list[Path] = []


def _committed_files(folder: str) -> dict[str, bytes] | None:
    """The files of ``folder`` as committed in git's HEAD (None outside a git checkout)."""
    try:
        names = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", folder], check=True,
                               capture_output=True).stdout.decode().split("\0")
        return {n: subprocess.run(["git", "-C", str(ROOT), "show", f"HEAD:{n}"], check=True,
                                  capture_output=True).stdout for n in names if n}
    except (OSError, subprocess.CalledProcessError):
        return None


def _read_only_copy_of_the_shipped_review() -> Path:
    """A copy of ``corpus/`` as committed (a user's own decisions left out), every file and folder read-only."""
    work = Path(tempfile.mkdtemp(prefix="litreview-nbval-"))
    _COPIES.append(work)
    committed = _committed_files("corpus")
    if committed:
        for name, data in committed.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_bytes(data)
        copy = work / "corpus"
    else:
        copy = Path(shutil.copytree(ROOT / "corpus", work / "corpus"))
    for path in sorted(copy.rglob("*"), reverse=True):
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH | (stat.S_IXUSR if path.is_dir() else 0))
    copy.chmod(stat.S_IRUSR | stat.S_IXUSR)
    (work / "output").mkdir()
    return copy


def pytest_configure(config: pytest.Config) -> None:
    """Turn nbval on with the sanitize file, unless it is disabled (``-p no:nbval``) or in lax mode."""
    if not config.pluginmanager.hasplugin("nbval"):
        return
    if not config.option.nbval_lax:
        config.option.nbval = True
    if config.option.nbval_sanitize_with is None:
        config.option.nbval_sanitize_with = str(Path(__file__).parent / "notebooks" / "sanitize.cfg")
    review = _read_only_copy_of_the_shipped_review()
    os.environ["LITREVIEW_REVIEW"] = str(review)
    os.environ["LITREVIEW_OUTPUT"] = str(review.parent / "output")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the read-only copies (made writable first)."""
    for work in _COPIES:
        for path in work.rglob("*"):
            path.chmod(stat.S_IRWXU)
        shutil.rmtree(work, ignore_errors=True)
