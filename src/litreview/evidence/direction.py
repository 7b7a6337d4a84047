"""Direction of a finding relative to a claim: cue features and a small linear model.

The text is split into sentences; conclusion sentences (a ``CONCLUSION(S)``
section, else the last two sentences) are read apart from the rest. Each
sentence yields cue counts (negation and null findings, hedges, qualifiers
such as "only in selected patients", effects in the claim's predicted direction
or against it, contrast words), weighted by how many of the claim's content
words the sentence mentions. The conclusion sentence sharing most words with the
claim is read as the answer, and whether it (or the first conclusion sentence) is
negated is a feature of its own; "not only" and "no doubt" are not negations. A three-class linear
model (weights in ``direction_weights.toml``, fitted by
``evaluation/direction.py --fit`` and small enough to read) turns the features
into *supports*, *not supported* or *unclear*; the last two are then refined
into *contradicts* / *null* and *mixed* / *unclear* by the cues themselves.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from ..corpus.sentences import split_sentences
from ..errors import CorpusError
from .claim_spec import ClaimSpec, parse_claim, stems

#: Classes of the linear model, in the order of each weight vector.
MODEL_CLASSES = ("supports", "not_supported", "unclear")
#: Features, in the order written to ``direction_weights.toml``.
FEATURES = (
    "bias",
    "conc_negation", "conc_null", "conc_hedge", "conc_strong_hedge", "conc_positive", "conc_match",
    "conc_opposite", "conc_contrast", "conc_relevance", "first_negation", "first_hedge", "first_positive",
    "body_negation", "body_null", "body_positive", "body_match", "body_opposite",
    "question_negated", "question_difference", "conc_similar",
    "conc_negative", "first_negative", "body_negative", "relevant_negation",
    "q_same", "q_same_x_difference", "q_difference_x_similar", "q_need", "q_need_x_negative",
    "first_negator", "answer_negation", "answer_negative", "conc_partial", "conc_mixed", "conc_effect_but_null",
)
WEIGHTS_FILE = "direction_weights.toml"

_UP = (
    r"(?:"
    r"increas|rais|elevat|enhanc|improv|augment|boost|promot|stimulat|activat|induc|upregulat|"
    r"up-regulat|potentiat|higher|greater|more\b|rise|rose|benefi|effective|efficac|superior|"
    r"better|predict|associat|correlat|useful|accurat|reliabl"
    r")"
)
_DOWN = (
    r"(?:"
    r"decreas|reduc|lower|diminish|attenuat|inhibit|suppress|block|prevent|relie|alleviat|"
    r"downregulat|down-regulat|impair|less\b|fewer|fall|fell|declin|abolish|antagoniz|protect"
    r")"
)
#: Strictly directional verbs: they set a statement's polarity and decide "against the claim".
#: Multiplicative changes: "doubled", "tripled", "a threefold rise" (but not "a twofold reduction").
_FOLD_DOWN = r"(?:lower|decrease|reduction|less|fewer|drop|decline|fall)"
#: ("double-blind", "double-masked" and "double-dummy" are designs, not doublings.)
_MULTIPLIED = (r"doubl(?!e[- ](?:blind|mask|dummy))|tripl|quadrupl|"
               r"(?:two|three|four|five|six|ten|several|many|\d+(?:\.\d+)?)\s*-?\s*(?:fold|times)"
               rf"\b(?!\s+(?:\w+\s+)?{_FOLD_DOWN})")
#: Agent nouns ("an NMDA blocker", "receptor blockade", "an mTOR inhibitor") name a manipulation, not an effect.
_AGENT_NOUN = r"(?!(?:ers?|ors?|ory|ades?)\b)"
_UP_STRICT = re.compile(r"\b(?:increas|rais|elevat|enhanc|augment|boost|upregulat|up-regulat|rise|rose|risen|"
                        rf"higher|stimulat|activat{_AGENT_NOUN}|potentiat|surg(?:e|es|ed|ing)\b|soar|climb|jump|"
                        rf"went up|{_MULTIPLIED})",
                        re.IGNORECASE)
_DOWN_STRICT = re.compile(rf"\b(?:decreas|reduc|lower|diminish|attenuat|inhibit{_AGENT_NOUN}|suppress|downregulat|"
                          rf"down-regulat|declin|fell|fall|block{_AGENT_NOUN}|abolish|prevent|blunt|halv|dropp|"
                          r"plummet|plung|went down)", re.IGNORECASE)
_NEGATOR = (r"(?:\bnot\b|\bno\b|n't\b|\bnever\b|\bneither\b|\bnor\b|\bwithout\b|\bfailed to\b|\bfail to\b|"
            r"\bunable to\b|\black of\b|\babsence of\b|\bnone\b)")
_NULL = re.compile(
    r"\bno (?:statistically )?significant|\bnot (?:statistically )?significant|\bnon-?significant|"
    r"\bno (?:\w+ ){0,2}(?:difference|association|relationship|correlation|effect|benefit|evidence|advantage|"
    r"improvement|change|impact|role|influence|increase|decrease|reduction)|"
    r"\bnot (?:\w+ ){0,2}(?:associated|related|correlated|different|predictive|affected|influenced|changed|"
    r"improved|increased|decreased|reduced|superior|effective|useful|reliable|necessary|justified|indicated)|"
    r"\bdid not|\bdoes not|\bdo not|\bwas not|\bwere not|\bis not|\bare not|\bcannot|\bcould not|\bfailed to|"
    r"\bunchanged|\bunrelated|\bindependent of|\bunaffected|\bnot (?:be )?(?:recommended|supported)|\bneither\b",
    re.IGNORECASE,
)
_SIMILAR = re.compile(r"\b(?:similar|comparable|equivalent|as (?:safe|effective|good) as|equally|non-?inferior)\b",
                      re.IGNORECASE)
_HEDGE = re.compile(
    r"\b(?:may|might|could|possibly|possible|potential(?:ly)?|suggest(?:s|ed|ing)?|appears?|seems?|likely|"
    r"preliminary|limited|trend|tend(?:s|ed)? to)\b",
    re.IGNORECASE,
)
_STRONG_HEDGE = re.compile(
    r"\b(?:unclear|uncertain|inconclusive|controversial|remains? (?:to be|unknown|unclear|uncertain)|"
    r"not (?:yet )?(?:clear|known|established|conclusive)|further (?:\w+ ){0,2}(?:studies|study|research|"
    r"investigation|trials|evaluation|work)|(?:larger|more|additional|future) (?:\w+ ){0,2}(?:studies|trials|research)|"
    r"warrant(?:s|ed)?|is needed|are needed|needs? to be|questionable|debat\w+|conflicting|whether)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:significant(?:ly)?|effective(?:ly)?|efficacious|safe|feasible|useful|valuable|beneficial|superior|"
    r"better|improv\w*|associated with|predict\w*|reliable|accurate|important|recommended|should be|"
    r"demonstrat\w+|confirm\w*|showed|shown|independent predictor|risk factor|increased risk|"
    r"(?:is|are|was|were) (?:a |an )?(?:valid|good|strong|major))\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(?:insufficient\w*|inadequa\w+|unlikely|little (?:\w+ )?(?:evidence|need|effect|benefit|value|impact|role)|"
    r"none of|no data|should not|not be (?:considered|used|recommended|routinely)|poor(?:ly)?|weak(?:ly)?|lack\w*|"
    r"ineffective|unreliable|limited (?:value|effect|role|benefit|use)|not (?:useful|reliable|valid|accurate|"
    r"sufficient|justified|necessary|needed|required|warranted|feasible|appropriate|adequate|helpful)|abandon\w*|"
    r"unnecessary|no longer|rarely|questionable|low (?:sensitivity|specificity|accuracy|yield|value)|misleading|"
    r"overestimat\w+|underestimat\w+|not applicable|failure|fails?|failed|neither|nor|absent|cannot be|"
    r"not (?:a|an) (?:\w+ )?(?:predictor|marker|risk factor|indicator|substitute|alternative|option))\b",
    re.IGNORECASE,
)
_DIFFERENCE = re.compile(r"\b(?:differ\w*|higher|lower|more|less|greater|fewer|better|worse|variab\w+|"
                         r"distinct|increased|decreased|than)\b", re.IGNORECASE)
_CONTRAST = re.compile(r"\b(?:however|but|although|though|whereas|while|only|except|nevertheless|despite)\b",
                       re.IGNORECASE)
#: Negator-like phrases that do not negate ("not only ... but also", "no doubt").
_NOT_NEGATION = re.compile(r"\b(?:not only|not just|not merely|not least|no doubt|whether or not|no matter)\b",
                           re.IGNORECASE)
#: Qualifiers that restrict a finding to some patients or conditions (often a "maybe").
_PARTIAL = re.compile(r"\b(?:only|some|selected|certain|subgroups?|subsets?|depend\w*|partial\w*|in part|not all|"
                      r"moderate\w*|if|unless|except|particular(?:ly)?|specific|mixed|varie[sd]|variable|limited)\b",
                      re.IGNORECASE)
_CONCLUSION = re.compile(r"\b(?:CONCLUSIONS?|INTERPRETATION|IMPLICATIONS?)\s*(?:AND \w+\s*)?:\s*", re.IGNORECASE)
_UP_RE = re.compile(_UP, re.IGNORECASE)
_DOWN_RE = re.compile(r"\b" + _DOWN, re.IGNORECASE)
_NEGATOR_RE = re.compile(_NEGATOR, re.IGNORECASE)
#: Clinical improvement: better outcomes, or less of a symptom ("improves anxiety" = anxiety falls).
_BETTER = re.compile(r"\b(?:improv|benefi|effective|efficac|superior|better|relie|alleviat|remission|remitt|"
                     r"respon(?:se|der|ded|sive)|reduc|decreas|lower|fell|fall|declin|attenuat|resol)", re.IGNORECASE)
_WORSE = re.compile(r"\b(?:wors|exacerbat|deteriorat|aggravat|inferior|impair)", re.IGNORECASE)
_EFFECT_LEXICONS = {"up": _UP_RE, "down": _DOWN_RE, "strict_up": _UP_STRICT, "strict_down": _DOWN_STRICT,
                    "better": _BETTER, "worse": _WORSE}
#: Claim polarity -> lexicons of (effects for the claim, effects against it, the claimed effect stated strictly).
_POLARITY_LEXICONS = {"up": ("up", "strict_down", "strict_up"), "down": ("down", "strict_up", "strict_down"),
                      "better": ("better", "worse", "better")}


#: Closing sentences that are no finding: an outlook ("may serve as a viable therapeutic target"), a
#: call for more work ("further research should ..."), a statement of what remains unknown.
_GENERIC = re.compile(
    r"\b(?:may|might|could|can) (?:\w+ ){0,2}?(?:serve as|be|represent|provide|offer|open|pave)\b[^.;]{0,80}?"
    r"\b(?:targets?|avenues?|strateg\w+|approach\w*|options?|insights?|candidates?|ways?|opportunit\w+)\b|"
    r"\b(?:further|future|additional|more|larger) (?:\w+ ){0,2}?(?:research|studies|work|investigations?|trials?)\b|"
    r"\b(?:is|are) (?:still |urgently )?(?:needed|warranted|required)\b|\bremains? (?:to be|unclear|unknown)\b",
    re.IGNORECASE)
#: A drug class in general ("NMDA receptor antagonists", "glutamatergic agents"), not one named drug.
_CLASS = re.compile(r"\b(?:antagonists|agents|drugs|compounds|modulators|antidepressants|blockers|medications)\b",
                    re.IGNORECASE)
#: How far back from the end an unlabelled abstract's conclusion is looked for (sentences).
_CONCLUSION_REACH = 4


@lru_cache(maxsize=4096)
def _split_conclusion(text: str, prefer: str = "") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Cached :func:`split_conclusion` (a record is read for many claims)."""
    body, conclusion = _split_conclusion_uncached(text, prefer)
    return tuple(body), tuple(conclusion)


