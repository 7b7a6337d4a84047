"""Effects as a text reports them: an effect estimate (ratio or difference, with its 95% CI) and per-arm risks.

The one reader of effects: :mod:`litreview.evidence.extraction` (the ``x_effect``
and ``x_arms`` columns) and :mod:`litreview.synthesis.appraisal` (the
``effect`` and ``arms`` columns the Summary-of-Findings table computes from)
both call :func:`find_effect`.

- An :class:`Estimate` is a ratio (OR, RR, HR, IRR) or a difference (SMD, MD,
  WMD, RD, Hedges' g, Cohen's d, an effect size) with its 95% CI when the
  sentence gives one: ``"RR 2.9 (95% CI 1.1 to 7.6)"``, ``"odds ratio 3.1,
  95% confidence interval 1.2-8.0"``.
- :class:`Arms` are what a dichotomous outcome gives per group, intervention
  first: events of totals ("12 of 30 (40%) vs 4 of 28"), or percentages
  ("response rates 52% and 18%") with the arm sizes when the text gives them
  ("52% (n = 30)", "ketamine (n = 30) or placebo (n = 28)"). Which arm is the
  comparator is read from the words next to each (placebo, saline, midazolam,
  control, sham, usual care...) and the intervention's names; a sentence that
  does not say which arm is which, or has one arm only, gives no arms.

Values the text does not state stay None: nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..corpus.sentences import sentence_spans

__all__ = ["RATIOS", "Estimate", "Arms", "read_estimate", "read_arms", "find_effect"]

#: Ratio measures (the rest are differences).
RATIOS = ("OR", "RR", "HR", "IRR")
_NUM = r"[-−–]?(?:\d+(?:\.\d+)?|\.\d+)"
_LONG = {"standardized mean difference": "SMD", "standardised mean difference": "SMD",
         "weighted mean difference": "WMD", "mean difference": "MD", "risk ratio": "RR", "relative risk": "RR",
         "odds ratio": "OR", "hazard ratio": "HR", "risk difference": "RD", "effect size": "effect size"}
#: An estimate: an abbreviation (case as written: "OR", never "or"), a measure in words, or g / d with "=".
_ESTIMATE = re.compile(
    r"\b(?P<abbr>OR|RR|HR|IRR|SMD|WMD|MD|RD)\s*[=:,]?\s*(?P<v1>" + _NUM + r")(?![\d/])"
    r"|\b(?P<long>(?i:standardi[sz]ed mean difference|weighted mean difference|mean difference|risk ratio"
    r"|relative risk|odds ratio|hazard ratio|risk difference|effect size))\s*(?:\(\s*[A-Z]{2,3}\s*\)\s*)?"
    r"(?:[=:,]|\s+of|\s+was|\s+)\s*(?P<v2>" + _NUM + r")(?![\d/])"
    r"|(?P<gd>\b(?i:Hedges'?s? ?g|Cohen'?s ?d)|\bg|\bd)\s*=\s*(?P<v3>" + _NUM + r")")
#: A 95% CI right after the estimate: "(95% CI 1.1 to 7.6)", "; 95% confidence interval: 1.1-7.6", "(1.1-7.6)".
_CI = re.compile(r"^\s*[,;]?[^.;]{0,25}?(?:95\s*%\s*(?:CI|confidence interval)\s*[:=,]?\s*|[(\[])\s*(?P<lo>" + _NUM
                 + r")\s*(?:-|–|—|to|,|;)\s*(?P<hi>" + _NUM + r")", re.IGNORECASE)
#: Events of a total ("12 of 30", "12/30", "12 out of 30"), with a percentage after it when given.
_COUNT = re.compile(r"(?<![\d.,/])(?:\d+(?:\.\d+)?\s*%\s*\(\s*)?(?P<e>\d+)\s*(?:/|of|out of)\s*(?P<n>\d+)(?![\d.,/])"
                    r"\)?(?:\s*\(\s*\d+(?:\.\d+)?\s*%\s*\))?")
#: A percentage with its arm size when given ("52% (n = 30)"), not a CI level or a change ("95% CI", "50% reduction").
_PERCENT = re.compile(r"(?<![\d.])(?P<p>\d+(?:\.\d+)?)\s*%(?!\s*(?:CI\b|confidence|of (?:the|all|patients)|"
                      r"(?:reduction|decrease|increase|improvement|lower|higher|more|less|fewer)\b))"
                      r"(?:\s*\(\s*n\s*=\s*(?P<n>\d+)\s*\))?", re.IGNORECASE)
#: Words that join the two arms of a comparison.
_JOIN = re.compile(r"\b(?:vs\.?|versus|compared (?:with|to)|and|than|or)\b|,", re.IGNORECASE)
#: Words that name a comparator arm.
_COMPARATOR = re.compile(r"\b(?:placebo|saline|midazolam|sham|vehicle|controls?|control group|usual care|"
                         r"standard care|treatment as usual|waiting list|wait[- ]?list|comparators?|ECT|"
                         r"electroconvulsive therapy)\b", re.IGNORECASE)
#: A comparator named only as what is compared against, or as a design ("placebo-controlled"): not an arm's label.
_NOT_AN_ARM = re.compile(r"\b(?:compared (?:with|to)|relative to|versus|vs\.?|than)\s+(?:\w+\s+){0,2}?"
                         r"(?:placebo|saline|midazolam|sham|vehicle|controls?|usual care|standard care|"
                         r"treatment as usual|ECT|electroconvulsive therapy)\b|\b[\w-]+-controlled\b", re.IGNORECASE)
#: Words that may stand between two arms besides their names ("52% with ketamine and 18% in the placebo group").
_FILLER = re.compile(r"\b(?:with|in|the|a|an|group|groups|arm|arms|for|on|receiving|patients|participants|of|"
                     r"those|given|treated|respectively|responded|remitted|relapsed|improved|responders|remitters)\b|[^\w\s]", re.IGNORECASE)
_CLAUSE = re.compile(r"[;:(\[]")
_ESTIMATE_TEXT = re.compile(r"^(?P<m>\S.*?) (?P<v>-?\d+(?:\.\d+)?)(?: \(95% CI (?P<lo>-?\d+(?:\.\d+)?) to "
                            r"(?P<hi>-?\d+(?:\.\d+)?)\))?$")
_ARMS_TEXT = re.compile(r"^(?:(?P<e1>\d+)/(?P<n1>\d+)|(?P<p1>\d+(?:\.\d+)?)%(?: \(n = (?P<m1>\d+)\))?) vs "
                        r"(?:(?P<e2>\d+)/(?P<n2>\d+)|(?P<p2>\d+(?:\.\d+)?)%(?: \(n = (?P<m2>\d+)\))?)$")


def _clean(number: str) -> str:
    """A number as written, with a true minus sign and a leading zero (".98" -> "0.98")."""
    number = number.replace("−", "-").replace("–", "-")
    return number.replace("-.", "-0.") if number.startswith("-.") else ("0" + number if number[0] == "." else number)


@dataclass(frozen=True)
class Estimate:
    """An effect estimate as the text reports it.

    Attributes
    ----------
    measure : str
        ``OR``, ``RR``, ``HR``, ``IRR`` (ratios), ``SMD``, ``MD``, ``WMD``,
        ``RD``, ``effect size``, or g / d as written (``Hedges' g``).
    value, low, high : str
        The estimate and its 95% CI bounds as written (``low``/``high`` None
        when no CI is given).
    """

    measure: str
    value: str
    low: str | None = None
    high: str | None = None

    @classmethod
    def parse(cls, text: str) -> Estimate | None:
        """Read back the text :meth:`__str__` writes (``"RR 2.9 (95% CI 1.1 to 7.6)"``, ``"d 0.48"``)."""
        found = _ESTIMATE_TEXT.match(text.strip())
        return cls(found.group("m"), found.group("v"), found.group("lo"), found.group("hi")) if found else None

    @property
    def is_ratio(self) -> bool:
        """Whether the measure is a ratio (OR, RR, HR, IRR)."""
        return self.measure in RATIOS

    def __str__(self) -> str:
        """``"RR 2.9 (95% CI 1.1 to 7.6)"``; read back by :meth:`parse`."""
        ci = f" (95% CI {self.low} to {self.high})" if self.low is not None else ""
        return f"{self.measure} {self.value}{ci}"


@dataclass(frozen=True)
class Arms:
    """Per-group risks of a dichotomous outcome, intervention first.

    Attributes
    ----------
    risk_intervention, risk_comparator : float
        Proportions (0-1).
    total_intervention, total_comparator : int or None
        Arm sizes; None when the text does not give them.
    events_intervention, events_comparator : int or None
        Events as counted ("12 of 30"), or the percentage of the stated arm
        size rounded to a whole participant; None without an arm size.
    counted : bool
        True when the text gives events of totals, False for percentages.
    """

    risk_intervention: float
    risk_comparator: float
    total_intervention: int | None = None
    total_comparator: int | None = None
    events_intervention: int | None = None
    events_comparator: int | None = None
    counted: bool = False

    @classmethod
    def from_counts(cls, events_i: int, total_i: int, events_c: int, total_c: int) -> Arms:
        """Arms from events of totals."""
        return cls(events_i / total_i, events_c / total_c, total_i, total_c, events_i, events_c, True)

    @classmethod
    def from_percentages(cls, percent_i: float, percent_c: float, total_i: int | None = None,
                         total_c: int | None = None) -> Arms:
        """Arms from percentages, with the arm sizes when known (events: the percentage of the size, rounded)."""
        sized = total_i is not None and total_c is not None
        return cls(percent_i / 100, percent_c / 100, total_i if sized else None, total_c if sized else None,
                   round(percent_i * total_i / 100) if sized else None,  # type: ignore[operator]
                   round(percent_c * total_c / 100) if sized else None, False)  # type: ignore[operator]

    @classmethod
    def parse(cls, text: str) -> Arms | None:
        """Read back the text :meth:`__str__` writes (``"12/30 vs 4/28"``, ``"52% (n = 30) vs 18% (n = 28)"``)."""
        found = _ARMS_TEXT.match(text.strip())
        if not found:
            return None
        g = found.groupdict()
        if g["e1"] and g["e2"]:
            return cls.from_counts(int(g["e1"]), int(g["n1"]), int(g["e2"]), int(g["n2"]))
        if g["p1"] and g["p2"]:
            return cls.from_percentages(float(g["p1"]), float(g["p2"]), int(g["m1"]) if g["m1"] else None,
                                        int(g["m2"]) if g["m2"] else None)
        return None

    def __str__(self) -> str:
        """``"12/30 vs 4/28"``, ``"52% vs 18%"`` or ``"52% (n = 30) vs 18% (n = 28)"``."""
        if self.counted:
            return (f"{self.events_intervention}/{self.total_intervention} vs "
                    f"{self.events_comparator}/{self.total_comparator}")
        sides = []
        for risk, total in ((self.risk_intervention, self.total_intervention),
                            (self.risk_comparator, self.total_comparator)):
            percent = f"{risk * 100:.4g}%"
            sides.append(f"{percent} (n = {total})" if total is not None else percent)
        return " vs ".join(sides)


def read_estimate(text: str) -> Estimate | None:
    """The first effect estimate of ``text``, with its 95% CI when given right after it.

    Parameters
    ----------
    text : str
        A sentence (or :meth:`Estimate.__str__`'s text).

    Returns
    -------
    Estimate or None

    Examples
    --------
    >>> str(read_estimate("Response was higher (odds ratio 3.1, 95% confidence interval 1.2-8.0)."))
    'OR 3.1 (95% CI 1.2 to 8.0)'
    >>> read_estimate("OR and RR were not reported.") is None
    True
    """
    found = _ESTIMATE.search(text)
    if not found:
        return None
    if found.group("abbr"):
        measure, value = found.group("abbr"), found.group("v1")
    elif found.group("long"):
        measure, value = _LONG[found.group("long").lower()], found.group("v2")
    else:
        measure, value = found.group("gd"), found.group("v3")
    ci = _CI.search(text[found.end():])
    low, high = (_clean(ci.group("lo")), _clean(ci.group("hi"))) if ci else (None, None)
    return Estimate(measure, _clean(value), low, high)


def _names(sentence: str, terms: Sequence[str]) -> list[tuple[int, str]]:
    """(position, ``"i"`` or ``"c"``) of each intervention name and comparator word in ``sentence``."""
    found = [(m.start(), "c") for m in _COMPARATOR.finditer(sentence)]
    for term in terms:
        found += [(m.start(), "i") for m in re.finditer(r"(?<!\w)" + re.escape(term) + r"(?!\w)", sentence, re.I)]
    return sorted(found)


def _label(window: str, terms: Sequence[str]) -> str | None:
    """``"i"`` or ``"c"`` when a window next to an arm names one kind of arm only."""
    kinds = {kind for _, kind in _names(window, terms)}
    return kinds.pop() if len(kinds) == 1 else None


def _arm_matches(sentence: str) -> list[tuple[int, int, str, tuple[float, ...]]]:
    """(start, end, ``"count"``/``"percent"``, numbers) of each arm-like value in order."""
    found = [(m.start(), m.end(), "count", (float(m.group("e")), float(m.group("n"))))
             for m in _COUNT.finditer(sentence) if 0 <= int(m.group("e")) <= int(m.group("n")) > 0]
    taken = [(s, e) for s, e, *_ in found]
    for m in _PERCENT.finditer(sentence):
        near = any(s <= m.start() < e for s, e in taken)
        if not near and float(m.group("p")) <= 100:
            numbers = (float(m.group("p")),) + ((float(m.group("n")),) if m.group("n") else ())
            found.append((m.start(), m.end(), "percent", numbers))
    return sorted(found)


def _sides(sentence: str, first: tuple[int, int], second: tuple[int, int], terms: Sequence[str]) -> bool | None:
    """True when the first arm is the intervention, False when it is the comparator, None when the text does not
    say.

    A name next to an arm labels it ("12 of 30 with ketamine", "placebo 4/28"); else the names in the arms' own
    clause (between ";" or ":"), a comparator named only as what is compared against ("versus placebo",
    "placebo-controlled") left out: both named, in the order of the arms; one named, that arm first (as "switching
    to placebo raised relapse (45% vs 27%)" and "ketamine gave remission in 63% vs 32%" are written).
    """
    between = sentence[first[1]:second[0]]
    join = _JOIN.search(between)
    head = sentence[:first[0]]
    head = head[max((m.end() for m in _CLAUSE.finditer(head)), default=0):][-50:]
    tail = sentence[second[1]:]
    tail = tail[:min((m.start() for m in re.finditer(r"[;:)\]]|\b(?:vs|versus)\b", tail)), default=len(tail))][:50]
    one = _label(between[:join.start()] if join else "", terms) or _label(head, terms)
    two = _label(tail, terms) or _label(between[join.end():] if join else "", terms)
    if one and one != two:
        return one == "i"
    if two:
        return two == "c"
    start = max((m.end() for m in re.finditer(r"[;:]", sentence[:first[0]])), default=0)
    end = min((m.start() + second[1] for m in re.finditer(r"[;:]", sentence[second[1]:])), default=len(sentence))
    clause = _NOT_AN_ARM.sub(" ", sentence[start:end])
    kinds = list(dict.fromkeys(kind for _, kind in _names(clause, terms)))
    return kinds[0] == "i" if kinds else None


def _joined(between: str, terms: Sequence[str]) -> bool:
    """Whether the text between two values joins two arms: a join word and nothing but arm names and fillers
    ("53% response and 38% remission" are two outcomes, not two arms)."""
    if len(between) > 60 or not _JOIN.search(between) or re.search(r"\d", between):
        return False
    rest = _FILLER.sub(" ", _JOIN.sub(" ", _COMPARATOR.sub(" ", between)))
    for term in terms:
        rest = re.sub(r"(?<!\w)" + re.escape(term) + r"(?!\w)", " ", rest, flags=re.IGNORECASE)
    return not rest.strip()


def read_arms(sentence: str, terms: Sequence[str] = (), text: str = "") -> Arms | None:
    """The two arms a sentence compares for a dichotomous outcome, intervention first.

    Parameters
    ----------
    sentence : str
        One sentence.
    terms : sequence of str
        The intervention's names (the claim's agents or subject), to tell its
        arm from the comparator's.
    text : str
        The whole text, where the arm sizes of percentages may be given
        ("ketamine (n = 30) or placebo (n = 28)").

    Returns
    -------
    Arms or None
        None when the sentence has no two adjacent arms joined by "vs",
        "and", "compared with"... or does not say which arm is the comparator.

    Examples
    --------
    >>> str(read_arms("Response: 12 of 30 (40%) with ketamine vs 4 of 28 with placebo.", ["ketamine"]))
    '12/30 vs 4/28'
    >>> str(read_arms("Response rates were 18% with placebo and 52% with ketamine.", ["ketamine"]))
    '52% vs 18%'
    >>> read_arms("12 of 30 patients (40%) responded.", ["ketamine"]) is None
    True
    """
    arms = _arm_matches(sentence)
    for one, two in zip(arms, arms[1:]):
        between = sentence[one[1]:two[0]]
        if one[2] != two[2] or not _joined(between, terms):
            continue
        first_is_intervention = _sides(sentence, one[:2], two[:2], terms)
        if first_is_intervention is None:
            return None
        i, c = (one, two) if first_is_intervention else (two, one)
        if one[2] == "count":
            return Arms.from_counts(int(i[3][0]), int(i[3][1]), int(c[3][0]), int(c[3][1]))
        size_i = int(i[3][1]) if len(i[3]) > 1 else _arm_size(text, terms, "i")
        size_c = int(c[3][1]) if len(c[3]) > 1 else _arm_size(text, terms, "c")
        return Arms.from_percentages(i[3][0], c[3][0], size_i, size_c)
    return None


def _arm_size(text: str, terms: Sequence[str], kind: str) -> int | None:
    """An arm's size where the text gives it after the arm's name: "ketamine (n = 30)", "placebo (n=28)"."""
    name = (_COMPARATOR.pattern if kind == "c"
            else r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)" if terms else None)
    if name is None:
        return None
    sizes = {int(m.group(1)) for m in re.finditer(r"(?:" + name + r")[^.;()]{0,30}\(\s*n\s*=\s*(\d+)\s*\)", text,
                                                  re.IGNORECASE)}
    return sizes.pop() if len(sizes) == 1 else None


def find_effect(text: str, terms: Sequence[str] = (), outcome: re.Pattern[str] | None = None,
                spans: Iterable[tuple[int, int, str]] | None = None
                ) -> tuple[tuple[Estimate, int, int] | None, tuple[Arms, int, int] | None]:
    """The text's effect estimate and arms, each with the sentence span it came from.

    Sentences naming the claim's outcome are read first, then the rest in order; the estimate and the arms
    each come from the first sentence that gives them.

    Parameters
    ----------
    text : str
        Title and abstract (or a curated finding).
    terms : sequence of str
        The intervention's names (see :func:`read_arms`).
    outcome : re.Pattern, optional
        The claim's outcome words.
    spans : iterable of (start, end, sentence), optional
        The sentences of ``text`` (default: :func:`litreview.corpus.sentences.sentence_spans`).

    Returns
    -------
    tuple
        ``((Estimate, start, end) or None, (Arms, start, end) or None)``.
    """
    if spans is None:
        spans = [(start, end, text[start:end]) for start, end in sentence_spans(text)]
    ranked = sorted(spans, key=lambda s: outcome is not None and not outcome.search(s[2]))
    estimate = arms = None
    for start, end, sentence in ranked:
        if estimate is None and (found := read_estimate(sentence)) is not None:
            estimate = (found, start, end)
        if arms is None and (pair := read_arms(sentence, terms, text)) is not None:
            arms = (pair, start, end)
    return estimate, arms
