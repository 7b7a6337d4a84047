"""The stopping aid: includes left by the discovery curve, on rankings whose truth is known by construction."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest
from test_screen import BDNF, CLAIMS, article, snapshot_of

import litreview.screening.stopping
from conftest import KETAMINE
from litreview.corpus.decision_schema import make_decision
from litreview.corpus.decisions import DecisionLog
from litreview.errors import DatasetError
from litreview.screening.priority import Prioritizer, read_labelled_csv, simulate_screening
from litreview.screening.rules import screen_records
from litreview.screening.stopping import IncludesLeft, estimate_includes_left


def test_docstring_examples_hold() -> None:
    assert doctest.testmod(litreview.screening.stopping).failed == 0


def test_a_ranking_that_ran_dry_leaves_next_to_nothing() -> None:
    # every include first, then 200 excludes in a row: by construction none is left
    left = estimate_includes_left([1] * 20 + [0] * 200, total=1000)
    assert (left.estimate, left.screened, left.unscreened) == (0, 220, 780) and left.upper <= 1


def test_a_ranking_no_better_than_random_extrapolates_the_flat_yield() -> None:
    # one include in every ten records and no sign of decline: the other 700 records hold about 70
    left = estimate_includes_left(([1] + [0] * 9) * 30, total=1000)
    assert 40 <= left.estimate <= 80 and left.upper >= 70
    # the same yield over more records is surer of itself
    longer = estimate_includes_left(([1] + [0] * 9) * 60, total=1000)
    assert longer.upper - longer.estimate < left.upper - left.estimate


def test_more_excludes_lower_the_estimate_and_the_bound() -> None:
    curve = [1] * 6 + [1, 0] * 6 + [1, 0, 0, 0] * 5
    before, after = (estimate_includes_left(c, total=500) for c in (curve, curve + [0] * 60))
    assert after.estimate < before.estimate and after.upper < before.upper
    assert estimate_includes_left(curve, 500, confidence=0.99).upper > before.upper


def test_the_bound_holds_on_curves_drawn_from_the_model() -> None:
    # 200 reviews of 600 records whose yield decays as the model says, 150 screened: the truth is the draw
    rng = np.random.default_rng(0)
    total, screened = 600, 150
    rate = 0.6 * np.exp(-6 * np.sqrt(np.arange(1, total + 1) / total))
    covered, errors = [], []
    for _ in range(200):
        labels = (rng.random(total) < rate).astype(int)
        left = estimate_includes_left(labels[:screened], total)
        truth = int(labels[screened:].sum())
        covered.append(left.upper >= truth)
        errors.append(left.estimate - truth)
    assert np.mean(covered) >= 0.9
    assert abs(np.median(errors)) <= 1 and np.mean(np.abs(errors)) < 4  # 3.6 left on average


def test_nothing_left_to_screen_and_bad_input() -> None:
    assert estimate_includes_left([1, 0, 0], total=3) == IncludesLeft(0, 0, 0.95, 3, 0)
    with pytest.raises(DatasetError, match="at least one include"):
        estimate_includes_left([0, 0], total=10)
    with pytest.raises(DatasetError, match="3 decisions but only 2 records"):
        estimate_includes_left([1, 0, 0], total=2)
    with pytest.raises(DatasetError, match="confidence"):
        estimate_includes_left([1, 0], total=10, confidence=1.0)


def test_the_queue_reads_the_curve_in_screening_order_one_record_once() -> None:
    records = [article(str(i), f"Ketamine BDNF {topic}") for i, topic in
               enumerate(("in depression", "in rats", "in serum", "and plasticity", "in mice", "after surgery"), 1)]
    snapshot = snapshot_of(records)
    rules = screen_records(snapshot, {"bdnf": BDNF}, CLAIMS, intervention=KETAMINE).log
    prioritizer = Prioritizer(snapshot.records, rules)

    def screen(key: str, who: str, decision: str, day: int) -> object:
        reason = "meets inclusion criteria" if decision == "include" else "off topic"
        return make_decision(key, "screen", who, decision=decision, reason=reason, time=f"2026-01-0{day}T00:00:00Z")

    # logged out of order; bob screens record 2 again later and the two disagree on record 4 (a conflict)
    log = DecisionLog((screen("3", "alice", "exclude", 3), screen("1", "alice", "include", 1),
                       screen("2", "alice", "exclude", 2), screen("2", "bob", "exclude", 5),
                       screen("4", "alice", "include", 4), screen("4", "bob", "exclude", 6)))
    queue = prioritizer.queue(log)
    assert queue.includes_left == estimate_includes_left([1, 0, 0], total=6)  # records 1, 2, 3; 4 is in conflict
    assert "includes left among the 3 unscreened" in queue.includes_left.describe()


def test_the_aid_is_near_the_truth_on_a_real_review(shared: Path) -> None:
    path = shared / "data" / "screening" / "Cohen_2006_NSAIDS.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    data = read_labelled_csv(path)
    labels = data["label_included"].to_numpy()
    order = simulate_screening(data["title"], data["abstract"], labels, seed=0).order
    # the calibrated classifier it replaces expected 115 and 34 includes here at 25 and 50 % (2 and 0 were left)
    for share, most in ((0.25, 40), (0.50, 5), (0.75, 2)):
        screened = labels[order[: int(share * len(order))]]
        left = estimate_includes_left(screened, len(labels))
        truth = int(labels.sum() - screened.sum())
        assert left.estimate <= most and left.upper >= truth, (share, left, truth)
