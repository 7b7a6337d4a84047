"""Extraction with evidence spans: what a title and abstract state about one study, for one claim.

:func:`extract` reads a record's title and abstract (never a curator's field)
and returns an :class:`Extraction`: design features (randomised, blinding,
control type; for a review: systematic search and the number of included
studies), population (species, the patients' condition or healthy people),
intervention (which of the review's names for it the text uses: the
intervention itself or an alias such as an enantiomer or a brand; route;
single or repeated dosing), comparator, outcome with
instrument and time point, n randomised and analysed, an effect estimate with
its 95% CI and the per-arm risks of a dichotomous outcome (both read by
:func:`litreview.evidence.effects.find_effect`, the outcome's sentences
first), and a review's own certainty *for the claim's outcome*. Every
value is a :class:`Found`: the value and the character span of the sentence
it came from in ``title + "\\n" + abstract``. What the text does not state
stays None: nothing is guessed.

Every cue is a regular expression here, so a reviewer can see why a value was
read; :func:`extraction_columns` flattens an extraction into the ``x_*``
columns of ``studies.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache

from ..corpus.claims import Claim
from ..corpus.records import Article
from ..corpus.sentences import sentence_spans
from .classification import _NUMBER, _parse_number
from .design_cues import DOUBLE_BLIND, OPEN_LABEL, PLACEBO, RANDOMISED, SINGLE_BLIND, SYSTEMATIC_SEARCH
from .effects import find_effect

__all__ = [
    "Found",
    "Extraction",
    "EXTRACTION_FIELDS",
    "extract",
    "review_certainty",
    "outcome_pattern",
    "extraction_columns",
]

_I = re.IGNORECASE
_ACTIVE_PLACEBO = re.compile(r"\bactive placebo\b|\bmidazolam\b", _I)
_ACTIVE = re.compile(r"\b(?:versus|vs\.?|compared (?:with|to)) (?:electroconvulsive|ECT\b|escitalopram|"
                     r"electroconvulsive therapy|an? active comparator|standard (?:care|treatment))|"
                     r"\bactive (?:comparator|control)\b", _I)
_NO_CONTROL = re.compile(r"\bsingle[- ]arm\b|\buncontrolled\b|\bno control group\b|\bcase series\b|"
                         r"\bopen[- ]label,? (?:single|non-?randomi[sz]ed|uncontrolled)", _I)
_INCLUDED = re.compile(
    rf"\b(?:included|identified|pooled|analy[sz]ed|meta-analy[sz]ed|comprised?|of)\s+({_NUMBER})\s+"
    rf"(?:\w+\s+){{0,2}}(?:RCTs|trials|studies|articles|reports)\b"
    rf"|\b({_NUMBER})\s+(?:\w+\s+){{0,3}}(?:RCTs|trials|studies|articles)\s+"
    rf"(?:were |was )?(?:included|identified|met|involving|with|comprising|pooled|eligible)", _I)
_SPECIES = (("human", re.compile(r"\b(?:patients?|participants?|volunteers?|adults|adolescents|children|humans?|"
                                 r"women|men|veterans|individuals|subjects)\b", _I)),
            ("mouse", re.compile(r"\b(?:mice|mouse|murine)\b", _I)),
            ("rat", re.compile(r"\brats?\b", _I)),
            ("monkey", re.compile(r"\b(?:monkeys?|macaques?|primates?)\b", _I)),
            ("cells", re.compile(r"\bin vitro\b|\bcultured\b|\bcell lines?\b|\bslices?\b|\boocytes?\b", _I)))
_CONDITION = re.compile(
    r"\b(?:treatment[- ]resistant depression|major depressive disorder|major depression|bipolar depression|"
    r"bipolar disorder|post-?traumatic stress disorder|PTSD|obsessive[- ]compulsive disorder|OCD|"
    r"suicidal ideation|depression|depressive disorder|chronic pain|alcohol use disorder|cocaine use disorder|"
    r"schizophrenia|anxiety disorder|TRD|MDD)\b", _I)
_HEALTHY = re.compile(r"\bhealthy (?:\w+ )?(?:volunteers|subjects|participants|adults|men|women|individuals|controls)\b",
                      _I)
_ROUTES = (("intranasal", re.compile(r"\bintranasal\w*\b|\bnasal spray\b", _I)),
           ("intravenous", re.compile(r"\bintravenous\w*\b|\bi\.v\.|\biv (?:infusion|bolus)|\binfusions?\b", _I)),
           ("oral", re.compile(r"\boral(?:ly)?\b", _I)),
           ("intramuscular", re.compile(r"\bintramuscular\w*\b|\bi\.m\.", _I)),
           ("subcutaneous", re.compile(r"\bsubcutaneous\w*\b", _I)),
           ("intraperitoneal", re.compile(r"\bintraperitoneal\w*\b|\bi\.p\.", _I)))
_REPEATED = re.compile(r"\brepeated\b|\bserial\b|\bmultiple (?:doses|infusions|injections)\b|\btwice[- ]weekly\b|"
                       r"\b(?:two|three|four|five|six|eight|\d+) (?:\w+ )?(?:infusions|doses|sessions|injections)\b|"
                       r"\bweekly\b|\bmaintenance\b", _I)
_SINGLE_DOSE = re.compile(r"\bsingle (?:\w+ )?(?:dose|infusion|injection|administration)\b", _I)
_INSTRUMENT = re.compile(
    r"\b(?:MADRS|Montgomery[- ]\w+ Depression Rating Scale|HAM-?D(?:-?\d+)?|HDRS|Hamilton Depression Rating Scale|"
    r"BDI|Beck Depression Inventory|QIDS(?:-SR)?|BPRS|CADSS|C-SSRS|SSI|Scale for Suicidal Ideation|"
    r"Y-?BOCS|CGI(?:-[SI])?|PANSS|BSS|forced swim(?:ming)? test|sucrose preference|tail suspension test|"
    r"novelty[- ]suppressed feeding)\b", _I)
_TIME = re.compile(rf"\b(?:at|within|after|by|on|through|over)\s+(?:day\s+\d+|(?:{_NUMBER}|\d+)\s*"
                   r"(?:minutes?|min|hours?|h|days?|weeks?|months?))\b|\b\d+\s*(?:h|hours?|days?|weeks?)\s+"
                   r"(?:after|post)\b|\bday \d+\b", _I)
_COUNT = re.compile(rf"(?<![\d.,])\b({_NUMBER})\s+(?:\w+[ -]){{0,3}}?(?:patients|participants|subjects|adults|"
                    r"individuals|volunteers|veterans|people|men|women|children|adolescents|outpatients|inpatients|"
                    r"mice|rats|animals)\b", _I)
_N_EQUALS = re.compile(r"\b[Nn]\s*=\s*(\d[\d,]*)")
_RANDOMISED_VERB = re.compile(r"\brandomi[sz]ed\b|\brandomly\b|\benrolled\b|\brecruited\b|\bincluded\b|\bassigned\b", _I)
_ANALYSED_VERB = re.compile(r"\bcompleted\b|\banaly[sz]ed\b|\bevaluable\b|\banalysis included\b", _I)
#: A count inside a subgroup ("of whom 12", "among responders") is not the study's n.
_SUBGROUP = re.compile(r"\b(?:of whom|of these|of them|among (?:them|these|the|responders)|subgroup|subset|"
                       r"responders|remitters|completers?)\b[^.;]{0,40}$", _I)
_LEVEL = r"(very low|low|moderate|high)"
_CERTAINTY_NOUN = r"(?:certainty|quality|confidence)(?: of (?:the )?evidence)?"
_CERTAINTY_PAIRS = re.compile(
    rf"\b{_LEVEL}[- ]{_CERTAINTY_NOUN}\b(?P<after>[^.;]*)"
    rf"|\b{_CERTAINTY_NOUN}\s+(?:was|were|is|as|rated|judged|\s)*{_LEVEL}\b(?P<after2>[^.;]*)", _I)
_LEVEL_FOR = re.compile(rf"\b{_LEVEL}\b(?:[- ]{_CERTAINTY_NOUN})?\s+(?:for|in|on|regarding)\s+"
                        rf"([^,;.]*?)(?=\s+(?:and|but)\s+(?:very low|low|moderate|high)\b|[,;.]|$)", _I)


@dataclass(frozen=True)
class Found:
    """One extracted value and the sentence (character span) of the text it came from.

    Attributes
    ----------
    value : str, int or bool
        What was read.
    start, end : int
        The sentence's span in the text (``title + "\\n" + abstract``).
    """

    value: str | int | bool
    start: int
    end: int


@dataclass(frozen=True)
class Extraction:
    """What a record's text states about the study, for one claim; None where it states nothing."""

    randomised: Found | None = None
    blinding: Found | None = None
    control: Found | None = None
    systematic_search: Found | None = None
    included_studies: Found | None = None
    species: Found | None = None
    condition: Found | None = None
    healthy: Found | None = None
    intervention: Found | None = None
    route: Found | None = None
    dosing: Found | None = None
    comparator: Found | None = None
    outcome: Found | None = None
    instrument: Found | None = None
    time_point: Found | None = None
    n_randomised: Found | None = None
    n_analysed: Found | None = None
    effect: Found | None = None
    arms: Found | None = None
    review_certainty: Found | None = None