def split_conclusion(text: str, prefer: str = "") -> tuple[list[str], list[str]]:
    """(body sentences, conclusion sentences).

    A labelled conclusion section when there is one. Otherwise the last two
    sentences that state a finding: closing outlooks, calls for further
    research and, when ``prefer`` (a regex naming the claim's intervention) is
    given, sentences about a drug class in general are skipped, and a sentence
    naming the intervention among the last few is preferred.
    """
    body, conclusion = _split_conclusion(text, prefer)
    return list(body), list(conclusion)


def _split_conclusion_uncached(text: str, prefer: str = "") -> tuple[list[str], list[str]]:
    """(body sentences, conclusion sentences), computed."""
    labels = list(_CONCLUSION.finditer(text))
    if labels:
        match = labels[-1]
        return split_sentences(text[: match.start()]), split_sentences(text[match.end():])
    sentences = split_sentences(text)
    if len(sentences) <= 2:
        return [], sentences
    first = 1 if "\n" in text.strip() else 0  # the title is never the conclusion
    agent = re.compile(rf"\b(?:{prefer})", re.IGNORECASE) if prefer else None
    window = range(max(first, len(sentences) - _CONCLUSION_REACH), len(sentences))
    findings = [i for i in window if not _GENERIC.search(sentences[i])
                and not (agent and _CLASS.search(sentences[i]) and not agent.search(sentences[i]))]
    chosen = findings[-2:]
    naming = [i for i in findings if agent and agent.search(sentences[i])]
    if naming and not any(i in naming for i in chosen):
        chosen = sorted([naming[-1], *chosen[-1:]])
    if not chosen:
        chosen = list(range(len(sentences) - 2, len(sentences)))
    return ([s for i, s in enumerate(sentences) if i not in chosen], [sentences[i] for i in chosen])


