"""The screening stopping aid against the truth: includes the model expects among the unscreened vs those left.

Replays a labelled review as ``litreview screen simulate`` does (same priors,
same order) and, after 10 %, 25 %, 50 % and 75 % of the records are screened,
prints :meth:`ScreeningModel.expected_includes` beside the includes actually
left and the decisions since the last include.

Usage::

    python evaluation/stopping_aid.py ../shared/data/screening/Cohen_2006_NSAIDS.csv [--seeds 3]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from litreview.priority import ScreeningModel, is_dry, read_labelled_csv, simulate_screening

CHECKPOINTS = (0.10, 0.25, 0.50, 0.75)


def main() -> None:
    """Print estimate vs truth at each checkpoint, per seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 (default: 3)")
    args = parser.parse_args()
    data = read_labelled_csv(args.dataset)
    labels = data["label_included"].to_numpy()
    model = ScreeningModel(data["title"], data["abstract"])
    print(f"{args.dataset.name}: {len(labels)} records, {labels.sum()} includes")
    for seed in range(args.seeds):
        order = simulate_screening(data["title"], data["abstract"], labels, seed).order
        cells = []
        for share in CHECKPOINTS:
            screened = order[: int(share * len(order))]
            decided = {int(i): int(labels[i]) for i in screened}
            asked = labels[screened[2:]].tolist()
            run = len(asked) - (max(i for i, v in enumerate(asked) if v) + 1 if any(asked) else 0)
            expected = model.expected_includes(decided)
            left = int(labels.sum() - labels[screened].sum())
            cells.append(f"{share:.0%}: expects {expected:.1f}, {left} left, {run} since the last include"
                         f"{' (dry)' if is_dry(asked) else ''}")
        print(f"seed {seed}: " + " | ".join(cells))


if __name__ == "__main__":
    main()