#: Field names of :class:`Extraction`, in order.
EXTRACTION_FIELDS = tuple(f.name for f in fields(Extraction))


def _first(regex: re.Pattern[str], spans: Sequence[tuple[int, int, str]], value: object = None) -> Found | None:
    """The first sentence the regex matches, with ``value`` (or the matched text)."""
    for start, end, sentence in spans:
        if match := regex.search(sentence):
            return Found(value if value is not None else match.group(0), start, end)
    return None


def _terms(text: str, agents: Sequence[str] = ()) -> list[str]:
    """Content words (5+ letters) of a phrase, as word-start stems; the intervention's names are not outcome words."""
    skip = {"effect", "effects", "levels", "within", "after", "their", *agents, *(f"{a}'s" for a in agents)}
    return [w[:7] for w in re.findall(r"[a-z][a-z'-]{4,}", text.lower()) if w not in skip]


def outcome_pattern(claim: Claim) -> re.Pattern[str] | None:
    """A regex of the claim's outcome terms (its protocol's, else the outcome's words)."""
    terms = ([re.escape(t.lower()) for t in claim.outcome_terms]
             or [re.escape(t) for t in _terms(claim.outcome, claim.agents)])
    return re.compile(r"(?<!\w)(?:" + "|".join(terms) + ")", _I) if terms else None


