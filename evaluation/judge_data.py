"""Datasets and metrics for ``evaluation/direction.py``: four labelled sets of (claim, text, gold) pairs.

Every loader returns :class:`Pair` rows with a ``group`` (what must not be
split across folds) and the gold label in the dataset's own label space:

- ``abstracts``: real PubMed abstracts of the register's studies (dev half,
  complete ones only), joined on PMID with the committed snapshot's curated
  (study, claim) judgements; gold is the curator's direction (``context`` =
  ``unclear``), five classes.
- ``register``: every curated pair of the committed snapshot, judged on the
  title and the finding the curator wrote for that claim; five classes.
- ``healthver``: HealthVer dev; gold ``Supports`` = supports, ``Refutes`` =
  not_supported, ``Neutral`` = unclear; groups are the claim (``topic`` gives
  the topic as the group).
- ``pubmedqa``: PQA-L (500 items); gold yes / no / maybe as supports /
  not_supported / unclear; the question is the claim, the abstract (contexts
  and long answer under ``CONCLUSIONS:``) the text.

Third-party texts are read in place from ``../shared/data`` and never written
anywhere.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from litreview.corpus.agreement import cohen_kappa

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ABSTRACTS = SHARED / "data" / "ketamine-abstracts" / "abstracts_dev.jsonl"
REGISTER = SHARED / "evidence" / "register.jsonl"
HEALTHVER = SHARED / "data" / "healthver" / "healthver_dev.csv"
PUBMEDQA = SHARED / "data" / "pubmedqa" / "pqal_cv.json"
#: Five-class label space (curator, real abstracts) and three-class space (HealthVer, PubMedQA).
FIVE = ("supports", "contradicts", "no_effect", "mixed", "unclear")
THREE = ("supports", "not_supported", "unclear")
TO_THREE = {"supports": "supports", "contradicts": "not_supported", "no_effect": "not_supported",
            "mixed": "unclear", "unclear": "unclear"}


@dataclass(frozen=True)
class Pair:
    """One labelled (claim, text) pair."""

    claim: Any
    text: str
    gold: str
    group: str
    key: str = ""


def abstract_text(title: str, abstract: str) -> str:
    """Title and abstract as the judge reads a record."""
    return f"{title}\n{abstract}"


def load_abstracts(claims: Sequence[Any], curated: Sequence[Any], path: Path = ABSTRACTS) -> list[Pair]:
    """(claim, real abstract, curator direction) for every complete abstract's curated pairs."""
    by_id = {c.id: c for c in claims}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = {r["pmid"]: abstract_text(r["title"], r["abstract"]) for r in rows if r["complete"]}
    return [Pair(by_id[j.claim_id], texts[j.key], "unclear" if j.direction == "context" else j.direction, j.key, j.key)
            for j in sorted(curated, key=lambda j: (j.key, j.claim_id)) if j.key in texts]


