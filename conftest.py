"""pytest runs the notebooks under nbval (strict: stored outputs must match) whenever it collects them.

nbval's options are set here rather than in ``addopts`` (pyproject.toml) so that
``pytest -p no:nbval`` and ``pytest tests/`` run the package tests alone. Test
helpers and fixtures live in ``tests/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Turn nbval on with the sanitize file, unless it is disabled (``-p no:nbval``) or in lax mode."""
    if not config.pluginmanager.hasplugin("nbval"):
        return
    if not config.option.nbval_lax:
        config.option.nbval = True
    if config.option.nbval_sanitize_with is None:
        config.option.nbval_sanitize_with = str(Path(__file__).parent / "notebooks" / "sanitize.cfg")
