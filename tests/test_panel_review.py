"""The judging panel over a built review: machine judgements that need a reviewer first, and GRADE overrides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_judge_abstention import _machine_corpus

from conftest import CORPUS
from litreview.cli.main import main
from litreview.corpus.decision_schema import GRADE_JUDGEMENTS, GRADE_TARGETS, GRADED_VERDICTS
from litreview.corpus.decisions import load_decisions
from litreview.synthesis.roles import judge_queue
from litreview.workbench.judging_panel import JudgingPanel
from litreview.workbench.pipeline import build_review


@pytest.fixture(scope="module")
def machine_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed corpus without curator judgements: the machine judges every pair."""
    return _machine_corpus(tmp_path_factory.mktemp("machine"))


def test_pairs_that_need_a_reviewer_come_first_as_in_screen_next(machine_corpus: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    corpus = Path(shutil.copytree(machine_corpus, tmp_path / "corpus"))
    review = build_review(corpus)
    panel = JudgingPanel.from_review(review, reviewer="alice")
    queue = judge_queue(review.studies)
    flagged = list(zip(queue.loc[queue["needs_reviewer"], "key"], queue.loc[queue["needs_reviewer"], "claim_id"]))
    assert len(flagged) > 1 and list(panel.needs_reviewer) == flagged  # one rule, one order
    assert panel.order[:len(flagged)] == flagged and panel.current == flagged[0]
    # the CLI lists the same pairs first, in the same order
    assert main(["screen", "next", "--stage", "judge", "--n", str(len(flagged) + 3), "--corpus", str(corpus)]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()[:-1]]
    assert [(r[1], r[2]) for r in rows if r[-1] == "needs a reviewer"] == flagged
    assert [(r[1], r[2]) for r in rows[:len(flagged)]] == flagged
    # the pair and the counts line say so
    assert "<b>Needs a reviewer:</b>" in panel.body.value and "at least 25% of the verdict's weight" in panel.body.value
    assert f"; {len(flagged)} unverified pairs need a reviewer before their verdict stands (listed first)" in \
        panel.progress.value and f"{len(flagged)} unverified pairs need a reviewer" in panel.summary()
    first = panel.current
    panel.buttons["confirm"].click()  # a person has now judged it: one fewer waits, the next flagged one shows
    assert f"; {len(flagged) - 1} unverified pairs need a reviewer" in panel.progress.value
    assert panel.current == flagged[1] and not panel.waiting_reviewer(first) and panel.waiting_reviewer(flagged[1])
    panel.buttons["previous"].click()
    assert "<b>Needs a reviewer:</b>" not in panel.body.value and "a person has judged it since" in panel.body.value
    # a pair that does not need one carries no banner
    panel.history, panel.position = [panel.order[-1]], 0
    panel._render()
    assert panel.order[-1] not in panel.needs_reviewer and "eeds a reviewer" not in panel.body.value


def test_panel_without_the_studies_table_says_it_cannot_tell(machine_corpus: Path) -> None:
    review = build_review(machine_corpus)
    panel = JudgingPanel(review.snapshot, review.claims, review.assessments, review.decisions, reviewer="bob")
    assert panel.needs_reviewer == () and "Needs a reviewer" not in panel.body.value
    assert "which need a reviewer is not known (build the panel with JudgingPanel.from_review)" in \
        panel.progress.value


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the committed (curated) corpus."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def _logged(corpus: Path, reviewer: str) -> list[dict]:
    """The JSON lines a reviewer appended, without their times."""
    path = corpus / "decisions" / f"{reviewer}.jsonl"
    return [{k: v for k, v in json.loads(line).items() if k != "time"} for line in path.read_text().splitlines()]


def test_grade_form_offers_the_cli_vocabularies(corpus: Path) -> None:
    form = JudgingPanel.from_review(build_review(corpus), reviewer="alice").grade
    assert [value for _, value in form.target.options] == list(GRADE_TARGETS)
    assert [value for _, value in form.level.options] == list(GRADE_JUDGEMENTS)
    form.target.value = "verdict"
    assert [value for _, value in form.level.options] == list(GRADED_VERDICTS)


def test_grade_override_from_the_panel_is_the_cli_decision_and_reaches_the_footnotes(
        corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    panel = JudgingPanel.from_review(build_review(corpus), reviewer="alice")
    claim = panel.current[1]
    form = panel.grade
    assert f"Overrides in force for {claim}:</b> none" in form.info.value and "<b>Rated</b>" in form.info.value
    form.target.value, form.level.value, form.reason.value = "imprecision", "very serious", "   "
    form.save_button.click()  # no reason: refused, visibly, nothing logged
    assert "not recorded: an override needs a reason" in form.message.value
    assert not (corpus / "decisions").exists()
    form.reason.value = "one trial of 20 patients"
    form.save_button.click()
    form.target.value, form.level.value, form.reason.value = "verdict", "contested", "the trials disagree"
    form.save_button.click()
    assert panel.current[1] == claim  # an override does not move the panel on
    assert ("imprecision: very serious (by alice: one trial of 20 patients); verdict: contested (by alice: the "
            "trials disagree)") in form.info.value
    assert form.level.value == "contested" and form.reason.value == ""
    logged = _logged(corpus, "alice")
    # the CLI, on another copy of the corpus, logs the same decisions
    other = Path(shutil.copytree(CORPUS, tmp_path / "other"))
    common = ["--stage", "grade", "--reviewer", "alice", "--corpus", str(other)]
    assert main(["decide", claim, "--domain", "imprecision", "--judgement", "very serious", "--reason",
                 "one trial of 20 patients", *common]) == 0
    assert main(["decide", claim, "--domain", "verdict", "--verdict", "contested", "--reason",
                 "the trials disagree", *common]) == 0
    assert logged == _logged(other, "alice")
    assert logged[0] == {"key": claim, "claim": claim, "stage": "grade", "domain": "imprecision",
                         "judgement": "very serious", "reason": "one trial of 20 patients", "reviewer": "alice"}
    capsys.readouterr()
    assert main(["decisions", "--corpus", str(corpus)]) == 0
    listed = capsys.readouterr().out
    assert "one trial of 20 patients" in listed and "contested" in listed and "2 decisions in" in listed
    verdict = next(v for v in build_review(corpus).verdicts if v.claim_id == claim)
    assert verdict.verdict_code == "contested"
    assert verdict.overrides == "imprecision: very serious (alice); verdict: contested (alice)"
    assert verdict.domain("imprecision").judgement == "very serious"
    notes = " ".join(verdict.footnotes)
    assert "set to very serious by reviewer alice: one trial of 20 patients" in notes
    assert "Verdict set to contested by reviewer alice: the trials disagree" in notes


def test_grade_override_needs_a_level_and_a_reviewer(corpus: Path) -> None:
    panel = JudgingPanel.from_review(build_review(corpus))
    form = panel.grade
    form.reason.value = "why not"
    form.save_button.click()
    assert "choose what to set it to" in form.message.value
    form.level.value = "serious"
    form.save_button.click()  # no reviewer named: the panel's status says why, nothing is written
    assert "not recorded" in form.message.value and "reviewer" in panel.status.value
    assert not (corpus / "decisions").exists() and load_decisions(corpus / "decisions.jsonl").decisions == ()


def test_counts_line_when_no_pair_needs_a_reviewer(corpus: Path) -> None:
    panel = JudgingPanel.from_review(build_review(corpus), reviewer="alice")  # the curator judged every pair
    assert panel.needs_reviewer == () and panel.progress.value.endswith("; no unverified pair needs a reviewer")
