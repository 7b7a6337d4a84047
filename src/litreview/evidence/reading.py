"""Claim-aware reading of a text: the clauses that speak to the claim, and which way each points.

The text is cut into sentences (a title is one of its own); the title and the conclusion (a
``CONCLUSION(S):`` section, else the last two finding sentences) are read clause by clause, each
clause giving a signal for the claim's effect kind (:mod:`litreview.evidence.clauses` says what a
clause is about, whether it counts and which way it points). A text saying the claim's agent itself
was not tested is ``unclear``.

Clauses weigh by where they stand (conclusion, title) and what they name (the
claim's outcome, its subject); a clause about a subgroup or a later time point
weighs less. When neither title nor conclusion states a
finding on the claim's outcome, the results sentences that name the claim's
subject or intervention are read as well. The weighted signals decide the
direction: a partial finding (an effect that faded, was small or brief, held in
a subgroup only, or was inconsistent), or a finding for the claim beside one against or
null of at least a quarter of its weight, makes it ``mixed``. The result is a :class:`Reading`: a direction,
or none when nothing decisive was found, with a confidence and the deciding
sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import cues as lex
from .claim_spec import ClaimSpec
from .clauses import _clause_signal, _compiled, _Context, _directional, _found, _sentence
from .direction import split_conclusion
from .results import clear_caches as clear_results_caches
from .results import results_sentences
from .statements import AIM

#: Weights: where a clause stands and what it names.
_W_CONCLUSION, _W_TITLE, _W_SCOPED, _W_HEDGED = 1.5, 0.5, 0.6, 0.7
_W_OUTCOME, _W_SENTENCE_OUTCOME, _W_SUBJECT = 1.0, 0.6, 0.4
#: Claim kinds only the reading can judge: with no finding on them, the answer is ``unclear``.
_READER_KINDS = ("low_harm", "required", "lasting")
#: A minority reading at least this share of the main one makes the finding mixed.
_MIXED_SHARE = 0.25
#: Confidence factors: a verdict resting on one or two clauses (few cues) is less sure than one on several;
#: a harm found against a low-harm claim is a matter of degree (minor or not) the words rarely settle.
_FEW_CLAUSES = {1: 0.9, 2: 0.95}
_HARM_FOUND = 0.75


@dataclass(frozen=True)
class Reading:
    """What the claim-aware reading found.

    Attributes
    ----------
    direction : str or None
        ``supports``, ``contradicts``, ``no_effect``, ``mixed`` or ``unclear``;
        None when no clause speaks to an up/down/better/any claim (the linear
        model decides).
    confidence : float
        0-1: how much the reading is worth (low = a reviewer should look first).
    sentence : str
        The sentence holding the deciding clause ("" when none).
    reason : str
        What decided, in a few words ("against: 'tripled'").
    """

    direction: str | None
    confidence: float
    sentence: str
    reason: str


@dataclass(frozen=True)
class _Clause:
    """One clause read against the claim."""

    signal: str  # for, against, null, limited (a partial finding), unclear (evidence judged insufficient),
    # qualified (low_harm: a mild or transient harm), or ""
    cue: str
    weight: float
    relevance: float
    sentence: str
    hedged: bool
    caveat: bool


def _other_outcomes_only(spec: ClaimSpec, text: str) -> bool:
    """True when the text never names the claim's outcome and names another outcome domain."""
    if _found(_compiled(spec.outcome_pattern), text):
        return False
    return any(m.lastgroup in spec.other_outcomes for m in lex.DOMAIN.finditer(text))


