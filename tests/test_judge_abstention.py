"""Abstention below ``min_confidence``: the judge, the ``[judge]`` setting and ``screen next --stage judge``."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS
from litreview.cli.main import main
from litreview.corpus.layout import load_review
from litreview.corpus.review_config import CONFIG_NAME, judge_min_confidence, load_review_config
from litreview.errors import ConfigError, CorpusError
from litreview.evidence.direction_judge import judge_direction

TEXT = "Ketamine and stress\nCONCLUSIONS: Ketamine lowered cortisol compared with placebo in 40 patients."


def test_a_call_below_min_confidence_is_unclear_and_names_the_call() -> None:
    judged = judge_direction("Ketamine lowers cortisol.", TEXT)
    assert judged.direction == "supports"
    abstained = judge_direction("Ketamine lowers cortisol.", TEXT, min_confidence=judged.confidence + 0.01)
    assert abstained.direction == "unclear"
    assert abstained.reason.startswith("below min_confidence") and "supports" in abstained.reason
    assert judge_direction("Ketamine lowers cortisol.", TEXT, min_confidence=judged.confidence) == judged


def _settings(tmp_path: Path, judge: str) -> Path:
    """The shipped review's litreview.toml with a ``[judge]`` table appended."""
    path = tmp_path / CONFIG_NAME
    path.write_text((CORPUS / CONFIG_NAME).read_text(encoding="utf-8") + judge, encoding="utf-8")
    return path


def test_setting_from_the_review_file_and_the_flag(tmp_path: Path) -> None:
    assert judge_min_confidence(load_review_config(_settings(tmp_path, ""))) == 0.0
    config = load_review_config(_settings(tmp_path, "\n[judge]\nmin_confidence = 0.6\n"))
    assert judge_min_confidence(config) == 0.6
    assert judge_min_confidence(config, 0.3) == 0.3
    with pytest.raises(ConfigError, match="--min-confidence must be a number between 0 and 1"):
        judge_min_confidence(config, 1.5)


def test_the_setting_is_part_of_a_loadable_review(tmp_path: Path) -> None:
    """``[judge]`` sits in the review's own litreview.toml, which load_review validates as a whole."""
    review = tmp_path / "corpus"
    shutil.copytree(CORPUS, review)
    _settings(review, "\n[judge]\nmin_confidence = 0.6\n")
    assert load_review(review).config.min_confidence == 0.6


@pytest.mark.parametrize("body", ["\n[judge]\nmin_confidence = 'high'\n", "\n[judge]\nmin_confidence = 1.5\n",
                                  "\n[judge]\nthreshold = 0.5\n", "\n[judge\n"])
def test_bad_setting_is_a_one_line_error(tmp_path: Path, body: str) -> None:
    with pytest.raises(CorpusError, match=CONFIG_NAME) as raised:
        load_review_config(_settings(tmp_path, body))
    assert "\n" not in str(raised.value)


def _machine_corpus(tmp_path: Path) -> Path:
    """A copy of the committed corpus with no curator judgements, so the machine judges every pair."""
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    manifest_path = corpus / "snapshot" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    (corpus / "snapshot" / "curated.jsonl").write_text("", encoding="utf-8")
    manifest["files"]["curated.jsonl"] = {"bytes": 0, "sha256": hashlib.sha256(b"").hexdigest()}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    return corpus


def test_judge_queue_is_ordered_least_confident_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _machine_corpus(tmp_path)
    assert main(["screen", "next", "--stage", "judge", "--n", "20", "--corpus", str(corpus)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split("\t") for line in lines[:-1]]
    assert len(rows) == 20 and lines[-1].endswith("await a reviewer, least confident first")
    # judgements that need a reviewer (a quarter of a verdict's weight, or flipping it) come first
    first = [row[-1] == "needs a reviewer" for row in rows]
    assert first == sorted(first, reverse=True)
    for group in (True, False):
        confidences = [float(row[4].split()[1]) for row, flag in zip(rows, first) if flag == group]
        assert confidences == sorted(confidences)
    assert main(["screen", "next", "--stage", "judge", "--n", "200", "--min-confidence", "0.99",
                 "--corpus", str(corpus)]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()[:-1]]
    assert rows and {row[3] for row in rows} == {"unclear"}
