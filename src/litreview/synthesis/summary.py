"""The verdicts as tables: the review table (one row per claim) and the Summary-of-Findings table.

:func:`verdicts_to_frame` gives ``review.csv``: codes beside words, one column
per GRADE domain (``serious (-1) [2]``: judgement, change, footnote number),
the numbered footnotes and the evidence streams. :func:`summary_of_findings`
lays the same verdicts out as GRADEpro prints a Summary-of-Findings table.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .grade import DOMAINS, ClaimVerdict, Domain
from .grade_rules import directions_text

__all__ = ["SOF_COLUMNS", "numbered_domains", "numbered_footnotes", "parts_text", "studies_cell", "verdicts_to_frame", "summary_of_findings"]


def _counts_text(counts: dict[str, int]) -> str:
    """``{"rct": 2, "cohort": 1}`` -> ``"rct 2, cohort 1"``."""
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())


def numbered_domains(verdict: ClaimVerdict) -> list[tuple[Domain, int | None]]:
    """Each domain with the number of its footnote in ``verdict.footnotes`` (None when it has no footnote).

    Footnote 1 is always the starting level; the domains' footnotes follow in domain order.
    """
    numbered, number = [], 2
    for d in verdict.domains:
        numbered.append((d, number if d.reason else None))
        number += bool(d.reason)
    return numbered


def _domain_cells(verdict: ClaimVerdict) -> dict[str, str]:
    """Each domain's judgement with its change and footnote number, e.g. ``"serious (-1) [2]"``."""
    return {d.name: d.judgement + (f" ({d.change})" if d.change else "") + (f" [{note}]" if note else "")
            for d, note in numbered_domains(verdict)}


def numbered_footnotes(footnotes: Sequence[str]) -> str:
    """``"[1] ... [2] ..."`` on one line."""
    return " ".join(f"[{i}] {text}" for i, text in enumerate(footnotes, start=1))


_SHARES = (("support", "support"), ("contrary", "contrary"), ("opposite", "contradicts"),
           ("no_effect", "no_effect"))


def _share_cell(verdict: ClaimVerdict, key: str) -> float | None:
    """A weight share of the body, rounded to 4 places; None when the claim was not graded."""
    return round(verdict.shares[key], 4) if verdict.shares else None


def parts_text(verdict: ClaimVerdict) -> str:
    """``"depression: supported (2 support; low); PTSD: contradicted (1 opposite; very low)"``."""
    return "; ".join(f"{p.label}: {p.code.replace('_', ' ')} ({p.directions}"
                     + (f"; {p.certainty})" if p.certainty else ")") for p in verdict.parts)


