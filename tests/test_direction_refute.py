"""Round 9b (HealthVer, reading side): refutations, denials and the routes that decide without a reading.

Every sentence here is written for the test (masks, zinc, sleep, blood
pressure), not taken from any dataset.
"""

from __future__ import annotations

import pytest

from litreview.evidence.claim_spec import denies_effect
from litreview.evidence.direction_judge import judge_direction


@pytest.mark.parametrize("statement", [
    "Drug X does not lower blood pressure.",
    "There is no evidence that zinc shortens colds.",
    "Vitamin C cannot prevent colds, which is not surprising.",
    "Garlic is ineffective against colds.",
])
def test_a_negation_in_the_main_clause_denies(statement: str) -> None:
    assert denies_effect(statement)


@pytest.mark.parametrize("statement", [
    "People who do not smoke live longer.",
    "Children can carry the virus even if they do not have a fever.",
    "Not all face coverings block droplets equally.",
    "Flu spreads quickly but not as quickly as measles.",
    "Adults who never exercise, and who sleep little, gain more weight.",
])
def test_a_negation_in_a_relative_clause_comparison_or_share_does_not_deny(statement: str) -> None:
    assert not denies_effect(statement)


def test_a_share_is_not_read_as_a_denial() -> None:
    # "not all" names a share: masks blocking more than cloth is no refutation of unequal protection
    judged = judge_direction("Not all face coverings block droplets equally.",
                             "Surgical masks blocked more droplets than cloth coverings.")
    assert judged.direction != "contradicts"
    assert "denies" not in judged.reason


@pytest.mark.parametrize("text", [
    "Surgical masks lowered infection rates in nurses.",
    "Masks lowered infection rates in nurses on surgical wards.",
])
def test_surgical_is_not_a_surge(text: str) -> None:
    judged = judge_direction("Masks lower infection rates in nurses.", text)
    assert judged.direction == "supports", judged.reason


def test_a_surge_is_still_a_rise() -> None:
    judged = judge_direction("Masks lower infection rates in nurses.",
                             "Infection rates in nurses surged after masks were introduced.")
    assert judged.direction == "contradicts", judged.reason


@pytest.mark.parametrize(("text", "cue"), [
    ("Zinc lozenges have not been shown to shorten colds in adults.", "have not been shown to"),
    ("Zinc lozenges are not recommended for shortening colds.", "are not recommended"),
    ("Zinc is not routinely recommended to shorten colds.", "is not routinely recommended"),
])
def test_not_shown_and_not_recommended_refute(text: str, cue: str) -> None:
    judged = judge_direction("Zinc lozenges shorten colds.", text)
    assert judged.direction == "no_effect"
    assert cue in judged.reason
