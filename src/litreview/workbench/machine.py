"""Machine-only review: the review the machine builds alone, and how it compares with the curated one.

``litreview run --machine-only`` (``build_review(machine_only=True)``)
ignores every curator-written field -- the register's design, population,
n, direction, claim links and one-sentence findings, and the reviewers'
decisions log -- and works from title, abstract and PubMed metadata alone:

* :func:`machine_snapshot` drops the curator's judgements and summaries
  (a curated stand-in without an abstract then has nothing to read and is
  excluded at screening as "no abstract or curated summary");
* :func:`machine_pairs` decides which (record, claim) pairs are scored:
  relevance pairing (:func:`litreview.evidence.relevance.pair_claims`: each
  claim scored once per record, the review's other claims as its rivals) of
  the records screening included;
* every assessment is the machine's (``review_status`` ``unverified``), so
  synthesis marks and rates down each verdict that rests on it.

:func:`compare_reviews` lays the two reviews side by side per claim;
:func:`extraction_details` shows what the machine read from one record, with
the sentence each value came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from ..corpus.claims import Claim
from ..corpus.records import Article
from ..corpus.snapshot import Snapshot
from ..evidence.extraction import EXTRACTION_FIELDS, extract
from ..evidence.relevance import pair_claims
from ..screening.rules import ScreeningResult

if TYPE_CHECKING:
    from ..synthesis.grade import ClaimVerdict

__all__ = ["COMPARISON_COLUMNS", "machine_snapshot", "machine_pairs", "compare_reviews", "extraction_details"]

#: Columns of :func:`compare_reviews`, in order.
COMPARISON_COLUMNS = [
    "claim_id", "curated_verdict", "machine_verdict", "verdict_agrees", "curated_certainty", "machine_certainty",
    "only_curated", "only_machine", "direction_differs",
]


def machine_snapshot(snapshot: Snapshot) -> Snapshot:
    """The snapshot without anything a curator wrote: no judgements, no curated summaries.

    Parameters
    ----------
    snapshot : Snapshot

    Returns
    -------
    Snapshot
        Same records (title, abstract, PubMed metadata), searches and provenance.
    """
    records = tuple(replace(a, curated_summary=None) if a.curated_summary else a for a in snapshot.records)
    return Snapshot(records=records, searches=snapshot.searches, provenance=snapshot.provenance, curated=())


def machine_pairs(screening: ScreeningResult, snapshot: Snapshot, claims: Sequence[Claim],
                  pairing: str = "relevance") -> tuple[tuple[str, str], ...]:
    """The (record key, claim id) pairs the machine scores: the one place that decides them.

    Parameters
    ----------
    screening : ScreeningResult
        Screening of a :func:`machine_snapshot` (so no curator links).
    snapshot : Snapshot
        The same machine snapshot (the records' title and abstract).
    claims : sequence of Claim
        The review's claims.
    pairing : {"relevance", "screening"}
        ``relevance`` (default): each record screening included is paired
        with each claim :func:`litreview.evidence.relevance.pair_claims`
        pairs it with, the review's other claims as rivals (a record is
        paired only with the claims it is most about; each claim is scored
        once per record and reused as the others' rival); a fact check's claim
        keeps screening's pairs of the sources its check cites (checked,
        not graded; no other record is paired with it).
        ``screening``: screening's own pairing (an included record with each
        claim of its mechanism whose outcome words it mentions), kept to
        measure one against the other.

    Returns
    -------
    tuple of (str, str)
        Sorted by record key, then claim order.
    """
    if pairing == "screening":
        return screening.pairs
    if pairing != "relevance":
        raise ValueError(f"pairing must be 'relevance' or 'screening', not {pairing!r}")
    graded = [c for c in claims if not c.fact]
    # a fact check is checked against the sources it cites, not graded: screening's pairs of those sources only
    sources = {(key, c.id) for c in claims if c.fact for key in c.fact.sources}
    log = screening.log
    included = sorted(set(log.loc[log["decision"] == "included", "key"]))
    pairs = [(key, p.claim_id) for key in included for p in pair_claims(graded, snapshot.record(key))]
    return tuple(sorted({*pairs, *(p for p in screening.pairs if p in sources)},
                        key=lambda p: (p[0], [c.id for c in claims].index(p[1]))))


def _keys(studies: pd.DataFrame, claim_id: str) -> dict[str, str]:
    """Voting study key -> direction for one claim."""
    part = studies[(studies["claim_id"] == claim_id) & studies["votes"].astype(bool)]
    return dict(zip(part["key"], part["direction"]))


def compare_reviews(curated: Sequence[ClaimVerdict], machine: Sequence[ClaimVerdict], curated_studies: pd.DataFrame,
                    machine_studies: pd.DataFrame) -> pd.DataFrame:
    """Per claim: the curated and the machine verdict and certainty, and the studies that differ.

    Parameters
    ----------
    curated, machine : sequence of ClaimVerdict
        The two reviews' verdicts (same claims).
    curated_studies, machine_studies : pandas.DataFrame
        The two reviews' appraised studies (``Review.studies``).

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARISON_COLUMNS`: ``only_curated`` / ``only_machine`` list the
        voting studies one review counts and the other does not,
        ``direction_differs`` those both count with different directions
        (``key: curated -> machine``).
    """
    by_claim = {v.claim_id: v for v in machine}
    rows = []
    for verdict in curated:
        other = by_claim.get(verdict.claim_id)
        mine, theirs = _keys(curated_studies, verdict.claim_id), _keys(machine_studies, verdict.claim_id)
        rows.append({
            "claim_id": verdict.claim_id,
            "curated_verdict": verdict.verdict_code,
            "machine_verdict": other.verdict_code if other else "no_evidence",
            "verdict_agrees": other is not None and other.verdict_code == verdict.verdict_code,
            "curated_certainty": verdict.certainty,
            "machine_certainty": other.certainty if other else "",
            "only_curated": ", ".join(sorted(set(mine) - set(theirs))),
            "only_machine": ", ".join(sorted(set(theirs) - set(mine))),
            "direction_differs": ", ".join(f"{k}: {mine[k]} -> {theirs[k]}" for k in sorted(set(mine) & set(theirs))
                                           if mine[k] != theirs[k]),
        })
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def extraction_details(article: Article, claim: Claim) -> pd.DataFrame:
    """What the machine read from one record for one claim: each stated field, its value and its sentence.

    Parameters
    ----------
    article : Article
        The record (only title and abstract are read).
    claim : Claim

    Returns
    -------
    pandas.DataFrame
        Columns ``field``, ``value``, ``sentence`` (the text at the value's
        span in ``title + "\\n" + abstract``), one row per field of
        :func:`litreview.evidence.extraction.extract` the text states, in
        field order; fields the text does not state are left out.
    """
    text = f"{article.title}\n{article.abstract or ''}"
    found = extract(article, claim)
    rows = [{"field": name, "value": value.value, "sentence": text[value.start:value.end]}
            for name in EXTRACTION_FIELDS if (value := getattr(found, name)) is not None]
    return pd.DataFrame(rows, columns=["field", "value", "sentence"])
