"""Command-line interface: ``litreview <command>``.

``main(argv) -> int``: expected errors (:class:`LitreviewError`) print one line
on stderr and exit 1; usage errors exit 2; ``--debug`` (before or after the
command) shows tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import LitreviewError
from ..settings import Settings
from .authoring import add_commands as add_authoring_commands
from .reviewer import add_commands as add_review_commands
from .reviewer import min_confidence_option

__all__ = ["build_parser", "main"]

_DESCRIPTION = ("Check health claims against PubMed: build the review from the committed corpus and snapshot, "
                "check the corpus, refresh it from PubMed, and export the results.")
_DEBUG_HELP = "show tracebacks for errors"


class _Commands(argparse._SubParsersAction):
    """Sub-command table whose commands describe themselves and accept ``--debug`` too.

    Each command's ``description`` (the line under its usage in ``--help``)
    defaults to its one-line help; ``--debug`` after the command sets the same
    flag as before it (``SUPPRESS`` keeps an absent flag from resetting it).
    """

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        """Add one command (see :meth:`argparse.ArgumentParser.add_subparsers`)."""
        kwargs.setdefault("description", kwargs.get("help"))
        parser = super().add_parser(name, **kwargs)
        parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
        return parser


def _commands(parser: argparse.ArgumentParser, dest: str, metavar: str) -> argparse._SubParsersAction:
    """Add a required sub-command table built by :class:`_Commands`."""
    return parser.add_subparsers(dest=dest, required=True, metavar=metavar, action=_Commands)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="litreview", description=_DESCRIPTION,
                                     epilog="Run 'litreview COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = _commands(parser, "command", "COMMAND")
    # Each stage registers its sub-command here (one _add_<name> helper per command).
    _add_run(sub)
    _add_export(sub)
    _add_check(sub)
    _add_snapshot(sub)
    _add_score(sub)
    _add_fetch(sub)
    _add_parse(sub)
    _add_import(sub)
    _add_mirror(sub)
    add_review_commands(sub)  # decide, decisions, screen: the reviewer in the loop (reviewer.py)
    add_authoring_commands(sub)  # new, articles, mechanisms, claims, queries: starting a review (authoring.py)
    del sub
    return parser


def _iso_date(text: str) -> str:
    """argparse type of ``--date``: a real calendar date written YYYY-MM-DD."""
    from .._validate import iso_date

    try:
        return iso_date(text, "--date")
    except LitreviewError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, not {text!r}") from None


def _corpus_option(parser: argparse.ArgumentParser) -> None:
    """Add the shared ``--review`` option (alias ``--corpus``)."""
    parser.add_argument("--review", "--corpus", dest="corpus", type=Path, default=None, metavar="DIR",
                        help="review folder (default: $LITREVIEW_REVIEW, else ./corpus or the nearest parent's)"),


def _add_run(sub: argparse._SubParsersAction) -> None:
    """``litreview run``: every offline stage, then all exports."""
    p = sub.add_parser("run", help="build the review from the snapshot and write every output (offline)")
    _corpus_option(p)
    p.add_argument("--out", type=Path, default=Path("output"), help="output directory (default: output/)")
    p.add_argument("--rubric", type=Path, default=None, help="scoring weights TOML (default: packaged scoring.toml)")
    _unverified_option(p)
    p.add_argument("--machine-only", action="store_true",
                   help="ignore every curator-written field and the decisions log: the machine's review from title, "
                        "abstract and PubMed metadata, compared with the curated one in the report")
    p.set_defaults(func=_cmd_run, format_list=None)


def _unverified_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--exclude-unverified`` and ``--min-confidence``."""
    parser.add_argument("--exclude-unverified", action="store_true",
                        help="leave machine-only judgements out of verdicts (default: keep them, rated down one level)")
    min_confidence_option(parser)



