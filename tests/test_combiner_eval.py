"""The HealthVer combiner experiment (evaluation/combiner.py, combiner_fit.py): features, fitting, decisions."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from evaluation_scripts import load_script

from litreview.evidence.direction_judge import judge_direction

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def combiner() -> ModuleType:
    return load_script("combiner")


@pytest.fixture(scope="module")
def fitting() -> ModuleType:
    return load_script("combiner_fit")


def test_rule_path_names_the_part_of_the_rules_that_decided(combiner: ModuleType) -> None:
    empty = judge_direction("Zinc shortens colds.", "")
    question = judge_direction("Does zinc shorten colds?", "CONCLUSIONS: Zinc shortened colds by a day.")
    plain = judge_direction("Zinc shortens colds.", "Zinc was measured in the blood of 40 volunteers.")
    elsewhere = judge_direction("Zinc shortens colds.", "Rainfall in May was heavy across the region.")
    assert combiner.rule_path(empty.reason) == "unaddressed"
    assert combiner.rule_path(question.reason) == "model"
    assert combiner.rule_path(plain.reason) == "plain"
    assert combiner.rule_path(elsewhere.reason) == "reading"  # the clause reader found no subject: its own call


def test_features_cover_every_name_and_read_the_text(combiner: ModuleType) -> None:
    claim, text = "Garlic does not prevent influenza.", "There is no evidence that garlic prevents influenza."
    judged = judge_direction(claim, text)
    row = combiner.combiner_features(claim, text, judged.direction, judged.confidence, judged.reason)
    assert tuple(row) == combiner.FEATURES
    assert row["bias"] == 1.0 and row[f"rule_{judged.direction}"] == 1.0
    assert row["claim_denies"] == 1.0 and row["text_refuted"] == 1.0
    assert row["overlap"] == 1.0 and 0.0 < row["length"] < 1.0
    blank = combiner.combiner_features(claim, "", "unclear", 0.0, "no text")
    assert blank["path_unaddressed"] == 1.0 and blank["overlap"] == 0.0 and blank["lexical"] == 0.0


def test_fitted_combiner_overrides_the_rules_only_where_its_class_differs(combiner: ModuleType,
                                                                          fitting: ModuleType) -> None:
    names = combiner.FEATURES
    rng = np.random.default_rng(0)
    x = np.zeros((300, len(names)))
    x[:, names.index("bias")] = 1.0
    y = rng.integers(0, 2, 300)  # supports (0) or not_supported (1); unclear never seen
    x[:, names.index("text_refuted")] = y
    model = fitting.fit([(x, y)])
    refuted = dict(zip(names, x[np.argmax(y == 1)]))
    assert model.decide(refuted, "no_effect") is None  # same class as the rules: the rules stand
    direction, probability = model.decide(refuted, "supports")
    assert direction == "no_effect" and probability > 0.5  # a refutation in the text: no effect, not contradicts
    plain = dict(zip(names, x[np.argmax(y == 0)]))
    assert model.decide(plain, "unclear")[0] == "supports"
    assert max(model.probabilities(plain)) > model.probabilities(plain)[combiner.CLASSES.index("unclear")]
