"""The direction judge: which way a text points relative to a claim (:func:`judge_direction`).

A text that cannot be read, or (behind the optional relevance gate) does not address the claim, is
``unclear``. A claim is read clause by clause against its predicted effect
(:func:`litreview.evidence.reading.read_claim`); a claim that denies the effect turns the reading
round; a plain statement of certainty ("cures", "always", "100 %") read from a hedged sentence
("may", "could") is ``unclear``. A yes/no question, or a register claim no clause reads, is answered
by the linear model (:mod:`litreview.evidence.direction`, trusted at most 0.6); a plain statement whose subject and
outcome no sentence names together is ``unclear`` unless the text denies a finding outright. A call
below ``min_confidence`` is returned as ``unclear`` for a reviewer. :mod:`litreview.evidence.scoring`
calls it for every (record, claim) pair; ``docs/scoring.md`` gives its measured agreement.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..corpus.claims import Claim
from ..corpus.sentences import split_sentences
from . import cues as lex
from . import direction as _direction
from .addressing import address_probability
from .claim_spec import ANAPHORS, ClaimSpec, main_statement, parse_claim, pattern_words, stem
from .direction import MODEL_CLASSES, direction_features
from .reading import Reading, read_claim
from .relevance import Relevance, relevance, unreadable

__all__ = ["DirectionJudgement", "judge_direction"]

#: The linear model's fallback is trusted less than a claim-aware reading: confidence = this x its probability.
_MODEL_CONFIDENCE = 0.6
#: A reading's direction for a claim that denies the effect ("X does not cause Y").
_DENIED = {"supports": "contradicts", "contradicts": "supports", "no_effect": "supports"}
_NO_READING = Reading(None, 0.0, "", "")
#: A plain statement of at least this many distinct content words, read from a sentence naming only one of
#: them, is decided on a word the sentence may share by chance: its confidence is scaled by _ONE_WORD.
_MANY_WORDS, _ONE_WORD = 3, 0.6
#: Words of a claim of certainty ("cures", "kills", "100 %", "anyone", "always"): evidence that only "may" or
#: "could" show it leaves such a claim open (``unclear``), not supported.
_CERTAIN = re.compile(r"\b(?:cures?|cured|kills?|100 ?%|anyone|everyone|always|never|completely|definitely|"
                      r"guarantee\w*|magic|miracle|totally|entirely|eliminat\w*)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DirectionJudgement:
    """Which way a text points relative to a claim.

    Attributes
    ----------
    direction : str
        ``supports``, ``contradicts``, ``no_effect``, ``mixed`` or ``unclear``.
    sentence : str
        The sentence that best shows it (conclusion sentences first).
    score : float
        The decider's own strength for its choice (0-1): the linear model's
        probability for its class when the model decided, the reading's
        confidence when the claim-aware reading did.
    confidence : float
        How far to trust ``direction`` (0-1): a claim-aware reading of a clause
        that names the claim's outcome scores high, a hedged, caveated or
        title-only one lower, a mixed one about 0.5, the linear model's
        fallback at most 0.6 (its probability x 0.6). Reviewers look at low
        confidence first.
    reason : str
        What decided, in a few words (the cue words found, or the model's class).
    """

    direction: str
    sentence: str
    score: float
    confidence: float = 0.0
    reason: str = ""


def judge_direction(
    claim: Claim | str, text: str | None, weights: Mapping[str, Sequence[float]] | None = None,
    min_relevance: float | None = None, min_confidence: float = 0.0,
) -> DirectionJudgement:
    """Judge whether a text supports, contradicts or shows no effect / mixed / unclear about a claim.

    Parameters
    ----------
    claim : Claim or str
        A register claim (its ``subject``, ``outcome`` and predicted polarity
        are used) or a plain-language statement or question ("Does ketamine
        lower cortisol?"); a statement's first effect verb sets its polarity.
    text : str or None
        Abstract or summary. A ``CONCLUSION(S):`` label marks the conclusion,
        otherwise the last two sentences that state a finding (outlooks, calls
        for further research and drug-class generalities skipped;
        :func:`~litreview.evidence.direction.split_conclusion`); conclusion
        sentences weigh most.
    weights : mapping, optional
        Model weights (feature -> one score per class); the packaged
        ``direction_weights.toml`` when omitted.
    min_relevance : float, optional
        Relevance gate: a text whose probability of addressing the claim
        (:func:`litreview.evidence.addressing.address_probability`, the fitted
        model, with embeddings when they are installed) is below it is
        ``unclear`` with the reason "does not address the claim (<code>, p=...)".
        Off by default (``docs/scoring.md`` gives the figures with and without).
        A text that cannot be read (non-English, a claim with no recognisable
        subject) is ``unclear`` whatever the gate.
    min_confidence : float, optional
        Abstention: a call below this confidence is returned as ``unclear``
        for a reviewer, its reason naming the call it would have made
        (``[judge] min_confidence`` in the corpus's ``litreview.toml``, or
        ``--min-confidence``). 0 (default) keeps every call.

    Returns
    -------
    DirectionJudgement
        Negated effects ("did not increase"), null findings ("no significant
        difference", "not associated") and similarity ("comparable") point to
        *no_effect*; an effect against the claim's polarity (cortisol rose, claim
        says it falls) to *contradicts*; hedges ("may", "further studies are
        needed") to *unclear*; contrast with both kinds of finding to *mixed*.

    Examples
    --------
    >>> judge_direction("Does drug X lower blood pressure?",
    ...                 "CONCLUSIONS: Drug X did not lower blood pressure compared with placebo.").direction
    'no_effect'
    """
    judged = _judge(claim, text, weights, min_relevance)
    if judged.direction != "unclear" and judged.confidence < min_confidence:
        return DirectionJudgement("unclear", judged.sentence, judged.score, judged.confidence,
                                  f"below min_confidence {min_confidence:g}: {judged.direction} ({judged.reason})")
    return judged


def _judge(claim: Claim | str, text: str | None, weights: Mapping[str, Sequence[float]] | None,
           min_relevance: float | None) -> DirectionJudgement:
    """The judgement before abstention (see :func:`judge_direction`)."""
    if not text or not text.strip():
        return DirectionJudgement("unclear", "", 0.0, 0.0, "no text")
    # bad input is always unclear (cheap checks); the sentence-by-sentence relevance score is computed
    # only behind a gate (off by default): below it the text does not address the claim
    code = unreadable(claim, text)
    found = Relevance(0.0, reason=code) if code or not min_relevance else relevance(claim, text)
    addressed = 0.0 if code or not min_relevance else address_probability(claim, text)
    if code or (min_relevance or 0.0) > addressed:
        gate = min_relevance or 1.0
        confidence = round(0.5 + 0.4 * (1 - min(addressed / gate, 1.0)), 3)
        reason = found.reason if found.reason != "addresses_claim" else "model"
        return DirectionJudgement("unclear", found.sentence, addressed, confidence,
                                  f"does not address the claim ({reason}, p={addressed:.2f})")
    spec = parse_claim(claim)
    # a claim asserts an effect and is read clause by clause against it; a yes/no question asserts
    # none, so the linear model fitted on expert-answered questions (PubMedQA) answers it
    reading = read_claim(spec, text) if not spec.question else _NO_READING
    if reading.direction is not None:
        sentence = reading.sentence or _direction.split_conclusion(text)[1][-1]
        direction = _DENIED.get(reading.direction, reading.direction) if spec.denies else reading.direction
        reason = f"claim denies the effect; {reading.reason}" if direction != reading.direction else reading.reason
        confidence = reading.confidence
        if not spec.register and reading.sentence and _one_word_match(spec, reading.sentence):
            confidence = round(confidence * _ONE_WORD, 3)
        if direction == "supports" and _hedged_for_certain(spec, reading.sentence):
            return DirectionJudgement("unclear", sentence, reading.confidence, 0.5,
                                      f"hedged evidence for a claim of certainty ({reason})")
        return DirectionJudgement(direction, sentence, reading.confidence, confidence, reason)
    if not spec.question and not isinstance(claim, Claim) and not _names_together(spec, text):
        return _plain_fallback(spec, text)
    weights = weights if weights is not None else _direction.packaged_weights()
    features = direction_features(spec, text)
    scores = _direction.class_scores(features, weights)
    top = max(range(len(scores)), key=lambda k: (scores[k], -k))
    peak = max(scores)
    probability = round(math.exp(scores[top] - peak) / sum(math.exp(s - peak) for s in scores), 3)
    model_class = MODEL_CLASSES[top]
    return DirectionJudgement(
        direction=_direction.refine(model_class, features, spec.polarity),
        sentence=_direction.deciding_sentence(spec, text, model_class),
        score=probability,
        confidence=round(_MODEL_CONFIDENCE * probability, 3),
        reason=f"linear model: {model_class.replace('_', ' ')} (p={probability:g})",
    )


def _one_word_match(spec: ClaimSpec, sentence: str) -> bool:
    """True when a statement of many content words is read from a sentence naming at most one of them."""
    words = {stem(w) for w in pattern_words(spec.statement)}
    if len(words) < _MANY_WORDS:
        return False
    named = {w for w in words if re.search(rf"\b{re.escape(w)}", sentence, re.IGNORECASE)}
    return len(named) <= 1


def _hedged_for_certain(spec: ClaimSpec, sentence: str) -> bool:
    """True when a plain statement of certainty (its main sentence) is read from a hedged sentence."""
    return (not spec.register and bool(sentence) and bool(_CERTAIN.search(main_statement(spec.statement)[1]))
            and bool(_direction._HEDGE.search(sentence)))


def _names_together(spec: ClaimSpec, text: str) -> bool:
    """True when one sentence names the claim's subject (or "the drug") and its outcome.

    With no outcome parsed (a free-form claim) two different words of the
    claim must be named in the sentence.
    """
    subject = re.compile(rf"\b(?:{spec.subject_pattern}|{ANAPHORS})", re.IGNORECASE) if spec.subject_pattern else None
    outcome = re.compile(rf"\b(?:{spec.outcome_pattern})", re.IGNORECASE) if spec.outcome_pattern else None
    if subject is None or outcome is None:
        return False
    same = spec.outcome_pattern == spec.subject_pattern
    for sentence in split_sentences(text):
        if same:
            if len({m.group(0).lower() for m in outcome.finditer(sentence)}) > 1:
                return True
        elif subject.search(sentence) and outcome.search(sentence):
            return True
    return False


def _plain_fallback(spec: ClaimSpec, text: str) -> DirectionJudgement:
    """A plain statement no clause reads a finding on: unclear, unless the text denies a finding outright.

    The linear model answers yes/no questions (it was fitted on PubMedQA); on a
    statement whose subject and outcome no clause names together its effect
    words are about something else, so it is not asked.
    """
    denial = next((m for regex in (lex.REFUTED, lex.NULL) for m in [regex.search(text)] if m), None)
    if denial is None:
        return DirectionJudgement("unclear", "", 0.0, 0.5, "no clause names the claim's subject and outcome "
                                                           "with a finding")
    direction = "supports" if spec.denies else "no_effect"
    return DirectionJudgement(direction, "", 0.4, 0.4, f"null: '{denial.group(0)}' (not in a clause on the claim)")
