"""Each study's role in its claim's verdict, and the queue of machine judgements to check.

:func:`study_roles` gives ``studies.csv`` its ``role`` column (``decides``,
``represented``, ``shown only``) and ``needs_reviewer``; :func:`judge_queue`
orders the unverified judgements for ``litreview screen next --stage judge``:
those a verdict rests on (a quarter of its weight, or flipping it) first.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .grade import ClaimVerdict

__all__ = ["ROLES", "judge_queue", "study_roles"]

#: Values of the ``role`` column of ``studies.csv``.
ROLES = ("decides", "represented", "shown only")


def study_roles(studies: pd.DataFrame, verdicts: Sequence[ClaimVerdict]) -> pd.DataFrame:
    """Add ``role`` (decides / represented / shown only) and ``needs_reviewer`` to the appraised studies.

    Parameters
    ----------
    studies : pandas.DataFrame
        Appraised assessments with ``key`` and ``claim_id``.
    verdicts : sequence of ClaimVerdict
        The verdicts synthesized from them.

    Returns
    -------
    pandas.DataFrame
        A copy with the two columns: ``decides`` for a study of the body the
        verdict rests on, ``represented`` for one a review in that body stands
        for, ``shown only`` otherwise (other stream, not voting, excluded, or a
        fact check's source).
    """
    decides = {(v.claim_id, k) for v in verdicts for k in v.deciding}
    represented = {(v.claim_id, k) for v in verdicts for k in v.represented}
    needs = {(v.claim_id, k) for v in verdicts for k in v.needs_reviewer}
    pairs = list(zip(studies["claim_id"], studies["key"]))
    out = studies.copy()
    out["role"] = ["decides" if p in decides else "represented" if p in represented else "shown only" for p in pairs]
    out["needs_reviewer"] = [p in needs for p in pairs]
    return out


def judge_queue(studies: pd.DataFrame) -> pd.DataFrame:
    """The machine's judgements no reviewer has checked, those that need a reviewer first.

    Parameters
    ----------
    studies : pandas.DataFrame
        The review's studies (:attr:`litreview.workbench.pipeline.Review.studies`),
        with ``review_status``, ``needs_reviewer``, ``auto_confidence`` and ``weight``.

    Returns
    -------
    pandas.DataFrame
        The unverified judgements: those that carry >= 25 % of a verdict's
        weight or flip it (``needs_reviewer``) first, then least confident first.
    """
    waiting = studies[studies["review_status"] == "unverified"]
    return waiting.sort_values(["needs_reviewer", "auto_confidence", "claim_id", "key"],
                               ascending=[False, True, True, True]).reset_index(drop=True)
