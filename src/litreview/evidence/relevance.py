"""Relevance: does a text address a claim's intervention and its outcome or mechanism?

:func:`relevance` scores a (claim, text) pair from 0 to 1 and returns the
sentence that shows it (with its character span in the text) and a reason
code. It is lexical: the claim's intervention and outcome are read as word
groups (each content word with its aliases and synonyms, from
:mod:`litreview._claim_spec`), and a sentence addresses the claim when it names
the intervention (or the text does and the sentence refers back to it: "the
infusion") and most of the outcome's word groups. A sentence's place weighs
in: the title, the objective and the results or conclusion count fully, the
background half (an abstract's first sentences say what is already known about
everything).

The direction judge calls it first: unreadable input (:data:`UNREADABLE`) is
``unclear``; with a relevance gate (``min_relevance``) so is a text whose
fitted probability of addressing the claim (:mod:`litreview.evidence.addressing`,
built on these scores) is below it ("does not address the claim").
:func:`pair_record` uses it to decide which claims a record speaks to (with
sentence embeddings installed, :mod:`litreview.evidence.embedding`, the
cosine with the conclusion also ranks the review's claims). Pairing reads a
drug named by its class ("the NMDA receptor antagonist ketamine") as no finding
about the class's target, and a mediation claim ("Y is required for X's
effect") as answered by an experiment that removes Y (blocking, knock-out,
an inhibitor given first): without one it loses to its rivals, with one it
wins over "X raises Y" (:data:`MEDIATION_FACTOR`). An outcome reported with its
own effect estimate (95% CI, d, OR...) in a sentence naming the intervention is
paired whatever its rivals score. Of two claims a text addresses alike, the one
its conclusion names wins (:data:`CONCLUSION_BASE`). :func:`pair_claims` pairs
a record with all of a review's claims at once, each claim scored once.

Reason codes (:data:`REASONS`): ``addresses_claim``, ``no_text``,
``title_only`` (one short line, no sentence: nothing to judge), ``not_english``,
``no_subject`` (the claim names nothing recognisable),
``no_intervention``, ``no_outcome``, ``not_together`` (both named, never in one
place), ``no_timeframe`` (an onset or durability claim and no time course).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ..corpus.records import Article
from ..corpus.sentences import sentence_spans
from . import embedding
from .claim_spec import (
    _HARM_ABUSE,
    _THESAURUS,
    ANAPHORS,
    OUTCOME_SYNONYMS,
    ClaimSpec,
    parse_claim,
    pattern_words,
    stem,
)
from .classification import classify_population
from .direction import split_conclusion

__all__ = ["Relevance", "Pairing", "THRESHOLD", "PAIR_THRESHOLD", "RIVAL_SHARE", "COSINE_WEIGHT",
           "RIVAL_SHARE_EMBEDDING", "MEDIATION_FACTOR", "CONCLUSION_BASE", "REASONS", "UNREADABLE",
           "relevance", "unreadable", "pair_score", "pair_record", "pair_claims"]

#: Below this score the judge answers ``unclear`` ("does not address the claim").
THRESHOLD = 0.45
#: A record is paired with a claim at this pairing score (relevance x focus) or above.
PAIR_THRESHOLD = 0.3
#: With rivals, a claim is paired only at this share of the best rival's pairing score or above.
RIVAL_SHARE = 0.9
#: With embeddings installed: weight of the claim's cosine with the best conclusion sentence in the pairing
#: score, and the rival share (chosen on the register's curated findings, see docs/scoring.md).
COSINE_WEIGHT = 0.5
RIVAL_SHARE_EMBEDDING = 0.95
REASONS = ("addresses_claim", "no_text", "title_only", "not_english", "no_subject", "no_intervention", "no_outcome",
           "not_together", "no_timeframe")
#: Reason codes of a text (or claim) that cannot be read at all: the judge answers ``unclear`` for them.
UNREADABLE = frozenset({"no_text", "title_only", "not_english", "no_subject"})
#: Longest text read (characters); a longer one is cut, never refused.
MAX_CHARS = 60_000
_LABEL = re.compile(r"^([A-Z][A-Z /&-]{2,40}):\s*")
#: Section weight by label prefix; unlabelled sentences weigh by position (see :func:`_weights`).
_SECTION_WEIGHT = (("BACKGROUND", 0.5), ("INTRODUCTION", 0.5), ("CONTEXT", 0.5), ("RATIONALE", 0.5),
                   ("OBJECTIVE", 1.0), ("AIM", 1.0), ("PURPOSE", 1.0), ("METHOD", 0.7), ("DESIGN", 0.7),
                   ("SETTING", 0.6), ("PARTICIPANTS", 0.7), ("PATIENTS", 0.7), ("INTERVENTION", 0.7),
                   ("MEASURE", 0.8), ("OUTCOME", 0.8), ("RESULT", 1.0), ("FINDING", 1.0), ("CONCLUSION", 1.0),
                   ("INTERPRETATION", 1.0), ("DISCUSSION", 1.0), ("LIMITATION", 0.6))
_ENGLISH = re.compile(r"\b(?:the|of|and|in|to|with|was|were|is|are|for|that|by|on|we|this|not|than|a|an|at|as|"
                      r"or|from|after|but|only|be|been|had|has)\b",
                      re.IGNORECASE)
_ANAPHOR = re.compile(rf"\b(?:{ANAPHORS}|infusions?|treatment|the drug|it)\b", re.IGNORECASE)
_EARLY = re.compile(r"\b(?:hours?|minutes?|min\b|\d+\s?h\b|24\s?h|day 1|first day|next day|rapid\w*|acute\w*|"
                    r"immediate\w*|within a day|onset)", re.IGNORECASE)
_LASTING = re.compile(r"\b(?:weeks?|months?|years?|sustain\w*|durab\w*|relapse\w*|maintenance|maintain\w*|"
                      r"persist\w*|lasting|long[- ]term|follow[- ]up|repeated)", re.IGNORECASE)
#: Pairing's reading of an onset claim ("within hours"): a count of hours is early up to 24 ("within 72 hours"
#: is days, what every trial of a slow drug reports too).
_PAIR_EARLY = re.compile(r"\b(?:(?:[1-9]|1\d|2[0-4])\s?(?:h|hrs?|hours?)\b|(?<!\d )(?<!\d)hours?\b|minutes?|"
                         r"min\b|day 1|first day|next day|rapid\w*|acute\w*|immediate\w*|within a day|onset)",
                         re.IGNORECASE)
#: A line with no full stop that is a sentence, not a title: it starts in lower case or with a number (cut from
#: a longer sentence), or it has a finite verb titles rarely have ("is", "were", "may", "did").
_QUOTED_SENTENCE = re.compile(r"^\s*[a-z0-9]|\b(?:is|are|was|were|has|have|had|can|could|may|might|must|should|"
                              r"will|would|did|does)\b")
_KEEP = frozenset({"resistant", "lateral", "burst"})
#: Claim kinds about people (clinical outcomes, harms, a disease's biology): a study of animals or cells is not
#: paired with them.
CLINICAL_KINDS = frozenset({"clinical_efficacy", "harms", "disease_biology"})
#: Words that name an adverse effect itself. Pairing reads a safety claim on these, not on the judge's wider
#: harm words: every trial names a "risk", and "dissociative anaesthetic" names a drug class, not a side effect.
_ADVERSE = re.compile(r"\b(?:side[- ]effects?|adverse|toxic\w*|safety|safe\b|tolerab\w*|cystitis|uropath\w*)",
                      re.IGNORECASE)
_ABUSE = re.compile(rf"\b(?:{_HARM_ABUSE})", re.IGNORECASE)
#: A drug named by its class ("an N-methyl-D-aspartate (NMDA) receptor antagonist", "the NMDA channel blocker"):
#: it says what the drug is, not what a study found about the receptor.
_DRUG_CLASS = re.compile(r"(?:[\w()/-]+[ -]){1,5}?(?:antagonists?|blockers?|agonists?)\b", re.IGNORECASE)
#: An experiment that removes a factor (blocking, knock-down or knock-out, an inhibitor given first) and whether
#: the effect goes with it: what shows that an effect needs (is mediated by) that factor.
_REMOVAL = re.compile(r"\b(?:block(?:ed|s|ade|ing)?|abolish\w*|attenuat\w*|prevent\w*|knock[- ]?(?:out|down|in)\w*|"
                      r"deleti\w*|deficien\w*|null\b|sirna|shrna|inhibit\w*|pre-?treat\w*|impair\w*|"
                      r"dependent|depend\w*|requir\w*|necessary)", re.IGNORECASE)
#: A mediation (requirement) claim's pairing score is multiplied by this when the text holds no removal
#: experiment on the claim's factor, and divided by it when it does: among rivals of one mechanism, the
#: experiment decides between "X raises Y" and "Y is what produces X's effect".
MEDIATION_FACTOR = 0.75
#: A record's pairing score is multiplied by this when its conclusion does not name the claim's outcome, and by up
#: to 1 as it names more of it: of two claims the text addresses equally, the one the record concludes about wins.
CONCLUSION_BASE = 0.8
#: An effect estimate ("d = .98, 95% confidence interval = .64-1.33"): an outcome reported with its own estimate
#: in a sentence that names the intervention is a finding of the record, however briefly the rest mentions it.
_ESTIMATE = re.compile(r"\b(?:95\s?%\s?(?:CI|confidence interval)|confidence interval|(?:d|OR|HR|RR|SMD)\s?=)",
                       re.IGNORECASE)
#: Separators of a list of conditions or outcomes ("depression, anxiety and PTSD").
_LIST = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


@dataclass(frozen=True)
class Relevance:
    """How far a text addresses a claim.

    Attributes
    ----------
    score : float
        0 (names neither the intervention nor the outcome) to 1 (one sentence
        of the title, objective, results or conclusion names both).
    sentence : str
        The sentence that shows it best ("" when nothing does).
    span : tuple of int
        ``(start, end)`` character offsets of ``sentence`` in the text read.
    reason : str
        One of :data:`REASONS`.
    """

    score: float
    sentence: str = ""
    span: tuple[int, int] = (0, 0)
    reason: str = "addresses_claim"

    @property
    def addresses(self) -> bool:
        """True when the score reaches :data:`THRESHOLD`."""
        return self.score >= THRESHOLD


@dataclass(frozen=True)
class Pairing:
    """A record paired with a claim: the relevance score and the sentence (with its span) that shows it."""

    claim_id: str
    score: float
    sentence: str
    span: tuple[int, int]


@dataclass(frozen=True)
class _Terms:
    """A claim's intervention and outcome as word groups (one regex per content word)."""

    intervention: tuple[re.Pattern[str], ...]
    outcome: tuple[re.Pattern[str], ...]
    outcome_any: re.Pattern[str] | None
    timeframe: re.Pattern[str] | None
    #: Other readings of the outcome, each enough alone ("synapse formation and neurogenesis": either part).
    alternatives: tuple[tuple[re.Pattern[str], ...], ...] = ()


