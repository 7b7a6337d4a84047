"""The "addresses the claim" model: embeddings (optional), features, the fitted TOML and the judge's gate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from evaluation_scripts import load_script

from litreview.corpus.claims import Claim
from litreview.corpus.records import Article
from litreview.errors import CorpusError
from litreview.evidence import embedding
from litreview.evidence.addressing import (
    EMBEDDING_FEATURES,
    LEXICAL_FEATURES,
    address_probability,
    addressing_features,
    packaged_model,
    read_model,
)
from litreview.evidence.direction_judge import judge_direction
from litreview.evidence.embedding import encoded_parts
from litreview.evidence.relevance import COSINE_WEIGHT, pair_score

ROOT = Path(__file__).resolve().parents[1]
CLAIM = "Ketamine lowers cortisol."
ON_TOPIC = ("Ketamine and the stress axis in depression\n"
            "We gave ketamine or saline to 40 patients. Cortisol was measured before and after the infusion. "
            "CONCLUSIONS: Ketamine lowered plasma cortisol within two hours compared with saline.")
OFF_TOPIC = ("Blood pressure after anaesthesia in older adults\n"
             "We measured blood pressure in 60 surgical patients. Hypotension was common after induction. "
             "CONCLUSIONS: Induction with propofol was followed by hypotension more often than with etomidate.")
needs_model = pytest.mark.skipif(not embedding.available(), reason="embeddings not installed")


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Vectors go to a temporary cache, never the user's."""
    monkeypatch.setenv("LITREVIEW_CACHE", str(tmp_path / "cache"))


def _fit_module():
    """evaluation/relevance_fit.py as a module."""
    return load_script("relevance_fit")


def test_encoded_parts_are_title_and_conclusion() -> None:
    title, conclusion = encoded_parts(ON_TOPIC)
    assert title == "Ketamine and the stress axis in depression"
    assert conclusion == ["Ketamine lowered plasma cortisol within two hours compared with saline."]
    assert encoded_parts("One sentence only.") == ("One sentence only.", ["One sentence only."])


def test_lexical_features_separate_on_and_off_topic() -> None:
    on, off = addressing_features(CLAIM, ON_TOPIC), addressing_features(CLAIM, OFF_TOPIC)
    assert set(on) == set(LEXICAL_FEATURES)
    assert on["intervention"] == 1.0 and off["intervention"] == 0.0
    assert on["lexical"] > off["lexical"] and on["outcome"] == 1.0 > off["outcome"]
    assert addressing_features(CLAIM, "")["lexical"] == 0.0


@pytest.mark.parametrize("use", [False, pytest.param(True, marks=needs_model)])
def test_probability_is_higher_for_the_text_that_addresses_the_claim(use: bool) -> None:
    on = address_probability(CLAIM, ON_TOPIC, embeddings=use)
    off = address_probability(CLAIM, OFF_TOPIC, embeddings=use)
    model = packaged_model("embedding" if use else "lexical")
    assert on >= model.threshold > off
    assert address_probability(CLAIM, "   ") == 0.0


@needs_model
def test_embeddings_are_unit_vectors_cached_on_disk(tmp_path: Path) -> None:
    texts = ["Ketamine lowered cortisol.", "Ketamine reduced corticosterone levels.", "Rainfall was heavy in May."]
    first = embedding.encode(texts, cache=tmp_path)
    assert first.shape == (3, embedding.DIMENSIONS)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-4)
    assert len(list(tmp_path.rglob("*.npy"))) == 3
    embedding._MEMORY.clear()
    assert np.array_equal(embedding.encode(texts, cache=tmp_path), first)  # read back from disk
    sims = embedding.cosine(first[:1], first[1:])[0]
    assert sims[0] > sims[1]


@needs_model
def test_embedding_features_add_cosines() -> None:
    row = addressing_features(CLAIM, ON_TOPIC, embeddings=True)
    assert set(row) == set(EMBEDDING_FEATURES)
    assert row["cos_max"] == max(row["cos_title"], row["cos_conclusion"])
    assert row["cos_conclusion"] > addressing_features(CLAIM, OFF_TOPIC, embeddings=True)["cos_conclusion"]


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LITREVIEW_CACHE", str(tmp_path))
    assert embedding.cache_dir() == tmp_path / "embeddings"


def test_incomplete_weights_file_is_a_corpus_error(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text("[lexical]\nbias = 0.1\nthreshold = 0.5\nweights = { lexical = 1.0 }\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="incomplete"):
        read_model(path, "lexical")


def test_fitted_toml_reproduces_the_scripts_model(tmp_path: Path) -> None:
    """The fit is deterministic and the TOML it writes gives the probabilities scikit-learn gives."""
    fit = _fit_module()
    rows = [(CLAIM, ON_TOPIC, 1), (CLAIM, OFF_TOPIC, 0),
            ("Ketamine improves depression.", "Ketamine for depression\nCONCLUSIONS: Depression scores fell.", 1),
            ("Ketamine improves depression.", OFF_TOPIC, 0),
            ("Exercise lowers blood pressure.", OFF_TOPIC, 0),
            ("Exercise lowers blood pressure.", "Exercise trial\nCONCLUSIONS: Exercise lowered blood pressure.", 1)]
    parts = [fit.matrix(rows[:4], LEXICAL_FEATURES), fit.matrix(rows[4:], LEXICAL_FEATURES)]
    model, again = fit.fit(parts), fit.fit(parts)
    assert np.array_equal(model.coef_, again.coef_)
    path = tmp_path / "w.toml"
    path.write_text("\n".join(fit.toml_section("lexical", model, LEXICAL_FEATURES)), encoding="utf-8")
    shipped = read_model(path, "lexical")
    for claim, text, _ in rows:
        row = addressing_features(claim, text)
        expected = model.predict_proba(np.array([[row[f] for f in LEXICAL_FEATURES]]))[0, 1]
        assert shipped.probability(row) == pytest.approx(expected, abs=1e-3)


def test_gate_makes_an_off_topic_text_unclear() -> None:
    gated = judge_direction(CLAIM, OFF_TOPIC, min_relevance=0.5)
    assert gated.direction == "unclear" and gated.reason.startswith("does not address the claim")
    assert judge_direction(CLAIM, ON_TOPIC, min_relevance=0.5).direction == "supports"


@needs_model
def test_pair_score_adds_the_conclusion_cosine(monkeypatch: pytest.MonkeyPatch) -> None:
    record = Article(pmid="1", title=ON_TOPIC.split("\n")[0], abstract=ON_TOPIC.split("\n", 1)[1])
    claim = Claim(id="cortisol", mechanism="m", kind="mechanism_in_people", statement=CLAIM, subject="ketamine",
                  effect="decreases", outcome="cortisol release", sources=())
    with_cosine, found = pair_score(claim, record)
    _, best = embedding.conclusion_similarity(claim, f"{record.title}\n{record.abstract}")
    monkeypatch.setattr(embedding, "available", lambda: False)
    lexical, _ = pair_score(claim, record)
    assert found.addresses and lexical > 0
    assert with_cosine == pytest.approx(lexical + COSINE_WEIGHT * best, abs=2e-3)
    off = Article(pmid="2", title=OFF_TOPIC.split("\n")[0], abstract=OFF_TOPIC.split("\n", 1)[1])
    monkeypatch.undo()
    assert pair_score(claim, off)[0] == 0.0  # no cosine bonus without lexical evidence
