"""The whole pipeline in one call: claims -> snapshot -> screen -> score -> synthesize.

``build_review`` is what ``litreview run`` and the notebooks call; each stage
stays callable on its own from its module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..corpus.articles import SourceArticle, article_label, load_articles
from ..corpus.claims import Claim, Mechanism
from ..corpus.decisions import DecisionLog, load_decisions, warn_orphans
from ..corpus.layout import CorpusPaths, load_review
from ..corpus.protocol import Protocol, load_protocol
from ..corpus.records import Article
from ..corpus.review_config import ReviewConfig, judge_min_confidence
from ..corpus.rob import person_rob
from ..corpus.snapshot import Snapshot, provenance_to_frame
from ..evidence.extraction import extract, extraction_columns
from ..evidence.scoring import Rubric, StudyAssessment, assessments_to_frame, load_rubric, score_evidence
from ..outputs.export import ALL_FORMATS, export_review, png_bytes
from ..outputs.plots import plot_evidence_map, plot_prisma_flow, plot_timeline
from ..outputs.report import ReportContext, render_report
from ..outputs.spreadsheet import render_csv
from ..screening.rules import ScreeningResult, screen_records
from ..synthesis.appraisal import appraise
from ..synthesis.grade import ClaimVerdict, synthesize
from ..synthesis.roles import study_roles
from ..synthesis.sof import SofTable, sof_tables
from ..synthesis.summary import summary_of_findings, verdicts_to_frame
from .machine import compare_reviews, machine_pairs, machine_snapshot

__all__ = ["Review", "build_review", "review_figures", "write_review"]


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
    appraised : pandas.DataFrame
        The assessments with bibliographic and appraisal columns (what synthesis read), plus ``role``
        (decides / represented / shown only) and ``needs_reviewer``.
    verdicts : list of ClaimVerdict
    decisions : DecisionLog
        The reviewers' decisions, with the curator's register judgements merged.
    corpus_name : str
        Name of the review folder (shown in the report; never a full path).
    comparison : pandas.DataFrame or None
        For a machine-only review: the curated vs machine table per claim
        (:func:`~litreview.workbench.machine.compare_reviews`); None otherwise.
    protocol : Protocol
        The review's question, eligibility criteria and exclusion reasons (``protocol.toml``).
    config : ReviewConfig or None
        The review's settings (``litreview.toml``): title, intervention, population.
    articles : dict of str to SourceArticle
        The review's registered articles (``articles/articles.toml``), by id.
    """

    mechanisms: dict[str, Mechanism]
    claims: list[Claim]
    snapshot: Snapshot
    screening: ScreeningResult
    assessments: list[StudyAssessment]
    appraised: pd.DataFrame
    verdicts: list[ClaimVerdict]
    decisions: DecisionLog = DecisionLog()
    corpus_name: str = "corpus"
    comparison: pd.DataFrame | None = None
    protocol: Protocol = Protocol()
    config: ReviewConfig | None = None
    articles: Mapping[str, SourceArticle] = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        """The review table, one row per claim (see :func:`verdicts_to_frame`); registered articles by title."""
        table = verdicts_to_frame(self.verdicts)
        if self.articles:
            table["articles"] = ["; ".join(article_label(a, self.articles) if a in self.articles else a.split("_")[0]
                                           for a in v.articles) for v in self.verdicts]
        return table

    @property
    def sof(self) -> pd.DataFrame:
        """The Summary-of-Findings table (see :func:`summary_of_findings`)."""
        return summary_of_findings(self.verdicts)

    @property
    def sof_tables(self) -> tuple[SofTable, SofTable]:
        """The GRADEpro-style Summary-of-Findings tables, clinical then mechanistic (see :func:`sof_tables`)."""
        config = self.config
        return sof_tables(self.claims, self.verdicts, self.appraised,
                          setting=f"the {len(self.snapshot.records)} records of the snapshot in {self.corpus_name}",
                          population=config.population if config and config.population else None,
                          intervention=config.intervention.name if config and config.intervention else None)

    @property
    def studies(self) -> pd.DataFrame:
        """One row per study assessment, with bibliographic and appraisal columns."""
        return self.appraised.copy()

    @property
    def provenance(self) -> pd.DataFrame:
        """Where each snapshot record came from."""
        return provenance_to_frame(self.snapshot)

    @property
    def cited(self) -> list[Article]:
        """Records behind at least one assessment, sorted by key."""
        keys = sorted({a.key for a in self.assessments})
        return [self.snapshot.record(k) for k in keys]


