"""Benchmark: the parser's peak memory on a junk-only file against real records (issue 27, item 8).

Writes two gzipped inputs to a temporary directory:

* ``junk``: a ``PubmedArticleSet`` of ``--junk`` (default 3,000,000) empty ``<Junk/>``
  elements and no record (about 33 KB gzipped);
* ``records``: ``--records`` (default 2,000) real records from ``../shared/data``,
  renumbered (as ``benchmarks/parse.py`` builds them).

and parses each, in a fresh interpreter, with two parsers:

* ``litreview``: ``litreview.sources.pubmed_xml.iter_pubmed_xml``;
* ``records-only`` (the baseline, the loop before issue 27): the same ``iterparse`` over
  record end tags that frees each record and the records before it, and nothing else.

``growth MB`` is how much the process's peak RSS (``VmHWM``) rose while parsing, after the imports.

Run: ``python benchmarks/parser_memory.py [--junk 3000000] [--records 2000]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parse import SHARED, build_input  # noqa: E402


def _litreview(path: str) -> int:
    """Records yielded by litreview's parser."""
    from litreview.sources.pubmed_xml import iter_pubmed_xml

    return sum(1 for _ in iter_pubmed_xml(path))


def _records_only(path: str) -> int:
    """The loop before issue 27: free each record and its earlier siblings; elements that are not records stay."""
    n = 0
    with gzip.open(path, "rb") as handle:
        for _, elem in etree.iterparse(handle, tag=("PubmedArticle", "DeleteCitation"), resolve_entities=False,
                                       load_dtd=False, no_network=True):
            n += 1
            elem.clear()
            parent = elem.getparent()
            while elem.getprevious() is not None:
                del parent[0]
    return n


PARSERS: dict[str, Callable[[str], int]] = {"litreview": _litreview, "records-only": _records_only}


def _peak_kb() -> int:
    """Peak RSS of this process in KB: VmHWM (a child's ru_maxrss starts from its parent's size at fork)."""
    match = re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(match[1]) if match else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def worker(name: str, path: str) -> None:
    """Parse ``path`` with one parser; print records, seconds and peak-RSS growth as JSON."""
    import time

    before = _peak_kb()
    started = time.perf_counter()
    records = PARSERS[name](path)
    seconds = time.perf_counter() - started
    growth = (_peak_kb() - before) / 1024
    print(json.dumps({"records": records, "seconds": seconds, "growth_mb": growth}))


def write_junk(path: Path, count: int) -> None:
    """A gzipped PubmedArticleSet of ``count`` empty ``<Junk/>`` elements."""
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b'<?xml version="1.0" ?>\n<PubmedArticleSet>')
        block = b"<Junk/>" * 100_000
        for _ in range(count // 100_000):
            out.write(block)
        out.write(b"<Junk/>" * (count % 100_000) + b"</PubmedArticleSet>\n")


def main() -> int:
    """Build the inputs and print one line per (input, parser)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--junk", type=int, default=3_000_000)
    parser.add_argument("--records", type=int, default=2_000)
    parser.add_argument("--worker", nargs=2, metavar=("PARSER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} (real PubMed records) is not beside the repository", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        junk = Path(tmp) / "junk.xml.gz"
        write_junk(junk, args.junk)
        _, records = build_input(Path(tmp), args.records)
        print(f"{'input':<28} {'parser':<13} {'records':>8} {'seconds':>8} {'growth MB':>10}")
        for label, path in ((f"junk ({junk.stat().st_size / 1024:.0f} KB .gz)", junk),
                            (f"{args.records} real records (.gz)", records)):
            for name in PARSERS:
                done = subprocess.run([sys.executable, __file__, "--worker", name, str(path)], capture_output=True,
                                      text=True, check=True)
                r = json.loads(done.stdout)
                print(f"{label:<28} {name:<13} {r['records']:>8} {r['seconds']:>8.2f} {r['growth_mb']:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
