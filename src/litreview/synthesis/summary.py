"""The verdicts as tables: the review table (one row per claim) and the Summary-of-Findings table.

:func:`verdicts_to_frame` gives ``review.csv``: codes beside words, one column
per GRADE domain (``serious (-1) [2]``: judgement, change, footnote number),
the numbered footnotes and the evidence streams. :func:`summary_of_findings`
lays the same verdicts out as GRADEpro prints a Summary-of-Findings table.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .grade import DOMAINS, ClaimVerdict, Domain, _directions_text

__all__ = ["SOF_COLUMNS", "numbered_domains", "studies_cell", "verdicts_to_frame", "summary_of_findings"]


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


def _numbered(footnotes: Sequence[str]) -> str:
    """``"[1] ... [2] ..."`` on one line."""
    return " ".join(f"[{i}] {text}" for i, text in enumerate(footnotes, start=1))


def verdicts_to_frame(verdicts: Sequence[ClaimVerdict]) -> pd.DataFrame:
    """The review table: one row per claim, codes beside words.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id, mechanism, kind, statement, articles, verdict_code,
        certainty, basis, verdict, verdict_with_disputed (the code the
        disputed studies would give, "" when none would vote), n_studies, n_body, n_participants, body,
        streams, design, risk_of_bias, inconsistency, indirectness,
        imprecision, publication_bias, other, footnotes, parts, key_pmids,
        n_verified, n_unverified, n_conflicts, by_design, by_population,
        by_direction, source_disagreement``. ``key_pmids`` stays a list;
        counts are text; ``footnotes`` is numbered text.
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
            "verdict": v.verdict,
            "verdict_with_disputed": v.verdict_with_disputed,
            "n_studies": v.n_studies,
            "n_body": v.n_body,
            "n_participants": v.n_participants,
            "body": _directions_text([d for d, n in v.body_counts.items() for _ in range(n)]),
            "streams": v.streams,
            "design": v.design_summary,
            **{name: cells.get(name, "") for name in DOMAINS},
            "footnotes": _numbered(v.footnotes),
            "parts": "; ".join(f"{label}: {code.replace('_', ' ')} ({d})" for label, code, d in v.parts),
            "key_pmids": list(v.key_pmids),
            "n_verified": v.n_verified,
            "n_unverified": v.n_unverified,
            "n_conflicts": v.n_conflicts,
            "by_design": _counts_text(v.by_design),
            "by_population": _counts_text(v.by_population),
            "by_direction": _counts_text(v.by_direction),
            "source_disagreement": v.source_disagreement,
        })
    return pd.DataFrame(rows)


#: Columns of :func:`summary_of_findings`, as GRADEpro prints them.
SOF_COLUMNS = [
    "Claim", "Kind", "№ of studies (participants)", "Design", "Risk of bias", "Inconsistency", "Indirectness",
    "Imprecision", "Other considerations", "Certainty", "Verdict", "Footnotes",
]


def studies_cell(verdict: ClaimVerdict) -> str:
    """``"4 (91; 1 not stated)"``: studies in the body and their stated participants."""
    if not verdict.n_body:
        return "fact check" if verdict.fact_sources else "0"
    if verdict.n_size_unknown == verdict.n_body:
        return f"{verdict.n_body} (n not stated)"
    unknown = f"; {verdict.n_size_unknown} not stated" if verdict.n_size_unknown else ""
    return f"{verdict.n_body} ({verdict.n_participants:,}{unknown})"


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
            other = "; ".join(filter(None, (other, "parts: " + "; ".join(
                f"{label} {code.replace('_', ' ')}" for label, code, _ in v.parts))))
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
            "Footnotes": _numbered(v.footnotes) if v.footnotes else "; ".join(v.fact_sources),
        })
    return pd.DataFrame(rows, columns=SOF_COLUMNS)