def build_review(
    corpus: str | Path | None = None, rubric: Rubric | str | Path | None = None, exclude_unverified: bool = False,
    min_confidence: float | None = None,
    machine_only: bool = False,
) -> Review:
    """Run every offline stage from the corpus and return their outputs.

    The reviewers' decisions in ``decisions.jsonl`` (when present) outrank the
    rules at screening and the curator and machine at scoring.

    Parameters
    ----------
    corpus : str or Path, optional
        Review folder (default: ``$LITREVIEW_REVIEW``, else found from the
        working directory; see :func:`~litreview.corpus.layout.find_review`).
    rubric : Rubric or path, optional
        Scoring weights; the packaged ``scoring.toml`` when omitted.
    exclude_unverified : bool
        Leave machine-only judgements out of verdicts instead of rating them down.
    min_confidence : float, optional
        The direction judge's abstention threshold (machine calls below it are
        ``unclear``); default ``[judge] min_confidence`` of the review's
        ``litreview.toml``, else 0.
    machine_only : bool
        Ignore every curator-written field and the decisions log; work from
        title, abstract and PubMed metadata alone (:mod:`litreview.workbench.machine`).
        The review's ``comparison`` then sets it beside the curated review.

    Returns
    -------
    Review

    Examples
    --------
    >>> review = build_review()  # doctest: +SKIP
    >>> review.table[["claim_id", "verdict"]].head()  # doctest: +SKIP
    """
    inputs = load_review(corpus)
    mechanisms, claims, snapshot = inputs.mechanisms, inputs.claims, inputs.snapshot
    intervention = inputs.config.intervention
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    root = inputs.root
    if machine_only:
        curated = build_review(root, rubric, exclude_unverified, min_confidence)
        snapshot = machine_snapshot(snapshot)
        decisions = DecisionLog()
    else:
        decisions = load_decisions(CorpusPaths(root).decisions, snapshot)
        warn_orphans(decisions, (a.key for a in snapshot.records), (c.id for c in claims))
    screening = screen_records(snapshot, mechanisms, claims, decisions, intervention)
    pairs = machine_pairs(screening, snapshot, claims) if machine_only else screening.pairs
    assessments = score_evidence(snapshot.records, claims, pairs, snapshot.curated, rubric, decisions,
                                 judge_min_confidence(inputs.config, min_confidence))
    appraised = appraise(_with_bibliography(assessments_to_frame(assessments), snapshot), claims,
                         {a.key: a for a in snapshot.records}, snapshot.curated,
                         person_rob(decisions.outcomes("rob").values()), intervention)
    appraised = _with_extraction(appraised, snapshot, claims)
    verdicts = synthesize(claims, appraised, exclude_unverified=exclude_unverified,
                          overrides=decisions.grade_overrides())
    appraised = study_roles(appraised, verdicts)
    comparison = (compare_reviews(curated.verdicts, verdicts, curated.studies, appraised) if machine_only else None)
    return Review(mechanisms, claims, snapshot, screening, assessments, appraised, verdicts, decisions,
                  root.resolve().name, comparison, load_protocol(CorpusPaths(root).protocol), inputs.config,
                  load_articles(CorpusPaths(root).articles))


def _with_extraction(frame: pd.DataFrame, snapshot: Snapshot, claims: Sequence[Claim]) -> pd.DataFrame:
    """Append the ``x_*`` extraction columns (values and sentence spans read from title and abstract)."""
    by_id = {c.id: c for c in claims}
    rows = [extraction_columns(extract(snapshot.record(k), by_id[c])) for k, c in zip(frame["key"], frame["claim_id"])]
    columns = list(extraction_columns(None))
    return pd.concat([frame, pd.DataFrame(rows, columns=columns, index=frame.index)], axis=1)


def _with_bibliography(frame: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    """Insert title, year and DOI after the key and PMID."""
    records = [snapshot.record(k) for k in frame["key"]]
    frame.insert(2, "title", [r.title for r in records])
    frame.insert(3, "year", pd.array([r.year for r in records], dtype="Int64"))
    frame.insert(4, "doi", [r.doi for r in records])
    return frame


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


def report_context(review: Review) -> ReportContext:
    """What the review covers and when, for the report's header (no paths, no clock: reproducible)."""
    provenance = review.snapshot.provenance.values()
    dates = sorted(p.retrieved for p in provenance if p.retrieved)
    sources = Counter(p.source for p in provenance)
    unresolved = sum(1 for a in review.snapshot.records if a.pmid is None)
    parts = [f"{n} from {'the curated register' if s == 'curated' else s.replace('pubmed', 'PubMed')}"
             for s, n in sorted(sources.items())]
    text = f"{len(review.snapshot.records)} records: " + ", ".join(parts)
    if unresolved:
        text += f" ({unresolved} known by DOI only, PMID unresolved)"
    return ReportContext(corpus=review.corpus_name, snapshot_date=dates[-1] if dates else "not recorded",
                         provenance=text, version=version("litreview"), protocol=tuple(review.protocol.lines()),
                         article_titles={k: a.title for k, a in review.articles.items()},
                         **({"title": review.config.title} if review.config else {}))


def write_review(
    review: Review, out_dir: str | Path, formats: Sequence[str] = ALL_FORMATS, write_figures: bool = True
) -> list[Path]:
    """Write the review's exports (and, optionally, the figures as PNG) as one unit.

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

    Raises
    ------
    ExportError
        See :func:`~litreview.export.export_review`: on any failure no file
        has been replaced.
    """
    html = "html" in formats
    # each figure is drawn to PNG once: the same bytes go into figures/ and into the report
    pngs = {name: png_bytes(fig, dpi=110) for name, fig in review_figures(review).items()} if html or write_figures else {}
    files = {}
    if write_figures:
        files = {f"figures/{name}.png": data for name, data in pngs.items()}
        files["screening_counts.csv"] = render_csv(review.screening.counts)
    if review.comparison is not None:
        files["curated_vs_machine.csv"] = render_csv(review.comparison)
    # each derived table once: the exports and the report share them
    studies, cited, sof_tables = review.studies, review.cited, review.sof_tables
    written = export_review(
        out_dir,
        review=review.table,
        studies=studies,
        screening=review.screening.log,
        provenance=review.provenance,
        cited=cited,
        formats=formats,
        sof=review.sof,
        html_report=render_report(claims=review.claims, verdicts=review.verdicts, studies=studies,
                                  cited=cited, context=report_context(review), figures=pngs,
                                  comparison=review.comparison, sof_tables=sof_tables)
        if html else None,
        files=files,
        sof_tables=sof_tables,
    )
    return sorted(written.values())
