"""Direction judge, issue 23 round 7: rules for the register's failure classes, and the confidence.

Every text here was written for these tests; none is taken from the register, the real abstracts or
the issue.
"""

from __future__ import annotations

import pytest

from litreview.corpus.claims import Claim
from litreview.evidence.direction_judge import judge_direction


def _claim(effect: str, subject: str, outcome: str, statement: str) -> Claim:
    # the test claims belong to a review whose intervention is ketamine (its litreview.toml names it)
    return Claim("c", "clinical", "clinical", statement, subject, effect, outcome, (), agents=("ketamine",))


PROLACTIN_UP = _claim("increases", "ketamine", "prolactin", "Ketamine increases prolactin.")
PROLACTIN_DOWN = _claim("decreases", "ketamine", "prolactin", "Ketamine lowers prolactin.")
NGF_LOW = _claim("is_low", "NGF", "schizophrenia", "NGF is lower in schizophrenia than in healthy people.")
MOOD = _claim("improves", "ketamine", "depressive symptoms", "Ketamine improves depressive symptoms.")
LASTING = _claim("improves", "ketamine", "depressive symptoms for weeks to months",
                 "Ketamine's antidepressant effect is long-lasting.")
BURSTS = _claim("decreases", "ketamine", "bursting in the habenula", "Ketamine blocks bursting in the habenula.")
APPROVED = _claim("improves", "ketamine", "treatment-resistant depression",
                  "Ketamine was approved for treatment-resistant depression.")


# a null said of another measure, in its own comma or bracket part, is not the claim's null
@pytest.mark.parametrize("finding, claim, direction", [
    ("Ketamine raised plasma prolactin (growth hormone unchanged).", PROLACTIN_UP, "supports"),
    ("After ketamine plasma prolactin climbed sharply, thyrotropin did not change.", PROLACTIN_UP, "supports"),
    ("Ketamine raised plasma prolactin (growth hormone unchanged).", PROLACTIN_DOWN, "contradicts"),
    ("Mature NGF was lower in patients with schizophrenia than in healthy people, proNGF did not differ.",
     NGF_LOW, "supports"),
])
def test_a_null_on_another_measure_in_its_own_part_does_not_decide(finding: str, claim: Claim,
                                                                    direction: str) -> None:
    assert judge_direction(claim, f"Hormones after a single dose\n{finding}").direction == direction


def test_a_null_on_the_groups_compared_still_decides() -> None:
    text = "Mood after one infusion\nDepression scores fell after ketamine (no difference between the groups)."
    assert judge_direction(MOOD, text).direction != "supports"


# a link between a level and another measure (association, prediction, moderation) is not the level's change
@pytest.mark.parametrize("link", [
    "NGF levels did not correlate with symptom severity.",
    "NGF levels showed no association with illness duration.",
    "NGF levels did not predict the response to antipsychotics.",
    "NGF only trended with negative symptom scores.",
])
def test_a_null_link_does_not_decide_a_level_claim(link: str) -> None:
    text = ("Plasma NGF in schizophrenia\nPlasma NGF was lower in 40 patients with schizophrenia than in 40 healthy "
            f"controls; {link[0].lower()}{link[1:]}")
    assert judge_direction(NGF_LOW, text).direction == "supports"


def test_a_null_link_naming_the_drug_still_decides() -> None:
    text = "Ketamine and prolactin\nKetamine was not associated with a change in prolactin."
    assert judge_direction(PROLACTIN_UP, text).direction == "no_effect"


# doses compared with one another
def test_no_advantage_of_one_dose_over_another_is_not_a_null_on_the_treatment() -> None:
    text = ("Two ketamine doses in depression\nKetamine lowered depression ratings by 15 points against 4 with "
            "placebo, with no advantage of the higher dose over the lower dose.")
    assert judge_direction(MOOD, text).direction == "supports"


def test_a_null_after_single_or_repeated_doses_is_still_a_null() -> None:
    text = ("Ketamine and memory\nThere were no negative effects of single- or repeated-dose ketamine on "
            "depression ratings.")
    assert judge_direction(MOOD, text).direction == "no_effect"


@pytest.mark.parametrize("finding, direction", [
    ("Ketamine cut depression ratings by half within a day.", "supports"),
    ("Ketamine cuts depression ratings in older adults.", "supports"),
])
def test_cut_is_a_fall(finding: str, direction: str) -> None:
    assert judge_direction(MOOD, f"Ketamine in older adults\n{finding}").direction == direction


