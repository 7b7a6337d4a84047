"""Claim-aware reading of a text: the clauses that speak to the claim, and which way each points.

The text is cut into sentences (a title is one of its own) and each sentence
into clauses at semicolons, colons and contrast words ("but", "whereas",
"while", ", versus"). A clause that names only the comparator (placebo,
saline, vehicle, controls) and not the claim's subject never decides. Each
remaining clause is read for the claim's effect kind (see
:mod:`litreview._claim_spec`):

- ``up`` / ``down`` / ``better`` / ``any``: an effect word for the claim, one
  against it, or a null finding; caveats ("missed its primary endpoint",
  "trended", "numerically", "failed to separate") are null findings however
  the effect is worded;
- ``low_harm``: a harm found contradicts; a harm that is mild or transient, or
  is absent ("no dependence"), supports;
- ``required``: the effect abolished when the factor is removed supports; the
  effect intact without the factor, or absent when another agent supplies the
  factor, contradicts;
- ``lasting``: relapse or return of symptoms contradicts; a sustained effect supports.

Clauses weigh by where they stand (conclusion, title) and what they name
(the claim's outcome, its subject); a clause about a subgroup or a later time
point weighs less and cannot decide alone against the main finding (for an
onset claim, later time points are out of scope). The result is a
:class:`Reading`: a direction, or none when nothing decisive was found, with a
confidence and the deciding sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._claim_spec import ANAPHORS, ClaimSpec
from ._direction import (
    _BETTER,
    _DOWN_STRICT,
    _HEDGE,
    _NOT_NEGATION,
    _UP_STRICT,
    _WORSE,
    negated_at,
    split_conclusion,
)

_CLAUSE_SPLIT = re.compile(
    r"\s*;\s*|:\s+|,?\s+\b(?:but|whereas|while|although|though|yet|however)\b,?\s+|"
    r",\s+(?:versus|vs\.?|compared with|as opposed to|in contrast to|unlike)\s+|"
    r",\s+(?=(?:with|and) (?:no|little)\b)|,?\s+(?=without (?:\w+ly )?\w+ing\b|without (?:any |a )?(?:\w+ )?"
    r"(?:change|alteration|effect|difference|increase|decrease))|"
    r"\s+and\s+(?=(?:\w+\s+){0,4}?(?:after|with|in|on|under|for|among)\s+(?:the\s+)?"
    r"(?:placebo|saline|vehicle|sham|controls?)\b)",
    re.IGNORECASE,
)
_COMPARATOR = re.compile(r"\b(?:placebo(?!-?\s?control)|saline|vehicle|sham|midazolam|controls\b|control (?:group|"
                         r"arm|animals|mice|rats|subjects|participants|condition|session|infusion)s?|untreated|"
                         r"wild-?type)", re.IGNORECASE)
#: "did not differ from placebo" compares the subject with the comparator: it is about the subject.
_COMPARISON = re.compile(r"\b(?:from|than|versus|vs\.?|over|relative to|compared (?:with|to)|between)\s+(?:the\s+)?"
                         r"(?:placebo|saline|vehicle|sham|midazolam|controls?)", re.IGNORECASE)
_ANAPHOR = re.compile(rf"\b(?:{ANAPHORS})\b", re.IGNORECASE)
_LATER = re.compile(r"\b(?:at|by|after|on|from|through|until|over|beyond)\s+(?:day|week|month)s?\s*\d+|"
                    r"\b(?:at|by|after|for|over)\s+(?:\d+|one|two|three|four|five|six|seven|eight|ten|twelve|"
                    r"several|a few)\s*-?\s*(?:days?|weeks?|months?|years?)\b|\blater\b|\bfollow-?up\b|"
                    r"\bno longer\b|\bsubsequent\w*", re.IGNORECASE)
_HOURS = re.compile(r"\b\d+\s*(?:h|hours?|min)\b", re.IGNORECASE)
_SUBGROUP = re.compile(r"\bsubgroups?\b|\bsubsets?\b|\bonly in\b|\bamong (?:those|the \w+ who)\b|"
                       r"\bin (?:women|men|females|males|responders|non-?responders)\b", re.IGNORECASE)
_PRIMARY = re.compile(r"\bprimary (?:end-?point|outcome)|\bend-?points?\b", re.IGNORECASE)
_CONTEXT_TEXT = re.compile(r"\b(?:(?:we|this|the present) (?:review|summari[sz]e|discuss|describe|propose|"
                           r"hypothesi[sz]e|outline)|(?:narrative|literature|systematic) review|review (?:of|on)|"
                           r"overview|hypothes[ie]s|commentary|perspective|editorial)\b", re.IGNORECASE)
#: Null findings and caveats, read at clause level (a bare "did not" is not one: "patients who did not respond").
_CAVEAT = re.compile(
    r"\btrend\w*|\bnumerical\w*|\bmarginal\w*|\btended to\b|\bdid not reach\b|\bfell short\b|\bmissed\b|"
    r"\bfailed to (?:separate|reach|meet|achieve|show|demonstrate|improve|reduce|change|differ)|"
    r"\bdid not (?:separate|meet|achieve|survive)|\bno better than\b|\bindistinguishable\b|\bnot superior\b",
    re.IGNORECASE,
)
_NULL_NOUN = (r"(?:difference|association|relationship|correlation|effect|benefit|advantage|improvement|change|"
              r"alteration|impact|influence|increase|decrease|reduction|rise|elevation|shift)s?")
_NULL = re.compile(
    r"\bno (?:statistically )?significant|\bnot (?:statistically )?(?:significant|different)|\bnon-?significant|"
    rf"\b(?:no|without|nor|lack of|absence of) (?:[\w-]+ ){{0,2}}{_NULL_NOUN}\b|\b(?:none|no one|nobody|no (?:patients?|participants?|subjects?))"
    r" (?:[\w-]+ ){0,3}?(?:met|reached|achieved|responded|remitted|improved|showed|had)\b|\bdid not (?:differ|change|alter|"
    r"affect|move|shift)|\bunchanged\b|\bunaltered\b|\bunaffected\b|\bcomparable\b|"
    r"\b(?:similar|identical) (?:to|in|between|across|for|with)\b|\bnot (?:associated|related|correlated|changed|"
    r"altered|affected)\b|\bon no (?:\w+ ){0,2}(?:outcomes?|measures?|endpoints?|scales?)\b|"
    r"\b(?:remained|stayed|held) (?:stable|flat|steady|constant|level)\b|\bwithout (?:significantly |measurably )?"
    r"(?:altering|changing|affecting|increasing|decreasing|reducing|raising|lowering|improving)\b",
    re.IGNORECASE,
)
#: An effect that faded or did not hold up: it was there, then it was not (a partial finding).
_FADED = re.compile(
    r"\bno longer (?:significant|different|present|evident|detectable|apparent|seen)|"
    r"\bdid not (?:persist|last|endure|survive|hold)|\bnot (?:sustained|maintained|persistent|robust)\b|"
    r"\b(?:disappeared|dissipated|faded|waned|wore off|lost (?:statistical )?significance)\b", re.IGNORECASE)
_EFFECT_NOUN = (r"(?:effects?|benefits?|improvements?|reductions?|increases?|decreases?|rises?|changes?|"
                r"differences?|responses?|advantages?|signals?|gains?|elevations?|drops?|relief)")
_EFFECT_NOUN_RE = re.compile(rf"\b{_EFFECT_NOUN}\b", re.IGNORECASE)
#: Qualifiers that make a found effect partial: small, in some patients only.
_LIMITED = re.compile(
    rf"\b(?:small|modest|slight|weak|faint|minor)\s+(?:\w+\s+){{0,2}}?{_EFFECT_NOUN}\b|"
    r"\b(?:small|modest|slight|weak|faint)(?:ly)?\s+(?:lower|higher|better|greater|reduced|increased|improved|"
    r"elevated|decreased)|\b(?:effects?|benefits?|improvements?|changes?|differences?) (?:was|were) "
    r"(?:small|modest|slight|weak)|\bonly (?:in|among|at|on|during|within|when|for)\b|"
    r"\bin (?:a|one) (?:subgroup|subset)", re.IGNORECASE)
#: Results that disagree among themselves: a partial finding whatever effect the clause names.
_INCONSISTENT = re.compile(
    r"\binconsisten\w*|\bheterogene\w*|\berratic\w*|\bvar(?:ied|iable) (?:widely|considerably|greatly|across)|"
    r"\bmixed (?:results|findings|evidence)|\bnot (?:consistently|uniformly|always)\b", re.IGNORECASE)
#: Qualifiers of duration: they limit an effect unless the claim is about onset only.
_BRIEF = re.compile(r"\btransient\w*|\bshort-lived|\btemporar\w*|\bbriefly\b|\b(?:was|were) brief\b",
                    re.IGNORECASE)
_PREPOSITION = r"(?:at|in|on|after|by|with|among|for|during|until|beyond|over|from|between|within|across|once)"
#: A clause that is only the negated remainder of a contrast ("... at day 1 but not at day 7").
_ELLIPTIC_NOT = re.compile(rf"^(?:and |or )?not {_PREPOSITION}\b", re.IGNORECASE)
#: "ketamine but not lanicemine reduced ...": the negated name is a comparator, the verb is the subject's.
_BUT_NOT_NAME = re.compile(rf",?\s+but not (?!(?:{_PREPOSITION}|to)\b)(?:the\s+)?[\w()/-]+(?:\s+[\w()/-]+){{0,2}}?,?"
                           r"(?=\s+(?:\w+ly\s+)?\w+ed\b)", re.IGNORECASE)
#: A manipulation of some factor (blocking it, knocking it out, an antagonist given first) ...
_MANIPULATION = re.compile(r"\b(?:blocking|inhibiting|knock-?(?:outs?|downs?)|knocked[- ](?:out|down)|delet\w+|"
                           r"lacking|(?:pre-?)?treatment with|pre-?treat\w*|co-?administ\w*|antagonists?|"
                           r"inhibitors?|blockers?|blockade|silenc\w+)\b|-/-", re.IGNORECASE)
#: ... that abolished the effect: a test of what the effect needs, not of which way it goes.
_ABOLITION = re.compile(r"\b(?:abolish\w*|prevent\w*|block(?:ed|s)?|blunt\w*|attenuat\w*|revers\w*|eliminat\w*|"
                        r"occlud\w*|failed|lost|absent)\b", re.IGNORECASE)
#: A stressor or disease model (chronic stress, LPS, maternal deprivation): a clause about what it did,
#: without the agent, sets the scene and does not decide.
_INDUCER = re.compile(r"\b(?:stress\w*|social defeat|restraint|lipopolysaccharide|lps|deprivation|separation|"
                      r"isolation|corticosterone|injur\w*|lesion\w*|sepsis|surgery|(?:disease|depression|pain) model)\b",
                      re.IGNORECASE)
_UP_CHANGE = r"rises?|increases?|elevations?|surges?|upregulation|hyperactivity|overactivity|excess|spikes?"
_DOWN_CHANGE = (r"loss(?:es)?|deficits?|decreases?|declines?|reductions?|drops?|falls?|atrophy|depletion|"
                r"downregulation|suppression|impairments?")
#: Undoing a change ("blunted the stress-induced rise", "reversed the loss of spines") moves the other way.
_UNDO = re.compile(r"\b(?:revers|normali[sz]|rescu|restor|counteract|prevent|block(?!ers?\b|ade)|blunt|attenuat|"
                   r"abolish|suppress|oppos|undid|undo|ameliorat|mitigat)\w*\s+(?:[\w-]+\s+){0,4}?"
                   rf"(?:(?P<up>{_UP_CHANGE})|(?P<down>{_DOWN_CHANGE}))\b", re.IGNORECASE)
#: Undoing without naming the change ("ketamine reversed these changes"): read against the induced change.
_REVERSED = re.compile(r"\b(?:revers|normali[sz]|rescu|restor|counteract|undid|undo)\w*", re.IGNORECASE)
#: A treatment's effect: for a claim about a condition itself (no agent), a clause about it does not decide.
_TREATMENT = re.compile(r"\b(?:after|following|with|on|during|under|by)\s+(?:[\w-]+\s+){0,2}?(?:treatment|therapy|"
                        r"medication|antidepressants?|drugs?|infusions?|ketamine|esketamine|dosing)\b|\btreated\b",
                        re.IGNORECASE)
#: The authors' verdict that the evidence cannot answer the question yet.
_INSUFFICIENT = re.compile(r"\binsufficient (?:evidence|data|for|to)\b|\b(?:evidence|data) (?:is|are|remains?|was|were) "
                           r"(?:insufficient|inconclusive|scarce|lacking|sparse)|\binconclusive\b|"
                           r"\bno firm conclusions?\b|\bcannot (?:yet )?be (?:drawn|established|determined)|"
                           r"\btoo (?:few|small|limited) to\b", re.IGNORECASE)
_SIDE_EFFECTS = re.compile(r"\b(?:side|adverse|dissociative|psychotomimetic) effects?\b", re.IGNORECASE)
_ANY_EFFECT = re.compile(r"\b(?:alter|chang|modulat|shift|associat|correlat|differ|reorganiz|disrupt|normaliz)",
                         re.IGNORECASE)
_HARM_QUALIFIER = re.compile(r"\b(?:mild\w*|minor|transient\w*|short-lived|brief\w*|resolv\w*|self-limit\w*|"
                             r"dissipat\w*|subsided|rare\w*|well[- ]tolerated|tolerable|safe(?:ly)?|"
                             r"no serious|low (?:rate|incidence|risk))\b", re.IGNORECASE)
_HARM_SERIOUS = re.compile(r"\b(?:serious|severe|persist\w*|lasting|irreversib\w*|chronic|long-term|permanent\w*|"
                           r"death|fatal|hospitali\w*|ulcerat\w*|damage)\b", re.IGNORECASE)
_HARM_ABSENT = re.compile(r"\b(?:no|without|absence of|free of|none|neither|nor|not|never|did not|no cases? of)\b",
                          re.IGNORECASE)
#: A harm named as what was measured ("abuse liability", "craving scores", "rated drug liking") ...
_HARM_MEASURED_AFTER = re.compile(r"\w*[\s-]+(?:liability|potential|risk|assessments?|screening|questionnaires?|"
                                  r"scales?|scores?|ratings?|measures?|outcomes?)\b", re.IGNORECASE)
_HARM_MEASURED_BEFORE = re.compile(r"\b(?:rated|ratings? of|scores? (?:for|of|on)|measured|assessed|evaluated|"
                                   r"examined|screened for|screening for|tested for)\s+(?:\w+\s+){0,2}$",
                                   re.IGNORECASE)
#: ... unless judged: "low abuse potential" is its absence, "high abuse liability" a harm found.
_HARM_LOW = re.compile(r"\b(?:low|lower|little|minimal|negligible|limited|no)\b", re.IGNORECASE)
_HARM_HIGH = re.compile(r"\b(?:high|higher|substantial|considerable|significant|marked|notable|some|moderate|"
                        r"increased|elevated)\b", re.IGNORECASE)
#: Text between two listed harms ("... or ", "..., "): a harm listed after an absent one is absent too.
_LIST_LINK = re.compile(r"\w*\s*(?:,|or|and|nor)\s+(?:\w+\s+)?$", re.IGNORECASE)
_NONE_OF = re.compile(r"\s*(?:none|no|neither|never|not one)\b", re.IGNORECASE)
_REMOVAL = (r"knock-?outs?|knock-?downs?|delet\w+|deficien\w+|lacking|lack of|without|absence of|null|-/-|"
            r"silenc\w+|antagonis\w+|antagoniz\w+|blockers?|block\w*|inhibit\w*|pretreat\w*|pre-treat\w*|"
            r"neutraliz\w+|antibod\w+|ablat\w+|mutant|conditional|loss-of-function|knock-?in|alleles?|"
            r"polymorphisms?|variants?|carriers?|genotypes?|mutations?")
_NOT_FACTOR = (r"without block\w*|does not block|did not block|no (?:\w+ )?(?:affinity|activity) at|inactive at|"
               r"lack\w* (?:\w+ )?(?:affinity|activity)|independent of|metabolites?")
_REPRODUCE = (r"(?:other|another|also|second|different|selective|novel|newer|additional)\s+(?:\w+[\s-]+){0,3}?"
              r"(?:blockers?|antagonists?|blocks?|inhibitors?)|(?:which|that) (?:also )?blocks?")
#: A blocker of the factor named in a clause where the agent does not act: another agent, a test of the class.
_BLOCKER = r"(?:channel |receptor )?(?:blockers?|antagonists?|inhibitors?)"
#: The agent named as a comparator ("non-ketamine", "than ketamine", "unlike ketamine"), not as the actor.
_AGENT_COMPARED = re.compile(r"(?:\bnon-|\b(?:than|unlike|versus|vs\.?|compared (?:with|to)|other than)\s+)$",
                             re.IGNORECASE)
_DEPENDENT = (r"requir\w*|necessary|needed|essential|depend\w*|mediated|dispensable|independent|"
              r"interact\w* with|moderat(?:ed|es) (?:by|the)|(?:is|was|are|were) (?:not )?(?:the )?(?:key|critical|"
              r"crucial)|(?:does|do|did) not account for|accounts? for")
_DEPENDENT_NOT = re.compile(r"\b(?:independent|dispensable|not (?:required|necessary|needed|essential)|"
                            r"did not (?:require|depend)|not (?:the )?(?:key|critical|crucial)|not account)",
                            re.IGNORECASE)
_INTACT = re.compile(r"\b(?:still|intact|preserved|persisted|remained|unaffected|unaltered|spared|"
                     r"(?:did|does|do) not (?:block|prevent|alter|affect|attenuate|abolish|change|reduce|diminish)|"
                     r"not (?:blocked|prevented|abolished|attenuated|diminished))\b", re.IGNORECASE)
_ABOLISHED = re.compile(
    r"\b(?:abolish\w*|prevent\w*|block(?:ed|s)\b|blunt\w*|attenuat\w*|revers\w*|eliminat\w*|occlud\w*|lost|absent|"
    r"unchanged|no longer|failed to|lack\w*|did not (?:separate|produce|reduce|decrease|improve|have|show|exert|induce|"
    r"elicit|increase)|no (?:\w+ ){0,2}(?:effect|benefit|response|improvement|difference)|not antidepressant|"
    r"no better than|(?:was|were) not (?:effective|antidepressant))\b", re.IGNORECASE)
_PRESENT = re.compile(r"\b(?:reduc\w*|decreas\w*|lower\w*|improv\w*|produc\w*|induc\w*|antidepressant-like|"
                      r"separated|beat|outperform\w*|superior|respon\w*|relie\w*|effective|rescu\w*|increas\w*|"
                      r"restor\w*)", re.IGNORECASE)
_RELAPSE = re.compile(r"\b(?:relaps\w*|return\w*|recur\w*|wore off|wear\w* off|fad\w*|dissipat\w*|wan(?:ed|ing|e)\b|"
                      r"transient\w*|short-lived|temporar\w*|brief\w*|no longer|back to baseline|rebound\w*|"
                      r"not (?:sustained|maintained|durable|lasting)|did not (?:last|persist|endure|remain))",
                      re.IGNORECASE)
_SUSTAINED = re.compile(r"\b(?:sustain\w*|maintain\w*|persist\w*|lasting|long-lasting|durab\w*|endur\w*|"
                        r"remain\w* (?:improv|lower|reduc|better|in remission|well|significant)\w*|"
                        r"still (?:improv|lower|reduc|better|in remission|significant)\w*)", re.IGNORECASE)
_LASTING_TOPIC = re.compile(r"\b(?:symptom|benefit|effect|improv|respon|remission|depress|mood|relief)",
                            re.IGNORECASE)
#: Lexicons (for the claim, against it) per effect kind read by :func:`_directional`.
#: Fewer events, less of something: a fall ("less suicidal ideation", "fewer attempts"), not "less than".
_DOWN = re.compile(rf"{_DOWN_STRICT.pattern}|\b(?:less|fewer)\b(?! than)", re.IGNORECASE)
#: Clinical benefit said without an improvement verb: "beat placebo", "separated from placebo", "anxiolytic effects".
_BENEFIT = re.compile(rf"{_BETTER.pattern}|\b(?:beat|outperform\w*|separated from|(?:antidepressant|anxiolytic|"
                      r"analgesic|anti-?suicidal|anti-?obsessional|therapeutic)(?:-like)? (?:effects?|actions?|"
                      r"respons\w+|properties|activity|benefits?))", re.IGNORECASE)
_DIRECTIONAL = {"up": (_UP_STRICT, _DOWN), "down": (_DOWN, _UP_STRICT), "better": (_BENEFIT, _WORSE)}
#: Weights: where a clause stands and what it names.
_W_CONCLUSION, _W_TITLE, _W_SCOPED, _W_HEDGED = 1.5, 0.5, 0.6, 0.7
_W_OUTCOME, _W_SENTENCE_OUTCOME, _W_SUBJECT = 1.0, 0.6, 0.4
#: A finding read the other way round: undoing a change against the claim is for it.
_FLIP = {"for": "against", "against": "for"}
#: Claim kinds read for the direction of an effect on the outcome.
_DIRECTIONAL_KINDS = ("up", "down", "better", "any", "lasting")
#: Claim kinds only the reading can judge: with no finding on them, the answer is ``unclear``.
_READER_KINDS = ("low_harm", "required", "lasting")
#: A minority reading at least this share of the main one makes the finding mixed.
_MIXED_SHARE = 0.25


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

    signal: str  # for, against, null, qualified (low_harm: mild/transient harm), or ""
    cue: str
    weight: float
    relevance: float
    sentence: str
    hedged: bool
    caveat: bool


@dataclass(frozen=True)
class _ClauseCues:
    """What a clause says whatever the claim."""

    text: str
    comparator: bool
    scoped: bool
    hours: bool
    caveat: bool
    anaphor: bool
    primary: bool


@lru_cache(maxsize=8192)
def _sentence(sentence: str) -> tuple[bool, bool, tuple[_ClauseCues, ...]]:
    """(hedged, names a primary endpoint, clauses) of a sentence (cached: read for many claims)."""
    clauses = tuple(
        _ClauseCues(c, bool(_COMPARATOR.search(c) and not _COMPARISON.search(c)),
                    bool(_LATER.search(c) or _SUBGROUP.search(c)),
                    bool(_HOURS.search(c)), bool(_CAVEAT.search(c)), bool(_ANAPHOR.search(c)),
                    bool(_PRIMARY.search(c)))
        for c in (part.strip() for part in _CLAUSE_SPLIT.split(_BUT_NOT_NAME.sub("", sentence)) if part) if c
    )
    return bool(_HEDGE.search(sentence)), bool(_PRIMARY.search(sentence)), clauses


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
    found = _LIMITED.search(clause)
    if found or timeframe == "early":
        return found
    return _BRIEF.search(clause)


@lru_cache(maxsize=16384)
def _directional(clause: str, effect: str, timeframe: str = "") -> tuple[str, str]:
    """(signal, cue) for up/down/better/any claims (cached: it depends on the claim's effect and time frame only).

    ``limited`` marks an effect for the claim that is partial: it faded, was
    small or brief, held in some patients only, or was inconsistent.
    """
    plain = _NOT_NEGATION.sub(" ", clause)
    qualify = timeframe != "lasting"
    faded = _FADED.search(plain) if qualify and timeframe != "early" else None
    if faded:
        return "limited", faded.group(0)
    insufficient = _INSUFFICIENT.search(plain)
    if insufficient:
        return "unclear", insufficient.group(0)
    caveat = _CAVEAT.search(plain) or _NULL.search(plain) or _ELLIPTIC_NOT.match(plain)
    if caveat:
        return "null", caveat.group(0)
    signal, cue = _effect_words(plain, effect)
    if not qualify or signal not in ("for", ""):
        return signal, cue
    effects = _SIDE_EFFECTS.sub(" ", plain)
    limited = _limited(effects, timeframe)
    if limited and (signal or _EFFECT_NOUN_RE.search(effects)) or _INCONSISTENT.search(effects):
        found = limited or _INCONSISTENT.search(effects)
        return "limited", f"{cue} ... {found.group(0)}" if cue else found.group(0)
    return signal, cue


def _effect_words(plain: str, effect: str) -> tuple[str, str]:
    """(signal, cue) from the effect words of a clause with no caveat (the first decides when both ways)."""
    undo = _unnegated(_UNDO, plain)
    if undo:
        # the change undone went one way, so the effect goes the other way (any undoing is a change, or relief)
        undone = "down" if undo[0].group("up") else "up"
        return ("against" if effect in ("up", "down") and undone != effect else "for"), undo[0].group(0)
    if effect == "any":
        found = _unnegated(_ANY_EFFECT, plain) + _unnegated(_UP_STRICT, plain) + _unnegated(_DOWN_STRICT, plain)
        negated = [m for m in _ANY_EFFECT.finditer(plain) if negated_at(plain, m.start())]
        if found:
            return "for", found[0].group(0)
        return ("null", negated[0].group(0)) if negated else ("", "")
    pro_re, con_re = _DIRECTIONAL["better" if effect == "lasting" else effect]
    pro, con = _unnegated(pro_re, plain), _unnegated(con_re, plain)
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
    cues = list(_MANIPULATION.finditer(clause))
    abolished = [m for m in _ABOLITION.finditer(clause) if not any(c.start() <= m.start() < c.end() for c in cues)]
    if not cues or not abolished:
        return clause
    for cue in cues:
        left = max(0, cue.start() - 25)
        near = clause[left: cue.end() + 25]
        mention = _found(agent, near)
        start, end = sorted((mention.start(), cue.start() - left)) if mention else (0, 0)
        if mention is None or _ABOLITION.search(near[start:end]):
            # not the agent, or the agent is what was abolished ("ketamine failed in knockout mice")
            return "".join(" " if any(m.start() <= i < m.end() for m in (*cues, *abolished)) else ch
                           for i, ch in enumerate(clause))
    return clause


def _harm_reading(clause: str, harm: re.Match[str], previous: tuple[re.Match[str], str] | None) -> str:
    """How a clause speaks of one harm word: ``found``, ``absent`` or ``measured`` (named as what was
    measured: "abuse liability was assessed", "rated drug liking"). ``previous`` is the harm word before
    it and its reading, which a list carries over ("no rise in liking or craving")."""
    before, after = clause[max(0, harm.start() - 40): harm.start()], clause[harm.end():]
    listed = previous is not None and previous[1] == "absent" and _LIST_LINK.match(
        clause[previous[0].end(): harm.start()])
    if listed or _HARM_ABSENT.search(before[-25:]):
        return "absent"
    if _HARM_MEASURED_AFTER.match(after) or _HARM_MEASURED_BEFORE.search(before):
        low, high = _HARM_LOW.search(before[-20:]), _HARM_HIGH.search(before[-20:])
        return "absent" if low else ("found" if high else "measured")
    return "found"


def _harm(clause: str, sentence: str, outcome: re.Pattern[str] | None) -> tuple[str, str]:
    """(signal, cue) for low-harm claims: found harm against, mild/transient or absent harm for."""
    readings: list[tuple[re.Match[str], str]] = []
    for m in outcome.finditer(clause) if outcome is not None else ():
        readings.append((m, _harm_reading(clause, m, readings[-1] if readings else None)))
    harms = [m for m, reading in readings if reading != "measured"]
    if _NONE_OF.match(clause):
        found = []  # "None of the patients showed misuse or dependence"
    else:
        found = [m for m, reading in readings if reading == "found"]
    qualifier = _HARM_QUALIFIER.search(sentence)
    if found:
        serious = _HARM_SERIOUS.search(sentence)
        if qualifier and not serious:
            return "qualified", f"{found[0].group(0)} ... {qualifier.group(0)}"
        return "against", found[0].group(0)
    if harms:
        return "for", harms[0].group(0)
    if qualifier and _HARM_QUALIFIER.search(clause):
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
    return any(not _AGENT_COMPARED.search(clause[max(0, m.start() - 15): m.start()]) for m in agent.finditer(clause))


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
    dependency = _near(_DEPENDENT, factor, clause)
    if dependency:
        return ("against" if _DEPENDENT_NOT.search(dependency.group(0)) else "for"), dependency.group(0)
    removal = _near(_NOT_FACTOR if spec.factor_blocks else _REMOVAL, factor, clause)
    reproduce = None
    if spec.factor_blocks:
        reproduce = _near(_REPRODUCE, factor, clause) or (
            None if _agent_acts(clause, patterns["agent"]) else _near(_BLOCKER, factor, clause))
    manipulation = removal or reproduce
    if manipulation is None and not carried:
        return "", ""
    rest = clause[: manipulation.start()] + " " + clause[manipulation.end():] if manipulation else clause
    cue = manipulation.group(0) if manipulation else carried
    intact, abolished = _INTACT.search(rest), _ABOLISHED.search(rest)
    present = _PRESENT.search(rest)
    if reproduce is None:
        if intact or (present and not abolished):
            return "against", f"{cue} ... {(intact or present).group(0)}"
        if abolished:
            return "for", f"{cue} ... {abolished.group(0)}"
        return "", ""
    abolished = abolished or _NULL.search(rest) or _CAVEAT.search(rest)
    limited = _limited(rest, spec.timeframe) if present or abolished else None
    if limited:
        return "limited", f"{cue} ... {limited.group(0)}"  # another blocker did a little: partly reproduced
    if abolished and not intact:
        return "against", f"{cue} ... {abolished.group(0)}"
    if present:
        return "for", f"{cue} ... {present.group(0)}"
    return "", ""


def _removal(clause: str, spec: ClaimSpec, factor: re.Pattern[str] | None) -> str:
    """A removal of the factor named in the clause (carried to the next clauses of the sentence), or ""."""
    found = _near(_REMOVAL, factor, clause) if not spec.factor_blocks else None
    return found.group(0) if found else ""


def _lasting(clause: str) -> tuple[str, str]:
    """(signal, cue) for durability claims: relapse against, sustained effect for."""
    relapse = _RELAPSE.search(clause)
    if relapse:
        return "against", relapse.group(0)
    sustained = _SUSTAINED.search(clause)
    if sustained and not negated_at(clause, sustained.start()):
        return "for", sustained.group(0)
    return "", ""


def _signal(clause: str, sentence: str, spec: ClaimSpec, patterns: dict[str, re.Pattern[str] | None],
            carried: str = "") -> tuple[str, str]:
    """The clause's signal for the claim's effect kind (``carried``: a removal named earlier in the sentence)."""
    if spec.effect == "low_harm":
        return _harm(clause, sentence, patterns["outcome"])
    if spec.effect == "required":
        return _required(clause, spec, patterns, carried)
    if spec.effect == "lasting":
        signal = _lasting(clause)
        if signal[0] or not _LATER.search(clause):
            return signal
        # an effect at a later time point ("still lower at 4 weeks") speaks to durability
        return _directional(clause, spec.effect, spec.timeframe)
    return _directional(clause, spec.effect, spec.timeframe)


def _read_clauses(spec: ClaimSpec, text: str) -> tuple[list[_Clause], bool]:
    """Every clause with a signal, and whether the text names the claim's subject or outcome at all."""
    patterns = {name: _compiled(getattr(spec, f"{name}_pattern")) for name in ("subject", "outcome", "agent",
                                                                             "other_outcome")}
    other_outcomes = spec.effect != "low_harm"
    lines = text.splitlines()
    title = lines[0].strip() if len(lines) > 1 else ""
    body, conclusion = split_conclusion(text)
    out: list[_Clause] = []
    speaks = False
    for position, sentence in [(0, s) for s in body if s == title] + [(1, s) for s in conclusion]:
        weight = _W_TITLE if title and sentence == title else (_W_CONCLUSION if position else 1.0)
        hedged, primary, clauses = _sentence(sentence)
        sentence_outcome = primary or bool(_found(patterns["outcome"], sentence))
        induced = ""  # which way a stressor moved the outcome, earlier in the sentence
        carried = ""  # a removal of the factor, earlier in the sentence (required-for claims)
        for cues in clauses:
            clause = cues.text
            subject = cues.anaphor or bool(_found(patterns["subject"], clause) or _found(patterns["agent"], clause))
            outcome = cues.primary or bool(_found(patterns["outcome"], clause))
            speaks = speaks or subject or outcome
            if cues.comparator and not subject:
                continue  # about the comparator alone: never decides
            if other_outcomes and not outcome and _found(patterns["other_outcome"], clause):
                continue  # about another outcome (anxiety, for a claim about depression): never decides
            if patterns["agent"] is None and spec.effect in _DIRECTIONAL_KINDS and _TREATMENT.search(clause):
                continue  # a treatment's effect, for a claim about the condition itself
            if spec.effect in _DIRECTIONAL_KINDS:
                if not subject and _INDUCER.search(clause):
                    induced = _directional(clause, spec.effect, spec.timeframe)[0]
                    continue  # what the stressor did sets the scene: it never decides
                clause = _without_mechanism_test(clause, patterns["agent"])
            scoped = cues.scoped
            if scoped and spec.timeframe == "early" and not cues.hours:
                continue  # a later time point is out of scope for an onset claim
            signal, cue = _signal(clause, sentence, spec, patterns, carried)
            if spec.effect == "required" and not signal:
                carried = carried or _removal(clause, spec, patterns["subject"])
            reversed_ = _REVERSED.search(clause) if spec.effect in _DIRECTIONAL_KINDS and not signal else None
            if reversed_ and (induced in _FLIP or spec.effect != "up" and spec.effect != "down"):
                # "ketamine reversed these changes": the other way from what the stressor did (relief, for others)
                signal, cue = _FLIP.get(induced, "for") if spec.effect in ("up", "down") else "for", reversed_.group(0)
            if not signal or (not outcome and clause[:8].lower() == "without "):
                continue  # nothing found, or "without altering locomotion": a check on another measure
            relevance = _W_OUTCOME if outcome else (_W_SENTENCE_OUTCOME if sentence_outcome else
                                                    (_W_SUBJECT if subject else 0.0))
            if spec.effect == "lasting" and not relevance and _LASTING_TOPIC.search(clause):
                relevance = _W_SUBJECT
            if not relevance:
                continue
            w = weight * relevance * (_W_SCOPED if scoped and spec.timeframe != "lasting" else 1.0)
            out.append(_Clause(signal, cue, w * (_W_HEDGED if hedged else 1.0), relevance, sentence, hedged,
                               signal == "null" and cues.caveat))
    return out, speaks


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
        conclusion (a ``CONCLUSION(S):`` section, else the last two sentences)
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
    context = bool(_CONTEXT_TEXT.search(text))
    if not clauses:
        if not speaks:
            return Reading("unclear", 0.6, "", "the text names neither the claim's subject nor its outcome")
        if spec.effect in _READER_KINDS or context:
            why = "a review or comment" if context else f"no {spec.effect.replace('_', ' ')} finding"
            return Reading("unclear", 0.4, "", f"{why}: nothing on the claim")
        return Reading(None, 0.0, "", "")
    direction, deciding = _decide(spec, clauses)
    best = max(deciding, key=lambda c: c.weight)
    share = sum(c.weight for c in deciding) / sum(c.weight for c in clauses) if direction != "mixed" else 0.5
    confidence = 0.35 + 0.6 * share * best.relevance
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