def _add_export(sub: argparse._SubParsersAction) -> None:
    """``litreview export``: the review's exports only, in chosen formats."""
    p = sub.add_parser("export", help="write the review's exports (csv, xlsx, md, html, bib, ris)")
    _corpus_option(p)
    p.add_argument("--out", type=Path, default=Path("output"), help="output directory (default: output/)")
    p.add_argument("--format", dest="format_list", default="csv,xlsx,md,html,bib,ris",
                   help="comma-separated formats (default: all)")
    p.add_argument("--rubric", type=Path, default=None, help="scoring weights TOML")
    _unverified_option(p)
    p.set_defaults(func=_cmd_run)


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Build the review offline and write outputs; print a short summary."""
    from ..outputs.export import ALL_FORMATS, parse_formats
    from ..workbench.pipeline import build_review, write_review

    formats = ALL_FORMATS if args.format_list is None else parse_formats(args.format_list)
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        review = build_review(args.corpus, rubric=args.rubric, exclude_unverified=args.exclude_unverified,
                              min_confidence=args.min_confidence,
                              machine_only=getattr(args, "machine_only", False))
    _report_warnings(caught)
    written = write_review(review, args.out, formats=formats, write_figures=args.command == "run")
    elapsed = time.perf_counter() - started
    included = len(review.screening.included())
    print(f"{len(review.claims)} claims, {len(review.snapshot.records)} records, {included} included, "
          f"{len(review.assessments)} assessments -> {len(written)} files in {args.out} ({elapsed:.1f} s)")
    for path in written:
        print(f"  {path}")
    if review.comparison is not None:
        agree = int(review.comparison["verdict_agrees"].sum())
        print(f"machine-only verdicts agree with the curated review on {agree} of {len(review.comparison)} claims")
    return 0


def _add_check(sub: argparse._SubParsersAction) -> None:
    """``litreview check``: validate the corpus files."""
    p = sub.add_parser("check", help="validate protocol, mechanisms, claims, snapshot and decisions")
    _corpus_option(p)
    p.add_argument("--seeds", type=Path, default=None,
                   help="seed articles directory whose texts every quote must occur in (default: $LITREVIEW_SEEDS, "
                        "else ../shared/seeds beside the corpus's repository when it exists)")
    p.set_defaults(func=_cmd_check)


def _seeds_dir(given: Path | None, settings: Settings, corpus: Path) -> Path | None:
    """Seeds for the quote check: ``--seeds``, ``LITREVIEW_SEEDS``, else ``<repo>/../shared/seeds`` if it exists."""
    if given is not None:
        return given
    if settings.seeds_dir is not None:
        return settings.seeds_dir
    beside = corpus.resolve().parent.parent / "shared" / "seeds"
    return beside if beside.is_dir() else None


def _cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Load and validate the corpus (and the quotes, when a seeds directory is known); say what was checked."""
    from ..corpus.articles import load_articles
    from ..corpus.claims import check_quotes, load_claims, load_mechanisms
    from ..corpus.decisions import load_decisions
    from ..corpus.layout import CorpusPaths, find_review
    from ..corpus.protocol import load_protocol
    from ..corpus.review_config import load_review_config
    from ..corpus.snapshot import load_snapshot

    paths = CorpusPaths(find_review(args.corpus))
    seeds = _seeds_dir(args.seeds, settings, paths.root)
    protocol = load_protocol(paths.protocol)
    config = load_review_config(paths.config)
    mechanisms = load_mechanisms(paths.mechanisms)
    claims = load_claims(paths.claims, mechanisms, agents=config.intervention.agents)
    if load_articles(paths.articles):
        seeds = paths.articles if seeds is None else seeds
        check_quotes(claims, [paths.articles, seeds] if seeds != paths.articles else [seeds], paths.claims)
    elif seeds is not None:
        check_quotes(claims, seeds, paths.claims)
    snapshot = load_snapshot(paths.snapshot, mechanisms=mechanisms, claims=claims)
    decisions = load_decisions(paths.decisions, snapshot)
    orphans = decisions.orphans((a.key for a in snapshot.records), (c.id for c in claims))
    for decision, why in orphans:
        print(f"litreview: error: {paths.decisions}: {decision.reviewer}'s {decision.stage} decision of "
              f"{decision.time}: {why}: it counts for nothing (log it again on an existing record or claim)",
              file=sys.stderr)
    if orphans:
        return 1
    logged = sum(1 for d in decisions if d.line > 0)
    conflicts = len(decisions.conflicts())
    if seeds is None:
        quotes = "quotes not checked (no seeds directory: use --seeds DIR or set LITREVIEW_SEEDS)"
    else:
        quoted, articles = sum(len(c.sources) for c in claims), len({a for c in claims for a in c.articles})
        where = " and ".join(dict.fromkeys(str(f) for f in (paths.articles, seeds) if load_articles(f) or f == seeds))
        quotes = (f"{quoted} quote{'s' * (quoted != 1)} checked against "
                  f"{articles} seed article{'s' * (articles != 1)} in {where}")
    stated = "protocol.toml valid" if protocol.path else "no protocol.toml (default exclusion reasons)"
    print(f"ok: {len(mechanisms)} mechanisms, {len(claims)} claims, {len(snapshot.records)} records, "
          f"{len(snapshot.curated)} curated judgements, {logged} reviewer decisions "
          f"({conflicts} unresolved conflicts); "
          f"snapshot files match manifest.json; {stated}; {quotes}")
    return 0


