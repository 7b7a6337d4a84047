"""Propose the claims an article makes: sentences asserting a health effect or a mechanism.

A rule-based reader, meant to be checked by a person: each sentence that
names an effect (a verb such as *reduces*, *blocks*, *relieves*, *triggers*,
or a harm or efficacy word) about the review's intervention, a known
mechanism or a body/brain/health term becomes a :class:`Suggestion` with

- its quote (at most :data:`~litreview.corpus.claims.MAX_QUOTE_WORDS` words)
  and the quote's character offsets in the article, checked against the text;
- a draft statement split into subject, effect and outcome;
- a claim kind (clinical efficacy, harms, mechanism, checkable fact);
- the mechanism whose terms it names, or a new one drafted from its outcome.

:func:`suggestions_to_toml` writes them for review; ``litreview claims add
--from FILE ID...`` turns the chosen ones into claims.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from .._io import toml_value
from ..errors import CorpusError
from .claims import MAX_QUOTE_WORDS, Mechanism
from .review_config import Intervention
from .sentences import sentence_spans

__all__ = ["Suggestion", "suggest_claims", "suggestions_to_toml", "load_suggestions",
           "suggestion_to_claim"]

# Effect cues: (regex, claim effect). First match in a sentence decides the effect.
_EFFECT_CUES: tuple[tuple[str, str], ...] = (
    (r"block\w*|antagoni[sz]\w*|inhibit\w*", "blocks"),
    (r"activat\w*|stimulat\w*|trigger\w*|turns? on", "activates"),
    (r"increas(?!ingly)\w*|boost\w*|rais\w*|enhanc\w*|promot\w*|surge\w*|spike\w*|elevat\w*|grow\w*|regrow\w*|"
     r"rebuild\w*|restor\w*|repair\w*|strengthen\w*|releas\w*|form(?:s|ing|ation)? (?:new )?\w+", "increases"),
    (r"reduc\w*|decreas\w*|lower\w*|lessen\w*|suppress\w*|dampen\w*|calm\w*|quiet\w*|shrink\w*|weaken\w*|"
     r"diminish\w*", "decreases"),
    (r"reliev\w*|relief|alleviat\w*|improv\w*|eas(?:e|es|ed|ing)|heal\w*|treat\w*|effective\w*|efficacy|"
     r"remission|respon(?:se|ders?)|benefit\w*|help\w*|work(?:s|ed)?|rapid\w*|fast[- ]acting|antidepressant|"
     r"provid\w*|offer\w*|aid\w*", "improves"),
    (r"low (?:risk|potential)|safe\w*|well[- ]tolerated|minimal side|few side", "is_low"),
    (r"(?:depends?|relies|rely|requires?) on|through|via|mediat\w*", "mediates"),
    (r"modulat\w*|affect\w*|alter\w*|regulat\w*|influenc\w*|chang\w*|rewir\w*|reset\w*|interact\w*|"
     r"taps? into|targets?|acts? on|caus\w*|lead(?:s|ing)? to|overactive|underactive", "modulates"),
)
_CUE = re.compile(r"\b(?:" + "|".join(f"(?P<e{i}>{p})" for i, (p, _) in enumerate(_EFFECT_CUES)) + r")\b",
                  re.IGNORECASE)
_HARM = re.compile(r"\b(?:side effects?|adverse|harm\w*|risk\w*|toxic\w*|addict\w*|abuse|misuse|dependen\w*|"
                   r"dissociat\w*|nausea|cystitis|bladder|safety|overdose|chest (?:pain|tightness)|"
                   r"cardiovascular events?)\b", re.IGNORECASE)
_FACT = re.compile(r"\b(?:FDA|EMA|approv\w*|licens\w*|prescri\w*|schedule [IV]+|label(?:led)?)\b", re.IGNORECASE)
_MOLECULAR = re.compile(r"\b(?:receptors?|bind\w*|antagonist\w*|agonist\w*|channels?|enzyme\w*|molecul\w*)\b",
                        re.IGNORECASE)
_BIOLOGY = re.compile(r"\b(?:brain|neur\w*|synap\w*|dendrit\w*|spines?|glutamate|serotonin|dopamine|hormone\w*|"
                      r"cortisol|inflammat\w*|cytokine\w*|BDNF|plasticity|circuit\w*|cortex|hippocamp\w*|"
                      r"habenula|gut|microbio\w*|immune|vessel\w*|vascular|protein\w*|gene\w*|cells?|levels?|"
                      r"pathways?|signal\w*|connect\w*|network\w*|default mode|stress response)\b", re.IGNORECASE)
_CLINICAL = re.compile(r"\b(?:patients?|people|symptoms?|depress\w*|anxiety|PTSD|pain|migraine|headache|suicid\w*|"
                       r"mood|relief|remission|placebo|trials?|disorders?|treatment|therapy|recover\w*|"
                       r"quality of life|function\w*|attacks?)\b", re.IGNORECASE)
#: Conditions a clinical claim is about: the terms of a new ``clinical`` mechanism.
_CONDITION = re.compile(r"\b(?:depress\w*|anxiety|PTSD|post-traumatic stress|pain|migraines?|headaches?|suicid\w*|"
                        r"OCD|obsessive-compulsive|trauma|mood|bipolar|addiction|alcohol use|fibromyalgia)\b",
                        re.IGNORECASE)
#: Biological targets a mechanism claim is about: a new mechanism is named after the first one found.
_TARGET = re.compile(r"\b(?:NMDA receptors?|AMPA receptors?|glutamate|BDNF|cortisol|stress response|inflammat\w*|"
                     r"cytokines?|synap\w*|dendritic spines?|neurogenesis|neuroplasticity|plasticity|"
                     r"default mode network|habenula|gut|microbio\w*|serotonin|dopamine|opioid\w*|mTOR|"
                     r"serotonin receptors?|5-HT\w*|blood vessels?|vasoconstrict\w*|CGRP|trigeminal\w*)\b",
                     re.IGNORECASE)
_HEDGED_QUESTION = re.compile(r"\?\s*$")
#: Words that stand for the intervention once the article has named it ("it can also reduce anxiety").
_ANAPHOR = re.compile(r"\b(?:it|the drug|the medication|the treatment|this (?:drug|medication|treatment))\b|^This\b",
                      re.IGNORECASE)
_WORD = re.compile(r"\S+")
_STOP = frozenset("a an the this that these those it its is are was were be been being of in on for to and or "
                  "with by as at from which who can could may might will would has have had also more most "
                  "very their they them our we you your not but than so such into about".split())


@dataclass(frozen=True)
class Suggestion:
    """A sentence that may be a claim, with a draft of the claim.

    Attributes
    ----------
    id : str
        ``S1``, ``S2``... in article order.
    article : str
        The article's id (or file name).
    start, end : int
        Character offsets of ``quote`` in the article text (``text[start:end] == quote``).
    quote : str
        At most 20 words of the sentence, around its effect word.
    sentence : str
        The whole sentence, for the reviewer.
    claim_id, statement, subject, effect, outcome, kind : str
        The draft claim.
    mechanism : str
        Key of the mechanism whose terms the sentence names, else a new key.
    new_mechanism : bool
        ``mechanism`` is not in ``mechanisms.toml`` yet.
    mechanism_terms : tuple of str
        Search terms for a new mechanism (its outcome's content words).
    """

    id: str
    article: str
    start: int
    end: int
    quote: str
    sentence: str
    claim_id: str
    statement: str
    subject: str
    effect: str
    outcome: str
    kind: str
    mechanism: str
    new_mechanism: bool = False
    mechanism_terms: tuple[str, ...] = ()


def _effect(match: re.Match[str]) -> str:
    """The claim effect of a cue match."""
    group = next(name for name, value in match.groupdict().items() if value is not None)
    return _EFFECT_CUES[int(group[1:])][1]


def _quote_span(text: str, start: int, end: int, anchor: int) -> tuple[int, int]:
    """At most MAX_QUOTE_WORDS words of ``text[start:end]`` around ``anchor``, as offsets."""
    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    if len(words) <= MAX_QUOTE_WORDS:
        return words[0][0], words[-1][1]
    at = next((i for i, (s, e) in enumerate(words) if e > anchor), 0)
    first = min(max(0, at - MAX_QUOTE_WORDS // 3), len(words) - MAX_QUOTE_WORDS)
    return words[first][0], words[first + MAX_QUOTE_WORDS - 1][1]


def _clean_phrase(words: Sequence[str], keep_last: bool) -> str:
    """A short phrase from words: punctuation stripped, at most six words, stop words trimmed at its ends."""
    words = [w.strip(",;:()\"“”‘’'.") for w in words]
    words = [w for w in words if w]
    words = words[-6:] if keep_last else words[:6]
    while words and words[0].lower() in _STOP:
        words = words[1:]
    while words and words[-1].lower() in _STOP:
        words = words[:-1]
    return " ".join(words)


def _kind(sentence: str, effect: str) -> str:
    """The claim kind a sentence reads as."""
    if _FACT.search(sentence):
        return "checkable_fact"
    if _HARM.search(sentence) or effect == "is_low":
        return "harms"
    if _MOLECULAR.search(sentence):
        return "molecular_pharmacology"
    if _BIOLOGY.search(sentence):
        return "mechanism_in_people"
    return "clinical_efficacy"


def _mechanism(sentence: str, mechanisms: Mapping[str, Mechanism], kind: str) -> str | None:
    """The mechanism whose synonyms the sentence names most often (None when none)."""
    best, hits = None, 0
    for key, mechanism in mechanisms.items():
        terms = [re.escape(t).replace(r"\*", r"\w*") for t in (*mechanism.synonyms, mechanism.label)]
        found = len(re.findall(r"(?<!\w)(?:" + "|".join(terms) + r")(?!\w)", sentence, re.IGNORECASE))
        if found > hits:
            best, hits = key, found
    if best is None and kind in ("clinical_efficacy", "harms", "checkable_fact"):
        clinical = [k for k in mechanisms if k in ("clinical", "harms", "safety")]
        return clinical[0] if clinical else None
    return best


def _new_mechanism(sentence: str, kind: str, outcome: str) -> tuple[str, tuple[str, ...]]:
    """Key and search terms of a mechanism to create for a sentence no known mechanism matches.

    Clinical claims share ``clinical`` (terms: the conditions named), harms share
    ``harms`` (the harm words); a mechanism claim is named after its target.
    """
    def found(pattern: re.Pattern[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.group(0).lower() for m in pattern.finditer(sentence)))

    if kind in ("clinical_efficacy", "checkable_fact"):
        return "clinical", found(_CONDITION) or found(_CLINICAL)[:3]
    if kind == "harms":
        return "harms", found(_HARM)
    target = _TARGET.search(sentence)
    if target is not None:
        return _slug(target.group(0)), (target.group(0),)
    words = tuple(w for w in re.findall(r"[A-Za-z][\w-]{3,}", outcome) if w.lower() not in _STOP)[:3]
    return _slug(*words[:2]) or "mechanism", words


def _slug(*parts: str) -> str:
    """An identifier from words: lower case, underscores, at most five words."""
    words = [w for p in parts for w in re.findall(r"[a-z0-9]+", p.lower()) if w not in _STOP]
    return "_".join(words[:5]) or "claim"


def suggest_claims(text: str, article: str, intervention: Intervention | None,
                   mechanisms: Mapping[str, Mechanism]) -> list[Suggestion]:
    """Propose the sentences of an article that assert a health effect or a mechanism.

    Parameters
    ----------
    text : str
        The article's text (as stored by ``litreview articles add``).
    article : str
        Its id, written into each suggestion.
    intervention : Intervention or None
        The review's intervention: a sentence naming it (or "it"/"the drug"
        after it was named) is about it.
    mechanisms : mapping of str to Mechanism
        Known mechanisms, matched by their synonyms.

    Returns
    -------
    list of Suggestion
        In article order; each quote is ``text[start:end]`` exactly.
    """
    agent = intervention.pattern if intervention is not None else None
    named_at = agent.search(text).start() if agent is not None and agent.search(text) else len(text)
    out: list[Suggestion] = []
    used_ids: set[str] = set()
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        start = text.index(sentence, start)
        end = start + len(sentence)
        words = sentence.split()
        if len(words) < 6 or _HEDGED_QUESTION.search(sentence):
            continue
        cue = _CUE.search(sentence)
        names_agent = bool(agent and agent.search(sentence)) or (start > named_at and bool(_ANAPHOR.search(sentence)))
        topical = names_agent or _BIOLOGY.search(sentence) or _HARM.search(sentence) or _FACT.search(sentence)
        if cue is None or not topical or not (names_agent or _CLINICAL.search(sentence) or _BIOLOGY.search(sentence)):
            continue
        effect = _effect(cue)
        kind = _kind(sentence, effect)
        before = sentence[:cue.start()].split()
        after = sentence[cue.end():].split()
        subject = intervention.name if names_agent and intervention is not None else _clean_phrase(before, True)
        subject = subject or _clean_phrase(after[:4], False)
        outcome = _clean_phrase(after, False) or _clean_phrase(before, True)
        if not subject or not outcome:
            continue
        mechanism = _mechanism(sentence, mechanisms, kind)
        terms: tuple[str, ...] = ()
        if mechanism is None:
            mechanism, terms = _new_mechanism(sentence, kind, outcome)
        q_start, q_end = _quote_span(text, start, end, start + cue.start())
        quote = text[q_start:q_end]
        claim_id = _slug(subject, effect, outcome)
        number = 2
        while claim_id in used_ids:
            claim_id, number = f"{_slug(subject, effect, outcome)}_{number}", number + 1
        used_ids.add(claim_id)
        out.append(Suggestion(
            id=f"S{len(out) + 1}", article=article, start=q_start, end=q_end, quote=quote, sentence=sentence,
            claim_id=claim_id, statement=sentence if len(words) <= 30 else quote, subject=subject, effect=effect,
            outcome=outcome, kind=kind, mechanism=mechanism, new_mechanism=mechanism not in mechanisms,
            mechanism_terms=terms,
        ))
    return out


def suggestions_to_toml(suggestions: Sequence[Suggestion]) -> str:
    """The suggestions as reviewable TOML: one ``[[suggestion]]`` table each, with the sentence as a comment."""
    out = ["# Claims proposed by `litreview claims suggest`: read each, fix the draft if needed, and keep the",
           "# good ones with `litreview claims add --from THIS_FILE S1 S2 ...`. start/end are character offsets",
           "# of the quote in the article's text.", ""]
    for s in suggestions:
        out.append(f"# {s.sentence}")
        out.append("[[suggestion]]")
        for name, value in asdict(s).items():
            if name == "sentence":
                continue
            if isinstance(value, bool):
                out.append(f"{name} = {'true' if value else 'false'}")
            elif isinstance(value, int):
                out.append(f"{name} = {value}")
            else:
                out.append(f"{name} = {toml_value(value)}")
        out.append("")
    return "\n".join(out)


def load_suggestions(text: str, source: str) -> dict[str, Suggestion]:
    """Read a suggestions file written by :func:`suggestions_to_toml` (and maybe edited), by suggestion id.

    Raises
    ------
    CorpusError
        Not TOML, or a suggestion with missing or unknown fields.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"TOML syntax error: {exc}", source) from None
    fields = set(Suggestion.__dataclass_fields__) - {"sentence"}
    required = fields - {"new_mechanism", "mechanism_terms"}
    found: dict[str, Suggestion] = {}
    for number, entry in enumerate(data.get("suggestion", []), start=1):
        if not isinstance(entry, dict):
            raise CorpusError(f"suggestion #{number}: expected a table", source)
        missing, unknown = sorted(required - set(entry)), sorted(set(entry) - fields)
        if missing or unknown:
            problem = f"missing field {missing[0]!r}" if missing else f"unknown field {unknown[0]!r}"
            raise CorpusError(f"suggestion #{number}: {problem}", source)
        found[str(entry["id"])] = Suggestion(**{**entry, "sentence": "",
                                                "mechanism_terms": tuple(entry.get("mechanism_terms", ()))})
    return found


def suggestion_to_claim(suggestion: Suggestion, article_text: str) -> dict[str, object]:
    """The ``[[claim]]`` table of a suggestion, after checking its quote is at its offsets in the article.

    Raises
    ------
    CorpusError
        The article's text at ``start:end`` is not the quote (the article or the
        suggestion was changed since).
    """
    located = article_text[suggestion.start:suggestion.end]
    if located != suggestion.quote:
        raise CorpusError(f"suggestion {suggestion.id}: the quote is not at characters {suggestion.start}-"
                          f"{suggestion.end} of article {suggestion.article!r} (suggest again)")
    return {"id": suggestion.claim_id, "mechanism": suggestion.mechanism, "kind": suggestion.kind,
            "statement": suggestion.statement, "subject": suggestion.subject, "effect": suggestion.effect,
            "outcome": suggestion.outcome, "sources": [{"article": suggestion.article, "quote": suggestion.quote}]}
