"""The notebook panels, driven from Python by clicking their buttons (no browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_screen import BDNF, CLAIMS, article, snapshot_of

from conftest import CORPUS
from litreview.corpus.decisions import load_decisions
from litreview.corpus.layout import load_corpus
from litreview.evidence.scoring import score_evidence
from litreview.screening.rules import screen_records
from litreview.workbench.panels import JudgingPanel, ScreeningPanel, highlight


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    """Where the panel's clicks go."""
    return tmp_path / "decisions.jsonl"


def _snapshot():
    """Five PubMed-like records for the bdnf search."""
    return snapshot_of([
        article("1", "Ketamine increases BDNF in depression"), article("2", "Ketamine BDNF plasticity in rats"),
        article("3", "Ketamine and BDNF in serum", abstract="Ketamine raised serum BDNF in 30 patients."),
        article("4", "Ketamine anaesthesia in children", abstract="Ketamine was safe for sedation."),
        article("5", "Ketamine increases BDNF signalling"),
    ])


def test_highlight_marks_whole_words_and_escapes() -> None:
    text = highlight("Ketamine-induced BDNF <rise> in ketamine users", ["ketamin*", "BDNF"])
    assert text.count("<mark") == 3 and "&lt;rise&gt;" in text
    assert ">Ketamine-induced</mark>" in text


def test_screening_panel_logs_each_click_and_retrains(log_path: Path) -> None:
    snapshot = _snapshot()
    panel = ScreeningPanel(snapshot, {"bdnf": BDNF}, CLAIMS, load_decisions(log_path, snapshot), reviewer="alice")
    assert not log_path.exists()  # building the panel writes nothing
    first = panel.current
    assert panel.state.ranked_by == "rules" and "Ketamine" in panel.body.value and "<mark" in panel.body.value
    panel.buttons["include"].click()
    mine = log_path.parent / "decisions" / "alice.jsonl"  # each reviewer appends to their own file
    assert panel.current != first and mine.read_text().count("\n") == 1 and not log_path.exists()
    second = panel.current
    panel.exclude_reason.value = "wrong population"
    panel.reason.value = "adolescents only"
    panel.buttons["exclude"].click()
    assert panel.state.ranked_by == "model" and panel.state.includes_left is not None
    assert "includes left among the 3 unscreened (95 % upper bound" in panel.progress.value
    assert "2 of 5 screened, 1 since the last include" in panel.progress.value
    log = load_decisions(log_path)
    assert [(d.key, d.decision, d.reason, d.note) for d in log] == [
        (first, "include", "meets inclusion criteria", None), (second, "exclude", "wrong population",
                                                               "adolescents only")]
    panel.buttons["previous"].click()
    assert panel.current == second and "alice: exclude (wrong population)" in panel.body.value
    panel.include()  # change one's mind: the latest decision wins
    assert load_decisions(log_path).outcome(second, None, "screen").values == {"decision": "include"}


def test_screening_panel_refuses_a_click_without_a_reviewer(log_path: Path) -> None:
    snapshot = _snapshot()
    panel = ScreeningPanel(snapshot, {"bdnf": BDNF}, CLAIMS, load_decisions(log_path, snapshot))
    shown = panel.current
    panel.buttons["include"].click()
    assert "not recorded" in panel.status.value and "reviewer" in panel.status.value
    assert panel.current == shown and not log_path.exists() and not (log_path.parent / "decisions").exists()


def test_screening_panel_ends_when_nothing_is_left(log_path: Path) -> None:
    snapshot = _snapshot()
    panel = ScreeningPanel(snapshot, {"bdnf": BDNF}, CLAIMS, load_decisions(log_path, snapshot), reviewer="bob")
    for _ in range(5):
        panel.buttons["include"].click()
    assert panel.current is None and "Nothing left" in panel.body.value
    assert "nothing left" in panel.summary() and "5 of 5 screened" in panel.summary()


def test_judging_panel_accepts_or_changes_the_proposal(tmp_path: Path) -> None:
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    mechanisms, claims, snapshot = load_corpus(corpus)
    decisions = load_decisions(corpus / "decisions.jsonl", snapshot)
    screening = screen_records(snapshot, mechanisms, claims, decisions)
    assessments = score_evidence(snapshot.records, claims, screening.pairs, snapshot.curated, decisions=decisions)
    before = (corpus / "decisions.jsonl").read_bytes()
    panel = JudgingPanel(snapshot, claims, assessments, decisions, reviewer="carol")
    assert (corpus / "decisions.jsonl").read_bytes() == before  # building the panel writes nothing
    key, claim = panel.current
    assert "Machine proposes:" in panel.body.value and panel.direction.value == panel.proposals[(key, claim)].direction
    panel.buttons["accept"].click()
    accepted = load_decisions(corpus / "decisions.jsonl").outcome(key, claim, "judge")
    assert accepted is not None and accepted.values["direction"] == panel.proposals[(key, claim)].direction
    assert accepted.reason == "accepted the machine's proposal"
    second = panel.current
    assert second != (key, claim)
    panel.direction.value, panel.n.value, panel.reason.value = "contradicts", "abc", "BDNF fell"
    panel.buttons["save"].click()
    assert "n must be a whole number" in panel.status.value and panel.current == second
    panel.n.value = "24"
    panel.buttons["save"].click()
    saved = load_decisions(corpus / "decisions.jsonl").outcome(*second, "judge")
    assert saved is not None and saved.values["direction"] == "contradicts" and saved.values["n"] == 24
    assert saved.reason == "BDNF fell" and panel.current not in {(key, claim), second}
    assert "2 of 172 pairs judged by this reviewer" in panel.summary()
