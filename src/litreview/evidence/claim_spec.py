"""What a claim asserts, read for direction judgement: subject, effect, outcome, population, time frame.

A register claim already comes split into ``subject``, ``effect`` and
``outcome`` (:mod:`litreview.claims`); a plain-language claim ("Ketamine has a
low potential for abuse.", "Does ketamine lower cortisol?") is split here by
its verb phrase. Either way the result is a :class:`ClaimSpec` whose ``effect``
says how a finding bears on the claim:

==========  ===========================================================================
up, down    the outcome rises / falls (``increases``, ``activates``; ``decreases``, ``blocks``,
            and ``is_low`` about a level: "BDNF is low in depression")
better      the condition improves (``improves``; "relieves", "is effective for")
lasting     the improvement lasts ("long-lasting", "permanent", "for months")
low_harm    a harm is low or mild (``is_low`` about side effects, abuse, toxicity)
required    the subject is needed for the outcome (``mediates``; "is required for",
            "produces", "underlies")
any         any change counts (``modulates``; "is associated with", "affects")
==========  ===========================================================================

Claim-level attributes the register has no field for (durability, an early time
frame, a harm) are derived from the fields and the statement, never from the
claim's id. Nothing here changes :class:`~litreview.claims.Claim`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..corpus.sentences import split_sentences

#: Effects a :class:`ClaimSpec` can carry.
EFFECT_KINDS = ("up", "down", "better", "lasting", "low_harm", "required", "any")
#: Register effect -> spec effect before refinement (``low`` and ``better`` are refined by the claim's words).
_REGISTER_EFFECT = {"increases": "up", "activates": "up", "improves": "better", "decreases": "down",
                    "blocks": "down", "is_low": "low", "mediates": "required", "modulates": "any"}
#: Polarity the linear model's lexicons understand, per spec effect.
_MODEL_POLARITY = {"up": "up", "down": "down", "better": "better", "lasting": "better", "low_harm": "any",
                   "required": "required", "any": "any"}

_WORD = re.compile(r"[a-z0-9][a-z0-9\-]+")
_STOP = frozenset(
    "a an the of in on at to for with by from and or as is are was were be been being do does did can could "
    "should would will shall may might must has have had this that these those there their its it than then "
    "what which who whom whose when where why how whether not no any all some more less most least very into "
    "over under between among after before during about against patients patient study studies effect effects "
    "use used using versus vs levels level release activity symptoms symptom function normal compared people "
    "healthy treatment therapeutic doses dose within after weeks months hours".split()
)
#: Words too general to find a subject or outcome by ("receptor", "release", "serious").
_PATTERN_STOP = frozenset(
    "receptor receptors activity signalling signaling release formation composition markers marker systemic "
    "brain blockade activation serious lasting potential liability disorder disorders condition resistant "
    "regulatory approval system response stress mechanism role lateral "
    # general English that names no topic: a clause must name the claim's own subject and outcome
    "high higher new novel made make makes also other others show shows your you our get gets got just even "
    "only still well good bad best way ways thing things lot many much long help helps like such every "
    "everyone anyone person someone often always really actually take takes taking put puts need needs become "
    "becomes known say says said likely true false fact because since case cases but highly".split()
)
#: Harm words: a claim naming one of these with ``is_low`` (or "low", "mild", "minimal") is about harm.
_HARM_ABUSE = r"abus|addict|dependen|misuse|crav|reinforc|self-administ|liking|recreational|nonmedical|non-medical"
_HARM_ADVERSE = (r"side[- ]effect|adverse|toxic|harm|safety|safe\b|tolerab|cystitis|uropath|damage|injur|"
                 r"dissociat|psychotomim|risk")
_HARM = re.compile(rf"\b(?:{_HARM_ABUSE}|{_HARM_ADVERSE})", re.IGNORECASE)
_ABUSE = re.compile(rf"\b(?:{_HARM_ABUSE})", re.IGNORECASE)
_LOW = re.compile(r"\b(?:low|lower|little|minimal|minor|mild|negligible|rare|few|limited|small|transient|"
                  r"safe|well[- ]tolerated)\b", re.IGNORECASE)
_DURABLE = re.compile(r"\b(?:long[- ]lasting|lasting|lasts?|permanent\w*|durab\w+|sustain\w*|endur\w+|persist\w*|"
                      r"for (?:weeks|months|years)|weeks to months|months after|maintain\w*)\b", re.IGNORECASE)
_EARLY = re.compile(r"\b(?:within (?:hours|minutes|a day|\d+ h\w*)|(?:minutes|hours) after|in hours|"
                    r"immediately)\b", re.IGNORECASE)
_POPULATION = re.compile(
    r"\b(?:in|among|for|with) ((?:patients|people|adults|children|adolescents|individuals|subjects|veterans|"
    r"women|men|rats|mice|animals|humans|volunteers)(?: with [a-z\- ]+)?|(?:treatment-resistant |major |bipolar )?"
    r"depression(?:, [a-z]+)*(?: and [a-z]+)?|ptsd|post-traumatic stress disorder|"
    r"obsessive-compulsive disorder|ocd|anxiety(?: disorders?)?|chronic pain|therapeutic use)\b",
    re.IGNORECASE,
)
#: Words that stand for the intervention in a study that has already named it ("after the infusion").
ANAPHORS = (r"the (?:active )?(?:infusions?|drug|treatment|intervention|injections?|dose|compound)|"
            r"active (?:drug|treatment|arm|group)|(?<!-)treated (?:animals|mice|rats|patients|group)")
_OCD = r"obsess|ocd|y-bocs|compuls"
#: Outcome entry terms and abbreviations, per outcome word (MeSH entry terms, assay and scale names):
#: the one vocabulary the judge (claim patterns) and relevance (word groups) both read. Narrower than
#: the thesaurus below: each names the outcome itself, never a neighbouring one ("depression scores" are
#: not cognition).
OUTCOME_SYNONYMS = {
    "bipolar": r"bipolar|mania|manic", "depressive": r"depress|madrs|hdrs|ham-?d\b|bdi\b|qids",
    "depression": r"depress|madrs|hdrs|ham-?d\b|bdi\b|qids",
    "cortisol": r"cortisol|corticost|cort\b|glucocortic|hpa", "resistant": r"resistan|refractor|trd\b",
    "suicidal": r"suicid|c-ssrs|ssi\b|msss", "microbiome": r"microbio|bacteri|taxa|firmicut|bacteroid|lactobac",
    "burst": r"burst|habenul|lhb\b", "habenula": r"habenul|lhb\b", "default": r"default[- ]mode|dmn\b",
    "cognitive": r"cogni|memory|attention|executive|neurocogn|neuropsych", "glutamate": r"glutam|glx\b|mrs\b",
    "synapse": r"synap|spine|dendrit|sv2a", "formation": r"synap|spine|dendrit|sv2a|neurogen"}
#: Outcome words and the measures or synonyms a study reports them by (general domain knowledge:
#: rating scales and standard assays), as regex prefixes.
_THESAURUS = {
    "depre": r"depress|madrs|hdrs|ham-?d|bdi|qids|mood|antidepress|remission|remitt|respon",
    "antid": r"antidepress|depress|immobil|forced swim|despair|sucrose|madrs|hdrs|ham-?d|mood|remission|respon",
    "anxie": r"anxi|ham-?a|gad|panic|phobi",
    "ptsd": r"ptsd|caps|pcl|post-?traumatic|trauma",
    "suici": r"suicid|ssi|c-ssrs|self-harm",
    "pain": r"pain|analges|hyperalges|allodyn|nrs|vas|migraine|fibromyalg|crps",
    "cogni": r"cogni|memory|attention|executive|neurocogn",
    "infla": r"inflamm|il-?6|il-?1|tnf|crp|c-reactive|cytokin|microgli|interleukin|nf-?kb",
    "neuroinflam": r"neuroinflamm|microgli|astrocyt|cytokin|il-?6|il-?1|tnf",
    "corti": r"cortisol|corticost|acth|hpa",
    "bdnf": r"bdnf|[sp]bdnf|trkb|brain-derived",
    "gluta": r"glutam|glx",
    "synap": r"synap|spine|dendrit|neurogen",
    "neurogen": r"neurogen|prolifer|brdu|newborn neuron",
    "neuroplast": r"plastic|synap|spine|dendrit",
    "micro": r"microbio|microbiota|bacteri|taxa|gut",
    "defau": r"default[- ]mode|dmn|connectiv",
    "nmda": r"nmda|glun|nr2b|n-methyl",
    "ampa": r"ampa|glua|nbqx",
    "habe": r"habenul|burst",
    "burst": r"burst|habenul",
    "abuse": _HARM_ABUSE,
    "addic": _HARM_ABUSE,
    "adver": _HARM_ADVERSE + r"|nausea|dizz|blood pressure|hypertens|deficit|impair",
    "side": _HARM_ADVERSE + r"|nausea|dizz|blood pressure|hypertens|deficit|impair",
    "obses": _OCD,
    "ocd": _OCD,
    "bipol": r"bipolar|mania|manic|depress|madrs",
}
#: Outcome domains a finding can be about, as regex prefixes. A clause that names a domain the claim
#: does not (depression ratings, for a claim about OCD) reports another outcome and does not decide.
DOMAINS = {
    "depression": r"depress|madrs|hdrs|ham-?d\b|bdi\b|qids|antidepress",
    "anxiety": r"anxi|ham-?a\b|panic|phobi",
    "ptsd": r"ptsd|post-?traumatic",
    "ocd": r"obsess|ocd\b|y-?bocs|compuls",
    "suicide": r"suicid",
    "pain": r"pain\b|painful|analges|allodyn|hyperalges|migraine",
    "cognition": r"cogni|memory|attention\b|executive func",
    "dissociation": r"dissociat|psychotomim|hallucinat",
    "behaviour": r"immobil|forced[- ]swim|sucrose|anhedon",
    "inflammation": r"inflamm|il-?6|il-?1|tnf|crp\b|c-reactive|cytokin|interleukin",
    "cortisol": r"cortisol|corticost|acth\b",
    "bdnf": r"bdnf|[sp]bdnf|trkb|brain-derived",
    "glutamate": r"glutam|glx\b",
    "synapse": r"synap|spines?\b|dendrit|neurogen",
    "microbiota": r"microbio|bacteri|taxa\b",
    "cardiovascular": r"blood pressure|heart rate|hypertens|tachycard",
}
#: Required-for phrasings of a plain claim, subject first ("X is required for Y") or outcome first.
_REQUIRED = re.compile(
    r"\b(?:(?:is|are) (?:what |the mechanism that )?(?:required|necessary|needed|essential|critical|crucial|"
    r"indispensable)(?: for| to)?|mediates?|underl(?:ies|ie)|(?:is|are) what produces?|produces?|drives?|"
    r"accounts? for|(?:is|are) responsible for|is needed for)\b", re.IGNORECASE)
_DEPENDS = re.compile(r"\b(?:depends? on|requires?|is mediated by|are mediated by|relies on)\b", re.IGNORECASE)
_UP_VERB = re.compile(r"\b(?:increas\w*|rais\w*|elevat\w*|enhanc\w*|augment\w*|boost\w*|upregulat\w*|activat\w*|"
                      r"stimulat\w*|potentiat\w*|triggers?|induc\w*|promot\w*|leads? to|(?:is|are) overactive|"
                      r"(?:is|are) higher)\b", re.IGNORECASE)
#: Everyday verbs of a plain statement beyond the lexicons above: what cures a condition (``better``) and
#: what puts people at risk (``any``: "are at high risk", "is linked to"). "Spreads", "kills", "stops" and the
#: main verb group ("can be", "are") were tried as splits and dropped (docs/scoring.md, Rounds 9a and 9c).
_PLAIN_BETTER = re.compile(r"\b(?:cur(?:e|es|ed|ing)|works? against|heal(?:s|ed)?)\b", re.IGNORECASE)
_PLAIN_ANY = re.compile(r"\b(?:(?:is|are|be) (?:at|in) (?:\w+ )?risk|dangerous|linked to|tied to)\b",
                        re.IGNORECASE)
_DOWN_VERB = re.compile(r"\b(?:decreas\w*|reduc\w*|lower\w*|diminish\w*|attenuat\w*|inhibit\w*|suppress\w*|"
                        r"downregulat\w*|blocks?|blocking|antagoniz\w*|prevents?|blunts?|calms?|quiets?|"
                        r"(?:is|are) (?:lower|low|reduced|deficient))\b",
                        re.IGNORECASE)
_BETTER_VERB = re.compile(r"\b(?:improv\w*|relie\w*|alleviat\w*|eas(?:es|ed|e)\b|"
                          r"(?:is|are) (?:effective|efficacious|beneficial|"
                          r"useful)|benefits?|helps?|treats?|works? for)\b", re.IGNORECASE)
_ANY_VERB = re.compile(r"\b(?:modulat\w*|chang\w*|alter\w*|affect\w*|influenc\w*|(?:is|are|was|were) associated|"
                       r"associated|correlat\w*|related|linked|predict\w*|differ\w*)\b", re.IGNORECASE)
_HAS_VERB = re.compile(r"\b(?:has|have|had|carries|carry|shows?|is|are)\b", re.IGNORECASE)
_QUESTION_LEAD = re.compile(r"^\s*(?:does|do|did|is|are|was|were|can|could|should|will|would|has|have)\s+",
                            re.IGNORECASE)
_NEG_Q = re.compile(r"\b(?:not|no|n't|without|never)\b", re.IGNORECASE)
#: A plain statement that denies an effect ("X does not cause Y", "there is no evidence that X works").
_DENIES = re.compile(r"\b(?:not|no|never|cannot|nothing|neither|nor)\b|n't\b|\b(?:un|in)(?:likely|effective)\b",
                     re.IGNORECASE)
_DIFF_Q = re.compile(r"\b(?:differ\w*|distinct|same|vary|varies|change\w*|influence\w*|affect\w*|impact\w*)\b",
                     re.IGNORECASE)
_SAME_Q = re.compile(r"\b(?:same|similar|equal\w*|equivalent|identical|interchangeabl\w+|replace\w*|substitut\w+|"
                     r"as (?:good|effective|safe|accurate) as)\b", re.IGNORECASE)
_NEED_Q = re.compile(r"\b(?:need\w*|necessary|required?|always|really|routine\w*|justified|worth\w*|still|"
                     r"mandatory|indicated|obligatory)\b", re.IGNORECASE)
_FACTOR_ACTION = re.compile(r"\b(?:blockade|block\w*|antagonis\w*|antagoniz\w*|inhibit\w*)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ClaimSpec:
    """A claim read for direction judgement.

    Attributes
    ----------
    subject, outcome : str
        What acts and what it acts on ("ketamine", "cortisol release"). For a
        ``required`` claim the subject is the factor ("NMDA receptor blockade")
        and the outcome the effect that needs it ("ketamine's antidepressant effect").
    effect : str
        One of :data:`EFFECT_KINDS`.
    population : str
        The population the claim names ("depression", "patients with PTSD"), or "".
    timeframe : str
        ``early`` (the claim is about onset: "within hours"), ``lasting``
        (about durability) or "".
    statement : str
        The claim as written.
    harm : str
        For ``low_harm``: ``abuse`` (abuse, addiction, dependence) or ``adverse``
        (side effects, toxicity); "" otherwise.
    factor_blocks : bool
        For ``required``: the factor is itself a blockade ("NMDA receptor
        blockade"), so another blocker reproduces it rather than removing it.
    subject_pattern, outcome_pattern, agent_pattern : str
        Regex alternations (word prefixes, synonyms, rating scales) that find
        the subject, the outcome and the intervention in a text.
    scope_pattern : str
        Regex for what a sentence must name to state the claim's finding when
        the claim names a comparison ("lower than in healthy people": controls,
        placebo, "compared with") or an onset time frame ("within hours"), else "".
        A conclusion that names neither is about another question
        (:func:`~litreview.evidence.reading.read_claim`).
    agent : str
        The review's intervention when the claim names it ("ketamine"), else "".
    other_outcomes : frozenset of str
        The outcome domains (:data:`DOMAINS`: depression, pain, cognition,
        cytokines, ...) the claim does not name: a clause about one of them
        reports another outcome.
    stems : frozenset of str
        Content-word stems the linear model's relevance features use.
    outcome_filter : frozenset of str
        Outcome stems the linear model requires in a sentence before it counts
        its effect words (register claims only: a plain sentence's split is a guess).
    question : bool
        The claim is a yes/no question ("Does ketamine lower cortisol?"): it
        asks, it does not assert an effect.
    negated, asks_difference, asks_same, asks_need : bool
        Question cues of a plain-language claim (PubMedQA-style questions).
    denies : bool
        A plain-language statement that denies an effect ("Animals do not
        spread the virus", "There is no evidence that X works"): a finding of
        no effect supports it, an effect contradicts it.
    register : bool
        A register claim: its subject, effect and outcome come split (a plain
        sentence's split is a guess: "X can prevent Y" reads as ``down``).
    """

    subject: str
    effect: str
    outcome: str
    population: str = ""
    timeframe: str = ""
    statement: str = ""
    harm: str = ""
    factor_blocks: bool = False
    subject_pattern: str = ""
    outcome_pattern: str = ""
    agent_pattern: str = ""
    scope_pattern: str = ""
    agent: str = ""
    other_outcomes: frozenset[str] = frozenset()
    stems: frozenset[str] = frozenset()
    outcome_filter: frozenset[str] = frozenset()
    question: bool = False
    negated: bool = False
    asks_difference: bool = False
    asks_same: bool = False
    asks_need: bool = False
    denies: bool = False
    register: bool = False

    @property
    def polarity(self) -> str:
        """The direction the linear model's lexicons read: ``up``, ``down``, ``better``, ``required`` or ``any``."""
        return _MODEL_POLARITY[self.effect]


def stem(word: str) -> str:
    """Crude stem: the first five letters (enough to match ``increased``/``increases``)."""
    return word[:5]


def stems(text: str) -> set[str]:
    """Content-word stems of a text (no stop words, at least three letters)."""
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def pattern_words(text: str) -> list[str]:
    """Words that can find a phrase in a text: hyphenated parts apart, no stop or general words.

    Parameters
    ----------
    text : str
        A claim, or a part of one (its subject or outcome).

    Returns
    -------
    list of str
        Lower-case words of three letters or more, in order, without stop words or words too
        general to name a topic ("receptor", "high", "new").
    """
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s ", " "))
    return [w for w in words if len(w) > 2 and w not in _STOP and w not in _PATTERN_STOP]


def _pattern(text: str, exclude: frozenset[str] = frozenset(), agents: tuple[str, ...] = ()) -> str:
    """Regex alternation of a phrase's word prefixes, the agent's other names and thesaurus synonyms.

    ``agents`` is the review's intervention: its name, then the names under which
    a study still tests a claim about it (see :attr:`Claim.agents`).
    """
    parts: list[str] = []
    for word in pattern_words(text):
        if stem(word) in exclude:
            continue
        parts.append(re.escape(stem(word)))
        if agents and word == agents[0]:
            parts.extend(re.escape(alias) for alias in agents)
        parts.extend(synonyms for key, synonyms in _THESAURUS.items() if word.startswith(key))
        parts.extend(synonyms for key, synonyms in OUTCOME_SYNONYMS.items() if word == key)
    return "|".join(dict.fromkeys(parts))


def _agent(text: str, agents: tuple[str, ...]) -> str:
    """The intervention a claim names (``agents[0]`` when the text has it as a word), or ""."""
    return agents[0] if agents and agents[0] in pattern_words(text) else ""


def _population(*texts: str) -> str:
    """The population a claim names ("depression", "patients with PTSD"), or ""."""
    for text in texts:
        found = _POPULATION.search(text)
        if found:
            return found.group(1).strip()
    return ""


def _other_outcomes(*texts: str) -> frozenset[str]:
    """The outcome domains none of ``texts`` (claim words and patterns) names."""
    named = " ".join(texts).lower()
    return frozenset(name for name, p in DOMAINS.items() if not re.search(rf"\b(?:{p})", named))


def _refine_effect(effect: str, subject: str, outcome: str, statement: str) -> tuple[str, str]:
    """(effect, harm): "is low" about a harm becomes ``low_harm`` (about a level, ``down``);
    improvement that lasts becomes ``lasting``."""
    about = f"{subject} {outcome}"
    if effect == "low":
        if _HARM.search(about) or _HARM.search(statement):
            return "low_harm", "abuse" if _ABUSE.search(about) or _ABUSE.search(statement) else "adverse"
        return "down", ""
    if effect == "better" and (_DURABLE.search(outcome) or _DURABLE.search(statement)):
        return "lasting", ""
    return effect, ""


def _timeframe(effect: str, outcome: str, statement: str) -> str:
    """``lasting`` for durability claims, ``early`` for onset claims, else ""."""
    if effect == "lasting":
        return "lasting"
    return "early" if _EARLY.search(outcome) or _EARLY.search(statement) else ""


#: A claim that compares with a reference group ("lower than in healthy people", "versus placebo").
_COMPARES = re.compile(r"\b(?:than|compared (?:with|to)|versus|vs\.?|relative to)\s+(?:in\s+|with\s+|those\s+)?"
                       r"(?:the\s+)?(?:normal|healthy|controls?|placebo|non-?\w+|general population)", re.IGNORECASE)
#: What a sentence names when it states such a comparison: the reference group or the comparison itself.
_COMPARISON_SCOPE = (r"healthy|controls?\b|control (?:group|subjects|participants)|placebo|sham|saline|vehicle|"
                     r"non-?(?:depressed|psychiatric|clinical)|than\b|compared (?:with|to)|versus|vs\b|relative to")
#: What a sentence names when it states an onset: a time in hours or minutes, a first day, rapidity.
_ONSET_SCOPE = (r"\d+\s*(?:h|hrs?|hours?|min\w*)\b|hours?\b|minutes?\b|within\b|first (?:day|\d+)|day 1\b|"
                r"acute\w*|rapid\w*|immediate\w*")


def _scope(timeframe: str, outcome: str, statement: str) -> str:
    """Regex of what a sentence must name to state the claim's finding (comparison, onset), or ""."""
    parts = [_COMPARISON_SCOPE] if _COMPARES.search(outcome) or _COMPARES.search(statement) else []
    parts += [_ONSET_SCOPE] if timeframe == "early" else []
    return "|".join(parts)


def _build(subject: str, effect: str, outcome: str, statement: str, register: bool, terms: str = "",
           agents: tuple[str, ...] = ()) -> ClaimSpec:
    """Assemble a spec from its parts (shared by register and plain-language claims).

    ``terms`` are the register's outcome terms and surrogates: domains they name are the claim's own.
    """
    effect, harm = _refine_effect(effect, subject, outcome, statement)
    agent = _agent(f"{subject} {outcome}", agents) or _agent(statement, agents)
    agent_pattern = _pattern(agent, agents=agents) if agent else ""
    agent_stems = frozenset({stem(agent)}) if agent else frozenset()
    subject_pattern = _pattern(subject, agents=agents) or agent_pattern
    if effect == "low_harm":
        # the harm is what a finding is about, whatever words the claim wraps it in
        outcome_pattern = _HARM_ABUSE if harm == "abuse" else f"{_THESAURUS['adver']}|{_HARM_ABUSE}"
    else:
        # "ketamine's antidepressant effect": the outcome is the effect, ketamine is the agent
        outcome_pattern = _pattern(outcome, exclude=agent_stems if subject.strip() else frozenset(), agents=agents)
    outcome_pattern = outcome_pattern or subject_pattern
    question = statement.rstrip().endswith("?")
    timeframe = _timeframe(effect, outcome, statement)
    return ClaimSpec(
        subject=subject.strip(), effect=effect, outcome=outcome.strip(),
        population=_population(statement, subject, outcome), timeframe=timeframe,
        statement=statement, harm=harm, factor_blocks=effect == "required" and bool(_FACTOR_ACTION.search(subject)),
        subject_pattern=subject_pattern, outcome_pattern=outcome_pattern,
        agent_pattern=agent_pattern, scope_pattern=_scope(timeframe, outcome, statement),
        agent=agent,
        other_outcomes=_other_outcomes(statement, subject, outcome, subject_pattern, outcome_pattern, terms),
        stems=frozenset(stems(f"{subject} {outcome}") if register else stems(statement)),
        outcome_filter=frozenset(stems(outcome)) if register else frozenset(),
        question=not register and question,
        negated=not register and bool(_NEG_Q.search(statement)),
        asks_difference=not register and bool(_DIFF_Q.search(statement)),
        asks_same=not register and question and bool(_SAME_Q.search(statement)),
        asks_need=not register and question and bool(_NEED_Q.search(statement)),
        denies=not register and not question and denies_effect(statement),
        register=register,
    )


#: A lead-in that reports a statement instead of making it ("Researchers have found that", "There is no
#: evidence that", "It is wrong to say that"): the statement is what follows.
_LEAD_IN = re.compile(r"^[^.;:?]{0,80}?\b(?:found|shown|shows?|showed|suggests?|suggested|believes?|believed|"
                      r"says?|said|known|clear|evidence|confirmed|reports?|reported|thinks?|thought|true|claims?|"
                      r"claimed|indicates?|indicated|myth|likely)\s+that\s+", re.IGNORECASE)
#: A relative clause ("who are infected", "that causes the disease") belongs to its noun: it runs to the
#: main verb group (a modal, "is", "are", "appears") or a comma.
_RELATIVE = re.compile(r"\b(?:who|which|that|whose)\s+\S+.*?(?=\s(?:can|could|may|might|will|would|should|must|"
                       r"cannot|can't|won't|is|are|was|were|appears?|seems?)\b|[,;]|$)", re.IGNORECASE)
#: A subordinate or contrasting clause ("even if they have no symptoms", "but not as fast as"): not the main one.
_SUBORDINATE = re.compile(r"\b(?:even if|if|unless|whether|when|although|though|because|while|but not|rather than)\b"
                          r"[^,;]*", re.IGNORECASE)
#: A comparison ("not as fast as") or a share ("not all", "not only"): a negation that denies nothing.
_NOT_A_DENIAL = re.compile(r"\bnot (?:as|so) \w+(?: \w+)? as\b|\bnot (?:all|every|only|just)\b", re.IGNORECASE)
#: A statement followed by its own answer ("X kills Y. No, ...", "Does X kill Y? No").
_ANSWER_NO = re.compile(r"[.?!]\s*No\b")


def main_statement(text: str) -> tuple[str, str]:
    """The statement a plain claim makes, with its reporting lead-in set apart.

    Parameters
    ----------
    text : str
        A plain-language claim, possibly several sentences long.

    Returns
    -------
    tuple of str
        ``(lead_in, statement)``: the first sentence's reporting lead-in ("Researchers have found
        that ", or "") and the rest of that sentence, without its final punctuation.

    Examples
    --------
    >>> main_statement("Studies have shown that zinc shortens colds. It is cheap.")
    ('Studies have shown that ', 'zinc shortens colds')
    """
    first = next(iter(split_sentences(text.strip())), "").rstrip("?.! ")
    lead = _LEAD_IN.match(first)
    return (lead.group(0), first[lead.end():]) if lead else ("", first)


def _masked(body: str) -> str:
    """``body`` with its relative and subordinate clauses, comparisons and shares blanked out (same length)."""
    for regex in (_SUBORDINATE, _RELATIVE, _NOT_A_DENIAL):
        body = regex.sub(lambda m: " " * len(m.group(0)), body)
    return body


def denies_effect(text: str) -> bool:
    """True when a plain statement denies its effect.

    Parameters
    ----------
    text : str
        A plain-language claim.

    Returns
    -------
    bool
        True for a negated main clause or reporting lead-in ("X does not
        cause Y", "There is no evidence that X works") or a "No" answer after
        the statement; False when every negation stands in a relative or
        subordinate clause, a comparison or a share ("people who do not
        smoke", "not all masks", "not as fast as").

    Examples
    --------
    >>> denies_effect("Drug X does not lower blood pressure."), denies_effect("People who do not smoke live longer.")
    (True, False)
    """
    lead, body = main_statement(text)
    return bool(_DENIES.search(lead) or _DENIES.search(_masked(body)) or _ANSWER_NO.search(text))


def _split_plain(text: str) -> tuple[str, str, str]:
    """(subject, effect, outcome) of a plain-language statement or yes/no question.

    A statement is read by its first sentence, after a reporting lead-in ("Researchers have found that");
    "cures", "works against" read as ``better``, "are at high risk", "is linked to" as ``any``.
    """
    question = text.rstrip().endswith("?")
    body = _QUESTION_LEAD.sub("", text.strip().rstrip("?.! ")) if question else main_statement(text)[1]
    harm = _HARM.search(body)
    if harm and _LOW.search(body) and not _BETTER_VERB.search(body):
        verb = _HAS_VERB.search(body)
        if verb and verb.start() < harm.start():
            return body[: verb.start()], "low", body[verb.end():]
        return "", "low", body
    depends = _DEPENDS.search(body)
    if depends:
        return body[depends.end():], "required", body[: depends.start()]
    lexicons = [("required", _REQUIRED), ("up", _UP_VERB), ("down", _DOWN_VERB), ("better", _BETTER_VERB)]
    if not question:
        lexicons.append(("better", _PLAIN_BETTER))
    candidates = []
    for effect, regex in lexicons:
        found = regex.search(body)
        if found:
            candidates.append((found.start(), effect, found))
    durable = _DURABLE.search(body)
    if durable and not any(effect in ("up", "down", "required") for _, effect, _ in candidates):
        # "the response lasts for months": an improvement that lasts
        return body[: durable.start()], "better", body
    if not candidates:
        # "is associated with", "affects", "are at risk": any change counts
        for regex in (_ANY_VERB,) if question else (_ANY_VERB, _PLAIN_ANY):
            found = regex.search(body)
            if found and found.start() > 0:
                return body[: found.start()], "any", body[found.end():]
        return body, "any", ""
    if any(effect == "better" for _, effect, _ in candidates) and _DURABLE.search(body):
        _, effect, found = next(c for c in candidates if c[1] == "better")
    else:
        # "AMPA activation is required for ...": a requirement outranks the verbs inside its subject
        required = [c for c in candidates if c[1] == "required"]
        _, effect, found = required[0] if required else min(candidates, key=lambda c: c[0])
    return body[: found.start()], effect, body[found.end():]


@lru_cache(maxsize=512)
def _parse_register(subject: str, effect: str, outcome: str, statement: str, terms: str,
                    agents: tuple[str, ...]) -> ClaimSpec:
    """Spec of a register claim (cached: every record is judged against the same claims)."""
    return _build(subject, _REGISTER_EFFECT.get(effect, "any"), outcome, statement, True, terms, agents)


@lru_cache(maxsize=2048)
def _parse_plain(text: str, agents: tuple[str, ...]) -> ClaimSpec:
    """Spec of a plain-language claim (cached)."""
    subject, effect, outcome = _split_plain(text)
    return _build(subject, effect, outcome, text, False, agents=agents)


def parse_claim(claim: Any, agents: tuple[str, ...] = ()) -> ClaimSpec:
    """Read a claim for direction judgement.

    Parameters
    ----------
    claim : Claim, ClaimSpec or str
        A register claim (its ``subject``, ``effect``, ``outcome`` and
        ``statement`` are read, and its ``outcome_terms`` and ``surrogates``
        widen the outcomes it is about), a spec already parsed, or a
        plain-language statement or yes/no question.
    agents : tuple of str
        For a plain-language claim: the intervention's name, then its other
        names (lower case); a register claim carries its own (``Claim.agents``).

    Returns
    -------
    ClaimSpec

    Examples
    --------
    >>> spec = parse_claim("Ketamine has a low potential for abuse.")
    >>> spec.effect, spec.harm, spec.subject
    ('low_harm', 'abuse', 'Ketamine')
    >>> parse_claim("NMDA receptor blockade produces ketamine's antidepressant effect.").effect
    'required'
    """
    if isinstance(claim, ClaimSpec):
        return claim
    if isinstance(claim, str):
        return _parse_plain(claim, tuple(a.lower() for a in agents))
    terms = " ".join((*claim.outcome_terms, *claim.surrogates))
    return _parse_register(claim.subject, claim.effect, claim.outcome, claim.statement, terms, claim.agents)
