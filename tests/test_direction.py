"""Direction judgement that respects the claim (issue 14): one group of hand-written sentences per failure class.

Every sentence here was written for these tests; none is taken from the corpus or the issue.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from evaluation_scripts import load_script

from litreview.corpus.claims import Claim
from litreview.corpus.records import Article
from litreview.corpus.review_config import load_review_config
from litreview.evidence.claim_spec import EFFECT_KINDS, parse_claim
from litreview.evidence.direction_judge import judge_direction
from litreview.evidence.scoring import assessments_to_frame, score_evidence

ROOT = Path(__file__).resolve().parents[1]
#: The shipped review's intervention: its name and the other names a claim about it is tested under.
AGENTS = load_review_config(ROOT / "corpus").intervention.agents


def _claim(effect: str, subject: str, outcome: str, statement: str = "") -> Claim:
    return Claim("c", "clinical", "clinical", statement or f"{subject} {effect} {outcome}", subject, effect, outcome,
                 (), agents=AGENTS)


# -- claim representation ---------------------------------------------------------------------

def _register() -> list[dict]:
    return tomllib.loads((ROOT / "corpus" / "claims.toml").read_text(encoding="utf-8"))["claim"]


@pytest.mark.parametrize("row", _register(), ids=lambda row: row["id"])
def test_every_register_claim_parses(row: dict) -> None:
    claim = Claim(row["id"], row["mechanism"], row["kind"], row["statement"], row["subject"], row["effect"],
                  row["outcome"], ())
    spec = parse_claim(claim)
    assert spec.effect in EFFECT_KINDS and spec.subject_pattern and spec.outcome_pattern
    expected = {"increases": {"up"}, "activates": {"up"}, "decreases": {"down"}, "blocks": {"down"},
                "improves": {"better", "lasting"}, "is_low": {"down", "low_harm"}, "mediates": {"required"},
                "modulates": {"any"}}[row["effect"]]
    assert spec.effect in expected
    # the statement alone, read as plain language, gives the same kind of effect
    plain = parse_claim(row["statement"])
    assert plain.effect in EFFECT_KINDS and not plain.question


def test_register_attributes_derived_from_fields() -> None:
    by_id = {row["id"]: row for row in _register()}

    def spec(cid: str):
        row = by_id[cid]
        return parse_claim(Claim(cid, row["mechanism"], row["kind"], row["statement"], row["subject"],
                                 row["effect"], row["outcome"], ()))

    assert (spec("low_addiction_potential").effect, spec("low_addiction_potential").harm) == ("low_harm", "abuse")
    assert (spec("safety_minimal_side_effects").effect, spec("safety_minimal_side_effects").harm) == (
        "low_harm", "adverse")
    assert spec("bdnf_low_in_depression").effect == "down"  # a level, not a harm
    assert spec("durability").effect == "lasting" and spec("durability").timeframe == "lasting"
    assert spec("rapid_onset").timeframe == "early"
    assert spec("nmda_mediates_antidepressant").factor_blocks
    assert not spec("bdnf_mediates_plasticity").factor_blocks
    assert "depression" in spec("bdnf_low_in_depression").population


@pytest.mark.parametrize(
    ("text", "effect", "subject", "extra"),
    [
        ("Ketamine lowers the secretion of cortisol.", "down", "Ketamine", {}),
        ("Esketamine raises plasma BDNF.", "up", "Esketamine", {}),
        ("Ketamine is effective for obsessive-compulsive disorder.", "better", "Ketamine",
         {"population": "obsessive-compulsive disorder"}),
        ("The antidepressant response to ketamine lasts for months.", "lasting", "", {"timeframe": "lasting"}),
        ("Ketamine has only a small risk of addiction.", "low_harm", "Ketamine", {"harm": "abuse"}),
        ("Adverse reactions to ketamine are minor.", "low_harm", "", {"harm": "adverse"}),
        ("AMPA receptor activation is required for ketamine's antidepressant action.", "required",
         "AMPA receptor activation", {"factor_blocks": False}),
        ("Ketamine's antidepressant action depends on mTOR signalling.", "required", "mTOR signalling", {}),
        ("Ketamine alters gut microbiota.", "any", "Ketamine", {}),
        ("Ketamine eases depression within hours.", "better", "Ketamine", {"timeframe": "early"}),
    ],
)
def test_plain_language_claims_parse(text: str, effect: str, subject: str, extra: dict) -> None:
    spec = parse_claim(text)
    assert spec.effect == effect
    if subject:
        assert spec.subject == subject
    for name, value in extra.items():
        assert getattr(spec, name) == value


def test_question_is_marked_and_keeps_the_model_path() -> None:
    assert parse_claim("Does ketamine lower cortisol?").question
    assert not parse_claim("Ketamine lowers cortisol.").question


# -- 1. multiplicative changes -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Salivary cortisol doubled within an hour of the ketamine dose.", "contradicts"),
        ("Compared with the saline day, cortisol was threefold higher after the drug infusion.", "contradicts"),
        ("Ketamine produced a 2.5-fold rise in serum cortisol.", "contradicts"),
        ("Plasma cortisol quadrupled in volunteers given ketamine.", "contradicts"),
        ("Ketamine halved the cortisol response to the stress test.", "supports"),
        ("Ketamine led to a twofold reduction in cortisol.", "supports"),
    ],
)
def test_multiplicative_changes_are_read_as_increases(text: str, direction: str) -> None:
    assert judge_direction(_claim("decreases", "ketamine", "cortisol release"), text).direction == direction
    assert judge_direction("Ketamine lowers the release of cortisol.", text).direction == direction


# -- 2. harm claims (is_low) -----------------------------------------------------------------

_ABUSE = _claim("is_low", "abuse and addiction liability of ketamine", "in therapeutic use",
                "Ketamine has a low potential for abuse and addiction.")
_SIDE = _claim("is_low", "serious or lasting adverse effects of ketamine", "at antidepressant doses",
               "Ketamine's side effects are minor and transient.")


@pytest.mark.parametrize(
    ("claim", "text", "direction"),
    [
        (_ABUSE, "One in five recreational users interviewed described compulsive use and craving.", "contradicts"),
        (_ABUSE, "Several patients in the maintenance program escalated their doses and became dependent.",
         "contradicts"),
        (_ABUSE, "None of the 60 infusion patients showed signs of misuse or dependence at one year.", "supports"),
        (_SIDE, "Frequent users had ulcerative cystitis and bladder damage that did not resolve.", "contradicts"),
        (_SIDE, "Memory deficits persisted in daily users months after the last dose.", "contradicts"),
        (_SIDE, "Dissociation and nausea were common but resolved within two hours of each infusion.", "supports"),
        (_SIDE, "The infusions were well tolerated and no serious adverse events occurred.", "supports"),
    ],
)
def test_harm_found_contradicts_low_harm_claims(claim: Claim, text: str, direction: str) -> None:
    assert judge_direction(claim, text).direction == direction
    assert judge_direction(claim.statement, text).direction == direction


# -- 3. required-for (mediates) claims --------------------------------------------------------

_NMDA = _claim("mediates", "NMDA receptor blockade", "ketamine's antidepressant effect",
               "NMDA receptor blockade is what produces ketamine's antidepressant effect.")
_TRKB = _claim("mediates", "BDNF release and TrkB signalling", "ketamine's antidepressant effect",
               "BDNF release and TrkB signalling are required for ketamine's antidepressant effect.")


@pytest.mark.parametrize(
    ("claim", "text", "direction"),
    [
        (_TRKB, "Mice lacking TrkB in cortical neurons showed no antidepressant response to ketamine.", "supports"),
        (_TRKB, "A TrkB antagonist given before ketamine abolished its effect on forced swim immobility.",
         "supports"),
        (_TRKB, "In BDNF knockout rats ketamine still reduced immobility as much as in wild-type rats.",
         "contradicts"),
        (_TRKB, "The antidepressant effect of ketamine was independent of BDNF signalling.", "contradicts"),
        (_NMDA, "Memantine, another NMDA antagonist, produced no antidepressant effect over eight weeks.",
         "contradicts"),
        (_NMDA, "A metabolite with no activity at NMDA receptors reduced immobility as effectively as ketamine.",
         "contradicts"),
        (_NMDA, "Ketamine's antidepressant effect required NMDA receptor blockade on interneurons.", "supports"),
    ],
)
def test_requirement_claims_read_manipulations(claim: Claim, text: str, direction: str) -> None:
    assert judge_direction(claim, text).direction == direction


def test_requirement_claim_without_manipulation_is_unclear() -> None:
    text = "A single ketamine infusion reduced depression ratings within a day in 20 patients."
    assert judge_direction(_NMDA, text).direction == "unclear"


# -- 4. scope: comparator, subgroup, later time point ------------------------------------------

@pytest.mark.parametrize(
    ("claim", "text", "direction"),
    [
        (_claim("increases", "ketamine", "BDNF levels"),
         "Serum BDNF went up two hours after ketamine; it stayed flat after the saline infusion.", "supports"),
        (_claim("increases", "ketamine", "BDNF levels"),
         "Ketamine raised hippocampal BDNF in stressed rats, whereas vehicle-treated rats showed no change.",
         "supports"),
        (_claim("decreases", "ketamine", "cortisol release"),
         "Cortisol fell after ketamine, while the placebo group did not differ from baseline.", "supports"),
        (_claim("improves", "ketamine", "depressive symptoms"),
         "MADRS scores improved with ketamine, compared with no improvement on midazolam.", "supports"),
        (_claim("decreases", "ketamine", "suicidal ideation"),
         "Suicidal ideation decreased with ketamine; placebo recipients had no significant change.", "supports"),
        (_claim("improves", "ketamine", "depressive symptoms within hours"),
         "Depression scores dropped within 4 hours of ketamine; by week 2 they had returned to baseline.",
         "supports"),
    ],
)
def test_comparator_clause_alone_does_not_decide(claim: Claim, text: str, direction: str) -> None:
    assert judge_direction(claim, text).direction == direction


def test_effect_then_null_at_a_later_time_is_mixed_for_a_claim_without_time_frame() -> None:
    claim = _claim("decreases", "ketamine", "cortisol release")
    text = "Cortisol dropped 2 hours after ketamine, but did not differ from placebo at one week."
    assert judge_direction(claim, text).direction == "mixed"


# -- 5. caveats, hedges, negative results without a negation, durability ---------------------

_DEPRESSION = _claim("improves", "ketamine", "depressive symptoms")


@pytest.mark.parametrize(
    "text",
    [
        "The study missed its primary endpoint, though ratings were numerically lower on ketamine.",
        "Ketamine failed to separate from placebo on the MADRS at day 7.",
        "Depression ratings showed a trend toward improvement with ketamine (p = 0.09).",
        "Ketamine was no better than the active comparator on depressive symptoms.",
        "Symptom change on ketamine was not statistically different from placebo.",
    ],
)
def test_caveats_are_null_findings(text: str) -> None:
    judgement = judge_direction(_DEPRESSION, text)
    assert judgement.direction == "no_effect"
    assert judgement.confidence < 0.9


_DURABLE = _claim("improves", "ketamine", "depressive symptoms for weeks to months after treatment",
                  "Ketamine's antidepressant effects are long-lasting.")


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Most responders relapsed within three weeks of the last infusion.", "contradicts"),
        ("The benefit wore off after about ten days.", "contradicts"),
        ("Depressive symptoms came back in two thirds of patients; the improvement was short-lived.", "contradicts"),
        ("Remission was sustained for six months after the infusion course.", "supports"),
        ("At three months, MADRS scores remained lower than before treatment.", "supports"),
    ],
)
def test_durability_claims_read_relapse_and_sustained_effect(text: str, direction: str) -> None:
    assert judge_direction(_DURABLE, text).direction == direction
    plain = parse_claim("Ketamine's antidepressant benefits are permanent.", AGENTS)
    assert judge_direction(plain, text).direction == direction


# -- 6. context: a text that does not speak to the claim -------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "We review the history of dissociative anaesthetics and their regulation.",
        "Serum BDNF was lower in 40 depressed inpatients than in 40 matched controls.",
        "Lithium reduced relapse rates in bipolar disorder over two years.",
        "This narrative review discusses glutamate hypotheses of mood disorders.",
        "Electroconvulsive therapy improved depression in older adults.",
    ],
)
def test_context_texts_are_unclear(text: str) -> None:
    judgement = judge_direction(_claim("increases", "ketamine", "synapse formation"), text)
    assert judgement.direction == "unclear"


# -- confidence ------------------------------------------------------------------------------

def test_confidence_ranks_hedged_and_indirect_findings_lower() -> None:
    claim = _claim("decreases", "ketamine", "cortisol release")
    plain = judge_direction(claim, "Ketamine lowered cortisol compared with placebo.")
    hedged = judge_direction(claim, "Ketamine may have lowered cortisol in some participants.")
    mixed = judge_direction(claim, "Cortisol dropped 2 hours after ketamine, but did not differ at one week.")
    assert 0.0 < mixed.confidence < hedged.confidence < plain.confidence <= 1.0
    assert plain.reason and plain.sentence
    assert judge_direction(claim, "").confidence == 0.0


def test_assessments_frame_exposes_auto_confidence() -> None:
    article = Article(pmid="9", title="Ketamine and cortisol",
                      abstract="Cortisol tripled after ketamine compared with saline.")
    claim = _claim("decreases", "ketamine", "cortisol release")
    [assessment] = score_evidence([article], [claim], [("9", "c")])
    assert assessment.auto_direction == "contradicts" and 0.0 < assessment.auto_confidence <= 1.0
    frame = assessments_to_frame([assessment])
    assert frame.loc[0, "auto_confidence"] == assessment.auto_confidence


# == second round: classes of disagreement with the curator ====================================
# Each class below was chosen from the aggregate confusion matrix (curator "mixed" read as
# "supports" or "unclear", curator "supports" read as "mixed" or "contradicts"); every sentence was
# written for these tests.

_CORTISOL = _claim("decreases", "ketamine", "cortisol release")
_BDNF = _claim("increases", "ketamine", "BDNF levels")
_SPINES = _claim("increases", "ketamine", "dendritic spine density")
_IL6 = _claim("decreases", "ketamine", "inflammatory cytokines (IL-6)")


# -- 7. partial findings: one time point or measure moved, the other did not ------------------

@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (_DEPRESSION, "Depression ratings improved on day 1 but not on day 14."),
        (_DEPRESSION, "MADRS scores were lower with ketamine at 24 hours; by week 2 the difference was no longer "
                      "significant."),
        (_DEPRESSION, "Ketamine relieved depressive symptoms, but the improvement did not persist past the first "
                      "week."),
        (_CORTISOL, "Cortisol fell after the first infusion, an effect that had faded by the third."),
        (_BDNF, "Serum BDNF rose in the ketamine arm at 4 hours, and the rise lost significance after correction for "
                "baseline levels."),
        (_IL6, "IL-6 declined with ketamine in the first week but not during the second."),
    ],
)
def test_partial_findings_are_mixed(claim: Claim, text: str) -> None:
    assert judge_direction(claim, text).direction == "mixed"


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (_DEPRESSION, "Ketamine but not lanicemine improved depression ratings at 24 hours."),
        (_DEPRESSION, "Ketamine, but not the active placebo, lowered MADRS scores."),
        (_CORTISOL, "Ketamine but not saline lowered evening cortisol."),
        (_BDNF, "Racemic ketamine but not memantine raised hippocampal BDNF."),
        (_IL6, "Ketamine, but not midazolam, reduced plasma IL-6 over the following day."),
    ],
)
def test_but_not_a_comparator_is_not_a_partial_finding(claim: Claim, text: str) -> None:
    assert judge_direction(claim, text).direction == "supports"


# -- 8. qualifiers that limit an effect: small, brief, in a subgroup only, inconsistent --------

@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (_DEPRESSION, "Ketamine produced a small improvement in depressive symptoms over placebo."),
        (_DEPRESSION, "Ketamine improved depressive symptoms only in patients with a family history of alcoholism."),
        (_DEPRESSION, "Depression ratings improved after ketamine, though the effect was transient."),
        (_DEPRESSION, "Across the included trials ketamine reduced depressive symptoms, but the results were "
                      "inconsistent."),
        (_BDNF, "Ketamine led to a modest increase in plasma BDNF."),
        (_CORTISOL, "Cortisol was slightly lower after ketamine than after placebo."),
        (_IL6, "The reduction in IL-6 after ketamine was seen in a subgroup of responders."),
    ],
)
def test_limited_effects_are_mixed(claim: Claim, text: str) -> None:
    assert judge_direction(claim, text).direction == "mixed"


def test_duration_does_not_limit_an_onset_claim() -> None:
    onset = _claim("improves", "ketamine", "depressive symptoms within hours")
    text = "Depression ratings fell within two hours of ketamine; the improvement was transient."
    assert judge_direction(onset, text).direction == "supports"


# -- 9. a clause about another outcome does not decide ---------------------------------------

@pytest.mark.parametrize(
    ("claim", "text", "direction"),
    [
        (_DEPRESSION, "Ketamine lowered MADRS scores at 4 hours, whereas anxiety ratings were unchanged.", "supports"),
        (_DEPRESSION, "Ketamine improved anxiety, whereas depression ratings were unchanged.", "no_effect"),
        (_claim("improves", "ketamine", "OCD symptoms"),
         "Obsessive-compulsive symptoms did not change, although depressive symptoms improved in half the patients.",
         "no_effect"),
        (_claim("improves", "ketamine", "cognitive function"),
         "Memory scores were unchanged after the infusions, though pain ratings fell.", "no_effect"),
        (_claim("improves", "ketamine", "chronic pain"),
         "Pain intensity dropped by a third with ketamine; depression scores did not change.", "supports"),
        (_IL6, "IL-6 fell after ketamine while forced-swim immobility was unchanged.", "supports"),
    ],
)
def test_clauses_about_another_outcome_do_not_decide(claim: Claim, text: str, direction: str) -> None:
    assert judge_direction(claim, text).direction == direction


# -- 10. words of a manipulation are not effects on the outcome --------------------------------

_GLUTAMATE = _claim("increases", "ketamine", "glutamate release")


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (_GLUTAMATE, "The NMDA receptor blocker raised extracellular glutamate in the prefrontal cortex."),
        (_GLUTAMATE, "Like other channel blockers, ketamine increased glutamate efflux; an mTOR inhibitor had no "
                     "bearing on it."),
        (_SPINES, "Ketamine raised spine density in the prefrontal cortex; blocking mTOR abolished this rise."),
        (_GLUTAMATE, "Ketamine increased cortical glutamate; inhibiting mTOR blunted the increase."),
        (_GLUTAMATE, "Glutamate efflux went up with ketamine; an AMPA antagonist given first attenuated the "
                     "behavioural response."),
        (_GLUTAMATE, "Ketamine raised extracellular glutamate; knocking down GluN2B in interneurons abolished this "
                     "effect."),
        (_SPINES, "Ketamine increased spine density; in knockout mice lacking the receptor the increase was lost."),
    ],
)
def test_manipulation_words_are_not_effects(claim: Claim, text: str) -> None:
    assert judge_direction(claim, text).direction == "supports"


def test_the_agent_given_first_is_its_own_effect() -> None:
    claim = _claim("decreases", "ketamine", "inflammatory cytokines")
    assert judge_direction(claim, "Pretreatment with ketamine prevented the LPS-induced rise in IL-6.").direction == (
        "supports")


@pytest.mark.parametrize(
    "text",
    [
        "Double-blind crossover in 30 patients: glutamate did not change after ketamine.",
        "In this double-blind, placebo-controlled study, glutamate was no different after ketamine.",
        "Double-masked trial: no change in cortical glutamate after the infusion.",
        "Double-blind, placebo-controlled: no change in glutamate after ketamine.",
        "Double-dummy design, 40 patients: glutamate levels stayed flat after ketamine.",
    ],
)
def test_double_blind_is_not_a_doubling(text: str) -> None:
    assert judge_direction(_GLUTAMATE, text).direction == "no_effect"


# -- 11. a stressor's effect sets the scene; undoing a change reads the other way --------------

@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (_BDNF, "Chronic restraint stress lowered hippocampal BDNF, and ketamine reversed this deficit."),
        (_BDNF, "Social defeat reduced BDNF in the hippocampus; a single ketamine dose restored it."),
        (_BDNF, "Ketamine prevented the stress-induced loss of hippocampal BDNF."),
        (_IL6, "Lipopolysaccharide tripled plasma IL-6, and ketamine pretreatment blunted this rise."),
        (_IL6, "Stress raised IL-6 in the hippocampus; ketamine normalised it."),
        (_SPINES, "Corticosterone exposure reduced spine density, which ketamine rescued within a day."),
    ],
)
def test_reversing_a_stressor_supports(claim: Claim, text: str) -> None:
    assert judge_direction(claim, text).direction == "supports"


def test_undoing_a_rise_contradicts_an_increase_claim() -> None:
    assert judge_direction(_BDNF, "Ketamine blunted the LPS-induced rise in BDNF.").direction == "contradicts"


# -- 12. null findings without a negation verb ------------------------------------------------

_CRP = _claim("decreases", "ketamine", "C-reactive protein")


@pytest.mark.parametrize(
    "text",
    [
        "The antidepressant response to ketamine occurred without any change in C-reactive protein.",
        "Ketamine improved mood without altering C-reactive protein.",
        "C-reactive protein remained stable across the four infusions.",
        "C-reactive protein was essentially identical in the ketamine and placebo arms.",
        "Ketamine beat placebo on no inflammatory outcome, C-reactive protein included.",
        "Ketamine lowered depression scores; C-reactive protein did not move.",
        "Depressive symptoms eased within a day; C-reactive protein stayed level throughout.",
        "Across the infusions C-reactive protein held steady, although mood improved.",
        "Mood lifted after ketamine, with no measurable shift in C-reactive protein.",
    ],
)
def test_null_findings_without_a_negation_verb(text: str) -> None:
    judgement = judge_direction(_CRP, text)
    assert judgement.direction == "no_effect"
    assert judgement.reason.startswith("null:")  # the reading decided, not the fallback model


@pytest.mark.parametrize(
    "text",
    [
        "None of the twelve patients met response criteria on the Y-BOCS after ketamine.",
        "No patient reached remission of obsessive-compulsive symptoms after the infusion.",
        "Nobody in the open-label series improved on the Y-BOCS after ketamine.",
        "Obsessive-compulsive symptoms after ketamine: no one in the sample met response criteria.",
        "Ketamine lowered anxiety ratings; none of the patients with OCD improved on the Y-BOCS.",
        "With ketamine, none of the adults with OCD remitted within a week.",
        "Depression eased in most patients, yet not a single patient with OCD responded on the Y-BOCS.",
    ],
)
def test_nobody_responded_is_a_null_finding(text: str) -> None:
    judgement = judge_direction(_claim("improves", "ketamine", "OCD symptoms"), text)
    assert judgement.direction == "no_effect"
    assert judgement.reason.startswith("null:")


# -- 13. support said without an improvement verb --------------------------------------------

@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (_DEPRESSION, "Ketamine beat placebo on depression ratings at 24 hours."),
        (_DEPRESSION, "On the MADRS, ketamine separated from placebo within a day."),
        (_DEPRESSION, "Ketamine outperformed midazolam on depression scores."),
        (_claim("improves", "ketamine", "anxiety symptoms"), "Ketamine had anxiolytic effects within an hour."),
        (_claim("decreases", "ketamine", "suicidal ideation"),
         "Patients given ketamine reported less suicidal ideation than those given midazolam."),
        (_claim("decreases", "ketamine", "suicide attempts"),
         "Fewer suicide attempts were recorded after ketamine than after electroconvulsive therapy."),
    ],
)
def test_support_without_an_improvement_verb_is_read(claim: Claim, text: str) -> None:
    judgement = judge_direction(claim, text)
    assert judgement.direction == "supports"
    assert judgement.reason.startswith("for:")  # the reading decided, not the fallback model


# -- 14. required-for claims tested by other blockers and by loss-of-function alleles ----------

@pytest.mark.parametrize(
    ("claim", "text", "direction"),
    [
        (_NMDA, "In a six-week trial the NMDA channel blocker memantine showed no antidepressant benefit over "
                "placebo.", "contradicts"),
        (_NMDA, "Adding an oral NMDA antagonist to an SSRI gave MADRS changes identical to placebo.", "contradicts"),
        (_NMDA, "Across three trials, the NMDA receptor antagonist lanicemine beat placebo on no depression "
                "outcome.", "contradicts"),
        (_NMDA, "A low-trapping NMDA channel blocker lowered depression scores only at 90 minutes.", "mixed"),
        (_NMDA, "Non-ketamine NMDA antagonists separated from placebo inconsistently across trials.", "mixed"),
        (_NMDA, "The data suggest NMDA receptor blockade is not the key step in the antidepressant action.",
         "contradicts"),
        (_TRKB, "In mice carrying a loss-of-function BDNF allele, ketamine produced no antidepressant-like effect.",
         "supports"),
        (_TRKB, "Homozygous carriers of the hypofunctional BDNF variant had smaller spines; in these mice ketamine "
                "failed to reduce immobility.", "supports"),
        (_TRKB, "BDNF genotype interacted with the antidepressant response to ketamine in 60 patients.", "supports"),
    ],
)
def test_requirement_claims_read_class_members_and_alleles(claim: Claim, text: str, direction: str) -> None:
    assert judge_direction(claim, text).direction == direction


# -- 15. a harm named as what was measured is not a harm found -------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Abuse liability of esketamine in a clinic cohort\nPatients rated drug liking as neutral and reported no "
        "craving after eight sessions.",
        "We assessed dependence with a structured interview; no patient met criteria over one year of treatment.",
        "Craving scores stayed at zero, with no rise in liking or craving across the course.",
        "Addiction risk was evaluated in 80 infusion patients: none escalated their dose or sought extra sessions.",
        "Misuse screening at every visit found no cases over two years of maintenance treatment.",
    ],
)
def test_harm_measured_is_not_harm_found(text: str) -> None:
    assert judge_direction(_ABUSE, text).direction == "supports"


def test_harm_judged_high_is_found() -> None:
    text = "The questionnaire showed substantial abuse liability among weekly users."
    assert judge_direction(_ABUSE, text).direction == "contradicts"


# -- 16. a claim about a condition: a treatment's effect does not decide ----------------------

_LOW_BDNF = _claim("is_low", "BDNF levels in depression", "compared with healthy people",
                   "BDNF is lower than normal in depression.")


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Serum BDNF was lower in 40 depressed patients than in matched controls; it rose after antidepressant "
         "treatment.", "supports"),
        ("Plasma BDNF was reduced in depressed patients; after eight weeks of escitalopram it increased.",
         "supports"),
        ("BDNF was comparable in depressed and healthy adults, while it rose with antidepressant therapy.",
         "no_effect"),
        ("Patients with depression showed reduced BDNF; BDNF went up with electroconvulsive therapy.", "supports"),
        ("Depressed adults had lower serum BDNF than controls, and levels rose in those treated with ketamine.",
         "supports"),
        ("Serum BDNF was lower in depressed patients than in controls; in the patients given sertraline it "
         "increased.", "supports"),
    ],
)
def test_treatment_clauses_do_not_decide_a_condition_claim(text: str, direction: str) -> None:
    assert judge_direction(_LOW_BDNF, text).direction == direction


# -- 17. the authors judge the evidence insufficient -----------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Animal studies suggest ketamine may alter gut microbiota; the evidence is insufficient to draw conclusions.",
        "A few small studies hint that ketamine might change gut bacteria, but the data remain inconclusive.",
        "Ketamine may shift microbial composition, though no firm conclusions can be drawn.",
        "Preliminary reports suggest microbiota changes after ketamine; evidence is too limited to judge.",
        "It is possible that ketamine modulates the gut microbiome; the studies are too few to say.",
    ],
)
def test_insufficient_evidence_is_unclear(text: str) -> None:
    claim = _claim("modulates", "ketamine", "gut microbiome composition")
    assert judge_direction(claim, text).direction == "unclear"


# -- evaluation: the split used to check that a rule helps findings it was not written from -----

def test_evaluation_halves_split_studies_evenly_and_stably() -> None:
    module = load_script("direction")
    keys = [f"{pmid}" for pmid in range(30000000, 30000011)] + ["doi:10.1000/x"]
    halves = module.key_halves(keys + keys[:3])  # a study with several pairs is counted once
    assert set(halves) == set(keys)
    assert sorted(halves.values()).count(1) == 6 and sorted(halves.values()).count(2) == 6
    assert module.key_halves(list(reversed(keys))) == halves  # by hash, not by order
