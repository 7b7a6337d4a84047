"""Direction judgement, measured in one run: PubMedQA (5-fold CV), curator agreement and speed.

1. **PubMedQA** (PQA-L, 500 expert-labelled items), 5-fold cross-validated.
   Each item's ``QUESTION`` is the claim; the text is its abstract: the
   ``CONTEXTS`` sections (with their labels) followed by the ``LONG_ANSWER``
   under a ``CONCLUSIONS:`` label, as in the structured abstract it came from
   (``--unlabelled`` drops that label, so the conclusion is found as the last
   two sentences, like an unstructured abstract). Gold labels map to
   directions: yes = supports, no = contradicts or no_effect, maybe = mixed or
   unclear. The direction model has learned weights
   (``src/litreview/direction_weights.toml``), so the only figures reported are
   cross-validated: for each fold the weights are fitted on the other four
   folds and the fold is judged with :func:`litreview.evidence.direction_judge.judge_direction`
   using those weights. Folds are a fixed seeded permutation of the PMIDs.
   ``--fit`` then fits on all 500 items and writes the shipped weights file
   (in-sample accuracy of that file is never reported: it would flatter the
   model).
2. **Curator agreement**: every curated (study, claim) pair of the committed
   snapshot (``corpus/``), judged by the shipped weights exactly as
   ``litreview score`` does (title + the finding written for that claim),
   against the curator's direction (curator ``context`` = machine ``unclear``):
   accuracy, Cohen's kappa, the confusion matrix, and accuracy by confidence
   band. Nothing is fitted on these pairs. ``--halves`` also reports agreement
   on two halves of the studies, split by a hash of the record key (SHA-256;
   the keys whose hash sorts first make half 1), so a rule that helps only the
   findings it was written against shows up as a gap between the halves.
   HealthVer dev is also reported on two halves by topic
   (:func:`judge_data.healthver_half`: 'develop', whose misjudged pairs round 8
   read, and 'check', never read).
3. **HealthVer combiner** (``evaluation/combiner_fit.py``, an experiment kept
   out of ``src/``): a logistic model over the rules' call and dataset-agnostic
   cues, cross-validated within each dataset (grouped folds) and
   leave-one-dataset-out, beside the rules alone.
4. **Speed**: mean CPU (and wall-clock) time of
   :func:`~litreview.evidence.direction_judge.judge_direction` per (record, claim) pair, caches
   cleared first: over the pairs the snapshot's screening produces, and over
   every record against every claim.

Usage::

    python evaluation/direction.py [--data ../shared/data/pubmedqa/pqal_cv.json] [--unlabelled] [--halves] [--fit]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # judge_data beside this file, however it is loaded
from combiner_fit import report as combiner_report  # noqa: E402
from judge_data import (  # noqa: E402
    ABSTRACTS,
    FIVE,
    HEALTHVER,
    THREE,
    TO_THREE,
    Pair,
    complete_abstracts,
    group_folds,
    healthver_half,
    line,
    load_abstracts,
    load_healthver,
    load_register_pairs,
    majority,
    register_claim_ids,
    reliability,
)
from relevance_fit import healthver_cv, held_out_gates  # noqa: E402

from litreview.corpus.agreement import cohen_kappa
from litreview.corpus.layout import load_corpus
from litreview.corpus.records import Article
from litreview.evidence import direction as _direction
from litreview.evidence import reading as _reading
from litreview.evidence.addressing import (
    EMBEDDING_FEATURES,
    LEXICAL_FEATURES,
    addressing_features,
)
from litreview.evidence.direction import FEATURES, MODEL_CLASSES, WEIGHTS_FILE
from litreview.evidence.direction_judge import judge_direction
from litreview.evidence.relevance import pair_claims, pair_record
from litreview.evidence.scoring import direction_features, score_evidence
from litreview.screening.rules import screen_records

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "pubmedqa" / "pqal_cv.json"
GOLD = ("yes", "no", "maybe")
MACHINE_DIRECTIONS = ("supports", "contradicts", "no_effect", "mixed", "unclear")
CURATOR_TO_MACHINE = {"context": "unclear"}
TO_GOLD = {"supports": "yes", "contradicts": "no", "no_effect": "no", "mixed": "maybe", "unclear": "maybe"}
MODEL_TO_GOLD = {"supports": "yes", "not_supported": "no", "unclear": "maybe"}
L2 = 1.0
#: Loss weight per model class (supports, not_supported, unclear). Equal: weighting "maybe" (11% of
#: items) x2 raised macro-F1 from 54 to 60 but cost 0.8 points of accuracy (3 points with --unlabelled).
CLASS_WEIGHTS = (1.0, 1.0, 1.0)
SEED = 20190906
FOLDS = 5


def load_items(path: Path, labelled: bool = True) -> list[tuple[str, str, str, str]]:
    """(pmid, question, text, gold) per item, sorted by PMID."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = []
    for pmid in sorted(data):
        item = data[pmid]
        body = " ".join(f"{label}: {ctx}" for label, ctx in zip(item["LABELS"], item["CONTEXTS"]))
        tail = f"CONCLUSIONS: {item['LONG_ANSWER']}" if labelled else item["LONG_ANSWER"]
        items.append((pmid, item["QUESTION"], f"{body} {tail}", item["final_decision"]))
    return items


