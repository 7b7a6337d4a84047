"""Benchmark `litreview claims suggest` on the five seed articles against the committed claims register.

Recall: the share of committed (claim, article, quote) sources whose quote lies inside a suggested
sentence (or overlaps a suggested quote). Rejection share: the share of suggestions whose sentence
holds no committed quote, i.e. that the register's curator did not make a claim of; this is the
automatic judgement (an upper bound: a few of them are claims the register merged into another
one or left out). Run from the repository root, with ../shared beside it:

    python evaluation/claims_suggest.py [--seeds ../shared/seeds] [--show-rejected]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from litreview.corpus.claim_suggest import suggest_claims
from litreview.corpus.layout import load_review
from litreview.corpus.sentences import sentence_spans

ROOT = Path(__file__).resolve().parents[1]


def _locate(text: str, quote: str) -> tuple[int, int] | None:
    """Offsets of a quote in the text, ignoring case, spacing and typographic quotes."""
    pattern = r"\s+".join(re.escape(w) for w in quote.replace("’", "'").replace("“", '"').replace("”", '"').split())
    found = re.search(pattern, text.replace("’", "'").replace("“", '"').replace("”", '"'), re.IGNORECASE)
    return (found.start(), found.end()) if found else None


def main() -> None:
    """Print per-article and total recall and rejection share."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--show-rejected", action="store_true", help="print the suggestions judged rejected")
    args = parser.parse_args()
    review = load_review(ROOT / "corpus")
    quotes: dict[str, list[str]] = {}
    for claim in review.claims:
        for source in claim.sources:
            quotes.setdefault(source.article, []).append(source.quote)
    total_found = total_quotes = total_suggested = total_rejected = 0
    print(f"{'article':<26} {'quotes':>6} {'found':>6} {'recall':>7} {'suggested':>9} {'rejected':>8}")
    for path in sorted(args.seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        suggestions = suggest_claims(text, path.name, review.config.intervention, review.mechanisms)
        sentence_of = {s: e for s, e in sentence_spans(text)}
        spans = []
        for s in suggestions:
            assert text[s.start:s.end] == s.quote, s.id  # offsets are checked, not trusted
            sentence = next(((a, b) for a, b in sentence_of.items() if a <= s.start and s.end <= b), (s.start, s.end))
            spans.append(sentence)
        located = [_locate(text, q) for q in quotes.get(path.name, [])]
        found = sum(1 for loc in located if loc and any(a < loc[1] and loc[0] < b for a, b in spans))
        rejected = [s for s, (a, b) in zip(suggestions, spans)
                    if not any(loc and a < loc[1] and loc[0] < b for loc in located)]
        total_found += found
        total_quotes += len(located)
        total_suggested += len(suggestions)
        total_rejected += len(rejected)
        recall = found / len(located) if located else float("nan")
        print(f"{path.name:<26} {len(located):>6} {found:>6} {recall:>7.2f} {len(suggestions):>9} {len(rejected):>8}")
        if args.show_rejected:
            for s in rejected:
                print(f"    rejected {s.id}: {s.quote}")
    print(f"{'all':<26} {total_quotes:>6} {total_found:>6} {total_found / total_quotes:>7.2f} {total_suggested:>9} "
          f"{total_rejected:>8}")
    print(f"recall {total_found / total_quotes:.2f}; rejection share {total_rejected / total_suggested:.2f} "
          f"({total_rejected} of {total_suggested} suggestions hold no committed quote)")


if __name__ == "__main__":
    main()