# a title that only names its topic
@pytest.mark.parametrize("title", ["Efficacy and safety of ketamine spray in older adults with depression",
                                   "Effects of a ketamine infusion on mood in older adults"])
def test_a_topic_title_is_not_a_finding(title: str) -> None:
    text = f"{title}\nKetamine did not beat placebo on depression ratings at day 28."
    assert judge_direction(MOOD, text).direction == "no_effect"


# people named by their outcome
def test_remitters_are_a_group_not_a_benefit() -> None:
    text = ("Six months after ketamine\nRemitters were followed for six months: most remitters relapsed within two "
            "months, so remission was seldom lasting.")
    assert judge_direction(LASTING, text).direction == "contradicts"


# an effect at one time or in one group only
@pytest.mark.parametrize("finding", [
    "Plasma prolactin rose one week after the first ketamine infusion, not later.",
    "Plasma prolactin rose only one week after the first ketamine infusion.",
    "Plasma prolactin rose after ketamine, mainly in women.",
    "Plasma prolactin rose after ketamine, largely among older patients.",
])
def test_an_effect_at_one_time_or_mainly_in_one_group_is_partial(finding: str) -> None:
    assert judge_direction(PROLACTIN_UP, f"Prolactin after ketamine\n{finding}").direction == "mixed"


# the claim's own agent not tested
def test_a_text_saying_the_drug_itself_was_not_tested_is_unclear() -> None:
    text = ("Astrocytes and habenular bursting\nRaising astrocytic potassium channels in rats increased neuronal "
            "bursting in the habenula and lowering them decreased it. Ketamine itself was not tested.")
    judged = judge_direction(BURSTS, text)
    assert judged.direction == "unclear" and "not tested" in judged.reason


def test_a_drug_not_tested_in_one_group_is_still_read() -> None:
    text = ("Ketamine and habenular bursting\nKetamine decreased neuronal bursting in the habenula of male rats. "
            "Ketamine was not tested in females.")
    assert judge_direction(BURSTS, text).direction == "supports"


# approval claims
@pytest.mark.parametrize("finding, direction", [
    ("Ketamine, licensed for treatment-resistant depression in 2019, rested on two positive trials.", "supports"),
    ("The regulator approved ketamine for treatment-resistant depression after two trials.", "supports"),
    ("Ketamine was not approved for treatment-resistant depression.", "contradicts"),
])
def test_approval_words_decide_a_claim_about_approval(finding: str, direction: str) -> None:
    assert judge_direction(APPROVED, f"A look at the evidence behind ketamine\n{finding}").direction == direction


def test_approval_words_do_not_decide_other_claims() -> None:
    text = "Ketamine in practice\nKetamine, licensed as an anaesthetic, did not improve depression ratings."
    assert judge_direction(MOOD, text).direction == "no_effect"


# the confidence: fewer clauses behind a verdict, and a harm found against a low-harm claim, are less sure
def test_a_verdict_on_one_clause_is_less_confident_than_one_on_several() -> None:
    one = "Prolactin after ketamine\nPlasma prolactin rose after ketamine."
    several = ("Ketamine raises prolactin\nPlasma prolactin rose after ketamine; it rose again after the second "
               "infusion. Ketamine increased prolactin in every patient.")
    single, many = judge_direction(PROLACTIN_UP, one), judge_direction(PROLACTIN_UP, several)
    assert single.direction == many.direction == "supports"
    assert single.confidence < many.confidence


def test_a_harm_found_is_less_confident_than_a_harm_absent() -> None:
    claim = _claim("is_low", "ketamine side effects", "side effects", "Ketamine's side effects are minor.")
    found = judge_direction(claim, "Side effects of ketamine\nKetamine caused serious cystitis in 12 patients.")
    absent = judge_direction(claim, "Side effects of ketamine\nKetamine caused no serious adverse effects.")
    assert (found.direction, absent.direction) == ("contradicts", "supports")
    assert found.confidence < absent.confidence


# "without" before a missing benefit on another measure is a check on that measure
PAIN = _claim("improves", "ketamine", "chronic pain", "Ketamine relieves chronic pain.")


def test_relief_without_improvement_of_another_measure_still_supports() -> None:
    text = ("Ketamine for nerve pain\nA five-day ketamine infusion gave clear pain relief without functional "
            "improvement.")
    assert judge_direction(PAIN, text).direction == "supports"


def test_given_without_improvement_of_the_claims_outcome_is_a_null() -> None:
    text = "Ketamine for nerve pain\nA five-day ketamine infusion was given without improvement in pain."
    assert judge_direction(PAIN, text).direction == "no_effect"
