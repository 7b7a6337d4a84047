"""The GRADE rules for one body of evidence: weighed direction, starting level, the five domains, the cap.

A *body* is a table of appraised studies (:func:`litreview.synthesis.appraisal.appraise`)
that :mod:`litreview.synthesis.grade` has chosen for one claim and one stream. Every
function here reads only that table, so each rule can be tested on a made-up
body and recomputed from the columns ``review.csv`` and ``studies.csv`` show.
``docs/synthesis.md`` gives every threshold with a worked claim.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "CERTAINTY_LEVELS",
    "DOMAINS",
    "DOMAIN_LABELS",
    "Domain",
    "direction_code",
    "direction_shares",
    "directions_text",
]

CERTAINTY_LEVELS = ("very low", "low", "moderate", "high")
DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias", "other")
DOMAIN_LABELS = {
    "risk_of_bias": "Risk of bias", "inconsistency": "Inconsistency", "indirectness": "Indirectness",
    "imprecision": "Imprecision", "publication_bias": "Publication bias", "other": "Other considerations",
}
#: Shares of the body's weight that decide the verdict and the domains.
SUPPORTED_SHARE, PARTLY_SHARE, CONTEST_SHARE, MAJORITY_SHARE = 0.75, 0.5, 0.25, 0.5
#: Participants below which a body is imprecise (GRADE's rule of thumb for an optimal information size).
OIS = 400
#: Participants below which imprecision is very serious (far below the OIS: GRADE guidance 34).
SMALL_BODY = 100
PUBLICATION_BIAS_MIN_STUDIES = 10
#: Weight share from which one machine judgement needs a reviewer (and costs a level).
INFLUENCE_SHARE = 0.25
_DESIGN_NAMES = {"rct": "RCT", "meta_analysis": "meta-analysis", "experimental": "laboratory experiment"}
_DIRECTION_WORDS = {"supports": "support", "mixed": "mixed", "no_effect": "no effect", "contradicts": "opposite"}


class PartVerdict(NamedTuple):
    """The verdict on one part of a bundled claim."""

    label: str
    code: str
    directions: str
    certainty: str


@dataclass(frozen=True)
class Domain:
    """One GRADE domain's judgement for a body of evidence.

    Attributes
    ----------
    name : str
        One of :data:`DOMAINS`.
    judgement : str
        ``not serious``, ``serious``, ``very serious``, ``suspected``,
        ``not assessed`` or ``none``.
    change : int
        Levels rated down (0, -1 or -2).
    reason : str
        The footnote in words ("" when there is nothing to add).
    """

    name: str
    judgement: str
    change: int
    reason: str


# -- small helpers ------------------------------------------------------------------------


def _label(study: pd.Series) -> str:
    """``Zarate 2006`` style label of a study (falls back to its key)."""
    return str(study.get("label") or study["key"])


def _names(rows: pd.DataFrame, limit: int = 4, where: Sequence[bool] | None = None) -> str:
    """Labels of up to ``limit`` studies (only those where ``where`` holds, when given), heaviest first."""
    found = zip(rows["weight"], rows["key"], rows["label"])
    return _ranked(list(found) if where is None else [r for r, keep in zip(found, where) if keep], limit)


def _ranked(studies: Sequence[tuple[float, str, str]], limit: int) -> str:
    """Labels of up to ``limit`` (weight, key, label) studies, heaviest first, then "and N more"."""
    ordered = sorted(studies, key=lambda r: (-r[0], r[1]))
    labels = [str(label or key) for _, key, label in ordered[:limit]]
    more = len(studies) - len(labels)
    return ", ".join(labels) + (f" and {more} more" if more > 0 else "")


def _share(rows: pd.DataFrame, mask: pd.Series, column: str = "base_weight") -> float:
    """Share of ``column``'s total carried by the rows where ``mask`` holds."""
    weights = rows[column].to_numpy(dtype=float)
    total = float(weights.sum())
    return float(weights[np.asarray(mask, dtype=bool)].sum()) / total if total else 0.0


