"""Text and metadata classifiers behind evidence scoring: design, population, sample size.

Publication types and MeSH check tags decide when NLM has indexed a record;
title and abstract cues decide otherwise (recent and non-MEDLINE records carry
neither). Every cue is a regular expression here, so a reviewer can read why a
study got its label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..corpus.sentences import sentence_spans
from .design_cues import DOUBLE_BLIND, META_ANALYSIS, NOT_RANDOMISED, OPEN_LABEL_WORD

#: Publication type -> design, strongest first; the first type present decides.
_PUBTYPE_DESIGN = (
    ("meta-analysis", "meta_analysis"),
    ("systematic review", "systematic_review"),
    ("randomized controlled trial", "rct"),
    ("pragmatic clinical trial", "rct"),
    ("equivalence trial", "rct"),
    ("controlled clinical trial", "controlled_trial"),
    ("clinical trial, phase", "controlled_trial"),
    ("clinical trial", "controlled_trial"),
    ("observational study", "cohort"),
    ("case reports", "case_report"),
    ("review", "narrative_review"),
    ("editorial", "editorial"),
    ("comment", "editorial"),
    ("letter", "editorial"),
    ("news", "editorial"),
    ("newspaper article", "editorial"),
    ("interview", "editorial"),
)
_OBSERVATIONAL = ("case_control", "cross_sectional", "cohort")


def _rx(pattern: str) -> re.Pattern[str]:
    """Case-insensitive regex."""
    return re.compile(pattern, re.IGNORECASE)


_SYSREV = _rx(r"\bsystematic(?:al)?(?:ally)? review\w*|\bsystematically (?:searched|reviewed)|"
              r"\bumbrella review|\bscoping review|\bCochrane (?:systematic )?review|"
              r"\bsearched\b.{0,120}\b(?:MEDLINE|PubMed|Embase|CENTRAL|PsycINFO|Web of Science)\b|"
              r"\b(?:included|identified) \d+ (?:\w+ ){0,2}(?:RCTs|trials|studies)\b|"
              r"\b\d+ (?:\w+ ){0,3}(?:RCTs|trials|studies) (?:were|was) included\b")
_RCT = _rx(r"\brandomi[sz]ed(?:,)? (?:\w+[ -]){0,4}(?:trial|study|crossover|cross-over)|\brandomi[sz]ed controlled\b|"
           rf"{DOUBLE_BLIND.pattern}.{{0,60}}\brandomi[sz]|\brandomi[sz]\w*\b.{{0,60}}{DOUBLE_BLIND.pattern}|"
           r"\bRCTs?\b|"
           r"\bwere randomi[sz]ed\b|\brandomi[sz]ed to\b|\brandomly (?:assigned|allocated)\b|"
           r"\bplacebo-?controlled,? (?:\w+[ -]){0,2}(?:crossover|cross-over|trial|study)\b|"
           rf"{DOUBLE_BLIND.pattern},? (?:\w+[ -]){{0,2}}(?:crossover|cross-over)\b")
_CONTROLLED = _rx(rf"\bplacebo-?controlled\b|\bcontrolled (?:clinical )?trial\b|{NOT_RANDOMISED.pattern}|"
                  rf"{DOUBLE_BLIND.pattern}|"
                  r"\b(?:placebo|saline) or [a-z][\w-]+|[\w-]+ or (?:placebo|saline)\b")
#: A treatment study without a control arm (open label, single arm, before and after): a prospective cohort.
_UNCONTROLLED = _rx(rf"{OPEN_LABEL_WORD.pattern}|"
                    r"\bsingle-?arm\b|\buncontrolled\b|\bclinical trial\b|\bphase (?:I{1,3}|[123])\b|"
                    r"\b(?:compared (?:to|with)|from|at|relative to|versus) (?:pre-?treatment )?baseline\b|"
                    r"\bbefore and (?:after|following)\b|\bpre- and post-?(?:treatment|infusion)\b")
_CASE_REPORT = _rx(r"\bcase report\b|\bwe (?:report|describe|present) (?:a|an|the case)\b|\ba \d{1,3}-year-old\b|"
                   r"\bcase of a\b")
_CASE_SERIES = _rx(r"\bcase series\b|\bwe (?:report|describe|present) (?:\w+ ){0,2}"
                   r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten) (?:cases|patients)\b|"
                   r"\bchart review\b")
_CASE_CONTROL = _rx(r"\bcase-?control\b|\bmatched controls?\b|"
                    r"\bcompared (?:\w+ ){0,4}with (?:\w+ ){0,2}(?:healthy )?controls\b|"
                    r"\bpatients\b[^.;]{0,120}\band (?:\w+ )?(?:\d+ |[a-z]+-?[a-z]* )?(?:age- and sex-matched )?"
                    r"healthy (?:controls|volunteers|subjects)\b")
_CROSS = _rx(r"\bcross-?sectional\b|\bsurvey\b|\bprevalence study\b")
_COHORT = _rx(r"\bcohort\b|\bprospective\w*\b|\bretrospective\w*\b|\blongitudinal\b|\bfollow-?up study\b|"
              rf"\bregistry\b|\bdatabase study\b|\bobservational\b|\bnaturalistic\b|{OPEN_LABEL_WORD.pattern}")
_REVIEW = _rx(r"\breview\b|\bwe (?:review|summari[sz]e|discuss)\b|\boverview\b|\bperspective\b|\bupdate on\b")
_EDITORIAL = _rx(r"\beditorial\b|\bcommentary\b|\bletter to the editor\b|\bin reply\b|\bcorrespondence\b")
_ANIMAL = _rx(r"\b(?:mice|mouse|murine|rats?|rodents?|rabbits?|dogs?|canine|pigs?|piglets?|porcine|swine|sheep|"
              r"monkeys?|macaques?|primates?|zebrafish|drosophila|hamsters?|guinea pigs?|cats|feline|bovine|"
              r"horses|equine|animals?|knock-?out|transgenic|wild-?type|sprague|wistar|c57bl)\b")
_IN_VITRO = _rx(r"\bin vitro\b|\bcultured\b|\bcell lines?\b|\bcell cultures?\b|\bcultures? of\b|\borganoids?\b|"
                r"\bHEK ?293\b|\bprimary (?:\w+ )?neurons\b|\bhuman cells\b|\bcells were\b|\bex vivo\b")
_HUMAN = _rx(r"\b(?:patients?|participants?|volunteers?|women|men|children|adults?|infants?|humans?|people|"
             r"persons?|individuals|veterans|adolescents|outpatients|inpatients|clinical|healthy subjects|"
             r"smokers|students|nurses|physicians|mothers|pregnan\w+|elderly|twins?|users|MDD|TRD|PTSD|OCD|"
             r"bipolar|schizophreni\w+|trials?|RCTs?|(?:depression|depressive|depressed)(?!-like))\b")
#: People as the studied subjects; condition words ("depression", "MDD") name what an animal model models too.
_PARTICIPANT = _rx(r"\b(?:patients?|participants?|volunteers?|women|men|children|adults|infants?|humans?|people|"
                   r"persons?|individuals|veterans|adolescents|outpatients|inpatients|healthy subjects|smokers|"
                   r"students|nurses|physicians|mothers|elderly|twins?|users)\b")
_HEALTHY = _rx(r"\bhealthy (?:\w+ )?(?:volunteers|subjects|participants|adults|men|women|individuals)\b")
_PATIENT = _rx(r"\bpatients?\b|\bwith (?:major )?(?:depress\w+|disorder|disease|pain|cancer|\w+itis)\b|\bdepressed\b")

#: Structured-abstract labels that open the study's own part (methods, results, conclusions).
_STUDY_LABEL = _rx(r"(?:^|(?<=[.\s]))(?:METHODS?|MATERIALS? AND METHODS|DESIGN|SETTING|PARTICIPANTS|SUBJECTS|"
                   r"PATIENTS|RESULTS|FINDINGS|MEASUREMENTS|INTERVENTIONS?|EXPERIMENTAL APPROACH|EXPERIMENTAL DESIGN|"
                   r"KEY RESULTS|DATA SOURCES|STUDY SELECTION|SEARCH METHODS|SELECTION CRITERIA)\s*:")
#: A sentence that starts what this study did ("Here, we show", "We examined", "This study investigated").
_STUDY_START = _rx(r"\bhere,? we\b|\bwe (?:\w+ ){0,2}(?:show|showed|report|found|demonstrate|demonstrated|examined|"
                   r"investigated|tested|measured|used|observed|conducted|performed|studied|assessed|evaluated|"
                   r"analy[sz]ed|searched|included|randomi[sz]ed|enrolled|recruited|compared|administered|treated|"
                   r"exposed|recorded|identified|sought|aimed|determined|characteri[sz]ed|explored|hypothesi[sz]ed)\b|"
                   r"\b(?:this|the present|the current|our) (?:study|trial|review|work|experiment)s?\b")

_MESH_HUMAN = "humans"
_MESH_ANIMAL = "animals"
_MESH_IN_VITRO = ("in vitro techniques", "cells, cultured", "cell line")


def _names(items: Iterable[Any], attr: str) -> list[str]:
    """Lower-cased names from strings or objects carrying ``attr``."""
    return [(item if isinstance(item, str) else getattr(item, attr)).strip().lower() for item in items]


def _count(regex: re.Pattern[str], text: str) -> int:
    """Number of matches."""
    return len(regex.findall(text))


def study_text(title: str, abstract: str | None) -> str:
    """Title and the part of the abstract that reports this study, not its background.

    A structured abstract's study part starts at its first methods / results
    label (``METHODS:``, ``RESULTS:``...); an unstructured one at the first
    sentence saying what this study did ("Here, we show", "We examined",
    "This study investigated"). Without either the whole abstract counts.
    Background sentences often name patients in an animal study ("ketamine
    helps depressed patients; here we used mice"), so who was studied is read
    from the study part.

    Examples
    --------
    >>> study_text("T", "Patients respond to ketamine. Here, we used mice.")
    'T\\nHere, we used mice.'
    """
    abstract = abstract or ""
    if label := _STUDY_LABEL.search(abstract):
        return f"{title}\n{abstract[label.start():]}"
    for start, end in sentence_spans(abstract):
        if _STUDY_START.search(abstract, start, end):
            return f"{title}\n{abstract[start:]}"
    return f"{title}\n{abstract}"


def _text_population(text: str) -> str:
    """Population from text cues alone (``unknown`` when none)."""
    animal, human, in_vitro = _count(_ANIMAL, text), _count(_HUMAN, text), _count(_IN_VITRO, text)
    if animal:
        human = _count(_PARTICIPANT, text)
    if in_vitro and in_vitro >= animal and not human:
        return "in_vitro"
    if animal and human:
        if animal > 2 * human:
            return "animal"
        if human > 2 * animal:
            return "human"
        return "mixed"
    if animal:
        return "animal"
    if human:
        return "human"
    return "in_vitro" if in_vitro else "unknown"


def is_healthy_only(text: str) -> bool:
    """True when the text names healthy volunteers and no patients."""
    healthy = _count(_HEALTHY, text)
    return bool(healthy) and _count(_PATIENT, text) == 0


def classify_population(title: str, abstract: str | None, mesh: Iterable[Any] = ()) -> str:
    """Who or what was studied: ``human``, ``animal``, ``in_vitro``, ``mixed`` or ``unknown``.

    Parameters
    ----------
    title, abstract : str
        Record text (abstract may be None).
    mesh : iterable of str or MeshHeading
        MeSH descriptors; the check tags *Humans* and *Animals* decide first.

    Returns
    -------
    str
        When both check tags are present (NLM adds *Animals* to any study of
        animals, and *Humans* sits under it), the text decides between human,
        animal and mixed, defaulting to ``mixed``. Cell or tissue work
        (*In Vitro Techniques*, *Cells, Cultured*) without either tag is
        ``in_vitro``. Without check tags, text cues decide.

    Examples
    --------
    >>> classify_population("Ketamine in mice", "Mice received ketamine.")
    'animal'
    """
    text = study_text(title, abstract)
    terms = set(_names(mesh, "descriptor"))
    human, animal = _MESH_HUMAN in terms, _MESH_ANIMAL in terms
    if human and animal:
        guess = _text_population(text)
        return guess if guess in ("human", "animal") else "mixed"
    if human:
        return "human"
    if animal:
        return "in_vitro" if _text_population(text) == "in_vitro" else "animal"
    if any(t in terms for t in _MESH_IN_VITRO):
        return "in_vitro"
    return _text_population(text)


#: Text cues for human study designs, strongest first (the first match decides).
_HUMAN_DESIGN_CUES = (
    (_RCT, "rct"),
    (_CASE_REPORT, "case_report"),
    (_CASE_SERIES, "case_series"),
    (_CASE_CONTROL, "case_control"),
    (_CROSS, "cross_sectional"),
    (_CONTROLLED, "controlled_trial"),
    (_COHORT, "cohort"),
    (_UNCONTROLLED, "cohort"),
)


def _text_design(title: str, text: str) -> str:
    """Design from title and abstract cues (who was studied from the study part, see :func:`study_text`)."""
    if META_ANALYSIS.search(text):
        return "meta_analysis"
    if _SYSREV.search(text):
        return "systematic_review"
    if _EDITORIAL.search(title):
        return "editorial"
    population = _text_population(study_text(title, text[len(title) + 1:]))
    if population in ("animal", "in_vitro"):
        return "experimental"
    for pattern, design in _HUMAN_DESIGN_CUES:
        if pattern.search(text):
            return design
    if _REVIEW.search(title) or _REVIEW.search(text[:400]):
        return "narrative_review"
    return "other"


def classify_design(title: str, abstract: str | None, publication_types: Iterable[Any] = ()) -> str:
    """Study design, one of :data:`DESIGNS` (whatever the species).

    Parameters
    ----------
    title, abstract : str
        Record text (abstract may be None).
    publication_types : iterable of str or PublicationType
        NLM publication types. When one of them names a design (Meta-Analysis,
        Systematic Review, Randomized Controlled Trial, Clinical Trial...,
        Observational Study, Case Reports, Review, Editorial / Comment / Letter
        / News) the strongest such type decides; *Observational Study* is
        refined to case-control or cross-sectional by the text. Otherwise
        (only Journal Article, grant types, or none at all) title and abstract
        cues decide.

    Returns
    -------
    str
        ``experimental`` marks laboratory and animal experiments.

    Examples
    --------
    >>> classify_design("Ketamine for depression", "A randomized, double-blind, placebo-controlled trial.")
    'rct'
    >>> classify_design("Anything", None, ["Meta-Analysis", "Journal Article"])
    'meta_analysis'
    """
    text = f"{title}\n{abstract or ''}"
    types = _names(publication_types, "name")
    for prefix, design in _PUBTYPE_DESIGN:
        if any(t == prefix or (prefix.endswith("phase") and t.startswith(prefix)) for t in types):
            if design == "cohort":
                guess = _text_design(title, text)
                return guess if guess in _OBSERVATIONAL else "cohort"
            if design == "narrative_review" and (META_ANALYSIS.search(text) or _SYSREV.search(text)):
                return _text_design(title, text)
            return design
    return _text_design(title, text)


# -- sample size -------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_NUMBER_WORD = r"(?:" + "|".join(sorted([*_UNITS, *_TENS, "hundred", "thousand"], key=len, reverse=True)) + r")"
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_NUMBER_WORD}(?:(?:[\s-]+|\s+and\s+){_NUMBER_WORD})*)"
_NOUNS = (r"(?:patients|participants|subjects|volunteers|individuals|people|persons|adults|children|adolescents|"
          r"infants|women|men|veterans|outpatients|inpatients|cases|controls|respondents|twins|students|"
          r"mice|rats|animals|monkeys|macaques|rabbits|dogs|pigs|piglets|sheep|primates|rodents|hamsters)")
_SKIP_MODIFIER = (r"(?!(?:in|of|with|at|per|for|and|or|to|from|on|by|the|weeks?|days?|months?|years?|hours?|"
                  r"minutes?|times|mg|kg|ml|doses?|sessions?|infusions?|sites?|centers?|centres?|hospitals?|"
                  r"groups?|arms?|studies|trials)\b)")
_TOTAL = re.compile(rf"\b(?:a total of|total of|in total,?|overall,?|altogether,?)\s+({_NUMBER})\b", re.IGNORECASE)
_N_IS = re.compile(r"\b[Nn]\s*=\s*(\d[\d,]*)")
_PEOPLE_COUNT = re.compile(rf"(?<![\d.,])\b({_NUMBER})\s+(?:age-? and (?:sex|gender)-matched\s+)?"
                           rf"(?:{_SKIP_MODIFIER}[A-Za-z][\w-]*\s+){{0,3}}{_NOUNS}\b", re.IGNORECASE)
#: A count of comparison people ("51 healthy controls"), added to the patients' count it sits beside.
_CONTROL_GROUP = re.compile(r"\bhealthy\b|\bcontrols\b", re.IGNORECASE)
#: A clause break within a sentence ("ketamine (n = 30); Placebo (n = 28)" are two clauses, each arm its own).
_CLAUSE = re.compile(r"(?<=;)\s+(?=[A-Z(\d])")
#: A count inside a subgroup ("of whom 12 patients", "among responders, 8") is not the study's n.
_SUBGROUP = re.compile(r"\b(?:of whom|of these|among (?:them|these|responders|remitters)|subgroup|subset|"
                       r"responders|remitters)\b[^.;]*$", re.IGNORECASE)
_BEFORE_NOT_COUNT = re.compile(r"(?:aged?|ages|p\s*[<=>]|[<>≤≥±]|\bday|\bweek|\bmonth|\byear|\bvs\.?|-)\s*$",
                               re.IGNORECASE)


@dataclass(frozen=True)
class SampleSize:
    """A stated number of participants or animals and where it was read.

    Attributes
    ----------
    n : int
        The number.
    span : str
        The text it came from (e.g. ``"A total of 120 participants"``).
    start, end : int
        Offsets of ``span`` in the text.
    """

    n: int
    span: str
    start: int
    end: int


def _parse_number(token: str) -> int | None:
    """``"120"``, ``"1,099"``, ``"thirty-two"``, ``"one thousand ninety-nine"`` -> int."""
    token = token.strip().lower()
    digits = token.replace(",", "")
    if digits.isascii() and digits.isdigit():
        return int(digits)
    total = current = 0
    for word in re.split(r"[\s-]+", token):
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    return total + current


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence or clause of ``text``."""
    spans = []
    for start, end in sentence_spans(text):
        for match in _CLAUSE.finditer(text, start, end):
            spans.append((start, match.start()))
            start = match.end()
        spans.append((start, end))
    return spans


def _candidates(text: str) -> Iterator[tuple[int, SampleSize, bool]]:
    """``(priority, size, is_control_group)`` for each stated number of people or animals."""
    for regex, priority in ((_TOTAL, 1), (_PEOPLE_COUNT, 0)):
        for match in regex.finditer(text):
            before = text[max(0, match.start() - 8): match.start()]
            if _BEFORE_NOT_COUNT.search(before) or text[match.end(1): match.end(1) + 1] == "%":
                continue
            if priority == 0 and _SUBGROUP.search(text[max(0, match.start() - 60): match.start()]):
                continue
            n = _parse_number(match.group(1))
            if n and n <= 10_000_000:
                size = SampleSize(n=n, span=match.group(0).strip(), start=match.start(), end=match.end())
                yield priority, size, priority == 0 and bool(_CONTROL_GROUP.search(match.group(0)))
    for start, end in _sentence_spans(text):  # arms of one sentence add up: "ketamine (n = 30) or placebo (n = 30)"
        arms = [m for m in _N_IS.finditer(text, start, end)
                if not _SUBGROUP.search(text[max(start, m.start() - 60):m.start()])]
        if arms:
            n = sum(int(m.group(1).replace(",", "")) for m in arms)
            span = text[arms[0].start():arms[-1].end()]
            yield 0, SampleSize(n=n, span=span, start=arms[0].start(), end=arms[-1].end()), False


def extract_sample_size(text: str | None) -> SampleSize | None:
    """The number of participants or animals stated in a text, with its span.

    Parameters
    ----------
    text : str or None
        Abstract or summary.

    Returns
    -------
    SampleSize or None
        An explicit total (``a total of 120``) wins. Otherwise the largest of:
        a count of people or animals (``24 patients``, ``thirty-two rats``) and
        the arms of one sentence added up (``ketamine (n = 30) or placebo
        (n = 30)`` is 60); a separately stated count of healthy controls is
        added to the patients beside it (``51 patients and 51 healthy
        controls`` is 102; the span then runs from one to the other). Counts
        inside a subgroup ("of whom", "responders"), doses, ages, durations,
        percentages and p-values are not counts. None when the text states no
        count.

    Examples
    --------
    >>> extract_sample_size("We randomized 24 patients to 0.5 mg/kg ketamine (aged 40 years).").n
    24
    >>> extract_sample_size("Thirty patients and 20 healthy controls took part.").n
    50
    """
    if not text:
        return None
    found = list(_candidates(text))
    if not found:
        return None
    priority, best, _ = max(found, key=lambda c: (c[0], c[1].n))
    if priority or _CONTROL_GROUP.search(best.span):
        return best
    controls = [size for _, size, control in found if control and not best.start <= size.start < best.end]
    if not controls:
        return best
    extra = max(controls, key=lambda c: c.n)
    start, end = min(best.start, extra.start), max(best.end, extra.end)
    return SampleSize(n=best.n + extra.n, span=text[start:end], start=start, end=end)
