"""Machine-only review: which (record, claim) pairs the machine scores, and the extraction detail table."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

import litreview as lr
from conftest import CORPUS
from litreview.corpus.layout import load_corpus
from litreview.corpus.records import Article
from litreview.corpus.snapshot import Snapshot
from litreview.screening.rules import ScreeningResult
from litreview.workbench.machine import machine_pairs

_, CLAIMS, _ = load_corpus(CORPUS)
#: Texts written for these tests: one trial about suicidal thoughts, one rat study of BDNF, one off-topic.
RECORDS = (
    Article(pmid="1", title="Ketamine infusion and suicidal ideation in depressed outpatients",
            abstract="We randomized 60 depressed outpatients with suicidal ideation to ketamine or midazolam. "
                     "Suicidal ideation fell more after ketamine than after midazolam at 24 hours."),
    Article(pmid="2", title="Ketamine raises hippocampal BDNF in rats",
            abstract="Rats received ketamine 10 mg/kg. BDNF protein in the hippocampus rose two hours later."),
    Article(pmid="3", title="Ketamine anaesthesia in horses", abstract="We describe anaesthesia of horses."),
)
SNAPSHOT = Snapshot(records=RECORDS, searches={}, provenance={})
#: Screening's outcome-word pairing of the same records (made up: what a stem match would give).
SCREENED = ScreeningResult(
    log=pd.DataFrame({"key": ["1", "2", "3"], "decision": ["included", "included", "excluded"]}),
    counts=pd.DataFrame(), pairs=(("1", "trd_efficacy"), ("1", "suicidality_reduction"), ("2", "bdnf_increase"),
                                  ("2", "bdnf_low_in_depression"), ("1", "approval_2019")))


def test_relevance_pairing_pairs_each_record_with_the_claims_it_is_about() -> None:
    pairs = machine_pairs(SCREENED, SNAPSHOT, CLAIMS)
    assert ("1", "suicidality_reduction") in pairs and ("2", "bdnf_increase") in pairs
    assert ("2", "bdnf_low_in_depression") not in pairs  # a rat study of ketamine, not of depressed people's BDNF
    assert not any(key == "3" for key, _ in pairs)  # screening excluded it
    assert ("1", "approval_2019") not in pairs  # a fact check is not paired with a record its check does not cite


def test_a_fact_check_keeps_screenings_pairs_of_the_sources_it_cites() -> None:
    claims = [replace(c, fact=replace(c.fact, sources=("1",))) if c.fact else c for c in CLAIMS]
    assert ("1", "approval_2019") in machine_pairs(SCREENED, SNAPSHOT, claims)


def test_screening_pairing_is_kept_for_comparison() -> None:
    assert machine_pairs(SCREENED, SNAPSHOT, CLAIMS, "screening") == SCREENED.pairs
    with pytest.raises(ValueError, match="pairing"):
        machine_pairs(SCREENED, SNAPSHOT, CLAIMS, "stems")


def test_extraction_details_give_each_stated_field_with_its_sentence() -> None:
    claim = next(c for c in CLAIMS if c.id == "suicidality_reduction")
    table = lr.extraction_details(RECORDS[0], claim)
    assert list(table.columns) == ["field", "value", "sentence"]
    rows = dict(zip(table["field"], zip(table["value"], table["sentence"])))
    assert rows["n_randomised"] == (60, RECORDS[0].abstract.split(" Suicidal")[0])
    assert rows["control"][0] == "active placebo"
    assert "effect" not in rows  # the text states no estimate: no row, nothing guessed
