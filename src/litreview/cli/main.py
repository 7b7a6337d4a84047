"""Command-line interface: ``litreview <command>``.

This module builds the argument parser and runs the parsed command; what the
commands registered here do is in :mod:`litreview.cli.handlers` (the reviewer's
and the authoring commands: :mod:`~litreview.cli.reviewer`, :mod:`~litreview.cli.authoring`).

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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import LitreviewError
from ..settings import Settings
from .authoring import add_commands as add_authoring_commands
from .handlers import (
    _cmd_check,
    _cmd_fetch,
    _cmd_import,
    _cmd_mirror_build,
    _cmd_mirror_search,
    _cmd_parse,
    _cmd_run,
    _cmd_score,
    _cmd_snapshot_build,
)
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


def _add_check(sub: argparse._SubParsersAction) -> None:
    """``litreview check``: validate the corpus files."""
    p = sub.add_parser("check", help="validate protocol, mechanisms, claims, snapshot and decisions")
    _corpus_option(p)
    p.add_argument("--seeds", type=Path, default=None,
                   help="seed articles directory whose texts every quote must occur in (default: $LITREVIEW_SEEDS, "
                        "else ../shared/seeds beside the corpus's repository when it exists)")
    p.set_defaults(func=_cmd_check)


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


def _add_score(sub: argparse._SubParsersAction) -> None:
    """``litreview score``: the evidence-scoring stage alone."""
    p = sub.add_parser("score", help="score every screened (study, claim) pair and show curator/machine disagreement")
    _corpus_option(p)
    p.add_argument("--rubric", type=Path, default=None, help="scoring weights TOML (default: packaged scoring.toml)")
    p.add_argument("--out", type=Path, default=None, help="write the assessments as CSV here")
    min_confidence_option(p)
    p.set_defaults(func=_cmd_score)


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


def _add_parse(sub: argparse._SubParsersAction) -> None:
    """``litreview parse``: PubMed XML files to normalized records (offline)."""
    p = sub.add_parser("parse", help="parse PubMed XML files (EFetch, baseline or update files, .gz) into records")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="PubMed XML file, plain or gzipped")
    p.add_argument("--format", dest="out_format", choices=("jsonl", "csv", "parquet"), default="jsonl",
                   help="jsonl: one full record per line (default); csv, parquet: the records_to_frame columns")
    p.add_argument("--out", type=Path, default=None,
                   help="write here, atomically, instead of to stdout (required for parquet)")
    p.set_defaults(func=_cmd_parse)


def _add_import(sub: argparse._SubParsersAction) -> None:
    """``litreview import``: records from downloaded or exported files into the snapshot."""
    p = sub.add_parser("import", help="add records from PubMed XML (.xml, .gz), PubMed format (.nbib, .txt) or RIS "
                                      "(.ris) files to the snapshot")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="file to import (format from its ending)")
    _corpus_option(p)
    p.add_argument("--date", type=_iso_date, default=None, help="import date for provenance (default: today)")
    p.set_defaults(func=_cmd_import)


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
