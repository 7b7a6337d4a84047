"""An experiment, not shipped: a fitted combiner over the direction judge's rules (issue 23).

The rules (:func:`litreview.evidence.direction_judge.judge_direction`) give a
direction, a confidence and the path that decided (a claim-aware reading, the
linear model, the plain-statement fallback, or "does not address the claim").
The combiner reads those with the relevance score and its parts, which cues
fired in the text (negation, null finding, refutation, hedge, contrast), the
claim's kind (denial, question), the overlap of claim and text content words
and the text's length (:func:`combiner_features`); no word identities. A
multinomial logistic model (fitted by ``combiner_fit.py``) scores *supports*,
*not supported* and *unclear* (:meth:`Combiner.decide`); when its class is the
rules' class the rules' judgement stands, otherwise the combiner's class
decides. Measured leave-one-dataset-out it lowered every dataset it was not
fitted on, and within HealthVer (folds by claim) it stayed under macro-F1 50,
so it lives here and not in ``src/`` (``docs/scoring.md``, "HealthVer
combiner"). Plain Python at run time, so it could ship with a weights TOML.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litreview.evidence import cues as lex
from litreview.evidence.addressing import addressing_features
from litreview.evidence.claim_spec import parse_claim, stems
from litreview.evidence.direction import direction_features

__all__ = ["CLASSES", "FEATURES", "TO_CLASS", "Combiner", "rule_path", "combiner_features"]

#: The combiner's classes, in the order of each weight vector.
CLASSES = ("supports", "not_supported", "unclear")
#: A five-way direction in the combiner's three classes.
TO_CLASS = {"supports": "supports", "contradicts": "not_supported", "no_effect": "not_supported",
            "mixed": "unclear", "unclear": "unclear"}
_DIRECTIONS = ("supports", "contradicts", "no_effect", "mixed", "unclear")
_PATHS = ("reading", "model", "plain", "unaddressed")
_CUES = ("conc_negation", "conc_null", "conc_hedge", "conc_contrast", "conc_positive", "conc_negative",
         "conc_relevance", "body_negation", "body_null", "relevant_negation", "first_negator")
#: Features, in the order of the fitted weight rows.
FEATURES = (
    "bias",
    *(f"rule_{d}" for d in _DIRECTIONS),
    *(f"path_{p}" for p in _PATHS),
    "rule_confidence",
    "lexical", "intervention", "outcome", "focus",
    *_CUES,
    "text_refuted", "text_null", "claim_denies", "claim_question", "overlap", "length",
)


def rule_path(reason: str) -> str:
    """Which part of the rules decided, from a judgement's reason: reading, model, plain or unaddressed."""
    if reason == "no text" or reason.startswith("does not address the claim"):
        return "unaddressed"
    if reason.startswith("linear model"):
        return "model"
    if reason.startswith("no clause names") or reason.endswith("(not in a clause on the claim)"):
        return "plain"
    return "reading"


def combiner_features(claim: Any, text: str, direction: str, confidence: float, reason: str) -> dict[str, float]:
    """Feature row of a (claim, text) pair and the rules' judgement of it.

    Parameters
    ----------
    claim : Claim or str
        A register claim, or a plain-language statement or question.
    text : str
        The evidence text (title and abstract, or a sentence).
    direction, confidence, reason : str, float, str
        The rules' judgement (:class:`~litreview.evidence.direction_judge.DirectionJudgement` fields).

    Returns
    -------
    dict of str to float
        One value per name in :data:`FEATURES`.
    """
    spec = parse_claim(claim)
    path = rule_path(reason)
    row = {"bias": 1.0, "rule_confidence": float(confidence)}
    row.update({f"rule_{d}": float(direction == d) for d in _DIRECTIONS})
    row.update({f"path_{p}": float(path == p) for p in _PATHS})
    readable = path != "unaddressed" and bool(text and text.strip())
    row.update(addressing_features(claim, text) if readable else dict.fromkeys(("lexical", "intervention", "outcome",
                                                                                  "focus"), 0.0))
    cues = direction_features(spec, text) if readable else {}
    row.update({name: float(cues.get(name, 0.0)) for name in _CUES})
    claim_stems = spec.stems or frozenset(stems(spec.statement))
    words = len(text.split()) if text else 0
    row.update(
        text_refuted=float(readable and bool(lex.REFUTED.search(text))),
        text_null=float(readable and bool(lex.NULL.search(text))),
        claim_denies=float(spec.denies),
        claim_question=float(spec.question),
        overlap=len(claim_stems & stems(text)) / len(claim_stems) if readable and claim_stems else 0.0,
        length=min(math.log1p(words) / math.log1p(1000), 1.0),
    )
    return {name: row[name] for name in FEATURES}


@dataclass(frozen=True)
class Combiner:
    """A fitted multinomial logistic model: score[c] = sum(weight[f][c] x feature[f]).

    Attributes
    ----------
    weights : mapping of str to tuple of float
        Per feature of :data:`FEATURES`, one weight per class of :data:`CLASSES`.
    """

    weights: Mapping[str, tuple[float, ...]]

    def probabilities(self, features: Mapping[str, float]) -> tuple[float, ...]:
        """Class probabilities (softmax of the scores), in the order of :data:`CLASSES`."""
        scores = [sum(self.weights[f][k] * features[f] for f in FEATURES) for k in range(len(CLASSES))]
        peak = max(scores)
        exps = [math.exp(s - peak) for s in scores]
        return tuple(e / sum(exps) for e in exps)

    def decide(self, features: Mapping[str, float], direction: str) -> tuple[str, float] | None:
        """The direction to use instead of the rules' ``direction`` and its probability, or None to keep it.

        A *not supported* call is ``no_effect`` when the text states a null
        finding or a refutation, else ``contradicts``.
        """
        probs = self.probabilities(features)
        top = max(range(len(CLASSES)), key=lambda k: (probs[k], -k))
        chosen = CLASSES[top]
        if chosen == TO_CLASS[direction]:
            return None
        if chosen == "not_supported":
            chosen = "no_effect" if features["text_null"] or features["text_refuted"] else "contradicts"
        return chosen, probs[top]
