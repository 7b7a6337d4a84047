"""Benchmark: memory and time when E-utilities misbehaves -- a runaway answer, and an unreachable host.

1. A local E-utilities server answers ESearch with ``--sizes`` megabytes of
   ``<Id>`` lines and no Content-Length. Reported: the peak Python memory
   (``tracemalloc``) while the client reads it, against the body size measured
   in the same run (the ratio is what matters: before streaming with a cap the
   client held the whole body, twice).
2. ``litreview fetch`` against a localhost port nothing listens on (connection
   refused, as offline): wall time to the one-line error, against the time of
   ``litreview --help`` (Python and import start-up) in the same run.

Run: ``python benchmarks/body_cap.py [--sizes 64,300]``
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from eutils_server import FakeEutils, Record, load_templates  # noqa: E402

from litreview.errors import EutilsError  # noqa: E402
from litreview.settings import Settings  # noqa: E402
from litreview.sources.eutils import EutilsClient  # noqa: E402
from litreview.sources.rate_limit import RateLimiter  # noqa: E402


def peak_reading(megabytes: float) -> tuple[float, str]:
    """Peak traced MB while the client reads a runaway ESearch body, and the error it ends with."""
    records = {"1": Record(date(2001, 1, 1))}
    templates = load_templates(ROOT / "tests" / "data" / "eutils_minimal_article.xml")
    with FakeEutils(records, {"ketamine": ["1"]}, templates) as fake:
        client = EutilsClient(Settings(email="bench@example.org", eutils_url=fake.url), limiter=RateLimiter(1000),
                              max_attempts=1)
        fake.script("esearch", f"huge:{megabytes}")
        tracemalloc.start()
        try:
            client.esearch("ketamine")
            outcome = "no error"
        except EutilsError as exc:
            outcome = str(exc).split(": ", 1)[1]
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return peak, outcome


def seconds(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall time of a command and its last stderr line."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, (done.stderr.strip().splitlines() or [""])[-1]


def main(argv: list[str] | None = None) -> int:
    """Print peak memory per body size, and the offline time to error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="64,300", help="runaway body sizes in MB, comma-separated")
    args = parser.parse_args(argv)
    for size in (float(s) for s in args.sizes.split(",")):
        peak, outcome = peak_reading(size)
        print(f"runaway ESearch body of {size:g} MB: peak traced memory {peak:.1f} MB "
              f"({peak / size:.1%} of the body); {outcome}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "NCBI_EMAIL": "bench@example.org", "LITREVIEW_EUTILS_URL": f"http://127.0.0.1:{port}/"}
    cli = [sys.executable, "-m", "litreview.cli.main"]
    startup, _ = seconds([*cli, "--help"], env)
    with tempfile.TemporaryDirectory() as work:
        offline, line = seconds([*cli, "fetch", "--query", "ketamine", "--out", f"{work}/out.jsonl", "--cache",
                                 f"{work}/cache"], env)
    print(f"offline fetch (connection refused): {offline:.1f} s to the error, {offline - startup:.1f} s after "
          f"start-up ({startup:.1f} s for `litreview --help`): {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