def negated_at(sentence: str, start: int) -> bool:
    """True when a negator closely precedes position ``start``."""
    return bool(_NEGATOR_RE.search(sentence[max(0, start - 30): start]))


def _effects(sentence: str) -> dict[str, int]:
    """Un-negated effect-word counts per lexicon, and how many broad up/down words were negated.

    ``up``/``down`` use the broad lexicon, ``strict_up``/``strict_down`` the strictly
    directional verbs, ``better``/``worse`` clinical improvement and worsening. An effect
    word is negated when a negator precedes it closely ("did not increase").
    """
    counts = dict.fromkeys((*_EFFECT_LEXICONS, "negated"), 0)
    for name, regex in _EFFECT_LEXICONS.items():
        for m in regex.finditer(sentence):
            if not negated_at(sentence, m.start()):
                counts[name] += 1
            elif name in ("up", "down"):
                counts["negated"] += 1
    return counts


@lru_cache(maxsize=8192)
def _sentence_counts(sentence: str) -> tuple[dict[str, float], tuple[int, int, int, int, int], frozenset[str]]:
    """Claim-independent cue counts, effect counts and stems of a sentence (cached: claims share records)."""
    plain = _NOT_NEGATION.sub(" ", sentence)
    nulls = len(_NULL.findall(plain))
    counts = {
        "negators": float(len(_NEGATOR_RE.findall(plain))),
        "partial": float(len(_PARTIAL.findall(sentence))),
        "null_matches": float(nulls),
        "null": float(nulls > 0),
        "hedge": float(len(_HEDGE.findall(sentence))),
        "strong_hedge": float(len(_STRONG_HEDGE.findall(sentence))),
        "positive": float(len(_POSITIVE.findall(sentence))),
        "contrast": float(len(_CONTRAST.findall(sentence))),
        "similar": float(len(_SIMILAR.findall(sentence))),
        "negative": float(len(_NEGATIVE.findall(sentence))),
        "difference": float(len(_DIFFERENCE.findall(sentence))),
    }
    return counts, _effects(plain), frozenset(stems(sentence))


