"""Benchmark: fetch 25,000 matching records from a local E-utilities server that enforces 3 requests/s.

Compares, in one run, ``litreview.sources.fetch.fetch_query`` (history server, sliced past
the 9,999 cap, EFetch batches, shared rate limiter) at several batch sizes with the
naive pattern a new user writes (ESearch the ids, then EFetch 20 ids at a time,
sleeping 0.34 s between calls as Biopython does).

Server model: NCBI's 3 requests/s without a key as a sliding one-second window
(429 with NCBI's JSON body when exceeded), 100-300 ms latency per request plus
1 ms per record returned (an assumption: large EFetch answers take longer).

The naive run is capped at a sample (``--naive-sample`` requests): its request
count is exact by construction (1 search + ceil(25,000 / 20) fetches) and its
wall time is extrapolated from the sample's measured seconds per request.

Run: ``/work/venv/bin/python benchmarks/fetch.py [--sizes 200,500,1000] [--naive-sample 40]``
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from eutils_server import FakeEutils, Record, load_templates  # noqa: E402

from litreview.settings import Settings  # noqa: E402
from litreview.sources.eutils import EutilsClient  # noqa: E402
from litreview.sources.fetch import fetch_query  # noqa: E402
from litreview.sources.rate_limit import RateLimiter  # noqa: E402

N_RECORDS = 25_000
RATE = 3
TERM = "ketamine"


def make_server() -> FakeEutils:
    """25,000 records spread over 2000-2019, served under NCBI's key-less limit."""
    shared = ROOT.parent / "shared" / "data" / "eutils-responses"
    paths = sorted(shared.glob("pubmed*.xml")) if shared.is_dir() else []
    templates = load_templates(*paths) if paths else load_templates(ROOT / "tests" / "data" /
                                                                     "eutils_minimal_article.xml")
    records = {str(i): Record(date(2000, 1, 1) + timedelta(days=(i * 37) % 7300)) for i in range(1, N_RECORDS + 1)}
    return FakeEutils(records, {TERM: list(records)}, templates, rate_limit=RATE, latency=(0.1, 0.3),
                      per_record=0.001)


def run_client(batch_size: int) -> dict[str, float]:
    """One full fetch with litreview's client."""
    with make_server() as fake:
        time.sleep(1.1)  # an empty rate window
        client = EutilsClient(Settings(email="bench@example.org", eutils_url=fake.url), batch_size=batch_size,
                              limiter=RateLimiter(RATE / 1.05), progress=False)
        started = time.perf_counter()
        result = fetch_query(client, TERM)
        wall = time.perf_counter() - started
        assert len(result.articles) == N_RECORDS == len({a.pmid for a in result.articles}), "incomplete fetch"
        return {"requests": len(fake.log), "429s": fake.rejected, "wall": wall,
                "searches": len(fake.requests_to("esearch")), "slices": len(result.search.slices)}


def run_naive(sample: int) -> dict[str, float]:
    """The naive loop, stopped after ``sample`` requests; extrapolated to the whole fetch."""
    with make_server() as fake:
        time.sleep(1.1)
        params = {"db": "pubmed", "tool": "naive", "email": "bench@example.org"}
        session = requests.Session()
        started = time.perf_counter()
        found = session.get(fake.url + "esearch.fcgi", params={**params, "term": TERM, "retmax": 100_000})
        ids = [line[4:-5] for line in found.text.split("\n") if line.startswith("<Id>")]
        for start in range(0, 20 * (sample - 1), 20):
            time.sleep(0.34)
            session.get(fake.url + "efetch.fcgi", params={**params, "id": ",".join(ids[start:start + 20])})
        wall = time.perf_counter() - started
        made = len(fake.log)
        total = 1 + math.ceil(N_RECORDS / 20)
        return {"requests": total, "429s_in_sample": fake.rejected, "sample": made, "sample_wall": wall,
                "wall": wall / made * total, "ids_returned": len(ids)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,500,1000", help="EFetch batch sizes to measure")
    parser.add_argument("--naive-sample", type=int, default=40, help="requests of the naive loop to time")
    args = parser.parse_args()
    naive = run_naive(args.naive_sample)
    print(f"naive (ESearch ids, EFetch 20 at a time): {naive['requests']} requests (exact), "
          f"ESearch returned {naive['ids_returned']} of {N_RECORDS} ids (the silent 9,999 cap); "
          f"sample {naive['sample']} requests in {naive['sample_wall']:.1f} s, "
          f"{naive['429s_in_sample']} 429s -> extrapolated wall {naive['wall']:.0f} s")
    print(f"{'batch':>6} {'requests':>8} {'searches':>8} {'429s':>5} {'wall s':>7} {'floor s':>7} "
          f"{'wall/floor':>10} {'naive/ours req':>14} {'naive/ours wall':>15}")
    for size in (int(s) for s in args.sizes.split(",")):
        ours = run_client(size)
        floor = ours["requests"] / RATE
        print(f"{size:>6} {ours['requests']:>8} {ours['searches']:>8} {ours['429s']:>5} {ours['wall']:>7.1f} "
              f"{floor:>7.1f} {ours['wall'] / floor:>10.2f} {naive['requests'] / ours['requests']:>14.1f} "
              f"{naive['wall'] / ours['wall']:>15.1f}")


if __name__ == "__main__":
    main()
