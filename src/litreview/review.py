"""The whole pipeline in one call: claims -> snapshot -> screen -> score -> synthesize.

``build_review`` is what ``litreview run`` and the notebooks call; each stage
stays callable on its own from its module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ._io import atomic_open
from .claims import Claim, Mechanism, load_claims, load_mechanisms
from .decisions import DecisionLog, load_decisions
from .errors import CorpusError
from .evidence import Rubric, StudyAssessment, assessments_to_frame, load_rubric, score_evidence
from .export import ALL_FORMATS, export_review
from .plots import plot_evidence_map, plot_prisma_flow, plot_timeline
from .records import Article
from .screen import ScreeningResult, screen_records
from .snapshot import Snapshot, load_snapshot, provenance_to_frame
from .synthesis import ClaimVerdict, synthesize, verdicts_to_frame

__all__ = [
    "CorpusPaths", "Review", "find_corpus", "load_corpus", "build_review", "review_figures", "write_review",
]


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
    def snapshot(self) -> Path:
        """The snapshot directory."""
        return self.root / "snapshot"

    @property
    def decisions(self) -> Path:
        """``decisions.jsonl``: the reviewers' append-only log (optional)."""
        return self.root / "decisions.jsonl"


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


@dataclass(frozen=True)
class Review:
    """Every stage's output for one review.

    Attributes
    ----------
    mechanisms : dict of str to Mechanism
    claims : list of Claim
    snapshot : Snapshot
    screening : ScreeningResult
    assessments : list of StudyAssessment
    verdicts : list of ClaimVerdict
    decisions : DecisionLog
        The reviewers' decisions, with the curator's register judgements merged.
    """

    mechanisms: dict[str, Mechanism]
    claims: list[Claim]
    snapshot: Snapshot
    screening: ScreeningResult
    assessments: list[StudyAssessment]
    verdicts: list[ClaimVerdict]
    decisions: DecisionLog = DecisionLog()

    @property
    def table(self) -> pd.DataFrame:
        """The review table, one row per claim (see :func:`verdicts_to_frame`)."""
        return verdicts_to_frame(self.verdicts)

    @property
    def studies(self) -> pd.DataFrame:
        """One row per study assessment, with bibliographic columns added."""
        frame = assessments_to_frame(self.assessments)
        records = {a.key: a for a in self.snapshot.records}
        frame.insert(2, "title", [records[k].title for k in frame["key"]])
        frame.insert(3, "year", pd.array([records[k].year for k in frame["key"]], dtype="Int64"))
        frame.insert(4, "doi", [records[k].doi for k in frame["key"]])
        return frame

    @property
    def provenance(self) -> pd.DataFrame:
        """Where each snapshot record came from."""
        return provenance_to_frame(self.snapshot)

    @property
    def cited(self) -> list[Article]:
        """Records behind at least one assessment, sorted by key."""
        keys = sorted({a.key for a in self.assessments})
        return [self.snapshot.record(k) for k in keys]


def load_corpus(corpus: str | Path | None = None) -> tuple[dict[str, Mechanism], list[Claim], Snapshot]:
    """Load mechanisms, claims and snapshot from a corpus directory.

    Parameters
    ----------
    corpus : str or Path, optional
        Corpus directory; found with :func:`find_corpus` when omitted.

    Returns
    -------
    tuple
        ``(mechanisms, claims, snapshot)``.
    """
    paths = CorpusPaths(Path(corpus) if corpus is not None else find_corpus())
    mechanisms = load_mechanisms(paths.mechanisms)
    claims = load_claims(paths.claims, mechanisms)
    return mechanisms, claims, load_snapshot(paths.snapshot)


def build_review(corpus: str | Path | None = None, rubric: Rubric | str | Path | None = None) -> Review:
    """Run every offline stage from the corpus and return their outputs.

    The reviewers' decisions in ``decisions.jsonl`` (when present) outrank the
    rules at screening and the curator and machine at scoring.

    Parameters
    ----------
    corpus : str or Path, optional
        Corpus directory (default: found from the working directory).
    rubric : Rubric or path, optional
        Scoring weights; the packaged ``scoring.toml`` when omitted.

    Returns
    -------
    Review

    Examples
    --------
    >>> review = build_review()  # doctest: +SKIP
    >>> review.table[["claim_id", "verdict"]].head()  # doctest: +SKIP
    """
    root = Path(corpus) if corpus is not None else find_corpus()
    mechanisms, claims, snapshot = load_corpus(root)
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    decisions = load_decisions(CorpusPaths(root).decisions, snapshot)
    screening = screen_records(snapshot, mechanisms, claims, decisions)
    assessments = score_evidence(snapshot.records, claims, screening.pairs, snapshot.curated, rubric, decisions)
    verdicts = synthesize(claims, assessments_to_frame(assessments))
    return Review(mechanisms, claims, snapshot, screening, assessments, verdicts, decisions)



def review_figures(review: Review) -> dict[str, Figure]:
    """The evidence map, the PRISMA-style flow and the publication timeline.

    Returns
    -------
    dict of str to matplotlib.figure.Figure
        Keys ``evidence_map``, ``prisma_flow``, ``timeline``.
    """
    log = review.screening.log
    included = log[log["decision"] == "included"][["mechanism", "year"]]
    return {
        "evidence_map": plot_evidence_map(review.studies, [c.id for c in review.claims]),
        "prisma_flow": plot_prisma_flow(review.screening.counts),
        "timeline": plot_timeline(included),
    }


def write_review(
    review: Review, out_dir: str | Path, formats: Sequence[str] = ALL_FORMATS, write_figures: bool = True
) -> list[Path]:
    """Write the review's exports (and, optionally, the figures as PNG).

    Parameters
    ----------
    review : Review
    out_dir : str or Path
        Created if missing.
    formats : sequence of str
        Export formats (see :data:`litreview.export.ALL_FORMATS`).
    write_figures : bool
        Also write ``figures/<name>.png`` and ``screening_counts.csv``.

    Returns
    -------
    list of Path
        Files written, sorted.
    """
    out = Path(out_dir)
    figures = review_figures(review)
    written = export_review(
        out,
        review=review.table,
        studies=review.studies,
        screening=review.screening.log,
        provenance=review.provenance,
        cited=review.cited,
        figures=figures,
        formats=formats,
    )
    paths = list(written.values())
    if write_figures:
        for name, fig in figures.items():
            target = out / "figures" / f"{name}.png"
            with atomic_open(target, "wb") as handle:
                fig.savefig(handle, format="png", dpi=110, metadata={"Software": None})
            paths.append(target)
        counts_path = out / "screening_counts.csv"
        with atomic_open(counts_path, "w") as handle:
            review.screening.counts.to_csv(handle, index=False)
        paths.append(counts_path)
    return sorted(paths)
