"""Study appraisal: streams, voting, GRADE start, risk-of-bias cues, indirectness, review self-ratings, weight."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from litreview.corpus.claims import Claim, ClaimPart, ClaimSource
from litreview.corpus.records import Article, Author
from litreview.corpus.review_config import Intervention
from litreview.corpus.snapshot import CuratedJudgement
from litreview.synthesis.appraisal import appraise, matches_any

#: An intervention whose enantiomers and relatives make a study indirect (as the shipped review's litreview.toml).
KETAMINE = Intervention("ketamine", ("ketamine",), indirect=("esketamine", "(S)-ketamine", "S-ketamine", "memantine"))
CLAIM = Claim(
    id="trd", mechanism="clinical", kind="clinical_efficacy", statement="Ketamine works in TRD",
    subject="ketamine", effect="improves", outcome="depression", sources=(ClaimSource("a.txt", "works"),),
)


def appraised(text: str, design: str = "rct", population: str = "human", n: int | None = 60,
              direction: str = "supports", claim: Claim = CLAIM, **row: object) -> pd.Series:
    """Appraise one study whose abstract is ``text``."""
    article = Article(pmid="1", title="A study", abstract=text, year=2020, authors=(Author(last_name="Doe"),))
    frame = pd.DataFrame([{
        "key": "1", "pmid": "1", "claim_id": claim.id, "design": design, "population": population,
        "sample_size": n, "direction": direction, "excluded": False, "review_status": "verified", **row,
    }])
    frame["sample_size"] = frame["sample_size"].astype("Int64")
    return appraise(frame, [claim], [article], intervention=KETAMINE).iloc[0]


def test_label_weight_and_stream() -> None:
    row = appraised("Ketamine beat placebo.", n=100)
    assert row["label"] == "Doe 2020" and row["stream"] == "human" and row["votes"]
    assert row["weight"] == pytest.approx(10.0) and row["randomised"]
    assert appraised("Mice.", design="experimental", population="animal")["stream"] == "animal"
    assert appraised("Rodent and human studies.", design="systematic_review", population="mixed")["stream"] == "human"


@pytest.mark.parametrize(
    ("direction", "design", "vote_note"),
    [("context", "rct", "context (informs, does not test the claim)"), ("unclear", "rct", "no direction"),
     ("supports", "narrative_review", "narrative review (informs, never votes)")],
)
def test_what_does_not_vote(direction: str, design: str, vote_note: str) -> None:
    row = appraised("Ketamine.", design=design, direction=direction)
    assert not row["votes"] and row["vote_note"] == vote_note


def test_retracted_and_conflicting_studies_do_not_vote() -> None:
    assert appraised("Ketamine.", excluded=True)["vote_note"] == "excluded (retracted)"
    disputed = appraised("Ketamine.", review_status="disputed")
    assert disputed["vote_note"] == "disputed by reviewers (unresolved)" and not disputed["votes"]
    assert disputed["votes_if_resolved"]  # it would vote once resolved: synthesis shows the verdict with it


def test_harms_small_reassuring_study_cannot_rule_a_harm_out() -> None:
    harms = replace(CLAIM, id="safe", kind="harms", effect="is_low")
    small = appraised("No craving was reported.", design="cohort", n=23, claim=harms)
    assert not small["votes"] and small["vote_note"].startswith("too small to rule out a harm")
    assert appraised("No craving was reported.", design="cohort", n=500, claim=harms)["votes"]
    assert appraised("Dependence occurred.", design="cohort", n=23, direction="contradicts", claim=harms)["votes"]


@pytest.mark.parametrize(
    ("text", "design", "randomised"),
    [
        ("Meta-analysis of 14 RCTs.", "meta_analysis", True),
        ("Meta-analysis of 5 RCTs and 3 non-randomized studies.", "meta_analysis", False),
        ("Meta-analysis of 49 spectroscopy case-control studies.", "meta_analysis", False),
        ("Laboratory experiment.", "experimental", True),
        ("Cohort.", "cohort", False),
    ],
)
def test_grade_start_follows_the_design_a_review_pooled(text: str, design: str, randomised: bool) -> None:
    assert appraised(text, design=design)["randomised"] == randomised


def test_disease_biology_human_studies_start_low_even_inside_a_trial() -> None:
    biology = replace(CLAIM, id="bdnf_low", kind="disease_biology")
    assert not appraised("Baseline BDNF was lower in patients.", claim=biology)["randomised"]


@pytest.mark.parametrize(
    ("text", "design", "n", "concern"),
    [
        ("Uncontrolled open-label study of ketamine.", "other", 30, "no control group"),
        ("Open-label non-inferiority RCT of ketamine versus ECT.", "rct", 186, "not double-blind"),
        ("Crossover trial of ketamine.", "rct", 12, "n=12 (<20)"),
        ("Post hoc pooling of two trials.", "other", 400, "post hoc or secondary analysis"),
        ("Interim analysis; the trial stopped early.", "rct", 40, "interim analysis or stopped early"),
        ("Retrospective cohort; unreviewed preprint.", "cohort", 500, "not peer reviewed"),
        ("All but one trial had high bias risk.", "meta_analysis", 200, "review finds high risk of bias"),
    ],
)
def test_risk_of_bias_cues(text: str, design: str, n: int, concern: str) -> None:
    assert concern in appraised(text, design=design, n=n)["rob"]


def test_an_open_label_phase_of_a_randomised_trial_is_not_a_missing_control_group() -> None:
    row = appraised("Crossover RCT then a thrice-weekly open-label course.", design="rct", n=41)
    assert "no control group" not in row["rob"] and "not double-blind" in row["rob"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Esketamine nasal spray beat placebo.", "intervention: esketamine, not ketamine"),
        ("(S)-ketamine infusion eased pain.", "intervention: (s)-ketamine, not ketamine"),
        ("Memantine did not separate from placebo.", "intervention: memantine, not ketamine"),
        ("Racemic ketamine beat esketamine.", ""),
        ("Ketamine beat placebo.", ""),
    ],
)
def test_intervention_indirectness(text: str, expected: str) -> None:
    assert appraised(text)["indirectness"] == expected


def test_no_intervention_no_intervention_indirectness() -> None:
    article = Article(pmid="1", title="A study", abstract="Memantine did not separate from placebo.", year=2020)
    frame = pd.DataFrame([{"key": "1", "pmid": "1", "claim_id": CLAIM.id, "design": "rct", "population": "human",
                           "sample_size": 60, "direction": "null", "excluded": False, "review_status": "verified"}])
    assert appraise(frame, [CLAIM], [article])["indirectness"].iloc[0] == ""


def test_population_and_outcome_indirectness_from_the_claims_protocol() -> None:
    claim = replace(CLAIM, id="brain", kind="mechanism_in_people", outcome="neuroinflammation",
                    outcome_terms=("brain", "hippocamp"), surrogates=("plasma", "serum"),
                    indirect_populations=("recreational",))
    assert appraised("Hippocampal cytokines fell.", claim=claim)["indirect_levels"] == 0
    surrogate = appraised("Plasma cytokines fell; the brain was not sampled.", claim=claim)
    assert surrogate["indirectness"] == "outcome: surrogate (plasma)" and surrogate["indirect_levels"] == 1
    unmeasured = appraised("Mood improved.", claim=claim)
    assert unmeasured["indirectness"] == "outcome: neuroinflammation not measured"
    assert unmeasured["indirect_levels"] == 2
    assert appraised("Recreational users' hippocampus.", claim=claim)["indirectness"] == "population: recreational"
    animal = appraised("Hippocampal cytokines fell in rats.", design="experimental", population="animal", claim=claim)
    assert animal["indirect_levels"] == 2 and animal["indirectness"].startswith("population: animal")


def test_receptor_pharmacology_takes_animal_and_enantiomer_work_as_direct() -> None:
    claim = replace(CLAIM, id="blocks", kind="molecular_pharmacology")
    row = appraised("Cryo-EM placed S-ketamine in the channel.", design="experimental", population="in_vitro",
                    claim=claim)
    assert row["indirect_levels"] == 0 and row["randomised"]


def test_a_requirement_in_people_is_indirect() -> None:
    claim = replace(CLAIM, id="nmda_mediates", kind="mechanism_in_people", effect="mediates")
    assert "not shown by removing the mediator" in appraised("Lanicemine failed.", claim=claim)["indirectness"]


@pytest.mark.parametrize(
    ("text", "rating"),
    [("Certainty of evidence was very low.", "very low"), ("Certainty of evidence rated low.", "low"),
     ("Moderate-certainty evidence favoured ketamine.", "moderate"), ("No rating given.", "")],
)
def test_a_reviews_own_certainty_rating(text: str, rating: str) -> None:
    assert appraised(text, design="meta_analysis")["review_certainty"] == rating
    assert appraised(text, design="rct")["review_certainty"] == ""


def test_review_self_reports_respect_negation() -> None:
    assert appraised("Funnel plots suggested publication bias.", design="meta_analysis")["publication_bias"]
    assert not appraised("No publication bias detected.", design="meta_analysis")["publication_bias"]
    assert appraised("High heterogeneity throughout.", design="meta_analysis")["heterogeneity"]


def test_parts_and_the_claims_own_curated_finding() -> None:
    claim = replace(CLAIM, id="bdnf_low", kind="disease_biology",
                    parts=(ClaimPart("depression", ("depress",)), ClaimPart("PTSD", ("PTSD",))))
    article = Article(pmid="1", title="BDNF", source="curated", curated_summary="Lower in depression. Higher in PTSD.")
    frame = pd.DataFrame([{"key": "1", "pmid": "1", "claim_id": claim.id, "design": "meta_analysis",
                           "population": "human", "sample_size": pd.NA, "direction": "contradicts", "excluded": False}])
    judgement = CuratedJudgement("1", claim.id, "bdnf", "contradicts", finding="BDNF was higher in PTSD.")
    row = appraise(frame, [claim], [article], [judgement]).iloc[0]
    assert row["parts"] == "PTSD"  # the finding written for this claim, not the record's other findings
    assert row["label"] == "1"  # no author recorded: the key, never an invented name


def test_matches_any_is_word_start_and_case_insensitive() -> None:
    assert matches_any(("spine", "synap"), "Synaptic density") == "synap"
    assert matches_any(("MRS",), "humerus") is None
    assert matches_any((), "anything") is None


def test_study_labels_are_unique_in_pmid_order() -> None:
    people = {"11": "Murrough", "3": "Murrough", "7": "Murrough", "5": "Zarate"}
    records = [Article(pmid=k, title="T", year=2013, authors=(Author(last_name=name),)) for k, name in people.items()]
    frame = pd.DataFrame([{"key": k, "pmid": k, "claim_id": CLAIM.id, "design": "rct", "population": "human",
                           "sample_size": 20, "direction": "supports", "excluded": False,
                           "review_status": "verified"} for k in (*people, "11")])
    frame["sample_size"] = frame["sample_size"].astype("Int64")
    labels = appraise(frame, [CLAIM], records, intervention=KETAMINE)[["key", "label"]].drop_duplicates()
    assert dict(zip(labels["key"], labels["label"])) == {"11": "Murrough 2013c", "3": "Murrough 2013a",
                                                         "7": "Murrough 2013b", "5": "Zarate 2013"}
