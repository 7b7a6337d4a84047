"""Shared fixtures: paths to the repository, the corpus and ../shared; a clean environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.corpus.review_config import load_review_config

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
#: The shipped review's intervention (corpus/litreview.toml).
KETAMINE = load_review_config(CORPUS).intervention


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's NCBI settings."""
    for name in ("NCBI_API_KEY", "NCBI_EMAIL", "LITREVIEW_EUTILS_URL", "LITREVIEW_SEEDS", "LITREVIEW_REVIEWER",
                 "LITREVIEW_REVIEW"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def shared() -> Path:
    """``../shared`` beside the repository; skip when it is absent (a user's clone)."""
    if not SHARED.is_dir():
        pytest.skip("../shared (real NCBI data and the evidence register) is not beside the repository")
    return SHARED
