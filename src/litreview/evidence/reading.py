"""Claim-aware reading of a text: the clauses that speak to the claim, and which way each points.

The text is cut into sentences (a title is one of its own) and each sentence
into clauses at semicolons, colons, contrast words ("but", "whereas",
"while", ", versus"), ", which", ", and" before a new verb, and "without"
before a change ("without altering CRP"); the lexicons are in
:mod:`litreview._cues`. What a clause is about decides whether it counts:

- a clause that names only the comparator (placebo, saline, vehicle,
  controls) never decides, nor does "but not <comparator>" ("ketamine but not
  lanicemine reduced ...");
- a clause about another outcome (anxiety ratings, for a claim about
  depression) never decides, nor does a clause about a treatment's effect
  for a claim about a condition itself ("BDNF is low in depression");
- a clause about what a stressor or disease model did sets the scene: an
  agent that then "reversed these changes" moved the outcome the other way;
- a clause about a subgroup or a later time point weighs less (for an onset
  claim, later time points are out of scope);
- a null said of another measure in its own comma or bracket part ("cortisol
  rose (prolactin unchanged)"), a null link between a level and another
  measure ("did not correlate with severity") and a null comparing doses
  ("no advantage of the higher dose") do not decide; a text saying the
  claim's agent itself was not tested is ``unclear``.

Each remaining clause is read for the claim's effect kind (see
:mod:`litreview._claim_spec`):

- ``up`` / ``down`` / ``better`` / ``any``: an effect word for the claim, one
  against it, or a null finding. Caveats ("missed its primary endpoint",
  "trended", "failed to separate") and nulls without a negation verb
  ("remained stable", "none met response criteria") are null findings; an
  effect that faded, was small or brief, held in a subgroup only, or was
  inconsistent is a partial finding (``mixed``); the authors' verdict that
  the evidence is insufficient is ``unclear``. Words of a manipulation ("an
  NMDA blocker", "blocking mTOR abolished the rise") are not effects on the
  outcome, and undoing a change ("blunted the stress-induced rise") moves the
  other way;
- ``low_harm``: a harm found contradicts; a harm that is mild or transient, or
  is absent ("no dependence"), supports; a harm named as what was measured
  ("abuse liability", "rated drug liking") is neither;
- ``required``: the effect abolished when the factor is removed (a knockout, a
  loss-of-function allele, an antagonist given first) supports; the effect
  intact without the factor, or absent when another blocker supplies the
  factor, contradicts; another blocker's small or brief effect is ``mixed``;
- ``lasting``: relapse or return of symptoms contradicts; a sustained effect supports.

Clauses weigh by where they stand (conclusion, title) and what they name (the
claim's outcome, its subject). When neither title nor conclusion states a
finding on the claim's outcome, the results sentences that name the claim's
subject or intervention are read as well. The result is a :class:`Reading`: a direction,
or none when nothing decisive was found, with a confidence and the deciding
sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from . import cues as lex
from .claim_spec import ClaimSpec
from .direction import _DOWN_STRICT, _HEDGE, _NOT_NEGATION, _UP_STRICT, negated_at, split_conclusion
from .results import clear_caches as clear_results_caches
from .results import results_sentences
from .statements import AIM

#: Weights: where a clause stands and what it names.
_W_CONCLUSION, _W_TITLE, _W_SCOPED, _W_HEDGED = 1.5, 0.5, 0.6, 0.7
_W_OUTCOME, _W_SENTENCE_OUTCOME, _W_SUBJECT = 1.0, 0.6, 0.4
#: A finding read the other way round: undoing a change against the claim is for it.
_FLIP = {"for": "against", "against": "for"}
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


class _ClauseCues:
    """What a clause says whatever the claim: each cue is looked for once, when first asked for.

    Instances are cached with their sentence (:func:`_sentence`), so a record
    read for many claims looks for each cue once.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def comparator(self) -> bool:
        """Names the comparator (placebo, saline, controls), not in a comparison with the subject."""
        return bool(lex.COMPARATOR.search(self.text) and not lex.COMPARISON.search(self.text))

    @cached_property
    def scoped(self) -> bool:
        """About a later time point or a subgroup."""
        return bool(lex.LATER.search(self.text) or lex.SUBGROUP.search(self.text))

    @cached_property
    def hours(self) -> bool:
        """Names a time in hours or minutes."""
        return bool(lex.HOURS.search(self.text))

    @cached_property
    def caveat(self) -> bool:
        """Holds a caveat ("trended", "missed its primary endpoint")."""
        return bool(lex.CAVEAT.search(self.text))

    @cached_property
    def anaphor(self) -> bool:
        """Names the intervention by an anaphor ("the infusion", "treated animals")."""
        return bool(lex.ANAPHOR.search(self.text))

    @cached_property
    def primary(self) -> bool:
        """Names a primary endpoint or outcome."""
        return bool(lex.PRIMARY.search(self.text))

    @cached_property
    def inducer(self) -> bool:
        """Names a stressor or disease model."""
        return bool(lex.INDUCER.search(self.text))

    @cached_property
    def treatment(self) -> bool:
        """Speaks of a treatment's effect ("after antidepressant treatment")."""
        return bool(lex.TREATMENT.search(self.text))

    @cached_property
    def manipulation(self) -> bool:
        """Names a manipulation of some factor (a blocker, a knockout)."""
        return bool(lex.MANIPULATION.search(self.text))

    @cached_property
    def reversed(self) -> str:
        """An undoing word ("reversed", "normalised"), or ""."""
        found = lex.REVERSED.search(self.text)
        return found.group(0) if found else ""

    @cached_property
    def without(self) -> bool:
        """Starts with "without" ("without altering locomotion")."""
        return bool(lex.WITHOUT.match(self.text))

    @cached_property
    def domains(self) -> frozenset[str]:
        """The outcome domains it names (:data:`~litreview._claim_spec.DOMAINS`)."""
        return frozenset(m.lastgroup or "" for m in lex.DOMAIN.finditer(self.text))


