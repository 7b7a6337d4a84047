"""Where a review's files are: find a review folder and load what it holds.

A review folder holds ``litreview.toml`` (:mod:`~litreview.corpus.review_config`),
``mechanisms.toml``, ``claims.toml``, ``articles/``, ``snapshot/`` and
``decisions.jsonl``. Commands find it from ``--review DIR`` (alias
``--corpus``), else ``$LITREVIEW_REVIEW``, else the ``corpus/`` folder at or
above the working directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError
from .claims import Claim, Mechanism, load_claims, load_mechanisms
from .review_config import CONFIG_NAME, ReviewConfig, load_review_config
from .snapshot import Snapshot, load_snapshot

__all__ = ["REVIEW_ENV", "CorpusPaths", "ReviewInputs", "find_corpus", "find_review", "load_corpus", "load_review"]

#: Environment variable naming the review folder when ``--review`` is not given.
REVIEW_ENV = "LITREVIEW_REVIEW"


@dataclass(frozen=True)
class CorpusPaths:
    """Locations of the files inside a review folder."""

    root: Path

    @property
    def config(self) -> Path:
        """``litreview.toml``: title, intervention, population."""
        return self.root / CONFIG_NAME

    @property
    def mechanisms(self) -> Path:
        """``mechanisms.toml``."""
        return self.root / "mechanisms.toml"

    @property
    def claims(self) -> Path:
        """``claims.toml``."""
        return self.root / "claims.toml"

    @property
    def protocol(self) -> Path:
        """``protocol.toml``: the review's question, eligibility criteria and exclusion reasons (optional)."""
        return self.root / "protocol.toml"

    @property
    def articles(self) -> Path:
        """``articles/``: the articles whose claims the review checks."""
        return self.root / "articles"

    @property
    def snapshot(self) -> Path:
        """The snapshot directory."""
        return self.root / "snapshot"

    @property
    def decisions(self) -> Path:
        """``decisions.jsonl``: the reviewers' shared append-only log (optional, read beside :attr:`decision_files`)."""
        return self.root / "decisions.jsonl"

    @property
    def decision_files(self) -> Path:
        """``decisions/``: one append-only log per reviewer, ``<reviewer>.jsonl``."""
        return self.root / "decisions"


@dataclass(frozen=True)
class ReviewInputs:
    """What a review folder holds, loaded and validated."""

    root: Path
    config: ReviewConfig
    mechanisms: dict[str, Mechanism]
    claims: list[Claim]
    snapshot: Snapshot


def find_corpus(start: str | Path = ".") -> Path:
    """Find the review folder at ``start`` or the ``corpus/`` folder in it or one of its parents.

    Lets notebooks (run from ``notebooks/``) and the CLI (run from the
    repository root) share one default.

    Raises
    ------
    CorpusError
        No review folder found.
    """
    start = Path(start).resolve()
    if (start / CONFIG_NAME).is_file():
        return start
    for folder in (start, *start.parents):
        if (folder / "corpus" / "claims.toml").is_file():
            return folder / "corpus"
        if folder.name == "corpus" and (folder / "claims.toml").is_file():
            return folder
    raise CorpusError(f"no review folder (litreview.toml) or corpus/ in {start.name or start} or its parents "
                      f"(use --review DIR or set {REVIEW_ENV})")


def find_review(given: str | Path | None = None, env: Mapping[str, str] | None = None,
                start: str | Path = ".") -> Path:
    """The review folder to work on: ``given``, else ``$LITREVIEW_REVIEW``, else :func:`find_corpus`.

    Parameters
    ----------
    given : str or Path, optional
        ``--review DIR`` (or its alias ``--corpus``).
    env : mapping of str to str, optional
        Environment to read (default ``os.environ``).
    start : str or Path
        Where :func:`find_corpus` starts looking.

    Returns
    -------
    Path

    Raises
    ------
    CorpusError
        The folder named is missing, is a file, or holds no ``litreview.toml``.
    """
    env = os.environ if env is None else env
    if given is None and env.get(REVIEW_ENV):
        given = env[REVIEW_ENV]
    if given is None or str(given) == "":
        return find_corpus(start)
    root = Path(given)
    if root.is_file():
        raise CorpusError(f"{root}: is a file, not a review folder (give the folder that holds {CONFIG_NAME})")
    if not root.is_dir():
        raise CorpusError(f"{root}: no such review folder (create one with `litreview new {root}`)")
    if not (root / CONFIG_NAME).is_file():
        raise CorpusError(f"{root}: not a review folder: no {CONFIG_NAME} (create one with `litreview new DIR`)")
    return root


def load_review(review: str | Path | None = None) -> ReviewInputs:
    """Load a review folder: its settings, mechanisms, claims and snapshot.

    Parameters
    ----------
    review : str or Path, optional
        Review folder; found with :func:`find_review` when omitted.

    Returns
    -------
    ReviewInputs
        Every claim carries the intervention's names (``Claim.agents``), and
        every curated judgement names a known claim and mechanism.
    """
    paths = CorpusPaths(find_review(review))
    if not paths.config.is_file():
        raise CorpusError(f"{paths.root}: not a review folder: no {CONFIG_NAME} (create one with `litreview new DIR`)")
    config = load_review_config(paths.config)
    mechanisms = load_mechanisms(paths.mechanisms)
    claims = load_claims(paths.claims, mechanisms, agents=config.intervention.agents)
    snapshot = load_snapshot(paths.snapshot, mechanisms=mechanisms, claims=claims)
    return ReviewInputs(paths.root, config, mechanisms, claims, snapshot)


def load_corpus(corpus: str | Path | None = None) -> tuple[dict[str, Mechanism], list[Claim], Snapshot]:
    """Load mechanisms, claims and snapshot from a review folder (see :func:`load_review`).

    Parameters
    ----------
    corpus : str or Path, optional
        Review folder; found with :func:`find_review` when omitted.

    Returns
    -------
    tuple
        ``(mechanisms, claims, snapshot)``.
    """
    inputs = load_review(corpus)
    return inputs.mechanisms, inputs.claims, inputs.snapshot
