"""Benchmark: parse a large PubMed XML file (plain and gzipped) with litreview and two baselines.

Builds a ``PubmedArticleSet`` of ``--records`` records (default 50,000) by repeating the
real records in ``../shared/data`` (EFetch responses and the baseline-format sample),
each copy with its own PMID, writes it plain and gzipped to a temporary directory, and
measures in the same run:

* ``litreview``: ``litreview.pubmed_xml.iter_pubmed_xml`` building every :class:`Article`;
* ``lxml-floor``: a bare ``lxml.etree.iterparse`` loop over ``PubmedArticle`` end events
  that only counts records (clearing them the same way): the floor any lxml parser pays;
* ``python-touch``: the same loop, but reading the tag, text and attributes of every element
  of each ``MedlineCitation`` (most of which a full record needs) once from Python, building
  nothing: roughly the least any extractor written in Python pays on top of the floor;
* ``pubmed_parser``: ``pubmed_parser.parse_medline_xml`` with its defaults, if importable
  (version 0.5 opens every path with ``gzip.open``, so it runs on the gzipped file only).

Each measurement runs in a fresh interpreter so that peak memory (``ru_maxrss``) belongs
to that parser alone. Runs are interleaved (every parser once, then again, ``--repeat``
times) so that a slow spell of a shared machine does not land on one parser only, and
the best wall time of each is kept. ``peak MB`` is the
process's peak RSS;
``growth MB`` is how much the peak rose while parsing, after the imports: flat for a
streaming parser whatever the file size. MB/s counts uncompressed XML bytes.

Run: ``/work/venv/bin/python benchmarks/parse.py [--records 50000] [--repeat 3]``
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
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
HEADER = (b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN"'
          b' "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n')
FOOTER = b"</PubmedArticleSet>\n"
_PMID = re.compile(rb"<PMID Version=\"(\d+)\">\d+</PMID>")


def real_records() -> list[bytes]:
    """Every ``PubmedArticle`` in ../shared/data, serialised."""
    paths = sorted((SHARED / "eutils-responses").glob("pubmed*.xml")) + sorted((SHARED / "medline").iterdir())
    records = []
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            for _, elem in etree.iterparse(handle, tag="PubmedArticle", load_dtd=False, no_network=True):
                records.append(etree.tostring(elem, encoding="utf-8").strip())
                elem.clear()
    return records


def build_input(directory: Path, n_records: int) -> tuple[Path, Path]:
    """Write ``n_records`` renumbered real records as ``big.xml`` and ``big.xml.gz``."""
    templates = []
    for record in real_records():
        match = _PMID.search(record)
        assert match is not None
        templates.append((record[:match.start()] + b'<PMID Version="' + match.group(1) + b'">',
                          b"</PMID>" + record[match.end():] + b"\n"))
    plain, packed = directory / "big.xml", directory / "big.xml.gz"
    with plain.open("wb") as out:
        out.write(HEADER)
        for i in range(n_records):
            head, tail = templates[i % len(templates)]
            out.write(head + str(40_000_000 + i).encode() + tail)
        out.write(FOOTER)
    with plain.open("rb") as source, gzip.open(packed, "wb", compresslevel=6) as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)
    return plain, packed


# -- workers (each runs in its own interpreter) ----------------------------------------------


def load_litreview() -> Callable[[str], int]:
    """Build every Article with litreview's parser."""
    from litreview.pubmed_xml import iter_pubmed_xml

    return lambda path: sum(1 for _ in iter_pubmed_xml(path))


def _scan(path: str, visit: Callable[[Any], object]) -> int:
    """Bare iterparse loop over PubmedArticle end events: ``visit`` each, then clear as litreview does."""
    opener = gzip.open if path.endswith(".gz") else open
    n = 0
    with opener(path, "rb") as handle:
        for _, elem in etree.iterparse(handle, tag="PubmedArticle", resolve_entities=False, load_dtd=False,
                                       no_network=True):
            n += 1
            visit(elem)
            elem.clear()
            parent = elem.getparent()
            while elem.getprevious() is not None:
                del parent[0]
    return n


def load_floor() -> Callable[[str], int]:
    """Count PubmedArticle end events, touching nothing else."""
    return lambda path: _scan(path, lambda elem: None)


