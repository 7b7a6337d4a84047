"""Relative and absolute effects for the Summary-of-Findings table, computed as GRADEpro does.

From what one study reports (:mod:`litreview.evidence.effects`: an estimate
and the per-arm risks of a dichotomous outcome):

- **comparator risk** per 1,000: the comparator arm's events / total (or
  percentage);
- a reported **RR, OR or HR with its 95% CI** and a comparator risk (CR): the
  intervention risk and the difference per 1,000 with its 95% CI, GRADEpro's
  way: RR x CR; an OR converted through the comparator risk,
  OR x CR / (1 - CR + OR x CR); an HR as 1 - (1 - CR)^HR; each CI bound
  converted the same way; a risk never above 1,000 per 1,000;
- **only counts**: the RR with its 95% CI (log method, as
  :func:`scipy.stats.contingency.relative_risk` computes it) and the risk
  difference per 1,000 with Newcombe's hybrid score interval (from Wilson
  intervals, as ``scipy.stats.binomtest(...).proportion_ci("wilson")``);
  percentages without arm sizes give the risks and the point estimates, and no
  CI. Both intervals are a few lines of arithmetic here, checked against
  scipy in the tests: importing ``scipy.stats`` would cost ``litreview run``
  about a second and 57 MB;
- a **difference** (SMD, MD, g, d...) in GRADEpro's words:
  ``"SMD 0.5 higher (0.2 higher to 0.8 higher)"``.

The cells say what could not be computed rather than leave a blank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from ..evidence.effects import Arms, Estimate

__all__ = ["EffectCells", "effect_cells", "intervention_risk", "log_rr_interval", "newcombe_difference",
           "wilson_interval"]

_NOT_REPORTED = "not reported"
_NO_SIZES = "no CI: arm sizes not stated"
_Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class EffectCells:
    """The two effect cells of one Summary-of-Findings row and how they were obtained.

    Attributes
    ----------
    relative : str
        ``"RR 2.80 (1.02 to 7.67)"``, ``"not applicable (continuous outcome)"`` or ``"not reported"``.
    absolute : str
        ``"400 per 1,000 vs 143 per 1,000; 257 more per 1,000 (from 55 more to 460 more)"``, a difference
        in words, or ``"not reported"``.
    method : str
        One sentence for the footnote: where the comparator risk came from and how the rest was computed.
    """

    relative: str
    absolute: str
    method: str = ""


def intervention_risk(measure: str, ratio: float, comparator_risk: float) -> float:
    """The intervention risk (0-1) a ratio implies at a comparator risk (GRADEpro's conversions).

    Parameters
    ----------
    measure : str
        ``RR`` or ``IRR`` (risk x ratio), ``OR`` (converted through the comparator risk) or ``HR``
        (1 - (1 - risk)^HR).
    ratio : float
    comparator_risk : float
        0-1.

    Returns
    -------
    float
        Capped at 1.

    Examples
    --------
    >>> round(intervention_risk("OR", 3.0, 0.2), 4)  # 3 x 0.2 / (1 - 0.2 + 3 x 0.2)
    0.4286
    """
    if measure == "OR":
        risk = ratio * comparator_risk / (1 - comparator_risk + ratio * comparator_risk)
    elif measure == "HR":
        risk = 1 - (1 - comparator_risk) ** ratio
    else:
        risk = ratio * comparator_risk
    return min(risk, 1.0)


def wilson_interval(events: int, total: int) -> tuple[float, float]:
    """95% Wilson score interval of a proportion.

    Parameters
    ----------
    events, total : int
        ``0 <= events <= total``, ``total > 0``.

    Returns
    -------
    tuple of (float, float)

    Examples
    --------
    >>> [round(b, 4) for b in wilson_interval(12, 30)]
    [0.2459, 0.5768]
    """
    p, z2 = events / total, _Z95 ** 2
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = _Z95 * math.sqrt(p * (1 - p) / total + z2 / (4 * total ** 2)) / (1 + z2 / total)
    return centre - half, centre + half


def log_rr_interval(events_i: int, total_i: int, events_c: int, total_c: int) -> tuple[float, float, float]:
    """The risk ratio and its 95% CI by the log method (Katz): ``exp(log RR +- z * SE)``.

    Parameters
    ----------
    events_i, total_i, events_c, total_c : int
        Events and totals of the intervention and comparator arms; both event counts above 0.

    Returns
    -------
    tuple of (float, float, float)
        RR, lower bound, upper bound.

    Examples
    --------
    >>> [round(v, 2) for v in log_rr_interval(12, 30, 4, 28)]
    [2.8, 1.02, 7.67]
    """
    rr = (events_i / total_i) / (events_c / total_c)
    se = math.sqrt(1 / events_i - 1 / total_i + 1 / events_c - 1 / total_c)
    return rr, rr * math.exp(-_Z95 * se), rr * math.exp(_Z95 * se)


def newcombe_difference(events_i: int, total_i: int, events_c: int, total_c: int) -> tuple[float, float]:
    """95% CI of the risk difference (intervention minus comparator), Newcombe's hybrid score method.

    Parameters
    ----------
    events_i, total_i, events_c, total_c : int
        Events and totals of the intervention and comparator arms.

    Returns
    -------
    tuple of (float, float)
        Lower and upper bound, as proportions.
    """
    p1, p2 = events_i / total_i, events_c / total_c
    l1, u1 = wilson_interval(events_i, total_i)
    l2, u2 = wilson_interval(events_c, total_c)
    return (p1 - p2 - ((p1 - l1) ** 2 + (u2 - p2) ** 2) ** 0.5,
            p1 - p2 + ((u1 - p1) ** 2 + (p2 - l2) ** 2) ** 0.5)


def _per_1000(risk: float) -> int:
    """A risk (0-1) or a difference as a whole number per 1,000."""
    return round(risk * 1000)


def _change(difference: float) -> str:
    """``"257 more"`` / ``"40 fewer"`` for a difference in risk (0-1)."""
    per = _per_1000(difference)
    return f"{abs(per):,} {'more' if per > 0 else 'fewer'}"


def _absolute(risk_i: float, risk_c: float, bounds: tuple[float, float] | None, why_no_ci: str = "") -> str:
    """``"400 per 1,000 vs 143 per 1,000; 257 more per 1,000 (from 55 more to 460 more)"``."""
    ci = f"from {_change(bounds[0])} to {_change(bounds[1])}" if bounds else why_no_ci
    return (f"{_per_1000(risk_i):,} per 1,000 vs {_per_1000(risk_c):,} per 1,000; "
            f"{_change(risk_i - risk_c)} per 1,000 ({ci})")


def _difference_words(estimate: Estimate) -> str:
    """``"SMD 0.5 higher (0.2 higher to 0.8 higher)"`` for a difference measure."""
    def said(number: str) -> str:
        return f"{number.lstrip('-')} {'lower' if number.startswith('-') else 'higher'}"
    ci = f" ({said(estimate.low)} to {said(estimate.high)})" if estimate.low and estimate.high else ""
    return f"{estimate.measure} {said(estimate.value)}{ci}"


def _from_ratio(estimate: Estimate, arms: Arms | None) -> EffectCells:
    """A reported ratio, applied to the comparator risk when the text gives one."""
    ratio = float(estimate.value)
    ci = f" ({estimate.low} to {estimate.high})" if estimate.low is not None else " (CI not reported)"
    relative = f"{estimate.measure} {estimate.value}{ci}"
    if arms is None:
        return EffectCells(relative, f"{_NOT_REPORTED} (no comparator risk in the text)",
                           "No comparator risk is reported, so no absolute effect is computed.")
    cr = arms.risk_comparator
    bounds = None
    if estimate.low is not None and estimate.high is not None:
        low, high = (intervention_risk(estimate.measure, float(b), cr) - cr for b in (estimate.low, estimate.high))
        bounds = (min(low, high), max(low, high))
    absolute = _absolute(intervention_risk(estimate.measure, ratio, cr), cr, bounds, "CI not reported")
    conversion = {"OR": "the OR converted through the comparator risk, OR x CR / (1 - CR + OR x CR)",
                  "HR": "1 - (1 - CR)^HR"}.get(estimate.measure, f"{estimate.measure} x CR")
    return EffectCells(relative, absolute,
                       f"Comparator risk (CR) {_per_1000(cr):,} per 1,000 from the comparator arm (intervention vs "
                       f"comparator: {arms}); "
                       f"intervention risk and difference from the reported {estimate.measure}"
                       f"{' and its 95% CI' if bounds else ' (no CI reported)'} ({conversion}), as GRADEpro computes "
                       "them.")


def _from_arms(arms: Arms) -> EffectCells:
    """Counts (or percentages) alone: RR and risk difference computed from the arms."""
    ri, rc = arms.risk_intervention, arms.risk_comparator
    sized = arms.events_intervention is not None and arms.events_comparator is not None
    if not sized:
        relative = (f"RR {ri / rc:.2f} ({_NO_SIZES})" if rc > 0 else "RR not estimable (no events with the "
                                                                       "comparator)")
        return EffectCells(relative, _absolute(ri, rc, None, _NO_SIZES),
                           f"Risks from the arms' percentages (intervention vs comparator: {arms}); the arm sizes are not stated, so no CI.")
    ei, ni, ec, nc = (int(arms.events_intervention), int(arms.total_intervention or 0),  # type: ignore[arg-type]
                      int(arms.events_comparator), int(arms.total_comparator or 0))  # type: ignore[arg-type]
    if ei == 0 or ec == 0:
        relative = "RR not estimable (no events in one arm)"
    else:
        rr, low, high = log_rr_interval(ei, ni, ec, nc)
        relative = f"RR {rr:.2f} ({low:.2f} to {high:.2f})"
    source = "counts" if arms.counted else "percentages of the stated arm sizes"
    return EffectCells(relative, _absolute(ri, rc, newcombe_difference(ei, ni, ec, nc)),
                       f"Computed from the arms' {source} (intervention vs comparator: {arms}): RR with its 95% CI by the log method, risk "
                       "difference with Newcombe's hybrid score interval.")


def effect_cells(estimate: Estimate | None, arms: Arms | None) -> EffectCells:
    """The relative and absolute effect cells from what one study reports.

    Parameters
    ----------
    estimate : Estimate, optional
        The reported estimate (:func:`litreview.evidence.effects.read_estimate`).
    arms : Arms, optional
        The per-arm risks of the outcome (:func:`litreview.evidence.effects.read_arms`).

    Returns
    -------
    EffectCells

    Examples
    --------
    >>> from litreview.evidence.effects import Arms
    >>> cells = effect_cells(None, Arms.from_counts(12, 30, 4, 28))
    >>> cells.relative
    'RR 2.80 (1.02 to 7.67)'
    """
    if estimate is not None and not estimate.is_ratio:
        return EffectCells("not applicable (continuous outcome)", _difference_words(estimate),
                           "A difference in means as the study reports it.")
    if estimate is not None and (estimate.low is not None or arms is None or arms.events_comparator is None):
        return _from_ratio(estimate, arms)
    if arms is not None:
        return _from_arms(arms)
    return EffectCells(_NOT_REPORTED, _NOT_REPORTED)
