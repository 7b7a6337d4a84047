"""Summary-of-Findings tables laid out as GRADEpro prints them: PICO header, one row per outcome, legend.

:func:`sof_tables` gives two tables, one for clinical claims (efficacy, harms)
and one for mechanistic claims (mechanisms in people, disease biology,
receptor pharmacology). Each row is an outcome (a claim, or one part of a
bundled claim) with its measure and time point, participants (studies), the
effect the deciding studies report (with the sentence it came from), the
certainty as GRADE's circles, the outcome's importance, what happens in the
GRADE Working Group's plain-language wording ("probably", "may", "very
uncertain"), robustness and the footnotes. The GRADE legend goes under each
table. Checkable facts are not graded and stay out of both tables.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..corpus.claims import Claim
from ..evidence.effects import Arms, Estimate
from .absolute import effect_cells
from .grade import CERTAINTY_SYMBOLS, ClaimVerdict, PartVerdict
from .summary import numbered_footnotes

__all__ = ["GRADE_LEGEND", "SOF_TABLE_COLUMNS", "SofTable", "plain_language", "sof_tables"]

#: Columns of each table, as GRADEpro names them.
SOF_TABLE_COLUMNS = [
    "Outcome", "Measure and time point", "№ of participants (studies)", "Relative effect (95% CI)",
    "Absolute effect (95% CI)", "Certainty of the evidence (GRADE)", "Importance", "What happens", "Robustness",
    "Footnotes",
]
#: The GRADE Working Group grades of evidence, printed under every table.
GRADE_LEGEND = (
    "GRADE Working Group grades of evidence.",
    "High certainty (⊕⊕⊕⊕): we are very confident that the true effect lies close to that of the estimate.",
    "Moderate certainty (⊕⊕⊕◯): we are moderately confident in the effect estimate; the true effect is likely to be "
    "close to it, but there is a possibility that it is substantially different.",
    "Low certainty (⊕⊕◯◯): our confidence in the effect estimate is limited; the true effect may be substantially "
    "different from it.",
    "Very low certainty (⊕◯◯◯): we have very little confidence in the effect estimate; the true effect is likely to be "
    "substantially different from it.",
    "Effects are those of the heaviest deciding study that reports one (named in the cell; its sentence in the "
    "footnote), not pooled. Relative effect: the ratio it reports (RR, OR, HR) with its 95% CI, else the RR "
    "computed from its arms' counts (log method). Absolute effect: risk with the intervention vs risk with the "
    "comparator per 1,000, then the difference per 1,000 with its 95% CI, computed as GRADEpro does from the "
    "comparator arm's risk (the reported ratio applied to it, an OR converted through it; with counts only, "
    "Newcombe's interval); for a continuous outcome the difference in means (SMD, MD, g, d) in GRADEpro's words. "
    "'not reported' when the text gives none. CI: confidence interval; RR: risk ratio; OR: odds ratio; HR: hazard "
    "ratio; SMD: standardised mean difference; MD: mean difference.",
)
CLINICAL_KINDS = ("clinical_efficacy", "harms")
MECHANISTIC_KINDS = ("mechanism_in_people", "disease_biology", "molecular_pharmacology")
_IMPORTANCE = {"clinical_efficacy": "critical", "harms": "critical"}
_TIME = re.compile(r"\b(?:within (?:\w+ )?(?:minutes|hours|days|weeks)|after (?:a |one |\w+ )?(?:single )?(?:dose|"
                   r"infusion)s?|\d+(?:-| to )?\d* (?:hours?|days?|weeks?|months?)|(?:for|over) (?:weeks|months|years)"
                   r"|lasting|long[- ]term|sustained|rapid(?:ly)?|transient)\b", re.IGNORECASE)
_IRREGULAR = {"is": "be", "are": "be", "has": "have", "does": "do", "was": "be"}


@dataclass(frozen=True)
class SofTable:
    """One Summary-of-Findings table.

    Attributes
    ----------
    title : str
        ``Clinical claims`` or ``Mechanistic claims``.
    pico : dict of str to str
        Population, intervention, comparison, setting.
    frame : pandas.DataFrame
        Columns :data:`SOF_TABLE_COLUMNS`, one row per outcome.
    legend : tuple of str
        The GRADE legend (:data:`GRADE_LEGEND`).
    """

    title: str
    pico: dict[str, str]
    frame: pd.DataFrame
    legend: tuple[str, ...] = GRADE_LEGEND


def _base_form(verb: str) -> str:
    """``relieves`` -> ``relieve``, ``has`` -> ``have`` (for "may relieve")."""
    word = verb.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _split(statement: str, subject: str) -> tuple[str, str, str] | None:
    """(subject as written, verb, rest) when the statement starts with its subject and a verb."""
    text = statement.strip().rstrip(".")
    match = re.match(r"(?P<s>(?:the )?" + re.escape(subject) + r")\s+(?P<v>\w+)\s+(?P<r>.+)$", text,
                     flags=re.IGNORECASE)
    if match and match.group("v").lower().endswith("s"):
        return match.group("s"), match.group("v"), match.group("r")
    # "Ketamine's side effects are minor": a possessive subject takes only a form of be or have
    match = re.match(r"(?P<s>" + re.escape(subject) + r"'s(?: [\w-]+){1,3}?)\s+(?P<v>is|are|has|have)\s+(?P<r>.+)$",
                     text, flags=re.IGNORECASE)
    return (match.group("s"), match.group("v"), match.group("r")) if match else None


def plain_language(claim: Claim, code: str, certainty: str) -> str:
    """The GRADE Working Group's plain-language statement for a verdict.

    High certainty states the effect; moderate says "probably"; low says "may"; very low says "the evidence
    is very uncertain". A statement whose grammar cannot be adapted is quoted instead.

    Parameters
    ----------
    claim : Claim
    code : str
        The verdict code (or a part's code).
    certainty : str
        ``high`` ... ``very low``; "" when not graded.

    Returns
    -------
    str

    Examples
    --------
    >>> from litreview.corpus.claims import Claim, ClaimSource
    >>> c = Claim(id="x", mechanism="clinical", kind="clinical_efficacy", statement="Ketamine relieves pain.",
    ...           subject="ketamine", effect="improves", outcome="pain", sources=(ClaimSource("a.txt", "q"),))
    >>> plain_language(c, "supported", "moderate")
    'Ketamine probably relieves pain.'
    >>> plain_language(c, "not_supported", "low")
    'Ketamine may not relieve pain.'
    """
    quoted = f"“{claim.statement.strip().rstrip('.')}”"
    if code in ("insufficient", "no_evidence") or not certainty:
        return f"No conclusion: the evidence is insufficient to say whether {quoted} holds."
    if certainty == "very low":
        return f"The evidence is very uncertain about whether {quoted} holds."
    if code == "contested":
        return f"Studies of comparable weight disagree about whether {quoted} holds ({certainty} certainty)."
    parts = _split(claim.statement, claim.subject)
    positive = code in ("supported", "partly_supported")
    if parts is None:
        verb = {"high": "shows", "moderate": "probably shows", "low": "may show"}[certainty]
        return f"The evidence {verb} that {quoted} {'holds' if positive else 'does not hold'}" + (
            " in part." if code == "partly_supported" else ".")
    subject, verb, rest = parts
    subject = subject[0].upper() + subject[1:]
    if positive:
        said = {"high": f"{verb}", "moderate": f"probably {verb}", "low": f"may {_base_form(verb)}"}[certainty]
    else:
        said = {"high": f"does not {_base_form(verb)}", "moderate": f"probably does not {_base_form(verb)}",
                "low": f"may not {_base_form(verb)}"}[certainty]
        if verb.lower() in ("is", "are", "has", "have"):
            said = {"high": f"{verb} not", "moderate": f"probably {verb} not",
                    "low": f"may not {_base_form(verb)}"}[certainty]
    tail = " (in part: see the footnotes)" if code == "partly_supported" else ""
    return f"{subject} {said} {rest}{tail}."


def _text(value: object) -> str:
    """A cell's text; "" for None or NaN."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _effect_cells(verdict: ClaimVerdict, studies: pd.DataFrame, part: str | None) -> tuple[str, str, str]:
    """(relative, absolute, footnote) from the heaviest deciding study that reports an effect or per-arm risks."""
    rows = studies[(studies["claim_id"] == verdict.claim_id) & studies["key"].isin(verdict.deciding)]
    rows = rows[[bool(_text(e) or _text(a)) for e, a in zip(rows["effect"], rows["arms"])]]
    if part is not None:
        rows = rows[[part in str(p).split("; ") for p in rows["parts"]]]
    if rows.empty:
        return "not reported", "not reported", ""
    top = rows.sort_values(["weight", "key"], ascending=[False, True]).iloc[0]
    arms_text = _text(top["arms"])
    cells = effect_cells(Estimate.parse(_text(top["effect"])), Arms.parse(arms_text) if arms_text else None)
    quoted = dict.fromkeys(s for s in (_text(top["effect_sentence"]), _text(top["arms_sentence"])) if s)
    note = f"Effect from {top['label']}: {' '.join(f'“{s}”' for s in quoted)} {cells.method}".strip()
    relative, absolute = cells.relative, cells.absolute
    if relative.startswith("not applicable"):
        absolute = f"{absolute} — {top['label']}"
    elif relative != "not reported":
        relative = f"{relative} — {top['label']}"
    return relative, absolute, note


def _participants(n: int | None, studies: int, unknown: int) -> str:
    """GRADEpro's cell: ``"582 (3 studies)"``, ``"not stated (2 studies)"``; studies without a size are said."""
    noun = "study" if studies == 1 else "studies"
    if n is None:
        return f"not stated ({studies} {noun})"
    return f"{n:,} ({studies} {noun}{f'; {unknown} without a size' if unknown else ''})"


def _row(claim: Claim, verdict: ClaimVerdict, studies: pd.DataFrame, part: PartVerdict | None) -> dict[str, object]:
    """One outcome row."""
    time = _TIME.search(claim.statement)
    measure = f"{claim.outcome}; time point: {time.group(0) if time else 'as the studies report'}"
    code, certainty = (part.code, part.certainty) if part else (verdict.verdict_code, verdict.certainty)
    relative, absolute, effect_note = _effect_cells(verdict, studies, part.label if part else None)
    if part is not None:
        mine = studies[(studies["claim_id"] == claim.id) & studies["key"].isin(verdict.deciding)]
        mine = mine[[part.label in str(p).split("; ") for p in mine["parts"]]]
        counted = mine["n_counted"].dropna()
        participants = _participants(int(counted.sum()) if len(counted) else None, len(mine), len(mine) - len(counted))
    else:
        participants = _participants(verdict.n_participants, verdict.n_body, verdict.n_size_unknown)
    return {
        "Outcome": f"{claim.id}: {part.label}" if part else claim.id,
        "Measure and time point": measure,
        "№ of participants (studies)": participants,
        "Relative effect (95% CI)": relative,
        "Absolute effect (95% CI)": absolute,
        "Certainty of the evidence (GRADE)": f"{CERTAINTY_SYMBOLS.get(certainty, '')} {certainty}".strip()
        or "not graded",
        "Importance": _IMPORTANCE.get(claim.kind, "mechanistic"),
        "What happens": plain_language(claim, code, certainty),
        "Robustness": verdict.robustness,
        "Footnotes": " ".join(filter(None, (effect_note, numbered_footnotes(verdict.footnotes)))),
    }


def _pico(claims: Sequence[Claim], title: str, setting: str, population: str | None,
          intervention: str | None) -> dict[str, str]:
    """The PICO header of one table: the review's population and intervention when set, else from its claims."""
    words = Counter(w for c in claims for w in re.findall(r"[\w-]+", c.subject.lower()) if len(w) > 3)
    intervention = intervention or (words.most_common(1)[0][0] if words else "the intervention the claims name")
    outcomes = sorted({c.outcome for c in claims})
    if population is None:
        population = ("the people each outcome concerns, as each study enrolled them" if title.startswith("Clinical")
                      else "people for claims about people; animals and cells where the claim is receptor "
                           "pharmacology")
    return {
        "Population": population,
        "Intervention": f"{intervention} (as each claim names it; studies of another drug or enantiomer are rated down "
                        "for indirectness)",
        "Comparison": "placebo, active placebo or usual care as each study reports it; uncontrolled studies are "
                      "rated down for risk of bias",
        "Outcomes": "; ".join(outcomes[:8]) + ("; ..." if len(outcomes) > 8 else ""),
        "Setting": setting,
    }


def sof_tables(claims: Sequence[Claim], verdicts: Sequence[ClaimVerdict], studies: pd.DataFrame,
               setting: str = "the studies in the review's snapshot", population: str | None = None,
               intervention: str | None = None) -> tuple[SofTable, SofTable]:
    """The clinical and the mechanistic Summary-of-Findings tables.

    Parameters
    ----------
    claims : sequence of Claim
    verdicts : sequence of ClaimVerdict
        The verdicts, one per claim.
    studies : pandas.DataFrame
        The review's studies (:attr:`litreview.workbench.pipeline.Review.studies`).
    setting : str
        The setting line of the PICO header.
    population, intervention : str, optional
        The review's population and intervention (``litreview.toml``); read
        from the claims when not given.

    Returns
    -------
    tuple of (SofTable, SofTable)
        Clinical claims, then mechanistic claims.
    """
    by_id = {v.claim_id: v for v in verdicts}
    out = []
    for title, kinds in (("Clinical claims", CLINICAL_KINDS), ("Mechanistic claims", MECHANISTIC_KINDS)):
        chosen = [c for c in claims if c.kind in kinds]
        rows = []
        for claim in chosen:
            verdict = by_id[claim.id]
            rows.append(_row(claim, verdict, studies, None))
            rows += [_row(claim, verdict, studies, p) for p in verdict.parts if p.code != "no_evidence"]
        pico = _pico(chosen, title, setting, population, intervention)
        out.append(SofTable(title, pico, pd.DataFrame(rows, columns=SOF_TABLE_COLUMNS)))
    return out[0], out[1]
