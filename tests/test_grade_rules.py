"""Issue 22's general rules and issue 24's verification in proportion to influence, on made-up bodies.

Each test builds a small body of evidence by hand (never the register's claims) and fails on the
synthesis that came before these rules: one support share for every threshold, preclinical risk of bias
and the cap on claims about people, a review's cap scoped to its comparison, low-harm claims, systematic
searches, counting by comparison, robustness, and machine judgements weighed by their influence.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_appraisal import appraised
from test_synthesis import CLAIM, EFFICACY, study, table

from litreview.corpus.claims import Claim, ClaimSource
from litreview.corpus.decision_schema import GRADE_TARGETS, GRADED_VERDICTS, make_decision
from litreview.corpus.decisions import DecisionLog
from litreview.synthesis.grade import DOMAINS, VERDICT_CODES, synthesize_claim
from litreview.synthesis.grade_rules import direction_code, direction_shares
from litreview.synthesis.roles import judge_queue, study_roles

ANIMAL = {"design": "experimental", "population": "animal", "n": None,
          "indirectness": "population: animal evidence for a claim about people", "indirect_levels": 2}
LOW_HARM = Claim(
    id="low_abuse", mechanism="clinical", kind="harms", statement="Ketamine has a low abuse potential",
    subject="abuse of ketamine", effect="is_low", outcome="at therapeutic doses",
    sources=(ClaimSource("a.txt", "low abuse potential"),),
)


# -- (a) one support share, mixed counts half, for every threshold -------------------------------


def test_contested_uses_the_same_support_share_as_every_other_verdict() -> None:
    # two mixed meta-analyses against small opposite studies of other drugs: no study "supports" outright
    rows = table(study("m1", design="meta_analysis", n=400, direction="mixed"),
                 study("m2", design="meta_analysis", n=400, direction="mixed"),
                 study("c1", n=40, direction="contradicts"), study("c2", n=30, direction="contradicts"),
                 study("c3", n=14, direction="contradicts"))
    shares = direction_shares(rows)
    assert shares["support"] == pytest.approx(shares["mixed"] / 2) and shares["contrary"] >= 0.25
    verdict = synthesize_claim(CLAIM, rows)
    assert verdict.verdict_code == "contested"  # was "contradicted": mixed counted nowhere in the contested test
    assert verdict.body_code == "contested" and verdict.shares["support"] == pytest.approx(shares["support"], 1e-3)


def test_direction_code_thresholds() -> None:
    def code(supports: float, mixed: float, contradicts: float, no_effect: float) -> str:
        return direction_code({"supports": supports, "mixed": mixed, "contradicts": contradicts,
                               "no_effect": no_effect, "support": supports + mixed / 2,
                               "contrary": contradicts + no_effect})
    assert code(0.75, 0, 0.25, 0) == "supported"
    assert code(0.4, 0.4, 0.2, 0) == "partly_supported"
    assert code(0.1, 0.4, 0.5, 0) == "contested"  # support 30 %, contrary 50 %
    assert code(0.1, 0.2, 0.7, 0) == "contradicted"  # support 20 % < 25 %
    assert code(0.1, 0.2, 0.3, 0.4) == "not_supported"


# -- (b) preclinical evidence for claims about people ---------------------------------------------


def test_a_claim_about_people_supported_only_by_animals_is_at_most_partly_supported() -> None:
    only_animals = synthesize_claim(CLAIM, table(study("a1", **ANIMAL), study("a2", **ANIMAL), study("a3", **ANIMAL)))
    assert (only_animals.verdict_code, only_animals.basis) == ("partly_supported", "preclinical")
    assert any("animal or in-vitro work" in f for f in only_animals.footnotes)
    molecular = replace(CLAIM, id="blocks", kind="molecular_pharmacology")
    direct = synthesize_claim(molecular, table(*(study(k, design="experimental", population="animal", n=None)
                                                 for k in ("a1", "a2", "a3")), claim=molecular))
    assert direct.verdict_code == "supported"  # receptor pharmacology: animal work is direct


def test_preclinical_studies_get_syrcles_risk_of_bias_items() -> None:
    silent = appraised("Ketamine raised BDNF in mice.", design="experimental", population="animal", n=None)
    assert silent["rob"] == "randomisation not reported; blinding not reported; sample size not reported"
    reported = appraised("Mice (n = 24) were randomised; assessors were blinded.", design="experimental",
                         population="animal", n=24)
    assert reported["rob"] == "" and silent["weight"] < reported["weight"]
    verdict = synthesize_claim(CLAIM, table(*(study(k, **ANIMAL, rob="randomisation not reported")
                                              for k in ("a1", "a2"))))
    assert verdict.domain("risk_of_bias").change == -1  # was "not assessed" for every laboratory body


# -- (c) a review's cap covers only what it rated -----------------------------------------------


def test_a_reviews_rating_caps_only_its_comparison() -> None:
    rows = table(study("rev", design="meta_analysis", n=2500, year=2020, review_certainty="very low"),
                 study("new1", n=300, year=2023), study("new2", n=300, year=2023))
    verdict = synthesize_claim(CLAIM, rows)
    # the later trials carry a minority of the weight but, rated on their own, are high and point the same way
    assert (verdict.rated, verdict.cap, verdict.scoped, verdict.certainty) == ("high", "very low", "high", "high")
    assert any(f.startswith("Not capped:") and "on their own" in f for f in verdict.footnotes)
    against = table(study("rev", design="meta_analysis", n=2500, year=2020, review_certainty="very low"),
                    study("new1", n=300, year=2023, direction="no_effect"))
    assert synthesize_claim(CLAIM, against).certainty == "very low"  # pointing the other way: the cap holds


def test_a_reviews_rating_counts_only_for_the_outcome_it_rated() -> None:
    text = "Meta-analysis of 12 RCTs: certainty was low for remission and high for dropouts."
    dropouts = replace(CLAIM, outcome_terms=("dropout",))
    assert appraised(text, design="meta_analysis", claim=dropouts)["review_certainty"] == "high"
    assert appraised(text, design="meta_analysis", claim=replace(CLAIM, outcome_terms=("remission",)))[
        "review_certainty"] == "low"
    assert appraised(text, design="meta_analysis", claim=replace(CLAIM, outcome_terms=("suicid",)))[
        "review_certainty"] == ""


# -- (d) low-harm claims ---------------------------------------------------------------------------


def test_a_low_harm_claim_facing_harm_reports_is_not_supported() -> None:
    harm = study("h1", design="case_series", n=40, direction="contradicts", randomised=False)
    small = study("s1", design="cohort", n=23, direction="supports", votes=False,
                  vote_note="too small to rule out a harm (n 23 < 100)")
    verdict = synthesize_claim(LOW_HARM, table(harm, small, claim=LOW_HARM))
    assert verdict.verdict_code == "not_supported"  # was "insufficient": one very-low study
    review = study("r1", design="narrative_review", direction="contradicts", votes=False,
                   vote_note="narrative review (informs, never votes)")
    only_context = synthesize_claim(LOW_HARM, table(review, small, claim=LOW_HARM))
    assert only_context.verdict_code == "not_supported" and only_context.certainty == ""


def test_a_low_harm_claim_with_a_large_reassuring_study_is_rated_as_usual() -> None:
    rows = table(study("big", design="cohort", n=800, direction="supports", randomised=False),
                 study("h1", design="case_series", n=40, direction="contradicts", randomised=False), claim=LOW_HARM)
    assert synthesize_claim(LOW_HARM, rows).verdict_code == "supported"


# -- (e) and 2: what a review is and what it counts ------------------------------------------------


def test_a_review_reporting_a_systematic_search_is_a_systematic_review() -> None:
    row = appraised("We systematically searched PubMed and Embase for ketamine trials.", design="narrative_review",
                    n=None)
    assert row["design"] == "systematic_review" and row["votes"]
    assert appraised("An overview of ketamine's history.", design="narrative_review")["design"] == "narrative_review"


def test_a_review_counts_the_comparison_it_reports_not_its_total() -> None:
    text = ("Cochrane review of 64 RCTs (5299 adults). Versus placebo, ketamine raised response "
            "(OR 3.9; 7 trials, 185 people).")
    row = appraised(text, design="meta_analysis", n=5299)
    assert (row["k_comparison"], row["n_counted"]) == (7, 185)
    assert "185 people" in row["n_counted_span"]
    assert row["weight"] == pytest.approx(185 ** 0.5, rel=1e-3)
    whole = appraised("Meta-analysis of 24 RCTs (1877 participants).", design="meta_analysis", n=1877)
    assert (whole["k_comparison"], whole["n_counted"]) == (24, 1877)


def test_a_review_represents_only_studies_it_could_contain() -> None:
    rows = table(study("t1", n=60, year=2010), study("t2", n=60, year=2011), study("t3", n=60, year=2012),
                 study("mouse", year=2010, **ANIMAL),
                 study("eske", n=60, year=2012, indirectness="intervention: esketamine, not ketamine",
                       indirect_levels=1),
                 study("later", n=60, year=2022),
                 study("rev", design="meta_analysis", n=185, year=2020, k_comparison=2))
    verdict = synthesize_claim(CLAIM, rows)
    # two trials (its comparison's count), never a later trial, another drug or another population
    assert verdict.represented == {"t1": "rev", "t2": "rev"}
    assert set(verdict.deciding) == {"t3", "eske", "later", "rev"}
    assert verdict.n_participants == 185 + 3 * 60  # each participant once
    unknown = synthesize_claim(CLAIM, table(study("a", n=None), study("b", n=None)))
    assert unknown.n_participants is None  # unknown, never 0


# -- robustness and verification in proportion to influence ----------------------------------------


def test_robustness_names_the_study_that_flips_the_verdict() -> None:
    stable = synthesize_claim(CLAIM, table(study("1", n=300), study("2", n=300), study("3", n=300)))
    assert stable.robustness == "stable"
    fragile = synthesize_claim(CLAIM, table(study("1", n=300), study("2", n=150, direction="contradicts")))
    assert fragile.robustness.startswith("fragile: without Study 1: contradicted")
    assert any(f.startswith("Robustness:") for f in fragile.footnotes)


def test_robustness_with_the_machines_reading_in_place_of_the_reviewers() -> None:
    rows = table(study("1", n=300, auto_direction="contradicts"), study("2", n=300, auto_direction="contradicts"),
                 study("3", n=300, auto_direction="supports"))
    verdict = synthesize_claim(CLAIM, rows)
    assert verdict.verdict_code == "supported" and "machine readings: contested" in verdict.robustness


def test_a_one_percent_machine_judgement_costs_no_certainty_level() -> None:
    rows = table(study("1", n=2500), study("2", n=2500), study("m", n=1, direction="supports",
                                                                review_status="unverified"))
    verdict = synthesize_claim(CLAIM, rows)
    assert verdict.domain("other").change == 0 and verdict.certainty == "high"  # was "moderate"
    assert verdict.needs_reviewer == () and "rests on unverified" not in verdict.verdict


def test_an_influential_machine_judgement_needs_a_reviewer() -> None:
    heavy = synthesize_claim(CLAIM, table(study("1", n=300), study("m", n=300, review_status="unverified")))
    assert heavy.needs_reviewer == ("m",) and heavy.domain("other").change == -1
    assert heavy.verdict.endswith("rests on unverified machine reading (Study m) until a reviewer confirms it")
    # a light machine judgement that flips the verdict when dropped needs a reviewer too
    flips = table(study("1", n=100), study("2", n=16, direction="contradicts"),
                  study("m", n=9, review_status="unverified"))  # weights 10, 4, 3: 76 % support, 71 % without m
    flipping = synthesize_claim(EFFICACY, flips)
    assert "m" in flipping.needs_reviewer and flipping.domain("other").change == 0


def test_the_judge_queue_lists_judgements_that_need_a_reviewer_first() -> None:
    rows = table(study("v", n=300), study("light", n=4, review_status="unverified", auto_confidence=0.4),
                 study("heavy", n=300, review_status="unverified", auto_confidence=0.9),
                 study("lighter", n=4, review_status="unverified", auto_confidence=0.3))
    verdict = synthesize_claim(CLAIM, rows)
    queue = judge_queue(study_roles(rows, [verdict]))
    assert list(queue["key"]) == ["heavy", "lighter", "light"]  # influence first, then least confident
    assert queue["needs_reviewer"].tolist() == [True, False, False]


# -- rating up -------------------------------------------------------------------------------------


def test_rating_up_for_a_large_effect_or_dose_response_only_when_nothing_rates_down() -> None:
    cohort = {"design": "cohort", "randomised": False}
    large = table(study("c1", n=600, effect="RR 0.30 (95% CI 0.20 to 0.45)", **cohort),
                  study("c2", n=600, dose_response=True, **cohort))
    up = synthesize_claim(CLAIM, large)
    assert (up.start, up.rated_up, up.certainty) == ("low", 2, "high")
    assert any(f.startswith("Rated up 2 levels: large effect") for f in up.footnotes)
    crossing = table(study("c1", n=600, effect="OR 3.1 (95% CI 0.8 to 9.0)", **cohort),
                     study("c2", n=600, **cohort))
    assert synthesize_claim(CLAIM, crossing).rated_up == 0  # the CI crosses 1: not a large effect
    biased = table(study("c1", n=600, effect="RR 0.30 (95% CI 0.20 to 0.45)", rob="no control group", **cohort),
                   study("c2", n=600, rob="no control group", **cohort))
    held = synthesize_claim(CLAIM, biased)
    assert held.rated_up == 0 and any(f.startswith("Rating up considered, not applied") for f in held.footnotes)


# -- reviewer overrides ------------------------------------------------------------------------------


def test_a_reviewer_overrides_a_domain_or_the_verdict_with_a_reason() -> None:
    rows = table(study("1", n=300), study("2", n=300))
    log = DecisionLog((
        make_decision(CLAIM.id, "grade", "alice", claim=CLAIM.id, domain="inconsistency", judgement="very serious",
                      reason="the trials used different outcomes", time="2026-12-01T10:00:00Z"),
        make_decision(CLAIM.id, "grade", "alice", claim=CLAIM.id, domain="verdict", verdict="partly_supported",
                      reason="short follow-up", time="2026-12-01T10:01:00Z"),
        make_decision(CLAIM.id, "grade", "alice", claim=CLAIM.id, domain="imprecision", judgement="serious",
                      reason="a", time="2026-12-01T10:02:00Z"),
        make_decision(CLAIM.id, "grade", "bob", claim=CLAIM.id, domain="imprecision", judgement="not serious",
                      reason="b", time="2026-12-01T10:03:00Z"),
    ))
    verdict = synthesize_claim(CLAIM, rows, overrides=log.grade_overrides()[CLAIM.id])
    assert verdict.domain("inconsistency").change == -2 and verdict.certainty == "low"
    assert "set to very serious by reviewer alice: the trials used different outcomes (the rules said not serious" in (
        verdict.domain("inconsistency").reason)
    assert verdict.domain("imprecision").change == 0  # alice and bob disagree: no override until resolved
    assert verdict.verdict_code == "partly_supported"
    assert verdict.robustness.startswith("fragile: without Study 1: insufficient")  # the rules, overrides in place
    assert any("(the rules gave supported)" in f for f in verdict.footnotes)
    assert verdict.overrides == "inconsistency: very serious (alice); verdict: partly_supported (alice)"


def test_the_grade_vocabularies_match_the_synthesis() -> None:
    assert GRADE_TARGETS == (*DOMAINS, "verdict")
    assert set(GRADED_VERDICTS) <= set(VERDICT_CODES)


def test_a_later_review_of_the_same_comparison_represents_an_earlier_one() -> None:
    rows = table(study("t1", n=40, year=2010),
                 study("early", design="meta_analysis", n=16, year=2015, k_comparison=1),
                 study("late", design="meta_analysis", n=33, year=2022, k_comparison=2),
                 study("other", design="meta_analysis", n=500, year=2016, k_comparison=9,
                       indirectness="intervention: esketamine, not ketamine", indirect_levels=1))
    verdict = synthesize_claim(CLAIM, rows)
    # the later review pools two studies: the earlier review's one and the trial; the esketamine review stands
    assert verdict.represented == {"early": "late", "t1": "late"}
    assert set(verdict.deciding) == {"late", "other"} and verdict.n_participants == 33 + 500
