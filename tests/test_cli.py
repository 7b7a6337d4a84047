"""The command line end to end: `litreview run`, `export`, `check`, and how it reports bad input."""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import litreview
import litreview._io
from conftest import CORPUS, ROOT
from litreview.cli.main import build_parser, main
from litreview.corpus.snapshot import Snapshot, write_snapshot
from litreview.errors import CorpusError
from litreview.outputs.export import FORMAT_FILES

OUTPUTS = {"review.csv", "review.xlsx", "review.md", "review.html", "studies.csv", "summary_of_findings.csv",
           "sof_clinical.csv", "sof_mechanistic.csv",
           "references.bib", "references.ris"}


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
    assert lines[0].startswith("29 claims, 143 records, 143 included, 172 assessments -> 14 files in ")
    assert len(lines) == 15


def test_export_writes_only_the_requested_formats(tmp_path: Path) -> None:
    assert main(["export", "--corpus", str(CORPUS), "--out", str(tmp_path), "--format", "bib,csv"]) == 0
    expected = [*FORMAT_FILES["bib"], *FORMAT_FILES["csv"], "summary_of_findings.csv", "sof_clinical.csv",
                "sof_mechanistic.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "--format", "csv,docx"], "unknown export format ('docx')"),
        (["run", "--corpus", "{missing}"], "no such review folder"),
        (["check", "--review", "{missing}"], "no such review folder"),
        (["run", "--rubric", "{missing}"], "not found"),
    ],
)
def test_expected_errors_are_one_line_with_exit_code_1(argv: list[str], message: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a.replace("{missing}", str(tmp_path / "nowhere")) for a in argv]
    if "--corpus" not in argv and "--review" not in argv:
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
        [sys.executable, "-m", "litreview.cli.main", "run", "--corpus", str(corpus), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"litreview: error: {records}: line 5: invalid JSON (")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_check_with_seeds_verifies_every_quote(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--corpus", str(CORPUS), "--seeds", str(shared / "seeds")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 10 mechanisms, 29 claims, 143 records")
    assert out.endswith(f"; 59 quotes checked against 5 seed articles in {shared / 'seeds'}\n")


