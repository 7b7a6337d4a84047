"""Plain-language statements (round 5 of issue 23): relevance in one sentence, refutation cues, denied claims.

Every text here is written for the test, not taken from a dataset.
"""

from __future__ import annotations

import pytest

from litreview.evidence.claim_spec import parse_claim
from litreview.evidence.direction_judge import judge_direction


@pytest.mark.parametrize(
    "text",
    [
        "Hand hygiene campaigns were launched in many schools during the winter.",
        "The influenza season peaked earlier than usual in the northern hemisphere.",
        "Garlic supplements are widely sold in pharmacies across Europe.",
    ],
)
def test_statement_text_not_naming_subject_and_outcome_together_is_unclear(text: str) -> None:
    judged = judge_direction("Garlic supplements prevent influenza infection.", text)
    assert judged.direction == "unclear"


@pytest.mark.parametrize(
    "text",
    [
        "There is no evidence that zinc lozenges shorten the common cold.",
        "We did not find convincing evidence that zinc lozenges shorten colds.",
        "Zinc lozenges were ineffective against the common cold.",
        "Zinc lozenges were not effective in shortening the common cold.",
        "Zinc lozenges failed to shorten the common cold in this trial.",
    ],
)
def test_refutation_cues_are_no_effect(text: str) -> None:
    assert judge_direction("Zinc lozenges shorten the common cold.", text).direction == "no_effect"


def test_a_claim_that_denies_an_effect_is_supported_by_a_null_finding() -> None:
    claim = "Zinc lozenges do not shorten the common cold."
    assert parse_claim(claim).denies
    assert judge_direction(claim, "Zinc lozenges failed to shorten the common cold.").direction == "supports"
    assert judge_direction(claim, "Zinc lozenges reduced the duration of the common cold by two days.").direction == "contradicts"


def test_a_denial_outside_a_clause_on_the_claim_still_counts() -> None:
    text = "Many remedies are marketed for colds. There is no proven treatment that cures the common cold."
    assert judge_direction("Vitamin pills cure the common cold.", text).direction == "no_effect"


def test_register_and_question_claims_are_not_denials() -> None:
    assert not parse_claim("Does zinc not shorten the common cold?").denies
    assert not parse_claim("Zinc lozenges shorten the common cold.").denies