def _group(word: str) -> str:
    """Regex alternation for one content word: its prefix, aliases and synonyms (the narrow ones first)."""
    # a long word keeps more of itself: "neuroinflammation" must not match "neurons"
    parts = [re.escape(word[: max(5, min(len(word) - 3, 9))])]
    narrow = [s for key, s in OUTCOME_SYNONYMS.items() if word.startswith(key[:5])]
    parts.extend(narrow or [s for key, s in _THESAURUS.items() if word.startswith(key)])
    return "|".join(dict.fromkeys(parts))


def _words(text: str) -> list[str]:
    """Content words of a claim phrase (the pattern words, plus qualifiers that narrow an outcome)."""
    found = re.findall(r"[a-z0-9]+", text.lower().replace("'s ", " "))
    return [w for w in dict.fromkeys(found) if w in _KEEP or w in pattern_words(w)]


def _groups(text: str, exclude: frozenset[str] = frozenset()) -> tuple[re.Pattern[str], ...]:
    """One compiled word group per content word of a phrase."""
    words = [w for w in _words(text) if stem(w) not in exclude]
    return tuple(re.compile(rf"\b(?:{_group(w)})", re.IGNORECASE) for w in words)


@lru_cache(maxsize=2048)
def _terms(spec: ClaimSpec, extra: tuple[str, ...]) -> _Terms:
    """Word groups of a claim (cached: every record is read against the same claims)."""
    agent = spec.agent
    if spec.effect == "required" or not agent or not spec.subject.strip():
        # the factor or condition is what acts ("NMDA receptor blockade", "depression")
        intervention = _groups(spec.subject or spec.statement)
    else:
        # the review's intervention under any of its names (its aliases: enantiomers, brands)
        intervention = (re.compile(rf"\b(?:{spec.agent_pattern})", re.IGNORECASE),)
    exclude = frozenset(stem(w) for w in pattern_words(spec.subject)) if intervention else frozenset()
    if spec.effect == "low_harm":
        outcome: tuple[re.Pattern[str], ...] = (re.compile(rf"\b(?:{spec.outcome_pattern})", re.IGNORECASE),)
    else:
        outcome = _groups(spec.outcome, exclude - {stem(agent)} if agent else exclude) or _groups(spec.outcome)
    outcome_any = re.compile(rf"\b(?:{'|'.join(re.escape(t) for t in extra)})", re.IGNORECASE) if extra else None
    timeframe = {"early": _EARLY, "lasting": _LASTING}.get(spec.timeframe)
    return _Terms(intervention, outcome, outcome_any, timeframe)


