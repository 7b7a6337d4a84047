"""Agreement between reviewers: Cohen's kappa per stage over the items two reviewers both decided."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

import pandas as pd

__all__ = ["cohen_kappa", "kappa_table"]


def kappa_table(latest: Mapping[tuple[str, str | None, str, str], Any]) -> pd.DataFrame:
    """Cohen's kappa per stage between every two reviewers who decided the same items.

    Both screening stages compare include/exclude; judging compares directions.
    Resolutions are left out (they are not an independent reading).

    Returns
    -------
    pandas.DataFrame
        ``stage, reviewer_a, reviewer_b, items`` (decided by both),
        ``agreement`` (observed proportion) and ``kappa`` (NaN when undefined:
        both reviewers gave one same answer throughout).
    """
    rows = []
    for stage, category in (("screen", "decision"), ("fulltext", "decision"), ("judge", "direction")):
        answers: dict[str, dict[tuple[str, str | None], Any]] = {}
        for (key, claim, item_stage, reviewer), decision in latest.items():
            value = getattr(decision, category)
            if item_stage == stage and value is not None:
                answers.setdefault(reviewer, {})[(key, claim)] = value
        for a, b in combinations(sorted(answers), 2):
            shared = sorted(set(answers[a]) & set(answers[b]), key=lambda i: (i[0], i[1] or ""))
            if not shared:
                continue
            first = [answers[a][i] for i in shared]
            second = [answers[b][i] for i in shared]
            rows.append({"stage": stage, "reviewer_a": a, "reviewer_b": b, "items": len(shared),
                         "agreement": sum(x == y for x, y in zip(first, second)) / len(shared),
                         "kappa": cohen_kappa(first, second)})
    return pd.DataFrame(rows, columns=["stage", "reviewer_a", "reviewer_b", "items", "agreement", "kappa"])


def cohen_kappa(first: list[Any], second: list[Any]) -> float:
    """Cohen's kappa between two raters' answers on the same items (scikit-learn's estimate).

    Returns NaN when chance agreement is 1 (both raters gave one same answer
    throughout), where kappa is undefined.
    """
    from sklearn.metrics import cohen_kappa_score

    if len(set(first) | set(second)) < 2:
        return float("nan")
    return float(cohen_kappa_score(first, second))
