"""Fit and measure the "addresses the claim" model (``src/litreview/evidence/relevance_weights.toml``).

Datasets (pairs labelled addressed / not addressed):

- ``healthver``: HealthVer dev; Neutral = does not address the claim.
- ``register``: the register's curated findings (title + the finding written
  for a claim) against that claim (addressed) and against every claim the
  record is not linked to (not addressed).
- ``abstracts``: the complete real abstracts (dev half) against every claim;
  addressed = the register links the PMID to the claim.

Printed: AUC of the lexical relevance score, of cos_max alone, and of the
lexical and embedding logistic models, leave-one-dataset-out (fitted on the
other two datasets, scored on the held-out one). ``--write`` fits both models
on ``healthver`` + ``register`` only (the real abstracts stay held out, for the
pairing figures) and writes the TOML. The fit is deterministic: scikit-learn's
L-BFGS logistic regression, C = 1, each dataset weighing the same in total and
the two classes the same within it; threshold 0.5.

Usage::

    python evaluation/relevance_fit.py [--write] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from judge_data import (  # noqa: E402
    ABSTRACTS,
    HEALTHVER,
    complete_abstracts,
    group_folds,
    load_healthver,
    load_register_pairs,
    register_claim_ids,
)

from litreview.corpus.layout import load_corpus
from litreview.evidence import embedding
from litreview.evidence.addressing import EMBEDDING_FEATURES, LEXICAL_FEATURES, WEIGHTS_FILE, addressing_features

ROOT = Path(__file__).resolve().parents[1]
FIT_ON = ("healthver", "register")
C = 1.0
THRESHOLD = 0.5
#: Share of the fitting data's addressed pairs the cautious gate keeps.
GATE_RECALL = 0.95


def datasets(limit: int = 0) -> dict[str, list[tuple[object, str, int]]]:
    """(claim, text, addressed 1/0) per dataset; ``limit`` keeps every n-th pair (for a quick check)."""
    _, claims, snapshot = load_corpus(None)
    out: dict[str, list[tuple[object, str, int]]] = {}
    if HEALTHVER.is_file():
        out["healthver"] = [(p.claim, p.text, int(p.gold != "unclear")) for p in load_healthver()]
    linked: dict[str, set[str]] = {}
    for j in snapshot.curated:
        linked.setdefault(j.key, set()).add(j.claim_id)
    register = []
    for p in load_register_pairs(claims, snapshot):
        register.append((p.claim, p.text, 1))
        register += [(c, p.text, 0) for c in claims if c.id not in linked[p.key]]
    out["register"] = register
    if ABSTRACTS.is_file():
        links = register_claim_ids()
        out["abstracts"] = [(c, text, int(c.id in links.get(pmid, set())))
                            for pmid, text in sorted(complete_abstracts().items()) for c in claims]
    return {name: rows[::limit] if limit > 1 else rows for name, rows in out.items()}


def matrix(rows: Sequence[tuple[object, str, int]], features: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and labels."""
    use = len(features) > len(LEXICAL_FEATURES)
    x = np.array([[f[name] for name in features] for f in (addressing_features(c, t, embeddings=use)
                                                            for c, t, _ in rows)])
    return x, np.array([y for *_, y in rows])


