"""Direction judge on whole abstracts (issue 23, round 2): one group per failure class (a)-(f).

Every text here was written for these tests; none is taken from the real abstracts, the corpus or
the issue.
"""

from __future__ import annotations

import re

import pytest

from litreview.corpus.claims import Claim
from litreview.evidence.claim_spec import OUTCOME_SYNONYMS, parse_claim
from litreview.evidence.direction import split_conclusion
from litreview.evidence.direction_judge import judge_direction
from litreview.evidence.relevance import relevance, unreadable
from litreview.evidence.results import results_sentences


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


# Round 4: the finding stands in the results part when the conclusion does not state it
HORMONE = _claim("decreases", "ketamine", "cortisol", "Ketamine lowers cortisol.")
UNLABELLED_HORMONE = (
    "Dosing time and the adrenal response to ketamine\n"
    "Stress hormones are often raised in depression. Here, we measured plasma corticosterone (CORT) in adult mice. "
    "Blood was collected every hour for two days. Ketamine (10 mg/kg) significantly raised CORT at both dosing times. "
    "The rise was larger when the dose was given in the light phase. "
    "Ketamine has a marked effect on adrenal function. The hour of dosing may prove important for future studies.")


def test_results_sentences_of_unlabelled_abstract_start_after_the_last_method() -> None:
    found = results_sentences(UNLABELLED_HORMONE, parse_claim(HORMONE).agent_pattern)
    assert found[0].startswith("Ketamine (10 mg/kg) significantly raised")
    assert not any("Blood was collected" in s or "we measured" in s for s in found)
    assert not any("adrenal function" in s for s in found)  # a conclusion sentence is not a result


def test_results_sentences_of_labelled_abstract_are_its_results_section() -> None:
    text = ("A trial\nBACKGROUND: Ketamine may help. METHODS: Thirty adults were randomised. RESULTS: Ketamine "
            "lowered scores. Saline did not. CONCLUSIONS: Further work is needed.")
    assert results_sentences(text) == ["Ketamine lowered scores.", "Saline did not."]
    assert results_sentences("Title\nOne sentence. Two sentences.") == []


def test_generic_conclusion_falls_back_to_results_sentence() -> None:
    judged = judge_direction(HORMONE, UNLABELLED_HORMONE)
    assert judged.direction == "contradicts" and "significantly raised CORT" in judged.sentence


def test_conclusion_on_another_question_falls_back_to_results() -> None:
    claim = _claim("increases", "ketamine", "BDNF levels", "Ketamine increases BDNF levels.")
    text = ("Neurotrophin response to two treatments\nWe treated 20 patients with ketamine infusions and 20 with "
            "electroconvulsive therapy. Serum samples were taken before and after treatment. Plasma BDNF rose "
            "after the first ketamine infusion and returned to baseline by the third. Mood ratings fell in both "
            "groups. Electroconvulsive therapy did not change BDNF. Symptom relief was independent of neurotrophin "
            "normalisation. Both treatments were well tolerated.")
    judged = judge_direction(claim, text)
    assert judged.direction == "mixed" and "first ketamine infusion" in judged.sentence


def test_results_sentence_about_another_intervention_does_not_decide() -> None:
    claim = _claim("increases", "ketamine", "BDNF levels", "Ketamine increases BDNF levels.")
    text = ("Two treatments and serum neurotrophin\nWe compared ketamine with electroconvulsive therapy in 30 "
            "patients. Samples were collected weekly. Electroconvulsive therapy was not associated with a change in "
            "BDNF. Mood improved in both groups. Symptom relief appears independent of neurotrophin levels.")
    assert judge_direction(claim, text).direction != "no_effect"


def test_stated_conclusion_is_not_overridden_by_results() -> None:
    text = ("Ketamine and mood\nWe randomised 40 adults to ketamine or saline. Scores were rated daily. Depression "
            "scores did not differ between groups on day 1. Ketamine improved depressive symptoms at one week.")
    # the conclusion (the last two finding sentences) speaks to the claim's outcome: no fallback needed
    assert judge_direction(MOOD, text).direction in ("mixed", "supports")


def test_stress_model_abbreviation_sets_the_scene_for_a_reversal() -> None:
    claim = _claim("increases", "ketamine", "synapse formation", "Ketamine increases synapse formation.")
    text = ("Stress and spines\nWe exposed rats to three weeks of stress. Spines were counted by microscopy. "
            "We found that CUS reduces spine density in prefrontal neurons and that this loss is reversed by "
            "ketamine within a day. Synaptic changes may offer new targets. Further research is needed.")
    assert judge_direction(claim, text).direction == "supports"