def _read_clauses(spec: ClaimSpec, text: str, results: bool = False) -> tuple[list[_Clause], bool]:
    """Every clause with a signal (title and conclusion, or the results part), and whether a clause names the claim."""
    patterns = {name: _compiled(getattr(spec, f"{name}_pattern")) for name in ("subject", "outcome", "agent")}
    lines = text.splitlines()
    title = lines[0].strip() if len(lines) > 1 else ""
    body, conclusion = split_conclusion(text, spec.agent_pattern)
    out: list[_Clause] = []
    speaks = False
    placed = ([(1, s) for s in results_sentences(text, spec.agent_pattern)] if results else
              [(0, s) for s in body if s == title] + [(1, s) for s in conclusion])
    for position, sentence in placed:
        if results and not (_found(patterns["subject"], sentence) or _found(patterns["agent"], sentence)):
            continue  # a result on another intervention or group
        weight = _W_TITLE if title and sentence == title else (_W_CONCLUSION if position else 1.0)
        if weight == _W_TITLE and lex.TITLE_TOPIC.match(sentence) and not lex.TITLE_FINDING.search(sentence):
            continue  # "Efficacy and safety of X in Y" names the topic, not a finding
        if AIM.match(sentence):
            continue  # a study's aim ("To evaluate whether X lowers Y"), not a finding
        hedged, primary, clauses = _sentence(sentence)
        sentence_outcome = primary or bool(_found(patterns["outcome"], sentence))
        context = _Context()
        for cues in clauses:
            clause = cues.text
            subject = cues.anaphor or bool(_found(patterns["subject"], clause) or _found(patterns["agent"], clause))
            outcome = cues.primary or bool(_found(patterns["outcome"], clause))
            speaks = speaks or subject or outcome
            signal, cue = _clause_signal(cues, sentence, spec, patterns, context, subject, outcome)
            if signal == "against" and _other_agent(spec, patterns["subject"], clause):
                continue  # "masks reduced transmission" does not deny that people spread the virus
            if not signal or (signal == "against" and spec.effect == "low_harm" and weight == _W_TITLE
                              and not lex.TITLE_FINDING.search(sentence)):
                continue  # a harm in a title without a verb is the topic, not a finding
            relevance = _W_OUTCOME if outcome else (_W_SENTENCE_OUTCOME if sentence_outcome else
                                                    (_W_SUBJECT if subject else 0.0))
            if spec.effect == "lasting" and not relevance and lex.LASTING_TOPIC.search(clause):
                relevance = _W_SUBJECT
            if not relevance:
                continue
            w = weight * relevance * (_W_SCOPED if cues.scoped and spec.timeframe != "lasting" else 1.0)
            out.append(_Clause(signal, cue, w * (_W_HEDGED if hedged else 1.0), relevance, sentence, hedged,
                               signal == "null" and cues.caveat))
    return out, speaks


def _other_agent(spec: ClaimSpec, subject: re.Pattern[str] | None, clause: str) -> bool:
    """True when a plain up/down statement's clause does not name its subject: an effect the other way is
    another agent's (an intervention that lowers what the claim's subject raises), not a finding against it."""
    return not spec.register and spec.effect in ("up", "down") and not _found(subject, clause)


def _not_tested(spec: ClaimSpec, text: str) -> str:
    """The words saying the claim's agent (or subject) itself was not tested ("the drug itself was not
    studied"), or ""."""
    named = _compiled(spec.agent_pattern or spec.subject_pattern)
    for found in lex.NOT_TESTED.finditer(text) if named is not None and " not " in text else ():
        before = re.split(r"[.;:]\s", text[max(0, found.start() - 60): found.start()])[-1]
        if named.search(before):
            return f"{before.strip()} {found.group(0).strip()}"
    return ""


def _in_scope(clauses: list[_Clause], scope: re.Pattern[str] | None) -> list[_Clause]:
    """The clauses whose sentence names the claim's comparison or time frame (all of them with no scope)."""
    return clauses if scope is None else [c for c in clauses if scope.search(c.sentence)]


