"""Extraction with evidence spans, and the appraisal misfires it fixes."""

from __future__ import annotations

import pandas as pd
import pytest

from litreview.corpus.claims import Claim
from litreview.corpus.records import Article
from litreview.corpus.review_config import Intervention
from litreview.evidence.classification import classify_design, extract_sample_size
from litreview.evidence.extraction import extract, extraction_columns, review_certainty
from litreview.synthesis.appraisal import appraise

#: The review's intervention (its litreview.toml): the claims are about ketamine; esketamine is an alias
#: under which a study still tests them, and indirect evidence for a claim about ketamine itself.
KETAMINE = Intervention("ketamine", ("ketamine", "esketamine"), aliases=("esketamine", "arketamine"),
                        indirect=("esketamine", "arketamine", "(S)-ketamine", "S-ketamine"))
CLAIM = Claim("rapid", "clinical", "clinical_efficacy", "Ketamine reduces depressive symptoms within 24 hours.",
              "ketamine", "decreases", "depressive symptoms", (), outcome_terms=("depress", "MADRS"),
              agents=KETAMINE.agents)
DROPOUT = Claim("dropout", "clinical", "clinical_efficacy", "Ketamine is well tolerated.", "ketamine", "decreases",
                "dropouts", (), outcome_terms=("dropout",), agents=KETAMINE.agents)
RCT = ("Ketamine for treatment-resistant depression: a randomized trial",
       "BACKGROUND: Ketamine may act fast. METHODS: In this randomized, double-blind, midazolam-controlled trial, "
       "73 patients with treatment-resistant depression were randomized to a single intravenous infusion. "
       "Of these, 12 responders entered an open-label extension. Sixty-eight patients completed the study. "
       "RESULTS: MADRS scores fell at 24 hours (SMD -0.8, 95% CI -1.2 to -0.4).")


def _article(title: str, abstract: str, **kw: object) -> Article:
    """A PubMed-like record."""
    return Article(pmid="1", title=title, abstract=abstract, **kw)  # type: ignore[arg-type]


def test_rct_fields_and_spans_point_at_their_sentences() -> None:
    title, abstract = RCT
    ex = extract(_article(title, abstract), CLAIM)
    text = f"{title}\n{abstract}"
    assert (ex.randomised.value, ex.blinding.value, ex.control.value) == (True, "double", "active placebo")
    assert (ex.species.value, ex.condition.value.lower()) == ("human", "treatment-resistant depression")
    assert (ex.intervention.value, ex.route.value, ex.dosing.value) == ("ketamine", "intravenous", "single")
    assert (ex.n_randomised.value, ex.n_analysed.value) == (73, 68)
    assert ex.instrument.value == "MADRS" and ex.time_point.value == "at 24 hours"
    assert ex.effect.value == "SMD -0.8 (95% CI -1.2 to -0.4)" and ex.arms is None
    assert "73 patients" in text[ex.n_randomised.start:ex.n_randomised.end]
    assert "MADRS" in text[ex.instrument.start:ex.instrument.end]
    assert ex.systematic_search is None and ex.included_studies is None and ex.healthy is None
    row = extraction_columns(ex)
    assert row["x_n_randomised"] == 73 and f"n_randomised {ex.n_randomised.start}-" in row["x_spans"]


def test_unstated_values_stay_empty() -> None:
    ex = extract(_article("Ketamine and glutamate", "We measured glutamate."), CLAIM)
    assert ex.randomised is None and ex.n_randomised is None and ex.effect is None and ex.blinding is None


def test_esketamine_is_read_as_esketamine_and_is_indirect_for_a_ketamine_claim() -> None:
    title = "Esketamine nasal spray for rapid reduction of depressive symptoms"
    abstract = ("Esketamine nasal spray, the S-enantiomer of ketamine, was given twice weekly to 224 patients "
                "in a randomized, double-blind, placebo-controlled trial. MADRS scores fell at 24 hours.")
    ex = extract(_article(title, abstract), CLAIM)
    assert (ex.intervention.value, ex.route.value, ex.dosing.value) == ("esketamine", "intranasal", "repeated")
    studies = _studies(design="rct", n=224)
    out = appraise(studies, [CLAIM], [_article(title, abstract)], intervention=KETAMINE)
    assert "intervention: esketamine, not ketamine" in out.loc[0, "indirectness"]


def test_open_label_extension_after_a_double_blind_trial_is_not_open_label() -> None:
    title, abstract = RCT
    out = appraise(_studies(design="rct", n=73), [CLAIM], [_article(title, abstract)])
    assert "not double-blind" not in out.loc[0, "rob"]
    plain = "Ketamine in depression: an open-label trial in 30 patients. MADRS fell."
    out = appraise(_studies(design="controlled_trial", n=30), [CLAIM], [_article("Ketamine", plain)])
    assert "not double-blind" in out.loc[0, "rob"]


def test_review_certainty_is_read_for_the_claims_outcome() -> None:
    text = ("Systematic review of ketamine. Certainty of evidence was low for depressive symptoms and high for "
            "dropouts.")
    assert review_certainty(text, None) is None
    from litreview.evidence.extraction import outcome_pattern
    assert review_certainty(text, outcome_pattern(CLAIM))[0] == "low"
    assert review_certainty(text, outcome_pattern(DROPOUT))[0] == "high"
    one = "We searched MEDLINE. Moderate-certainty evidence shows benefit."
    assert review_certainty(one, outcome_pattern(CLAIM))[0].lower() == "moderate"
    article = _article("Ketamine: a systematic review", text)
    out = appraise(_studies(design="systematic_review", n=None, claim="dropout"), [DROPOUT], [article])
    assert out.loc[0, "review_certainty"] == "high"


def test_cochrane_review_of_64_rcts_is_a_systematic_review() -> None:
    abstract = ("This Cochrane review assessed ketamine for depression. We included 64 RCTs (4,200 participants) "
                "comparing ketamine with placebo.")
    assert classify_design("Ketamine for depression", abstract) == "systematic_review"
    ex = extract(_article("Ketamine for depression", abstract), CLAIM)
    assert ex.systematic_search.value is True and ex.included_studies.value == 64


@pytest.mark.parametrize("text", [
    "We enrolled 120 patients. Of these, 300 responders were followed.",
    "120 patients were randomized; among responders, 200 patients had follow-up visits.",
])
def test_sample_size_is_not_taken_from_a_subgroup(text: str) -> None:
    assert extract_sample_size(text).n == 120


def _studies(design: str, n: int | None, claim: str = "rapid") -> pd.DataFrame:
    """One assessment row for appraise()."""
    return pd.DataFrame([{
        "key": "1", "claim_id": claim, "design": design, "population": "human",
        "sample_size": pd.array([n], dtype="Int64")[0], "direction": "supports", "excluded": False,
        "review_status": "unverified",
    }])
