"""The shipped direction judge on labelled data this project does not have: one command, nothing refitted.

The figures in ``docs/scoring.md`` come from the development data in
``../shared/data``. Whoever holds the parts kept apart for evaluation (the
other half of the register's real abstracts, HealthVer's test split,
PubMedQA's PQA-L test split) passes them here in the same formats:

- ``--abstracts FILE``: JSON lines with ``pmid``, ``title``, ``abstract`` and
  ``complete``, joined on PMID with the committed snapshot's curated (study,
  claim) judgements (complete abstracts only); five classes, with Cohen's kappa;
- ``--healthver FILE``: CSV with ``claim``, ``evidence``, ``label``
  (Supports / Refutes / Neutral); three classes;
- ``--pubmedqa FILE``: PQA-L JSON (``QUESTION``, ``CONTEXTS``, ``LABELS``,
  ``LONG_ANSWER``, ``final_decision``); three classes. The shipped linear
  weights were fitted on ``pqal_cv.json`` (the PQA-L items outside its test
  split), so the test split is held out.

Printed per file: the judge beside the constant majority class of that file,
accuracy per confidence band, accuracy at 25/50/75/100 % coverage (most
confident first, the ``min_confidence`` that answers each share) and CPU
milliseconds per pair. The judge is exactly what ``litreview`` runs (packaged
weights, default settings); nothing is fitted or tuned on these files.

Usage::

    python evaluation/held_out.py [--abstracts FILE] [--healthver FILE] [--pubmedqa FILE] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from judge_data import (  # noqa: E402
    FIVE,
    THREE,
    TO_THREE,
    Pair,
    line,
    load_abstracts,
    load_healthver,
    load_pubmedqa,
    reliability,
)

from litreview.corpus.layout import load_corpus
from litreview.errors import LitreviewError
from litreview.evidence.direction_judge import judge_direction


def evaluate(name: str, pairs: Sequence[Pair], labels: Sequence[str]) -> None:
    """Print the shipped judge's figures on ``pairs`` (gold in ``labels``' space)."""
    if not pairs:
        print(f"-- {name}: no labelled pairs")
        return
    gold = [p.gold for p in pairs]
    start = time.process_time()
    judged = [judge_direction(p.claim, p.text) for p in pairs]
    ms = (time.process_time() - start) * 1000 / len(pairs)
    predicted = [j.direction if labels == FIVE else TO_THREE[j.direction] for j in judged]
    counts = "/".join(f"{label} {gold.count(label)}" for label in labels)
    print(f"-- {name}: {len(pairs)} pairs; gold {counts}")
    print(line(f"judge (shipped) {ms:.2f} ms", gold, predicted, labels, kappa=True))
    top = Counter(gold).most_common(1)[0][0]
    print(line(f"constant '{top}'", gold, [top] * len(gold), labels, kappa=True))
    reliability(name, gold, predicted, [j.confidence for j in judged])


def main(argv: Sequence[str] | None = None) -> int:
    """Judge every given file and print its figures; 2 with a one-line message for a missing or bad file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--abstracts", type=Path, help="real abstracts, JSON lines (pmid, title, abstract, complete)")
    parser.add_argument("--healthver", type=Path, help="HealthVer CSV (claim, evidence, label)")
    parser.add_argument("--pubmedqa", type=Path, help="PubMedQA PQA-L JSON")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: the committed one)")
    args = parser.parse_args(argv)
    given = [(flag, path) for flag, path in (("abstracts", args.abstracts), ("healthver", args.healthver),
                                             ("pubmedqa", args.pubmedqa)) if path is not None]
    if not given:
        parser.error("give at least one of --abstracts, --healthver, --pubmedqa")
    for flag, path in given:
        if not path.is_file():
            print(f"held_out: --{flag} {path}: no such file", file=sys.stderr)
            return 2
    print("command: python evaluation/held_out.py " + " ".join(f"--{flag} {path.name}" for flag, path in given))
    try:
        for flag, path in given:
            if flag == "abstracts":
                _, claims, snapshot = load_corpus(args.corpus)
                evaluate(f"real abstracts ({path.name}, complete)", load_abstracts(claims, snapshot.curated, path),
                         FIVE)
            elif flag == "healthver":
                evaluate(f"HealthVer ({path.name})", load_healthver(path), THREE)
            else:
                evaluate(f"PubMedQA ({path.name})", load_pubmedqa(path), THREE)
    except (KeyError, ValueError, LitreviewError) as exc:
        print(f"held_out: --{flag} {path}: not in the expected format ({type(exc).__name__}: {exc})",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
