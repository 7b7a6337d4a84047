"""A scripted dual review: two reviewers, both screening stages, blind, one conflict resolved and one left open."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import CORPUS
from litreview.cli.main import main
from litreview.corpus.decisions import load_decisions
from litreview.corpus.snapshot import load_snapshot
from litreview.workbench.pipeline import build_review, write_review


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the committed corpus."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def _decide(corpus: Path, key: str, stage: str, *args: str) -> None:
    """``litreview decide`` that must succeed."""
    assert main(["decide", key, "--stage", stage, *args, "--corpus", str(corpus)]) == 0


def _adds_up(row: pd.Series) -> None:
    """Every PRISMA 2020 box is the sum of the boxes after it."""
    assert row["identified"] == row["duplicates"] + row["screened"]
    assert row["screened"] == row["excluded"] + row["screen_disputed"] + row["assessed"]
    assert row["assessed"] == row["fulltext_excluded"] + row["fulltext_disputed"] + row["included"]
    assert row["excluded"] == sum(row[c] for c in row.index if c.startswith("excluded: "))
    assert row["fulltext_excluded"] == sum(row[c] for c in row.index if c.startswith("fulltext excluded: "))


def test_dual_review_in_two_stages_adds_up(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    before = build_review(corpus).screening.counts.set_index("mechanism").loc["all (unique records)"]
    curated = [json.loads(line) for line in (corpus / "snapshot" / "curated.jsonl").read_text().splitlines()]
    k1, k2, k3 = list(dict.fromkeys(row["key"] for row in curated))[:3]
    monkeypatch.setenv("LITREVIEW_REVIEWER", "alice")  # alice works from her environment, bob with the flag
    for key in (k1, k2, k3):
        _decide(corpus, key, "screen", "--include")
    _decide(corpus, k1, "screen", "--include", "--reviewer", "bob")
    _decide(corpus, k2, "screen", "--include", "--reviewer", "bob")
    _decide(corpus, k3, "screen", "--exclude", "--reason", "off topic", "--reviewer", "bob")
    capsys.readouterr()
    assert main(["screen", "next", "--conflicts", "--corpus", str(corpus)]) == 0
    queue = capsys.readouterr().out
    assert k3 in queue and "1 records in the resolution queue" in queue
    _decide(corpus, k3, "screen", "--include", "--resolve", "--note", "ketamine arm in the methods",
            "--reviewer", "carol")

    # full text: both exclude k1 with one reason; they disagree on k2, and bob cannot see alice's decision first
    _decide(corpus, k1, "fulltext", "--exclude", "--reason", "wrong study design")
    _decide(corpus, k2, "fulltext", "--include")
    log = load_decisions(corpus / "decisions.jsonl", load_snapshot(corpus / "snapshot"))
    assert log.visible(k2, None, "fulltext", "bob") is None
    assert log.visible(k2, None, "fulltext", "alice") is not None
    _decide(corpus, k1, "fulltext", "--exclude", "--reason", "wrong study design", "--reviewer", "bob")
    _decide(corpus, k2, "fulltext", "--exclude", "--reason", "wrong outcome", "--reviewer", "bob")
    log = load_decisions(corpus / "decisions.jsonl", load_snapshot(corpus / "snapshot"))
    assert "alice: include" in log.visible(k2, None, "fulltext", "bob").describe()

    # one file per reviewer, the shared log untouched
    assert sorted(p.name for p in (corpus / "decisions").iterdir()) == ["alice.jsonl", "bob.jsonl", "carol.jsonl"]
    assert (corpus / "decisions.jsonl").read_bytes() == (CORPUS / "decisions.jsonl").read_bytes()

    review = build_review(corpus)
    counts = review.screening.counts.set_index("mechanism")
    for _, row in counts.iterrows():
        _adds_up(row)
    total = counts.loc["all (unique records)"]
    assert (total["screened"], total["excluded"], total["screen_disputed"]) == (before["screened"], 0, 0)
    assert (total["fulltext_excluded"], total["fulltext_disputed"], total["included"]) == (
        1, 1, before["included"] - 2)
    assert total["fulltext excluded: wrong study design"] == 1
    log = review.screening.log.drop_duplicates("key").set_index("key")
    assert tuple(log.loc[k1, ["decision", "stage", "reason"]]) == ("excluded", "full text", "wrong study design")
    assert tuple(log.loc[k2, ["decision", "stage"]]) == ("disputed", "full text")
    assert tuple(log.loc[k3, ["decision", "stage", "screened_by"]]) == ("included", "title/abstract",
                                                                       "reviewer:carol")
    studies = review.studies
    assert set(studies.loc[studies["key"] == k2, "review_status"]) == {"disputed"}  # still visible
    assert k1 not in set(studies["key"])

    out = tmp_path / "out"
    write_review(review, out, formats=("csv", "html"), write_figures=True)
    exported = pd.read_csv(out / "studies.csv", dtype=str)
    assert set(exported.loc[exported["key"] == k2, "review_status"]) == {"disputed"}
    assert "disputed by reviewers (unresolved)" in (out / "review.html").read_text(encoding="utf-8")
    kappa = review.decisions.kappa().set_index(["stage", "reviewer_a", "reviewer_b"])
    assert kappa.loc[("fulltext", "alice", "bob"), "items"] == 2
