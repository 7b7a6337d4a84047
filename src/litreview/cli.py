"""Command-line interface: ``litreview <command>``.

``main(argv) -> int``: expected errors (:class:`LitreviewError`) print one line
on stderr and exit 1; usage errors exit 2; ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import LitreviewError
from .settings import Settings

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="litreview", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Each stage registers its sub-command here (one _add_<name> helper per command).
    del sub
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    args = build_parser().parse_args(argv)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
