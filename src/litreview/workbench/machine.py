"""Machine-only review: the review the machine builds alone, and how it compares with the curated one.

``litreview run --machine-only`` (``build_review(machine_only=True)``)
ignores every curator-written field -- the register's design, population,
n, direction, claim links and one-sentence findings, and the reviewers'
decisions log -- and works from title, abstract and PubMed metadata alone:

* :func:`machine_snapshot` drops the curator's judgements and summaries
  (a curated stand-in without an abstract then has nothing to read and is
  excluded at screening as "no abstract or curated summary");
* :func:`machine_pairs` decides which (record, claim) pairs are scored: today
  screening's pairing (included records x the claims of their mechanism whose
  outcome they mention); it is the one place to switch to relevance pairing;
* every assessment is the machine's (``review_status`` ``unverified``), so
  synthesis marks and rates down each verdict that rests on it.

:func:`compare_reviews` lays the two reviews side by side per claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from ..corpus.snapshot import Snapshot
from ..screening.rules import ScreeningResult

if TYPE_CHECKING:
    from ..synthesis.grade import ClaimVerdict

__all__ = ["COMPARISON_COLUMNS", "machine_snapshot", "machine_pairs", "compare_reviews"]

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


def machine_pairs(screening: ScreeningResult) -> tuple[tuple[str, str], ...]:
    """The (record key, claim id) pairs the machine scores.

    Today this is screening's pairing (an included record with each claim of
    its mechanism whose outcome words its text mentions); relevance pairing
    replaces it here, and only here.

    Parameters
    ----------
    screening : ScreeningResult
        Screening of a :func:`machine_snapshot` (so no curator links).

    Returns
    -------
    tuple of (str, str)
    """
    return screening.pairs


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
