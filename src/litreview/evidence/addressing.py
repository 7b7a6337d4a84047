"""Does a text address a claim? A small fitted logistic model over lexical and (optional) embedding features.

Features of a (claim, text) pair (:func:`addressing_features`):

- lexical (:mod:`litreview.evidence.relevance`): ``lexical`` (the relevance
  score), ``intervention`` (the claim's intervention named anywhere: 1/0),
  ``outcome`` (the largest share of the outcome's word groups one sentence
  names), ``focus`` (the outcome in the title and in a third of the sentences);
- embedding (:mod:`litreview.evidence.embedding`, when installed): cosine
  similarity of the claim with the title (``cos_title``), with the best
  conclusion sentence (``cos_conclusion``) and the best of both (``cos_max``).
  Only the title and the conclusion sentences are encoded.

The weights (``relevance_weights.toml``, one model with embeddings and one
without) are fitted by ``python evaluation/relevance_fit.py --write`` on
HealthVer dev (Neutral = does not address) and the register's curated
findings (a finding against the claims its record is not linked to = does not
address); the real abstracts are never fitted on.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import CorpusError
from . import embedding
from .claim_spec import parse_claim
from .relevance import _coverage, _focus, _outcome, _sentences, _terms, relevance, unreadable

__all__ = ["LEXICAL_FEATURES", "EMBEDDING_FEATURES", "WEIGHTS_FILE", "AddressingModel", "addressing_features",
           "read_model", "packaged_model", "address_probability"]

LEXICAL_FEATURES = ("lexical", "intervention", "outcome", "focus")
EMBEDDING_FEATURES = (*LEXICAL_FEATURES, "cos_title", "cos_conclusion", "cos_max")
WEIGHTS_FILE = "relevance_weights.toml"


@dataclass(frozen=True)
class AddressingModel:
    """A fitted logistic model: P(addresses) = sigmoid(bias + sum(weight x feature)).

    Attributes
    ----------
    features : tuple of str
        Feature names, in the order of ``weights``.
    weights : tuple of float
        One weight per feature.
    bias : float
        Intercept.
    threshold : float
        Below this probability a text does not address the claim.
    """

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, features: Mapping[str, float]) -> float:
        """P(addresses the claim) for one feature row."""
        z = self.bias + sum(w * features[name] for name, w in zip(self.features, self.weights))
        return 1.0 / (1.0 + math.exp(-z))


def addressing_features(claim: Any, text: str, embeddings: bool = False) -> dict[str, float]:
    """Feature row of a (claim, text) pair.

    Parameters
    ----------
    claim : Claim, ClaimSpec or str
        As for :func:`litreview.evidence.relevance.relevance`.
    text : str
        Title (first line) and abstract, or any evidence text.
    embeddings : bool, optional
        Also compute the cosine features (needs :func:`embedding.available`).

    Returns
    -------
    dict of str to float
        :data:`LEXICAL_FEATURES` (and :data:`EMBEDDING_FEATURES` with ``embeddings``).
    """
    spec = parse_claim(claim)
    terms = _terms(spec, tuple(getattr(claim, "outcome_terms", ())))
    found = relevance(claim, text)
    readable = bool(text and text.strip()) and not unreadable(claim, text)
    row = {
        "lexical": found.score,
        "intervention": float(readable and bool(terms.intervention) and _coverage(terms.intervention, text) > 0),
        "outcome": max((_outcome(terms, text[a:b]) for a, b, _ in _sentences(text)), default=0.0) if readable else 0.0,
        "focus": _focus(claim, text) if readable else 0.0,
    }
    if embeddings:
        title, best = embedding.conclusion_similarity(claim, text or "")
        row.update(cos_title=title, cos_conclusion=best, cos_max=max(title, best))
    return row


def read_model(path: Any, name: str) -> AddressingModel:
    """Read one model (``lexical`` or ``embedding``) from a weights TOML.

    Raises
    ------
    CorpusError
        The file lacks the model, a feature or the threshold.
    """
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    try:
        section = data[name]
        weights = section["weights"]
        features = LEXICAL_FEATURES if name == "lexical" else EMBEDDING_FEATURES
        return AddressingModel(features, tuple(float(weights[f]) for f in features), float(section["bias"]),
                               float(section["threshold"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise CorpusError(f"{path}: relevance model '{name}' is incomplete ({exc})") from exc


@lru_cache(maxsize=2)
def packaged_model(name: str) -> AddressingModel:
    """The shipped model ``lexical`` or ``embedding`` (``relevance_weights.toml``)."""
    return read_model(resources.files("litreview.evidence").joinpath(WEIGHTS_FILE), name)


def address_probability(claim: Any, text: str | None, embeddings: bool | None = None) -> float:
    """Probability that a text addresses a claim (the packaged model).

    Parameters
    ----------
    claim : Claim, ClaimSpec or str
        The claim.
    text : str or None
        Title and abstract, or any evidence text; empty gives 0.
    embeddings : bool, optional
        Use the embedding model; by default when it is installed.

    Returns
    -------
    float
        0 to 1; compare with the model's ``threshold``.
    """
    if not text or not text.strip():
        return 0.0
    use = embedding.available() if embeddings is None else embeddings
    model = packaged_model("embedding" if use else "lexical")
    return model.probability(addressing_features(claim, text, embeddings=use))
