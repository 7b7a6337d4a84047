"""Active-learning prioritisation: metrics computed by hand, the simulation, the corpus queue, real datasets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_screen import BDNF, CLAIMS, article, snapshot_of

from conftest import KETAMINE
from litreview.corpus.decision_schema import make_decision
from litreview.corpus.decisions import DecisionLog
from litreview.errors import DatasetError
from litreview.screening.priority import (
    DRY_RUN,
    Prioritizer,
    ScreeningModel,
    SimulationResult,
    choose_priors,
    is_dry,
    read_labelled_csv,
    screening_metrics,
    simulate_screening,
)
from litreview.screening.rules import screen_records

#: 12 records: the 4 includes share a vocabulary the excludes lack.
TITLES = [
    "ketamine raises BDNF in rat cortex", "aspirin for headache in adults", "ketamine BDNF synaptic plasticity",
    "statins and cholesterol", "paracetamol fever children", "ketamine increases BDNF signalling in mice",
    "vitamin D and bone density", "antibiotics for otitis media", "BDNF plasticity after ketamine infusion",
    "exercise and blood pressure", "sleep hygiene in students", "coffee and heart rhythm",
]
LABELS = [1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]


# -- metrics --------------------------------------------------------------------------------------


def test_wss_recall_and_fraction_by_hand() -> None:
    # 20 records, 4 includes screened at positions 1, 3, 4 and 15.
    order = [1, 0, 1, 1] + [0] * 10 + [1] + [0] * 5
    metrics = screening_metrics(order)
    # 95 % of 4 includes rounds up to 4, all found after 15 records: WSS@95 = (20 - 15) / 20 - 0.05 = 0.20
    assert metrics.wss95 == pytest.approx(0.20)
    # the first 10 % = 2 records hold 1 of the 4 includes
    assert metrics.recall_at_10 == pytest.approx(0.25)
    assert metrics.fraction_to_find_all == pytest.approx(15 / 20)


def test_wss_stops_at_95_percent_of_many_includes() -> None:
    # 100 records, 40 includes: 38 (= ceil(0.95 * 40)) found in the first 38, the last 2 at the very end.
    order = [1] * 38 + [0] * 60 + [1, 1]
    metrics = screening_metrics(order)
    assert metrics.wss95 == pytest.approx((100 - 38) / 100 - 0.05)
    assert metrics.recall_at_10 == pytest.approx(10 / 40) and metrics.fraction_to_find_all == 1.0


def test_an_order_stopped_at_the_last_include_gives_the_same_metrics() -> None:
    full = [0, 1, 0, 1] + [0] * 16
    assert screening_metrics(full[:4], total=20) == screening_metrics(full)
    with pytest.raises(DatasetError, match="no include"):
        screening_metrics([0, 0, 0])


# -- simulation ---------------------------------------------------------------------------------


def test_priors_are_one_include_and_one_exclude_chosen_by_seed() -> None:
    labels = np.array(LABELS)
    for seed in range(5):
        include, exclude = choose_priors(labels, seed)
        assert labels[include] == 1 and labels[exclude] == 0
    assert choose_priors(labels, 3) == choose_priors(labels, 3)
    assert len({choose_priors(labels, s) for s in range(10)}) > 1


def test_simulation_finds_the_shared_vocabulary_first() -> None:
    result = simulate_screening(TITLES, [""] * len(TITLES), LABELS, seed=0)
    assert sorted(result.order.tolist()) == list(range(len(TITLES)))  # every record screened once
    assert list(result.order[:2]) == list(result.priors)
    assert sorted(result.labels[result.order[:5]].tolist()) == [0, 1, 1, 1, 1]  # the 3 other includes come next
    assert result.metrics.fraction_to_find_all == pytest.approx(3 / 10)
    early = simulate_screening(TITLES, [""] * len(TITLES), LABELS, seed=0, stop_after_last_include=True)
    assert early.metrics == result.metrics and len(early.order) == 5


def test_order_frame_has_record_ids_labels_and_ranks() -> None:
    result = SimulationResult(np.array([2, 0, 1]), np.array([0, 1, 1]), (1, 2), 0.0)
    frame = result.to_frame(["a", "b", "c"])
    assert frame.to_dict("list") == {"record_id": ["c", "a", "b"], "label_included": [1, 0, 1], "rank": [1, 2, 3]}


def test_read_labelled_csv_checks_its_columns_and_labels(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    pd.DataFrame({"title": ["a", "b"], "abstract": ["x", None], "label_included": [1, 0]}).to_csv(path, index=False)
    frame = read_labelled_csv(path)
    assert frame["record_id"].tolist() == [1, 2] and frame["abstract"].tolist() == ["x", ""]
    pd.DataFrame({"title": ["a", "b"], "label_included": [1, 0]}).to_csv(path, index=False)
    with pytest.raises(DatasetError, match="missing column.*abstract"):
        read_labelled_csv(path)
    pd.DataFrame({"title": ["a", "b"], "abstract": ["", ""], "label_included": [1, "yes"]}).to_csv(path, index=False)
    with pytest.raises(DatasetError, match="line 3: label_included must be 0 or 1"):
        read_labelled_csv(path)
    pd.DataFrame({"title": ["a", "b"], "abstract": ["", ""], "label_included": [0, 0]}).to_csv(path, index=False)
    with pytest.raises(DatasetError, match="at least one included and one excluded"):
        read_labelled_csv(path)
    with pytest.raises(DatasetError, match="no such file"):
        read_labelled_csv(tmp_path / "nope.csv")


def test_records_without_text_come_first_once_the_run_dries_up() -> None:
    titles, abstracts = [*TITLES, None], [""] * len(TITLES) + [None]
    model = ScreeningModel(titles, abstracts)
    labels = {0: 1, 1: 0}
    assert model.empty.tolist() == [False] * len(TITLES) + [True]
    assert model.rank(labels)[0] != 12 and model.rank(labels, dry=True)[0] == 12
    assert not is_dry([0] * (DRY_RUN - 1)) and is_dry([1] + [0] * DRY_RUN) and not is_dry([0] * DRY_RUN + [1])


# -- the corpus queue ---------------------------------------------------------------------------


def test_queue_falls_back_to_the_rules_then_learns() -> None:
    records = [article("1", "Ketamine increases BDNF in depression"), article("2", "Ketamine in rats"),
               article("3", "Ketamine BDNF plasticity in depression"),
               article("4", "Ketamine anaesthesia in children", abstract="Ketamine was safe for sedation."),
               article("5", "Ketamine increases BDNF in plasticity")]
    snapshot = snapshot_of(records)
    rules = screen_records(snapshot, {"bdnf": BDNF}, CLAIMS, intervention=KETAMINE).log
    prioritizer = Prioritizer(snapshot.records, rules)
    first = prioritizer.queue(DecisionLog())
    assert first.ranked_by == "rules" and first.includes_left is None
    assert first.keys[-1] == "4"  # excluded by the rules: last
    log = DecisionLog((make_decision("1", "screen", "alice", decision="include", time="2026-01-01T00:00:00Z"),))
    assert prioritizer.queue(log).ranked_by == "rules"  # an include alone: nothing to learn from yet
    log = DecisionLog((*log, make_decision("4", "screen", "alice", decision="exclude", reason="off topic",
                                           time="2026-01-01T00:00:00Z")))
    learned = prioritizer.queue(log)
    assert learned.ranked_by == "model" and (learned.includes, learned.excludes) == (1, 1)
    assert learned.since_last_include == 1
    assert set(learned.keys) == {"2", "3", "5"} and learned.keys[-1] == "2"
    left = learned.includes_left  # the curve: include, then exclude; 3 records unscreened
    assert left is not None and (left.screened, left.unscreened) == (2, 3)
    assert 0 <= left.estimate <= left.upper <= 3
    assert prioritizer.queue(log, reviewer="bob").keys[:1] != ()  # bob has screened nothing
    assert set(prioritizer.queue(log, reviewer="bob").keys) == {"1", "2", "3", "4", "5"}


# -- real labelled reviews ----------------------------------------------------------------------


def test_real_review_saves_work(shared: Path) -> None:
    path = shared / "data" / "screening" / "Cohen_2006_NSAIDS.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    data = read_labelled_csv(path)
    result = simulate_screening(data["title"], data["abstract"], data["label_included"], seed=0,
                                stop_after_last_include=True)
    # ASReview's default model reaches 0.727 on this file and seed (benchmarks/screening.py)
    assert result.metrics.wss95 >= 0.65


def test_a_large_simulation_retrains_a_logarithmic_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above EXACT_SIMULATION_ROWS the model is retrained as the decided records grow by a tenth."""
    import litreview.screening.priority as priority

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)]
    titles = [" ".join(rng.choice(words, 8)) for _ in range(3_000)]
    labels = (rng.random(3_000) < 0.02).astype(int)
    fits: list[int] = []
    real = priority.ScreeningModel.scores
    monkeypatch.setattr(priority.ScreeningModel, "scores", lambda self, decided: fits.append(len(decided)) or
                        real(self, decided))
    monkeypatch.setattr(priority, "EXACT_SIMULATION_ROWS", 100)
    result = simulate_screening(titles, [""] * len(titles), labels, seed=0)
    assert sorted(result.order.tolist()) == list(range(3_000))
    assert len(fits) <= 20 + 11 * math.log(3_000 / 20)  # 73, not 2,998
    assert all(b >= a + a // 10 for a, b in zip(fits, fits[1:]))
