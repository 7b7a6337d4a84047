"""One clause read against a claim: what it is about and which way it points (a signal and its cue).

:mod:`litreview.evidence.reading` cuts a text into sentences (a title is one of its own) and reads
each sentence's clauses with :func:`_clause_signal`. A sentence is cut into clauses at semicolons,
colons, contrast words ("but", "whereas", "while", ", versus"), ", which", ", and" before a new
verb, and "without" before a change ("without altering CRP") (:func:`_sentence`, cached with the
cues of each clause); the lexicons are in :mod:`litreview.evidence.cues`. What a clause is about
decides whether it counts:

- a clause that names only the comparator (placebo, saline, vehicle,
  controls) never decides, nor does "but not <comparator>" ("ketamine but not
  lanicemine reduced ...");
- a clause about another outcome (anxiety ratings, for a claim about
  depression) never decides, nor does a clause about a treatment's effect
  for a claim about a condition itself ("BDNF is low in depression");
- a clause about what a stressor or disease model did sets the scene: an
  agent that then "reversed these changes" moved the outcome the other way;
- for an onset claim, later time points are out of scope;
- a null said of another measure in its own comma or bracket part ("cortisol
  rose (prolactin unchanged)"), a null link between a level and another
  measure ("did not correlate with severity") and a null comparing doses
  ("no advantage of the higher dose") do not decide.

Each remaining clause is read for the claim's effect kind (see
:mod:`litreview.evidence.claim_spec`):

- ``up`` / ``down`` / ``better`` / ``any``: an effect word for the claim, one
  against it, or a null finding. Caveats ("missed its primary endpoint",
  "trended", "failed to separate") and nulls without a negation verb
  ("remained stable", "none met response criteria") are null findings; an
  effect that faded, was small or brief, held in a subgroup only, or was
  inconsistent is a partial finding (``limited``); the authors' verdict that
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
  factor, contradicts; another blocker's small or brief effect is ``limited``;
- ``lasting``: relapse or return of symptoms contradicts; a sustained effect supports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from . import cues as lex
from .claim_spec import ClaimSpec
from .direction import _DOWN_STRICT, _HEDGE, _NOT_NEGATION, _UP_STRICT, negated_at

#: A finding read the other way round: undoing a change against the claim is for it.
_FLIP = {"for": "against", "against": "for"}


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
