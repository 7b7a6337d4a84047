"""`litreview decide`, `litreview decisions`, `litreview screen next|simulate` end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from test_priority import LABELS, TITLES

from conftest import CORPUS
from litreview.cli.main import main


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the committed corpus."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def _first_curated(corpus: Path) -> tuple[str, str]:
    """(key, claim) of the first curator judgement."""
    row = json.loads((corpus / "snapshot" / "curated.jsonl").read_text(encoding="utf-8").splitlines()[0])
    return row["key"], row["claim_id"]


def test_decide_appends_and_reports_a_conflict(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key, claim = _first_curated(corpus)
    argv = ["decide", key, "--claim", claim, "--stage", "judge", "--direction", "contradicts", "--reason",
            "BDNF fell", "--reviewer", "alice", "--corpus", str(corpus)]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"recorded alice: direction contradicts (BDNF fell) on {key} / {claim} -> ")
    assert out[1].startswith("conflict on direction: alice: direction contradicts (BDNF fell); curator: direction")
    [row] = [json.loads(line) for line in (corpus / "decisions" / "alice.jsonl").read_text().splitlines()]
    assert {k: row[k] for k in ("key", "claim", "stage", "direction", "reviewer")} == {
        "key": key, "claim": claim, "stage": "judge", "direction": "contradicts", "reviewer": "alice"}
    assert main(["decisions", "--conflicts", "--corpus", str(corpus)]) == 0
    assert key in capsys.readouterr().out
    assert main(argv[:-4] + ["--reviewer", "carol", "--resolution", "--corpus", str(corpus)]) == 0
    assert "conflict" not in capsys.readouterr().out
    assert main(["decisions", "--conflicts", "--kappa", "--corpus", str(corpus)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "no unresolved conflicts"
    assert lines[2].split()[:4] == ["judge", "alice", "curator", "1"]


def test_decide_screen_stage(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key, _ = _first_curated(corpus)
    assert main(["decide", key, "--stage", "screen", "--exclude", "--reason", "wrong population", "--reviewer", "bob",
                 "--corpus", str(corpus)]) == 0
    assert "recorded bob: exclude (wrong population)" in capsys.readouterr().out
    assert main(["decisions", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "wrong population" in out and "1 decisions in" in out and "1 unresolved conflicts" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["decide", "nope", "--stage", "screen", "--include", "--reviewer", "a"], "no record 'nope'"),
        (["decide", "{key}", "--stage", "judge", "--claim", "nope", "--direction", "supports", "--reviewer", "a"],
         "no claim 'nope'"),
        (["decide", "{key}", "--stage", "judge", "--claim", "{claim}", "--direction", "suports", "--reviewer", "a"],
         "unknown direction 'suports' (did you mean 'supports'?)"),
        (["decide", "{key}", "--stage", "screen", "--exclude", "--reviewer", "a"], "missing reason to exclude"),
        (["decide", "{key}", "--stage", "screen", "--reviewer", "a"], "needs --include or --exclude"),
        (["decide", "{key}", "--stage", "screen", "--include"], "give --reviewer NAME or set LITREVIEW_REVIEWER"),
        (["decide", "{key}", "--stage", "screen", "--include", "--reviewer", "al\x1bice"], "reviewer must be one word"),
        (["decide", "{key}", "--stage", "screen", "--include", "--reviewer", "a" * 10_000],
         "not of 10000 characters"),
        (["decide", "{key}", "--stage", "screen", "--include", "--reviewer", "alice\n"], "reviewer must be one word"),
        (["decide", "{key}", "--stage", "fulltext", "--exclude", "--reason", "off topic", "--reviewer", "a"],
         "unknown reason to exclude 'off topic'"),
        (["decide", "{key}", "--stage", "screen", "--include", "--resolve", "--note", "x", "--reviewer", "a"],
         "no conflict to resolve on"),
        (["decide", "{key}", "--stage", "screen", "--include", "--resolve", "--reviewer", "a"], "says why"),
        (["decide", "{claim}", "--stage", "grade", "--domain", "risk_of_bias", "--judgement", "serius",
          "--reason", "x", "--reviewer", "a"], "unknown judgement of risk_of_bias 'serius' (did you mean 'serious'?)"),
        (["decide", "{claim}", "--stage", "grade", "--domain", "imprecison", "--judgement", "serious", "--reason", "x",
          "--reviewer", "a"], "unknown GRADE domain 'imprecison' (did you mean 'imprecision'?)"),
        (["decide", "{claim}", "--stage", "grade", "--domain", "verdict", "--verdict", "contested", "--reviewer", "a"],
         "a grade override needs a reason"),
        (["decide", "nope", "--stage", "grade", "--domain", "verdict", "--verdict", "contested", "--reason", "x",
          "--reviewer", "a"], "no claim 'nope' in the claims register"),
    ],
)
def test_decide_mistakes_are_one_line_errors(corpus: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                             message: str) -> None:
    key, claim = _first_curated(corpus)
    assert main([a.format(key=key, claim=claim) for a in argv] + ["--corpus", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: ") and message in err and err.count("\n") == 1
    assert (corpus / "decisions.jsonl").read_text() == "" and not (corpus / "decisions").exists()


def test_screen_next_lists_the_queue(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "next", "--n", "3", "--reviewer", "dana", "--corpus", str(corpus)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[0].startswith("1\t") and "\trules\t" in lines[0]
    assert lines[-1].startswith("143 records to screen, 0 decisions since the last include; ranked by the rules")


def test_screen_simulate_prints_metrics_and_writes_the_order(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "tiny.csv"
    pd.DataFrame({"record_id": range(101, 113), "title": TITLES, "abstract": "", "label_included": LABELS}).to_csv(
        data, index=False)
    out = tmp_path / "order.csv"
    assert main(["screen", "simulate", str(data), "--seed", "0", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("tiny.csv: 12 records, 4 includes, seed 0 (prior records ")
    assert lines[1] == "WSS@95 0.650  recall@10% 0.333  all includes found after 30.0% screened"
    order = pd.read_csv(out)
    assert list(order.columns) == ["record_id", "label_included", "rank"] and len(order) == 12
    assert set(order["record_id"]) == set(range(101, 113)) and list(order["rank"]) == list(range(1, 13))


def test_screen_simulate_bad_dataset_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("title,label_included\na,1\n", encoding="utf-8")
    assert main(["screen", "simulate", str(data)]) == 1
    assert capsys.readouterr().err == f"litreview: error: {data}: missing column(s) abstract\n"


def test_check_validates_the_decisions_log(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--corpus", str(corpus)]) == 0
    assert "172 curated judgements, 0 reviewer decisions (0 unresolved conflicts); " in capsys.readouterr().out
    (corpus / "decisions.jsonl").write_text('{"key": "1", "stage": "screen"}\n', encoding="utf-8")
    assert main(["check", "--corpus", str(corpus)]) == 1
    assert capsys.readouterr().err == (f"litreview: error: {corpus / 'decisions.jsonl'}: line 1: "
                                       "missing field 'reviewer'\n")


def test_screen_next_gives_the_stopping_aid_once_the_model_ranks(corpus: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    key, _ = _first_curated(corpus)  # the curator included every record: an exclude needs a resolution
    assert main(["decide", key, "--stage", "screen", "--exclude", "--reason", "off topic", "--reviewer", "bob",
                 "--corpus", str(corpus)]) == 0
    assert main(["decide", key, "--stage", "screen", "--exclude", "--reason", "off topic", "--resolve",
                 "--note", "no ketamine arm", "--reviewer", "carol", "--corpus", str(corpus)]) == 0
    capsys.readouterr()
    assert main(["screen", "next", "--reviewer", "dana", "--corpus", str(corpus)]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert ("ranked by the model (142 includes, 1 excludes so far); about 0 includes left among the 0 unscreened "
            "(95 % upper bound 0)") in last


# -- issue 27, items 10 and 11: screen simulate ------------------------------------------------


def test_screen_simulate_stops_after_the_last_include_and_writes_safe_ids(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "tiny.csv"
    ids = ['=HYPERLINK("http://evil.example","x")', *range(102, 113)]
    pd.DataFrame({"record_id": ids, "title": TITLES, "abstract": "", "label_included": LABELS}).to_csv(
        data, index=False)
    out = tmp_path / "order.csv"
    assert main(["screen", "simulate", str(data), "--seed", "0", "--out", str(out)]) == 0
    full = capsys.readouterr().out.splitlines()
    assert main(["screen", "simulate", str(data), "--seed", "0", "--stop-after-last-include", "--out",
                 str(tmp_path / "early.csv")]) == 0
    early = capsys.readouterr().out.splitlines()
    assert early[1] == full[1]  # the metrics are final once every include is found
    assert len(pd.read_csv(tmp_path / "early.csv")) == 5 and len(pd.read_csv(out)) == 12
    assert "'=HYPERLINK(" in out.read_text(encoding="utf-8-sig")
    assert set(pd.read_csv(out)["record_id"].astype(str)) >= {"'=HYPERLINK(\"http://evil.example\",\"x\")", "102"}


def test_screen_next_judge_stage_lists_what_needs_a_reviewer(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "next", "--stage", "judge", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith("needing a reviewer before their verdict stands, listed first) await a "
                                         "reviewer, least confident first")


def test_decide_grade_stage_overrides_a_domain_and_the_verdict(corpus: Path, capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    common = ["--stage", "grade", "--reviewer", "alice", "--corpus", str(corpus)]
    assert main(["decide", "rapid_onset", "--domain", "risk_of_bias", "--judgement", "serious", "--reason",
                 "allocation concealment unclear", *common]) == 0
    assert main(["decide", "rapid_onset", "--domain", "verdict", "--verdict", "partly_supported", "--reason",
                 "only response at 24 hours", *common]) == 0
    assert "recorded alice: verdict partly_supported (only response at 24 hours) on rapid_onset / rapid_onset" in (
        capsys.readouterr().out)
    assert main(["decisions", "--corpus", str(corpus)]) == 0
    listed = capsys.readouterr().out
    assert "allocation concealment unclear" in listed and "partly_supported" in listed
    assert main(["run", "--corpus", str(corpus), "--out", str(tmp_path / "out")]) == 0
    row = pd.read_csv(tmp_path / "out" / "review.csv").set_index("claim_id").loc["rapid_onset"]
    assert row["verdict_code"] == "partly_supported" and row["risk_of_bias"].startswith("serious (-1)")
    assert row["overrides"] == "risk_of_bias: serious (alice); verdict: partly_supported (alice)"
    assert "set to serious by reviewer alice: allocation concealment unclear (the rules said not serious" in (
        row["footnotes"])
    said = "Verdict set to partly supported by reviewer alice: only response at 24 hours (the rules gave supported)"
    assert said in row["footnotes"]
