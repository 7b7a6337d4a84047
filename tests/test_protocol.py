"""The review protocol as data: ``protocol.toml`` read, validated, used by decisions, panels and the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_panel import _snapshot
from test_screen import BDNF, CLAIMS

from conftest import CORPUS
from litreview.cli.main import main
from litreview.corpus.decisions import load_decisions
from litreview.corpus.protocol import DEFAULT_REASONS, Protocol, load_protocol
from litreview.evidence.scoring import assessments_to_frame
from litreview.outputs.report import ReportContext, render_report
from litreview.workbench.panels import ScreeningPanel

CUSTOM = """
[question]
population = "adults with treatment-resistant depression"
intervention = "ketamine"
comparison = "midazolam"
outcomes = ["remission at 24 h"]

[eligibility]
include = ["randomised trial"]
exclude = ["paediatric"]

[reasons.screen]
exclude = ["paediatric population", "not a trial"]
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the committed corpus."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def test_the_shipped_protocol_states_pico_and_reasons() -> None:
    protocol = load_protocol(CORPUS / "protocol.toml")
    assert protocol.stated and "ketamine" in protocol.intervention and len(protocol.outcomes) == 3
    assert protocol.reasons == DEFAULT_REASONS  # the reviewers' logged reasons stay valid
    headings = [h for h, _ in protocol.lines()]
    assert headings[:4] == ["Population", "Intervention", "Comparison", "Outcomes"]
    assert "Exclusion reasons, full text" in headings


def test_missing_file_is_the_default_protocol(tmp_path: Path) -> None:
    protocol = load_protocol(tmp_path / "protocol.toml")
    assert protocol == Protocol() and not protocol.stated and protocol.path is None


def test_custom_reasons_replace_the_stage_defaults(tmp_path: Path) -> None:
    (tmp_path / "protocol.toml").write_text(CUSTOM, encoding="utf-8")
    protocol = load_protocol(tmp_path / "protocol.toml")
    assert protocol.reasons["screen"]["exclude"] == ("paediatric population", "not a trial")
    assert protocol.reasons["screen"]["include"] == DEFAULT_REASONS["screen"]["include"]
    assert protocol.reasons["fulltext"] == DEFAULT_REASONS["fulltext"]
    assert ("Comparison", "midazolam") in protocol.lines()


def test_decisions_and_the_screening_panel_take_the_protocols_reasons(tmp_path: Path) -> None:
    (tmp_path / "protocol.toml").write_text(CUSTOM, encoding="utf-8")
    snapshot = _snapshot()
    log = load_decisions(tmp_path / "decisions.jsonl", snapshot)
    panel = ScreeningPanel(snapshot, {"bdnf": BDNF}, CLAIMS, log, reviewer="alice")
    assert panel.exclude_reason.options == ("paediatric population", "not a trial")
    shown = panel.current
    panel.exclude_reason.value = "not a trial"
    panel.buttons["exclude"].click()
    assert load_decisions(tmp_path / "decisions.jsonl").outcome(shown, None, "screen").reason == "not a trial"
    with pytest.raises(Exception, match="unknown reason to exclude 'off topic'"):
        log.make("1", "screen", "bob", decision="exclude", reason="off topic")


def test_decide_accepts_only_the_protocols_reasons(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus / "protocol.toml").write_text(CUSTOM, encoding="utf-8")
    key = json.loads((corpus / "snapshot" / "curated.jsonl").read_text(encoding="utf-8").splitlines()[0])["key"]
    base = ["decide", key, "--stage", "screen", "--exclude", "--reviewer", "bob", "--corpus", str(corpus)]
    assert main([*base, "--reason", "off topic"]) == 1
    err = capsys.readouterr().err
    assert "unknown reason to exclude 'off topic'" in err and err.count("\n") == 1
    assert main([*base, "--reason", "not a trial"]) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[question\n", "not valid TOML"),
        ("[questions]\n", "unknown key 'questions' (did you mean 'question'?)"),
        ("[question]\npopulaton = 'x'\n", "unknown key 'populaton' (did you mean 'population'?)"),
        ("[question]\noutcomes = 'x'\n", "[question] outcomes must be a list of one-line texts"),
        ("[question]\nintervention = 3\n", "[question] intervention must be one line of text"),
        ("[reasons.screen]\nexclude = []\n", "[reasons.screen] exclude must name at least one reason"),
        ("[reasons.fulltext]\nexclude = ['a', 'a']\n", "[reasons.fulltext] exclude names 'a' twice"),
        ("[reasons.judge]\nexclude = ['a']\n", "unknown key 'judge'"),
        ("[eligibility]\ninclude = ['']\n", "[eligibility] include must be a list of one-line texts"),
    ],
)
def test_check_reports_a_bad_protocol_in_one_line(corpus: Path, capsys: pytest.CaptureFixture[str], text: str,
                                                  message: str) -> None:
    (corpus / "protocol.toml").write_text(text, encoding="utf-8")
    assert main(["check", "--corpus", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: ") and message in err and "protocol.toml" in err
    assert err.count("\n") == 1


def test_check_names_the_protocol(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--corpus", str(corpus)]) == 0
    assert "; protocol.toml valid; " in capsys.readouterr().out
    (corpus / "protocol.toml").unlink()
    assert main(["check", "--corpus", str(corpus)]) == 0
    assert "; no protocol.toml (default exclusion reasons); " in capsys.readouterr().out


def test_the_reports_method_section_prints_the_protocol() -> None:
    protocol = load_protocol(CORPUS / "protocol.toml")
    empty = {"claims": [], "verdicts": [], "studies": assessments_to_frame([]), "cited": []}
    page = render_report(**empty, context=ReportContext("corpus", "2026-01-01", "x", "0", tuple(protocol.lines())))
    method = page.decode("utf-8").split('id="method-heading"', 1)[1]
    assert "<dt>Intervention</dt><dd>ketamine (racemic" in method and "<dt>Exclusion criteria</dt>" in method
    bare = render_report(**empty, context=ReportContext("corpus", "2026-01-01", "x", "0")).decode("utf-8")
    assert "<h3>Protocol</h3>" not in bare
