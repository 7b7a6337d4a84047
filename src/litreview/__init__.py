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
screen      :func:`screen_records`
score       :func:`load_rubric`, :func:`score_evidence`, :func:`assessments_to_frame`
synthesis   :func:`synthesize`, :func:`verdicts_to_frame`
review      :func:`find_corpus`, :func:`load_corpus`, :func:`build_review`,
            :func:`review_figures`, :func:`write_review`, the ``plot_*`` figures
export      :func:`export_review`, :func:`parse_formats`
mirror      :func:`build_mirror`, :func:`search_mirror`, :func:`open_mirror` (needs the
            ``mirror`` extra: Dask, PyArrow, DuckDB)
==========  ======================================================================
"""

from importlib.metadata import version

from .claims import Claim, Mechanism, claims_to_frame, load_claims, load_mechanisms
from .errors import (
    ConfigError,
    CorpusError,
    EutilsError,
    ExportError,
    LitreviewError,
    MirrorError,
    ParseError,
    RateLimitError,
)
from .eutils import EutilsClient, EutilsWarning
from .evidence import StudyAssessment, assessments_to_frame, load_rubric, score_evidence
from .export import ALL_FORMATS, export_review, parse_formats
from .fetch import fetch_query, refresh_snapshot
from .mirror import MirrorBuild, build_mirror, open_mirror, search_mirror
from .plots import plot_evidence_map, plot_prisma_flow, plot_timeline
from .pubmed_xml import iter_pubmed_xml, parse_pubmed_xml
from .queries import build_queries, queries_to_frame
from .records import Article, records_to_frame
from .review import Review, build_review, find_corpus, load_corpus, review_figures, write_review
from .screen import ScreeningResult, screen_records
from .settings import Settings
from .snapshot import (
    Snapshot,
    curated_to_frame,
    load_snapshot,
    provenance_to_frame,
    searches_to_frame,
    write_snapshot,
)
from .synthesis import ClaimVerdict, synthesize, verdicts_to_frame

__version__ = version("litreview")

__all__ = [
    # claims register
    "Claim", "Mechanism", "load_mechanisms", "load_claims", "claims_to_frame",
    # search and fetch
    "build_queries", "queries_to_frame", "EutilsClient", "EutilsWarning", "fetch_query", "refresh_snapshot",
    # records
    "Article", "records_to_frame", "iter_pubmed_xml", "parse_pubmed_xml",
    # snapshot
    "Snapshot", "load_snapshot", "write_snapshot", "provenance_to_frame", "searches_to_frame", "curated_to_frame",
    # screening, scoring, synthesis
    "ScreeningResult", "screen_records",
    "StudyAssessment", "load_rubric", "score_evidence", "assessments_to_frame",
    "ClaimVerdict", "synthesize", "verdicts_to_frame",
    # review, plots, export
    "Review", "find_corpus", "load_corpus", "build_review", "review_figures", "write_review",
    "plot_evidence_map", "plot_prisma_flow", "plot_timeline",
    "ALL_FORMATS", "export_review", "parse_formats",
    # offline PubMed mirror
    "MirrorBuild", "build_mirror", "search_mirror", "open_mirror",
    # configuration and errors
    "Settings",
    "LitreviewError", "ConfigError", "CorpusError", "ParseError", "ExportError", "MirrorError", "EutilsError",
    "RateLimitError",
    "__version__",
]
