"""Design and population from text alone, compared with NLM indexing and with the curator.

Two comparisons, both printed as agreement tables:

1. **Real PubMed records** in ``../shared/data/eutils-responses/pubmed*.xml`` and
   ``../shared/data/medline/`` (plain or gzipped): the text-only prediction
   (title + abstract, no publication types, no MeSH) against the same classifier
   given NLM's publication types and MeSH check tags. Records with no
   informative publication type or no check tag are counted apart.
2. **The curated register** (``../shared/evidence/register.jsonl`` and
   ``pending_doi.jsonl``): the text-only prediction from title + the curator's
   one-sentence finding against the curator's design and population (curator
   ``animal`` / ``in_vitro`` designs count as ``experimental``).

Usage::

    python evaluation/design_population.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from lxml import etree

from litreview.evidence.scoring import classify_design, classify_population

ROOT = Path(__file__).resolve().parents[1]
_INFORMATIVE = ("meta-analysis", "systematic review", "randomized controlled trial", "controlled clinical trial",
                "clinical trial", "observational study", "case reports", "review", "editorial", "comment",
                "letter", "news")


def _pubmed_articles(path: Path) -> Iterator[dict]:
    """Title, abstract, publication types and MeSH descriptors of each PubmedArticle in a file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        root = etree.parse(handle).getroot()
    for article in root.iter("PubmedArticle"):
        node = article.find(".//ArticleTitle")
        title = "".join(node.itertext()) if node is not None else ""
        sections = []
        for node in article.iterfind(".//Abstract/AbstractText"):
            label = node.get("Label")
            text = "".join(node.itertext())
            sections.append(f"{label}: {text}" if label else text)
        yield {
            "pmid": article.findtext(".//PMID"),
            "title": title,
            "abstract": " ".join(sections),
            "types": [t.text or "" for t in article.iterfind(".//PublicationTypeList/PublicationType")],
            "mesh": [d.text or "" for d in article.iterfind(".//MeshHeading/DescriptorName")],
        }


def _table(pairs: Sequence[tuple[str, str]], row_name: str, column_name: str) -> None:
    """Print agreement and a (reference x prediction) count table."""
    if not pairs:
        print("  (no items)")
        return
    agree = sum(a == b for a, b in pairs)
    print(f"  agreement {agree}/{len(pairs)} = {agree / len(pairs):.0%}")
    rows = sorted({a for a, _ in pairs})
    cols = sorted({b for _, b in pairs})
    counts = Counter(pairs)
    width = max(len(c) for c in [*cols, column_name]) + 2
    corner = f"{row_name} / {column_name}"
    print(f"  {corner:<28}" + "".join(f"{c:>{width}}" for c in cols))
    for r in rows:
        print(f"  {r:<28}" + "".join(f"{counts[(r, c)] or '.':>{width}}" for c in cols))


def compare_pubmed(shared: Path) -> None:
    """Text-only predictions vs NLM publication types / check tags on the real XML records."""
    files = sorted((shared / "data" / "eutils-responses").glob("pubmed*.xml")) + sorted(
        (shared / "data" / "medline").glob("*.xml*"))
    records = [a for f in files for a in _pubmed_articles(f)]
    print(f"PubMed records: {len(records)} from {len(files)} files")
    design_pairs, population_pairs = [], []
    for r in records:
        text_design = classify_design(r["title"], r["abstract"])
        text_population = classify_population(r["title"], r["abstract"])
        informative = [t for t in r["types"] if t.lower().startswith(_INFORMATIVE)]
        nlm_design = classify_design(r["title"], r["abstract"], r["types"]) if informative else "(no design type)"
        tags = {"Humans", "Animals"} & set(r["mesh"])
        nlm_population = classify_population(r["title"], r["abstract"], r["mesh"]) if tags else "(no check tag)"
        design_pairs.append((nlm_design, text_design))
        population_pairs.append((nlm_population, text_population))
        print(f"  {r['pmid']}: types={'; '.join(r['types'])} | NLM design {nlm_design} / text {text_design} | "
              f"NLM population {nlm_population} / text {text_population}")
    print("design, NLM publication types (rows) vs text only (columns):")
    _table([p for p in design_pairs if not p[0].startswith("(")], "NLM", "text")
    print(f"  records without a design publication type: {sum(p[0].startswith('(') for p in design_pairs)}")
    print("population, MeSH check tags (rows) vs text only (columns):")
    _table([p for p in population_pairs if not p[0].startswith("(")], "MeSH", "text")
    print(f"  records without a check tag: {sum(p[0].startswith('(') for p in population_pairs)}")


def compare_register(shared: Path) -> None:
    """Text-only predictions from title + finding vs the curator's design and population."""
    rows = []
    for name in ("register.jsonl", "pending_doi.jsonl"):
        path = shared / "evidence" / name
        if path.is_file():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"\nCurated register rows: {len(rows)}")
    design_pairs, population_pairs, typed_pairs = [], [], []
    for row in rows:
        curator = row.get("design")
        if curator in ("animal", "in_vitro"):
            curator = "experimental"
        predicted = classify_design(row["title"], row["finding"])
        if curator:
            design_pairs.append((curator, predicted))
            if row.get("publication_types"):
                typed_pairs.append((curator, classify_design(row["title"], row["finding"], row["publication_types"])))
        if row.get("population"):
            population_pairs.append((row["population"], classify_population(row["title"], row["finding"])))
    print("design, curator (rows) vs text only from title + finding (columns):")
    _table(design_pairs, "curator", "text")
    print("design, curator (rows) vs text + the publication types the register lists (rows that list some):")
    _table(typed_pairs, "curator", "text+types")
    print("population, curator (rows) vs text only (columns):")
    _table(population_pairs, "curator", "text")


def main(argv: Sequence[str] | None = None) -> int:
    """Print both comparisons."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args(argv)
    if not args.shared.is_dir():
        print(f"no shared data at {args.shared}", file=sys.stderr)
        return 1
    print("command: python evaluation/design_population.py")
    compare_pubmed(args.shared)
    compare_register(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
