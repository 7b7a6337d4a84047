"""The machine path at scale: import, pair, extract, judge and synthesize a machine-only review.

    python benchmarks/machine_path.py [--sizes 2000 10000]

For each size, in a fresh process (so peak memory is that size's own): the
titles and abstracts of the 56 real ketamine abstracts of
``../shared/data/ketamine-abstracts/abstracts_dev.jsonl`` (read in place; the
records that should reach the readers) followed by those of
``../shared/data/screening/*.csv`` (about 5,000 real records on other topics;
beyond that each is repeated with a new PMID and a numbered title, so
duplicate detection does not merge them) are written as PubMed XML files of
1,000 records into a temporary folder, then

1. **import**: :func:`litreview.sources.importing.import_files` into a new snapshot
   of the committed claims and mechanisms, written with ``write_snapshot``;
2. **pair** (the cheap filter): screening, then relevance pairing
   (:func:`litreview.workbench.machine.machine_pairs`) of what screening
   included decide which (record, claim) pairs reach the readers;
3. **extract**: :func:`litreview.evidence.extraction.extract` per pair (tqdm bar);
4. **judge**: :func:`litreview.evidence.score_evidence` (design, population,
   n, direction) per pair, in chunks under a tqdm bar;
5. **synthesize**: appraisal and GRADE synthesis;
6. **readers at full load**: every ketamine abstract x every graded claim
   (about 1,600 pairs, whether relevance would pair them or not) through
   extract and the judge, so the readers' own cost per pair is measured
   whatever the cheap filter lets through.

It prints seconds and peak resident memory after each stage, seconds per
1,000 records, and the readers' cost per 1,000 pairs.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from tqdm import tqdm

if TYPE_CHECKING:
    from litreview.corpus.claims import Claim
    from litreview.corpus.snapshot import Snapshot
    from litreview.evidence.scoring import StudyAssessment

ROOT = Path(__file__).resolve().parents[1]
SCREENING = ROOT.parent / "shared" / "data" / "screening"
KETAMINE = ROOT.parent / "shared" / "data" / "ketamine-abstracts" / "abstracts_dev.jsonl"
BATCH = 1000
#: Pairs per score_evidence call in the judge stage (one tick of its progress bar).
CHUNK = 25


def _ketamine_records() -> list[tuple[str, str, str]]:
    """(title, abstract, year) of the ketamine abstracts (year unknown: empty); none when the file is absent."""
    if not KETAMINE.is_file():
        return []
    rows = [json.loads(line) for line in KETAMINE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["title"], row["abstract"], "") for row in rows]


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
    real = _ketamine_records() + _real_records()
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

    from litreview.corpus.claims import load_claims, load_mechanisms
    from litreview.corpus.snapshot import write_snapshot
    from litreview.evidence.extraction import extract
    from litreview.evidence.scoring import assessments_to_frame
    from litreview.screening.rules import screen_records
    from litreview.sources.importing import import_files
    from litreview.synthesis.appraisal import appraise
    from litreview.synthesis.grade import synthesize
    from litreview.workbench.machine import machine_pairs, machine_snapshot

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = _write_xml(folder, size)
        for name in ("litreview.toml", "claims.toml", "mechanisms.toml"):
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
        pairs = machine_pairs(screen_records(snapshot, mechanisms, claims), snapshot, claims)
        done("pair", started)
        started = time.perf_counter()
        for key, claim_id in tqdm(pairs, desc="extract", unit="pair", disable=len(pairs) < 500):
            extract(snapshot.record(key), by_id[claim_id])
        done("extract", started)
        started = time.perf_counter()
        assessments = _judge(snapshot, claims, pairs)
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
        ketamine = [f"{90_000_000 + i}" for i in range(min(size, len(_ketamine_records())))]
        dense = [(key, c.id) for key in ketamine for c in claims if not c.fact]
        if dense:
            started = time.perf_counter()
            for key, claim_id in tqdm(dense, desc="extract (full load)", unit="pair"):
                extract(snapshot.record(key), by_id[claim_id])
            _judge(snapshot, claims, dense)
            seconds = time.perf_counter() - started
            print(f"{size:>6} records  readers at full load: {len(dense)} pairs ({len(ketamine)} ketamine abstracts x "
                  f"{len(dense) // len(ketamine)} claims) in {seconds:.1f} s, {seconds / len(dense) * 1000:.1f} s per "
                  f"1,000 pairs ({len(dense) / seconds:.0f} pairs/s)", flush=True)


def _judge(snapshot: Snapshot, claims: Sequence[Claim], pairs: Sequence[tuple[str, str]]) -> list[StudyAssessment]:
    """score_evidence over ``pairs`` in chunks of :data:`CHUNK`, under a progress bar."""
    from litreview.evidence.scoring import score_evidence

    out: list[StudyAssessment] = []
    with tqdm(total=len(pairs), desc="judge", unit="pair", disable=len(pairs) < 100) as bar:
        for first in range(0, len(pairs), CHUNK):
            chunk = tuple(pairs[first:first + CHUNK])
            records = [snapshot.record(key) for key in dict.fromkeys(key for key, _ in chunk)]
            out.extend(score_evidence(records, claims, chunk))
            bar.update(len(chunk))
    return out


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