def fit_weights(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 25,
                class_weights: Sequence[float] = CLASS_WEIGHTS) -> np.ndarray:
    """Class-weighted multinomial logistic regression with an L2 penalty, fitted by Newton's method.

    Returns the (features x classes) weight matrix. The bias row gets a tiny
    penalty only, enough to make the problem strictly convex.
    """
    n, d = x.shape
    k = len(MODEL_CLASSES)
    onehot = np.eye(k)[y]
    item_weights = np.asarray(class_weights, dtype=float)[y]
    penalty = np.full(d, float(l2))
    penalty[0] = 1e-3
    reg = np.diag(np.tile(penalty, k))  # parameters ordered class-major: w[:, 0], w[:, 1], ...
    w = np.zeros((d, k))
    for _ in range(steps):
        z = x @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = (x.T @ ((p - onehot) * item_weights[:, None])).T.reshape(-1) + reg @ w.T.reshape(-1)
        # Hessian blocks: sum_i x_i x_i^T (p_ia [a == b] - p_ia p_ib)
        weights = (np.einsum("ia,ab->iab", p, np.eye(k)) - np.einsum("ia,ib->iab", p, p)) * item_weights[:, None, None]
        hess = np.einsum("iab,ij,il->ajbl", weights, x, x).reshape(k * d, k * d) + reg
        step = np.linalg.solve(hess, grad)
        w -= step.reshape(k, d).T
        if np.abs(step).max() < 1e-8:
            break
    return w


def as_weights(w: np.ndarray) -> dict[str, tuple[float, ...]]:
    """Weight matrix to the mapping judge_direction takes."""
    return {name: tuple(float(v) for v in w[i]) for i, name in enumerate(FEATURES)}


def folds_of(n: int) -> np.ndarray:
    """Fold number per item: a seeded permutation, so every run uses the same folds."""
    order = np.random.default_rng(SEED).permutation(n)
    folds = np.empty(n, dtype=int)
    folds[order] = np.arange(n) % FOLDS
    return folds