def _by_item(rows: pd.DataFrame, column: str, where: Sequence[bool]) -> str:
    """``"reason (Study A, Study B); other reason (Study C)"`` for a ``"; "``-joined text column, commonest first
    (only the rows where ``where`` holds)."""
    holders: dict[str, list[tuple[float, str, str]]] = {}
    for text, keep, study in zip(rows[column], where, zip(rows["weight"], rows["key"], rows["label"])):
        if keep:
            for item in filter(None, str(text).split("; ")):
                holders.setdefault(item, []).append(study)
    ordered = sorted(holders.items(), key=lambda kv: -len(kv[1]))  # stable: first seen first on ties
    return "; ".join(f"{item} ({_ranked(studies, 3)})" for item, studies in ordered)


def directions_text(directions: Sequence[str]) -> str:
    """``["supports", "supports", "mixed"]`` -> ``"2 support, 1 mixed"`` (fixed order)."""
    counts = Counter(directions)
    return ", ".join(f"{counts[d]} {w}" for d, w in _DIRECTION_WORDS.items() if counts[d])


def _design_summary(body: pd.DataFrame) -> str:
    """``"2 RCT, 1 meta-analysis"`` for the designs in a body."""
    counts = Counter(body["design"])
    return ", ".join(f"{n} {_DESIGN_NAMES.get(d, d.replace('_', ' '))}" for d, n in sorted(counts.items()))


# -- direction ----------------------------------------------------------------------------


def direction_shares(body: pd.DataFrame) -> dict[str, float]:
    """Weight shares of the body: each direction, plus ``support`` (supports + half of mixed) and
    ``contrary`` (opposite + no effect).

    Parameters
    ----------
    body : pandas.DataFrame
        Studies with ``direction`` and ``weight``.

    Returns
    -------
    dict of str to float
        Keys ``supports``, ``mixed``, ``no_effect``, ``contradicts``, ``support``, ``contrary``.
    """
    total = float(body["weight"].sum())
    weights = Counter()
    for direction, weight in zip(body["direction"], body["weight"]):
        weights[direction] += float(weight)
    shares = {d: weights[d] / total if total else 0.0 for d in _DIRECTION_WORDS}
    shares["support"] = shares["supports"] + shares["mixed"] / 2
    shares["contrary"] = shares["contradicts"] + shares["no_effect"]
    return shares


def direction_code(shares: dict[str, float]) -> str:
    """Verdict code of a body from its weight shares (:func:`direction_shares`).

    One support share (supports + half of mixed) decides every threshold:
    contested when support and contrary findings each carry >= 25 % and support
    stays below 75 %; supported at >= 75 %; partly supported at >= 50 %;
    otherwise contradicted when opposite effects carry at least as much as null
    findings, else not supported.

    Parameters
    ----------
    shares : dict of str to float
        As :func:`direction_shares` returns them.

    Returns
    -------
    str
        ``supported``, ``partly_supported``, ``contested``, ``contradicted`` or ``not_supported``.

    Examples
    --------
    >>> direction_code({"supports": 0.0, "mixed": 0.7, "contradicts": 0.3, "no_effect": 0.0,
    ...                 "support": 0.35, "contrary": 0.3})
    'contested'
    """
    support, contrary = shares["support"], shares["contrary"]
    if support >= CONTEST_SHARE and contrary >= CONTEST_SHARE and support < SUPPORTED_SHARE:
        return "contested"
    if support >= SUPPORTED_SHARE:
        return "supported"
    if support >= PARTLY_SHARE:
        return "partly_supported"
    return "contradicted" if shares["contradicts"] >= shares["no_effect"] else "not_supported"


def _direction_code(body: pd.DataFrame) -> tuple[str, dict[str, float]]:
    """Verdict code and weight shares of a body."""
    shares = direction_shares(body)
    return direction_code(shares), shares


def same_side(first: str, second: str) -> bool:
    """Whether two direction codes point the same way (both for the claim, or both against it)."""
    sides = {"supported": 1, "partly_supported": 1, "not_supported": -1, "contradicted": -1}
    return sides.get(first, 0) != 0 and sides.get(first) == sides.get(second)


# -- the GRADE domains --------------------------------------------------------------------


def _start(body: pd.DataFrame) -> int:
    """Starting level index: high (3) when randomised evidence carries half the weight, else low (1)."""
    return 3 if _share(body, body["randomised"].astype(bool)) >= MAJORITY_SHARE else 1