@lru_cache(maxsize=8192)
def _sentence(sentence: str) -> tuple[bool, bool, tuple[_ClauseCues, ...]]:
    """(hedged, names a primary endpoint, clauses) of a sentence (cached: read for many claims)."""
    parts = (part.strip() for part in lex.CLAUSE_SPLIT.split(lex.BUT_NOT_NAME.sub("", sentence)) if part)
    clauses = tuple(_ClauseCues(c) for c in parts if c)
    return bool(_HEDGE.search(sentence)), bool(lex.PRIMARY.search(sentence)), clauses


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """A claim pattern compiled once (None for an empty pattern)."""
    return re.compile(rf"\b(?:{pattern})", re.IGNORECASE) if pattern else None


def _found(pattern: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    """First match of an optional pattern."""
    return pattern.search(text) if pattern is not None else None


def _unnegated(regex: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Matches not closely preceded by a negator."""
    return [m for m in regex.finditer(text) if not negated_at(text, m.start())]


def _limited(clause: str, timeframe: str) -> re.Match[str] | None:
    """A qualifier that makes the clause's effect partial (duration ignored for an onset claim)."""
    found = lex.LIMITED.search(clause)
    if found or timeframe == "early":
        return found
    return lex.BRIEF.search(clause)


@lru_cache(maxsize=16384)
def _directional(clause: str, effect: str, timeframe: str = "") -> tuple[str, str]:
    """(signal, cue) for up/down/better/any claims (cached: it depends on the claim's effect and time frame only).

    ``limited`` marks an effect for the claim that is partial: it faded, was
    small or brief, held in some patients only, or was inconsistent.
    """
    plain = _NOT_NEGATION.sub(" ", clause)
    null = lex.NULL.search(plain)
    if lex.HYPOTHETICAL.search(plain):
        # "if the drug raised X, the change was too small to detect": no effect when it says so, else no finding
        return ("null", null.group(0)) if null else ("", "")
    qualify = timeframe != "lasting"
    faded = lex.FADED.search(plain) if qualify and timeframe != "early" else None
    if faded:
        return "limited", faded.group(0)
    insufficient = lex.INSUFFICIENT.search(plain)
    if insufficient:
        return "unclear", insufficient.group(0)
    refuted = lex.REFUTED.search(plain)
    if refuted:
        return "null", refuted.group(0)
    caveat = lex.CAVEAT.search(plain) or lex.NULL.search(plain) or lex.ELLIPTIC_NOT.match(plain)
    if caveat:
        return "null", caveat.group(0)
    signal, cue = _effect_words(plain, effect)
    if not qualify or signal not in ("for", ""):
        return signal, cue
    effects = lex.SIDE_EFFECTS.sub(" ", plain)
    limited = _limited(effects, timeframe)
    found = limited if limited and (signal or lex.EFFECT_NOUN_RE.search(effects)) else lex.INCONSISTENT.search(effects)
    if found:
        return "limited", f"{cue} ... {found.group(0)}" if cue else found.group(0)
    return signal, cue


def _effect_words(plain: str, effect: str) -> tuple[str, str]:
    """(signal, cue) from the effect words of a clause with no caveat (the first decides when both ways)."""
    undo = _unnegated(lex.UNDO, plain)
    if undo:
        # the change undone went one way, so the effect goes the other way (any undoing is a change, or relief)
        undone = "down" if undo[0].group("up") else "up"
        return ("against" if effect in ("up", "down") and undone != effect else "for"), undo[0].group(0)
    if effect == "any":
        found = _unnegated(lex.ANY_EFFECT, plain) + _unnegated(_UP_STRICT, plain) + _unnegated(_DOWN_STRICT, plain)
        negated = [m for m in lex.ANY_EFFECT.finditer(plain) if negated_at(plain, m.start())]
        if found:
            return "for", found[0].group(0)
        return ("null", negated[0].group(0)) if negated else ("", "")
    pro_re, con_re = lex.DIRECTIONAL["better" if effect == "lasting" else effect]
    pro = [m for m in _unnegated(pro_re, plain) if not lex.GROUP_NOUN.match(plain, m.start())]
    con = _unnegated(con_re, plain)
    if effect == "better":
        # "reduced anxiety" is relief; a worsening word next to it decides the other way
        con = [m for m in con if not any(p.start() <= m.start() < p.end() for p in pro)]
    if pro and not con:
        return "for", pro[0].group(0)
    if con and not pro:
        return "against", con[0].group(0)
    if pro and con:
        first = min(pro[0], con[0], key=lambda m: m.start())
        return ("for" if first is pro[0] else "against"), first.group(0)
    negated = [m for m in pro_re.finditer(plain) if negated_at(plain, m.start())]
    return ("null", negated[0].group(0)) if negated else ("", "")


def _without_mechanism_test(clause: str, agent: re.Pattern[str] | None) -> str:
    """The clause without the words of a manipulation of another factor that abolished the effect.

    "Blocking mTOR abolished the rise in spines" says what the effect needs, not
    which way it goes: "abolished" is not a fall. A manipulation that is the
    agent itself ("pretreatment with ketamine prevented the rise", "ketamine, an
    NMDA antagonist, blunted ...") is the agent's own effect and stays.
    """
    cues = list(lex.MANIPULATION.finditer(clause))
    if not cues:
        return clause
    abolished = [m for m in lex.ABOLITION.finditer(clause) if not any(c.start() <= m.start() < c.end() for c in cues)]
    if not abolished:
        return clause
    for cue in cues:
        left = max(0, cue.start() - 25)
        near = clause[left: cue.end() + 25]
        mention = _found(agent, near)
        start, end = sorted((mention.start(), cue.start() - left)) if mention else (0, 0)
        if mention is None or lex.ABOLITION.search(near[start:end]):
            # not the agent, or the agent is what was abolished ("ketamine failed in knockout mice")
            for m in (*cues, *abolished):
                clause = clause[: m.start()] + " " * (m.end() - m.start()) + clause[m.end():]
            return clause
    return clause


def _harm_reading(clause: str, harm: re.Match[str], previous: tuple[re.Match[str], str] | None) -> str:
    """How a clause speaks of one harm word: ``found``, ``absent`` or ``measured`` (named as what was
    measured: "abuse liability was assessed", "rated drug liking"). ``previous`` is the harm word before
    it and its reading, which a list carries over ("no rise in liking or craving")."""
    before, after = clause[max(0, harm.start() - 40): harm.start()], clause[harm.end():]
    listed = previous is not None and previous[1] == "absent" and lex.LIST_LINK.match(
        clause[previous[0].end(): harm.start()])
    if listed or lex.HARM_ABSENT.search(before[-25:]) or lex.HARM_NEGATED_LINK.search(before):
        return "absent"
    if lex.HARM_MEASURED_AFTER.match(after) or lex.HARM_MEASURED_BEFORE.search(before):
        low, high = lex.HARM_LOW.search(before[-20:]), lex.HARM_HIGH.search(before[-20:])
        return "absent" if low else ("found" if high else "measured")
    return "found"


def _harm_readings(clause: str, outcome: re.Pattern[str] | None) -> list[tuple[re.Match[str], str]]:
    """Every harm word of the clause with its reading (:func:`_harm_reading`)."""
    readings: list[tuple[re.Match[str], str]] = []
    for m in outcome.finditer(clause) if outcome is not None else ():
        readings.append((m, _harm_reading(clause, m, readings[-1] if readings else None)))
    return readings


def _harm(clause: str, sentence: str, readings: list[tuple[re.Match[str], str]]) -> tuple[str, str]:
    """(signal, cue) for low-harm claims: found harm against, mild/transient or absent harm for."""
    harms = [m for m, reading in readings if reading != "measured"]
    if lex.NONE_OF.match(clause):
        found = []  # "None of the patients showed misuse or dependence"
    else:
        found = [m for m, reading in readings if reading == "found"]
    qualifier = lex.HARM_QUALIFIER.search(sentence)
    if found:
        serious = lex.HARM_SERIOUS.search(sentence)
        if qualifier and not serious:
            return "qualified", f"{found[0].group(0)} ... {qualifier.group(0)}"
        return "against", found[0].group(0)
    if harms:
        return "for", harms[0].group(0)
    if qualifier and lex.HARM_QUALIFIER.search(clause):
        return "for", qualifier.group(0)
    return "", ""


@lru_cache(maxsize=64)
def _cue_pattern(regex: str) -> re.Pattern[str]:
    """A manipulation cue compiled once."""
    return re.compile(rf"\b(?:{regex})", re.IGNORECASE)


def _near(regex: str, factor: re.Pattern[str] | None, clause: str) -> re.Match[str] | None:
    """``regex`` within a few words (40 characters) of a mention of the factor."""
    if factor is None:
        return None
    for cue in _cue_pattern(regex).finditer(clause):
        if factor.search(clause[max(0, cue.start() - 40): cue.end() + 40]):
            return cue
    return None


def _agent_acts(clause: str, agent: re.Pattern[str] | None) -> bool:
    """True when the clause names the agent other than as a comparator ("non-ketamine", "than ketamine")."""
    if agent is None:
        return False
    return any(not lex.AGENT_COMPARED.search(clause[max(0, m.start() - 15): m.start()]) for m in agent.finditer(clause))


def _required(clause: str, spec: ClaimSpec, patterns: dict[str, re.Pattern[str] | None],
              carried: str = "") -> tuple[str, str]:
    """(signal, cue) for required-for claims: manipulate the factor, then watch the effect.

    The factor is removed (a knockout, a loss-of-function allele, an antagonist
    given first) or, when the factor is itself a blockade, reproduced by
    another blocker; ``carried`` is a removal named earlier in the sentence
    ("in mice carrying the loss-of-function allele ...; in these mice ketamine failed").
    A reproduction whose effect is small, brief or inconsistent is ``limited``.
    """
    factor = patterns["subject"]
    dependency = _near(lex.DEPENDENT, factor, clause)
    if dependency:
        return ("against" if lex.DEPENDENT_NOT.search(dependency.group(0)) else "for"), dependency.group(0)
    removal = _near(lex.NOT_FACTOR if spec.factor_blocks else lex.REMOVAL, factor, clause)
    reproduce = None
    if spec.factor_blocks:
        reproduce = _near(lex.REPRODUCE, factor, clause) or (
            None if _agent_acts(clause, patterns["agent"]) else _near(lex.BLOCKER, factor, clause))
    manipulation = removal or reproduce
    if manipulation is None and not carried:
        return "", ""
    rest = clause[: manipulation.start()] + " " + clause[manipulation.end():] if manipulation else clause
    cue = manipulation.group(0) if manipulation else carried
    intact, abolished = lex.INTACT.search(rest), lex.ABOLISHED.search(rest)
    present = lex.PRESENT.search(rest)
    if reproduce is None:
        if intact or (present and not abolished):
            return "against", f"{cue} ... {(intact or present).group(0)}"
        if abolished:
            return "for", f"{cue} ... {abolished.group(0)}"
        return "", ""
    abolished = abolished or lex.NULL.search(rest) or lex.CAVEAT.search(rest)
    limited = (_limited(rest, spec.timeframe) or lex.INCONSISTENT.search(rest)) if present or abolished else None
    if limited:
        return "limited", f"{cue} ... {limited.group(0)}"  # another blocker did a little: partly reproduced
    if abolished and not intact:
        return "against", f"{cue} ... {abolished.group(0)}"
    if present:
        return "for", f"{cue} ... {present.group(0)}"
    return "", ""


def _removal(clause: str, spec: ClaimSpec, factor: re.Pattern[str] | None) -> str:
    """A removal of the factor named in the clause (carried to the next clauses of the sentence), or ""."""
    found = _near(lex.REMOVAL, factor, clause) if not spec.factor_blocks else None
    return found.group(0) if found else ""


def _lasting(clause: str) -> tuple[str, str]:
    """(signal, cue) for durability claims: relapse against, sustained effect for."""
    relapse = lex.RELAPSE.search(clause)
    if relapse:
        return "against", relapse.group(0)
    sustained = lex.SUSTAINED.search(clause)
    if sustained and not negated_at(clause, sustained.start()):
        return "for", sustained.group(0)
    return "", ""


@dataclass
class _Context:
    """What earlier clauses of a sentence set up for the later ones."""

    induced: str = ""  # which way a stressor moved the outcome ("for"/"against" the claim)
    removal: str = ""  # a removal of the factor (required-for claims)
    measured: bool = False  # a harm named as what was measured (low-harm claims)


def _clause_signal(cues: _ClauseCues, sentence: str, spec: ClaimSpec, patterns: dict[str, re.Pattern[str] | None],
                   context: _Context, subject: bool, outcome: bool) -> tuple[str, str]:
    """(signal, cue) of one clause in its sentence; ("", "") when the clause does not decide."""
    clause = cues.text
    if cues.comparator and not subject:
        return "", ""  # about the comparator alone
    if spec.effect == "low_harm":
        readings = _harm_readings(clause, patterns["outcome"])
        context.measured = context.measured or any(reading == "measured" for _, reading in readings)
        signal = _harm(clause, sentence, readings)
        if not signal[0] and context.measured and lex.HARM_NONE.search(clause):
            return "for", lex.HARM_NONE.search(clause).group(0)  # "misuse was screened for: no cases"
        return signal
    if spec.effect == "required":
        removal = _removal(clause, spec, patterns["subject"])
        signal = ("", "") if _other_outcome(cues, spec, outcome) else _required(clause, spec, patterns,
                                                                               context.removal)
        context.removal = context.removal or ("" if signal[0] else removal)
        return signal
    if _other_outcome(cues, spec, outcome):
        return "", ""  # about another outcome (anxiety, for a claim about depression)
    if patterns["agent"] is None and cues.treatment:
        return "", ""  # a treatment's effect, for a claim about the condition itself
    if not subject and cues.inducer:
        context.induced = _directional(clause, spec.effect, spec.timeframe)[0]
        return "", ""  # what the stressor did sets the scene
    if cues.scoped and spec.timeframe == "early" and not cues.hours:
        return "", ""  # a later time point is out of scope for an onset claim
    if cues.manipulation:
        clause = _without_mechanism_test(clause, patterns["agent"])
    if spec.effect == "lasting":
        signal = _lasting(clause)
        if signal[0] or not lex.LATER.search(clause):
            return signal
        # an effect at a later time point ("still lower at 4 weeks") speaks to durability
    if lex.APPROVAL.search(spec.statement):
        approval = lex.APPROVAL.search(clause)
        if approval:  # a claim about approval: "licensed for" is the finding, "not approved" its denial
            return ("against" if negated_at(clause, approval.start()) else "for"), approval.group(0)
    signal, cue = _directional(clause, spec.effect, spec.timeframe)
    if signal == "null" and outcome and spec.register:  # (a plain sentence's outcome words are a guess)
        narrowed = _null_elsewhere(clause, patterns, cues.anaphor)
        if narrowed:  # "cortisol rose (prolactin unchanged)": the null is another measure's
            signal, cue = _directional(narrowed, spec.effect, spec.timeframe)
    if lex.LINK.search(clause) and (signal == "limited" and spec.effect != "any" or signal == "null" and spec.register
                                    and spec.effect in ("up", "down") and not _agent_acts(clause, patterns["agent"])):
        return "", ""  # "this link held only in responders", "X did not predict response": a link, not a level
    if signal == "null" and not outcome and lex.DOSING.search(clause) and lex.COMPARED.search(clause):
        return "", ""  # "no advantage of twice- over once-weekly dosing": doses compared, not the treatment
    if cues.reversed and not signal and spec.effect not in ("up", "down"):
        return "for", cues.reversed  # undoing what a stressor did is relief
    if cues.reversed and not signal and context.induced in _FLIP:
        return _FLIP[context.induced], cues.reversed  # "ketamine reversed these changes"
    if signal and not outcome and cues.without:
        return "", ""  # "without altering locomotion": a check on another measure
    return signal, cue


def _null_elsewhere(clause: str, patterns: dict[str, re.Pattern[str] | None], anaphor: bool) -> str:
    """The clause without its null parts when they name neither the claim nor the groups compared, else "".

    "Cortisol rose (prolactin unchanged)" and "BDNF was lower, its precursor did not differ" say the null of
    another measure; "scores fell (no difference between groups)" says it of the claim's comparison.
    """
    parts = lex.SEGMENT_SPLIT.split(clause)
    if len(parts) < 2:
        return ""
    names = [bool(_found(patterns["outcome"], p) or _found(patterns["subject"], p) or _found(patterns["agent"], p)
                  or lex.GROUPS.search(p) or lex.COMPARATOR.search(p) or (anaphor and lex.ANAPHOR.search(p)))
             for p in parts]
    nulls = [bool(lex.NULL.search(p) or lex.CAVEAT.search(p)) for p in parts]
    if not any(null and not named for null, named in zip(nulls, names)):
        return ""
    rest = ", ".join(p for p, null, named in zip(parts, nulls, names) if named or not null)
    return rest if _found(patterns["outcome"], rest) else ""


def _other_outcome(cues: _ClauseCues, spec: ClaimSpec, outcome: bool) -> bool:
    """True when the clause names another outcome domain and not the claim's outcome."""
    return not outcome and bool(cues.domains & spec.other_outcomes)


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
