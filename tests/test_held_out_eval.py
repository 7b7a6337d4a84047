"""evaluation/held_out.py: the shipped judge on files in the formats of the data kept apart for evaluation.

Every text here is written for the test, not taken from any dataset.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from evaluation_scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def held_out() -> ModuleType:
    return load_script("held_out")


def test_every_format_is_judged_beside_its_majority(held_out: ModuleType, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    healthver = tmp_path / "healthver_test.csv"
    healthver.write_text(
        "id,evidence,claim,label\n"
        '1,"Zinc lozenges shortened colds by two days in 200 adults.",Zinc shortens colds.,Supports\n'
        '2,"Zinc lozenges did not shorten colds in 300 adults.",Zinc shortens colds.,Refutes\n'
        '3,"Rainfall in May was heavy across the region.",Zinc shortens colds.,Neutral\n', encoding="utf-8")
    pubmedqa = tmp_path / "pqal_test.json"
    pubmedqa.write_text(json.dumps({
        "1": {"QUESTION": "Does garlic prevent colds?", "CONTEXTS": ["We randomised 146 adults to garlic or placebo."],
              "LABELS": ["METHODS"], "LONG_ANSWER": "Garlic prevented colds compared with placebo.",
              "final_decision": "yes"},
        "2": {"QUESTION": "Does honey shorten coughs?", "CONTEXTS": ["We randomised 90 children to honey or none."],
              "LABELS": ["METHODS"], "LONG_ANSWER": "Honey did not shorten coughs.", "final_decision": "no"}}),
        encoding="utf-8")
    abstracts = tmp_path / "abstracts_test.jsonl"
    rows = [{"pmid": "18571629", "title": "Serum BDNF, depression and antidepressant medications", "complete": True,
             "abstract": "CONCLUSIONS: Serum BDNF was lower in depressed patients than in healthy controls."},
            {"pmid": "19604642", "title": "Ketamine for complex regional pain", "complete": False,
             "abstract": "BACKGROUND: A cut text"}]
    abstracts.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert held_out.main(["--healthver", str(healthver), "--pubmedqa", str(pubmedqa),
                          "--abstracts", str(abstracts)]) == 0
    out = capsys.readouterr().out
    assert "-- HealthVer (healthver_test.csv): 3 pairs; gold supports 1/not_supported 1/unclear 1" in out
    assert "-- PubMedQA (pqal_test.json): 2 pairs" in out
    assert "-- real abstracts (abstracts_test.jsonl, complete): 1 pairs; gold supports 1/" in out  # complete only
    assert out.count("judge (shipped)") == 3 and out.count("constant '") == 3 and out.count("coverage ") == 3
    judged = [row for row in out.splitlines() if "judge (shipped)" in row]
    assert "acc 100.0%" in judged[0]  # the three HealthVer pairs are plain: supports, a null, off topic


@pytest.mark.parametrize(("flag", "content", "message"), [
    ("--healthver", None, "no such file"),
    ("--healthver", "a,b\n1,2\n", "not in the expected format (KeyError: 'claim')"),
    ("--pubmedqa", "{not json", "not in the expected format (JSONDecodeError"),
])
def test_a_missing_or_malformed_file_is_one_line(held_out: ModuleType, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str], flag: str,
                                                 content: str | None, message: str) -> None:
    path = tmp_path / "data.txt"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert held_out.main([flag, str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"held_out: {flag} {path}: ") and message in err and err.count("\n") == 1
