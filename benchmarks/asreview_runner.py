"""Run ASReview's default model on one dataset with given priors; print the screening order as JSON.

Runs inside ASReview's own environment (``benchmarks/screening.py`` calls it with
``--asreview-python``), so it imports nothing from litreview. It mirrors
``asreview simulate DATASET --prior-idx I E`` with the default model
(``elas_u4``: TF-IDF 1-2-grams, linear SVM, balanced weights, maximum query)
and ASReview's default stopping rule (stop once the last include is found).

Usage::

    python benchmarks/asreview_runner.py DATASET.csv INCLUDE_ROW EXCLUDE_ROW
"""

from __future__ import annotations

import json
import sys
import time

from asreview import ActiveLearningCycle, Simulate, load_dataset
from asreview.models.models import get_ai_config
from asreview.models.stoppers import LastRelevant


def main(path: str, include: int, exclude: int) -> dict:
    """Simulate; return the order (row indices, priors first), the labels and the seconds taken."""
    with load_dataset(path, dataset_id="benchmark") as db:
        frame, labels = db.input.get_df(), db.input["included"]
        started = time.perf_counter()
        cycle = ActiveLearningCycle.from_meta(get_ai_config()["value"])
        simulation = Simulate(frame, labels, [cycle], stopper=LastRelevant(), print_progress=False)
        simulation.label([include, exclude])
        simulation.review()
        seconds = time.perf_counter() - started
        order = [int(i) for i in simulation._results["record_id"]]
    return {"order": order, "labels": [int(v) for v in labels], "seconds": seconds,
            "model": get_ai_config()["name"]}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
