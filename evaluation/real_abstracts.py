"""The machine alone on real PubMed abstracts of register studies, measured against the curator.

    python evaluation/real_abstracts.py [--abstracts FILE] [--register FILE] [--corpus DIR]

Reads the complete abstracts (``complete: true``) of ``--abstracts`` (default
``../shared/data/ketamine-abstracts/abstracts_dev.jsonl``), joins them on
``pmid`` with ``--register`` (default ``../shared/evidence/register.jsonl``)
and prints:

* pairing precision and recall of the machine's (record, claim) pairs
  (:func:`litreview.workbench.machine.machine_pairs`) against the register's
  ``claim_ids``, for screening's pairing and for relevance pairing (the one
  the machine-only review uses), for all studies and for each half (below);
* design, population and stated-n agreement of the machine's reading with the
  register (n over the studies whose register n is stated), for all studies
  and for each half: every PMID of the dev file is even, so the halves split
  on PMID // 2 (odd: ``dev``, where the rules were developed; even:
  ``held-out``, only measured); ``--show`` prints each disagreement (PMID,
  field, register and machine value; never abstract text);
* direction agreement and Cohen's kappa against the curator, over the
  register's (study, claim) pairs;
* verdict agreement of a machine-only review built from these records with the
  curated review of the same records, and with the committed curated review.

Any file of the same form works. Nothing is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import warnings
from dataclasses import replace
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from litreview.corpus.layout import load_corpus
from litreview.corpus.snapshot import Provenance, Snapshot, write_snapshot
from litreview.evidence.classification import classify_design, classify_population, extract_sample_size
from litreview.evidence.direction_judge import judge_direction
from litreview.workbench.machine import machine_pairs
from litreview.workbench.pipeline import build_review

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: The two halves: rules were developed on ``dev`` (PMID // 2 odd) and only checked on ``held-out``.
_HALVES = ("held-out", "dev")
#: The register's design for an animal or in-vitro study is the machine's ``experimental``.
_DESIGN = {"animal": "experimental", "in_vitro": "experimental"}


def _rows(path: Path) -> list[dict]:
    """JSON lines of a file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _corpus(folder: Path, corpus: Path, abstracts: dict[str, dict]) -> None:
    """A corpus of the committed claims and mechanisms whose snapshot holds only the abstracts' records."""
    for name in ("litreview.toml", "claims.toml", "mechanisms.toml"):
        shutil.copy(corpus / name, folder / name)
    _, claims, snapshot = load_corpus(corpus)
    cited = {k for c in claims if c.fact for k in c.fact.sources}  # a fact check's sources stay, as they are
    keep = {k for k in snapshot.keys if k in abstracts or k in cited}
    records = tuple(replace(a, abstract=abstracts[a.key]["abstract"], source="pubmed", curated_summary=None)
                    if a.key in abstracts else a for a in snapshot.records if a.key in keep)
    searches = {m: replace(s, keys=tuple(k for k in s.keys if k in keep), count=len([k for k in s.keys if k in keep]))
                for m, s in snapshot.searches.items()}
    provenance = {k: Provenance(key=k, source="pubmed", retrieved=p.retrieved, queries=p.queries)
                  if k in abstracts else p for k, p in snapshot.provenance.items() if k in keep}
    write_snapshot(Snapshot(records, searches, provenance, tuple(j for j in snapshot.curated if j.key in keep)),
                   folder / "snapshot")