def verdicts_to_frame(verdicts: Sequence[ClaimVerdict]) -> pd.DataFrame:
    """The review table: one row per claim, codes beside words.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id, mechanism, kind, statement, articles, verdict_code,
        certainty, basis, robustness, verdict, verdict_with_disputed (the
        code the disputed studies would give, "" when none would vote),
        n_studies, n_body, n_represented, n_participants, body, support_share,
        contrary_share, opposite_share, no_effect_share, body_code, human_code,
        streams, design, start, risk_of_bias, inconsistency, indirectness,
        imprecision, publication_bias, other, rated_up, rated, cap, scoped,
        footnotes, parts, needs_reviewer, overrides, key_pmids,
        n_verified, n_unverified, n_conflicts, by_design, by_population,
        by_direction, source_disagreement``. Every rating step has a column:
        ``certainty = max(min(rated, cap), scoped)`` where ``rated`` is
        ``start`` plus the domains' changes (at least very low) plus ``rated_up``. ``n_participants`` is empty (None)
        when no study states a size. ``key_pmids`` stays a list; counts are
        text; ``footnotes`` is numbered text.
    """
    rows = []
    for v in verdicts:
        cells = _domain_cells(v)
        rows.append({
            "claim_id": v.claim_id,
            "mechanism": v.mechanism,
            "kind": v.kind,
            "statement": v.statement,
            "articles": ", ".join(a.split("_")[0] for a in v.articles),
            "verdict_code": v.verdict_code,
            "certainty": v.certainty,
            "basis": v.basis,
            "robustness": v.robustness,
            "verdict": v.verdict,
            "verdict_with_disputed": v.verdict_with_disputed,
            "n_studies": v.n_studies,
            "n_body": v.n_body,
            "n_represented": len(v.represented),
            "n_participants": v.n_participants,
            "body": directions_text([d for d, n in v.body_counts.items() for _ in range(n)]),
            **{f"{name}_share": _share_cell(v, key) for name, key in _SHARES},
            "body_code": v.body_code,
            "human_code": v.human_code,
            "streams": v.streams,
            "design": v.design_summary,
            "start": v.start,
            **{name: cells.get(name, "") for name in DOMAINS},
            "rated_up": v.rated_up if v.certainty else None,
            "rated": v.rated,
            "cap": v.cap,
            "scoped": v.scoped,
            "footnotes": numbered_footnotes(v.footnotes),
            "parts": parts_text(v),
            "needs_reviewer": ", ".join(v.needs_reviewer),
            "overrides": v.overrides,
            "key_pmids": list(v.key_pmids),
            "n_verified": v.n_verified,
            "n_unverified": v.n_unverified,
            "n_conflicts": v.n_conflicts,
            "by_design": _counts_text(v.by_design),
            "by_population": _counts_text(v.by_population),
            "by_direction": _counts_text(v.by_direction),
            "source_disagreement": v.source_disagreement,
        })
    frame = pd.DataFrame(rows)
    for name in ("n_participants", "rated_up"):
        if name in frame:
            frame[name] = frame[name].astype("Int64")
    return frame


#: Columns of :func:`summary_of_findings`, as GRADEpro prints them.
SOF_COLUMNS = [
    "Claim", "Kind", "№ of studies (participants)", "Design", "Risk of bias", "Inconsistency", "Indirectness",
    "Imprecision", "Other considerations", "Certainty", "Verdict", "Robustness", "Footnotes",
]


def studies_cell(verdict: ClaimVerdict) -> str:
    """``"4 (91; 1 not stated)"``: studies in the body and their stated participants."""
    if not verdict.n_body:
        return "fact check" if verdict.fact_sources else "0"
    if verdict.n_size_unknown == verdict.n_body:
        return f"{verdict.n_body} (n not stated)"
    unknown = f"; {verdict.n_size_unknown} not stated" if verdict.n_size_unknown else ""
    return f"{verdict.n_body} ({verdict.n_participants or 0:,}{unknown})"


def summary_of_findings(verdicts: Sequence[ClaimVerdict]) -> pd.DataFrame:
    """The Summary-of-Findings table: one row per claim, each GRADE domain with its footnote number.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SOF_COLUMNS`. Certainty is shown as ``⊕⊕◯◯ low``;
        checkable facts and claims with no evidence have empty domain cells.
    """
    rows = []
    for v in verdicts:
        cells = _domain_cells(v)
        other = "; ".join(c for c in (cells.get("publication_bias", ""), cells.get("other", "")) if c and c != "none")
        if v.parts:
            other = "; ".join(filter(None, (other, "parts: " + parts_text(v))))
        studies = studies_cell(v)
        rows.append({
            "Claim": v.claim_id,
            "Kind": v.kind.replace("_", " "),
            "№ of studies (participants)": studies,
            "Design": v.design_summary,
            "Risk of bias": cells.get("risk_of_bias", ""),
            "Inconsistency": cells.get("inconsistency", ""),
            "Indirectness": cells.get("indirectness", ""),
            "Imprecision": cells.get("imprecision", ""),
            "Other considerations": other,
            "Certainty": f"{v.symbols} {v.certainty}".strip(),
            "Verdict": v.verdict,
            "Robustness": v.robustness,
            "Footnotes": numbered_footnotes(v.footnotes) if v.footnotes else "; ".join(v.fact_sources),
        })
    return pd.DataFrame(rows, columns=SOF_COLUMNS)