def _add_snapshot(sub: argparse._SubParsersAction) -> None:
    """``litreview snapshot build``: the offline snapshot from the curated register."""
    p = sub.add_parser("snapshot", help="build the offline snapshot from the curated evidence register")
    actions = _commands(p, "action", "ACTION")
    b = actions.add_parser("build", help="build corpus/snapshot from register JSON-lines files")
    _corpus_option(b)
    b.add_argument("--register", type=Path, action="append", required=True,
                   help="register.jsonl (repeat for pending_doi.jsonl)")
    b.add_argument("--date", type=_iso_date, default=None,
                   help="build date YYYY-MM-DD written to provenance (default: today)")
    b.set_defaults(func=_cmd_snapshot_build)


def _cmd_snapshot_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build and write the snapshot from the register files."""
    from ..corpus.claims import load_claims, load_mechanisms
    from ..corpus.layout import CorpusPaths, find_review
    from ..corpus.register import build_snapshot_from_register
    from ..corpus.review_config import load_review_config
    from ..corpus.snapshot import write_snapshot

    built = args.date or date.today().isoformat()
    paths = CorpusPaths(find_review(args.corpus))
    intervention = load_review_config(paths.config).intervention
    mechanisms = load_mechanisms(paths.mechanisms)
    claims = load_claims(paths.claims, mechanisms, agents=intervention.agents)
    snapshot = build_snapshot_from_register(args.register, mechanisms, claims, built, intervention)
    write_snapshot(snapshot, paths.snapshot)
    unresolved = sum(1 for a in snapshot.records if not a.pmid)
    print(f"snapshot: {len(snapshot.records)} records ({unresolved} PMID unresolved), "
          f"{len(snapshot.curated)} curated judgements -> {paths.snapshot}")
    return 0


def _add_score(sub: argparse._SubParsersAction) -> None:
    """``litreview score``: the evidence-scoring stage alone."""
    p = sub.add_parser("score", help="score every screened (study, claim) pair and show curator/machine disagreement")
    _corpus_option(p)
    p.add_argument("--rubric", type=Path, default=None, help="scoring weights TOML (default: packaged scoring.toml)")
    p.add_argument("--out", type=Path, default=None, help="write the assessments as CSV here")
    min_confidence_option(p)
    p.set_defaults(func=_cmd_score)


def _cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    """Screen, score and print a summary (and optionally write the assessments CSV)."""
    from ..corpus.decisions import load_decisions, warn_orphans
    from ..corpus.layout import CorpusPaths, load_review
    from ..corpus.review_config import judge_min_confidence
    from ..evidence.scoring import assessments_to_frame, load_rubric, score_evidence
    from ..outputs.export import export_csv
    from ..screening.rules import screen_records

    inputs = load_review(args.corpus)
    mechanisms, claims, snapshot = inputs.mechanisms, inputs.claims, inputs.snapshot
    decisions = load_decisions(CorpusPaths(inputs.root).decisions, snapshot)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_orphans(decisions, (a.key for a in snapshot.records), (c.id for c in claims))
    _report_warnings(caught)
    screening = screen_records(snapshot, mechanisms, claims, decisions, inputs.config.intervention)
    assessments = score_evidence(snapshot.records, claims, screening.pairs, snapshot.curated, load_rubric(args.rubric),
                                 decisions, judge_min_confidence(inputs.config, args.min_confidence))
    curated = [a for a in assessments if a.judged_by == "curator"]
    fields = ("design", "population", "n", "direction")
    counts = ", ".join(f"{f} {sum(f in a.disagreements for a in curated)}" for f in fields)
    print(f"{len(assessments)} assessments ({len(curated)} judged by the curator, "
          f"{sum(a.excluded for a in assessments)} excluded); curator vs machine disagreements: {counts}")
    if args.out is not None:
        export_csv(args.out, assessments_to_frame(assessments))
        print(f"  {args.out}")
    return 0


def _add_fetch(sub: argparse._SubParsersAction) -> None:
    """``litreview fetch``: refresh the snapshot from PubMed, or fetch one query to JSON lines (online)."""
    p = sub.add_parser("fetch", help="refresh corpus/snapshot from PubMed (online; needs NCBI_EMAIL)")
    _corpus_option(p)
    p.add_argument("--cache", type=Path, default=Path(".litreview-cache"),
                   help="raw-response cache; a rerun after an interruption resumes from it "
                        "(default: .litreview-cache/; delete it for a fresh search)")
    p.add_argument("--query", default=None, help="fetch this PubMed query instead of refreshing the snapshot")
    p.add_argument("--out", type=Path, default=None, help="JSON-lines file for --query records")
    p.add_argument("--batch-size", type=int, default=None, help="records per EFetch request (default: 500)")
    p.add_argument("--date", type=_iso_date, default=None,
                   help="retrieval date YYYY-MM-DD for provenance (default: today)")
    p.add_argument("--from-mirror", type=Path, default=None, metavar="MIRROR_DIR",
                   help="refresh the snapshot from a local mirror (`litreview mirror build`) instead (offline)")
    p.set_defaults(func=_cmd_fetch)


def _cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    """Run the fetch stage; print E-utilities diagnostics as warning lines and a summary."""
    from .._io import write_jsonl
    from ..errors import ConfigError
    from ..sources.eutils import DEFAULT_BATCH_SIZE, EutilsClient
    from ..sources.eutils_answers import EutilsWarning
    from ..sources.fetch import fetch_query, refresh

    if (args.query is None) != (args.out is None):
        raise ConfigError("--query and --out go together")
    if args.from_mirror is not None:
        if args.query is not None:
            raise ConfigError("--from-mirror refreshes the snapshot; search one query with `litreview mirror search`")
        return _fetch_from_mirror(args)
    client = EutilsClient(settings, cache_dir=args.cache, batch_size=args.batch_size or DEFAULT_BATCH_SIZE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EutilsWarning)
        if args.query is not None:
            result = fetch_query(client, args.query)
            write_jsonl(args.out, (a.to_dict() for a in result.articles))
            summary = (f"{len(result.articles)} records ({result.books} books) of {result.search.count} hits, "
                       f"{len(result.missing)} missing, {client.requests_sent} requests -> {args.out}")
        else:
            from ..corpus.claims import load_mechanisms
            from ..corpus.layout import CorpusPaths, find_review
            from ..corpus.review_config import load_review_config
            from ..corpus.snapshot import load_snapshot, write_snapshot

            paths = CorpusPaths(find_review(args.corpus))
            done = refresh(load_snapshot(paths.snapshot), load_mechanisms(paths.mechanisms), client,
                           args.date or date.today().isoformat(),
                           intervention=load_review_config(paths.config).intervention)
            write_snapshot(done.snapshot, paths.snapshot)
            pubmed = sum(1 for a in done.snapshot.records if a.source == "pubmed")
            summary = (f"snapshot: {len(done.snapshot.records)} records ({pubmed} from PubMed), "
                       f"{len(done.resolved)} DOIs resolved, {len(done.unresolved)} unresolved, "
                       f"{len(done.missing)} missing, {client.requests_sent} requests -> {paths.snapshot}")
    _report_warnings(caught)
    print(summary)
    return 0


def _add_parse(sub: argparse._SubParsersAction) -> None:
    """``litreview parse``: PubMed XML files to normalized records (offline)."""
    p = sub.add_parser("parse", help="parse PubMed XML files (EFetch, baseline or update files, .gz) into records")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="PubMed XML file, plain or gzipped")
    p.add_argument("--format", dest="out_format", choices=("jsonl", "csv", "parquet"), default="jsonl",
                   help="jsonl: one full record per line (default); csv, parquet: the records_to_frame columns")
    p.add_argument("--out", type=Path, default=None,
                   help="write here, atomically, instead of to stdout (required for parquet)")
    p.set_defaults(func=_cmd_parse)


def _cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """Parse every file and write the records; report the count and any DeleteCitation PMIDs."""
    from contextlib import nullcontext

    from .._io import atomic_open
    from ..errors import ConfigError
    from ..sources.pubmed_xml import iter_pubmed_xml

    if args.out_format == "parquet":
        if args.out is None:
            raise ConfigError("--format parquet needs --out")
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ConfigError("--format parquet needs pyarrow (pip install 'litreview[mirror]')") from None
    deleted: list[str] = []
    records = (a for path in args.files for a in iter_pubmed_xml(path, deleted=deleted))
    if args.out_format == "jsonl":
        count = 0
        with atomic_open(args.out, "w") if args.out is not None else nullcontext(sys.stdout) as handle:
            for article in records:
                handle.write(article.to_json() + "\n")
                count += 1
    else:
        from ..corpus.records import records_to_frame
        from ..outputs.export import export_csv  # pandas and openpyxl: only for the tables
        from ..outputs.spreadsheet import render_csv

        frame = records_to_frame(records)
        count = len(frame)
        if args.out_format == "parquet":
            with atomic_open(args.out, "wb") as handle:
                frame.to_parquet(handle, index=False)
        elif args.out is None:
            sys.stdout.write(render_csv(frame, bom=False).decode("utf-8"))
        else:
            export_csv(args.out, frame)
    summary = f"{count} records from {len(args.files)} files, {len(deleted)} deleted PMIDs"
    if args.out is None:
        print(f"litreview: {summary}", file=sys.stderr)
    else:
        print(f"{summary} -> {args.out}")
    return 0


def _add_import(sub: argparse._SubParsersAction) -> None:
    """``litreview import``: records from downloaded or exported files into the snapshot."""
    p = sub.add_parser("import", help="add records from PubMed XML (.xml, .gz), PubMed format (.nbib, .txt) or RIS "
                                      "(.ris) files to the snapshot")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="file to import (format from its ending)")
    _corpus_option(p)
    p.add_argument("--date", type=_iso_date, default=None, help="import date for provenance (default: today)")
    p.set_defaults(func=_cmd_import)


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import the files into the corpus snapshot (all or nothing) and say what changed."""
    from ..corpus.claims import load_claims, load_mechanisms
    from ..corpus.layout import CorpusPaths, find_review
    from ..corpus.review_config import load_review_config
    from ..corpus.snapshot import load_snapshot, write_snapshot
    from ..sources.importing import ImportFileWarning, import_files

    paths = CorpusPaths(find_review(args.corpus))
    config = load_review_config(paths.config)
    mechanisms = load_mechanisms(paths.mechanisms)
    load_claims(paths.claims, mechanisms)  # a review folder needs a valid claims register
    existing = None
    if paths.snapshot.exists():
        existing = load_snapshot(paths.snapshot, mechanisms=mechanisms)  # claims are checked by `litreview check`
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ImportFileWarning)
        result = import_files(args.files, existing, mechanisms, args.date or date.today().isoformat(),
                              config.intervention)
    for warning in caught:
        if issubclass(warning.category, ImportFileWarning):
            print(f"litreview: warning: {warning.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    write_snapshot(result.snapshot, paths.snapshot)
    print(f"{result.read} records read from {len(args.files)} files: {result.added} added, {result.merged} merged "
          f"with records already there; {len(result.snapshot.records)} records in {paths.snapshot}")
    if result.unmatched:
        print(f"{result.unmatched} new records name no mechanism's terms: kept, but no search holds them")
    return 0


def _report_warnings(caught: Sequence[warnings.WarningMessage]) -> None:
    """Print E-utilities and decisions-log diagnostics as ``litreview: warning:`` lines; re-issue any other."""
    from ..corpus.decisions import OrphanDecisionWarning
    from ..sources.eutils_answers import EutilsWarning

    for warning in caught:
        if issubclass(warning.category, (EutilsWarning, OrphanDecisionWarning)):
            print(f"litreview: warning: {warning.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def _fetch_from_mirror(args: argparse.Namespace) -> int:
    """``fetch --from-mirror``: refresh the snapshot from the local mirror (offline)."""
    from ..corpus.claims import load_mechanisms
    from ..corpus.layout import CorpusPaths, find_review
    from ..corpus.review_config import load_review_config
    from ..corpus.snapshot import load_snapshot, write_snapshot
    from ..sources.eutils_answers import EutilsWarning
    from ..sources.mirror import refresh_from_mirror

    paths = CorpusPaths(find_review(args.corpus))
    intervention = load_review_config(paths.config).intervention
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EutilsWarning)
        done = refresh_from_mirror(load_snapshot(paths.snapshot), load_mechanisms(paths.mechanisms),
                                   args.from_mirror, args.date or date.today().isoformat(), intervention)
    _report_warnings(caught)
    write_snapshot(done.snapshot, paths.snapshot)
    pubmed = sum(1 for a in done.snapshot.records if a.source == "pubmed")
    print(f"snapshot: {len(done.snapshot.records)} records ({pubmed} from the mirror), "
          f"{len(done.resolved)} DOIs resolved, {len(done.unresolved)} unresolved, "
          f"{len(done.missing)} missing -> {paths.snapshot}")
    return 0


def _years(text: str) -> tuple[int | None, int | None]:
    """Parse ``A:B``, ``A:``, ``:B`` or ``A`` into an inclusive year range."""
    low, sep, high = (part.strip() for part in text.partition(":"))
    if not sep:
        high = low
    given = [part for part in (low, high) if part]
    digits = all(part.isascii() and part.isdigit() for part in given)
    if not given or not digits or (low and high and int(low) > int(high)):
        raise argparse.ArgumentTypeError(f"years must look like 2010:2020, 2010:, :2020 or 2015, not {text!r}")
    return (int(low) if low else None, int(high) if high else None)


def _add_mirror(sub: argparse._SubParsersAction) -> None:
    """``litreview mirror build|search``: a local PubMed baseline mirror (needs the mirror extra)."""
    p = sub.add_parser("mirror", help="build and search a local PubMed baseline mirror (Dask + Parquet + DuckDB)")
    actions = _commands(p, "action", "ACTION")
    b = actions.add_parser("build", help="convert baseline and update files (pubmedYYnNNNN.xml.gz) to Parquet")
    b.add_argument("baseline_dir", type=Path, metavar="BASELINE_DIR",
                   help="baseline files; update files in BASELINE_DIR/updatefiles unless --updates is given")
    b.add_argument("--updates", type=Path, default=None, metavar="DIR", help="directory with the update files")
    b.add_argument("--out", type=Path, required=True, metavar="MIRROR_DIR", help="mirror directory (updated in place)")
    b.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="running Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)")
    b.add_argument("--workers", type=int, default=None, metavar="N",
                   help="local cluster worker processes (default: CPU count)")
    b.set_defaults(func=_cmd_mirror_build)
    s = actions.add_parser("search", help="search the mirror offline (words and \"phrases\" ANDed in title/abstract)")
    s.add_argument("mirror_dir", type=Path, metavar="MIRROR_DIR")
    s.add_argument("query", metavar="QUERY", help='e.g. \'aspirin "myocardial infarction" prevent*\'')
    s.add_argument("--mesh", action="append", default=[], help="MeSH descriptor (repeat: any of them)")
    s.add_argument("--pt", action="append", default=[], help="publication type (repeat: any of them)")
    s.add_argument("--years", type=_years, default=None, metavar="A:B", help="publication years, inclusive")
    s.add_argument("--out", type=Path, default=None, metavar="FILE.jsonl",
                   help="write the records as JSON lines instead of listing them")
    s.set_defaults(func=_cmd_mirror_search)


