"""Round 9a (issue 23): plain-language claims read by their main clause.

Every sentence here is written for the test (garlic, zinc, saunas, elderberry and colds),
not taken from any dataset.
"""

from __future__ import annotations

import pytest

from litreview.evidence.claim_spec import parse_claim
from litreview.evidence.direction_judge import judge_direction


@pytest.mark.parametrize("claim", [
    "Children who do not wash their hands can spread colds to classmates.",
    "Garlic prevents colds even if it is not eaten raw.",
    "Saunas that are not heated above 80 degrees relieve cold symptoms.",
])
def test_a_negation_inside_a_relative_or_subordinate_clause_does_not_deny(claim: str) -> None:
    assert not parse_claim(claim).denies


@pytest.mark.parametrize("claim", [
    "Zinc lozenges do not shorten colds.",
    "There is no evidence that garlic prevents colds.",
    "Saunas cannot cure a cold.",
    "Garlic prevents colds. No, it does not.",
])
def test_a_negated_main_clause_lead_in_or_answer_denies(claim: str) -> None:
    assert parse_claim(claim).denies


def test_a_reporting_lead_in_is_not_the_subject() -> None:
    spec = parse_claim("Researchers have found that garlic extract cures colds")
    assert (spec.subject, spec.effect, spec.outcome) == ("garlic extract", "better", "colds")


def test_only_the_first_sentence_of_a_statement_is_split() -> None:
    spec = parse_claim("Elderberry syrup works against the common cold. Many people take it daily in winter.")
    assert (spec.subject, spec.effect, spec.outcome) == ("Elderberry syrup", "better", "the common cold")


def test_at_high_risk_splits_subject_from_outcome() -> None:
    spec = parse_claim("Smokers are at high risk of severe colds")
    assert (spec.subject, spec.effect) == ("Smokers", "any")
    assert "colds" in spec.outcome and "Smokers" not in spec.outcome


def test_general_words_never_find_a_subject_or_outcome() -> None:
    spec = parse_claim("Saunas can also make a new cold worse for many people")
    words = set(f"{spec.subject_pattern}|{spec.outcome_pattern}".split("|"))
    assert words.isdisjoint({"also", "new", "many", "make", "can", "peopl"})
    assert "sauna" in words and "cold" in words


def test_a_reading_on_one_word_of_a_long_claim_ranks_below_one_on_the_claim() -> None:
    claim = "Elderberry syrup shortens winter colds in office workers."
    on_claim = judge_direction(claim, "Elderberry syrup reduced the length of winter colds in office workers.")
    one_word = judge_direction(claim, "Winter sports reduced stress in retirees.")
    assert on_claim.direction == "supports"
    assert one_word.confidence < 0.6 < on_claim.confidence


def test_a_relative_clause_negation_keeps_the_claim_asserted() -> None:
    claim = "Children who do not wash their hands can spread colds to classmates."
    text = "Children who did not wash their hands spread colds to classmates more often than those who did."
    assert judge_direction(claim, text).direction != "contradicts"