def test_none_of_the_patients_experienced_a_response_is_null() -> None:
    claim = _claim("improves", "ketamine", "OCD symptoms", "Ketamine is effective for OCD.")
    text = "Ketamine in OCD\nNone of the twelve patients experienced a response in OCD symptoms after ketamine."
    assert judge_direction(claim, text).direction == "no_effect"


@pytest.mark.parametrize("word", ["sBDNF", "pBDNF"])
def test_serum_and_plasma_bdnf_abbreviations_name_bdnf(word: str) -> None:
    spec = parse_claim(_claim("increases", "ketamine", "BDNF levels", "Ketamine increases BDNF levels."))
    assert re.search(rf"\b(?:{spec.outcome_pattern})", f"{word} was raised", re.IGNORECASE)


# round 6: a claim that names a comparison or an onset is decided by the sentences that name it
NGF_LOW = _claim("is_low", "NGF levels in schizophrenia", "compared with healthy people",
                 "NGF is lower in schizophrenia than in healthy people.")
NGF_TEXT = ("Plasma NGF and antipsychotic response\nWe recruited 50 inpatients with schizophrenia and 40 healthy "
            "volunteers. Plasma NGF was measured before and after six weeks of risperidone. Plasma NGF in the "
            "schizophrenia group was significantly lower than in the healthy controls (p = 0.003). Risperidone "
            "did not change plasma NGF over six weeks. These findings indicate no relation between plasma NGF and "
            "the antipsychotic response in schizophrenia.")


def test_a_comparison_claim_parses_its_comparison_and_an_onset_claim_its_time_frame() -> None:
    assert re.search(parse_claim(NGF_LOW).scope_pattern, "lower than in the healthy controls")
    onset = _claim("improves", "ketamine", "depressive symptoms within hours", "Ketamine lifts mood within hours.")
    assert re.search(parse_claim(onset).scope_pattern, "at 4 hours after the dose")
    assert parse_claim(MOOD).scope_pattern == ""


def test_a_conclusion_not_naming_the_claims_comparison_gives_way_to_the_results_that_do() -> None:
    judged = judge_direction(NGF_LOW, NGF_TEXT)
    assert judged.direction == "supports" and "healthy controls" in judged.sentence


def test_a_conclusion_naming_the_comparison_still_decides() -> None:
    text = NGF_TEXT.replace("These findings indicate no relation between plasma NGF and the antipsychotic response "
                            "in schizophrenia.", "Plasma NGF did not differ between patients and healthy controls.")
    assert judge_direction(NGF_LOW, text).direction == "no_effect"


def test_an_onset_claim_is_decided_by_the_results_at_hours_not_a_conclusion_without_a_time() -> None:
    claim = _claim("improves", "ketamine", "depressive symptoms within hours",
                   "Ketamine improves depressive symptoms within hours.")
    text = ("Ketamine and mood in depressed inpatients\nWe randomised 60 inpatients with major depression to one "
            "infusion of ketamine or saline and rated mood for two weeks. Depression ratings did not differ "
            "between ketamine and saline at 4 hours after the infusion. Depression ratings were lower after "
            "ketamine than after saline at day 7. Ketamine reduced depressive symptoms in these inpatients.")
    judged = judge_direction(claim, text)
    assert judged.direction != "supports" and "4 hours" in judged.sentence


def test_a_link_held_only_in_responders_is_not_a_partial_effect() -> None:
    claim = _claim("increases", "ketamine", "BDNF levels", "Ketamine increases BDNF levels.")
    text = ("Serum BDNF and sleep after ketamine\nWe measured serum BDNF and sleep EEG in 25 patients with "
            "depression before and after one ketamine infusion. Serum BDNF rose after ketamine compared with "
            "baseline. Slow-wave activity rose in the first night. Changes in serum BDNF tracked changes in "
            "slow-wave activity. The link between serum BDNF and increased slow-wave activity held only in "
            "patients who responded to ketamine.")
    assert judge_direction(claim, text).direction == "supports"


def test_an_effect_seen_only_in_responders_is_still_partial() -> None:
    claim = _claim("increases", "ketamine", "BDNF levels", "Ketamine increases BDNF levels.")
    text = ("Serum BDNF after ketamine\nWe measured serum BDNF in 25 patients with depression before and after one "
            "ketamine infusion. Serum BDNF rose only in patients who responded to ketamine.")
    assert judge_direction(claim, text).direction == "mixed"
