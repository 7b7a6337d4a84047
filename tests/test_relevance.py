"""Relevance scoring, record pairing and the judge's answers to unreadable input (sentences written for these tests)."""

from __future__ import annotations

import pytest

from litreview.corpus.claims import Claim
from litreview.corpus.records import Article
from litreview.evidence.direction_judge import judge_direction
from litreview.evidence.relevance import THRESHOLD, pair_record, pair_score, relevance


def _claim(cid: str, subject: str, effect: str, outcome: str, statement: str) -> Claim:
    """A register claim with only the fields relevance reads."""
    return Claim(id=cid, mechanism="m", kind="mechanism_in_people", statement=statement, subject=subject,
                 effect=effect, outcome=outcome, sources=())


CORTISOL = _claim("cortisol", "ketamine", "decreases", "cortisol release", "Ketamine reduces cortisol release.")
PAIN = _claim("pain", "ketamine", "improves", "chronic pain", "Ketamine relieves chronic pain.")
TRD = _claim("trd", "ketamine", "improves", "treatment-resistant depression",
             "Ketamine improves treatment-resistant depression.")
RAPID = _claim("rapid", "ketamine", "improves", "depressive symptoms within hours",
               "Ketamine improves depressive symptoms within hours.")
NMDA_MEDIATES = _claim("nmda", "NMDA receptor blockade", "mediates", "ketamine's antidepressant effect",
                       "NMDA receptor blockade produces ketamine's antidepressant effect.")


def test_names_intervention_and_outcome_in_one_sentence() -> None:
    text = "Stress hormones after anaesthesia\nRESULTS: Plasma cortisol fell by a third two hours after ketamine."
    found = relevance(CORTISOL, text)
    assert found.reason == "addresses_claim" and found.score >= 0.9
    assert text[found.span[0]:found.span[1]].strip() == found.sentence
    assert "cortisol fell" in found.sentence


def test_abbreviation_of_the_outcome_counts() -> None:
    found = relevance(CORTISOL, "Rats given ketamine\nRESULTS: Serum CORT was lower in the ketamine group.")
    assert found.addresses


@pytest.mark.parametrize(("text", "reason"), [
    ("Ketamine in chronic pain\nRESULTS: Pain scores fell after ketamine infusions.", "no_outcome"),
    ("Cortisol in depression\nRESULTS: Cortisol was higher in patients than in controls.", "no_intervention"),
])
def test_missing_half_of_the_claim(text: str, reason: str) -> None:
    found = relevance(CORTISOL, text)
    assert not found.addresses and found.reason == reason


def test_background_mention_weighs_less_than_a_result() -> None:
    background = "BACKGROUND: Ketamine is thought to lower cortisol. RESULTS: Heart rate rose in all groups."
    result = "BACKGROUND: Heart rate is a stress marker. RESULTS: Ketamine lowered cortisol in all groups."
    assert relevance(CORTISOL, background).score < relevance(CORTISOL, result).score


def test_long_words_keep_their_meaning() -> None:
    claim = _claim("neuroinfl", "ketamine", "decreases", "neuroinflammation", "Ketamine reduces neuroinflammation.")
    found = relevance(claim, "Ketamine and neurons\nRESULTS: Ketamine increased firing of cortical neurons.")
    assert not found.addresses


def test_qualifier_narrows_the_outcome() -> None:
    plain = "Ketamine for depression\nRESULTS: Depression ratings fell after one ketamine infusion."
    resistant = "Ketamine for refractory depression\nRESULTS: Depression ratings fell after ketamine in TRD."
    assert relevance(TRD, resistant).score > relevance(TRD, plain).score


def test_onset_claim_needs_a_time_course() -> None:
    later = "Ketamine and mood\nRESULTS: Depression scores were lower after six weeks of ketamine."
    early = "Ketamine and mood\nRESULTS: Depression scores were lower four hours after ketamine."
    assert relevance(RAPID, early).score > relevance(RAPID, later).score


def test_mechanism_claim_needs_the_factor_and_the_effect() -> None:
    only_drug = "Ketamine in depression\nRESULTS: Ketamine had an antidepressant effect in mice."
    both = ("Ketamine in depression\nRESULTS: Without NMDA receptor blockade the antidepressant effect of ketamine "
            "vanished.")
    assert relevance(NMDA_MEDIATES, only_drug).score < relevance(NMDA_MEDIATES, both).score


