"""The screening stopping aid: how many includes are still among the unscreened records.

A prioritised screening finds most includes early; the yield (includes per
record screened) then falls as the queue runs into records that look less and
less like them. :func:`estimate_includes_left` models that discovery curve as a
counting process (as Sneyd & Stevenson 2019 do to stop a ranked review) and
adds up what it predicts for the records left::

    yield at position i  =  c * exp(b * sqrt(i / N)),   b <= 0

where ``N`` is the number of records and ``i`` the position in screening order.
``b <= 0`` is what prioritisation promises (the yield never rises, so at worst
the rest holds includes at today's rate, as a random order would); the square
root gives a longer tail than a plain exponential decay, whose bound missed the
truth too often in ``evaluation/stopping_aid.py``.

The fit is Bayesian and exact on a grid of ``b``. The priors are scale-free:
``1/c`` on the level, and flat on the logarithm of the share of the includes
already found (the curve's mass behind the current position), from what a
random order would have found (``b = 0``) to all of them. A prior flat on the
share itself presumes half of the includes found before any evidence, and its
bound missed the truth in most reviews after a handful of decisions; the
logarithm leaves every order of magnitude open. For each ``b`` the includes left
then follow a negative binomial (the Poisson count mixed over the level's gamma
posterior), mixed over the posterior of ``b``. The estimate is the posterior
predictive median, the upper bound its quantile at the chosen confidence: wide
while includes still come often, narrow once a long run of excludes pins the
tail down.

What the model cannot see: includes the ranking cannot recognise (a record with
no text, an include worded unlike the others) turn up at random, not on the
curve. The bound is a statement about the curve, not a guarantee; the
evaluation reports how often it held on eight labelled reviews.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import DatasetError

__all__ = ["IncludesLeft", "estimate_includes_left", "DEFAULT_CONFIDENCE"]

#: Confidence of the upper bound shown to reviewers.
DEFAULT_CONFIDENCE = 0.95
#: Exponent of the share screened in the decay (1 would be a plain exponential).
_SHAPE = 0.5
#: The grid of decays b: 0, then from -0.01 to -500 (by then every include has been found) evenly in log scale.
_DECAYS = np.concatenate([-np.geomspace(500.0, 0.01, 300), [0.0]])


@dataclass(frozen=True)
class IncludesLeft:
    """How many includes the unscreened records still hold, by the discovery curve.

    Attributes
    ----------
    estimate : int
        The posterior predictive median: as likely more as fewer, by the model.
    upper : int
        They hold at most this many with probability ``confidence``, by the model.
    confidence : float
        The upper bound's probability.
    screened, unscreened : int
        Records decided so far and records left.
    """

    estimate: int
    upper: int
    confidence: float
    screened: int
    unscreened: int

    def describe(self) -> str:
        """``about 2 includes left among the 180 unscreened (95 % upper bound 7)``."""
        return (f"about {self.estimate} include{'' if self.estimate == 1 else 's'} left among the "
                f"{self.unscreened} unscreened "
                f"({self.confidence * 100:.0f} % upper bound {self.upper})")


def estimate_includes_left(
    labels_in_order: Sequence[int], total: int, confidence: float = DEFAULT_CONFIDENCE, shape: float = _SHAPE,
) -> IncludesLeft:
    """Estimate the includes among the unscreened records from the discovery curve so far.

    Parameters
    ----------
    labels_in_order : sequence of int
        1 include / 0 exclude of every record decided so far, in the order they
        were screened (prior knowledge first).
    total : int
        Records in the review, screened or not.
    confidence : float
        Probability of the upper bound (default 0.95).
    shape : float
        Exponent of the share screened in the yield's decay (see the module
        docstring; 1 is a plain exponential). The default is the one
        ``evaluation/stopping_aid.py`` chose.

    Returns
    -------
    IncludesLeft

    Raises
    ------
    DatasetError
        No include decided yet (there is no curve to fit), more decisions than
        records, or a confidence outside [0.5, 1).

    Examples
    --------
    Includes at every record, then every other, then every fourth: the yield
    is falling but nobody knows how far. After 60 excludes in a row it has
    flattened out.

    >>> curve = [1] * 6 + [1, 0] * 6 + [1, 0, 0, 0] * 5
    >>> estimate_includes_left(curve, total=500).describe()
    'about 18 includes left among the 462 unscreened (95 % upper bound 114)'
    >>> estimate_includes_left(curve + [0] * 60, total=500).describe()
    'about 1 include left among the 402 unscreened (95 % upper bound 4)'
    """
    y = np.asarray(labels_in_order, dtype=float)
    screened = len(y)
    found = float(y.sum())
    if found == 0:
        raise DatasetError("the stopping aid needs at least one include among the decisions")
    if screened > total:
        raise DatasetError(f"{screened} decisions but only {total} records")
    if not 0.5 <= confidence < 1:
        raise DatasetError(f"confidence must be at least 0.5 and below 1, not {confidence}")
    left = total - screened
    if left == 0:
        return IncludesLeft(0, 0, confidence, screened, 0)
    position = (np.arange(1, total + 1) / total) ** shape
    # Per decay b: the curve's mass over the screened positions (seen) and the rest (ahead).
    seen, ahead = np.array([(e[:screened].sum(), e[screened:].sum())
                            for e in (np.exp(b * position) for b in _DECAYS)]).T
    found_share = seen / (seen + ahead)
    # Likelihood with the level integrated out, times the prior mass of each grid step in log(found_share).
    log_weight = _DECAYS * float(y @ position[:screened]) - found * np.log(seen)
    weight = np.exp(log_weight - log_weight.max()) * np.abs(np.gradient(np.log(found_share)))
    weight /= weight.sum()

    def quantile(q: float) -> int:
        """Smallest k with posterior predictive P(includes left <= k) >= q (at most ``left``)."""
        from scipy.stats import nbinom

        return bisect_left(range(left), q, key=lambda k: float(weight @ nbinom.cdf(k, found, found_share)))

    return IncludesLeft(quantile(0.5), quantile(confidence), confidence, screened, left)
