"""Round 9c (HealthVer, reading side): an effect the other way by another agent is no finding against a plain claim.

A plain statement "X raises Y" is contradicted by a text in which X lowers Y,
not by one in which something else (a mask, a drug, a habit) lowers Y. Every
sentence here is written for the test (smoking, gum disease, salt, blood
pressure), not taken from any dataset.
"""

from __future__ import annotations

import pytest

from litreview.evidence.claim_spec import parse_claim
from litreview.evidence.direction_judge import judge_direction


@pytest.mark.parametrize(("claim", "text"), [
    ("Smoking increases the risk of gum disease.",
     "Regular flossing reduced gum disease by a third over two years."),
    ("Salt raises blood pressure.",
     "A daily walk lowered blood pressure in older adults."),
    ("Stress lowers sleep quality.",
     "Heavy coffee drinking increased poor sleep quality in students."),
])
def test_an_effect_the_other_way_by_another_agent_does_not_contradict(claim: str, text: str) -> None:
    assert parse_claim(claim).effect in ("up", "down")
    assert judge_direction(claim, text).direction != "contradicts"


@pytest.mark.parametrize(("claim", "text"), [
    ("Smoking increases the risk of gum disease.",
     "In this cohort, smoking reduced gum disease, against expectation."),
    ("Salt raises blood pressure.",
     "Extra salt lowered blood pressure in the trial's participants."),
])
def test_the_claims_own_subject_the_other_way_still_contradicts(claim: str, text: str) -> None:
    assert judge_direction(claim, text).direction == "contradicts"


