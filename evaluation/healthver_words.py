"""Ablation: can a learned word model reach HealthVer's target, and is what it learns the claim?

A logistic regression over TF-IDF word unigrams and bigrams of the evidence
and of the claim (optionally with the shipped rules' three-class call as three
more features) is cross-validated on HealthVer dev three ways:

- folds by **claim** (the issue's protocol): a claim's pairs never span folds,
  but the same evidence passage is paired with several claims of a topic, so
  a test pair's evidence is usually seen in training with another claim;
- the same with **evidence only** (the claim's words left out): what the model
  reaches without reading the claim at all measures that leak;
- folds by **topic**: no topic, and so no evidence passage, is seen in training.

Then the model fitted on all of HealthVer is applied to the three other
datasets (leave-one-dataset-out in one direction: trained on HealthVer only),
three classes (supports / not_supported / unclear), beside their majority class.
The vocabulary is chosen inside each training fold. Nothing here is shipped:
the script says why not (see ``docs/scoring.md``).

Usage::

    python evaluation/healthver_words.py
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from judge_data import (  # noqa: E402
    HEALTHVER,
    THREE,
    TO_THREE,
    Pair,
    group_folds,
    line,
    load_abstracts,
    load_healthver,
    load_pubmedqa,
    load_register_pairs,
    majority,
)

from litreview.corpus.layout import load_corpus
from litreview.evidence.direction_judge import judge_direction

ROOT = Path(__file__).resolve().parents[1]
FOLDS, SEED, C = 5, 20190906, 3.0
VARIANTS = ("evidence only", "claim + evidence", "claim + evidence + rules")


def claim_text(pair: Pair) -> str:
    """The claim as words: a plain sentence, or a register claim's statement."""
    return pair.claim if isinstance(pair.claim, str) else pair.claim.statement


def rules_call(pairs: Sequence[Pair]) -> sparse.csr_matrix:
    """The shipped judge's three-class call, one-hot (scaled so it is not drowned by the words)."""
    calls = [TO_THREE[judge_direction(p.claim, p.text).direction] for p in pairs]
    return sparse.csr_matrix(np.array([[c == label for label in THREE] for c in calls], float) * 3)


class WordModel:
    """TF-IDF of the evidence (and of the claim), a balanced logistic regression."""

    def __init__(self, variant: str) -> None:
        self.variant = variant
        self.evidence = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.claim = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")

    def _matrix(self, pairs: Sequence[Pair], fit: bool) -> sparse.csr_matrix:
        """Feature matrix of ``pairs`` (vocabularies fitted when ``fit``)."""
        encode = (lambda v, texts: v.fit_transform(texts)) if fit else (lambda v, texts: v.transform(texts))
        parts = [encode(self.evidence, [p.text for p in pairs])]
        if self.variant != "evidence only":
            parts.append(encode(self.claim, [claim_text(p) for p in pairs]))
        if self.variant.endswith("rules"):
            parts.append(rules_call(pairs))
        return sparse.hstack(parts).tocsr()

    def fit(self, pairs: Sequence[Pair]) -> WordModel:
        """Fit on ``pairs`` (gold in three classes)."""
        self.model.fit(self._matrix(pairs, fit=True), [TO_THREE.get(p.gold, p.gold) for p in pairs])
        return self

    def predict(self, pairs: Sequence[Pair]) -> list[str]:
        """Three-class predictions for ``pairs``."""
        return list(self.model.predict(self._matrix(pairs, fit=False)))


def cross_validated(pairs: Sequence[Pair], groups: Sequence[str], variant: str) -> list[str]:
    """Predictions for every pair from a model fitted on the other folds (folds by ``groups``)."""
    folds = group_folds(groups, FOLDS, SEED)
    predicted = [""] * len(pairs)
    for k in range(FOLDS):
        train = [p for p, f in zip(pairs, folds) if f != k]
        test = np.flatnonzero(folds == k)
        for i, label in zip(test, WordModel(variant).fit(train).predict([pairs[i] for i in test])):
            predicted[i] = label
    return predicted


def main() -> int:
    """Print the cross-validated and transfer figures."""
    if not HEALTHVER.is_file():
        print(f"healthver_words: {HEALTHVER} not found (../shared/data is needed)", file=sys.stderr)
        return 2
    pairs = load_healthver()
    gold = [p.gold for p in pairs]
    claims_of: dict[str, set[str]] = {}
    for p in pairs:
        claims_of.setdefault(p.text, set()).add(p.claim)
    passages = len(claims_of)
    shared = sum(len(claims_of[p.text]) > 1 for p in pairs)
    print(f"HealthVer dev: {len(pairs)} pairs, {passages} evidence passages; "
          f"{shared} pairs ({shared / len(pairs):.0%}) have a passage also paired with another claim")
    by_claim = [p.group for p in pairs]
    by_topic = [p.group for p in load_healthver(group_by="topic")]
    for name, groups in (("claim", by_claim), ("topic", by_topic)):
        print(f"== HealthVer dev, {FOLDS} folds by {name} ==")
        print(line("majority", gold, majority(gold, groups, group_folds(groups, FOLDS, SEED)), THREE))
        for variant in VARIANTS:
            print(line(variant, gold, cross_validated(pairs, groups, variant), THREE))
    print("== fitted on all of HealthVer dev, applied to the other datasets (3 classes) ==")
    _, claims, snapshot = load_corpus(ROOT / "corpus")
    others = (("real abstracts (dev half)", load_abstracts(claims, snapshot.curated)),
              ("register pairs", load_register_pairs(claims, snapshot)),
              ("PubMedQA", load_pubmedqa()))
    models = {variant: WordModel(variant).fit(pairs) for variant in VARIANTS[1:]}
    for name, data in others:
        print(f"-- {name}: {len(data)} pairs")
        data_gold = [TO_THREE.get(p.gold, p.gold) for p in data]
        top = Counter(data_gold).most_common(1)[0][0]
        print(line("majority (in-sample)", data_gold, [top] * len(data), THREE))
        if name == "PubMedQA":
            print("  rules (shipped judge): see direction.py's 5-fold figure (the shipped weights were fitted here)")
        else:
            print(line("rules (shipped judge)", data_gold,
                       [TO_THREE[judge_direction(p.claim, p.text).direction] for p in data], THREE))
        for variant, model in models.items():
            print(line(f"words: {variant}", data_gold, model.predict(data), THREE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
