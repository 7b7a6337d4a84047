"""Benchmark: parse a large PubMed XML file (plain and gzipped) with litreview and two baselines.

Builds a ``PubmedArticleSet`` of ``--records`` records (default 50,000) by repeating the
real records in ``../shared/data`` (EFetch responses and the baseline-format sample),
each copy with its own PMID, writes it plain and gzipped to a temporary directory, and
measures in the same run:

* ``litreview``: ``litreview.sources.pubmed_xml.iter_pubmed_xml`` building every :class:`Article`;
* ``lxml-floor``: a bare ``lxml.etree.iterparse`` loop over ``PubmedArticle`` end events
  that only counts records (clearing them the same way): the floor any lxml parser pays;
* ``python-touch``: the same loop, but reading the tag, text and attributes of every element
  of each ``MedlineCitation`` (most of which a full record needs) once from Python, building
  nothing: roughly the least any extractor written in Python pays on top of the floor;
* ``pubmed_parser``: ``pubmed_parser.parse_medline_xml`` with its defaults, if importable
  (version 0.5 opens every path with ``gzip.open``, so it runs on the gzipped file only);
* ``cli-jsonl``: ``litreview parse FILE`` as the command runs it (``cli.main``, JSON lines to
  stdout, here ``/dev/null``): the parser plus the serialisation, whose cost is the difference
  from ``litreview`` (target: at most 30 % on top of parsing alone);
* ``json-dumps``: the parser plus the serialisation ``litreview parse`` used before
  ``Article.to_json`` (``json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True)``),
  for comparison.

Each measurement runs in a fresh interpreter so that peak memory (``ru_maxrss``) belongs
to that parser alone. Runs are interleaved (every parser once, then again, ``--repeat``
times) so that a slow spell of a shared machine does not land on one parser only, and
the best wall time of each is kept. ``peak MB`` is the
process's peak RSS;
``growth MB`` is how much the peak rose while parsing, after the imports: flat for a
streaming parser whatever the file size. MB/s counts uncompressed XML bytes.

Run: ``python benchmarks/parse.py [--records 50000] [--repeat 3] [--only litreview,cli-jsonl,json-dumps]``
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
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
    from litreview.sources.pubmed_xml import iter_pubmed_xml

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


def load_cli_jsonl() -> Callable[[str], int]:
    """``litreview parse FILE`` through ``cli.main``, stdout to /dev/null; the count from its summary line."""
    from litreview.cli.main import main

    def run(path: str) -> int:
        summary = io.StringIO()
        with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink), \
                contextlib.redirect_stderr(summary):
            assert main(["parse", path]) == 0
        return int(summary.getvalue().split()[1])

    return run


def load_json_dumps() -> Callable[[str], int]:
    """Parse and write each record as ``json.dumps(to_dict())`` to /dev/null (the serialisation before to_json)."""
    from litreview.sources.pubmed_xml import iter_pubmed_xml

    def run(path: str) -> int:
        n = 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for article in iter_pubmed_xml(path):
                sink.write(json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
                n += 1
        return n

    return run


WORKERS = {"litreview": load_litreview, "lxml-floor": load_floor, "python-touch": load_touch,
           "pubmed_parser": load_pubmed_parser, "cli-jsonl": load_cli_jsonl, "json-dumps": load_json_dumps}


def worker(name: str, path: str) -> None:
    """Import one parser, then time it on ``path``; print records, wall and CPU seconds and memory as JSON."""
    count = WORKERS[name]()
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    started, cpu_started = time.perf_counter(), time.process_time()
    records = count(path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"records": records, "seconds": seconds, "cpu": cpu, "peak_mb": peak_kb / 1024,
                      "growth_mb": (peak_kb - before_kb) / 1024}))


def run_once(name: str, path: Path) -> dict[str, Any]:
    """Time one parser on ``path`` in a fresh interpreter."""
    done = subprocess.run([sys.executable, __file__, "--worker", name, str(path)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{name} failed on {path}:\n{done.stderr}")
    return json.loads(done.stdout)


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Best times and highest peak memory of several runs."""
    return {"records": runs[0]["records"], "seconds": min(r["seconds"] for r in runs),
            "cpu": min(r["cpu"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs),
            "growth_mb": max(r["growth_mb"] for r in runs)}


def main() -> int:
    """Build the input, run every parser on it and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000, help="records in the generated file (default 50000)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs per parser; the best is kept")
    parser.add_argument("--only", default=None, metavar="NAMES",
                        help=f"comma-separated subset of {', '.join(WORKERS)} (default: all)")
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
        print(f"{'parser':<15}{'input':<7}{'records':>9}{'seconds':>9}{'CPU s':>8}{'records/s':>11}{'MB/s':>8}"
              f"{'peak MB':>9}{'growth MB':>11}")
        plan = [("lxml-floor", "plain", plain), ("python-touch", "plain", plain), ("litreview", "plain", plain),
                ("cli-jsonl", "plain", plain), ("json-dumps", "plain", plain),
                ("lxml-floor", "gz", packed), ("litreview", "gz", packed)]
        if have_pubmed_parser:
            plan.append(("pubmed_parser", "gz", packed))
        if args.only:
            plan = [step for step in plan if step[0] in args.only.split(",")]
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {(name, kind): [] for name, kind, _ in plan}
        for _ in range(args.repeat):
            for name, kind, path in plan:
                runs[name, kind].append(run_once(name, path))
        results = {key: best_of(key_runs) for key, key_runs in runs.items()}
        for (name, kind), r in results.items():
            print(f"{name:<15}{kind:<7}{r['records']:>9}{r['seconds']:>9.2f}{r['cpu']:>8.2f}"
                  f"{r['records'] / r['seconds']:>11,.0f}"
                  f"{size_mb / r['seconds']:>8.1f}{r['peak_mb']:>9.0f}{r['growth_mb']:>11.1f}")
        print()
        ratios = [("plain", "reading each element once from Python", "python-touch", "lxml-floor"),
                  ("plain", "litreview", "litreview", "lxml-floor"), ("gz", "litreview", "litreview", "lxml-floor"),
                  ("plain", "`litreview parse` (jsonl)", "cli-jsonl", "litreview"),
                  ("plain", "json.dumps(to_dict()) serialisation (before)", "json-dumps", "litreview")]
        for kind, label, name, base in ratios:
            if (name, kind) in results and (base, kind) in results:
                ours, theirs = results[name, kind], results[base, kind]
                wall, cpu = ours["seconds"] / theirs["seconds"], ours["cpu"] / theirs["cpu"]
                print(f"{kind}: {label} takes {wall:.2f}x the {base} time (CPU time: {cpu:.2f}x" +
                      (f", serialisation {cpu - 1:+.0%})" if base == "litreview" else ")"))
        if ("pubmed_parser", "gz") in results:
            ours, theirs = results["litreview", "gz"], results["pubmed_parser", "gz"]
            print(f"gz: pubmed_parser takes {theirs['seconds'] / ours['seconds']:.2f}x litreview's time; "
                  f"memory growth while parsing {theirs['growth_mb']:.1f} MB vs litreview's {ours['growth_mb']:.1f} MB")
        elif not have_pubmed_parser:
            print("pubmed_parser is not installed: no comparison with it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
