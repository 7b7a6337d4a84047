"""Direction judge on whole abstracts (issue 23, round 2): one group per failure class (a)-(f).

Every text here was written for these tests; none is taken from the real abstracts, the corpus or
the issue.
"""

from __future__ import annotations

import pytest

from litreview.corpus.claims import Claim
from litreview.evidence.claim_spec import OUTCOME_SYNONYMS, parse_claim
from litreview.evidence.direction import split_conclusion
from litreview.evidence.relevance import relevance, unreadable
from litreview.evidence.scoring import judge_direction


def _claim(effect: str, subject: str, outcome: str, statement: str) -> Claim:
    # the test claims belong to a review whose intervention is ketamine (its litreview.toml names it)
    return Claim("c", "clinical", "clinical", statement, subject, effect, outcome, (), agents=("ketamine",))


MOOD = _claim("improves", "ketamine", "depressive symptoms", "Ketamine improves depressive symptoms.")
OUTLOOK = ("Intravenous ketamine and mood in older adults\nWe randomised 80 older adults with major depression to one "
           "infusion of ketamine or saline. Depression ratings fell by half within one day after ketamine and did not "
           "change after saline. Glutamatergic signalling may serve as a promising therapeutic target for mood "
           "disorders. Further research should examine repeated dosing in larger samples.")


# (a) conclusion finder for unlabelled abstracts
def test_unlabelled_conclusion_skips_outlook_and_call_for_research() -> None:
    _, conclusion = split_conclusion(OUTLOOK)
    assert conclusion and all("further research" not in s.lower() and "may serve" not in s for s in conclusion)
    judged = judge_direction(MOOD, OUTLOOK)
    assert judged.direction == "supports" and "fell by half" in judged.sentence


def test_unlabelled_conclusion_prefers_the_claims_drug_over_a_drug_class() -> None:
    text = ("Ketamine in late-life depression\nWe gave twenty inpatients with severe depression a single dose of "
            "ketamine. Ketamine did not improve depression ratings relative to baseline at any time point. NMDA "
            "receptor antagonists have been proposed as rapid antidepressants. Glutamate-based drugs remain "
            "promising in younger adults.")
    _, conclusion = split_conclusion(text, parse_claim(MOOD).agent_pattern)
    assert any(s.startswith("Ketamine did not improve") for s in conclusion)
    assert not any("antagonists" in s for s in conclusion)
    assert judge_direction(MOOD, text).direction == "no_effect"


def test_labelled_conclusion_is_kept_as_labelled() -> None:
    text = "Title\nRESULTS: Scores fell. CONCLUSIONS: Further research should test this. It may help."
    assert split_conclusion(text)[1] == ["Further research should test this.", "It may help."]


# (b) scope by clause and subject
def test_low_in_patients_and_raised_after_treatment_supports_low_in_condition() -> None:
    claim = _claim("is_low", "BDNF", "depression", "BDNF is lower in depression.")
    text = ("Plasma neurotrophin in mood disorder\nPlasma BDNF was reduced in untreated patients with depression "
            "compared with healthy volunteers, and it rose after eight weeks of sertraline.")
    assert judge_direction(claim, text).direction == "supports"


# (c) one outcome vocabulary
def test_abbreviated_outcome_is_read_by_judge_and_relevance() -> None:
    claim = _claim("decreases", "ketamine", "cortisol", "Ketamine reduces cortisol.")
    text = ("Ketamine and the stress axis in mice\nMice received ketamine or saline before restraint. Plasma CORT "
            "levels were higher after ketamine than after saline at every time point.")
    assert "cort\\b" in OUTCOME_SYNONYMS["cortisol"] and "cort\\b" in parse_claim(claim).outcome_pattern
    assert judge_direction(claim, text).direction == "contradicts"
    assert relevance(claim, text).reason == "addresses_claim"


def test_another_outcome_is_not_the_claims() -> None:
    claim = _claim("improves", "ketamine", "cognition", "Ketamine improves cognition.")
    text = "Ketamine in depressed adults\nAfter six infusions of ketamine, depression scores improved in most people."
    judged = judge_direction(claim, text)
    assert judged.direction == "unclear" and "other outcomes" in judged.reason


# (d) negated harms
@pytest.mark.parametrize("finding", [
    "Clinical ketamine treatment was not associated with meaningful misuse or dependence in this cohort.",
    "Repeated infusions did not lead to any craving or dependence over two years.",
])
def test_negated_harm_supports_low_harm_claim(finding: str) -> None:
    claim = _claim("is_low", "ketamine", "abuse potential", "Ketamine has low abuse potential when used clinically.")
    text = ("Misuse after clinical ketamine\nWe followed 150 patients given repeated ketamine infusions for "
            f"depression for two years. {finding}")
    assert judge_direction(claim, text).direction == "supports"


def test_harm_found_still_contradicts_low_harm_claim() -> None:
    claim = _claim("is_low", "ketamine", "abuse potential", "Ketamine has low abuse potential when used clinically.")
    text = ("Misuse after clinical ketamine\nWe followed 150 patients given ketamine for two years. Twelve patients "
            "developed dependence and sought ketamine outside the clinic.")
    assert judge_direction(claim, text).direction == "contradicts"


# (e) hypotheticals and below detection
@pytest.mark.parametrize("finding", [
    "Any ketamine-related rise in glutamate was below the detection limit of the method.",
    "Glutamate did not change measurably; if ketamine raised glutamate, the change was smaller than our method "
    "could resolve.",
])
def test_below_detection_and_hypothetical_read_as_no_effect(finding: str) -> None:
    claim = _claim("increases", "ketamine", "glutamate", "Ketamine increases glutamate.")
    text = ("Spectroscopy during infusion\nWe measured prefrontal glutamate by MR spectroscopy during ketamine "
            f"infusion in ten volunteers. {finding}")
    assert judge_direction(claim, text).direction == "no_effect"


# (f) results that differ across time points or subgroups
@pytest.mark.parametrize("text", [
    "Ketamine for bipolar depression\nDepression ratings improved at 24 hours after ketamine versus placebo. By day 7 "
    "depression ratings no longer differed between the groups.",
    "Ketamine in adolescents\nKetamine improved depressive symptoms in girls, whereas boys showed no improvement in "
    "depressive symptoms compared with midazolam.",
])
def test_results_differing_by_time_or_subgroup_are_mixed(text: str) -> None:
    assert judge_direction(MOOD, text).direction == "mixed"


def test_lasting_benefit_is_not_mixed() -> None:
    text = ("Ketamine for bipolar depression\nDepression ratings improved at 24 hours after ketamine versus placebo "
            "and remained lower than with placebo at day 7.")
    assert judge_direction(MOOD, text).direction == "supports"


# speed: unreadable input is found without scoring sentences
def test_unreadable_codes() -> None:
    assert unreadable(MOOD, "") == "no_text"
    assert unreadable(MOOD, "Ketamine and mood") == "title_only"
    assert unreadable(MOOD, OUTLOOK) == ""