def _touch(record: Any) -> None:
    """Read the tag, text and attributes of every element of the record's MedlineCitation once."""
    for elem in record[0].iter():
        elem.tag, elem.text, elem.attrib.items()


def load_touch() -> Callable[[str], int]:
    """Count records after reading every element of each once from Python."""
    return lambda path: _scan(path, _touch)


def load_pubmed_parser() -> Callable[[str], int]:
    """Parse with pubmed_parser.parse_medline_xml (defaults)."""
    import pubmed_parser

    return lambda path: sum(1 for _ in pubmed_parser.parse_medline_xml(path))


WORKERS = {"litreview": load_litreview, "lxml-floor": load_floor, "python-touch": load_touch,
           "pubmed_parser": load_pubmed_parser}


def worker(name: str, path: str) -> None:
    """Import one parser, then time it on ``path``; print records, seconds and memory as JSON."""
    count = WORKERS[name]()
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    started = time.perf_counter()
    records = count(path)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"records": records, "seconds": seconds, "peak_mb": peak_kb / 1024,
                      "growth_mb": (peak_kb - before_kb) / 1024}))


def run_once(name: str, path: Path) -> dict[str, Any]:
    """Time one parser on ``path`` in a fresh interpreter."""
    done = subprocess.run([sys.executable, __file__, "--worker", name, str(path)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{name} failed on {path}:\n{done.stderr}")
    return json.loads(done.stdout)


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Best time and highest peak memory of several runs."""
    return {"records": runs[0]["records"], "seconds": min(r["seconds"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs), "growth_mb": max(r["growth_mb"] for r in runs)}


def main() -> int:
    """Build the input, run every parser on it and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000, help="records in the generated file (default 50000)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs per parser; the best is kept")
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} (real PubMed records) is not beside the repository", file=sys.stderr)
        return 1
    try:
        import pubmed_parser  # noqa: F401
        have_pubmed_parser = True
    except ImportError:
        have_pubmed_parser = False
    with tempfile.TemporaryDirectory() as tmp:
        plain, packed = build_input(Path(tmp), args.records)
        size_mb = plain.stat().st_size / 1e6
        print(f"input: {args.records} records, {size_mb:.1f} MB plain, {packed.stat().st_size / 1e6:.1f} MB gzipped; "
              f"best of {args.repeat}; python {sys.version.split()[0]}, lxml {etree.__version__}")
        print(f"{'parser':<15}{'input':<7}{'records':>9}{'seconds':>9}{'records/s':>11}{'MB/s':>8}{'peak MB':>9}"
              f"{'growth MB':>11}")
        plan = [("lxml-floor", "plain", plain), ("python-touch", "plain", plain), ("litreview", "plain", plain),
                ("lxml-floor", "gz", packed), ("litreview", "gz", packed)]
        if have_pubmed_parser:
            plan.append(("pubmed_parser", "gz", packed))
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {(name, kind): [] for name, kind, _ in plan}
        for _ in range(args.repeat):
            for name, kind, path in plan:
                runs[name, kind].append(run_once(name, path))
        results = {key: best_of(key_runs) for key, key_runs in runs.items()}
        for (name, kind), r in results.items():
            print(f"{name:<15}{kind:<7}{r['records']:>9}{r['seconds']:>9.2f}{r['records'] / r['seconds']:>11,.0f}"
                  f"{size_mb / r['seconds']:>8.1f}{r['peak_mb']:>9.0f}{r['growth_mb']:>11.1f}")
        print()
        floor = results["lxml-floor", "plain"]
        print(f"plain: reading each element once from Python takes "
              f"{results['python-touch', 'plain']['seconds'] / floor['seconds']:.2f}x the lxml floor's time")
        for kind in ("plain", "gz"):
            ours, floor = results["litreview", kind], results["lxml-floor", kind]
            print(f"{kind}: litreview takes {ours['seconds'] / floor['seconds']:.2f}x the lxml floor's time")
        if have_pubmed_parser:
            ours, theirs = results["litreview", "gz"], results["pubmed_parser", "gz"]
            print(f"gz: pubmed_parser takes {theirs['seconds'] / ours['seconds']:.2f}x litreview's time; "
                  f"memory growth while parsing {theirs['growth_mb']:.1f} MB vs litreview's {ours['growth_mb']:.1f} MB")
        else:
            print("pubmed_parser is not installed: no comparison with it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
