"""Screening: duplicates, inclusion rules with reasons, PRISMA counts, pairs to score."""

from __future__ import annotations

from dataclasses import replace

from conftest import KETAMINE
from litreview.corpus.claims import Claim, ClaimSource, Mechanism
from litreview.corpus.records import Article, MeshHeading
from litreview.corpus.snapshot import CuratedJudgement, SearchResult, Snapshot
from litreview.screening.rules import EXCLUSION_REASONS, find_duplicates, normalize_title, screen_records

BDNF = Mechanism("bdnf", "BDNF", ("BDNF", "brain-derived neurotrophic factor"), ("Brain-Derived Neurotrophic Factor",))
CLAIMS = [
    Claim("bdnf_increase", "bdnf", "mechanism", "Ketamine increases BDNF", "ketamine", "increases", "BDNF levels",
          (ClaimSource("a.txt", "q"),)),
    Claim("bdnf_low_in_depression", "bdnf", "mechanism", "BDNF is low in depression", "depression", "is_low",
          "BDNF levels", (ClaimSource("a.txt", "q"),)),
]


def article(key: str, title: str, abstract: str | None = "Ketamine raised BDNF in rats.", **kw) -> Article:
    """A PubMed-like record."""
    return Article(pmid=key, title=title, abstract=abstract, **{"languages": ("eng",), **kw})


def snapshot_of(records: list[Article], curated: tuple[CuratedJudgement, ...] = ()) -> Snapshot:
    """A snapshot whose bdnf search returned every record."""
    keys = tuple(a.key for a in records)
    return Snapshot(
        records=tuple(records),
        searches={"bdnf": SearchResult("bdnf", "q", len(keys), keys, "esearch", "2026-11-22")},
        provenance={},
        curated=curated,
    )


def test_normalize_title_ignores_case_and_punctuation() -> None:
    assert normalize_title("Ketamine & BDNF: a Study.") == normalize_title("ketamine BDNF a study")


def test_duplicates_by_pmid_doi_and_title_prefer_pubmed() -> None:
    a = article("1", "Ketamine and BDNF", doi="10.1/X")
    b = Article(pmid=None, doi="10.1/x", title="Other title", source="curated", curated_summary="s")
    c = article("3", "KETAMINE and BDNF.")
    assert find_duplicates([b, c, a]) == {"doi:10.1/x": "1", "3": "1"}


def test_inclusion_rules_log_a_reason_for_every_exclusion() -> None:
    records = [
        article("1", "Ketamine increases BDNF in depression"),
        article("2", "Ketamine and BDNF", languages=("ger",)),
        article("3", "Ketamine and BDNF signalling", abstract=None),
        article("4", "BDNF in rats", abstract="BDNF rose in the hippocampus."),
        article("5", "Ketamine anaesthesia in children", abstract="Ketamine was safe."),
        article("6", "Ketamine serum study", abstract="Serum levels.",
                mesh_headings=(MeshHeading("Brain-Derived Neurotrophic Factor"),)),
    ]
    result = screen_records(snapshot_of(records), {"bdnf": BDNF}, CLAIMS, intervention=KETAMINE)
    reasons = dict(zip(result.log["key"], result.log["reason"]))
    assert reasons["1"] == "meets inclusion rules"
    assert reasons["2"] == "not in English"
    assert reasons["3"] == "no abstract or curated summary"
    assert reasons["4"] == "does not mention the intervention"
    assert reasons["5"] == "mechanism terms absent"
    assert reasons["6"] == "meets inclusion rules"  # MeSH heading counts as a mechanism term
    assert set(result.included("bdnf")) == {"1", "6"}
    assert result.log.loc[0, "key"] == "1"  # title hits rank first


def test_curator_link_includes_a_study_without_ketamine() -> None:
    study = Article(pmid="9", title="Serum BDNF in major depression", source="curated",
                    curated_summary="BDNF lower in patients than controls.")
    judgement = CuratedJudgement("9", "bdnf_low_in_depression", "bdnf", "supports")
    result = screen_records(snapshot_of([study], (judgement,)), {"bdnf": BDNF}, CLAIMS, intervention=KETAMINE)
    assert result.log.loc[0, "reason"] == "curator linked to bdnf_low_in_depression"
    assert result.pairs == (("9", "bdnf_low_in_depression"),)


