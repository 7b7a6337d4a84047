"""Risk of bias: the machine's proposals from the text, and the judging panel's form that a person saves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS
from litreview.corpus.decisions import load_decisions
from litreview.corpus.layout import load_corpus
from litreview.corpus.rob import person_rob
from litreview.evidence.rob_cues import propose_rob
from litreview.evidence.scoring import score_evidence
from litreview.screening.rules import screen_records
from litreview.workbench.judging_panel import JudgingPanel

RCT = ("Patients were randomly assigned (2:1) using a computer-generated list. Ketamine or midazolam was given "
       "in a double-blind design. Five patients dropped out before day 7.")


@pytest.mark.parametrize(("text", "design", "population", "expected"), [
    (RCT, "rct", "human", [("rob2:randomisation", "low"), ("rob2:missing_data", "some_concerns"),
                           ("rob2:measurement", "low")]),
    ("A randomized, open-label trial. Analysis was by intention to treat.", "rct", "human",
     [("rob2:randomisation", "some_concerns"), ("rob2:missing_data", "low"), ("rob2:measurement", "high")]),
    ("A non-randomized single-blind comparison.", "rct", "human",
     [("rob2:randomisation", "high"), ("rob2:measurement", "some_concerns")]),
    ("Rats were randomly allocated to ketamine or saline. Observers were blinded to treatment.", "experimental",
     "animal", [("syrcle:sequence_generation", "some_concerns"), ("syrcle:blinding_assessors", "low")]),
    ("A double-blind randomized trial.", "cohort", "human", []),  # ROBINS-I: no cues, no proposal
    ("Ketamine was given to 20 patients.", "rct", "human", []),  # the text says nothing
])
def test_proposals_from_the_wording(text: str, design: str, population: str,
                                    expected: list[tuple[str, str]]) -> None:
    proposals = propose_rob(text, design, population)
    assert [(p.domain, p.judgement) for p in proposals] == expected
    assert all(p.quote in text for p in proposals)


def test_proposal_quotes_the_sentence() -> None:
    missing = propose_rob(RCT, "rct", "human")[1]
    assert missing.quote == "Five patients dropped out before day 7." and missing.cue == "dropouts reported"


def _panel(tmp_path: Path) -> tuple[Path, JudgingPanel]:
    """A judging panel for alice over a copy of the committed corpus, showing an RCT."""
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    mechanisms, claims, snapshot = load_corpus(corpus)
    decisions = load_decisions(corpus / "decisions.jsonl", snapshot)
    screening = screen_records(snapshot, mechanisms, claims, decisions)
    assessments = score_evidence(snapshot.records, claims, screening.pairs, snapshot.curated, decisions=decisions)
    panel = JudgingPanel(snapshot, claims, assessments, decisions, reviewer="alice")
    rct = next(pair for pair in panel.order if panel.assessments[pair].design == "rct"
               and propose_rob(panel._text(pair), "rct", panel.assessments[pair].population))
    panel.history, panel.position = [rct], 0
    panel._render()
    return corpus, panel


def test_rob_form_shows_the_proposal_and_logs_only_what_a_person_saves(tmp_path: Path) -> None:
    corpus, panel = _panel(tmp_path)
    form, pair = panel.rob, panel.current
    assert [d for _, d in form.domain.options][0] == "rob2:randomisation" and len(form.domain.options) == 5
    proposal = form.proposals[form.domain.value]
    assert (form.judgement.value, form.quote.value) == (proposal.judgement, proposal.quote)
    assert "Machine proposes:" in form.info.value and "not counted until you save it" in form.info.value
    assert not (corpus / "decisions").exists()  # a proposal is not a decision

    form.domain.value = "rob2:reporting"  # a domain the abstract says nothing about: an empty form
    assert form.judgement.value is None and "No proposal" in form.info.value
    form.save_button.click()
    assert "choose a judgement first" in form.info.value and not (corpus / "decisions").exists()
    form.judgement.value, form.quote.value = "high", "  only responders were reported  "
    form.save_button.click()
    assert "In use:</b> high (judged by alice)" in form.info.value
    assert panel.current == pair  # the form does not move the panel on: the next domain awaits
    form.domain.value = next(d for d in form.proposals)
    form.save_button.click()  # confirming the machine's proposal is a person's judgement now
    rows = [json.loads(line) for line in (corpus / "decisions" / "alice.jsonl").read_text().splitlines()]
    assert [(r["stage"], r["claim"], r["domain"], r["judgement"]) for r in rows] == [
        ("rob", pair[1], "rob2:reporting", "high"), ("rob", pair[1], d := next(iter(form.proposals)),
                                                      form.proposals[d].judgement)]
    assert rows[0]["quote"] == "only responders were reported"
    judged = person_rob(load_decisions(corpus / "decisions.jsonl").outcomes("rob").values())[pair]
    assert ("RoB 2: bias in selection of the reported result", "high", "alice") in judged


def test_rob_form_for_an_animal_study_offers_syrcle(tmp_path: Path) -> None:
    _, panel = _panel(tmp_path)
    panel.rob.show(panel.current, "Mice were randomly assigned to groups.", "experimental", "animal")
    assert [d for _, d in panel.rob.domain.options][0] == "syrcle:sequence_generation"
    assert panel.rob.domain.description == "SYRCLE domain"
