"""Screening prioritisation: litreview's active learning against ASReview's default model, same files and seeds.

For every labelled review in ``../shared/data/screening/`` and every seed, one
random include and one random exclude (chosen by the seed, the same for both)
are the prior knowledge; each tool then asks for one record at a time until the
last include is found (ASReview's default stopping rule; the metrics are final
by then). Reported per dataset: mean WSS@95, recall after 10 % screened,
fraction screened to find every include and seconds per simulation (features
and loop; reading the CSV is not timed), then the means over datasets and the
ratios litreview / ASReview. The two tools run alternately so both see the same
machine load.

ASReview runs in its own environment (``pip install asreview`` in a separate
virtualenv) through ``benchmarks/asreview_runner.py``; give its interpreter with
``--asreview-python`` or ``ASREVIEW_PYTHON``. Without it, only litreview runs.

Usage::

    python benchmarks/screening.py --asreview-python ../venvs/asreview/bin/python [--seeds 5] [--datasets A,B]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import mean

import numpy as np
import sklearn.feature_extraction.text  # noqa: F401  imported before timing, as the runner imports asreview
import sklearn.svm  # noqa: F401

from litreview.screening.priority import choose_priors, read_labelled_csv, screening_metrics, simulate_screening

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "screening"
RUNNER = Path(__file__).with_name("asreview_runner.py")
COLUMNS = ("wss95", "recall_at_10", "fraction_to_find_all", "seconds")


def _asreview(python: str, path: Path, priors: tuple[int, int], labels: np.ndarray) -> dict[str, float]:
    """Run ASReview's default model through the runner; its metrics and time."""
    with tempfile.TemporaryDirectory() as scratch:  # ASReview leaves a dataset cache in its working directory
        done = subprocess.run([python, str(RUNNER), str(path.resolve()), *map(str, priors)], capture_output=True,
                              text=True, check=True, cwd=scratch)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["labels"] != labels.tolist():
        raise SystemExit(f"{path.name}: ASReview reads the rows in another order; the priors would differ")
    order = result["order"]
    if order[:2] != list(priors):
        raise SystemExit(f"{path.name}: ASReview did not start from the given priors")
    metrics = screening_metrics(labels[order[2:]], total=len(labels) - 2)
    return {**vars(metrics), "seconds": result["seconds"]}


def _litreview(data, seed: int) -> dict[str, float]:
    """Run litreview's model; its metrics and time."""
    result = simulate_screening(data["title"], data["abstract"], data["label_included"], seed,
                                stop_after_last_include=True)
    return {**vars(result.metrics), "seconds": result.seconds}


def _asreview_python(given: str | None) -> tuple[str | None, str]:
    """The interpreter to run ASReview with, or None and the reason to skip it."""
    python = given or os.environ.get("ASREVIEW_PYTHON")
    if python is None:
        return None, "no --asreview-python or ASREVIEW_PYTHON given"
    if os.sep in python:
        python = os.path.abspath(python)  # it runs from a scratch directory; abspath keeps the venv's symlink
    with tempfile.TemporaryDirectory() as scratch:
        probe = subprocess.run([python, "-c", "import asreview; print(asreview.__version__)"], capture_output=True,
                               text=True, cwd=scratch)
    if probe.returncode != 0:
        return None, f"{python} cannot import asreview (pip install asreview in that environment)"
    return python, f"ASReview {probe.stdout.strip()}"


def _row(name: str, tool: str, runs: list[dict[str, float]]) -> dict[str, float | str]:
    """Means over seeds for one tool and dataset."""
    return {"dataset": name, "tool": tool, **{c: mean(r[c] for r in runs) for c in COLUMNS}}


def main() -> None:
    """Run both tools on every dataset and seed; print the table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder of labelled CSV files")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default: 5)")
    parser.add_argument("--datasets", default=None, help="comma-separated file names (default: all)")
    parser.add_argument("--asreview-python", default=None, help="python of the environment where asreview is installed")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"skipped: {args.data} is absent (the labelled reviews live in ../shared/data/screening/)")
    python, note = _asreview_python(args.asreview_python)
    print(f"litreview vs {note if python else 'nothing: ASReview skipped, ' + note}; seeds 0-{args.seeds - 1}")
    files = sorted(args.data.glob("*.csv"))
    if args.datasets:
        files = [args.data / name for name in args.datasets.split(",")]
    rows = []
    header = f"{'dataset':34} {'tool':9} {'WSS@95':>7} {'rec@10%':>8} {'all at':>7} {'s/run':>7}"
    print(header)
    for path in files:
        data = read_labelled_csv(path)
        labels = data["label_included"].to_numpy()
        ours, theirs = [], []
        for seed in range(args.seeds):
            ours.append(_litreview(data, seed))
            if python:
                theirs.append(_asreview(python, path, choose_priors(labels, seed), labels))
        for tool, runs in (("litreview", ours), ("asreview", theirs)):
            if runs:
                rows.append(_row(path.name, tool, runs))
                r = rows[-1]
                print(f"{path.name:34} {tool:9} {r['wss95']:7.3f} {r['recall_at_10']:8.3f} "
                      f"{r['fraction_to_find_all']:7.3f} {r['seconds']:7.2f}", flush=True)
    print("-" * len(header))
    means = {}
    for tool in ("litreview", "asreview"):
        mine = [r for r in rows if r["tool"] == tool]
        if mine:
            means[tool] = {c: mean(r[c] for r in mine) for c in COLUMNS}
            m = means[tool]
            print(f"{'mean over ' + str(len(mine)) + ' datasets':34} {tool:9} {m['wss95']:7.3f} "
                  f"{m['recall_at_10']:8.3f} {m['fraction_to_find_all']:7.3f} {m['seconds']:7.2f}")
    if len(means) == 2:
        ours, theirs = means["litreview"], means["asreview"]
        print(f"litreview / ASReview: WSS@95 {ours['wss95'] / theirs['wss95']:.2f}x, "
              f"recall@10% {ours['recall_at_10'] / theirs['recall_at_10']:.2f}x, "
              f"time per simulation {ours['seconds'] / theirs['seconds']:.2f}x")


if __name__ == "__main__":
    main()
