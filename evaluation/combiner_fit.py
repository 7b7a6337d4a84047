"""Measure the direction combiner (``combiner.py`` beside this file; an experiment, not shipped) on four datasets.

The rules' judgement of every pair (direction, confidence, the path that
decided) and the pair's dataset-agnostic features
(:func:`litreview.evidence.combiner.combiner_features`) are computed once;
PubMedQA's rules use, for each item, the linear-model weights fitted without
its fold (as in ``direction.py``). The combiner is a multinomial logistic
regression (scikit-learn L-BFGS, C = :data:`C`; each dataset weighs the same
in total and the classes the same within it). Printed, beside the rules alone
and the majority class:

- **within** each dataset, grouped folds (HealthVer by claim and by topic,
  PubMedQA its 5 seeded folds, register pairs and real abstracts by study):
  fitted on the dataset's other folds only, and fitted on its other folds plus
  the other three datasets (what the shipped combiner would be);
- **leave-one-dataset-out**: fitted on three datasets, tested on the fourth.

Five-class datasets (register pairs, real abstracts) are scored in five
classes: where the combiner's class is the rules' class the rules' direction
stands. Figures from fitting and testing on the same pairs are never printed.
``python evaluation/direction.py`` prints the same figures (default settings).

Usage::

    python evaluation/combiner_fit.py [--c C] [--unbalanced]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from combiner import CLASSES, FEATURES, TO_CLASS, Combiner, combiner_features  # noqa: E402
from judge_data import (  # noqa: E402
    ABSTRACTS,
    FIVE,
    HEALTHVER,
    PUBMEDQA,
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
    scores,
)

from litreview.corpus.layout import load_corpus
from litreview.evidence.direction_judge import judge_direction

C = 1.0
FOLDS = 5
SEED = 20190906


@dataclass
class Dataset:
    """One dataset's pairs, rules' directions, feature matrix, gold labels and fold groupings."""

    name: str
    labels: tuple[str, ...]
    pairs: list[Pair]
    rules: list[str]
    x: np.ndarray
    groupings: dict[str, np.ndarray]

    @property
    def gold(self) -> list[str]:
        """Gold labels in the dataset's label space."""
        return [p.gold for p in self.pairs]

    @property
    def y(self) -> np.ndarray:
        """Gold class indices in the combiner's three classes."""
        return np.array([CLASSES.index(TO_THREE.get(g, g)) for g in self.gold])


def _rows(pairs: Sequence[Pair], judgements: Sequence[object]) -> tuple[list[str], np.ndarray]:
    """Rules' directions and the feature matrix of judged pairs."""
    rows = [combiner_features(p.claim, p.text, j.direction, j.confidence, j.reason) for p, j in zip(pairs, judgements)]
    return [j.direction for j in judgements], np.array([[r[f] for f in FEATURES] for r in rows])


def _pubmedqa_judgements(pairs: Sequence[Pair]) -> tuple[list[object], np.ndarray]:
    """Rules' judgement of each PubMedQA item with linear-model weights fitted without its fold; the folds."""
    import direction as direction_eval  # the evaluation script beside this one (imported late: it imports us)

    items = direction_eval.load_items(PUBMEDQA)
    x, y = direction_eval.feature_matrix(items)
    folds = direction_eval.folds_of(len(items))
    out: list[object] = [None] * len(items)
    for k in range(FOLDS):
        weights = direction_eval.as_weights(direction_eval.fit_weights(x[folds != k], y[folds != k]))
        for i in np.flatnonzero(folds == k):
            out[i] = judge_direction(pairs[i].claim, pairs[i].text, weights=weights)
    return out, folds


@lru_cache(maxsize=1)
def datasets() -> tuple[Dataset, ...]:
    """The four datasets (those whose files are present), judged by the rules and featurised."""
    _, claims, snapshot = load_corpus(None)
    out = []
    if ABSTRACTS.is_file():
        pairs = load_abstracts(claims, snapshot.curated)
        rules, x = _rows(pairs, [judge_direction(p.claim, p.text) for p in pairs])
        out.append(Dataset("real abstracts", FIVE, pairs, rules, x,
                           {"by study": group_folds([p.group for p in pairs], FOLDS, SEED)}))
    pairs = load_register_pairs(claims, snapshot)
    rules, x = _rows(pairs, [judge_direction(p.claim, p.text) for p in pairs])
    out.append(Dataset("register pairs", FIVE, pairs, rules, x,
                       {"by study": group_folds([p.group for p in pairs], FOLDS, SEED)}))
    if HEALTHVER.is_file():
        pairs = load_healthver()
        topics = [p.group for p in load_healthver(group_by="topic")]
        rules, x = _rows(pairs, [judge_direction(p.claim, p.text) for p in pairs])
        out.append(Dataset("HealthVer dev", THREE, pairs, rules, x,
                           {"by claim": group_folds([p.group for p in pairs], FOLDS, SEED),
                            "by topic": group_folds(topics, FOLDS, SEED)}))
    if PUBMEDQA.is_file():
        pairs = load_pubmedqa()
        judgements, folds = _pubmedqa_judgements(pairs)
        rules, x = _rows(pairs, judgements)
        out.append(Dataset("PubMedQA", THREE, pairs, rules, x, {"5-fold": folds}))
    return tuple(out)


