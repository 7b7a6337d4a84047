"""The command line end to end: `litreview run`, `export`, `check`, and how it reports bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import CORPUS, ROOT

from litreview.cli import main
from litreview.export import FORMAT_FILES

OUTPUTS = {"review.csv", "review.xlsx", "review.md", "review.html", "studies.csv", "references.bib", "references.ris"}


@pytest.fixture(scope="module")
def run_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `litreview run` over the committed corpus."""
    out = tmp_path_factory.mktemp("run") / "output"
    assert main(["run", "--corpus", str(CORPUS), "--out", str(out)]) == 0
    return out


def test_run_writes_every_export_figure_and_count(run_out: Path) -> None:
    names = {p.relative_to(run_out).as_posix() for p in run_out.rglob("*") if p.is_file()}
    assert OUTPUTS <= names
    figures = {f"figures/{name}.png" for name in ("evidence_map", "prisma_flow", "timeline")}
    assert figures | {"screening_counts.csv"} <= names
    assert not [n for n in names if n.endswith(".tmp") or "/." in n or n.startswith(".")]


def test_committed_references_bib_is_the_current_review(run_out: Path) -> None:
    assert (ROOT / "references.bib").read_bytes() == (run_out / "references.bib").read_bytes(), (
        "references.bib is stale: run `litreview run` and copy output/references.bib to the repository root"
    )


def test_run_is_byte_for_byte_reproducible(run_out: Path, tmp_path: Path) -> None:
    assert main(["run", "--corpus", str(CORPUS), "--out", str(tmp_path)]) == 0
    for name in sorted(OUTPUTS):
        assert (tmp_path / name).read_bytes() == (run_out / name).read_bytes(), name


def test_run_prints_one_summary_line_then_the_files(run_out: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--corpus", str(CORPUS), "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("29 claims, 143 records, 143 included, 172 assessments -> 11 files in ")
    assert len(lines) == 12


def test_export_writes_only_the_requested_formats(tmp_path: Path) -> None:
    assert main(["export", "--corpus", str(CORPUS), "--out", str(tmp_path), "--format", "bib,csv"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FORMAT_FILES["bib"] + FORMAT_FILES["csv"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "--format", "csv,docx"], "unknown export format ('docx')"),
        (["run", "--corpus", "{missing}"], "file not found"),
        (["check", "--corpus", "{missing}"], "file not found"),
        (["run", "--rubric", "{missing}"], "not found"),
    ],
)
def test_expected_errors_are_one_line_with_exit_code_1(argv: list[str], message: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a.replace("{missing}", str(tmp_path / "nowhere")) for a in argv]
    if "--corpus" not in argv:
        argv += ["--corpus", str(CORPUS)]
    assert main([*argv, "--out", str(tmp_path / "out")] if argv[0] != "check" else argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: ") and err.count("\n") == 1 and message in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_broken_snapshot_file_names_file_and_line_and_leaves_no_output(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    records = corpus / "snapshot" / "records.jsonl"
    lines = records.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4][:40]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "litreview.cli", "run", "--corpus", str(corpus), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"litreview: error: {records}: line 5: invalid JSON (")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_check_with_seeds_verifies_every_quote(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--corpus", str(CORPUS), "--seeds", str(shared / "seeds")]) == 0
    assert capsys.readouterr().out.startswith("ok: 10 mechanisms, 29 claims, 143 records")


def test_score_prints_disagreements_and_writes_assessments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "assessments.csv"
    assert main(["score", "--corpus", str(CORPUS), "--out", str(out)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("172 assessments (172 judged by the curator, 0 excluded); curator vs machine")
    frame = pd.read_csv(out)
    assert len(frame) == 172 and {"score", "pts_design", "rationale", "disagreements"} <= set(frame.columns)
