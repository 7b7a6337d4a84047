"""Benchmark: ``screen simulate`` at 10,000 and 100,000 records against per-record retraining (issue 27, item 10).

Builds labelled datasets of ``--sizes`` records (default 10,000 and 100,000) from
the eight real reviews in ``../shared/data/screening/`` (5,127 records): copies of
the records, each copy with a copy number appended to its title so that no two
texts are equal, labels kept. For each size it measures, in the same run:

* ``litreview`` (batched): :func:`litreview.screening.priority.simulate_screening` as it runs
  now, to the end and with ``stop_after_last_include``: wall seconds, retrainings,
  peak RSS (``VmHWM``) of the process so far;
* ``per-record`` (the baseline, before issue 27): the same loop retraining after every
  record (``EXACT_SIMULATION_ROWS`` raised above the size), run for ``--baseline-steps``
  records only; the whole run is projected as ``seconds per record x records`` (a lower
  bound: each retraining fits more rows than the one before).

Run: ``python benchmarks/simulate_scaling.py [--sizes 10000,100000] [--baseline-steps 100]``
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import litreview.screening.priority as priority
from litreview.screening.priority import read_labelled_csv, simulate_screening

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "screening"


def _peak_mb() -> float:
    """Peak RSS of this process so far (VmHWM), in MB."""
    return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text())[1]) / 1024


def dataset(size: int) -> pd.DataFrame:
    """``size`` records: the real reviews repeated, each copy's title marked with its copy number."""
    real = pd.concat([read_labelled_csv(p) for p in sorted(DATA.glob("*.csv"))], ignore_index=True)
    copies = -(-size // len(real))
    frame = pd.concat([real.assign(title=real["title"].fillna("") + f" c{i}") for i in range(copies)],
                      ignore_index=True).iloc[:size]
    return frame.reset_index(drop=True)


class _Counter:
    """Counts the model's retrainings."""

    def __init__(self) -> None:
        self.fits = 0
        self._real = priority.ScreeningModel.scores

    def __enter__(self) -> _Counter:
        def counted(model: priority.ScreeningModel, decided: dict[int, int]) -> np.ndarray:
            self.fits += 1
            return self._real(model, decided)

        priority.ScreeningModel.scores = counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        priority.ScreeningModel.scores = self._real  # type: ignore[method-assign]


def _baseline(frame: pd.DataFrame, steps: int) -> float:
    """Seconds per record of per-record retraining, over its first ``steps`` records after the priors."""
    labels = frame["label_included"].to_numpy()
    saved = priority.EXACT_SIMULATION_ROWS
    priority.EXACT_SIMULATION_ROWS = len(frame) + 1
    model = priority.ScreeningModel(frame["title"], frame["abstract"])
    try:
        decided = {i: int(labels[i]) for i in priority.choose_priors(labels, 0)}
        screened = np.zeros(len(labels), dtype=bool)
        screened[list(decided)] = True
        started = time.perf_counter()
        for _ in range(steps):  # the loop simulate_screening ran before issue 27
            scores = model.priorities(decided)
            scores[screened] = -np.inf
            chosen = int(np.argmax(scores))
            decided[chosen], screened[chosen] = int(labels[chosen]), True
        return (time.perf_counter() - started) / steps
    finally:
        priority.EXACT_SIMULATION_ROWS = saved


def main() -> int:
    """Print one line per size and mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--baseline-steps", type=int, default=100)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} (labelled reviews) is not beside the repository", file=sys.stderr)
        return 0
    print(f"{'records':>8} {'mode':<26} {'screened':>9} {'retrains':>9} {'seconds':>9} {'peak MB':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        frame = dataset(size)
        for stop in (True, False):
            with _Counter() as counter:
                result = simulate_screening(frame["title"], frame["abstract"], frame["label_included"], seed=0,
                                            stop_after_last_include=stop)
            mode = "litreview, to last include" if stop else "litreview, every record"
            print(f"{size:>8} {mode:<26} {len(result.order):>9} {counter.fits:>9} {result.seconds:>9.1f} "
                  f"{_peak_mb():>8.0f}", flush=True)
        per_record = _baseline(frame, args.baseline_steps)
        print(f"{size:>8} {'per-record (projected)':<26} {size:>9} {size - 2:>9} {per_record * (size - 2):>9.0f} "
              f"{'':>8}   ({per_record * 1000:.0f} ms per record over the first {args.baseline_steps})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
