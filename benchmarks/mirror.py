"""Benchmark: build the local PubMed mirror from baseline-like files with 1 and with 2 Dask workers.

Input: ``--files`` gzipped files in the baseline format (``pubmed26nNNNN.xml.gz``)
holding ``--records`` records in total (default 8 x 12,500 = 100,000), made by
replicating the real PubMed records in ``../shared/data/`` under new PMIDs
(every record is a full real citation: abstract, authors, MeSH, references).

Each build uses a fresh :class:`~dask.distributed.LocalCluster` of single-threaded
worker processes started *before* the clock starts, and a fresh mirror directory,
so the timing covers MD5, parsing, Parquet writing (on the workers) and the
DuckDB current-version index (on the client). Reported: records/s per worker
count, speedup, scaling efficiency (speedup / 2), and a projection for the full
baseline (36 million records) on 16 workers under the stated assumption that
throughput scales linearly with the efficiency measured from 1 to 2 workers.
Then the 2-worker mirror is built again with nothing changed: every Parquet
file is read back in full and verified, none converted; its time is reported
against the 2-worker build's.

Control: the same conversion of two files in one plain process, then in two
plain processes at once (no Dask), shows how much parallelism the machine gives
at that moment; on a shared 2-vCPU box it can be far below 2x, and then the
Dask figure reflects the machine, not Dask. The 1-minute load average is
printed for the same reason.

Run: ``/work/venv/bin/python benchmarks/mirror.py [--records 100000] [--files 8] [--repeat 1] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import copy
import gzip
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lxml import etree

from litreview.sources.mirror import search_mirror
from litreview.sources.mirror_build import _convert, build_mirror

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
FULL_BASELINE = 36_000_000
PROJECTED_WORKERS = 16
MARK = "__PMID__"


def templates() -> list[bytes]:
    """Every real ``PubmedArticle`` in ../shared/data, serialized with a PMID placeholder."""
    paths = [*sorted((SHARED / "medline").glob("*.xml*")), *sorted((SHARED / "eutils-responses").glob("pubmed*.xml"))]
    if not paths:
        sys.exit(f"benchmark needs the real records in {SHARED}")
    out = []
    for path in paths:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        for article in root.iter("PubmedArticle"):
            article = copy.deepcopy(article)
            article.find("MedlineCitation/PMID").text = MARK
            for aid in article.iterfind("PubmedData/ArticleIdList/ArticleId[@IdType='pubmed']"):
                aid.text = MARK
            out.append(etree.tostring(article))
    return out


def make_baseline(directory: Path, records: int, files: int) -> None:
    """Write ``files`` gzipped baseline-format files with ``records`` records in total."""
    blobs = templates()
    directory.mkdir(parents=True, exist_ok=True)
    per_file = -(-records // files)
    pmid = 40_000_000
    for number in range(1, files + 1):
        count = min(per_file, records - (number - 1) * per_file)
        parts = [b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n']
        for i in range(count):
            pmid += 1
            parts.append(blobs[i % len(blobs)].replace(MARK.encode(), str(pmid).encode()))
            parts.append(b"\n")
        parts.append(b"</PubmedArticleSet>\n")
        (directory / f"pubmed26n{number:04d}.xml.gz").write_bytes(gzip.compress(b"".join(parts), compresslevel=6))


def timed_build(baseline: Path, out: Path, workers: int) -> tuple[float, float, int]:
    """Build with a fresh local cluster of ``workers`` processes; return (startup s, build s, records)."""
    from dask.distributed import Client, LocalCluster

    started = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        client.wait_for_workers(workers)
        ready = time.perf_counter()
        done = build_mirror(baseline, out, scheduler=client)
        seconds = time.perf_counter() - ready
    if done.failed:
        sys.exit(f"build failed: {done.failed}")
    return ready - started, seconds, done.converted_records


def control(baseline: Path, out: Path) -> tuple[float, float]:
    """Seconds to convert the first two files in one process, then in two processes at once (no Dask)."""
    inputs = sorted(baseline.glob("*.xml.gz"))[:2]
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(str(path), str(out / f"{path.name}.parquet"), 260_001 + i, None, None, None)
            for i, path in enumerate(inputs)]
    times = []
    for processes in (1, 2):
        with ProcessPoolExecutor(processes) as pool:
            pool.submit(int).result()  # start the pool before the clock
            started = time.perf_counter()
            list(pool.map(_convert, *zip(*jobs)))
            times.append(time.perf_counter() - started)
    return times[0], times[1]


def main(argv: list[str] | None = None) -> int:
    """Generate the input, build with 1 and 2 workers, print throughput and the projection."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=1, help="builds per worker count; the fastest counts")
    parser.add_argument("--keep", type=Path, default=None, help="keep inputs and mirrors in this directory")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="litreview-mirror-bench-"))
    try:
        baseline = work / "baseline"
        t0 = time.perf_counter()
        make_baseline(baseline, args.records, args.files)
        size = sum(p.stat().st_size for p in baseline.iterdir()) / 1e6
        print(f"input: {args.files} files, {args.records:,} records, {size:.1f} MB gzipped "
              f"(generated in {time.perf_counter() - t0:.1f} s)")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the runs")
        rates: dict[int, float] = {}
        best: dict[int, float] = {}
        for workers in (1, 2):
            for _ in range(args.repeat):
                out = work / f"mirror-{workers}"
                shutil.rmtree(out, ignore_errors=True)
                startup, seconds, records = timed_build(baseline, out, workers)
                rates[workers] = max(rates.get(workers, 0.0), records / seconds)
                best[workers] = min(best.get(workers, seconds), seconds)
                print(f"{workers} worker(s): {records:,} records in {seconds:.1f} s = {records / seconds:,.0f} "
                      f"records/s (cluster startup {startup:.1f} s, not counted)")
        one, two = control(baseline, work / "control")
        print(f"control without Dask, 2 files: sequential in 1 process {one:.1f} s, 2 processes at once {two:.1f} s "
              f"-> the machine gives {one / two:.2f}x")
        _, verify, converted = timed_build(baseline, work / "mirror-2", 2)
        print(f"rebuild with nothing changed, 2 workers ({converted} records converted, every Parquet file read back "
              f"and verified): {verify:.1f} s = {verify / best[2]:.0%} of the 2-worker build")
        t0 = time.perf_counter()
        hits = search_mirror(work / "mirror-2", "back pain", years=(2000, None))
        print(f"search 'back pain' (2000-): {len(hits):,} hits in {time.perf_counter() - t0:.2f} s")
        speedup = rates[2] / rates[1]
        efficiency = speedup / 2
        projected = FULL_BASELINE / (rates[1] * PROJECTED_WORKERS * efficiency)
        print(f"speedup 1 -> 2 workers: {speedup:.2f}x, scaling efficiency {efficiency:.0%}")
        print(f"projection: {FULL_BASELINE:,} records on {PROJECTED_WORKERS} workers ~ {projected / 60:.0f} min "
              f"({projected / 3600:.1f} h), assuming throughput = 1-worker rate x {PROJECTED_WORKERS} x "
              f"{efficiency:.0%} (linear scaling at the measured efficiency; I/O and the final index not modelled)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