def fit(parts: Sequence[tuple[np.ndarray, np.ndarray]], c: float = C, balanced: bool = True) -> Combiner:
    """Multinomial logistic regression on several datasets, each weighing the same (and its classes, ``balanced``)."""
    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    w = []
    for _, py in parts:
        present = np.unique(py)
        counts = {k: int((py == k).sum()) for k in present}
        share = {k: len(present) * counts[k] if balanced else len(py) for k in present}
        w.append(np.array([1.0 / (len(parts) * share[k]) for k in py]))
    weights = np.concatenate(w) * len(y)
    model = LogisticRegression(C=c, solver="lbfgs", max_iter=5000).fit(x, y, sample_weight=weights)
    coef = np.zeros((len(CLASSES), x.shape[1]))
    intercept = np.full(len(CLASSES), -30.0)  # a class absent from every fitting set is never chosen
    if len(model.classes_) == 2:  # one logit, of the second class against the first
        intercept[model.classes_[0]] = 0.0
        coef[model.classes_[1]], intercept[model.classes_[1]] = model.coef_[0], model.intercept_[0]
    else:
        coef[model.classes_], intercept[model.classes_] = model.coef_, model.intercept_
    coef[:, FEATURES.index("bias")] += intercept
    return Combiner({f: tuple(float(v) for v in coef[:, i]) for i, f in enumerate(FEATURES)})


def apply(combiner: Combiner, data: Dataset, rows: Sequence[int]) -> dict[int, str]:
    """The combined direction of each pair in ``rows``, in the dataset's label space."""
    out = {}
    for i in rows:
        features = dict(zip(FEATURES, data.x[i]))
        decided = combiner.decide(features, data.rules[i])
        direction = decided[0] if decided else data.rules[i]
        out[i] = direction if data.labels == FIVE else TO_CLASS[direction]
    return out


def _rules(data: Dataset) -> list[str]:
    """The rules' directions in the dataset's label space."""
    return list(data.rules) if data.labels == FIVE else [TO_CLASS[d] for d in data.rules]


def cross_fit(data: Dataset, folds: np.ndarray, others: Sequence[Dataset], c: float = C,
              balanced: bool = True) -> list[str]:
    """Out-of-fold combined directions: each fold judged by a combiner fitted without it (+ ``others``)."""
    predicted: dict[int, str] = {}
    for k in sorted(set(folds.tolist())):
        train = folds != k
        parts = [(data.x[train], data.y[train])] + [(o.x, o.y) for o in others]
        predicted.update(apply(fit(parts, c, balanced), data, np.flatnonzero(folds == k)))
    return [predicted[i] for i in range(len(data.pairs))]


def report(c: float = C, balanced: bool = True) -> dict[str, dict[str, float]]:
    """Print within-dataset and leave-one-dataset-out figures; return macro-F1 per (dataset, setting)."""
    sets = datasets()
    figures: dict[str, dict[str, float]] = {}
    print(f"combiner: multinomial logistic regression over {len(FEATURES) - 1} dataset-agnostic features, C = {c}; "
          "datasets weigh the same" + (", classes the same within each" if balanced else ""))
    for data in sets:
        gold, labels = data.gold, data.labels
        others = [o for o in sets if o is not data]
        out = figures.setdefault(data.name, {})
        print(f"-- {data.name}: {len(gold)} pairs; gold " + "/".join(f"{g} {gold.count(g)}" for g in labels))
        rules = _rules(data)
        out["rules"] = scores(gold, rules, labels)["macro_f1"]
        print(line("rules alone", gold, rules, labels, kappa=True))
        for grouping, folds in data.groupings.items():
            print(line(f"majority ({grouping})", gold, majority(gold, [str(f) for f in folds], folds), labels))
            own = cross_fit(data, folds, [], c, balanced)
            print(line(f"combiner, own folds {grouping}", gold, own, labels, kappa=True))
            shipped = cross_fit(data, folds, others, c, balanced)
            print(line(f"combiner, + 3 others {grouping}", gold, shipped, labels, kappa=True))
            out[f"own {grouping}"] = scores(gold, own, labels)["macro_f1"]
            out[f"all {grouping}"] = scores(gold, shipped, labels)["macro_f1"]
        lodo = apply(fit([(o.x, o.y) for o in others], c, balanced), data, range(len(gold)))
        held = [lodo[i] for i in range(len(gold))]
        print(line("combiner, LODO (3 others)", gold, held, labels, kappa=True))
        out["lodo"] = scores(gold, held, labels)["macro_f1"]
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Print the combiner's cross-validated and leave-one-dataset-out figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=C, help="inverse L2 strength")
    parser.add_argument("--unbalanced", action="store_true", help="weigh every pair of a dataset the same "
                        "(default: each class the same within a dataset)")
    args = parser.parse_args(argv)
    report(args.c, balanced=not args.unbalanced)
    return 0


if __name__ == "__main__":
    sys.exit(main())
