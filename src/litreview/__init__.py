"""litreview: check health claims against the biomedical literature.

The package is one module per pipeline stage; the names an analyst needs are
re-exported here so a notebook can ``import litreview as lr``:

==========  ======================================================================
claims      :func:`load_mechanisms`, :func:`load_claims`, :func:`claims_to_frame`
search      :func:`build_queries`, :func:`queries_to_frame`, :class:`EutilsClient`,
            :func:`refresh_snapshot`
records     :class:`Article`, :func:`records_to_frame`, :func:`iter_pubmed_xml`,
            :func:`parse_pubmed_xml`
snapshot    :func:`load_snapshot`, :func:`write_snapshot`, :func:`provenance_to_frame`,
            :func:`searches_to_frame`, :func:`curated_to_frame`
screen      :func:`screen_records`, :class:`Prioritizer` (active-learning queue),
            :func:`simulate_screening`, :func:`screening_metrics`, :func:`read_labelled_csv`,
            :func:`estimate_includes_left` (the stopping aid)
decisions   :func:`load_decisions`, :func:`make_decision`, :class:`DecisionLog` (reviewers'
            log: conflicts, kappa), :class:`ScreeningPanel`, :class:`JudgingPanel` (ipywidgets)
score       :func:`load_rubric`, :func:`score_evidence`, :func:`assessments_to_frame`
appraisal   :func:`appraise` (stream, GRADE start, risk of bias, indirectness, weight)
synthesis   :func:`synthesize`; tables :func:`verdicts_to_frame`, :func:`summary_of_findings`
review      :func:`find_corpus`, :func:`load_corpus`, :func:`build_review`,
            :func:`review_figures`, :func:`write_review`, the ``plot_*`` figures
export      :func:`export_review`, :func:`parse_formats`
mirror      :func:`build_mirror`, :func:`search_mirror`, :func:`open_mirror` (needs the
            ``mirror`` extra: Dask, PyArrow, DuckDB)
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
#: ``import litreview.pubmed_xml`` or the CLI do not pay for pandas and matplotlib.
_EXPORTS: dict[str, str] = {
    # claims register
    **dict.fromkeys(("Claim", "Mechanism", "load_mechanisms", "load_claims", "claims_to_frame"), "claims"),
    # search and fetch
    **dict.fromkeys(("build_queries", "queries_to_frame"), "queries"),
    **dict.fromkeys(("EutilsClient", "EutilsWarning"), "eutils"),
    **dict.fromkeys(("fetch_query", "refresh_snapshot"), "fetch"),
    # records
    **dict.fromkeys(("Article", "records_to_frame"), "records"),
    **dict.fromkeys(("iter_pubmed_xml", "parse_pubmed_xml"), "pubmed_xml"),
    # snapshot
    **dict.fromkeys(("Snapshot", "load_snapshot", "write_snapshot", "provenance_to_frame", "searches_to_frame",
                     "curated_to_frame"), "snapshot"),
    # screening, scoring, synthesis
    **dict.fromkeys(("ScreeningResult", "screen_records"), "screen"),
    **dict.fromkeys(("Prioritizer", "simulate_screening", "screening_metrics", "read_labelled_csv"), "priority"),
    **dict.fromkeys(("IncludesLeft", "estimate_includes_left"), "stopping"),
    **dict.fromkeys(("Decision", "DecisionLog", "load_decisions", "make_decision", "OrphanDecisionWarning"),
                    "decisions"),
    **dict.fromkeys(("ScreeningPanel", "JudgingPanel"), "panel"),
    **dict.fromkeys(("StudyAssessment", "load_rubric", "score_evidence", "assessments_to_frame"), "evidence"),
    **dict.fromkeys(("appraise",), "appraisal"),
    **dict.fromkeys(("ClaimVerdict", "synthesize"), "synthesis"),
    **dict.fromkeys(("verdicts_to_frame", "summary_of_findings"), "summary"),
    # review, plots, export
    **dict.fromkeys(("Review", "find_corpus", "load_corpus", "build_review", "review_figures", "write_review"),
                    "review"),
    **dict.fromkeys(("plot_evidence_map", "plot_prisma_flow", "plot_timeline"), "plots"),
    **dict.fromkeys(("ALL_FORMATS", "export_review", "parse_formats"), "export"),
    # offline PubMed mirror (the functions need the ``mirror`` extra)
    **dict.fromkeys(("MirrorBuild", "build_mirror", "search_mirror", "open_mirror"), "mirror"),
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