@lru_cache(maxsize=64)
def _sentences(text: str) -> tuple[tuple[int, int, float], ...]:
    """(start, end, weight) of each sentence; the first line (a title) weighs fully (cached: read for every claim)."""
    spans = sentence_spans(text)
    labelled = any(_LABEL.match(text[a:b]) for a, b in spans)
    out, section = [], 0.85
    title_end = text.find("\n")
    for i, (a, b) in enumerate(spans):
        label = _LABEL.match(text[a:b])
        if label:
            name = label.group(1)
            section = next((w for key, w in _SECTION_WEIGHT if name.startswith(key)), 0.85)
        if title_end > 0 and b <= title_end:
            weight = 1.0
        elif labelled:
            weight = section
        else:
            first = i == 1 if title_end > 0 else i == 0
            weight = 0.6 if first and len(spans) > 4 else 1.0 if i >= len(spans) - 2 else 0.85
        out.append((a, b, weight))
    return tuple(out)


def _coverage(groups: tuple[re.Pattern[str], ...], text: str) -> float:
    """Share of word groups found in a text."""
    return sum(1 for g in groups if g.search(text)) / len(groups) if groups else 0.0


def _outcome(terms: _Terms, text: str) -> float:
    """How fully a text names the claim's outcome (its words, or one of the claim's outcome terms)."""
    if terms.outcome_any is not None and terms.outcome_any.search(text):
        return 1.0
    return max(_coverage(groups, text) for groups in (terms.outcome, *terms.alternatives))