def sentence_cues(sentence: str, cue: ClaimSpec) -> dict[str, float]:
    """Cue counts of one sentence relative to the claim (before weighting)."""
    counts, effects, words = _sentence_counts(sentence)
    negated = effects["negated"]
    if cue.outcome_filter and not words & cue.outcome_filter:
        effects = dict.fromkeys(effects, 0)  # effects on something other than the claim's outcome
    if cue.polarity in _POLARITY_LEXICONS:
        for_claim, against, _ = _POLARITY_LEXICONS[cue.polarity]
        match, opposite = effects[for_claim], effects[against]
    else:
        match, opposite = effects["up"] + effects["down"], 0
    relevance = len(words & cue.stems) / len(cue.stems) if cue.stems else 0.0
    out = dict(counts)
    out.update(negation=out.pop("null_matches") + negated, match=float(match), opposite=float(opposite),
               relevance=relevance)
    out["negated"] = float(out["negators"] + out["null"] > 0)
    out["affirmed"] = float(not out["negated"] and out["positive"] + out["match"] > 0)
    return out


def _effect_but_null(sentence: str, cue: ClaimSpec) -> bool:
    """True for "effect, but no effect": a claimed effect, then a contrast word, then a null finding."""
    if cue.polarity not in _POLARITY_LEXICONS:
        return False
    effect = _EFFECT_LEXICONS[_POLARITY_LEXICONS[cue.polarity][2]]
    first = next((m.start() for m in effect.finditer(sentence) if not negated_at(sentence, m.start())), None)
    if first is None:
        return False
    contrast = _CONTRAST.search(sentence, first)
    return bool(contrast and _NULL.search(sentence, contrast.end()))


