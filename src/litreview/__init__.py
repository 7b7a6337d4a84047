"""litreview: check health claims against the biomedical literature.

The package has one subpackage per pipeline stage, in order (see DESIGN.md):
``corpus`` (vocabulary, records, claims, queries, snapshot, decisions, layout),
``sources`` (E-utilities, PubMed XML, fetch, mirror), ``screening``, ``evidence``
(classification, the direction judge, scoring), ``synthesis`` (appraisal, GRADE,
summary tables), ``outputs`` (export, bibliography, report, plots),
``workbench`` (pipeline, panels) and ``cli``. The names an analyst needs are
re-exported here so a notebook can ``import litreview as lr``:

==========  ======================================================================
corpus      :func:`load_mechanisms`, :func:`load_claims`, :func:`claims_to_frame`,
            :func:`build_queries`, :func:`queries_to_frame`, :class:`Article`,
            :func:`records_to_frame`, :func:`load_snapshot`, :func:`write_snapshot`,
            :func:`provenance_to_frame`, :func:`searches_to_frame`, :func:`curated_to_frame`,
            :func:`load_decisions`, :func:`make_decision`, :class:`DecisionLog` (reviewers'
            log: conflicts, kappa), :func:`find_corpus`, :func:`load_corpus`, :func:`find_review`,
            :func:`load_review` (a review folder, with its ``litreview.toml``: :func:`load_review_config`),
            :func:`create_review`, :func:`add_article`, :func:`suggest_claims`
sources     :class:`EutilsClient`, :func:`refresh_snapshot`, :func:`iter_pubmed_xml`,
            :func:`parse_pubmed_xml`, :func:`build_mirror`, :func:`search_mirror`,
            :func:`open_mirror` (the mirror needs the ``mirror`` extra: Dask, PyArrow, DuckDB)
screening   :func:`screen_records`, :class:`Prioritizer` (active-learning queue),
            :func:`simulate_screening`, :func:`screening_metrics`, :func:`read_labelled_csv`,
            :func:`estimate_includes_left` (the stopping aid)
evidence    :func:`load_rubric`, :func:`score_evidence`, :func:`assessments_to_frame`
synthesis   :func:`appraise` (stream, GRADE start, risk of bias, indirectness, weight),
            :func:`synthesize`; tables :func:`verdicts_to_frame`, :func:`summary_of_findings`
outputs     :func:`export_review`, :func:`parse_formats`, the ``plot_*`` figures,
            :func:`sof_table_html` (a GRADEpro table for a notebook)
workbench   :func:`build_review`, :func:`review_figures`, :func:`write_review`,
            :class:`ScreeningPanel`, :class:`JudgingPanel` (ipywidgets),
            :func:`compare_reviews`, :func:`extraction_details` (machine-only review)
==========  ======================================================================
"""

from __future__ import annotations

import importlib
from importlib.metadata import version
from typing import Any

from .errors import (
    ConfigError,
    CorpusError,
    DatasetError,
    EutilsError,
    ExportError,
    LitreviewError,
    MirrorError,
    ParseError,
    RateLimitError,
)
from .settings import Settings

#: Public name -> module that defines it. Modules load on first use (PEP 562), so
#: ``import litreview.sources.pubmed_xml`` or the CLI do not pay for pandas and matplotlib.
_EXPORTS: dict[str, str] = {
    # claims register
    **dict.fromkeys(("Claim", "Mechanism", "load_mechanisms", "load_claims", "claims_to_frame"), "corpus.claims"),
    # search and fetch
    **dict.fromkeys(("build_queries", "queries_to_frame"), "corpus.queries"),
    "EutilsClient": "sources.eutils",
    "EutilsWarning": "sources.eutils_answers",
    **dict.fromkeys(("fetch_query", "refresh_snapshot"), "sources.fetch"),
    # records
    **dict.fromkeys(("Article", "records_to_frame"), "corpus.records"),
    **dict.fromkeys(("iter_pubmed_xml", "parse_pubmed_xml"), "sources.pubmed_xml"),
    # snapshot
    **dict.fromkeys(("Snapshot", "load_snapshot", "write_snapshot", "provenance_to_frame", "searches_to_frame",
                     "curated_to_frame"), "corpus.snapshot"),
    # screening, scoring, synthesis
    **dict.fromkeys(("ScreeningResult", "screen_records"), "screening.rules"),
    **dict.fromkeys(("Prioritizer", "simulate_screening", "screening_metrics", "read_labelled_csv"), "screening.priority"),
    **dict.fromkeys(("IncludesLeft", "estimate_includes_left"), "screening.stopping"),
    **dict.fromkeys(("Decision", "make_decision"), "corpus.decision_schema"),
    **dict.fromkeys(("DecisionLog", "load_decisions", "OrphanDecisionWarning"), "corpus.decisions"),
    "ScreeningPanel": "workbench.panels",
    "JudgingPanel": "workbench.judging_panel",
    **dict.fromkeys(("StudyAssessment", "load_rubric", "score_evidence", "assessments_to_frame"), "evidence.scoring"),
    **dict.fromkeys(("appraise",), "synthesis.appraisal"),
    **dict.fromkeys(("ClaimVerdict", "synthesize"), "synthesis.grade"),
    **dict.fromkeys(("verdicts_to_frame", "summary_of_findings"), "synthesis.summary"),
    # review, plots, export
    **dict.fromkeys(("find_corpus", "load_corpus", "find_review", "load_review", "ReviewInputs"), "corpus.layout"),
    **dict.fromkeys(("ReviewConfig", "Intervention", "load_review_config"), "corpus.review_config"),
    **dict.fromkeys(("create_review",), "corpus.review_folder"),
    **dict.fromkeys(("add_article", "load_articles"), "corpus.articles"),
    **dict.fromkeys(("suggest_claims",), "corpus.claim_suggest"),
    **dict.fromkeys(("Review", "build_review", "review_figures", "write_review"), "workbench.pipeline"),
    **dict.fromkeys(("compare_reviews", "extraction_details"), "workbench.machine"),
    **dict.fromkeys(("plot_evidence_map", "plot_prisma_flow", "plot_timeline"), "outputs.plots"),
    **dict.fromkeys(("ALL_FORMATS", "export_review", "parse_formats"), "outputs.export"),
    "sof_table_html": "outputs.report",
    # offline PubMed mirror (the functions need the ``mirror`` extra)
    **dict.fromkeys(("MirrorBuild", "build_mirror"), "sources.mirror_build"),
    **dict.fromkeys(("search_mirror", "open_mirror"), "sources.mirror"),
}

__version__ = version("litreview")

__all__ = [
    *_EXPORTS,
    "Settings",
    "LitreviewError", "ConfigError", "CorpusError", "ParseError", "ExportError", "MirrorError", "DatasetError",
    "EutilsError", "RateLimitError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    """Import the module defining ``name`` on first access."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'litreview' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Public names, for tab completion."""
    return sorted(set(globals()) | set(_EXPORTS))
