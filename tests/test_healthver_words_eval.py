"""The HealthVer word-model ablation (evaluation/healthver_words.py): what each variant reads."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest
from evaluation_scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def words() -> ModuleType:
    return load_script("healthver_words")


def _pairs(words: ModuleType) -> list:
    """One passage per topic, each paired with a claim the label depends on (not the passage)."""
    Pair = sys.modules["judge_data"].Pair
    pairs = []
    for topic in range(12):
        passage = f"Topic {topic} passage: garlic was studied in volunteers with colds over winter {topic}."
        pairs.append(Pair(f"Garlic shortens colds in cohort {topic}.", passage, "supports", f"a{topic}", f"a{topic}"))
        pairs.append(Pair(f"Garlic lengthens colds in cohort {topic}.", passage, "not_supported", f"b{topic}",
                          f"b{topic}"))
    return pairs


def test_evidence_only_cannot_tell_claims_on_one_passage_apart(words: ModuleType) -> None:
    pairs = _pairs(words)
    evidence_only = words.WordModel("evidence only").fit(pairs).predict(pairs)
    with_claim = words.WordModel("claim + evidence").fit(pairs).predict(pairs)
    # both claims of a topic share the passage: the evidence-only model gives them one answer
    assert all(evidence_only[i] == evidence_only[i + 1] for i in range(0, len(pairs), 2))
    assert with_claim == [p.gold for p in pairs]


def test_cross_validated_model_reads_the_claim_of_unseen_claims(words: ModuleType) -> None:
    pairs = _pairs(words)
    predicted = words.cross_validated(pairs, [p.group for p in pairs], "claim + evidence")
    assert len(predicted) == len(pairs) and set(predicted) <= {"supports", "not_supported"}
    # every claim word pair is seen in training on other topics: the claim's verb decides
    assert sum(p == q.gold for p, q in zip(predicted, pairs)) == len(pairs)