def test_check_finds_shared_seeds_beside_the_repository(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--corpus", str(CORPUS)]) == 0
    assert capsys.readouterr().out.endswith(f"; 59 quotes checked against 5 seed articles in {shared / 'seeds'}\n")


def test_score_prints_disagreements_and_writes_assessments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "assessments.csv"
    assert main(["score", "--corpus", str(CORPUS), "--out", str(out)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("172 assessments (172 judged by the curator, 0 excluded); curator vs machine")
    frame = pd.read_csv(out)
    assert len(frame) == 172 and {"score", "pts_design", "rationale", "disagreements"} <= set(frame.columns)


# -- paper cuts (issue 15) ------------------------------------------------------------------
@pytest.mark.parametrize("command", ["run", "export"])
def test_out_naming_an_existing_file_is_one_line_error(command: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# keep me\n", encoding="utf-8")
    assert main([command, "--corpus", str(CORPUS), "--out", str(readme)]) == 1
    assert capsys.readouterr().err == (
        f"litreview: error: cannot write the exports into {readme}: it is a file, not a directory\n")
    assert readme.read_text(encoding="utf-8") == "# keep me\n" and list(tmp_path.iterdir()) == [readme]


def test_full_disk_during_export_is_one_line_error_and_keeps_the_old_files(
        run_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "output"
    shutil.copytree(run_out, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_fsync, calls = os.fsync, []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 4:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(litreview._io.os, "fsync", fsync)
    assert main(["run", "--corpus", str(CORPUS), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"litreview: error: cannot write {out}/") and err.count("\n") == 1
    assert err.endswith(": No space left on device (no file was replaced)\n")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out == f"litreview {litreview.__version__}\n"


@pytest.mark.parametrize("argv", [
    ["--debug", "check", "--corpus", "{missing}"],
    ["check", "--corpus", "{missing}", "--debug"],
    ["check", "--debug", "--corpus", "{missing}"],
    ["snapshot", "build", "--register", "{missing}", "--date", "2026-01-01", "--debug"],
    ["snapshot", "--debug", "build", "--register", "{missing}", "--date", "2026-01-01"],
])
def test_debug_works_before_or_after_the_command(argv: list[str], tmp_path: Path) -> None:
    argv = [a.replace("{missing}", str(tmp_path / "nowhere")) for a in argv]
    with pytest.raises(CorpusError):
        main(argv)
    assert main([a for a in argv if a != "--debug"]) == 1


def _commands(parser: argparse.ArgumentParser, prefix: str = "litreview",
              ) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command and sub-command parser, by its full name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix} {name}", sub
                yield from _commands(sub, f"{prefix} {name}")


def test_help_is_plain_text_and_every_command_describes_itself(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    top = capsys.readouterr().out
    assert "`" not in top and "Check health claims against PubMed" in top
    commands = dict(_commands(build_parser()))
    assert {"litreview run", "litreview check", "litreview snapshot build", "litreview mirror search"} <= set(commands)
    for name, parser in commands.items():
        assert parser.description, f"{name} has no description"
        assert " ".join(parser.description.split()) in " ".join(parser.format_help().split()), name
        assert "``" not in parser.format_help(), name


def test_empty_format_list_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--corpus", str(CORPUS), "--out", str(tmp_path / "out"), "--format", ""]) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: unknown export format (none given)") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_check_names_a_missing_seeds_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--corpus", str(CORPUS), "--seeds", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().err == f"litreview: error: seeds directory not found: {tmp_path / 'nope'}\n"


_CLAIM = """[[claim]]
id = "nmda_blockade"
mechanism = "nmda"
kind = "molecular_pharmacology"
statement = "Ketamine blocks NMDA receptors."
subject = "ketamine"
effect = "blocks"
outcome = "NMDA receptors"
sources = [{article = "a.md", quote = "ketamine blocks NMDA receptors"}]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """``tmp/repo/corpus`` with one claim quoting ``a.md`` and an empty snapshot; no ``tmp/shared`` yet."""
    corpus = tmp_path / "repo" / "corpus"
    corpus.mkdir(parents=True)
    shutil.copy(CORPUS / "mechanisms.toml", corpus)
    shutil.copy(CORPUS / "litreview.toml", corpus)
    write_snapshot(Snapshot(records=(), searches={}, provenance={}), corpus / "snapshot")
    (corpus / "claims.toml").write_text(_CLAIM, encoding="utf-8")
    return tmp_path / "repo"


def _seeds(folder: Path, text: str) -> Path:
    """A seeds directory holding ``a.md``."""
    folder.mkdir(parents=True)
    (folder / "a.md").write_text(text, encoding="utf-8")
    return folder


def test_check_says_when_quotes_were_not_checked(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--corpus", str(repo / "corpus")]) == 0
    assert capsys.readouterr().out.endswith(
        "; quotes not checked (no seeds directory: use --seeds DIR or set LITREVIEW_SEEDS)\n")


def test_check_verifies_quotes_against_shared_seeds_by_default(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = _seeds(repo.parent / "shared" / "seeds", "We hold that Ketamine blocks NMDA receptors.")
    assert main(["check", "--corpus", str(repo / "corpus")]) == 0
    assert capsys.readouterr().out.endswith(f"; 1 quote checked against 1 seed article in {seeds}\n")
    (seeds / "a.md").write_text("Ketamine does something else.", encoding="utf-8")
    assert main(["check", "--corpus", str(repo / "corpus")]) == 1
    assert "quote not found in a.md" in capsys.readouterr().err


def test_check_uses_the_configured_seeds_directory(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _seeds(repo.parent / "shared" / "seeds", "nothing quoted here")
    configured = _seeds(repo.parent / "elsewhere", "ketamine blocks NMDA receptors")
    monkeypatch.setenv("LITREVIEW_SEEDS", str(configured))
    assert main(["check", "--corpus", str(repo / "corpus")]) == 0
    assert capsys.readouterr().out.endswith(f"; 1 quote checked against 1 seed article in {configured}\n")
    monkeypatch.setenv("LITREVIEW_SEEDS", str(repo / "missing"))
    assert main(["check", "--corpus", str(repo / "corpus")]) == 1
    assert capsys.readouterr().err == f"litreview: error: seeds directory not found: {repo / 'missing'}\n"
