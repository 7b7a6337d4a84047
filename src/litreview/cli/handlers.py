"""What the commands of :mod:`litreview.cli.main` do once their arguments are parsed.

One ``_cmd_<name>(args, settings) -> int`` per command (``run`` and ``export``,
``check``, ``snapshot build``, ``score``, ``fetch``, ``parse``, ``import``,
``mirror build|search``); :func:`~litreview.cli.main.build_parser` registers
them. Each imports what it needs when it runs, so building the parser stays
light; E-utilities and decisions-log warnings are printed as
``litreview: warning:`` lines.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..settings import Settings

__all__: list[str] = []  # private to the cli package: main registers the handlers


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


def _cmd_mirror_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build or update the mirror; print a summary and one error line per failed file."""

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