def _decide(spec: ClaimSpec, clauses: list[_Clause]) -> tuple[str, list[_Clause]]:
    """Direction from weighted clause signals, and the clauses behind it."""
    if spec.effect == "low_harm":
        # a harm found outweighs the absence of another; a mild or transient harm is what the claim says
        against = [c for c in clauses if c.signal == "against"]
        if against:
            return "contradicts", against
        return "supports", [c for c in clauses if c.signal in ("for", "qualified")]
    totals = {name: sum(c.weight for c in clauses if c.signal == name)
              for name in ("for", "against", "null", "limited", "unclear")}
    unclear = totals.pop("unclear")
    if unclear and (unclear >= max(totals.values()) or all(c.hedged for c in clauses if c.signal != "unclear")):
        # the authors judge the evidence insufficient, and what it found is outweighed or only suggested
        return "unclear", [c for c in clauses if c.signal == "unclear"]
    limited = totals.pop("limited")
    if limited and limited >= _MIXED_SHARE * totals["for"] and limited + totals["for"] >= max(totals.values()):
        # an effect for the claim that faded, was small or held only in some: a partial finding
        return "mixed", clauses
    ranked = sorted(totals, key=lambda name: -totals[name])
    main, second = ranked[0], ranked[1]
    label = {"for": "supports", "against": "contradicts", "null": "no_effect"}
    if totals[second] >= _MIXED_SHARE * totals[main] and "for" in (main, second) and totals[second] > 0:
        return "mixed", clauses
    return label[main], [c for c in clauses if c.signal == main]


def read_claim(spec: ClaimSpec, text: str) -> Reading:
    """Read a text against a claim, clause by clause.

    Parameters
    ----------
    spec : ClaimSpec
        The claim, parsed (:func:`~litreview._claim_spec.parse_claim`).
    text : str
        Title (first line) and abstract or summary; the title and the
        conclusion (a ``CONCLUSION(S):`` section, else the last two finding sentences)
        are read.

    Returns
    -------
    Reading
        ``unclear`` when the text names neither the claim's subject nor its
        outcome, or names them without a finding on the claim (a review, an
        effect without the manipulation a requirement needs, an effect with no
        time course for a durability claim).
    """
    clauses, speaks = _read_clauses(spec, text)
    scope = _compiled(spec.scope_pattern)
    if not any(c.relevance == _W_OUTCOME and c.signal != "unclear" for c in _in_scope(clauses, scope)):
        # no finding on the claim's outcome in title or conclusion (an outlook, a hedge, another question,
        # or, for a claim with a comparison or onset, a sentence naming neither): read the results part
        found, named = _read_clauses(spec, text, results=True)
        within = _in_scope(found, scope)
        if scope is not None and any(c.relevance == _W_OUTCOME and c.signal != "unclear" for c in within):
            found = _in_scope(clauses, scope) + within  # the results that name the comparison decide
            clauses = []
        clauses, speaks = clauses + found, speaks or named
    context = bool(lex.CONTEXT_TEXT.search(text))
    untested = _not_tested(spec, text)
    if untested:
        return Reading("unclear", 0.6, untested, "the claim's subject was not tested")
    if not clauses:
        if not speaks:
            return Reading("unclear", 0.6, "", "the text names neither the claim's subject nor its outcome")
        if spec.effect not in _READER_KINDS and _other_outcomes_only(spec, text):
            return Reading("unclear", 0.5, "", "reports other outcomes, not the claim's")
        if spec.effect in _READER_KINDS or context:
            why = "a review or comment" if context else f"no {spec.effect.replace('_', ' ')} finding"
            return Reading("unclear", 0.4, "", f"{why}: nothing on the claim")
        return Reading(None, 0.0, "", "")
    direction, deciding = _decide(spec, clauses)
    best = max(deciding, key=lambda c: c.weight)
    share = sum(c.weight for c in deciding) / sum(c.weight for c in clauses) if direction != "mixed" else 0.5
    confidence = (0.35 + 0.6 * share * best.relevance) * _FEW_CLAUSES.get(len(deciding), 1.0)
    if spec.effect == "low_harm" and direction == "contradicts":
        confidence *= _HARM_FOUND
    if best.hedged:
        confidence *= 0.8
    if best.caveat:
        confidence *= 0.85
    if context:
        confidence *= 0.8
    signs = sorted({f"{c.signal}: '{c.cue}'" for c in deciding})
    return Reading(direction, round(min(confidence, 0.95), 3), best.sentence, "; ".join(signs[:3]))


def clear_caches() -> None:
    """Forget cached clause readings (for timing a cold run)."""
    _sentence.cache_clear()
    _directional.cache_clear()
    clear_results_caches()