def review_certainty(text: str, outcome: re.Pattern[str] | None) -> tuple[str, int] | None:
    """A review's own certainty for the outcome: ``(level, offset)`` or None.

    "certainty was low for remission and high for dropouts" gives ``low`` for
    a remission claim and ``high`` for one about dropouts. One level stated
    without an outcome applies to the review; several levels none of which
    names the outcome give None (the text does not say).
    """
    levels = [(m.group(1) or m.group(3), m.start()) for m in _CERTAINTY_PAIRS.finditer(text)]
    pairs = [(m.group(1).lower(), m.group(2), m.start()) for m in _LEVEL_FOR.finditer(text)
             if re.search(_CERTAINTY_NOUN, text[max(0, m.start() - 80):m.end()], _I)]
    if outcome is not None:
        for level, target, offset in pairs:
            if outcome.search(target):
                return level, offset
    distinct = {level.lower() for level, _ in levels} | {level for level, _, _ in pairs}
    if len(distinct) == 1:
        offset = levels[0][1] if levels else pairs[0][2]
        return distinct.pop(), offset
    return None


def defining_phrases(name: str) -> re.Pattern[str]:
    """Phrases that name an intervention only to define another drug ("esketamine, the S-enantiomer of ketamine").

    Parameters
    ----------
    name : str
        The review's intervention ("ketamine").

    Returns
    -------
    re.Pattern
        Case-insensitive: "enantiomer/isomer/metabolite of NAME", "NAME's enantiomer", "derived from NAME".
    """
    return _defining(name.lower())


@lru_cache(maxsize=16)
def _defining(name: str) -> re.Pattern[str]:
    """The compiled :func:`defining_phrases` pattern (cached per name)."""
    n = re.escape(name)
    return re.compile(rf"\b(?:[SR]-)?enantiomers? of (?:racemic )?{n}\b|\bisomers? of (?:racemic )?{n}\b"
                      rf"|\bmetabolites? of {n}\b|\b{n}'?s? (?:[SR]-)?enantiomers?\b|\bderived from {n}\b", _I)


@lru_cache(maxsize=16)
def _names(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """A whole-word regex for any of the names (which may start with a parenthesis: "(S)-ketamine")."""
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)",
                      _I)


def _intervention(claim: Claim, spans: Sequence[tuple[int, int, str]]) -> Found | None:
    """Which form of the review's intervention the text names as given: an alias (an enantiomer, a brand) or itself."""
    if not claim.agents:
        return None
    name, aliases = claim.agents[0], _names(claim.agents[1:])
    itself = _names((name,))
    for start, end, sentence in spans:
        if aliases is not None and (found := aliases.search(sentence)):
            return Found(found.group(0).lower(), start, end)
        if itself is not None and itself.search(defining_phrases(name).sub(" ", sentence)):
            return Found(name, start, end)
    return None


def _species(spans: Sequence[tuple[int, int, str]]) -> Found | None:
    """The species named in the most sentences (animals and cells before people on a tie: patients are
    often named only in an animal study's background)."""
    best: tuple[tuple[int, int], Found] | None = None
    for order, (name, regex) in enumerate(_SPECIES):
        hits = [(start, end) for start, end, sentence in spans if regex.search(sentence)]
        rank = (len(hits) * (1 if name == "human" else 2), order)
        if hits and (best is None or rank > best[0]):
            best = (rank, Found(name, *hits[0]))
    return best[1] if best else None


