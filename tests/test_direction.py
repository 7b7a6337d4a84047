"""Direction judgement that respects the claim (issue 14): one group of hand-written sentences per failure class.

Every sentence here was written for these tests; none is taken from the corpus or the issue.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from litreview._claim_spec import EFFECT_KINDS, parse_claim
from litreview.claims import Claim
from litreview.evidence import assessments_to_frame, judge_direction, score_evidence
from litreview.records import Article

ROOT = Path(__file__).resolve().parents[1]


def _claim(effect: str, subject: str, outcome: str, statement: str = "") -> Claim:
    return Claim("c", "clinical", "clinical", statement or f"{subject} {effect} {outcome}", subject, effect, outcome,
                 ())


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
    assert judge_direction("Ketamine's antidepressant benefits are permanent.", text).direction == direction


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