def _risk_of_bias(body: pd.DataFrame) -> Domain:
    """Serious when studies with a concern carry at least half the weight (preclinical: SYRCLE's items); the note
    names the studies whose domains a person judged (the others' concerns come from text cues)."""
    mask = body["rob"] != ""
    by_person = ([(label, who) for label, who in zip(body["label"], body["rob_judged_by"]) if who != ""]
                 if "rob_judged_by" in body else [])
    people = "" if not by_person else (
        " A person judged risk of bias domain by domain for "
        + ", ".join(f"{label} ({who})" for label, who in by_person)
        + ("; the other studies' concerns are read from the text." if len(by_person) < len(body) else "."))
    if not mask.any():
        return Domain("risk_of_bias", "not serious", 0, f"No concerns.{people}" if people else "")
    share = _share(body, mask)
    detail = _by_item(body, "rob", mask)
    if share >= MAJORITY_SHARE:
        return Domain("risk_of_bias", "serious", -1,
                      f"Studies carrying {share:.0%} of the weight have concerns: {detail}.{people}")
    return Domain("risk_of_bias", "not serious", 0,
                  f"Concerns only in studies carrying {share:.0%} of the weight: {detail}.{people}")


def _inconsistency(body: pd.DataFrame, code: str, shares: dict[str, float],
                   parts: Sequence[PartVerdict]) -> Domain:
    """Serious when studies of comparable weight disagree, or the reviews that carry the body report heterogeneity.

    Disagreement that follows a bundled claim's parts (each part consistent on its own) is explained, as a
    subgroup difference would be, and is not rated down.
    """
    if code == "contested" and parts and not any(p.code == "contested" for p in parts):
        return Domain("inconsistency", "not serious", 0, "Studies disagree only between the claim's parts ("
                      + "; ".join(f"{p.label}: {p.code.replace('_', ' ')}" for p in parts if p.code != "no_evidence")
                      + "), each consistent on its own.")
    if code == "contested":
        directions = list(body["direction"])
        support = [d == "supports" for d in directions]
        against = [d in ("contradicts", "no_effect") for d in directions]
        return Domain("inconsistency", "serious", -1,
                      f"Studies of comparable weight disagree: {sum(support)} support ({shares['support']:.0%} of the "
                      f"weight: {_names(body, 3, support)}), {sum(against)} find no effect or the opposite "
                      f"({shares['contrary']:.0%}: {_names(body, 3, against)}).")
    hetero = body["heterogeneity"].astype(bool)
    if hetero.any() and _share(body, hetero) >= MAJORITY_SHARE:
        return Domain("inconsistency", "serious", -1,
                      f"The reviews that carry the body report heterogeneous results ({_names(body, 3, hetero)}).")
    mixed = [d == "mixed" for d in body["direction"]]
    if any(mixed):
        n_mixed = sum(mixed)
        return Domain("inconsistency", "not serious", 0,
                      f"{n_mixed} {'study reports' if n_mixed == 1 else 'studies report'} mixed results "
                      f"({_names(body, 3, mixed)}): a study's own caveats, not disagreement between studies.")
    return Domain("inconsistency", "not serious", 0, "")


def _indirectness(body: pd.DataFrame) -> Domain:
    """Levels held by studies carrying at least half the weight (weighted median of the study levels)."""
    levels = body["indirect_levels"].to_numpy()
    level = max((lv for lv in (1, 2) if _share(body, levels >= lv) >= MAJORITY_SHARE), default=0)
    flagged = body["indirectness"] != ""
    detail = _by_item(body, "indirectness", flagged)
    if level:
        return Domain("indirectness", "very serious" if level == 2 else "serious", -level, f"{detail}.")
    if flagged.any():
        return Domain("indirectness", "not serious", 0, f"Only in studies carrying a minority of the weight: {detail}.")
    return Domain("indirectness", "not serious", 0, "")


def _size_driven_bias(body: pd.DataFrame, rob: Domain) -> bool:
    """Whether the risk-of-bias downgrade came from small studies alone (size is then counted once)."""
    other = body["rob"].map(lambda text: any(c and not c.startswith("n=") for c in text.split("; ")))
    return rob.change < 0 and _share(body, other) < MAJORITY_SHARE


