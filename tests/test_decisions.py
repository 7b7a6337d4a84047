"""The decisions log: validation, latest-wins, conflicts and resolutions, the curator as a reviewer, kappa."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from litreview.corpus.decision_schema import CURATOR, check_reviewer, make_decision
from litreview.corpus.decisions import DecisionLog, cohen_kappa, load_decisions
from litreview.corpus.records import Article
from litreview.corpus.snapshot import CuratedJudgement, Provenance, Snapshot
from litreview.errors import CorpusError


def write_log(path: Path, *rows: dict) -> Path:
    """A decisions.jsonl with these rows."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def screen(key: str, reviewer: str, time: str, decision: str = "include", reason: str | None = None, **kw) -> dict:
    """One screen-stage row."""
    default = "meets inclusion criteria" if decision == "include" else "off topic"
    return {"key": key, "stage": "screen", "reviewer": reviewer, "time": time, "decision": decision,
            "reason": reason or default, **kw}


def judge(key: str, claim: str, reviewer: str, time: str, **values) -> dict:
    """One judge-stage row."""
    return {"key": key, "claim": claim, "stage": "judge", "reviewer": reviewer, "time": time, **values}


# -- reading and validating -------------------------------------------------------------------


def test_missing_file_is_an_empty_log(tmp_path: Path) -> None:
    log = load_decisions(tmp_path / "decisions.jsonl")
    assert len(log) == 0 and log.outcomes() == {} and log.conflicts().empty


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("not json", r"line 2: invalid JSON"),
        ({"key": "1", "stage": "screen", "reviewer": "a", "time": "2026-01-01T00:00:00Z", "decision": "include",
          "reason": "meets inclusion criteria", "reviwer": "x"}, r"line 2: unknown field 'reviwer' \(did you mean "
                                                                  r"'reviewer'\?\)"),
        (screen("1", "a", "2026-01-01T00:00:00Z", "exclude", "wrong dose"),
         r"line 2: unknown reason to exclude 'wrong dose'"),
        (screen("1", "a", "2026-01-01 10:00"), r"line 2: time must be ISO 8601 with a time zone"),
        (screen("1", "a b", "2026-01-01T00:00:00Z"), r"line 2: reviewer must be one word"),
        (judge("1", "c", "a", "2026-01-01T00:00:00Z"), r"line 2: a judge decision gives at least one of"),
        (judge("1", "c", "a", "2026-01-01T00:00:00Z", direction="supportz"),
         r"line 2: unknown direction 'supportz' \(did you mean 'supports'\?\)"),
        (judge("1", "c", "a", "2026-01-01T00:00:00Z", n=0), r"line 2: n must be a positive whole number"),
        ({**judge("1", "c", "a", "2026-01-01T00:00:00Z", direction="supports"), "claim": None},
         r"line 2: a judge decision needs a claim"),
        ({**screen("1", "a", "2026-01-01T00:00:00Z"), "claim": "c"}, r"line 2: a screen decision is about a record"),
        ({**screen("1", "a", "2026-01-01T00:00:00Z"), "time": None}, r"line 2: missing field 'time'"),
    ],
)
def test_bad_line_is_one_error_naming_file_and_line(tmp_path: Path, row: object, message: str) -> None:
    path = tmp_path / "decisions.jsonl"
    good = json.dumps(screen("1", "a", "2026-01-01T00:00:00Z"))
    path.write_text(good + "\n" + (row if isinstance(row, str) else json.dumps(row)) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message) as info:
        load_decisions(path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_times_are_stored_in_utc_and_round_trip(tmp_path: Path) -> None:
    decision = make_decision("1", "judge", "alice", time="2026-03-01T10:00:00+02:00", claim="c", direction="mixed",
                             n=12, note="two cohorts")
    assert decision.time == "2026-03-01T08:00:00Z"
    log = DecisionLog(path=tmp_path / "d.jsonl").append(decision)
    assert load_decisions(log.path).decisions == (decision,)
    assert json.loads(log.path.read_text()) == {
        "key": "1", "stage": "judge", "reviewer": "alice", "time": "2026-03-01T08:00:00Z", "claim": "c",
        "direction": "mixed", "n": 12, "note": "two cohorts"}


def test_append_goes_to_the_reviewers_own_file_and_both_are_read(tmp_path: Path) -> None:
    path = write_log(tmp_path / "d.jsonl", screen("1", "a", "2026-01-01T00:00:00Z"))
    before = path.read_bytes()
    log = load_decisions(path).append(make_decision("1", "screen", "a", decision="exclude", reason="off topic"))
    assert path.read_bytes() == before  # the shared log is left alone
    assert len((tmp_path / "d" / "a.jsonl").read_text().splitlines()) == 1
    assert [d.line for d in log] == [1, 2]
    again = load_decisions(path)
    assert [d.decision for d in again] == ["include", "exclude"] and again.outcome("1", None, "screen").values == {
        "decision": "exclude"}


# -- latest wins, history kept ---------------------------------------------------------------------


def test_latest_decision_per_reviewer_wins_by_time_not_by_line(tmp_path: Path) -> None:
    path = write_log(
        tmp_path / "d.jsonl",
        screen("1", "alice", "2026-01-02T00:00:00Z", "exclude", "wrong population"),
        screen("1", "alice", "2026-01-01T00:00:00Z", "include"),  # older, though written later (merged logs)
        screen("2", "alice", "2026-01-01T00:00:00Z", "include"),
        screen("2", "alice", "2026-01-01T00:00:00Z", "exclude"),  # same second: the later line wins
    )
    log = load_decisions(path)
    assert len(log) == 4 and len(log.to_frame()) == 4  # history kept
    first, second = log.outcome("1", None, "screen"), log.outcome("2", None, "screen")
    assert first is not None and first.values == {"decision": "exclude"} and first.reason == "wrong population"
    assert second is not None and second.values == {"decision": "exclude"} and second.judged_by == "reviewer:alice"
    assert list(log.to_frame()["time"]) == sorted(log.to_frame()["time"])


# -- two reviewers: conflicts and resolutions ------------------------------------------------------


def test_disagreement_is_a_conflict_until_a_resolution(tmp_path: Path) -> None:
    rows = [
        judge("1", "c", "alice", "2026-01-01T00:00:00Z", direction="supports", design="rct"),
        judge("1", "c", "bob", "2026-01-02T00:00:00Z", direction="contradicts", design="rct"),
        judge("2", "c", "alice", "2026-01-01T00:00:00Z", direction="supports"),
        judge("2", "c", "bob", "2026-01-01T00:00:00Z", direction="supports", n=40),
    ]
    log = load_decisions(write_log(tmp_path / "d.jsonl", *rows))
    conflict, agreed = log.outcome("1", "c", "judge"), log.outcome("2", "c", "judge")
    assert conflict is not None and conflict.status == "conflict" and conflict.conflicting == ("direction",)
    assert conflict.values == {"design": "rct"} and conflict.judged_by is None
    assert agreed is not None and agreed.status == "decided" and agreed.values == {"direction": "supports", "n": 40}
    table = log.conflicts()
    assert list(table["key"]) == ["1"] and table.loc[0, "fields"] == "direction"
    assert table.loc[0, "decisions"] == "alice: direction supports, design rct; bob: direction contradicts, design rct"

    resolved = log.append(make_decision("1", "judge", "carol", claim="c", direction="no_effect", resolution=True,
                                        reason="primary outcome null", time="2026-01-03T00:00:00Z"))
    outcome = resolved.outcome("1", "c", "judge")
    assert outcome is not None and outcome.status == "decided" and outcome.judged_by == "reviewer:carol"
    assert outcome.values == {"design": "rct", "direction": "no_effect"}
    assert resolved.conflicts().empty
    assert resolved.reviewers() == ["alice", "bob"]  # a resolution is not a third independent reading


def _curated_snapshot() -> Snapshot:
    """One curated record with the curator's judgement, built on 2026-11-29."""
    article = Article(pmid="9", title="Ketamine and BDNF in rats", source="curated", curated_summary="BDNF rose.")
    judgement = CuratedJudgement("9", "bdnf_increase", "bdnf", "supports", design="animal", n=20)
    return Snapshot(records=(article,), searches={}, provenance={"9": Provenance("9", "curated", "2026-11-29")},
                    curated=(judgement,))


def test_curator_counts_as_one_reviewer(tmp_path: Path) -> None:
    path = write_log(tmp_path / "d.jsonl", judge("9", "bdnf_increase", "alice", "2026-12-01T00:00:00Z",
                                                 direction="contradicts"))
    log = load_decisions(path, _curated_snapshot())
    curator = log.outcomes()[("9", "bdnf_increase", "judge")]
    assert curator.status == "conflict" and [d.reviewer for d in curator.decisions] == ["alice", CURATOR]
    assert log.outcome("9", None, "screen").judged_by == "curator"  # type: ignore[union-attr]
    # the curator's register judgement, in the log's vocabulary
    register = next(d for d in log if d.reviewer == CURATOR and d.stage == "judge")
    assert (register.design, register.population, register.n, register.time) == (
        "experimental", "animal", 20, "2026-11-29T00:00:00Z")


def test_a_later_curator_decision_replaces_the_register(tmp_path: Path) -> None:
    path = write_log(tmp_path / "d.jsonl", judge("9", "bdnf_increase", CURATOR, "2026-12-01T00:00:00Z",
                                                 direction="mixed"))
    outcome = load_decisions(path, _curated_snapshot()).outcome("9", "bdnf_increase", "judge")
    # the whole later decision replaces the register's (scoring keeps the register's other fields underneath)
    assert outcome is not None and outcome.status == "decided" and outcome.values == {"direction": "mixed"}


# -- Cohen's kappa ---------------------------------------------------------------------------------


def test_kappa_on_a_table_computed_by_hand() -> None:
    # 10 items: both include 4, both exclude 3, a include/b exclude 2, a exclude/b include 1.
    # observed p_o = 7/10; a includes 6/10, b 5/10: p_e = .6*.5 + .4*.5 = .5; kappa = (.7 - .5)/(1 - .5) = 0.4
    first = ["include"] * 4 + ["exclude"] * 3 + ["include"] * 2 + ["exclude"]
    second = ["include"] * 4 + ["exclude"] * 3 + ["exclude"] * 2 + ["include"]
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa(first, second) == pytest.approx(cohen_kappa_score(first, second))
    assert math.isnan(cohen_kappa(["include"] * 3, ["include"] * 3))  # undefined, not a warning


def test_kappa_per_stage_between_every_two_reviewers(tmp_path: Path) -> None:
    first = ["include"] * 4 + ["exclude"] * 3 + ["include"] * 2 + ["exclude"]
    second = ["include"] * 4 + ["exclude"] * 3 + ["exclude"] * 2 + ["include"]
    rows = [screen(str(i), "alice", "2026-01-01T00:00:00Z", d) for i, d in enumerate(first)]
    rows += [screen(str(i), "bob", "2026-01-01T00:00:00Z", d) for i, d in enumerate(second)]
    rows += [judge("1", "c", "alice", "2026-01-01T00:00:00Z", direction="supports"),
             judge("1", "c", "bob", "2026-01-01T00:00:00Z", direction="supports"),
             judge("2", "c", "alice", "2026-01-01T00:00:00Z", direction="no_effect"),
             judge("2", "c", "bob", "2026-01-01T00:00:00Z", direction="contradicts"),
             judge("2", "c", "carol", "2026-01-02T00:00:00Z", direction="no_effect", resolution=True)]
    kappa = load_decisions(write_log(tmp_path / "d.jsonl", *rows)).kappa()
    assert list(zip(kappa["stage"], kappa["reviewer_a"], kappa["reviewer_b"], kappa["items"])) == [
        ("screen", "alice", "bob", 10), ("judge", "alice", "bob", 2)]
    assert kappa["kappa"].iloc[0] == pytest.approx(0.4) and kappa["agreement"].iloc[0] == pytest.approx(0.7)
    assert kappa["agreement"].iloc[1] == pytest.approx(0.5)


# -- one file per reviewer, names, resolutions ----------------------------------------------------


def test_a_reviewers_file_holds_only_their_decisions(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    write_log(tmp_path / "d" / "alice.jsonl", screen("1", "bob", "2026-01-01T00:00:00Z"))
    with pytest.raises(CorpusError, match=r"line 1: a decision by 'bob' in 'alice''s file"):
        load_decisions(tmp_path / "d.jsonl")


@pytest.mark.parametrize("name", ["", "a" * 65, "al ice", "alice\n", "al\x00ice", ".", "..", "-a", "a/b"])
def test_reviewer_names_that_could_not_name_a_file_are_refused(name: str) -> None:
    with pytest.raises(CorpusError, match="reviewer must be one word"):
        check_reviewer(name)


def test_reviewer_names_up_to_64_characters_are_fine() -> None:
    assert check_reviewer("a" * 64) == "a" * 64 and check_reviewer("j.doe@lab-1") == "j.doe@lab-1"


def test_a_resolution_needs_a_conflict_and_settles_it(tmp_path: Path) -> None:
    log = load_decisions(tmp_path / "d.jsonl")
    with pytest.raises(CorpusError, match="no conflict to resolve on 1 at the fulltext stage"):
        log.append(make_decision("1", "fulltext", "carol", decision="include", resolution=True))
    assert not (tmp_path / "d").exists()  # nothing written
    log = log.append(make_decision("1", "fulltext", "alice", decision="include", time="2026-01-01T00:00:00Z"))
    log = log.append(make_decision("1", "fulltext", "bob", decision="exclude", reason="wrong outcome",
                                   time="2026-01-02T00:00:00Z"))
    assert log.disputed_records() == {"1": "fulltext"}
    log = log.append(make_decision("1", "fulltext", "carol", decision="include", resolution=True,
                                   note="outcome in table 2", time="2026-01-03T00:00:00Z"))
    assert log.disputed_records() == {} and load_decisions(tmp_path / "d.jsonl").outcome(
        "1", None, "fulltext").judged_by == "reviewer:carol"


def test_a_grade_override_is_an_orphan_only_when_its_claim_is_gone(tmp_path: Path) -> None:
    """A GRADE override's key is its claim, not a record: it counts as an orphan only once the claim is removed."""
    log = load_decisions(tmp_path / "decisions.jsonl")
    for claim in ("rapid_onset", "gone_claim"):
        log = log.append(make_decision(claim, "grade", "alice", claim=claim, domain="imprecision",
                                       judgement="serious", reason="small trials"))
    assert [(d.key, why) for d, why in log.orphans(["10686270"], ["rapid_onset"])] == [
        ("gone_claim", "claim 'gone_claim' is not in the claims register")]
