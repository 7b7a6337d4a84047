"""The machine path at scale: import, pair, extract, judge and synthesize a machine-only review.

    python benchmarks/machine_path.py [--sizes 2000 10000]

For each size, in a fresh process (so peak memory is that size's own): the
titles and abstracts of ``../shared/data/screening/*.csv`` (about 5,000 real
records; beyond that each is repeated with a new PMID and a numbered title,
so duplicate detection does not merge them) are written as PubMed XML files
of 1,000 records into a temporary folder, then

1. **import**: :func:`litreview.sources.importing.import_files` into a new snapshot
   of the committed claims and mechanisms, written with ``write_snapshot``;
2. **pair** (the cheap filter): screening and :func:`litreview.workbench.machine.machine_pairs`
   decide which (record, claim) pairs reach the readers;
3. **extract**: :func:`litreview.evidence.extraction.extract` per pair (tqdm bar);
4. **judge**: :func:`litreview.evidence.score_evidence` (design, population,
   n, direction) per pair;
5. **synthesize**: appraisal and GRADE synthesis.

It prints seconds and peak resident memory after each stage, and seconds per
1,000 records.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from xml.sax.saxutils import escape

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
SCREENING = ROOT.parent / "shared" / "data" / "screening"
BATCH = 1000


def _real_records() -> list[tuple[str, str, str]]:
    """(title, abstract, year) of every screening record with a title."""
    out = []
    csv.field_size_limit(10**8)
    for path in sorted(SCREENING.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("title"):
                    out.append((row["title"], row.get("abstract") or "", (row.get("year") or "")[:4]))
    return out


def _write_xml(folder: Path, size: int) -> list[Path]:
    """``size`` records as PubMed XML files of :data:`BATCH` records."""
    real = _real_records()
    files = []
    for first in range(0, size, BATCH):
        parts = ["<?xml version='1.0' encoding='utf-8'?>\n<PubmedArticleSet>"]
        for i in range(first, min(first + BATCH, size)):
            title, abstract, year = real[i % len(real)]
            copy = i // len(real)
            if copy:
                title = f"{title} (copy {copy})"
            parts.append(
                f"<PubmedArticle><MedlineCitation Status='MEDLINE'><PMID Version='1'>{90_000_000 + i}</PMID>"
                f"<Article><Journal><JournalIssue><PubDate><Year>{escape(year) or 2000}</Year></PubDate>"
                f"</JournalIssue><Title>Screening set</Title></Journal><ArticleTitle>{escape(title)}</ArticleTitle>"
                f"<Abstract><AbstractText>{escape(abstract)}</AbstractText></Abstract>"
                f"<Language>eng</Language></Article></MedlineCitation></PubmedArticle>")
        parts.append("</PubmedArticleSet>\n")
        path = folder / f"records{first // BATCH:03d}.xml"
        path.write_text("\n".join(parts), encoding="utf-8")
        files.append(path)
    return files


def _peak_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(size: int) -> None:
    """Time every stage for ``size`` records and print one line per stage."""
    import shutil

    from litreview.synthesis.appraisal import appraise
    from litreview.corpus.claims import load_claims, load_mechanisms
    from litreview.evidence.scoring import assessments_to_frame, score_evidence
    from litreview.evidence.extraction import extract
    from litreview.sources.importing import import_files
    from litreview.workbench.machine import machine_pairs, machine_snapshot
    from litreview.screening.rules import screen_records
    from litreview.corpus.snapshot import write_snapshot
    from litreview.synthesis.grade import synthesize

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = _write_xml(folder, size)
        for name in ("claims.toml", "mechanisms.toml"):
            shutil.copy(ROOT / "corpus" / name, folder / name)
        mechanisms = load_mechanisms(folder / "mechanisms.toml")
        claims = load_claims(folder / "claims.toml", mechanisms)
        by_id = {c.id: c for c in claims}
        stages: list[tuple[str, float]] = []
        total = time.perf_counter()

        def done(name: str, started: float) -> None:
            stages.append((name, time.perf_counter() - started))
            print(f"{size:>6} records  {name:<11} {stages[-1][1]:7.1f} s  peak {_peak_mb():6.0f} MB", flush=True)

        started = time.perf_counter()
        result = import_files(files, None, mechanisms, "2025-01-01")
        write_snapshot(result.snapshot, folder / "snapshot")
        snapshot = machine_snapshot(result.snapshot)
        done("import", started)
        started = time.perf_counter()
        pairs = machine_pairs(screen_records(snapshot, mechanisms, claims))
        done("pair", started)
        started = time.perf_counter()
        for key, claim_id in tqdm(pairs, desc="extract", unit="pair", disable=len(pairs) < 500):
            extract(snapshot.record(key), by_id[claim_id])
        done("extract", started)
        started = time.perf_counter()
        assessments = score_evidence(snapshot.records, claims, pairs)
        done("judge", started)
        started = time.perf_counter()
        frame = assessments_to_frame(assessments)
        frame.insert(2, "year", [snapshot.record(k).year for k in frame["key"]])
        appraised = appraise(frame, claims, {a.key: a for a in snapshot.records})
        synthesize(claims, appraised)
        done("synthesize", started)
        seconds = time.perf_counter() - total
        print(f"{size:>6} records  total       {seconds:7.1f} s  peak {_peak_mb():6.0f} MB  "
              f"{seconds / size * 1000:.1f} s per 1,000 records; {len(pairs)} pairs reached the readers", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run each size in its own process."""
    parser = argparse.ArgumentParser(description="time and peak memory of the machine path per stage")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not SCREENING.is_dir():
        print(f"skipped: {SCREENING} is absent (../shared is not beside the repository)", file=sys.stderr)
        return 1
    if args.one is not None:
        run_one(args.one)
        return 0
    for size in args.sizes:
        subprocess.run([sys.executable, __file__, "--one", str(size)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
