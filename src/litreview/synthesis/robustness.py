"""How much a verdict depends on single studies and on who read them; the role each study plays.

Beside every verdict, :func:`assess_robustness` recomputes the verdict code

- with each study of the deciding body left out (a review left out gives its
  represented studies back), and
- with the machine's reading of the direction in place of every
  reviewer-verified one (studies the machine would not count drop out),

and says ``stable`` or ``fragile: <what flips it>``. A machine judgement that
nobody has checked needs a reviewer when it carries at least a quarter of the
body's weight or flips the verdict when left out (verification in proportion
to influence).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from .grade_rules import INFLUENCE_SHARE

__all__ = ["Robustness", "assess_robustness", "machine_readings"]

_VOTING = ("supports", "contradicts", "no_effect", "mixed")
#: Studies named in the summary before "and N more".
_NAMED = 3


@dataclass(frozen=True)
class Robustness:
    """Whether a verdict code survives leaving studies out and the machine's readings.

    Attributes
    ----------
    summary : str
        ``stable`` or ``fragile: ...`` (the ``robustness`` column).
    detail : str
        The footnote: what was tried and what each change gives.
    flips : tuple of str
        Keys of the studies whose removal changes the verdict code.
    needs_reviewer : tuple of str
        Keys of unchecked machine judgements that carry >= 25 % of the weight or flip the verdict.
    """

    summary: str
    detail: str
    flips: tuple[str, ...]
    needs_reviewer: tuple[str, ...]


def machine_readings(voting: pd.DataFrame) -> pd.DataFrame | None:
    """The voting studies with the machine's direction in place of each reviewer-verified one.

    Returns None when the table has no machine reading or the machine agrees everywhere; studies whose machine
    direction does not vote (unclear, context) drop out.
    """
    if "auto_direction" not in voting or "review_status" not in voting:
        return None
    swap = (voting["review_status"] == "verified") & voting["auto_direction"].notna() & (
        voting["auto_direction"] != voting["direction"])
    if not swap.any():
        return None
    machine = voting.copy()
    machine.loc[swap, "direction"] = machine.loc[swap, "auto_direction"]
    return machine[machine["direction"].isin(_VOTING)]


def _code_words(code: str) -> str:
    """``not_supported`` -> ``not supported``."""
    return code.replace("_", " ")


def _listed(items: Sequence[str]) -> str:
    """The first few items, then "and N more"."""
    more = len(items) - _NAMED
    return "; ".join(items[:_NAMED]) + (f"; and {more} more" if more > 0 else "")


def assess_robustness(voting: pd.DataFrame, body: pd.DataFrame, code: str,
                      decide: Callable[[pd.DataFrame], str]) -> Robustness:
    """Recompute the verdict code without each deciding study and with the machine's readings.

    Parameters
    ----------
    voting : pandas.DataFrame
        Every voting study of the claim (all streams).
    body : pandas.DataFrame
        The studies the verdict rests on (a subset of ``voting``, same index).
    code : str
        The verdict code.
    decide : callable
        Verdict code of a table of voting studies (the same rules that gave ``code``).

    Returns
    -------
    Robustness
    """
    flips: list[str] = []
    changes: list[str] = []
    for idx, key, label in zip(body.index, body["key"], body["label"]):
        rest = voting.drop(index=idx)
        other = decide(rest) if len(rest) else "no_evidence"
        if other != code:
            flips.append(str(key))
            changes.append(f"without {label or key}: {_code_words(other)}")
    tried = f"left out one at a time, {len(body)} deciding {'study' if len(body) == 1 else 'studies'}"
    machine = machine_readings(voting)
    if machine is not None:
        swapped = int((machine["direction"] != voting.loc[machine.index, "direction"]).sum()) + len(voting) - len(
            machine)
        other = decide(machine) if len(machine) else "no_evidence"
        tried += f"; the machine's reading in place of {swapped} reviewer-verified {'one' if swapped == 1 else 'ones'}"
        if other != code:
            changes.append(f"machine readings: {_code_words(other)}")
    total = float(body["weight"].sum())
    needs = []
    if "review_status" in body:
        for key, weight, status in zip(body["key"], body["weight"], body["review_status"]):
            if status == "unverified" and (str(key) in flips or (total and float(weight) / total >= INFLUENCE_SHARE)):
                needs.append(str(key))
    summary = f"fragile: {_listed(changes)}" if changes else "stable"
    detail = f"{tried}: " + ("; ".join(changes) if changes else f"the verdict stays {_code_words(code)}") + "."
    if needs:
        detail += (f" Machine judgements that carry >= {INFLUENCE_SHARE:.0%} of the weight or flip the verdict need a "
                   f"reviewer: {', '.join(needs)}.")
    return Robustness(summary, detail, tuple(flips), tuple(needs))