def _imprecision(body: pd.DataFrame, basis: str, size_counted: bool = False) -> Domain:
    """Participants against the OIS rule of thumb; far below it is very serious unless small size was already
    counted under risk of bias."""
    if basis == "preclinical":
        if len(body) < 2:
            return Domain("imprecision", "serious", -1, "A single laboratory study, not replicated in the snapshot.")
        return Domain("imprecision", "not serious", 0,
                      f"{len(body)} independent laboratory studies (animal numbers are rarely stated; not pooled).")
    stated = body["n_counted"].dropna()
    total = int(stated.sum())
    unknown = len(body) - len(stated)
    note = f" ({unknown} {'study does' if unknown == 1 else 'studies do'} not state a size)" if unknown else ""
    if not len(stated):
        return Domain("imprecision", "serious", -1, f"No study in the body states its size{note}.")
    if total < SMALL_BODY:
        studies = "a single study" if len(body) == 1 else f"{len(body)} studies"
        if size_counted:
            return Domain("imprecision", "serious", -1,
                          f"{total} participants in {studies}, far below an optimal information size{note}; one level "
                          "only, because small size already counted under risk of bias.")
        return Domain("imprecision", "very serious", -2,
                      f"{total} participants in {studies}, far below an optimal information size{note}.")
    if total < OIS:
        return Domain("imprecision", "serious", -1,
                      f"{total:,} participants in {len(body)} {'study' if len(body) == 1 else 'studies'}, fewer than "
                      f"the {OIS} GRADE suggests as an optimal information size{note}.")
    if len(body) == 1:
        return Domain("imprecision", "serious", -1, f"A single study ({total:,} participants), not replicated.")
    return Domain("imprecision", "not serious", 0, f"{total:,} participants in {len(body)} studies{note}.")


def _publication_bias(body: pd.DataFrame) -> Domain:
    """Suspected when a review in the body reports it; otherwise not assessed, and why."""
    flagged = body["publication_bias"].astype(bool)
    if flagged.any():
        return Domain("publication_bias", "suspected", -1,
                      f"Reported by {_names(body, 3, flagged)} (publication, small-study or selective reporting bias).")
    if len(body) < PUBLICATION_BIAS_MIN_STUDIES:
        return Domain("publication_bias", "not assessed", 0,
                      f"Not assessed: {len(body)} {'study' if len(body) == 1 else 'studies'} (a funnel plot needs "
                      f"{PUBLICATION_BIAS_MIN_STUDIES}).")
    return Domain("publication_bias", "not assessed", 0, "Not assessable: effect sizes are not extracted.")


def _other(body: pd.DataFrame) -> Domain:
    """Rated down once when the machine's unchecked judgements carry at least a quarter of the weight."""
    machine = body["review_status"] == "unverified" if "review_status" in body else body["key"] != body["key"]
    if not machine.any():
        return Domain("other", "none", 0, "")
    share = _share(body, machine, "weight")
    what = (f"{int(machine.sum())} of {len(body)} judgements in the body are the machine's proposals, not checked by "
            f"a person ({_names(body, 3, machine)}), carrying {share:.0%} of the weight")
    if share >= INFLUENCE_SHARE:
        return Domain("other", "serious", -1, f"{what}.")
    return Domain("other", "none", 0, f"{what}: below {INFLUENCE_SHARE:.0%}, not rated down.")


def review_cap(body: pd.DataFrame) -> tuple[int, str, pd.Series] | None:
    """A review's own certainty rating, and which studies of the body it could have rated.

    The rating caps only the comparison the review covers: studies published
    after it, or with another population or intervention (a different
    indirectness), are outside it.

    Parameters
    ----------
    body : pandas.DataFrame
        The body, with ``review_certainty`` (the review's rating *for the
        claim's outcome*, "" when it states none), ``year`` and ``indirectness``.

    Returns
    -------
    tuple or None
        None when no review in the body rates itself, else (cap level index,
        footnote text, mask of the studies outside the review's scope).
    """
    certainty = body["review_certainty"]
    rated = certainty != ""
    if not rated.any():
        return None
    lowest = min(certainty[rated], key=CERTAINTY_LEVELS.index)
    who = certainty == lowest
    says = f"{_names(body, 2, who)} {'rates' if who.sum() == 1 else 'rate'} the evidence {lowest} certainty"
    # a study of unknown year, or a review of unknown year, is never "newer"
    newer = (body["year"] > body["year"][rated].max()).fillna(False).astype(bool)
    other = ~body["indirectness"].isin(set(body["indirectness"][rated]))
    return CERTAINTY_LEVELS.index(lowest), says, newer | other