def feature_matrix(items: Sequence[tuple[str, str, str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (items x FEATURES) and gold class indices."""
    rows = [direction_features(question, text) for _, question, text, _ in items]
    x = np.array([[row[f] for f in FEATURES] for row in rows])
    return x, np.array([GOLD.index(g) for *_, g in items])


def cross_validate(items: Sequence[tuple[str, str, str, str]]) -> tuple[list[str], list[float]]:
    """Predicted gold labels and confidences, each from weights fitted without the item's fold."""
    x, y = feature_matrix(items)
    folds = folds_of(len(items))
    predicted, confidence = [""] * len(items), [0.0] * len(items)
    for k in range(FOLDS):
        weights = as_weights(fit_weights(x[folds != k], y[folds != k]))
        for i in np.flatnonzero(folds == k):
            _, question, text, _ = items[i]
            judged = judge_direction(question, text, weights=weights)
            predicted[i], confidence[i] = TO_GOLD[judged.direction], judged.confidence
    return predicted, confidence


def print_confusion(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> None:
    """Print the confusion matrix (rows gold, columns predicted)."""
    gold_a, pred_a = np.array(gold), np.array(predicted)
    width = max(9, *(len(label) + 1 for label in labels))
    print("confusion (rows gold, columns predicted):")
    print(" " * width + "".join(f"{label:>{width}}" for label in labels))
    for g in labels:
        print(f"{g:>{width}}" + "".join(f"{int(((gold_a == g) & (pred_a == p)).sum()):>{width}}" for p in labels))


def report(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """Print accuracy, per-class F1, macro-F1 and the confusion matrix; return (accuracy, macro-F1)."""
    gold_a, pred_a = np.array(gold), np.array(predicted)
    accuracy = float((gold_a == pred_a).mean())
    f1s = []
    for label in GOLD:
        tp = int(((pred_a == label) & (gold_a == label)).sum())
        precision = tp / max(int((pred_a == label).sum()), 1)
        recall = tp / max(int((gold_a == label).sum()), 1)
        f1s.append(0.0 if tp == 0 else 2 * precision * recall / (precision + recall))
    print(f"accuracy {accuracy:.1%}  macro-F1 {100 * np.mean(f1s):.2f}  "
          + "  ".join(f"F1[{g}] {100 * f:.1f}" for g, f in zip(GOLD, f1s)))
    print_confusion(gold, predicted, GOLD)
    return accuracy, float(np.mean(f1s))


def key_halves(keys: Sequence[str]) -> dict[str, int]:
    """Half (1 or 2) per record key: keys sorted by their SHA-256 hash, the first half of them in half 1."""
    ordered = sorted(set(keys), key=lambda key: hashlib.sha256(key.encode("utf-8")).hexdigest())
    cut = (len(ordered) + 1) // 2
    return {key: 1 if i < cut else 2 for i, key in enumerate(ordered)}


def curator_agreement(corpus: Path | None, halves: bool = False) -> None:
    """Print agreement with the curator on every curated pair of the committed snapshot (and per half)."""
    _, claims, snapshot = load_corpus(corpus)
    pairs = [(j.key, j.claim_id) for j in snapshot.curated]
    assessments = score_evidence(snapshot.records, claims, pairs, snapshot.curated)
    gold = [CURATOR_TO_MACHINE.get(a.curated_direction, a.curated_direction) for a in assessments]
    predicted = [a.auto_direction for a in assessments]
    agree = sum(g == p for g, p in zip(gold, predicted))
    print(f"{len(assessments)} curated (study, claim) pairs; curator 'context' compared with machine 'unclear'")
    print(f"accuracy {agree / len(gold):.1%} ({agree}/{len(gold)})  Cohen's kappa {cohen_kappa(gold, predicted):.3f}")
    print_confusion(gold, predicted, MACHINE_DIRECTIONS)
    confidence = np.array([a.auto_confidence for a in assessments])
    right = np.array(gold) == np.array(predicted)
    for low, high in ((0.0, 0.5), (0.5, 0.8), (0.8, 1.01)):
        band = (confidence >= low) & (confidence < high)
        if band.any():
            print(f"confidence [{low:.1f}, {min(high, 1):.1f}): {int(band.sum())} pairs, "
                  f"accuracy {right[band].mean():.1%}")
    if halves:
        half = key_halves([a.key for a in assessments])
        for number in (1, 2):
            members = [i for i, a in enumerate(assessments) if half[a.key] == number]
            g, p = [gold[i] for i in members], [predicted[i] for i in members]
            hits = sum(x == y for x, y in zip(g, p))
            print(f"half {number} (record-key hash): {len(members)} pairs of {sum(v == number for v in half.values())} "
                  f"studies, accuracy {hits / len(g):.1%} ({hits}/{len(g)})  Cohen's kappa {cohen_kappa(g, p):.3f}")


def speed(corpus: Path | None) -> None:
    """Print the mean judge_direction time per (record, claim) pair, caches cleared first.

    CPU time (``time.process_time``) is the figure to compare: on a shared
    machine the wall-clock time also counts other processes.

    Two sets: the screened pairs of the snapshot (each record judged for its own
    claims) and every record against every claim (as when a live fetch brings in
    records for all the claims; a record's sentences are then read once and
    reused for the next claim, as in ``score_evidence``).
    """
    mechanisms, claims, snapshot = load_corpus(corpus)
    by_key = {a.key: a for a in snapshot.records}
    by_id = {c.id: c for c in claims}
    screened = sorted(screen_records(snapshot, mechanisms, claims).pairs)
    every = [(key, c.id) for key in sorted(by_key) for c in claims]
    for label, pairs in (("screened pairs", screened), ("every record x every claim", every)):
        jobs = [(by_id[cid], f"{by_key[key].title}\n{by_key[key].abstract or by_key[key].curated_summary or ''}")
                for key, cid in pairs]
        _direction.clear_caches()
        _reading.clear_caches()
        start, cpu = time.perf_counter(), time.process_time()
        for claim, text in jobs:
            judge_direction(claim, text)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"{label}: {len(jobs)} pairs, {cpu / len(jobs) * 1e6:.0f} us CPU per pair "
              f"({elapsed / len(jobs) * 1e6:.0f} us wall clock)")


def _judged(pairs: Sequence[Pair]) -> tuple[list[Any], float]:
    """Judgements of the shipped judge and CPU ms per pair."""
    start = time.process_time()
    out = [judge_direction(p.claim, p.text) for p in pairs]
    return out, (time.process_time() - start) * 1000 / max(len(pairs), 1)


def _as(labels: Sequence[str], directions: Sequence[str]) -> list[str]:
    """Directions in a dataset's label space (five classes as they are, three classes mapped)."""
    return list(directions) if labels == FIVE else [TO_THREE[d] for d in directions]


def all_datasets(corpus: Path | None) -> None:
    """Print, per dataset, the shipped judge beside the majority baseline and the relevance-gated variant."""
    _, claims, snapshot = load_corpus(corpus)
    sets: list[tuple[str, list[Pair], tuple[str, ...], list[tuple[str, list[str]]]]] = []
    if ABSTRACTS.is_file():
        sets.append(("real abstracts (dev half, complete)", load_abstracts(claims, snapshot.curated), FIVE,
                     [("by study", [p.group for p in load_abstracts(claims, snapshot.curated)])]))
    register = load_register_pairs(claims, snapshot)
    sets.append(("register pairs (title + finding)", register, FIVE, [("by study", [p.group for p in register])]))
    if HEALTHVER.is_file():
        by_topic = [p.group for p in load_healthver(group_by="topic")]
        pairs = load_healthver()
        sets.append(("HealthVer dev", pairs, THREE, [("by claim", [p.group for p in pairs]), ("by topic", by_topic)]))
    gates = held_out_gates()
    for name, pairs, labels, groupings in sets:
        fit_name = {"real": "abstracts", "register": "register", "HealthVer": "healthver"}[name.split()[0]]
        gold = [p.gold for p in pairs]
        judged, ms = _judged(pairs)
        predicted = _as(labels, [j.direction for j in judged])
        print(f"-- {name}: {len(pairs)} pairs; gold " + "/".join(f"{g} {gold.count(g)}" for g in labels))
        print(line(f"judge (shipped) {ms:.2f} ms", gold, predicted, labels, kappa=True))
        for label, gated in held_out_gate(gates.get(fit_name), pairs, predicted, labels):
            print(line(label, gold, gated, labels, kappa=True))
        if fit_name == "healthver":
            prob, cautious = healthver_cv()
            for label, threshold in (("0.50", np.full(len(prob), 0.5)), ("cautious", cautious)):
                gated = ["unclear" if q < t else d for q, t, d in zip(prob, threshold, predicted)]
                print(line(f"+ claim-fold CV gate {label}", gold, gated, labels, kappa=True))
        for grouping, groups in groupings:
            folds = group_folds(groups, FOLDS, SEED)
            print(line(f"majority (5 folds {grouping})", gold, majority(gold, groups, folds), labels))
        reliability(name, gold, predicted, [j.confidence for j in judged])
        if fit_name == "healthver":
            for half in ("develop", "check"):
                keep = [i for i, g in enumerate(by_topic) if healthver_half(g) == half]
                print(line(f"  half '{half}' ({len({by_topic[i] for i in keep})} topics)", [gold[i] for i in keep],
                           [predicted[i] for i in keep], labels, kappa=True))
        if labels == FIVE and name.startswith("real abstracts"):
            for half in ("develop", "check"):
                keep = [i for i, p in enumerate(pairs) if rule_half(p.key) == half]
                print(line(f"  half '{half}' ({len({pairs[i].key for i in keep})} studies)", [gold[i] for i in keep],
                           [predicted[i] for i in keep], labels, kappa=True))
    if ABSTRACTS.is_file():
        pairing(claims)


def held_out_gate(gate: tuple[Any, float] | None, pairs: Sequence[Pair], predicted: Sequence[str],
                  labels: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The judge's calls behind a relevance gate fitted without the dataset: at 0.5 and at the cautious threshold.

    A pair whose probability of addressing the claim is below the threshold is
    ``unclear`` (what ``judge_direction(min_relevance=...)`` does with the shipped model).
    """
    if gate is None:
        return []
    model, cautious = gate
    kind = "embedding" if model.n_features_in_ == len(EMBEDDING_FEATURES) else "lexical"
    x = np.array([[f[n] for n in (EMBEDDING_FEATURES if kind == "embedding" else LEXICAL_FEATURES)]
                  for f in (addressing_features(p.claim, p.text, embeddings=kind == "embedding") for p in pairs)])
    prob = model.predict_proba(x)[:, 1]
    out = []
    for threshold in (0.5, cautious):
        gated = ["unclear" if q < threshold else d for q, d in zip(prob, predicted)]
        out.append((f"+ held-out {kind} gate {threshold:.2f}", gated))
    return out


def rule_half(pmid: str) -> str:
    """Which half of the real abstracts a study is in: 'develop' (rules were written looking at these) or 'check'.

    Every PMID of the dev file is even, so the split is on the next bit: PMID // 2 odd is 'develop'.
    """
    return "develop" if int(pmid) // 2 % 2 else "check"


def pairing(claims: Sequence[Any]) -> None:
    """Print pairing precision and recall on the complete real abstracts against the register's claim ids."""
    texts, links = complete_abstracts(), register_claim_ids()
    records = {pmid: Article(pmid=pmid, title=text.split("\n", 1)[0], abstract=text.split("\n", 1)[1])
               for pmid, text in texts.items()}
    mechanism = {c.id: c.mechanism for c in claims}
    for label in ("alone", "among the review's claims"):
        tp = fp = fn = near = 0
        errors: dict[str, list[int]] = {}
        start = time.process_time()
        for pmid, article in records.items():
            linked_mechanisms = {mechanism.get(c) for c in links.get(pmid, set())}
            if label == "alone":
                paired_ids = {c.id for c in claims if pair_record(c, article) is not None}
            else:  # each claim scored once per record, the others as its rivals
                paired_ids = {p.claim_id for p in pair_claims(claims, article)}
            for claim in claims:
                paired = claim.id in paired_ids
                linked = claim.id in links.get(pmid, set())
                tp, fp, fn = tp + (paired and linked), fp + (paired and not linked), fn + (linked and not paired)
                near += paired and not linked and claim.mechanism in linked_mechanisms
                if paired != linked:
                    errors.setdefault(claim.id, [0, 0])[0 if paired else 1] += 1
        ms = (time.process_time() - start) * 1000 / (len(records) * len(claims))
        print(f"-- pairing, {len(records)} complete abstracts x {len(claims)} claims ({label}): "
              f"precision {tp / max(tp + fp, 1):.2f} recall {tp / max(tp + fn, 1):.2f} "
              f"({tp} right, {fp} extra, {fn} missed); precision counting a pair the curator linked to another "
              f"claim of the same mechanism as right: {(tp + near) / max(tp + fp, 1):.2f}")
        print("   per claim (extra/missed): " + ", ".join(f"{c} {e[0]}/{e[1]}" for c, e in sorted(errors.items())))
        print(f"   {ms:.2f} ms CPU per (record, claim) pairing")


def write_weights(items: Sequence[tuple[str, str, str, str]], path: Path) -> None:
    """Fit on every item and write the weights TOML shipped with the package."""
    x, y = feature_matrix(items)
    w = fit_weights(x, y)
    lines = [
        "# Direction model weights: one [supports, not_supported, unclear] score per feature.",
        "# Fitted by `python evaluation/direction.py --fit` (multinomial logistic regression,",
        f"# L2 = {L2}, class weights {list(CLASS_WEIGHTS)}) on the 500 PubMedQA PQA-L items",
        "# in ../shared/data/pubmedqa/pqal_cv.json.",
        "# Features are described in src/litreview/_direction.py; accuracy figures are",
        "# 5-fold cross-validated only (see docs/scoring.md). Edit by hand at your own risk.",
        "",
        "[weights]",
    ]
    lines += [f"{name} = [{', '.join(f'{v:.3f}' for v in w[i])}]" for i, name in enumerate(FEATURES)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path} (fitted on all {len(items)} items)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the cross-validated evaluation (and optionally refit the shipped weights)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--unlabelled", action="store_true", help="do not label the long answer CONCLUSIONS")
    parser.add_argument("--fit", action="store_true", help="refit on all items and write the shipped weights")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: the committed one)")
    parser.add_argument("--halves", action="store_true",
                        help="also report curator agreement on two halves of the studies (split by key hash)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"no PubMedQA file at {args.data} (../shared absent?)", file=sys.stderr)
        return 1
    items = load_items(args.data, labelled=not args.unlabelled)
    gold = [g for *_, g in items]
    flags = "".join(f" --{name}" for name in ("unlabelled", "halves") if getattr(args, name))
    print(f"command: python evaluation/direction.py{flags}")
    print(f"{len(items)} items; gold yes/no/maybe = " + "/".join(str(gold.count(g)) for g in GOLD))
    print(f"majority baseline (always 'yes'): {gold.count('yes') / len(gold):.1%}")
    print(f"== PubMedQA: {FOLDS}-fold cross-validated direction judgement "
          f"({'conclusion labelled' if not args.unlabelled else 'conclusion = last two sentences'}) ==")
    predicted, confidence = cross_validate(items)
    report(gold, predicted)
    reliability("PubMedQA", gold, predicted, confidence)
    pubmedqa = [Pair(question, text, {"yes": "supports", "no": "not_supported", "maybe": "unclear"}[g], pmid)
                for pmid, question, text, g in items]
    as_three = [{"yes": "supports", "no": "not_supported", "maybe": "unclear"}[p] for p in predicted]
    for label, gated in held_out_gate(held_out_gates()["pubmedqa"], pubmedqa, as_three, THREE):
        print(line(label, [p.gold for p in pubmedqa], gated, THREE))
    print("\n== every dataset: shipped judge, majority baseline and relevance-gated variant ==")
    all_datasets(args.corpus)
    print("\n== HealthVer combiner (evaluation/combiner.py; not shipped): grouped folds within each dataset, "
          "and leave-one-dataset-out ==")
    combiner_report()
    print("\n== curator agreement (shipped weights, committed snapshot) ==")
    curator_agreement(args.corpus, halves=args.halves)
    print("\n== speed: judge_direction per screened (record, claim) pair ==")
    speed(args.corpus)
    if args.fit:
        write_weights(items, ROOT / "src" / "litreview" / WEIGHTS_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
