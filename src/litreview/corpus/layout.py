"""Where a review's files are: find a corpus folder and load what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError
from .claims import Claim, Mechanism, load_claims, load_mechanisms
from .snapshot import Snapshot, load_snapshot

__all__ = ["CorpusPaths", "find_corpus", "load_corpus"]


@dataclass(frozen=True)
class CorpusPaths:
    """Locations of the corpus files inside a corpus directory."""

    root: Path

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


def find_corpus(start: str | Path = ".") -> Path:
    """Find the ``corpus/`` directory at ``start`` or in one of its parents.

    Lets notebooks (run from ``notebooks/``) and the CLI (run from the
    repository root) share one default.

    Raises
    ------
    CorpusError
        No ``corpus/claims.toml`` found.
    """
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / "corpus" / "claims.toml").is_file():
            return folder / "corpus"
        if folder.name == "corpus" and (folder / "claims.toml").is_file():
            return folder
    raise CorpusError(f"no corpus/claims.toml in {start.name or start} or its parents (use --corpus DIR)")


def load_corpus(corpus: str | Path | None = None) -> tuple[dict[str, Mechanism], list[Claim], Snapshot]:
    """Load mechanisms, claims and snapshot from a corpus directory.

    Parameters
    ----------
    corpus : str or Path, optional
        Corpus directory; found with :func:`find_corpus` when omitted.

    Returns
    -------
    tuple
        ``(mechanisms, claims, snapshot)``; every curated judgement names a
        known claim and mechanism.
    """
    paths = CorpusPaths(Path(corpus) if corpus is not None else find_corpus())
    mechanisms = load_mechanisms(paths.mechanisms)
    claims = load_claims(paths.claims, mechanisms)
    return mechanisms, claims, load_snapshot(paths.snapshot, mechanisms=mechanisms, claims=claims)
