"""Per-claim synthesis: certainty steps and verdict words from study tables."""

from __future__ import annotations

import pandas as pd
import pytest

from litreview.claims import Claim, ClaimSource
from litreview.synthesis import synthesize, synthesize_claim, verdicts_to_frame

CLAIM = Claim(
    id="cortisol_reduction", mechanism="stress_hpa", kind="mechanism",
    statement="Ketamine lowers cortisol", subject="ketamine", effect="decreases", outcome="cortisol",
    sources=(ClaimSource("a.txt", "lowers cortisol"),), note="", conflicts_with=(),
)


def studies(*rows: tuple) -> pd.DataFrame:
    """Build a study table from (key, design, population, n, direction, score[, excluded]) tuples."""
    out = []
    for row in rows:
        key, design, population, n, direction, score, *rest = row
        out.append({
            "key": key, "pmid": key, "claim_id": CLAIM.id, "design": design, "population": population,
            "sample_size": n, "direction": direction, "score": score, "excluded": bool(rest and rest[0]),
        })
    return pd.DataFrame(out)


def test_no_studies_gives_no_evidence_found() -> None:
    verdict = synthesize_claim(CLAIM, studies().reindex(columns=["key", "pmid", "claim_id", "design",
                                                               "population", "sample_size", "direction",
                                                               "score", "excluded"]))
    assert verdict.verdict == "no evidence found"
    assert verdict.certainty == ""


def test_consistent_human_rcts_are_supported_high() -> None:
    table = studies(("1", "rct", "human", 120, "supports", 9.0), ("2", "rct", "human", 80, "supports", 8.0),
                    ("3", "meta_analysis", "human", 900, "supports", 10.0))
    verdict = synthesize_claim(CLAIM, table)
    assert verdict.certainty == "high"
    assert verdict.verdict == "supported in humans (high certainty)"
    assert verdict.key_pmids[0] == "3"
    assert verdict.best_evidence == "meta analysis (human)"


def test_animal_only_is_rated_down_for_indirectness() -> None:
    table = studies(("1", "experimental", "animal", 20, "supports", 4.0),
                    ("2", "experimental", "animal", 30, "supports", 4.0),
                    ("3", "experimental", "animal", 24, "supports", 4.0))
    verdict = synthesize_claim(CLAIM, table)
    assert verdict.verdict == "supported in preclinical studies only (low certainty)"
    assert any("indirectness" in s for s in verdict.certainty_steps)


def test_disagreement_is_contested_and_rated_down_for_inconsistency() -> None:
    table = studies(("1", "rct", "human", 60, "supports", 8.0), ("2", "rct", "human", 70, "contradicts", 8.0),
                    ("3", "cohort", "human", 50, "supports", 5.0), ("4", "rct", "human", 40, "contradicts", 7.0))
    verdict = synthesize_claim(CLAIM, table)
    assert verdict.verdict.startswith("contested in humans")
    assert any(s.startswith("-1 inconsistency") for s in verdict.certainty_steps)
    assert "2" in verdict.key_pmids  # strongest contrary study is listed


def test_human_evidence_outranks_animal_evidence() -> None:
    table = studies(("1", "rct", "human", 12, "contradicts", 7.0),
                    ("2", "experimental", "animal", 10, "supports", 4.0),
                    ("3", "experimental", "animal", 10, "supports", 4.0))
    verdict = synthesize_claim(CLAIM, table)
    assert verdict.verdict.startswith("contradicted in humans")
    assert any("imprecision" in s for s in verdict.certainty_steps)


def test_retracted_studies_are_counted_as_excluded_not_used() -> None:
    table = studies(("1", "rct", "human", 300, "supports", 9.0, True), ("2", "cohort", "human", 50, "no_effect", 4.0))
    verdict = synthesize_claim(CLAIM, table)
    assert verdict.n_excluded == 1
    assert verdict.verdict.startswith("not supported: null findings")


def test_unclear_only_is_insufficient() -> None:
    verdict = synthesize_claim(CLAIM, studies(("1", "cohort", "human", 50, "unclear", 3.0)))
    assert verdict.verdict.startswith("insufficient evidence")


def test_synthesize_requires_columns_and_frame_has_one_row_per_claim() -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        synthesize([CLAIM], pd.DataFrame({"key": []}))
    frame = verdicts_to_frame(synthesize([CLAIM], studies(("1", "rct", "human", 100, "supports", 9.0))))
    assert list(frame["claim_id"]) == [CLAIM.id]
    assert frame.loc[0, "key_pmids"] == ["1"]
