"""Every controlled vocabulary of a review, the machine's beside the curator's.

The machine's vocabularies are what the evidence stage writes and a reviewer
may choose from; the curator's are what the evidence register uses. The
mapping from the curator's words to the machine's lives with the snapshot
(:func:`litreview.corpus.snapshot.curated_fields`).
"""

from __future__ import annotations

__all__ = [
    "DESIGNS", "POPULATIONS", "DIRECTIONS", "FLAGS",
    "CURATED_DESIGNS", "CURATED_POPULATIONS", "CURATED_DIRECTIONS", "VERIFICATIONS", "SOURCES", "ORIGINS",
]

#: Study designs the machine assigns, strongest evidence level first (CEBM order).
DESIGNS = (
    "meta_analysis", "systematic_review", "rct", "controlled_trial", "cohort", "case_control",
    "cross_sectional", "case_series", "case_report", "narrative_review", "experimental", "editorial", "other",
)
#: Who or what was studied.
POPULATIONS = ("human", "animal", "in_vitro", "mixed", "unknown")
#: What a study's finding says about a claim.
DIRECTIONS = ("supports", "contradicts", "no_effect", "mixed", "unclear", "context")
#: Record flags shown beside every assessment.
FLAGS = ("retracted", "erratum", "expression_of_concern", "no_abstract", "curated_summary", "not_english")

#: Curator directions. The register's ``null`` is read as ``no_effect`` (a label
#: pandas does not turn into NaN when it reads a CSV back).
CURATED_DIRECTIONS = ("supports", "contradicts", "mixed", "no_effect", "context")
#: Curator designs and populations.
CURATED_DESIGNS = ("meta_analysis", "systematic_review", "rct", "controlled_trial", "cohort", "case_control",
                   "cross_sectional", "case_series", "case_report", "animal", "in_vitro", "narrative_review", "other")
CURATED_POPULATIONS = ("human", "animal", "in_vitro", "mixed")
#: How strongly a register row's identifier was verified, strongest first.
VERIFICATIONS = ("pubmed_or_pmc_page", "secondary_page", "doi_page", "pmid_not_seen")
#: Where a record came from, and where a search's hits came from.
SOURCES = ("curated", "pubmed", "imported")
ORIGINS = ("curated_register", "esearch", "mirror", "import")