def _count(spans: Sequence[tuple[int, int, str]], verb: re.Pattern[str]) -> Found | None:
    """The largest count of people or animals in a sentence with ``verb``, outside subgroups."""
    best: Found | None = None
    for start, end, sentence in spans:
        if not verb.search(sentence):
            continue
        for regex in (_N_EQUALS, _COUNT):
            for match in regex.finditer(sentence):
                if _SUBGROUP.search(sentence[:match.start()]):
                    continue
                n = _parse_number(match.group(1))
                if n and n < 1_000_000 and (best is None or n > best.value):  # type: ignore[operator]
                    best = Found(n, start, end)
        if best is not None:
            return best
    return None


def extract(article: Article, claim: Claim) -> Extraction:
    """Read one record's title and abstract for one claim.

    Parameters
    ----------
    article : Article
        Only ``title`` and ``abstract`` are read.
    claim : Claim
        Its subject names the intervention looked for, its outcome (or
        protocol ``outcome_terms``) the outcome.

    Returns
    -------
    Extraction
        Spans are offsets in ``article.title + "\\n" + article.abstract``.

    Examples
    --------
    >>> from litreview.corpus.records import Article
    >>> from litreview.corpus.claims import Claim
    >>> claim = Claim("c", "clinical", "clinical_efficacy", "Ketamine reduces depression.", "ketamine",
    ...               "decreases", "depression", ())
    >>> ex = extract(Article(pmid="1", title="Ketamine for depression",
    ...                      abstract="In this randomized, double-blind trial 40 patients were randomized."), claim)
    >>> ex.blinding.value, ex.n_randomised.value
    ('double', 40)
    """
    text = f"{article.title}\n{article.abstract or ''}"
    spans = [(start, end, text[start:end]) for start, end in sentence_spans(text)]
    outcome_rx = outcome_pattern(claim)
    is_review = _first(SYSTEMATIC_SEARCH, spans, True)
    blinding = _first(DOUBLE_BLIND, spans, "double") or _first(SINGLE_BLIND, spans, "single") or _first(OPEN_LABEL, spans, "open")
    control = (_first(_ACTIVE_PLACEBO, spans, "active placebo") or _first(PLACEBO, spans, "placebo")
               or _first(_ACTIVE, spans, "active") or _first(_NO_CONTROL, spans, "none"))
    comparator = _first(_ACTIVE_PLACEBO, spans) or _first(PLACEBO, spans) or _first(_ACTIVE, spans)
    species = _species(spans)
    outcome = _first(outcome_rx, spans) if outcome_rx is not None else None
    outcome_spans = [s for s in spans if outcome is not None and s[0] == outcome.start] + spans
    included = None
    for start, end, sentence in spans:
        if match := _INCLUDED.search(sentence):
            number = _parse_number(match.group(1) or match.group(2))
            if number:
                included = Found(number, start, end)
                break
    certainty = review_certainty(text, outcome_rx) if is_review or included else None
    estimate, arms = find_effect(text, claim.agents or (claim.subject,), outcome_rx, spans)
    return Extraction(
        randomised=_first(RANDOMISED, spans, True),
        blinding=blinding,
        control=control,
        systematic_search=is_review,
        included_studies=included,
        species=species,
        condition=_first(_CONDITION, spans),
        healthy=_first(_HEALTHY, spans, True),
        intervention=_intervention(claim, spans),
        route=next((f for name, rx in _ROUTES if (f := _first(rx, spans, name))), None),
        dosing=_first(_REPEATED, spans, "repeated") or _first(_SINGLE_DOSE, spans, "single"),
        comparator=comparator,
        outcome=outcome,
        instrument=_first(_INSTRUMENT, outcome_spans),
        time_point=_first(_TIME, outcome_spans),
        n_randomised=_count(spans, _RANDOMISED_VERB),
        n_analysed=_count(spans, _ANALYSED_VERB),
        effect=Found(str(estimate[0]), estimate[1], estimate[2]) if estimate else None,
        arms=Found(str(arms[0]), arms[1], arms[2]) if arms else None,
        review_certainty=_span_at(spans, certainty),
    )


def _span_at(spans: Sequence[tuple[int, int, str]], found: tuple[str, int] | None) -> Found | None:
    """A value at a text offset, as a Found spanning its sentence."""
    if found is None:
        return None
    value, offset = found
    start, end, _ = next((s for s in spans if s[0] <= offset < s[1]), (offset, offset, ""))
    return Found(value.lower(), start, end)


def extraction_columns(extraction: Extraction | None) -> dict[str, object]:
    """The ``x_<field>`` value columns and one ``x_spans`` column (``field start-end; ...``) for a table."""
    row: dict[str, object] = {f"x_{name}": None for name in EXTRACTION_FIELDS}
    spans = []
    for name in EXTRACTION_FIELDS:
        found = getattr(extraction, name) if extraction is not None else None
        if found is not None:
            row[f"x_{name}"] = found.value
            spans.append(f"{name} {found.start}-{found.end}")
    row["x_spans"] = "; ".join(spans)
    return row
