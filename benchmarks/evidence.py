"""Speed of ``score_evidence`` on register-sized input, against a named baseline in the same run.

Input: the curated register (``../shared/evidence/register.jsonl`` +
``pending_doi.jsonl``) turned into curated records and judgements, scored for
every (record, claim) pair the register names, plus the same records scored
against every claim of their mechanism's register rows (about what the
snapshot's screening produces).

Baseline: ``design_only`` -- the cheapest useful pass over the same pairs
(``classify_design`` on title + summary, nothing else), so the ratio shows what
the full assessment (population, sample size, direction model, flags, score,
curator comparison) costs on top.

Usage::

    python benchmarks/evidence.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from litreview.corpus.claims import Claim
from litreview.corpus.records import Article, PublicationType
from litreview.corpus.snapshot import CuratedJudgement
from litreview.evidence import direction as _direction
from litreview.evidence.scoring import classify_design, load_rubric, score_evidence

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "evidence"


def _load() -> tuple[list[Article], list[Claim], list[tuple[str, str]], list[CuratedJudgement]]:
    """Curated records, one placeholder claim per register claim id, pairs and judgements."""
    records: dict[str, Article] = {}
    judgements: dict[tuple[str, str], CuratedJudgement] = {}
    mechanism_of: dict[str, str] = {}
    for name in ("register.jsonl", "pending_doi.jsonl"):
        for line in (SHARED / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            key = str(row["pmid"]) if row.get("pmid") else f"doi:{row['doi'].lower()}"
            records.setdefault(key, Article(
                pmid=str(row["pmid"]) if row.get("pmid") else None, doi=row.get("doi"), title=row["title"],
                publication_types=tuple(PublicationType(p) for p in row.get("publication_types") or ()),
                source="curated", curated_summary=row["finding"]))
            for cid in row["claim_ids"]:
                mechanism_of[cid] = row["mechanism"]
                judgements[(key, cid)] = CuratedJudgement(
                    key, cid, row["mechanism"], row["direction"], row.get("design"), row.get("population"),
                    row.get("species"), row.get("n"), row["finding"])
    # Claims are placeholders (the register's ids, a neutral "modulates" effect): the benchmark
    # times the scoring, it does not judge the claims.
    claims = [Claim(cid, mech, "mechanism", cid.replace("_", " "), "ketamine", "modulates", cid.split("_")[0], ())
              for cid, mech in sorted(mechanism_of.items())]
    by_mechanism: dict[str, list[str]] = {}
    for cid, mech in mechanism_of.items():
        by_mechanism.setdefault(mech, []).append(cid)
    pairs = {(key, other) for (key, cid) in judgements for other in by_mechanism[mechanism_of[cid]]}
    return list(records.values()), claims, sorted(pairs), list(judgements.values())


def _best_of(repeat: int, func: Callable[[], object]) -> float:
    """Fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    """Time both passes and print records/s, pairs/s and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"no register at {SHARED} (../shared absent)", file=sys.stderr)
        return 1
    records, claims, pairs, curated = _load()
    rubric = load_rubric()
    by_key = {a.key: a for a in records}
    baseline = _best_of(args.repeat, lambda: [classify_design(by_key[k].title, by_key[k].curated_summary,
                                                              by_key[k].publication_types) for k, _ in pairs])
    full = _best_of(args.repeat, lambda: score_evidence(records, claims, pairs, curated, rubric))

    def cold() -> object:
        _direction._sentence_counts.cache_clear()  # per-sentence cue cache, warm after the first run
        return score_evidence(records, claims, pairs, curated, rubric)

    full_cold = _best_of(args.repeat, cold)
    print("command: python benchmarks/evidence.py")
    print(f"input: {len(records)} records, {len(claims)} claims, {len(pairs)} (record, claim) pairs, "
          f"{len(curated)} curator judgements; best of {args.repeat}")
    print(f"baseline design_only : {baseline * 1000:8.1f} ms  {len(pairs) / baseline:9.0f} pairs/s")
    print(f"score_evidence       : {full * 1000:8.1f} ms  {len(pairs) / full:9.0f} pairs/s  "
          f"{len(records) / full:9.0f} records/s")
    print(f"score_evidence (cold): {full_cold * 1000:8.1f} ms  {len(pairs) / full_cold:9.0f} pairs/s  "
          f"{len(records) / full_cold:9.0f} records/s")
    print(f"ratio score_evidence / design_only: {full / baseline:.1f}x warm, {full_cold / baseline:.1f}x cold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