def _answer_sentence(rows: list[dict[str, float]]) -> dict[str, float] | None:
    """The conclusion sentence sharing most of the claim's words (the first on ties): the likely answer."""
    if not rows:
        return None
    return max(enumerate(rows), key=lambda item: (item[1]["relevance"], -item[0]))[1]


def _squash(value: float) -> float:
    """Diminishing returns for counts: log(1 + x)."""
    return math.log1p(value)


def direction_features(claim: Any, text: str) -> dict[str, float]:
    """The model's features for (claim, text); keys are :data:`FEATURES`.

    Parameters
    ----------
    claim : Claim or str
        A register claim or a plain-language statement or question.
    text : str
        Abstract (or summary); a ``CONCLUSION(S):`` label marks the conclusion.

    Returns
    -------
    dict of str to float
    """
    cue = parse_claim(claim)
    body, conclusion = split_conclusion(text)
    conc = [sentence_cues(s, cue) for s in conclusion]
    rest = [sentence_cues(s, cue) for s in body[-4:]]  # results usually sit just before the conclusion

    def total(rows: list[dict[str, float]], name: str) -> float:
        return _squash(sum(r[name] * (0.5 + r["relevance"]) for r in rows))

    first = conc[0] if conc else None
    answer = _answer_sentence(conc)
    return {
        "bias": 1.0,
        "conc_negation": total(conc, "negation"),
        "conc_null": total(conc, "null"),
        "conc_hedge": total(conc, "hedge"),
        "conc_strong_hedge": total(conc, "strong_hedge"),
        "conc_positive": total(conc, "positive"),
        "conc_match": total(conc, "match"),
        "conc_opposite": total(conc, "opposite"),
        "conc_contrast": total(conc, "contrast"),
        "conc_relevance": max((r["relevance"] for r in conc), default=0.0),
        "first_negation": _squash(first["negation"]) if first else 0.0,
        "first_hedge": _squash(first["hedge"] + first["strong_hedge"]) if first else 0.0,
        "first_positive": _squash(first["positive"]) if first else 0.0,
        "body_negation": total(rest, "negation"),
        "body_null": total(rest, "null"),
        "body_positive": total(rest, "positive"),
        "body_match": total(rest, "match"),
        "body_opposite": total(rest, "opposite"),
        "question_negated": float(cue.negated),
        "question_difference": float(cue.asks_difference),
        "conc_similar": total(conc, "similar"),
        "conc_negative": total(conc, "negative"),
        "first_negative": _squash(first["negative"]) if first else 0.0,
        "body_negative": total(rest, "negative"),
        "relevant_negation": max((r["relevance"] * (r["negation"] + r["negative"] > 0) for r in conc), default=0.0),
        "q_same": float(cue.asks_same),
        "q_same_x_difference": float(cue.asks_same) * total(conc, "difference"),
        "q_difference_x_similar": float(cue.asks_difference) * total(conc, "similar"),
        "q_need": float(cue.asks_need),
        "q_need_x_negative": float(cue.asks_need) * total(conc, "negative"),
        "first_negator": first["negated"] if first else 0.0,
        "answer_negation": answer["negated"] if answer else 0.0,
        "answer_negative": float(answer["negative"] > 0) if answer else 0.0,
        "conc_partial": total(conc, "partial"),
        "conc_mixed": float(any(r["negated"] for r in conc) and any(r["affirmed"] for r in conc)),
        "conc_effect_but_null": float(any(_effect_but_null(s, cue) for s in conclusion)),
    }