@pytest.mark.parametrize(("text", "reason"), [
    ("", "no_text"),
    ("   ", "no_text"),
    ("Ketamine and cortisol", "title_only"),
    ("Ketamine and cortisol in depressed patients: a pilot study", "title_only"),
    ("Die Wirkung von Ketamin auf das Cortisol im Blut wurde bei zwanzig Patienten mit schwerer Depression "
     "untersucht; nach der Gabe zeigte sich eine deutliche Abnahme des Cortisols im Vergleich zur Kontrollgruppe "
     "ohne Behandlung.", "not_english"),
])
def test_unreadable_text(text: str, reason: str) -> None:
    assert relevance(CORTISOL, text).reason == reason
    judged = judge_direction(CORTISOL, text)
    assert judged.direction == "unclear"
    assert reason in judged.reason or judged.reason == "no text"


def test_claim_with_no_recognisable_subject() -> None:
    judged = judge_direction("It is what it is.", "Ketamine lowered cortisol in twenty patients.")
    assert judged.direction == "unclear" and "no_subject" in judged.reason


def test_one_megabyte_of_text_is_read_without_error() -> None:
    text = "Ketamine and stress\n" + "Ketamine lowered cortisol in the treated rats. " * 22_000
    assert len(text) > 1_000_000
    assert relevance(CORTISOL, text).addresses
    assert judge_direction(CORTISOL, text).direction in {"supports", "mixed", "unclear", "no_effect", "contradicts"}


def test_gate_turns_an_unaddressed_text_unclear(monkeypatch: pytest.MonkeyPatch) -> None:
    # the lexical model (the embedding one gives this text p = 0.52: "ketamine" dominates its cosines)
    monkeypatch.setattr("litreview.evidence.embedding.available", lambda: False)
    text = "Ketamine in surgery\nCONCLUSIONS: Ketamine reduced postoperative nausea compared with placebo."
    gated = judge_direction(CORTISOL, text, min_relevance=THRESHOLD)
    assert gated.direction == "unclear" and gated.reason.startswith("does not address the claim")


def _article(title: str, abstract: str) -> Article:
    """A record with only a title and an abstract."""
    return Article(pmid="1", title=title, abstract=abstract)


def test_pair_record_pairs_on_intervention_and_outcome() -> None:
    record = _article("Ketamine infusions for chronic pain: a randomised trial",
                      "Patients with chronic pain received ketamine or saline. Pain intensity fell more after ketamine "
                      "than after saline. Ketamine relieved chronic pain for two weeks.")
    pairing = pair_record(PAIN, record)
    assert pairing is not None and pairing.claim_id == "pain" and pairing.score > 0
    assert f"{record.title}\n{record.abstract}"[pairing.span[0]:pairing.span[1]].strip() == pairing.sentence
    assert pair_record(CORTISOL, record) is None


def test_a_stem_match_is_not_a_pairing() -> None:
    # "therapy" and "after" share stems with claim words; neither names the outcome
    record = _article("Ketamine therapy after surgery", "Ketamine was given after surgery. Recovery was uneventful.")
    assert pair_record(TRD, record) is None and pair_record(RAPID, record) is None


def test_rivals_keep_the_claim_the_record_is_most_about() -> None:
    record = _article("Ketamine for chronic pain", "Ketamine relieved chronic pain in 40 patients; pain scores fell "
                      "by half. Mood was also better, and depression ratings fell in some patients.")
    depression = _claim("dep", "ketamine", "improves", "depression", "Ketamine improves depression.")
    assert pair_record(PAIN, record, rivals=[PAIN, depression]) is not None
    assert pair_score(depression, record)[0] < pair_score(PAIN, record)[0]
    assert pair_record(depression, record, rivals=[PAIN, depression]) is None


def test_a_clause_cut_from_a_sentence_is_read_not_taken_for_a_title() -> None:
    """Evidence quoted as one clause ends in a comma or semicolon: it states a finding, so it is read."""
    for clause in ("ketamine lowered salivary cortisol in the patients compared with placebo,",
                   "ketamine lowered salivary cortisol in the patients compared with placebo;"):
        assert relevance(CORTISOL, clause).reason != "title_only"
        assert judge_direction(CORTISOL, clause).direction == "supports"


@pytest.mark.parametrize("sentence", [
    "the rise in cortisol after ketamine was smaller than after placebo in the treated patients",
    "There is no evidence that ketamine lowers cortisol in depressed patients",
    "40% of the patients had lower cortisol after ketamine",
])
def test_a_sentence_quoted_without_its_full_stop_is_read_not_taken_for_a_title(sentence: str) -> None:
    """A one-line sentence that lacks a full stop (lower-case start, a number, or a finite verb) is not a title."""
    assert relevance(CORTISOL, sentence).reason != "title_only"
    assert "title_only" not in judge_direction(CORTISOL, sentence).reason