def complete_abstracts(path: Path = ABSTRACTS) -> dict[str, str]:
    """PMID -> title + abstract of every complete abstract."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["pmid"]: abstract_text(r["title"], r["abstract"]) for r in rows if r["complete"]}


def register_claim_ids(path: Path = REGISTER) -> dict[str, set[str]]:
    """PMID -> the claim ids the register links it to."""
    links: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            links.setdefault(row["pmid"], set()).update(row["claim_ids"])
    return links


def load_register_pairs(claims: Sequence[Any], snapshot: Any) -> list[Pair]:
    """(claim, title + curator finding, curator direction) for every curated pair of the snapshot."""
    by_id = {c.id: c for c in claims}
    by_key = {a.key: a for a in snapshot.records}
    return [Pair(by_id[j.claim_id], f"{by_key[j.key].title}\n{j.finding}",
                 "unclear" if j.direction == "context" else j.direction, j.key, j.key)
            for j in sorted(snapshot.curated, key=lambda j: (j.key, j.claim_id))]


def load_healthver(path: Path = HEALTHVER, group_by: str = "claim") -> list[Pair]:
    """HealthVer dev pairs; ``group_by`` is ``claim`` or ``topic``."""
    gold = {"Supports": "supports", "Refutes": "not_supported", "Neutral": "unclear"}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    column = "claim" if group_by == "claim" else "topic_ip"
    return [Pair(r["claim"].strip(), r["evidence"], gold[r["label"]], str(r[column]), r["id"]) for r in rows]


def healthver_half(topic: str) -> str:
    """Which half of HealthVer a topic is in: 'develop' (its misjudged pairs were read, round 8) or 'check' (never read).

    The first byte of the SHA-256 of the topic id (``topic_ip``) decides: even is 'develop'.
    """
    return "develop" if hashlib.sha256(str(topic).encode()).digest()[0] % 2 == 0 else "check"


def load_pubmedqa(path: Path = PUBMEDQA) -> list[Pair]:
    """PQA-L items sorted by PMID, the conclusion under a ``CONCLUSIONS:`` label."""
    gold = {"yes": "supports", "no": "not_supported", "maybe": "unclear"}
    data = json.loads(path.read_text(encoding="utf-8"))
    pairs = []
    for pmid in sorted(data):
        item = data[pmid]
        body = " ".join(f"{label}: {ctx}" for label, ctx in zip(item["LABELS"], item["CONTEXTS"]))
        pairs.append(Pair(item["QUESTION"], f"{body} CONCLUSIONS: {item['LONG_ANSWER']}",
                          gold[item["final_decision"]], pmid, pmid))
    return pairs


def group_folds(groups: Sequence[str], folds: int, seed: int) -> np.ndarray:
    """Fold number per item so that no group spans two folds (groups dealt in a seeded order)."""
    names = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(names))
    fold_of = {names[i]: rank % folds for rank, i in enumerate(order)}
    return np.array([fold_of[g] for g in groups])


def scores(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    """Accuracy, macro-F1 (0-100) and F1 per label (0-100) of predictions against gold."""
    gold_a, pred_a = np.array(gold), np.array(predicted)
    out = {"accuracy": float((gold_a == pred_a).mean())}
    f1s = []
    for label in labels:
        tp = int(((pred_a == label) & (gold_a == label)).sum())
        precision = tp / max(int((pred_a == label).sum()), 1)
        recall = tp / max(int((gold_a == label).sum()), 1)
        f1 = 0.0 if tp == 0 else 200 * precision * recall / (precision + recall)
        out[f"F1[{label}]"] = f1
        f1s.append(f1)
    out["macro_f1"] = float(np.mean(f1s))
    return out


def line(name: str, gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str],
         kappa: bool = False) -> str:
    """One printed result line: accuracy, macro-F1, per-class F1 (and kappa)."""
    s = scores(gold, predicted, labels)
    per = " ".join(f"{label[:4]} {s[f'F1[{label}]']:.0f}" for label in labels)
    extra = f"  kappa {cohen_kappa(gold, predicted):.3f}" if kappa else ""
    return f"  {name:<26} acc {s['accuracy']:.1%}  macro-F1 {s['macro_f1']:5.1f}  ({per}){extra}"


def reliability(name: str, gold: Sequence[str], predicted: Sequence[str], confidence: Sequence[float]) -> None:
    """Print accuracy per confidence band and accuracy at 25/50/75/100 % coverage (most confident first)."""
    right = np.array(gold) == np.array(predicted)
    conf = np.array(confidence)
    bands = []
    for low, high in ((0.0, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 1.01)):
        band = (conf >= low) & (conf < high)
        if band.any():
            bands.append(f"[{low:.1f},{min(high, 1):.1f}) {right[band].mean():.0%} of {int(band.sum())}")
    print(f"  reliability {name}: " + "; ".join(bands))
    order = np.argsort(-conf, kind="stable")
    cover = []
    for share in (0.25, 0.5, 0.75, 1.0):
        k = max(1, round(share * len(order)))
        cover.append(f"{share:.0%} acc {right[order[:k]].mean():.1%} (min_confidence {conf[order[k - 1]]:.2f})")
    print(f"  coverage {name}: " + "; ".join(cover))


def majority(gold: Sequence[str], groups: Sequence[str], folds: np.ndarray) -> list[str]:
    """Majority-class baseline, the majority taken on the other folds."""
    predicted = [""] * len(gold)
    for k in sorted(set(folds.tolist())):
        train = [g for g, f in zip(gold, folds) if f != k]
        top = max(sorted(set(train)), key=train.count)
        for i in np.flatnonzero(folds == k):
            predicted[i] = top
    return predicted


def timed(judge: Callable[[Any, str], str], pairs: Sequence[Pair]) -> tuple[list[str], float]:
    """Predictions of ``judge`` and its CPU milliseconds per pair."""
    import time

    start = time.process_time()
    predicted = [judge(p.claim, p.text) for p in pairs]
    return predicted, (time.process_time() - start) * 1000 / max(len(pairs), 1)