def _score(terms: _Terms, text: str) -> Relevance:
    """Relevance of a readable text to a claim's word groups (the best sentence)."""
    intervention_in_text = _coverage(terms.intervention, text) > 0 if terms.intervention else True
    best = Relevance(0.0, reason="no_intervention" if not intervention_in_text else "no_outcome")
    outcome_in_text = False
    for a, b, weight in _sentences(text):
        sentence = text[a:b]
        outcome = _outcome(terms, sentence)
        outcome_in_text = outcome_in_text or outcome >= 0.5
        if terms.intervention and _coverage(terms.intervention, sentence) > 0:
            named = 1.0
        elif intervention_in_text and _ANAPHOR.search(sentence):
            named = 0.8
        else:
            named = 0.5 if intervention_in_text else 0.0
        score = weight * named * outcome
        if terms.timeframe is not None and not terms.timeframe.search(sentence):
            score *= 0.7 if terms.timeframe.search(text) else 0.5
        if score > best.score:
            best = Relevance(round(score, 3), sentence.strip(), (a, b), "addresses_claim")
    if best.score < THRESHOLD:
        reason = ("no_intervention" if not intervention_in_text else "no_outcome" if not outcome_in_text
                  else "no_timeframe" if terms.timeframe is not None and not terms.timeframe.search(text)
                  else "not_together")
        return Relevance(best.score, best.sentence, best.span, reason)
    return best