def test_prisma_counts_add_up() -> None:
    records = [article("1", "Ketamine increases BDNF"), article("2", "KETAMINE increases BDNF."),
               article("3", "Ketamine", abstract=None)]
    counts = screen_records(snapshot_of(records), {"bdnf": BDNF}, CLAIMS, intervention=KETAMINE).counts
    row = counts[counts["mechanism"] == "bdnf"].iloc[0]
    assert (row["identified"], row["duplicates"], row["screened"], row["excluded"], row["included"]) == (3, 1, 2, 1, 1)
    assert row["screened"] == row["excluded"] + row["included"]
    assert sum(row[f"excluded: {r}"] for r in EXCLUSION_REASONS) == row["excluded"]


def test_pubmed_records_pair_with_claims_whose_outcome_they_mention() -> None:
    records = [article("1", "Ketamine increases BDNF levels")]
    result = screen_records(snapshot_of(records), {"bdnf": BDNF}, CLAIMS, intervention=KETAMINE)
    assert result.pairs == (("1", "bdnf_increase"), ("1", "bdnf_low_in_depression"))


def test_a_claim_without_the_intervention_does_not_require_it_at_screening() -> None:
    records = [
        article("1", "Serum BDNF in depression", abstract="BDNF was lower in patients than in healthy controls."),
        article("2", "Serum BDNF in obesity", abstract="BDNF was lower in obese adults."),
        article("3", "Mood in depression", abstract="Patients had low mood."),
    ]
    result = screen_records(snapshot_of(records), {"bdnf": BDNF}, CLAIMS, intervention=KETAMINE)
    reasons = dict(zip(result.log["key"], result.log["reason"]))
    # names the claim's subject (depression) and the mechanism: kept, and paired with that claim alone
    assert reasons["1"] == "meets inclusion rules for bdnf_low_in_depression (no intervention in the claim)"
    assert result.pairs == (("1", "bdnf_low_in_depression"),)
    assert reasons["2"] == "does not mention the intervention"  # not the claim's subject
    assert reasons["3"] == "mechanism terms absent"  # the subject alone is not enough


def test_a_listed_subject_needs_its_head_and_one_listed_condition() -> None:
    claims = [replace(CLAIMS[1], kind="disease_biology", statement="BDNF is low in depression and PTSD.",
                      subject="BDNF levels in depression and PTSD", outcome="compared with healthy people")]
    records = [article("1", "Plasma BDNF in PTSD", abstract="BDNF was lower in veterans with PTSD."),
               article("2", "Neurotrophic factor in PTSD", abstract="Brain-derived neurotrophic factor fell."),
               article("3", "BDNF in schizophrenia", abstract="BDNF was lower in patients.")]
    result = screen_records(snapshot_of(records), {"bdnf": BDNF}, claims, intervention=KETAMINE)
    assert result.included("bdnf") == ["1"]
    # a claim that names the intervention still requires it
    result = screen_records(snapshot_of(records), {"bdnf": BDNF}, CLAIMS[:1], intervention=KETAMINE)
    assert result.included("bdnf") == []


def test_a_record_naming_a_claims_outcome_has_the_mechanisms_terms() -> None:
    clinical = Mechanism("clinical", "Clinical", ("depression", "chronic pain"), ())
    pain = Claim("pain", "clinical", "clinical_efficacy", "Ketamine relieves chronic pain", "ketamine", "improves",
                 "chronic pain", (ClaimSource("a.txt", "q"),), agents=("ketamine",))
    bladder = replace(pain, id="harm", kind="harms", outcome="at usual doses", outcome_terms=("cystitis",))
    records = [
        # "chronic" and "pain" apart: every word of the claim's outcome, not the mechanism's phrase
        article("1", "Ketamine infusions in a regional pain syndrome",
                abstract="Pain scores fell after ketamine in patients ill for years with a chronic syndrome."),
        article("2", "Bladder damage in ketamine users", abstract="Ketamine users developed ulcerative cystitis."),
        article("3", "Ketamine for acute pain", abstract="Pain scores fell after ketamine in the emergency room."),
    ]
    search = SearchResult("clinical", "q", 3, ("1", "2", "3"), "esearch", "2026-11-22")
    snap = Snapshot(records=tuple(records), searches={"clinical": search}, provenance={}, curated=())
    reasons = dict(zip(*(screen_records(snap, {"clinical": clinical}, [pain, bladder], intervention=KETAMINE)
                         .log[c] for c in ("key", "reason"))))
    assert reasons == {"1": "meets inclusion rules", "2": "meets inclusion rules", "3": "mechanism terms absent"}
    alone = screen_records(snap, {"clinical": clinical}, [], intervention=KETAMINE).log
    assert set(alone["reason"]) == {"mechanism terms absent"}
