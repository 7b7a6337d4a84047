"""Screening decisions to and from ASReview and Rayyan (``litreview decisions import|export``)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from conftest import CORPUS
from litreview.cli.main import main
from litreview.corpus.decisions import load_decisions
from litreview.corpus.interop import asreview_frame, read_tool_decisions
from litreview.corpus.snapshot import load_snapshot
from litreview.errors import CorpusError
from litreview.outputs.export import export_csv


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the committed corpus."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def _records(corpus: Path, n: int) -> list:
    """The first ``n`` snapshot records with a PMID, a DOI and a title."""
    snapshot = load_snapshot(corpus / "snapshot")
    return [a for a in snapshot.records if a.pmid and a.doi and a.title][:n]


def _mine(corpus: Path, reviewer: str) -> dict[str, tuple[str, str]]:
    """The reviewer's latest screening decisions: key -> (decision, reason)."""
    log = load_decisions(corpus / "decisions.jsonl")
    return {k: (d.decision, d.reason) for (k, _, s, r), d in log.latest().items() if r == reviewer and s == "screen"}


def test_asreview_round_trip(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = _records(corpus, 3)
    for key, flags in ((a.key, ["--include"]), (b.key, ["--exclude", "--reason", "wrong population"]),
                       (c.key, ["--exclude", "--reason", "not in English"])):
        assert main(["decide", key, "--stage", "screen", *flags, "--reviewer", "alice", "--corpus", str(corpus)]) == 0
    out = tmp_path / "alice.csv"
    assert main(["decisions", "export", "--format", "asreview", "--out", str(out), "--reviewer", "alice",
                 "--review", str(corpus)]) == 0
    frame = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(frame.columns[:3]) == ["record_id", "title", "abstract"]
    assert (frame["included"] != "").sum() == 3
    fresh = Path(shutil.copytree(CORPUS, tmp_path / "fresh"))
    capsys.readouterr()
    assert main(["decisions", "import", str(out), "--format", "asreview", "--reviewer", "alice",
                 "--review", str(fresh)]) == 0
    assert "logged 3 screen decisions by alice (1 include, 2 exclude)" in capsys.readouterr().out
    assert _mine(fresh, "alice") == _mine(corpus, "alice")
    # importing the same file again logs nothing twice
    assert main(["decisions", "import", str(out), "--format", "asreview", "--reviewer", "alice",
                 "--review", str(fresh)]) == 0
    assert "logged 0 screen decisions" in capsys.readouterr().out
    assert len((fresh / "decisions" / "alice.jsonl").read_text().splitlines()) == 3


def test_export_is_formula_safe(corpus: Path, tmp_path: Path) -> None:
    snapshot = load_snapshot(corpus / "snapshot")
    first, *rest = snapshot.records
    snapshot = replace(snapshot, records=(replace(first, title='=HYPERLINK("http://x")'), *rest))
    frame = asreview_frame(load_decisions(corpus / "decisions.jsonl", snapshot), snapshot)
    assert frame["included"].eq(1).sum() == len({j.key for j in snapshot.curated})
    text = export_csv(tmp_path / "all.csv", frame).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text


def test_asreview_matches_by_pmid_doi_title_and_counts_unmatched(corpus: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = _records(corpus, 3)
    path = tmp_path / "asreview.csv"
    pd.DataFrame([
        {"record_id": 1, "title": "", "abstract": "", "doi": "", "pmid": a.pmid, "label_included": 1},
        {"record_id": 2, "title": "", "abstract": "", "doi": f"https://doi.org/{b.doi.upper()}", "pmid": "",
         "label_included": 0},
        {"record_id": 3, "title": f"  {c.title.upper()}!! ", "abstract": "", "doi": "", "pmid": "",
         "label_included": -1},
        {"record_id": 4, "title": "A study nobody found", "abstract": "", "doi": "", "pmid": "", "label_included": 1},
        {"record_id": 5, "title": "", "abstract": "", "doi": "10.1/none", "pmid": "1", "label_included": 0},
    ]).to_csv(path, index=False)
    assert main(["decisions", "import", str(path), "--format", "asreview", "--reviewer", "bob",
                 "--review", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "2 of 5 rows match no record in the snapshot by PMID, DOI or title (rows 5, 6)" in out
    assert "1 matched rows without a decision" in out
    assert _mine(corpus, "bob") == {a.key: ("include", "meets inclusion criteria"), b.key: ("exclude", "off topic")}


def test_asreview_ris(corpus: Path, tmp_path: Path) -> None:
    a, b, c = _records(corpus, 3)
    path = tmp_path / "asreview.ris"
    path.write_text(
        f"TY  - JOUR\nTI  - {a.title}\nAN  - {a.pmid}\nLB  - ASReview_relevant\nER  - \n\n"
        f"TY  - JOUR\nTI  - {b.title}\nDO  - {b.doi}\nLB  - ASReview_irrelevant\nER  - \n\n"
        f"TY  - JOUR\nTI  - {c.title}\nLB  - ASReview_not_seen\nER  - \n")
    log = load_decisions(corpus / "decisions.jsonl")
    found = read_tool_decisions(path, "asreview", "carol", load_snapshot(corpus / "snapshot"), log)
    assert [(d.key, d.decision) for d in found.decisions] == [(a.key, "include"), (b.key, "exclude")]
    assert (found.rows, found.unscreened, found.unmatched) == (3, 1, ())


def _rayyan(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A Rayyan export: key, title, authors, url, notes, doi."""
    pd.DataFrame([{"key": i, "title": t, "authors": "", "url": u, "notes": n, "doi": ""}
                  for i, (t, u, n) in enumerate(rows, start=1)]).to_csv(path, index=False)
    return path


def test_rayyan_notes(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = _records(corpus, 3)
    path = _rayyan(tmp_path / "rayyan.csv", [
        (a.title, "", 'RAYYAN-INCLUSION: {"Alice"=>"Included", "Bob"=>"Excluded"}'),
        ("", f"https://www.ncbi.nlm.nih.gov/pubmed/{b.pmid}",
         'RAYYAN-INCLUSION: {"Alice"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS: foreign language,wrong drug'),
        (c.title, "", 'RAYYAN-INCLUSION: {"Alice"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS: conference abstract'),
        ("Unknown title", "", 'RAYYAN-INCLUSION: {"Alice"=>"Maybe"}'),
    ])
    assert main(["decisions", "import", str(path), "--format", "rayyan", "--reviewer", "alice",
                 "--review", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "1 exclusions had no reason the protocol offers: given 'off topic'" in out
    assert "1 of 4 rows match no record" in out and "(rows 5)" in out
    assert _mine(corpus, "alice") == {a.key: ("include", "meets inclusion criteria"),
                                      b.key: ("exclude", "not in English"), c.key: ("exclude", "off topic")}
    log = load_decisions(corpus / "decisions.jsonl")
    assert [d.note for d in log if d.key == c.key and d.reviewer == "alice"] == ["rayyan: conference abstract"]
    assert main(["decisions", "import", str(path), "--format", "rayyan", "--reviewer", "bob",
                 "--review", str(corpus)]) == 0
    assert _mine(corpus, "bob") == {a.key: ("exclude", "off topic")}
    assert main(["decisions", "import", str(path), "--format", "rayyan", "--reviewer", "carol",
                 "--tool-reviewer", "Alice", "--review", str(corpus)]) == 0
    assert _mine(corpus, "carol") == _mine(corpus, "alice")
    alone = _rayyan(tmp_path / "alone.csv", [(a.title, "", 'RAYYAN-INCLUSION: {"Alice"=>"Excluded"}')])
    assert main(["decisions", "import", str(alone), "--format", "rayyan", "--reviewer", "dave",
                 "--review", str(corpus)]) == 0
    assert _mine(corpus, "dave") == {a.key: ("exclude", "off topic")}


@pytest.mark.parametrize(("tool", "rows", "message"), [
    ("rayyan", [("t", "", 'RAYYAN-INCLUSION: {"Alice"=>Included}')], "row 2: cannot read the RAYYAN-INCLUSION note"),
    ("rayyan", [("t", "", 'RAYYAN-INCLUSION: {"Alice"=>"Perhaps"}')], "row 2: unknown Rayyan decision 'perhaps'"),
    ("rayyan", [("t", "", 'RAYYAN-INCLUSION: {"Al"=>"Included", "Bo"=>"Excluded"}')],
     "the notes hold decisions by al, bo, none by 'zed': say whose to import with --tool-reviewer NAME"),
    ("asreview", [("t", "", "")], "row 1: unknown columns for the ASReview format"),
])
def test_bad_import_files(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], tool: str,
                          rows: list[tuple[str, str, str]], message: str) -> None:
    path = _rayyan(tmp_path / "in.csv", rows)
    assert main(["decisions", "import", str(path), "--format", tool, "--reviewer", "zed",
                 "--review", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"litreview: error: {path}: {message}") and len(err.strip().splitlines()) == 1
    assert not (corpus / "decisions" / "zed.jsonl").exists()


def test_bad_labels_and_reviewer(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.csv"
    pd.DataFrame([{"title": "x", "abstract": "", "included": "yes"}]).to_csv(path, index=False)
    with pytest.raises(CorpusError, match=r"row 2: included must be 1, 0, -1 or blank, not 'yes'"):
        read_tool_decisions(path, "asreview", "zed", load_snapshot(corpus / "snapshot"),
                            load_decisions(corpus / "decisions.jsonl"))
    assert main(["decisions", "import", str(path), "--format", "asreview", "--reviewer", "bad name",
                 "--review", str(corpus)]) == 1
    assert "reviewer must be one word" in capsys.readouterr().err
    assert not (corpus / "decisions").exists()
