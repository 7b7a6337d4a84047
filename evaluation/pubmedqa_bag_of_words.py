"""Ablation: does adding learned words to the direction model help on PubMedQA? (5-fold CV)

The shipped direction model has 36 named cue features. A tempting way to
reach higher accuracy is to let the model learn words: here each item also
gets binary indicators for the ``--vocab`` most frequent conclusion unigrams and
bigrams and question words of the training folds (seen in at least 3 items),
and the same logistic regression is fitted with L2 = ``--l2``. Folds, features
and the fit are those of ``evaluation/direction.py``; the vocabulary is chosen
inside each fold, so the figures are cross-validated like the main ones.

Usage::

    python evaluation/pubmedqa_bag_of_words.py [--vocab 0 100 300] [--l2 1 5 20]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence

import numpy as np
from direction import DEFAULT_DATA, FOLDS, feature_matrix, fit_weights, folds_of, load_items

from litreview.evidence.direction import split_conclusion

_WORD = re.compile(r"[a-z']+")


def item_terms(question: str, text: str) -> set[str]:
    """Conclusion unigrams and bigrams, and question words marked ``Q_``."""
    words = _WORD.findall(" ".join(split_conclusion(text)[1]).lower())
    return (set(words) | {f"{a}_{b}" for a, b in zip(words, words[1:])}
            | {f"Q_{w}" for w in _WORD.findall(question.lower())})


def accuracy(x: np.ndarray, y: np.ndarray, terms: list[set[str]], vocab_size: int, l2: float) -> float:
    """Cross-validated accuracy with the ``vocab_size`` most frequent training-fold terms added."""
    folds = folds_of(len(y))
    predicted = np.empty(len(y), dtype=int)
    for k in range(FOLDS):
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        counts = Counter(t for i in train for t in terms[i])
        vocab = {t: j for j, (t, n) in enumerate(counts.most_common(vocab_size)) if n >= 3}
        words = np.zeros((len(y), len(vocab)))
        for i, item in enumerate(terms):
            for t in item & vocab.keys():
                words[i, vocab[t]] = 1.0
        full = np.hstack([x, words])
        predicted[test] = (full[test] @ fit_weights(full[train], y[train], l2=l2)).argmax(axis=1)
    return float((predicted == y).mean())


def main(argv: Sequence[str] | None = None) -> int:
    """Print cross-validated accuracy for each vocabulary size and penalty."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, nargs="+", default=[0, 100, 300])
    parser.add_argument("--l2", type=float, nargs="+", default=[1.0, 5.0, 20.0])
    args = parser.parse_args(argv)
    if not DEFAULT_DATA.is_file():
        print(f"no PubMedQA file at {DEFAULT_DATA} (../shared absent?)", file=sys.stderr)
        return 1
    items = load_items(DEFAULT_DATA)
    x, y = feature_matrix(items)
    terms = [item_terms(question, text) for _, question, text, _ in items]
    print(f"{'learned terms':>14}{'L2':>6}{'CV accuracy':>13}")
    for vocab_size in args.vocab:
        for l2 in args.l2:
            print(f"{vocab_size:>14}{l2:>6g}{accuracy(x, y, terms, vocab_size, l2):>13.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