_RATIO = re.compile(r"^(OR|RR|HR|IRR) (-?\d+(?:\.\d+)?) \(95% CI (-?\d+(?:\.\d+)?) to (-?\d+(?:\.\d+)?)\)")
#: A ratio at least this far from 1 (or its inverse), with a CI on the same side, is a large effect (GRADE 9).
LARGE_RATIO, VERY_LARGE_RATIO = 2.0, 5.0


def _large_effect(effect: str) -> int:
    """Levels a reported ratio earns: 2 for very large, 1 for large, 0 otherwise (the whole CI must agree)."""
    found = _RATIO.match(effect or "")
    if not found:
        return 0
    value, low, high = (float(found.group(i)) for i in (2, 3, 4))
    if value <= 0 or low <= 0 or high <= 0:
        return 0
    bound = low if value > 1 else 1 / high
    return 2 if bound >= VERY_LARGE_RATIO else 1 if bound >= LARGE_RATIO else 0


def rating_up(body: pd.DataFrame, start: int, domains: Sequence[Domain]) -> tuple[int, str]:
    """Levels rated up for a large effect or a dose-response gradient, and the footnote.

    GRADE rates up only a body that starts low and was rated down for nothing: +1 for a large effect
    (a ratio >= 2 or <= 0.5 whose whole 95% CI agrees), +2 for a very large one (>= 5), +1 for a
    dose-response gradient a study reports; at most two levels.

    Parameters
    ----------
    body : pandas.DataFrame
        The body, with ``effect`` and ``dose_response`` (:func:`litreview.synthesis.appraisal.appraise`).
    start : int
        Starting level index.
    domains : sequence of Domain
        The body's domains.

    Returns
    -------
    tuple of (int, str)
        Levels (0-2) and the footnote ("" for a body that starts high).
    """
    if start == len(CERTAINTY_LEVELS) - 1:
        return 0, ""
    large = [(label or key, effect, _large_effect(effect))
             for key, label, effect in zip(body["key"], body["label"], body["effect"]) if _large_effect(effect)]
    dose = [str(label or key) for key, label, flag in zip(body["key"], body["label"], body["dose_response"]) if flag]
    found = [f"large effect ({', '.join(f'{who}: {effect}' for who, effect, _ in large)})"] if large else []
    found += [f"dose-response gradient ({', '.join(dose)})"] if dose else []
    if not found:
        return 0, ("Rating up considered: no large effect (a ratio >= 2 or <= 0.5 with its whole 95% CI) and no "
                   "dose-response gradient reported.")
    down = [DOMAIN_LABELS[d.name].lower() for d in domains if d.change < 0]
    if down:
        return 0, (f"Rating up considered, not applied: {'; '.join(found)}, but the body is rated down "
                   f"({', '.join(down)}).")
    levels = min(2, max((lv for *_, lv in large), default=0) + bool(dose))
    return levels, f"Rated up {levels} level{'s' if levels > 1 else ''}: {'; '.join(found)}."


def grade_domains(body: pd.DataFrame, basis: str, code: str, shares: dict[str, float],
                  parts: Sequence[PartVerdict] = ()) -> tuple[int, tuple[Domain, ...]]:
    """Starting level and the six domains of one body.

    Parameters
    ----------
    body : pandas.DataFrame
        The appraised studies of the body.
    basis : str
        ``human`` or ``preclinical``.
    code, shares : str, dict
        The body's direction code and weight shares (:func:`direction_shares`).
    parts : sequence of PartVerdict
        For a bundled claim, each part's verdict (explains disagreement between parts).

    Returns
    -------
    tuple of (int, tuple of Domain)
        Starting level index into :data:`CERTAINTY_LEVELS` and one Domain per :data:`DOMAINS`.
    """
    rob = _risk_of_bias(body)
    return _start(body), (
        rob, _inconsistency(body, code, shares, parts), _indirectness(body),
        _imprecision(body, basis, _size_driven_bias(body, rob)), _publication_bias(body), _other(body),
    )