def read_weights(path: Any) -> dict[str, tuple[float, ...]]:
    """Read a weights TOML: one array of len(MODEL_CLASSES) floats per feature."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"TOML syntax error: {exc}", str(path)) from None
    weights = data.get("weights")
    if not isinstance(weights, Mapping):
        raise CorpusError("no [weights] table", str(path))
    out: dict[str, tuple[float, ...]] = {}
    for name in FEATURES:
        row = weights.get(name)
        if not isinstance(row, list) or len(row) != len(MODEL_CLASSES):
            raise CorpusError(f"weights.{name}: expected {len(MODEL_CLASSES)} numbers", str(path))
        out[name] = tuple(float(v) for v in row)
    return out


@lru_cache(maxsize=1)
def packaged_weights() -> dict[str, tuple[float, ...]]:
    """The weights shipped with the package."""
    return read_weights(resources.files("litreview.evidence").joinpath(WEIGHTS_FILE))


def class_scores(features: Mapping[str, float], weights: Mapping[str, tuple[float, ...]]) -> tuple[float, ...]:
    """Linear scores per model class."""
    return tuple(
        sum(features[name] * weights[name][k] for name in FEATURES) for k in range(len(MODEL_CLASSES))
    )


def deciding_sentence(claim: Any, text: str, model_class: str) -> str:
    """The sentence that best shows the chosen class (conclusion sentences first)."""
    cue = parse_claim(claim)
    body, conclusion = split_conclusion(text)
    candidates = conclusion + body[::-1]
    if not candidates:
        return ""
    key = {
        "supports": lambda c: c["positive"] + c["match"] - c["negation"],
        "not_supported": lambda c: c["negation"] + c["opposite"] + c["similar"],
        "unclear": lambda c: c["strong_hedge"] * 2 + c["hedge"] + c["contrast"],
    }[model_class]
    scored = [(key(sentence_cues(s, cue)) + 0.5 * (i < len(conclusion)), -i, s) for i, s in enumerate(candidates)]
    return max(scored)[2]


def refine(model_class: str, features: Mapping[str, float], polarity: str) -> str:
    """Map a model class to a direction, then apply the claim's polarity.

    The model separates supports / not supported / unclear; it never sees a
    claim whose predicted effect is reversed (PubMedQA questions rarely are),
    so polarity is a rule: in the conclusion, an effect against the claim's
    direction with none for it contradicts the claim; an effect for it, then a
    contrast word, then a null finding in one conclusion sentence ("reduced X at
    2 h, but did not differ at 24 h") makes the finding mixed.
    """
    match, opposite = features["conc_match"], features["conc_opposite"]
    if polarity in _POLARITY_LEXICONS and opposite > 0 and match == 0:
        return "contradicts"
    if features["conc_effect_but_null"] > 0:
        return "mixed"
    if model_class == "supports":
        return "supports"
    if model_class == "not_supported":
        opposite = features["conc_opposite"] + 0.5 * features["body_opposite"]
        negated = features["conc_negation"] + features["conc_similar"]
        return "contradicts" if opposite > 0 and opposite >= negated else "no_effect"
    mixed = features["conc_contrast"] > 0 and features["conc_negation"] > 0 and (
        features["conc_positive"] + features["conc_match"] > 0
    )
    return "mixed" if mixed else "unclear"


def clear_caches() -> None:
    """Forget cached sentence readings (for timing a cold run)."""
    _sentence_counts.cache_clear()
    _split_conclusion.cache_clear()