def unreadable(claim: Any, text: str | None, outcome_terms: tuple[str, ...] = ()) -> str:
    """The reason code of a (claim, text) pair that cannot be read at all, or "" when it can.

    The cheap checks of :func:`relevance` alone (no sentence is scored): the
    judge calls this on every pair and the full score only behind a gate.

    Parameters
    ----------
    claim : Claim, ClaimSpec or str
        As for :func:`relevance`.
    text : str or None
        As for :func:`relevance`.
    outcome_terms : tuple of str, optional
        As for :func:`relevance`.

    Returns
    -------
    str
        One of :data:`UNREADABLE`, or "".
    """
    if not text or not text.strip():
        return "no_text"
    code = _text_code(text[:MAX_CHARS])
    if code:
        return code
    terms = _terms(parse_claim(claim), tuple(outcome_terms))
    return "no_subject" if not terms.intervention and not terms.outcome else ""


@lru_cache(maxsize=64)
def _text_code(text: str) -> str:
    """``title_only`` or ``not_english`` for a text that cannot be read, else "" (cached: read for every claim)."""
    words = len(text.split())
    # a title ends without punctuation; a clause cut from a sentence ("..., which was not effective;") does not,
    # and a sentence quoted without its full stop starts in lower case or has a finite verb ("there is no ...")
    if ("\n" not in text.strip() and words < 30 and not re.search(r"[.!?,;]\s*$", text)
            and not _QUOTED_SENTENCE.search(text)):
        return "title_only"
    if words >= 25 and len(_ENGLISH.findall(text)) < 0.04 * words:
        return "not_english"
    return ""


@lru_cache(maxsize=64)
def _without_drug_class(text: str) -> str:
    """The text with each drug-class name blanked (same length, so spans stay; cached: read for every claim)."""
    return _DRUG_CLASS.sub(lambda m: " " * len(m.group()), text)


def relevance(claim: Any, text: str | None, outcome_terms: tuple[str, ...] = ()) -> Relevance:
    """Score how far a text addresses a claim's intervention and outcome.

    Parameters
    ----------
    claim : Claim, ClaimSpec or str
        A register claim (its ``outcome_terms`` and ``surrogates`` also name
        the outcome), a parsed spec, or a plain-language claim.
    text : str or None
        Title (first line) and abstract, or any evidence text.
    outcome_terms : tuple of str, optional
        More words that name the outcome (used with a spec or a plain claim).

    Returns
    -------
    Relevance
        Never raises on bad input: an empty text, a non-English one or a claim
        with nothing recognisable gives score 0 and its reason code.

    Examples
    --------
    >>> r = relevance("Ketamine lowers cortisol.", "Ketamine and stress\\nRESULTS: CORT fell after ketamine.")
    >>> r.reason, r.sentence
    ('addresses_claim', 'RESULTS: CORT fell after ketamine.')
    """
    code = unreadable(claim, text, outcome_terms)
    if code or not text:
        return Relevance(0.0, reason=code or "no_text")
    return _score(_terms(parse_claim(claim), tuple(outcome_terms)), text[:MAX_CHARS])


def _focus(claim: Any, text: str) -> float:
    """How much of a text is about the claim's outcome (:func:`_pair_focus` on the claim's own word groups)."""
    return _pair_focus(_terms(parse_claim(claim), ()), text)


@lru_cache(maxsize=2048)
def _pair_terms(spec: ClaimSpec) -> _Terms:
    """Word groups pairing reads a claim on: a harm by its own words, each part of a listed outcome alone."""
    terms = _terms(spec, ())
    if spec.timeframe == "early":
        terms = replace(terms, timeframe=_PAIR_EARLY)
    if spec.effect == "low_harm":
        return replace(terms, outcome=(_ABUSE if spec.outcome_pattern == _HARM_ABUSE else _ADVERSE,))
    if not terms.outcome and not spec.agent and " in " in spec.subject:
        # "BDNF levels in depression, anxiety and PTSD": the measure, in any one of the conditions
        head, _, tail = spec.subject.partition(" in ")
        parts = tuple(groups for part in _LIST.split(tail) if (groups := _groups(part)))
        return replace(terms, intervention=_groups(head), alternatives=parts) if parts else terms
    if spec.effect != "required" and _LIST.search(spec.outcome):
        # "synapse formation and neurogenesis": a study of either part addresses the claim
        exclude = frozenset(stem(w) for w in pattern_words(spec.subject))
        parts = tuple(groups for part in _LIST.split(spec.outcome) if (groups := _groups(part, exclude)))
        return replace(terms, alternatives=parts) if len(parts) > 1 else terms
    return terms