def _cmd_mirror_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build or update the mirror; print a summary and one error line per failed file."""
    import os

    from ..sources.mirror_build import build_mirror

    progress = bool(sys.stderr.isatty()) and not os.environ.get("CI")
    done = build_mirror(args.baseline_dir, args.out, updates_dir=args.updates, scheduler=args.scheduler,
                        workers=args.workers, progress=progress)
    repaired = f" ({len(done.repaired)} repaired)" if done.repaired else ""
    print(f"{len(done.converted)} converted{repaired}, {len(done.skipped)} unchanged, {len(done.failed)} failed, "
          f"{len(done.removed)} removed; {done.records} records, {done.current} current records, "
          f"{done.deleted} deleted PMIDs ({done.workers} workers, {done.seconds:.1f} s) -> {done.mirror_dir}")
    for name, reason in done.repaired:
        print(f"litreview: warning: {name}: its Parquet file was damaged ({reason}); converted again", file=sys.stderr)
    for name, reason in done.failed:
        print(f"litreview: error: {name}: {reason}", file=sys.stderr)
    return 1 if done.failed else 0


def _cmd_mirror_search(args: argparse.Namespace, settings: Settings) -> int:
    """Search the mirror; list the hits or write them as JSON lines."""
    from .._io import write_jsonl
    from ..sources.mirror import search_mirror

    hits = search_mirror(args.mirror_dir, args.query, mesh=args.mesh, publication_types=args.pt, years=args.years)
    if args.out is not None:
        write_jsonl(args.out, (a.to_dict() for a in hits))
        print(f"{len(hits)} records -> {args.out}")
        return 0
    for article in hits:
        print(f"{article.pmid}\t{article.year or ''}\t{article.title}")
    print(f"{len(hits)} records")
    return 0


def _quiet_exit() -> None:
    """After the command, let Ctrl-C end the process as Unix tools do, silently.

    What is left is the interpreter's shutdown (atexit callbacks, finalizers),
    where a KeyboardInterrupt is only printed as "Exception ignored in ...".
    The output is flushed first, so nothing written is lost.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_DFL)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code.

    Run as the program (``argv`` None), Ctrl-C after the command has finished
    ends the process without a traceback (see :func:`_quiet_exit`).
    """
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    finally:
        if argv is None:
            _quiet_exit()


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; expected errors become one line and exit 1."""
    try:
        return args.func(args, Settings.from_env())
    except LitreviewError as exc:
        if args.debug:
            raise
        print(f"litreview: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("litreview: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`litreview parse big.xml | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