def fit(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> LogisticRegression:
    """Logistic regression on several datasets, each weighing the same and its two classes the same."""
    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    w = np.concatenate([np.where(py == 1, 0.5 / max(py.sum(), 1), 0.5 / max((py == 0).sum(), 1)) for _, py in parts])
    return LogisticRegression(C=C, solver="lbfgs", max_iter=1000).fit(x, y, sample_weight=w * len(y))


def recall_threshold(model: LogisticRegression, parts: Sequence[tuple[np.ndarray, np.ndarray]],
                     recall: float = GATE_RECALL) -> float:
    """Probability threshold that keeps ``recall`` of the addressed pairs of the fitting data (a cautious gate)."""
    p = np.concatenate([model.predict_proba(x[y == 1])[:, 1] for x, y in parts])
    return float(np.quantile(p, 1 - recall))


@lru_cache(maxsize=2)
def held_out_gates(kind: str = "embedding") -> dict[str, tuple[LogisticRegression, float]]:
    """Per dataset name (and ``pubmedqa``): a model fitted without it and its cautious threshold.

    ``pubmedqa`` (never fitted on) gets the shipped datasets' model.
    """
    if kind == "embedding" and not embedding.available():
        kind = "lexical"
    feats = EMBEDDING_FEATURES if kind == "embedding" else LEXICAL_FEATURES
    mats = {name: matrix(rows, feats) for name, rows in datasets().items()}
    out = {}
    for held in (*mats, "pubmedqa"):
        parts = [m for n, m in mats.items() if (n != held if held != "pubmedqa" else n in FIT_ON)]
        model = fit(parts)
        out[held] = (model, recall_threshold(model, parts))
    return out


@lru_cache(maxsize=2)
def healthver_cv(kind: str = "embedding", folds: int = 5, seed: int = 20190906) -> tuple[np.ndarray, ...]:
    """HealthVer: P(addresses) per pair from models fitted without its claim's fold (+ register + abstracts).

    Returns the probabilities and, per pair, the cautious threshold of the model that scored it.
    """
    if kind == "embedding" and not embedding.available():
        kind = "lexical"
    feats = EMBEDDING_FEATURES if kind == "embedding" else LEXICAL_FEATURES
    mats = {name: matrix(rows, feats) for name, rows in datasets().items()}
    x, y = mats["healthver"]
    fold = group_folds([str(p.claim) for p in load_healthver()], folds, seed)
    prob, cautious = np.zeros(len(y)), np.zeros(len(y))
    for k in range(folds):
        parts = [(x[fold != k], y[fold != k])] + [m for n, m in mats.items() if n != "healthver"]
        model = fit(parts)
        prob[fold == k] = model.predict_proba(x[fold == k])[:, 1]
        cautious[fold == k] = recall_threshold(model, parts)
    return prob, cautious


def toml_section(name: str, model: LogisticRegression, features: Sequence[str]) -> list[str]:
    """TOML lines of one fitted model."""
    weights = ", ".join(f"{f} = {w:.4f}" for f, w in zip(features, model.coef_[0]))
    return [f"[{name}]", f"bias = {model.intercept_[0]:.4f}", f"threshold = {THRESHOLD}", f"weights = {{ {weights} }}",
            ""]


def main(argv: Sequence[str] | None = None) -> int:
    """Print leave-one-dataset-out AUCs; with ``--write`` fit on HealthVer + register and write the TOML."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write src/litreview/evidence/" + WEIGHTS_FILE)
    parser.add_argument("--limit", type=int, default=0, help="keep every n-th pair (quick check)")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "litreview" / "evidence" / WEIGHTS_FILE)
    args = parser.parse_args(argv)
    data = datasets(args.limit)
    kinds = [("lexical", LEXICAL_FEATURES)] + ([("embedding", EMBEDDING_FEATURES)] if embedding.available() else [])
    mats = {name: {kind: matrix(rows, feats) for kind, feats in kinds} for name, rows in data.items()}
    for name, rows in data.items():
        print(f"{name}: {len(rows)} pairs, {sum(r[2] for r in rows)} addressed")
    print("AUC on the held-out dataset (models fitted on the other datasets):")
    for held in data:
        x, y = mats[held]["lexical"]
        parts = [f"lexical score {roc_auc_score(y, x[:, 0]):.3f}"]
        if "embedding" in mats[held]:
            parts.append(f"cos_max {roc_auc_score(y, mats[held]['embedding'][0][:, -1]):.3f}")
        for kind, _ in kinds:
            others = [mats[n][kind] for n in data if n != held]
            model = fit(others)
            xh, yh = mats[held][kind]
            p = model.predict_proba(xh)[:, 1]
            acc = float(((p >= THRESHOLD) == (yh == 1)).mean())
            parts.append(f"{kind} model {roc_auc_score(yh, p):.3f} (acc at {THRESHOLD}: {acc:.1%})")
        print(f"  {held:<10} " + "; ".join(parts))
    if args.write:
        lines = ["# 'Does this text address the claim?': logistic models, P = sigmoid(bias + sum(w x feature)).",
                 "# Fitted by `python evaluation/relevance_fit.py --write` on HealthVer dev and the register's",
                 f"# curated findings (C = {C}, datasets and classes weighed equally); features: litreview/evidence/"
                 "addressing.py.", "# Leave-one-dataset-out AUCs in docs/scoring.md. Do not edit by hand.", ""]
        for kind, feats in kinds:
            lines += toml_section(kind, fit([mats[n][kind] for n in FIT_ON if n in mats]), feats)
        args.out.write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
