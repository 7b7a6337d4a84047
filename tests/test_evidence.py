"""Evidence scoring: classifiers on hand-written examples, rubric files, flags, curator vs machine."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from evaluation_scripts import load_script

from litreview.corpus.claims import Claim
from litreview.corpus.records import Article, Correction, MeshHeading, PublicationType
from litreview.corpus.snapshot import CuratedJudgement
from litreview.errors import CorpusError
from litreview.evidence.classification import study_text
from litreview.evidence.direction_judge import judge_direction
from litreview.evidence.scoring import (
    DESIGNS,
    assessments_to_frame,
    classify_design,
    classify_population,
    direction_features,
    extract_sample_size,
    load_rubric,
    score_evidence,
)

ROOT = Path(__file__).resolve().parents[1]
#: Slightly below the 5-fold cross-validated accuracy measured by evaluation/direction.py (73.8%).
PUBMEDQA_FLOOR = 0.71


def _claim(cid: str = "cortisol_reduction", effect: str = "decreases", subject: str = "ketamine",
           outcome: str = "cortisol") -> Claim:
    return Claim(cid, "stress_hpa", "mechanism", f"{subject} {effect} {outcome}", subject, effect, outcome, ())


# -- design ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "design"),
    [
        (["Journal Article", "Meta-Analysis", "Systematic Review"], "meta_analysis"),
        (["Systematic Review"], "systematic_review"),
        ([PublicationType("Randomized Controlled Trial", "D016449")], "rct"),
        (["Clinical Trial, Phase II"], "controlled_trial"),
        (["Controlled Clinical Trial"], "controlled_trial"),
        (["Case Reports"], "case_report"),
        (["Review"], "narrative_review"),
        (["Letter", "Comment"], "editorial"),
    ],
)
def test_publication_types_decide_design(types: list, design: str) -> None:
    assert classify_design("A study", "We studied mice in vitro.", types) == design


@pytest.mark.parametrize(
    ("title", "abstract", "design"),
    [
        ("Ketamine for depression", "A randomized, double-blind, placebo-controlled trial in 40 patients.", "rct"),
        ("Ketamine and BDNF: a meta-analysis", "We pooled 12 studies.", "meta_analysis"),
        ("Ketamine in rats", "Rats received ketamine 10 mg/kg and spine density was measured.", "experimental"),
        ("Ketamine on cultured neurons", "Cultured cortical neurons were exposed in vitro.", "experimental"),
        ("Ketamine infusions in clinic", "A retrospective cohort of 200 patients treated with ketamine.", "cohort"),
        ("Ketamine-induced cystitis", "We report a case of a 24-year-old man with cystitis.", "case_report"),
        ("BDNF in depression", "A case-control study comparing 50 patients with 50 healthy controls.", "case_control"),
        ("Ketamine use", "A cross-sectional survey of 1000 adults.", "cross_sectional"),
        ("Ketamine: a review", "We review the mechanisms of ketamine.", "narrative_review"),
        ("Thoughts", "Something happened.", "other"),
    ],
)
def test_text_decides_design_without_publication_types(title: str, abstract: str, design: str) -> None:
    assert design in DESIGNS
    assert classify_design(title, abstract, ["Journal Article", "Research Support, Non-U.S. Gov't"]) == design


def test_observational_type_is_refined_by_text() -> None:
    assert classify_design("T", "A case-control study of 80 women.", ["Observational Study"]) == "case_control"
    assert classify_design("T", "We followed 80 women.", ["Observational Study"]) == "cohort"


# -- population -----------------------------------------------------------------------------


def test_mesh_check_tags_decide_population() -> None:
    assert classify_population("Ketamine in mice", "Mice...", ["Humans"]) == "human"
    assert classify_population("Ketamine", "Patients...", [MeshHeading("Animals", "D000818")]) == "animal"
    assert classify_population("Ketamine", "Something measured.", ["Humans", "Animals"]) == "mixed"
    assert classify_population("Ketamine", "Rats and mice and rats were used.", ["Humans", "Animals"]) == "animal"
    assert classify_population("Ketamine", "Something.", ["Cells, Cultured"]) == "in_vitro"


@pytest.mark.parametrize(
    ("text", "population"),
    [
        ("Forty depressed patients received ketamine.", "human"),
        ("Thirty-two male Sprague-Dawley rats received ketamine.", "animal"),
        ("HEK293 cell lines were cultured in vitro.", "in_vitro"),
        ("Ketamine was studied in patients and in mice, and mice again, with patients.", "mixed"),
        ("Ketamine was studied.", "unknown"),
    ],
)
def test_text_decides_population_without_mesh(text: str, population: str) -> None:
    assert classify_population("", text) == population


# -- sample size ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n", "span"),
    [
        ("Participants (n = 24) received ketamine.", 24, "n = 24"),
        ("We randomized 24 patients to ketamine 0.5 mg/kg.", 24, "24 patients"),
        ("A total of 120 participants aged 18-65 years were enrolled.", 120, "A total of 120"),
        ("Thirty-two rats were used.", 32, "Thirty-two rats"),
        ("Depressed adults (N=56) improved (p < 0.05).", 56, "N=56"),
        ("One thousand ninety-nine women aged 50 and older.", 1099, "One thousand ninety-nine women"),
        ("Over 12 weeks, 18 healthy volunteers took 40 mg daily.", 18, "18 healthy volunteers"),
    ],
)
def test_sample_size_and_span(text: str, n: int, span: str) -> None:
    found = extract_sample_size(text)
    assert found is not None and (found.n, found.span) == (n, span)
    assert text[found.start:found.end] == found.span


@pytest.mark.parametrize(
    "text",
    ["Ketamine 0.5 mg/kg over 40 minutes.", "Patients aged 45 years; 45% responded (p = 0.03).",
     "Published in 2019 after 12 weeks.", "", None],
)
def test_sample_size_ignores_doses_ages_percentages_p_values(text: str | None) -> None:
    assert extract_sample_size(text) is None


# -- direction ------------------------------------------------------------------------------


def test_direction_supports_when_effect_matches_claim() -> None:
    j = judge_direction(_claim(), "Ketamine lowered cortisol compared with placebo in 40 patients.")
    assert j.direction == "supports"
    assert "lowered cortisol" in j.sentence


def test_direction_polarity_raise_contradicts_lowers_claim() -> None:
    text = "In a randomized trial of 30 patients, ketamine increased plasma cortisol compared with placebo."
    assert judge_direction(_claim(), text).direction == "contradicts"
    assert judge_direction("Ketamine lowers cortisol", text).direction == "contradicts"


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Anxiety fell within 1 hour of ketamine and stayed lower for 7 days; 10 of 12 patients responded.",
         "supports"),
        ("Ketamine improved anxiety symptoms compared with placebo.", "supports"),
        ("Anxiety symptoms worsened after ketamine in 5 of 12 patients.", "contradicts"),
        ("Ketamine did not improve anxiety symptoms compared with placebo.", "no_effect"),
    ],
)
def test_direction_improves_claim_counts_symptom_relief_as_support(text: str, direction: str) -> None:
    claim = _claim("anxiety_efficacy", "improves", outcome="anxiety symptoms")
    assert claim.polarity == "better"
    assert judge_direction(claim, text).direction == direction
    assert judge_direction("Ketamine improves anxiety symptoms", text).direction == direction


@pytest.mark.parametrize(
    "text",
    [
        "Ketamine did not lower cortisol compared with placebo.",
        "There was no significant difference in cortisol between ketamine and placebo.",
        "Cortisol was not associated with ketamine treatment.",
    ],
)
def test_direction_negation_and_null_findings(text: str) -> None:
    assert judge_direction(_claim(), text).direction == "no_effect"


def test_direction_mixed_when_effect_and_null_are_contrasted() -> None:
    text = "Ketamine reduced salivary cortisol at 2 h, but cortisol did not differ at 24 h."
    assert judge_direction(_claim(), text).direction == "mixed"


def test_direction_effect_then_null_is_mixed_but_null_then_effect_is_not() -> None:
    mixed = "CONCLUSIONS: Ketamine reduced cortisol at 2 h, but cortisol did not differ at 24 h."
    assert direction_features(_claim(), mixed)["conc_effect_but_null"] == 1.0
    null_first = "CONCLUSIONS: Cortisol did not differ at 24 h, although ketamine reduced cortisol at 2 h."
    assert direction_features(_claim(), null_first)["conc_effect_but_null"] == 0.0
    # the clause reading is order-independent: both orders are an effect and a null finding
    assert judge_direction(_claim(), null_first).direction == "mixed"


@pytest.mark.parametrize(
    ("question", "negated", "affirmed"),
    [
        ("Is obesity associated with asthma?", "Obesity was not associated with asthma in this cohort.",
         "Obesity was associated with asthma in this cohort."),
        ("Does drug X improve survival?", "Drug X failed to improve survival.", "Drug X improved survival."),
        ("Is screening useful in the elderly?", "Screening is not useful in the elderly.",
         "Screening is useful in the elderly."),
    ],
)
def test_direction_negated_answer_sentence_flips_question(question: str, negated: str, affirmed: str) -> None:
    assert direction_features(question, f"CONCLUSIONS: {negated}")["answer_negation"] == 1.0
    assert judge_direction(question, f"CONCLUSIONS: {negated}").direction in ("no_effect", "contradicts")
    assert judge_direction(question, f"CONCLUSIONS: {affirmed}").direction == "supports"


def test_direction_not_only_is_not_a_negation() -> None:
    text = "CONCLUSIONS: Drug X not only improved survival but also reduced hospital stay."
    features = direction_features("Does drug X improve survival?", text)
    assert features["first_negator"] == 0.0 and features["conc_null"] == 0.0
    assert judge_direction("Does drug X improve survival?", text).direction == "supports"


def test_direction_hedges_and_qualifiers_lower_confidence_in_support() -> None:
    question = "Is screening useful in the elderly?"
    plain = judge_direction(question, "CONCLUSIONS: Screening is useful in elderly patients.")
    hedged = judge_direction(question, "CONCLUSIONS: Screening may be useful in selected elderly patients, but the "
                                       "evidence is inconclusive and further trials are warranted.")
    assert plain.direction == "supports"
    assert hedged.direction != "supports" or hedged.score < plain.score - 0.15
    features = direction_features(question, "CONCLUSIONS: It may help only in some patients, depending on age.")
    assert features["conc_partial"] > 0 and features["conc_hedge"] > 0


def test_direction_question_and_conclusion_section_weighs_most() -> None:
    text = ("BACKGROUND: Cortisol increased in earlier work. RESULTS: Levels were measured in 30 adults. "
            "CONCLUSIONS: Ketamine significantly reduced cortisol.")
    j = judge_direction("Does ketamine reduce cortisol?", text)
    assert j.direction == "supports" and j.sentence == "Ketamine significantly reduced cortisol."
    assert judge_direction("Does ketamine reduce cortisol?", "").direction == "unclear"


# -- rubric ---------------------------------------------------------------------------------


def test_packaged_rubric_and_partial_override(tmp_path: Path) -> None:
    rubric = load_rubric()
    design = rubric.design
    assert design["meta_analysis"] > design["rct"] > design["cohort"] > design["case_report"]
    assert rubric.directness["human"] > rubric.directness["animal"] > rubric.directness["in_vitro"]
    custom = tmp_path / "mine.toml"
    custom.write_text("[design]\nrct = 10\n", encoding="utf-8")
    changed = load_rubric(custom)
    assert changed.design["rct"] == 10.0 and changed.design["cohort"] == rubric.design["cohort"]
    assert changed.precision(120) == rubric.precision(120) == 2.0 and changed.precision(None) == 0.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[design\nrct = 1", "not valid TOML"),
        ("[design]\nrtc = 1\n", "did you mean 'rct'"),
        ("[design]\nrct = 'high'\n", "must be a number"),
        ("[precision]\nbands = [1, 2]\n", "pairs"),
        ("[flags]\nexclude = ['retraction']\n", "flags.exclude"),
        ("design = 3\n", "must be a table"),
    ],
)
def test_bad_rubric_file_is_one_line_corpus_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message) as info:
        load_rubric(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_missing_rubric_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        load_rubric(tmp_path / "nope.toml")


# -- assessments ----------------------------------------------------------------------------

_RCT = Article(
    pmid="1",
    title="Ketamine and cortisol: a randomized controlled trial",
    abstract="A total of 120 patients with depression were randomized. CONCLUSIONS: Ketamine lowered cortisol.",
    publication_types=(PublicationType("Randomized Controlled Trial"),),
    mesh_headings=(MeshHeading("Humans"),),
    languages=("eng",),
)


def test_score_components_and_rationale() -> None:
    [a] = score_evidence([_RCT], [_claim()], [("1", "cortisol_reduction")])
    assert (a.design, a.population, a.sample_size, a.direction) == ("rct", "human", 120, "supports")
    assert a.components == {"design": 4.0, "directness": 3.0, "precision": 2.0, "flags": 0.0}
    assert a.score == 9.0 and a.rationale == "RCT (4) + human (3) + n=120 (2) = 9"
    assert a.judged_by == "automatic" and a.curated_design is None and a.disagreements == ()


def test_flags_retracted_excluded_and_erratum_penalised() -> None:
    retracted = replace(_RCT, pmid="2", retracted=True)
    erratum = replace(_RCT, pmid="3", corrections=(Correction("ErratumIn", pmid="9"),), languages=("ger",))
    pairs = [("2", "cortisol_reduction"), ("3", "cortisol_reduction")]
    by_key = {a.key: a for a in score_evidence([retracted, erratum], [_claim()], pairs)}
    assert by_key["2"].excluded and "retracted" in by_key["2"].flags
    assert not by_key["3"].excluded and by_key["3"].flags == ("erratum", "not_english")
    assert by_key["3"].score == 8.0
    assert by_key["3"].rationale.endswith("- erratum (0.5) - not english (0.5) = 8")
    no_abstract = replace(_RCT, pmid="4", abstract=None)
    [a] = score_evidence([no_abstract], [_claim()], [("4", "cortisol_reduction")])
    assert a.flags == ("no_abstract",) and a.sample_size is None


def test_curated_judgement_used_and_disagreement_shown() -> None:
    curated = Article(
        pmid="5", title="Ketamine effects on cortisol in mice", source="curated",
        curated_summary="Mice given ketamine showed higher corticosterone and cortisol than saline controls.",
    )
    judgement = CuratedJudgement("5", "cortisol_reduction", "stress_hpa", "context", design="animal",
                                 population=None, species="mouse", n=20, finding=curated.curated_summary or "")
    [a] = score_evidence([curated], [_claim()], [("5", "cortisol_reduction")], [judgement])
    assert a.judged_by == "curator" and a.flags == ("curated_summary",)
    assert (a.design, a.population, a.sample_size, a.direction) == ("experimental", "animal", 20, "context")
    assert a.curated_direction == "context" and a.auto_direction == "contradicts"
    assert a.auto_n is None and a.sample_size_span == "curator"
    assert a.disagreements == ("direction",)


def test_score_evidence_is_deterministic_and_frame_has_columns() -> None:
    records = [_RCT, replace(_RCT, pmid="7", title="Ketamine in rats", publication_types=(), mesh_headings=())]
    claims = [_claim(), _claim("bdnf_increase", "increases", outcome="BDNF")]
    pairs = [("7", "bdnf_increase"), ("1", "cortisol_reduction"), ("7", "cortisol_reduction"), ("1", "bdnf_increase")]
    first = score_evidence(records, claims, pairs)
    assert first == score_evidence(list(reversed(records)), claims, list(reversed(pairs)))
    assert [(a.claim_id, a.key) for a in first] == sorted((c, k) for k, c in pairs)
    frame = assessments_to_frame(first)
    assert {"pts_design", "pts_directness", "pts_precision", "pts_flags", "disagreements"} <= set(frame.columns)
    assert list(frame["score"]) == [a.score for a in first]
    with pytest.raises(CorpusError, match="no such claim"):
        score_evidence(records, claims, [("1", "nope")])


# -- PubMedQA floor (real data) -------------------------------------------------------------


def test_pubmedqa_cross_validated_accuracy_floor(shared: Path) -> None:
    data = shared / "data" / "pubmedqa" / "pqal_cv.json"
    if not data.is_file():
        pytest.skip(f"{data} is absent")
    module = load_script("direction")
    items = module.load_items(data)
    predicted, _ = module.cross_validate(items)
    accuracy = sum(p == g for p, (*_, g) in zip(predicted, items)) / len(items)
    assert accuracy >= PUBMEDQA_FLOOR


# -- whole abstracts: background sentences, arms, control groups ------------------------------

_ANIMAL_ABSTRACT = ("Depressed patients respond to ketamine within hours, and clinical trials in major depression "
                    "confirm it. How this happens in depression is unclear. Here, we gave ketamine to stressed rats "
                    "and recorded spine density in the prefrontal cortex of the rats.")


def test_study_text_skips_background_sentences() -> None:
    assert study_text("T", _ANIMAL_ABSTRACT).startswith("T\nHere, we gave ketamine")
    structured = "BACKGROUND: Patients suffer. METHODS: Mice were injected. RESULTS: Mice improved."
    assert study_text("T", structured) == "T\nMETHODS: Mice were injected. RESULTS: Mice improved."
    assert study_text("T", "Nothing says what was done.") == "T\nNothing says what was done."


def test_animal_study_with_patients_in_its_background_is_an_animal_experiment() -> None:
    assert classify_population("Ketamine and spines", _ANIMAL_ABSTRACT) == "animal"
    assert classify_design("Ketamine and spines", _ANIMAL_ABSTRACT) == "experimental"


def test_condition_words_do_not_make_an_animal_study_mixed() -> None:
    text = "We tested adult-born neurons of mice in a model of depression; MDD-like behaviour of the mice eased."
    assert classify_population("", text) == "animal"
    assert classify_population("", "We studied 20 patients with depression and 20 mice.") == "mixed"


@pytest.mark.parametrize(
    ("abstract", "design"),
    [
        ("We gave an open-label ketamine infusion to 12 patients with OCD and rated symptoms.", "cohort"),
        ("We measured BDNF in 25 patients before and after three ketamine infusions.", "cohort"),
        ("We measured BDNF in 40 patients with MDD and 40 healthy controls.", "case_control"),
        ("Ten healthy subjects received either placebo or ketamine on two days.", "controlled_trial"),
        ("Patients were randomly assigned to ketamine or midazolam in an open-label extension.", "rct"),
    ],
)
def test_human_designs_read_from_features(abstract: str, design: str) -> None:
    assert classify_design("Ketamine", abstract) == design


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Patients received ketamine (n = 21) or saline (n = 19) for a week.", 40),
        ("Cases (n = 300) had lower levels than controls (n = 450).", 750),
        ("Forty patients with MDD and 35 age- and sex-matched healthy controls were scanned.", 75),
        ("We treated 22 patients with ketamine. Serum was also drawn from 18 healthy controls.", 40),
        ("In total, 64 adults took part; ketamine (n = 30) and placebo (n = 34).", 64),
        ("We recruited 16 healthy volunteers.", 16),
    ],
)
def test_sample_size_adds_arms_and_control_groups(text: str, n: int) -> None:
    found = extract_sample_size(text)
    assert found is not None and found.n == n
    assert text[found.start:found.end] == found.span
