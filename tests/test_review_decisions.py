"""Decisions flowing through the pipeline: screening log, pairs, assessments, what synthesis receives."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from test_screen import BDNF, CLAIMS, article, snapshot_of

from conftest import CORPUS, KETAMINE
from litreview.corpus.claims import Claim
from litreview.corpus.decision_schema import make_decision
from litreview.corpus.decisions import DecisionLog, load_decisions
from litreview.corpus.records import Article, MeshHeading, PublicationType
from litreview.corpus.snapshot import Provenance, load_snapshot, write_snapshot
from litreview.evidence.scoring import assessments_to_frame, score_evidence
from litreview.screening.rules import screen_records
from litreview.workbench.pipeline import build_review

CLAIM = Claim("cortisol_reduction", "stress_hpa", "mechanism", "ketamine decreases cortisol", "ketamine",
              "decreases", "cortisol", ())
RCT = Article(pmid="1", title="Ketamine and cortisol: a randomized controlled trial",
              abstract="A total of 120 patients with depression were randomized. CONCLUSIONS: Ketamine lowered "
                       "cortisol.",
              publication_types=(PublicationType("Randomized Controlled Trial"),),
              mesh_headings=(MeshHeading("Humans"),), languages=("eng",))
T1, T2, T3 = "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"


def log_of(*decisions) -> DecisionLog:
    """An in-memory log."""
    return DecisionLog(tuple(decisions))


# -- scoring ---------------------------------------------------------------------------------------


def test_machine_only_pair_is_unverified() -> None:
    [a] = score_evidence([RCT], [CLAIM], [("1", CLAIM.id)], decisions=log_of())
    assert (a.judged_by, a.review_status, a.direction) == ("automatic", "unverified", "supports")


def test_reviewer_judgement_overrides_the_machine_and_rescoring_follows() -> None:
    decision = make_decision("1", "judge", "alice", claim=CLAIM.id, direction="contradicts", design="cohort",
                             n=30, reason="cortisol rose in the ketamine arm", time=T1)
    [machine] = score_evidence([RCT], [CLAIM], [("1", CLAIM.id)])
    [a] = score_evidence([RCT], [CLAIM], [("1", CLAIM.id)], decisions=log_of(decision))
    assert (a.judged_by, a.review_status) == ("reviewer:alice", "verified")
    assert (a.direction, a.design, a.sample_size, a.sample_size_span) == ("contradicts", "cohort", 30, "reviewer")
    assert a.direction_sentence == "reviewer:alice: cortisol rose in the ketamine arm"
    assert (a.auto_direction, a.auto_design, a.auto_n) == ("supports", "rct", 120)  # the proposal stays visible
    assert a.population == machine.population  # a field the reviewer left alone keeps the machine's value
    assert a.score < machine.score and a.rationale.startswith("cohort")


def test_two_reviewers_disagreeing_leave_the_pair_in_conflict() -> None:
    log = log_of(make_decision("1", "judge", "alice", claim=CLAIM.id, direction="contradicts", time=T1),
                 make_decision("1", "judge", "bob", claim=CLAIM.id, direction="supports", time=T2))
    [a] = score_evidence([RCT], [CLAIM], [("1", CLAIM.id)], decisions=log)
    assert a.review_status == "disputed" and a.judged_by == "automatic"
    resolved = log_of(*log, make_decision("1", "judge", "carol", claim=CLAIM.id, direction="no_effect",
                                          resolution=True, time=T3))
    [a] = score_evidence([RCT], [CLAIM], [("1", CLAIM.id)], decisions=resolved)
    assert (a.review_status, a.judged_by, a.direction) == ("verified", "reviewer:carol", "no_effect")


# -- screening -------------------------------------------------------------------------------------


def test_reviewer_exclusion_shows_in_the_screening_log_with_its_reason() -> None:
    records = [article("1", "Ketamine increases BDNF in depression"), article("2", "Ketamine and BDNF in rats")]
    log = log_of(make_decision("1", "screen", "alice", decision="exclude", reason="wrong study design", time=T1))
    result = screen_records(snapshot_of(records), {"bdnf": BDNF}, CLAIMS, log, KETAMINE)
    row = result.log.set_index("key").loc["1"]
    assert (row["decision"], row["reason"], row["screened_by"]) == ("excluded", "wrong study design", "reviewer:alice")
    assert result.log.set_index("key").loc["2", "screened_by"] == "rules"
    assert result.included() == ["2"] and all(k != "1" for k, _ in result.pairs)
    counts = result.counts.set_index("mechanism").loc["bdnf"]
    assert counts["excluded: wrong study design"] == 1 and counts["excluded"] == 1 and counts["disputed"] == 0


def test_reviewer_inclusion_and_judgement_bring_a_rule_excluded_record_to_scoring() -> None:
    records = [article("1", "BDNF in stressed rats", abstract="BDNF was lower in stressed rats.")]  # no ketamine: out
    log = log_of(make_decision("1", "screen", "alice", decision="include", time=T1),
                 make_decision("1", "judge", "alice", claim="bdnf_increase", direction="no_effect", time=T1))
    plain = screen_records(snapshot_of(records), {"bdnf": BDNF}, CLAIMS, intervention=KETAMINE)
    result = screen_records(snapshot_of(records), {"bdnf": BDNF}, CLAIMS, log, KETAMINE)
    assert plain.included() == [] and result.included() == ["1"]
    assert ("1", "bdnf_increase") in result.pairs


def test_a_screening_conflict_keeps_the_record_visible_as_disputed() -> None:
    records = [article("1", "Ketamine increases BDNF in depression")]
    log = log_of(make_decision("1", "screen", "alice", decision="exclude", reason="off topic", time=T1),
                 make_decision("1", "screen", "bob", decision="include", time=T2))
    result = screen_records(snapshot_of(records), {"bdnf": BDNF}, CLAIMS, log, KETAMINE)
    row = result.log.iloc[0]
    assert row["decision"] == "disputed" and row["reason"].startswith("reviewers disagree: alice: exclude (off topic)")
    assert row["stage"] == "title/abstract" and result.disputed() == ["1"] and result.included() == []
    assert ("1", "bdnf_increase") in result.pairs  # it goes on to scoring, marked disputed there
    counts = result.counts.set_index("mechanism").loc["bdnf"]
    assert (counts["screened"], counts["excluded"], counts["screen_disputed"], counts["assessed"],
            counts["included"], counts["disputed"]) == (1, 0, 1, 0, 0, 1)
    assessments = score_evidence(records, CLAIMS, result.pairs, decisions=log)
    assert {a.review_status for a in assessments} == {"disputed"}


# -- end to end through build_review --------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the committed corpus to add decisions to."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def _curated(corpus: Path) -> dict:
    """The first curator judgement of the committed snapshot."""
    return json.loads((corpus / "snapshot" / "curated.jsonl").read_text(encoding="utf-8").splitlines()[0])


def test_a_judge_decision_changes_what_synthesis_receives(corpus: Path) -> None:
    first = _curated(corpus)
    key, claim = first["key"], first["claim_id"]
    before = assessments_to_frame(build_review(corpus).assessments).set_index(["key", "claim_id"]).loc[(key, claim)]
    assert (before["judged_by"], before["review_status"], before["direction"]) == (
        "curator", "verified", first["direction"])
    log = DecisionLog(path=corpus / "decisions.jsonl")
    log = log.append(make_decision(key, "judge", "alice", claim=claim, direction="contradicts", time=T1))
    review = build_review(corpus)
    frame = assessments_to_frame(review.assessments).set_index(["key", "claim_id"])
    assert frame.loc[(key, claim), "review_status"] == "disputed"  # alice against the curator: a conflict
    log = load_decisions(corpus / "decisions.jsonl", load_snapshot(corpus / "snapshot"))
    log.append(make_decision(key, "judge", "carol", claim=claim, direction="contradicts", resolution=True, time=T2))
    after = assessments_to_frame(build_review(corpus).assessments).set_index(["key", "claim_id"]).loc[(key, claim)]
    assert (after["judged_by"], after["review_status"], after["direction"]) == (
        "reviewer:carol", "verified", "contradicts")
    assert after["curated_direction"] == first["direction"]  # the register's reading stays visible


def test_the_curator_alone_gives_what_the_register_gave(corpus: Path) -> None:
    (corpus / "decisions.jsonl").unlink(missing_ok=True)
    review = build_review(corpus)  # the curator's judgements go through the decisions log
    mechanisms, claims, snapshot = review.mechanisms, review.claims, review.snapshot
    plain = screen_records(snapshot, mechanisms, claims, intervention=KETAMINE)  # ... here they do not
    assert review.screening.log.equals(plain.log)
    assert review.assessments == score_evidence(snapshot.records, claims, plain.pairs, snapshot.curated)


def _verdict(corpus: Path, claim_id: str, **options: bool):
    """The verdict of one claim in the review built from ``corpus``."""
    return next(v for v in build_review(corpus, **options).verdicts if v.claim_id == claim_id)


def test_decisions_change_a_verdict_end_to_end(corpus: Path) -> None:
    costi = "36620306"  # the cortisol RCT the curator read as no effect
    before = _verdict(corpus, "cortisol_reduction")
    assert (before.verdict_code, before.body_counts) == ("not_supported", {"no_effect": 1, "contradicts": 2})
    log = DecisionLog(path=corpus / "decisions.jsonl")
    log = log.append(make_decision(costi, "judge", "alice", claim="cortisol_reduction", direction="contradicts",
                                   reason="salivary cortisol rose after the stressor in both arms", time=T1))
    conflicted = _verdict(corpus, "cortisol_reduction")
    assert conflicted.n_conflicts == 1 and conflicted.n_body == 2  # left out until resolved
    assert any("disputed by reviewers" in note and "Costi 2022" in note for note in conflicted.footnotes)
    # the verdict with the disputed study voting (at the curator's reading, still in use) is shown beside it
    assert conflicted.verdict_code != before.verdict_code and conflicted.verdict_with_disputed == "not_supported"
    assert any(note.startswith("Disputed by reviewers, left out of the vote until resolved: Costi 2022")
               and "would be not supported" in note for note in conflicted.footnotes)
    log = load_decisions(corpus / "decisions.jsonl", load_snapshot(corpus / "snapshot"))
    log.append(make_decision(costi, "judge", "carol", claim="cortisol_reduction", direction="contradicts",
                             resolution=True, time=T2))
    after = _verdict(corpus, "cortisol_reduction")
    assert (after.verdict_code, after.body_counts, after.n_conflicts) == ("contradicted", {"contradicts": 3}, 0)


def test_a_machine_only_judgement_rates_the_verdict_down_or_is_left_out(corpus: Path) -> None:
    # a PubMed record that no person has judged: its direction is the machine's proposal
    snapshot = load_snapshot(corpus / "snapshot")
    record = dataclasses.replace(RCT, pmid="99999901", title="Ketamine and cortisol in depression: an RCT",
                                 abstract="120 patients were randomized to ketamine or saline. CONCLUSIONS: Cortisol "
                                          "rose after ketamine compared with saline.")
    search = snapshot.searches["stress_hpa"]
    write_snapshot(dataclasses.replace(
        snapshot, records=(*snapshot.records, record),
        searches={**snapshot.searches, "stress_hpa": dataclasses.replace(search, keys=(*search.keys, "99999901"))},
        provenance={**snapshot.provenance, "99999901": Provenance("99999901", "pubmed", "2026-11-29",
                                                                  queries=("stress_hpa",))}), corpus / "snapshot")
    rated = _verdict(corpus, "cortisol_reduction")
    assert rated.n_unverified == 1 and rated.domain("other").change == -1
    assert "machine's proposals" in rated.domain("other").reason
    left_out = _verdict(corpus, "cortisol_reduction", exclude_unverified=True)
    assert left_out.domain("other").change == 0 and left_out.n_body == rated.n_body - 1