def _pair_focus(terms: _Terms, text: str) -> float:
    """How much of a text is about the claim's outcome: named in the title, and in a third of its sentences."""
    sentences = _sentences(text)
    title = text.split("\n", 1)[0]
    share = sum(1 for a, b, _ in sentences if _outcome(terms, text[a:b]) >= 0.5) / max(len(sentences), 1)
    return (0.5 + 0.5 * _outcome(terms, title)) * min(1.0, 3 * share)


def _lexical_pair(claim: Any, article: Article) -> tuple[float, Relevance]:
    """Lexical pairing score (relevance x focus; 0 when the text does not address the claim) and its relevance.

    A claim about people's clinical outcomes (:data:`CLINICAL_KINDS`) scores 0 on a study of animals or cells.
    """
    text = f"{article.title}\n{article.abstract or ''}"
    code = unreadable(claim, text)
    if code:
        return 0.0, Relevance(0.0, reason=code)
    text = text[:MAX_CHARS]
    spec = parse_claim(claim)
    terms = _pair_terms(spec)
    if spec.effect != "required":
        # a drug's class name is not a finding about its target: blanked, so spans stay where they are
        text = _without_drug_class(text)
    found = _score(terms, text)
    if not found.addresses:
        return 0.0, found
    if getattr(claim, "kind", "") in CLINICAL_KINDS and classify_population(
            article.title, article.abstract, article.mesh_headings) in ("animal", "in_vitro"):
        return 0.0, found
    if not getattr(spec, "agent", "") and _names_agent(tuple(getattr(claim, "agents", ())), article.title):
        # a claim about a condition ("in depression BDNF is low") is not answered by a study of the review's
        # intervention, which the title names
        return 0.0, found
    score = found.score * _pair_focus(terms, text) * _concluded(terms, text)
    if spec.effect == "required":
        score = score / MEDIATION_FACTOR if _removes_factor(terms, text) else score * MEDIATION_FACTOR
    return score, found


def _concluded(terms: _Terms, text: str) -> float:
    """:data:`CONCLUSION_BASE` up to 1, by how fully the record's conclusion names the claim's outcome."""
    conclusion = " ".join(split_conclusion(text)[1])
    return CONCLUSION_BASE + (1 - CONCLUSION_BASE) * _outcome(terms, conclusion)


def _removes_factor(terms: _Terms, text: str) -> bool:
    """True when a sentence removes the claim's factor (blocks, knocks down...) and names it."""
    return any(_REMOVAL.search(text[a:b]) and _coverage(terms.intervention, text[a:b]) >= 0.5
               for a, b, _ in _sentences(text))


@lru_cache(maxsize=64)
def _agent_names(agents: tuple[str, ...]) -> re.Pattern[str] | None:
    """Regex of the review's intervention under any of its names (None when the claim names none)."""
    return re.compile(rf"\b(?:{'|'.join(re.escape(a) for a in agents)})", re.IGNORECASE) if agents else None


def _names_agent(agents: tuple[str, ...], title: str) -> bool:
    """True when a title names the review's intervention."""
    pattern = _agent_names(agents)
    return pattern is not None and pattern.search(title) is not None


def pair_score(claim: Any, article: Article) -> tuple[float, Relevance]:
    """Pairing score of a record for a claim and the relevance behind it.

    Lexical: relevance x focus x the conclusion factor (:data:`CONCLUSION_BASE`
    up to 1; 0 when the text does not address the claim);
    with embeddings installed, a lexically addressed claim also gets
    :data:`COSINE_WEIGHT` x its best cosine with the conclusion sentences, so
    that among the review's claims the one the record concludes about wins.
    """
    return _with_cosine(claim, article, *_lexical_pair(claim, article))


def _with_cosine(claim: Any, article: Article, score: float, found: Relevance) -> tuple[float, Relevance]:
    """A lexical pairing score with the cosine term added when embeddings are installed (see :func:`pair_score`)."""
    if score > 0 and embedding.available():
        text = f"{article.title}\n{article.abstract or ''}"
        score += COSINE_WEIGHT * max(embedding.conclusion_similarity(claim, text)[1], 0.0)
    return round(score, 3), found


