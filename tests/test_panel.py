"""The notebook panels, driven from Python by clicking their buttons (no browser)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_screen import BDNF, CLAIMS, article, snapshot_of

from conftest import CORPUS
from litreview.corpus.decisions import load_decisions
from litreview.corpus.layout import load_corpus
from litreview.evidence.scoring import score_evidence
from litreview.screening.rules import screen_records
from litreview.workbench.judging_panel import JudgingPanel
from litreview.workbench.panels import ScreeningPanel, highlight


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
    assert "2 of 5 screened by this reviewer, 1 since the last include" in panel.progress.value
    assert "in the review 2 decided, 0 disputed" in panel.progress.value  # live: updated by the click
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


def _judging_panel(tmp_path: Path, reviewer: str = "carol") -> tuple[Path, JudgingPanel]:
    """A judging panel over a copy of the committed corpus."""
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    mechanisms, claims, snapshot = load_corpus(corpus)
    decisions = load_decisions(corpus / "decisions.jsonl", snapshot)
    screening = screen_records(snapshot, mechanisms, claims, decisions)
    assessments = score_evidence(snapshot.records, claims, screening.pairs, snapshot.curated, decisions=decisions)
    return corpus, JudgingPanel(snapshot, claims, assessments, decisions, reviewer=reviewer)


def _logged(corpus: Path, reviewer: str) -> list[dict]:
    """The JSON lines a reviewer's clicks appended."""
    return [json.loads(line) for line in (corpus / "decisions" / f"{reviewer}.jsonl").read_text().splitlines()]


def test_judging_panel_starts_from_the_judgement_in_use(tmp_path: Path) -> None:
    corpus, panel = _judging_panel(tmp_path)
    assert not (corpus / "decisions").exists()  # building the panel writes nothing
    curated = next(pair for pair in panel.order if panel.assessments[pair].judged_by == "curator"
                   and panel.proposals[pair].direction != panel.assessments[pair].direction)
    panel.history, panel.position = [curated], 0
    panel._render()
    a = panel.assessments[curated]
    assert panel.direction.value == a.direction != panel.proposals[curated].direction  # not the machine's
    assert f"In use:</b> direction {a.direction}" in panel.body.value and "(set by curator)" in panel.body.value
    panel.buttons["confirm"].click()  # the primary action confirms what is in use: no conflict with the curator
    outcome = load_decisions(corpus / "decisions.jsonl", panel.snapshot).outcome(*curated, "judge")
    assert outcome.status == "decided" and outcome.values["direction"] == a.direction
    assert _logged(corpus, "carol")[0]["reason"] == "confirmed the judgement in use"


def test_judging_panel_saves_only_the_changed_fields_and_counts_live(tmp_path: Path) -> None:
    corpus, panel = _judging_panel(tmp_path)
    first = panel.current
    assert "0 of 172 pairs judged by this reviewer; in the review 172 decided, 0 unverified, 0 disputed" in \
        panel.progress.value  # the curator judged every pair of the shipped corpus
    panel.buttons["save"].click()
    assert "nothing changed" in panel.status.value and panel.current == first
    changed = next(d for d in ("contradicts", "supports") if d != panel.direction.value)
    panel.direction.value, panel.n.value, panel.reason.value = changed, "abc", "BDNF fell"
    panel.buttons["save"].click()
    assert "n must be a whole number" in panel.status.value and panel.current == first
    panel.n.value = "" if panel.assessments[first].sample_size is None else str(panel.assessments[first].sample_size)
    panel.buttons["save"].click()
    row = _logged(corpus, "carol")[0]
    assert row["direction"] == changed and not {"design", "population", "n"} & set(row) and row["reason"] == "BDNF fell"
    assert panel.current != first
    assert "1 of 172 pairs judged by this reviewer; in the review 171 decided, 0 unverified, 1 disputed" in \
        panel.progress.value  # updated after the click: carol now disagrees with the curator
    second = panel.current
    panel.buttons["accept"].click()  # the machine's proposal, on request
    accepted = load_decisions(corpus / "decisions.jsonl").outcome(*second, "judge")
    assert accepted.values["direction"] == panel.proposals[second].direction
    assert accepted.reason == "accepted the machine's proposal"


def test_judging_panel_resolves_a_conflict(tmp_path: Path) -> None:
    corpus, panel = _judging_panel(tmp_path)
    pair = next(p for p in panel.order if panel.assessments[p].judged_by == "curator")
    other = next(d for d in ("contradicts", "supports") if d != panel.assessments[pair].direction)
    panel.history, panel.position = [pair], 0
    panel._render()
    panel.direction.value = other
    panel.buttons["save"].click()  # carol disagrees with the curator: a conflict
    assert "1 disputed" in panel.progress.value
    resolver = JudgingPanel(panel.snapshot, list(panel.claims.values()), list(panel.assessments.values()),
                            panel.decisions, reviewer="dana")
    resolver.mode.value = "conflicts"
    assert resolver.current == pair and "curator: " in resolver.body.value and f"carol: direction {other}" in \
        resolver.body.value  # the resolution queue shows every decision
    resolver.buttons["resolve"].click()
    assert "a resolution says why" in resolver.status.value
    resolver.reason.value = "the abstract reports the opposite"
    resolver.buttons["resolve"].click()
    outcome = load_decisions(corpus / "decisions.jsonl", panel.snapshot).outcome(*pair, "judge")
    assert outcome.status == "decided" and outcome.decided_by.reviewer == "dana" and outcome.decided_by.resolution
    assert outcome.decided_by.note == "the abstract reports the opposite"
    assert resolver.current is None and "0 disputed" in resolver.progress.value


def test_screening_panel_resolves_a_conflict(log_path: Path) -> None:
    snapshot = _snapshot()
    alice = ScreeningPanel(snapshot, {"bdnf": BDNF}, CLAIMS, load_decisions(log_path, snapshot), reviewer="alice")
    key = alice.current
    alice.include()
    bob = ScreeningPanel(snapshot, {"bdnf": BDNF}, CLAIMS, load_decisions(log_path, snapshot), reviewer="bob")
    bob.history, bob.position = [key], 0
    bob.exclude("wrong population")
    assert "1 disputed" in bob.progress.value
    carol = ScreeningPanel(snapshot, {"bdnf": BDNF}, CLAIMS, load_decisions(log_path, snapshot), reviewer="carol")
    carol.mode.value = "conflicts"
    assert carol.current == key and "alice: include" in carol.body.value and "bob: exclude" in carol.body.value
    carol.resolve_as.value, carol.reason.value = "exclude", "adolescents only, says the methods"
    carol.buttons["resolve"].click()
    outcome = load_decisions(log_path).outcome(key, None, "screen")
    assert outcome.values == {"decision": "exclude"} and outcome.decided_by.reviewer == "carol"
    assert outcome.reason == carol.exclude_reason.value == "off topic"
