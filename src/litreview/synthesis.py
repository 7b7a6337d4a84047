"""Per-claim synthesis: studies by design and direction, GRADE-like certainty, verdict.

For each claim, the included, non-excluded study assessments form the body of
evidence. When any human study points a way, the human studies are the body
(direct evidence); otherwise the whole, preclinical body is used. Then:

1. **Start** from the best design in the body (GRADE: randomised evidence
   starts high, observational low): meta-analysis, systematic review, RCT and
   laboratory experiments start *high*; other controlled trials *moderate*;
   cohort, case-control and cross-sectional studies *low*; case series, case
   reports, narrative reviews, editorials and other designs *very low*.
2. **Rate down** one level each, saying why:
   - *indirectness* (two levels): the body is animal or in-vitro evidence
     for a claim about people;
   - *inconsistency*: the minority direction holds at least a quarter of the
     directional studies;
   - *imprecision*: fewer than three directional studies, or human studies
     whose stated sample sizes add up to fewer than 100 people.
   Risk of bias and publication bias are not assessed automatically; the
   rationale says so.
3. **Verdict** in words from the directions: supported / contradicted /
   contested / not supported (null findings) / preclinical evidence only /
   insufficient evidence / no evidence found, with the certainty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .claims import Claim

__all__ = [
    "CERTAINTY_LEVELS",
    "DESIGN_START",
    "ClaimVerdict",
    "synthesize_claim",
    "synthesize",
    "verdicts_to_frame",
]

CERTAINTY_LEVELS = ("very low", "low", "moderate", "high")
#: GRADE-like starting level (index into CERTAINTY_LEVELS) for each design.
DESIGN_START = {
    "meta_analysis": 3, "systematic_review": 3, "rct": 3, "experimental": 3,
    "controlled_trial": 2,
    "cohort": 1, "case_control": 1, "cross_sectional": 1,
    "case_series": 0, "case_report": 0, "narrative_review": 0, "editorial": 0, "other": 0,
}
#: Designs in order of strength, for "best evidence".
DESIGN_ORDER = (
    "meta_analysis", "systematic_review", "rct", "controlled_trial", "cohort", "case_control",
    "cross_sectional", "case_series", "case_report", "experimental", "narrative_review", "editorial", "other",
)
DIRECTIONAL = ("supports", "contradicts", "no_effect", "mixed")
STUDY_COLUMNS = ("key", "pmid", "claim_id", "design", "population", "sample_size", "direction", "score", "excluded")


@dataclass(frozen=True)
class ClaimVerdict:
    """What the literature in the snapshot says about one claim.

    Attributes
    ----------
    claim_id, mechanism, statement : str
        The claim.
    articles : tuple of str
        Seed articles making the claim.
    n_studies : int
        Included, non-excluded studies assessed for the claim.
    n_excluded : int
        Assessed studies excluded from the verdict (retracted).
    by_design, by_population, by_direction : dict of str to int
        Study counts.
    best_evidence : str
        Best design in the body of evidence, with its population.
    certainty : str
        ``high``, ``moderate``, ``low`` or ``very low`` (``""`` when no evidence).
    certainty_steps : tuple of str
        The starting level and each rating-down step, in words.
    verdict : str
        Plain-language verdict.
    key_pmids : tuple of str
        Strongest studies (record keys: PMIDs, or ``doi:...`` when unresolved).
    source_disagreement : str
        Where the seed articles disagree about the claim.
    """

    claim_id: str
    mechanism: str
    statement: str
    articles: tuple[str, ...]
    n_studies: int
    n_excluded: int
    by_design: dict[str, int]
    by_population: dict[str, int]
    by_direction: dict[str, int]
    best_evidence: str
    certainty: str
    certainty_steps: tuple[str, ...]
    verdict: str
    key_pmids: tuple[str, ...]
    source_disagreement: str


def _best_design(designs: Sequence[str]) -> str:
    """Strongest design in DESIGN_ORDER among ``designs``."""
    return min(designs, key=lambda d: DESIGN_ORDER.index(d) if d in DESIGN_ORDER else len(DESIGN_ORDER))


def _certainty(body: pd.DataFrame, human: bool) -> tuple[int, list[str]]:
    """GRADE-like level index and the steps that produced it."""
    directional = body[body["direction"].isin(DIRECTIONAL)]
    best = _best_design(list(directional["design"]))
    level = DESIGN_START.get(best, 0)
    steps = [f"start {CERTAINTY_LEVELS[level]} ({best.replace('_', ' ')})"]
    if not human:
        level -= 2
        steps.append("-2 indirectness (animal / in-vitro evidence only)")
    counts = Counter(directional["direction"])
    pro = counts["supports"]
    con = counts["contradicts"] + counts["no_effect"]
    minority = min(pro, con) + counts["mixed"]
    if minority and minority >= 0.25 * len(directional):
        level -= 1
        steps.append(f"-1 inconsistency ({pro} support, {con} against, {counts['mixed']} mixed)")
    sizes = directional["sample_size"].dropna()
    total_n = int(sizes.sum()) if len(sizes) else 0
    if len(directional) < 3:
        level -= 1
        noun = "study" if len(directional) == 1 else "studies"
        steps.append(f"-1 imprecision (only {len(directional)} directional {noun})")
    elif human and total_n < 100:
        level -= 1
        steps.append(f"-1 imprecision (stated sample sizes total {total_n} < 100)")
    steps.append("risk of bias and publication bias not assessed")
    return max(level, 0), steps


def _verdict(body: pd.DataFrame, human: bool, certainty: str) -> str:
    """Plain-language verdict from the directions in the body of evidence."""
    counts = Counter(body["direction"])
    pro, against = counts["supports"], counts["contradicts"]
    null, mixed = counts["no_effect"], counts["mixed"]
    where = "in humans" if human else "in preclinical studies only"
    if pro and not (against or null or mixed):
        text = f"supported {where}"
    elif against and not (pro or mixed):
        text = f"contradicted {where}"
    elif null and not (pro or against or mixed):
        text = f"not supported: null findings {where}"
    elif pro >= 2 * (against + null) and pro > mixed:
        text = f"mostly supported {where}, some contrary evidence"
    elif (against + null) >= 2 * pro and (against + null) > mixed:
        text = f"mostly not supported {where}, some supporting evidence"
    else:
        text = f"contested {where}"
    return f"{text} ({certainty} certainty)"


def synthesize_claim(claim: Claim, studies: pd.DataFrame) -> ClaimVerdict:
    """Verdict for one claim from its study assessments.

    Parameters
    ----------
    claim : Claim
    studies : pandas.DataFrame
        Assessments for this claim, with columns ``key, pmid, claim_id, design,
        population, sample_size, direction, score, excluded``.

    Returns
    -------
    ClaimVerdict
    """
    kept = studies[~studies["excluded"].astype(bool)]
    directional = kept[kept["direction"].isin(DIRECTIONAL)]
    human = directional[directional["population"].isin(["human", "mixed"])]
    body = human if len(human) else directional
    base = dict(
        claim_id=claim.id,
        mechanism=claim.mechanism,
        statement=claim.statement,
        articles=claim.articles,
        n_studies=len(kept),
        n_excluded=len(studies) - len(kept),
        by_design=dict(sorted(Counter(kept["design"]).items())),
        by_population=dict(sorted(Counter(kept["population"]).items())),
        by_direction=dict(sorted(Counter(kept["direction"]).items())),
        source_disagreement=_disagreement(claim),
    )
    if body.empty:
        verdict = "no evidence found" if kept.empty else "insufficient evidence (no study points either way)"
        return ClaimVerdict(**base, best_evidence="", certainty="", certainty_steps=(), verdict=verdict, key_pmids=())
    level, steps = _certainty(body, human=bool(len(human)))
    certainty = CERTAINTY_LEVELS[level]
    best = _best_design(list(body["design"]))
    best_pop = body[body["design"] == best]["population"].iloc[0]
    ranked = body.sort_values(["score", "key"], ascending=[False, True])
    keys = list(ranked["key"].head(3))
    majority = "supports" if (body["direction"] == "supports").sum() * 2 >= len(body) else "contradicts"
    contrary = ranked[(ranked["direction"] != majority) & ranked["direction"].isin(["supports", "contradicts", "no_effect"])]
    if len(contrary) and contrary["key"].iloc[0] not in keys:
        keys.append(contrary["key"].iloc[0])
    return ClaimVerdict(
        **base,
        best_evidence=f"{best.replace('_', ' ')} ({best_pop})",
        certainty=certainty,
        certainty_steps=tuple(steps),
        verdict=_verdict(body, human=bool(len(human)), certainty=certainty),
        key_pmids=tuple(keys),
    )


def _disagreement(claim: Claim) -> str:
    """Where seed articles disagree about the claim (its note and conflicting claims)."""
    parts = []
    if claim.conflicts_with:
        parts.append("conflicts with " + ", ".join(claim.conflicts_with))
    if claim.note:
        parts.append(claim.note)
    return "; ".join(parts)


def synthesize(claims: Sequence[Claim], studies: pd.DataFrame) -> list[ClaimVerdict]:
    """Verdicts for every claim, in register order.

    Parameters
    ----------
    claims : sequence of Claim
    studies : pandas.DataFrame
        All study assessments (see :func:`synthesize_claim` for the columns).

    Returns
    -------
    list of ClaimVerdict
    """
    missing = [c for c in STUDY_COLUMNS if c not in studies.columns]
    if missing:
        raise ValueError(f"studies table lacks columns: {', '.join(missing)}")
    return [synthesize_claim(c, studies[studies["claim_id"] == c.id]) for c in claims]


def _counts_text(counts: dict[str, int]) -> str:
    """``{"rct": 2, "cohort": 1}`` -> ``"rct 2, cohort 1"``."""
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())


def verdicts_to_frame(verdicts: Sequence[ClaimVerdict]) -> pd.DataFrame:
    """The review table: one row per claim.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id, mechanism, statement, articles, n_studies,
        by_design, by_population, by_direction, best_evidence, certainty,
        certainty_steps, verdict, key_pmids, source_disagreement``; counts
        are rendered as text, ``key_pmids`` stays a list.
    """
    rows = [
        {
            "claim_id": v.claim_id,
            "mechanism": v.mechanism,
            "statement": v.statement,
            "articles": ", ".join(a.split("_")[0] for a in v.articles),
            "n_studies": v.n_studies,
            "by_design": _counts_text(v.by_design),
            "by_population": _counts_text(v.by_population),
            "by_direction": _counts_text(v.by_direction),
            "best_evidence": v.best_evidence,
            "certainty": v.certainty,
            "certainty_steps": "; ".join(v.certainty_steps),
            "verdict": v.verdict,
            "key_pmids": list(v.key_pmids),
            "source_disagreement": v.source_disagreement,
        }
        for v in verdicts
    ]
    return pd.DataFrame(rows)