def pair_record(claim: Any, article: Article, rivals: Sequence[Any] = ()) -> Pairing | None:
    """Pair a record with a claim when it addresses the claim's intervention and outcome or mechanism.

    Parameters
    ----------
    claim : Claim
        A register claim.
    article : Article
        The record; its title and abstract are read (the title alone when it
        has no abstract).
    rivals : sequence of Claim, optional
        The review's other claims. When given, the record is paired only with
        the claims it is most about: a score below :data:`RIVAL_SHARE` (with
        embeddings :data:`RIVAL_SHARE_EMBEDDING`) of the best rival's is not
        paired (a trial of ketamine for depression also names anxiety and side
        effects in passing).

    Returns
    -------
    Pairing or None
        The pairing score (:func:`pair_score`: relevance x focus, the outcome
        named in the title and in a third of the sentences, x the conclusion
        factor, plus the cosine
        term with embeddings), the sentence that shows it and its
        span in ``title + "\\n" + abstract``, when the lexical part reaches
        :data:`PAIR_THRESHOLD` (and, with rivals, the score the rival share),
        or when its best sentence names the intervention and the whole
        outcome with an effect estimate (a secondary outcome's own result);
        else None.

    See Also
    --------
    pair_claims : the same decision for every claim of a review at once, each claim scored once.
    """
    lexical, found = _lexical_pair(claim, article)
    if not _candidate(lexical, found):
        return None
    score, found = _with_cosine(claim, article, lexical, found)
    best = max((pair_score(other, article)[0] for other in rivals), default=0.0)
    return _decided(claim, score, found, best)


def pair_claims(claims: Sequence[Any], article: Article) -> tuple[Pairing, ...]:
    """Pair a record with each of a review's claims it is most about, every claim scored once.

    The same decision as :func:`pair_record` for each claim with the others
    as its rivals, but each claim's pairing score is computed once and reused
    as every other claim's rival score (K claims cost K scores, not K x K).

    Parameters
    ----------
    claims : sequence of Claim
        The review's claims (distinct ids), each paired with the others as rivals.
    article : Article
        The record.

    Returns
    -------
    tuple of Pairing
        One per claim the record is paired with, in the order of ``claims``.

    Examples
    --------
    >>> from litreview.corpus.claims import Claim
    >>> pain = Claim(id="pain", mechanism="m", kind="clinical_efficacy", statement="Ketamine relieves chronic pain.",
    ...              subject="ketamine", effect="improves", outcome="chronic pain", sources=(), agents=("ketamine",))
    >>> record = Article(pmid="1", title="Ketamine for chronic pain",
    ...                  abstract="RESULTS: Chronic pain scores fell after ketamine. CONCLUSIONS: Ketamine eased pain.")
    >>> [p.claim_id for p in pair_claims([pain], record)]
    ['pain']
    """
    lexical = [_lexical_pair(claim, article) for claim in claims]
    totals = [_with_cosine(claim, article, *found) for claim, found in zip(claims, lexical)]
    out = []
    for i, claim in enumerate(claims):
        if not _candidate(*lexical[i]):
            continue
        best = max((total for j, (total, _) in enumerate(totals) if j != i), default=0.0)
        pairing = _decided(claim, *totals[i], best)
        if pairing is not None:
            out.append(pairing)
    return tuple(out)


def _candidate(lexical: float, found: Relevance) -> bool:
    """True when a lexical pairing score reaches the threshold, or its sentence reports the outcome's own estimate."""
    return lexical >= PAIR_THRESHOLD or _estimated(lexical, found)


def _estimated(lexical: float, found: Relevance) -> bool:
    """True when the best sentence names the intervention and the whole outcome with an effect estimate."""
    return lexical > 0 and found.score >= 1.0 and _ESTIMATE.search(found.sentence) is not None


def _decided(claim: Any, score: float, found: Relevance, best: float) -> Pairing | None:
    """The pairing of a candidate claim whose rivals' best pairing score is ``best`` (None when a rival wins)."""
    estimated = _estimated(score, found)
    if not estimated and score < (RIVAL_SHARE_EMBEDDING if embedding.available() else RIVAL_SHARE) * best:
        return None
    return Pairing(getattr(claim, "id", str(claim)), score, found.sentence, found.span)