def _half(pmid: str) -> str:
    """Which half of the file a study is in: every PMID of the dev file is even, so halves split on PMID // 2."""
    return _HALVES[int(pmid) // 2 % 2] if pmid.isdigit() else _HALVES[1]


def _classification(snapshot: Snapshot, studies: list[dict], show: bool) -> tuple[tuple[int, int], ...]:
    """(hits, total) of design, population and stated n against the register; ``show`` prints the misses."""
    design = population = n_hits = n_total = 0
    for row in studies:
        record = snapshot.record(row["pmid"])
        machine = {
            "design": classify_design(record.title, record.abstract, record.publication_types),
            "population": classify_population(record.title, record.abstract, record.mesh_headings),
            "n": getattr(extract_sample_size(record.abstract), "n", None),
        }
        truth = {"design": _DESIGN.get(row["design"], row["design"]), "population": row["population"],
                 "n": row.get("n")}
        design += machine["design"] == truth["design"]
        population += machine["population"] == truth["population"]
        if truth["n"] is not None:
            n_total += 1
            n_hits += machine["n"] == truth["n"]
        for field in machine:
            if show and machine[field] != truth[field] and truth[field] is not None:
                print(f"  {row['pmid']} ({_half(row['pmid'])}) {field}: register {truth[field]}, "
                      f"machine {machine[field]}")
    return (design, len(studies)), (population, len(studies)), (n_hits, n_total)


def _share(hits: int, total: int) -> str:
    """``0.85 (34/40)``."""
    return f"{hits / total:.2f} ({hits}/{total})" if total else "n/a (0)"


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--abstracts", type=Path,
                        default=SHARED / "data" / "ketamine-abstracts" / "abstracts_dev.jsonl")
    parser.add_argument("--register", type=Path, default=SHARED / "evidence" / "register.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--show", action="store_true", help="print each design, population and n disagreement")
    args = parser.parse_args(argv)
    if not args.abstracts.is_file() or not args.register.is_file():
        print(f"missing {args.abstracts} or {args.register} (../shared is not beside the repository)", file=sys.stderr)
        return 1
    abstracts = {a["pmid"]: a for a in _rows(args.abstracts) if a.get("complete")}
    register = [r for r in _rows(args.register) if r.get("pmid") in abstracts]
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        folder = Path(tmp)
        _corpus(folder, args.corpus, abstracts)
        machine = build_review(folder, machine_only=True)
        committed = build_review(args.corpus)
    claims = {c.id: c for c in machine.claims}
    truth = {(r["pmid"], c) for r in register for c in r["claim_ids"]}
    in_scope = {k for k, _ in truth}
    print(f"{len(abstracts)} complete abstracts, {len(register)} register rows, {len(truth)} (study, claim) pairs")
    for pairing in ("screening", "relevance"):
        pairs = set(machine_pairs(machine.screening, machine.snapshot, machine.claims, pairing))
        found = {p for p in pairs if p[0] in in_scope}
        print(f"pairing ({pairing}{', used' if pairing == 'relevance' else ''}): precision "
              f"{_share(len(found & truth), len(found))}, recall {_share(len(found & truth), len(truth))}")
        for label in _HALVES:
            part, mine = {p for p in truth if _half(p[0]) == label}, {p for p in found if _half(p[0]) == label}
            print(f"  {label}: precision {_share(len(mine & part), len(mine))}, "
                  f"recall {_share(len(mine & part), len(part))}")

    studies = list({r["pmid"]: r for r in register}.values())
    for name, part in (("all", studies), *((label, [r for r in studies if _half(r["pmid"]) == label])
                                           for label in _HALVES)):
        design, population, stated = _classification(machine.snapshot, part, show=args.show and name == "all")
        print(f"{name}: design agreement {_share(*design)}, population {_share(*population)}, "
              f"stated n {_share(*stated)}")

    curator, judged = [], []
    for row in register:
        text = f"{abstracts[row['pmid']]['title']}\n{abstracts[row['pmid']]['abstract']}"
        for cid in row["claim_ids"]:
            if row["direction"] == "context" or cid not in claims:
                continue
            curator.append({"null": "no_effect"}.get(row["direction"], row["direction"]))
            judged.append(judge_direction(claims[cid], text).direction)
    agree = sum(a == b for a, b in zip(curator, judged))
    print(f"direction agreement {_share(agree, len(curator))}, Cohen's kappa {cohen_kappa_score(curator, judged):.2f}")

    table = machine.comparison
    print(f"machine-only verdicts = curated verdicts of the same records: "
          f"{_share(int(table['verdict_agrees'].sum()), len(table))}")
    full = {v.claim_id: v.verdict_code for v in committed.verdicts}
    same = sum(v.verdict_code == full.get(v.claim_id) for v in machine.verdicts)
    print(f"machine-only verdicts = committed curated review: {_share(same, len(machine.verdicts))}")
    # every judgement here is the machine's: a verdict resting on studies must say so
    resting = [v for v in machine.verdicts if v.deciding]
    unmarked = [v.claim_id for v in resting if "rests on unverified machine reading" not in v.verdict]
    print(f"machine-only verdicts resting on studies without the 'rests on unverified machine reading' mark: "
          f"{len(unmarked)} of {len(resting)}{' (' + ', '.join(unmarked) + ')' if unmarked else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
