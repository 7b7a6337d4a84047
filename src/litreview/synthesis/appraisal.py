"""Study appraisal against one claim: evidence stream, GRADE start, risk of bias, directness, weight.

Synthesis rates a *body* of evidence; this module prepares what it needs to
know about each (study, claim) assessment first, and says why in words:

- **stream**: ``human``, ``animal`` or ``in_vitro`` (a study of mixed
  populations, such as a review of human and rodent work, joins the human
  stream: it holds human data);
- **design**: a review whose text reports a systematic search counts as a
  systematic review, whatever design the record gave it;
- **votes**: whether the study counts towards the direction of the body.
  Context items (a study that informs but does not test the claim), studies
  with no direction, narrative reviews and editorials, retracted studies and
  studies reviewers dispute (unresolved) inform but never vote;
  ``votes_if_resolved`` says whether a disputed study would vote once
  resolved, so synthesis can show the verdict with it;
- **randomised**: GRADE's starting point (randomised evidence starts high,
  observational low). A systematic review or meta-analysis starts high only
  when its text says it pooled randomised trials and names no other design;
  a laboratory experiment (animal, in vitro) starts high; for a
  ``disease_biology`` claim every human study is a group comparison and
  starts low, whatever design carried it;
- **counted n**: a review counts the studies and participants of the
  comparison it reports for the claim ("7 RCTs, 185 participants"), not its
  total; ``n_counted_span`` is the sentence it came from;
- **effect**: the first effect estimate the text reports (ratio or
  difference, with its 95% CI when given) and its sentence; **arms**: the
  per-arm risks of a dichotomous outcome ("12/30 vs 4/28", intervention
  first) and their sentence (both read by
  :func:`litreview.evidence.effects.find_effect`); whether the text reports a
  dose-response gradient;
- **risk of bias**: preclinical studies get SYRCLE's reportable items
  (randomisation, blinding, sample size not reported); human studies get
  concerns read from the design and the text (no control
  group, open label or single blind, fewer than 20 participants, post hoc or
  secondary analysis, interim analysis or stopped early, not peer reviewed,
  and a review's own finding of high risk of bias in its trials);
- **indirectness**: population (animal or in-vitro evidence for a claim about
  people; a population the claim's protocol names as indirect), intervention
  (only another drug the review's ``litreview.toml`` lists as indirect, e.g. an
  enantiomer or another drug of the class, instead of the intervention) and outcome (a
  surrogate the protocol names; the outcome not measured at all);
- what a review says about itself: its own certainty rating for the claim's
  outcome (a rating of another outcome does not count), heterogeneity,
  publication or reporting bias;
- **weight**: design factor x sqrt(participants) (n capped at 2,500, a study
  with no stated n counts at the median n of its design in the snapshot),
  halved for a risk-of-bias concern and halved again per level of
  indirectness. A 158-person RCT weighs 12.6, a 10-person uncontrolled study
  0.5.

Every rule is in ``docs/synthesis.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import pandas as pd

from ..corpus.claims import Claim
from ..corpus.records import Article
from ..corpus.review_config import Intervention
from ..corpus.sentences import split_sentences
from ..corpus.snapshot import CuratedJudgement
from ..evidence.design_cues import (
    NOT_RANDOMISED,
    OPEN_LABEL,
    OPEN_LABEL_WORD,
    RANDOMISED,
    SINGLE_BLIND,
    SYSTEMATIC_SEARCH,
)
from ..evidence.effects import find_effect
from ..evidence.extraction import defining_phrases, outcome_pattern, review_certainty

__all__ = [
    "APPRAISAL_COLUMNS",
    "DESIGN_FACTOR",
    "N_CAP",
    "VOTING_DIRECTIONS",
    "appraise",
    "matches_any",
]

#: Directions that count towards the body of evidence.
VOTING_DIRECTIONS = ("supports", "contradicts", "no_effect", "mixed")
#: Designs that inform but never vote.
NON_VOTING_DESIGNS = ("narrative_review", "editorial")
#: Relative weight of one participant by design (before the square root of n).
DESIGN_FACTOR = {
    "meta_analysis": 1.0, "systematic_review": 0.8, "rct": 1.0, "experimental": 1.0,
    "controlled_trial": 0.7, "cohort": 0.5, "case_control": 0.5, "cross_sectional": 0.4,
    "other": 0.3, "case_series": 0.2, "case_report": 0.1, "narrative_review": 0.0, "editorial": 0.0,
}
#: Median n by design when the snapshot states none for that design.
FALLBACK_N = {
    "meta_analysis": 500, "systematic_review": 500, "rct": 40, "experimental": 20, "controlled_trial": 30,
    "cohort": 60, "case_control": 60, "cross_sectional": 100, "other": 20, "case_series": 10, "case_report": 1,
}
N_CAP = 2500
SMALL_N = 20
#: A study finding no harm rules a common harm out only with at least this many participants (OCEBM harms, level 3).
HARMS_MIN_N = 100
REVIEWS = ("meta_analysis", "systematic_review")
#: Kinds for which animal and in-vitro work is indirect in population (two levels: population and model).
PEOPLE_KINDS = ("mechanism_in_people", "disease_biology", "clinical_efficacy", "harms")

#: Columns :func:`appraise` adds, in order.
APPRAISAL_COLUMNS = [
    "stream", "votes", "votes_if_resolved", "vote_note", "randomised", "rob", "indirectness", "indirect_levels",
    "review_certainty", "heterogeneity", "publication_bias", "parts", "k_comparison", "n_counted", "n_counted_span",
    "effect", "effect_sentence", "arms", "arms_sentence", "dose_response", "n_used", "base_weight", "weight", "label", "rob_judged_by",
]

_flags = re.IGNORECASE
_NO_CONTROL = re.compile(
    r"\buncontrolled\b|\bsingle[- ]arm\b|\bno (?:control|placebo|comparison)\b|\bwithout (?:a )?(?:control|placebo)"
    r"|\bopen[- ]label (?:study|extension|course|follow|trial|series)|\bextension study\b|\bchart review\b"
    r"|\bcase series\b|\bversus baseline\b|\bfrom baseline\b", _flags)
_POST_HOC = re.compile(r"\bpost[- ]hoc\b|\bsecondary analysis\b", _flags)
_STOPPED = re.compile(r"\binterim analysis\b|\bstopped early\b|\bterminated early\b", _flags)
_PREPRINT = re.compile(r"\bpreprint\b|\bunreviewed\b|\bnot peer[- ]reviewed\b", _flags)
_REVIEW_BIAS = re.compile(r"\bhigh (?:risk of )?bias\b|\bbias risk\b|\brisk of bias was high\b", _flags)
_PUBLICATION_BIAS = re.compile(
    r"\bpublication bias\b|\bsmall[- ]study effects?\b|\bfunnel\b|\bafter bias correction\b|\bselective reporting\b",
    _flags)
_HETEROGENEITY = re.compile(
    r"\bhigh heterogeneity\b|\bheterogeneous\b|\bvaried widely\b|\binconsistent across\b|\berratic\b", _flags)
_RANDOMISED_REVIEW = re.compile(r"\bRCTs?\b|\brandomi[sz]ed\b|\bcontrolled trials\b", _flags)
_NON_RANDOMISED = re.compile(
    rf"{NOT_RANDOMISED.pattern}|{OPEN_LABEL_WORD.pattern}|\buncontrolled\b|\bcase reports?\b|\bobservational\b"
    r"|\bcohorts?\b|\bchart review\b", _flags)
_NEGATED = re.compile(r"\b(?:no|not|without|absence of|little)\b(?:\W+\w+){0,3}\W*$", _flags)
_BLINDED = re.compile(r"\bblind", _flags)
_NUMBER = r"(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
#: "7 RCTs, 185 participants", "three trials (n = 103)": the comparison a review reports for the claim.
_COMPARISON = re.compile(
    _NUMBER + r"\s+(?:randomi[sz]ed\s+)?(?:controlled\s+)?(?:RCTs?|trials?|studies|cohorts?)\b[^.;]{0,60}?"
    r"(?:\(\s*)?(?:n\s*=\s*(\d[\d,]*)|(\d[\d,]*)\s+(?:participants|patients|subjects|people|individuals|adults))",
    _flags)
_DOSE = re.compile(r"\bdose[- ](?:dependent|response|related)\b|\bdose[- ]dependently\b", _flags)
#: Words before a count that make it the review's whole scope, not one comparison.
_SCOPE = re.compile(r"\b(?:review|meta-analys[ie]s|analysis|overview|search) (?:of|found|identified)\s*$"
                    r"|\bincluded\s*$|\bincluding\s*$", _flags)
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
#: A clause break within a sentence: a review lists its comparisons "7 RCTs (n = 185); 3 trials (n = 103)".
_CLAUSE = re.compile(r"(?<=;)\s+")


def _affirmed(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` occurs in ``text`` other than negated ("no publication bias detected")."""
    return any(not _NEGATED.search(text[max(0, m.start() - 40):m.start()]) for m in pattern.finditer(text))


@lru_cache(maxsize=4096)
def _word_start(term: str) -> re.Pattern[str]:
    """A regex matching ``term`` at the start of a word, case-insensitively."""
    return re.compile(r"(?<!\w)" + re.escape(term), re.IGNORECASE)


def matches_any(terms: Sequence[str], text: str) -> str | None:
    """The first of ``terms`` (as written) found in ``text`` at the start of a word, any case; else None."""
    return next((t for t in terms if _word_start(t).search(text)), None)


def _stream(population: str | None) -> str:
    """Evidence stream of a population label."""
    if population in ("human", "mixed"):
        return "human"
    if population in ("animal", "in_vitro"):
        return population
    return "unknown"


def _role(row: Mapping[str, object], design: str, kind: str) -> str:
    """Why a study does or does not vote (``vote`` when it does)."""
    if row["excluded"]:
        return "excluded (retracted)"
    if row.get("review_status") == "disputed":
        return "disputed by reviewers (unresolved)"
    if row["direction"] == "context":
        return "context (informs, does not test the claim)"
    if row["direction"] not in VOTING_DIRECTIONS:
        return "no direction"
    if design in NON_VOTING_DESIGNS:
        return f"{design.replace('_', ' ')} (informs, never votes)"
    size = row["sample_size"]
    if kind == "harms" and row["direction"] == "supports" and (pd.isna(size) or size < HARMS_MIN_N):
        return f"too small to rule out a harm (n {'not stated' if pd.isna(size) else size} < {HARMS_MIN_N})"
    return "vote"


def _randomised(design: str, stream: str, kind: str, text: str) -> bool:
    """Whether GRADE's start for this study is *high* (randomised or laboratory experiment)."""
    if kind == "disease_biology" and stream == "human":
        return False
    if design in ("rct", "experimental"):
        return True
    if design in REVIEWS:
        return bool(_RANDOMISED_REVIEW.search(text)) and not _NON_RANDOMISED.search(text)
    return False


def _risk_of_bias(design: str, stream: str, n: int | None, text: str) -> list[str]:
    """Risk-of-bias concerns read from design and text."""
    concerns = []
    if design in REVIEWS:
        if _affirmed(_REVIEW_BIAS, text):
            concerns.append("review finds high risk of bias in its studies")
        return concerns
    if stream in ("animal", "in_vitro"):
        # SYRCLE's risk-of-bias items a finding can state: allocation, blinding, sample size
        if not RANDOMISED.search(text):
            concerns.append("randomisation not reported")
        if not _BLINDED.search(text):
            concerns.append("blinding not reported")
        if n is None:
            concerns.append("sample size not reported")
        return concerns
    if stream != "human":
        return concerns
    randomised_design = design in ("rct", "controlled_trial")
    if design in ("case_series", "case_report") or (not randomised_design and _NO_CONTROL.search(text)):
        concerns.append("no control group")
    if OPEN_LABEL.search(text) or SINGLE_BLIND.search(text):
        concerns.append("not double-blind")
    if n is not None and n < SMALL_N:
        concerns.append(f"n={n} (<{SMALL_N})")
    if _POST_HOC.search(text):
        concerns.append("post hoc or secondary analysis")
    if _STOPPED.search(text):
        concerns.append("interim analysis or stopped early")
    if _PREPRINT.search(text):
        concerns.append("not peer reviewed")
    return concerns


def _indirectness(claim: Claim, stream: str, text: str, intervention: Intervention | None) -> tuple[list[str], int]:
    """Indirectness reasons and levels (0-2) of one study for one claim."""
    reasons: list[str] = []
    levels = 0
    if claim.kind in PEOPLE_KINDS and stream in ("animal", "in_vitro"):
        reasons.append(f"population: {stream.replace('_', '-')} evidence for a claim about people")
        levels += 2
    population = matches_any(claim.indirect_populations, text)
    if population:
        reasons.append(f"population: {population}")
        levels += 1
    if claim.kind != "molecular_pharmacology" and intervention is not None:
        other = intervention.indirect_in(text)
        named = intervention.names_in(defining_phrases(intervention.name).sub(" ", text))
        if other and not named and other.lower() not in claim.subject.lower():
            reasons.append(f"intervention: {other.lower()}, not {intervention.name}")
            levels += 1
    if claim.effect == "mediates" and claim.kind != "molecular_pharmacology" and stream == "human":
        reasons.append("outcome: a requirement in people is inferred (other drugs, associations), "
                       "not shown by removing the mediator")
        levels += 1
    surrogate = matches_any(claim.surrogates, text)
    if surrogate:
        reasons.append(f"outcome: surrogate ({surrogate})")
        levels += 1
    elif claim.outcome_terms and not matches_any(claim.outcome_terms, text):
        reasons.append(f"outcome: {claim.outcome} not measured")
        levels += 2
    return reasons, min(levels, 2)


def _review_certainty(design: str, text: str, claim: Claim) -> str:
    """A review's own GRADE rating for the claim's outcome, when its text states one (see
    :func:`litreview.evidence.extraction.review_certainty`)."""
    if design not in REVIEWS:
        return ""
    found = review_certainty(text, outcome_pattern(claim))
    return found[0].lower() if found else ""


def _number(text: str) -> int:
    """``"1,205"`` or ``"seven"`` as an int."""
    return _WORD_NUMBERS.get(text.lower()) or int(text.replace(",", ""))


def _comparison(design: str, text: str, claim: Claim) -> tuple[int | None, int | None, str]:
    """(studies, participants, sentence) of the comparison a review reports for the claim; Nones when unstated.

    A review often states its whole scope first ("Cochrane review of 64 RCTs (5299 adults)") and the comparison
    that answers the claim later ("7 trials, 185 people"): the scope is passed over when a comparison is given;
    sentences naming the claim's outcome come first, then the order of the text.
    """
    if design not in REVIEWS:
        return None, None, ""
    found = []
    for sentence in (c for s in split_sentences(text) for c in _CLAUSE.split(s)):
        names = bool(claim.outcome_terms and matches_any(claim.outcome_terms, sentence))
        for match in _COMPARISON.finditer(sentence):
            scope = bool(_SCOPE.search(sentence[max(0, match.start() - 40):match.start()]))
            found.append((scope, not names, len(found), _number(match.group(1)),
                          _number(match.group(2) or match.group(3)), sentence.strip()))
    if not found:
        return None, None, ""
    *_, k, n, sentence = min(found)
    return k, n, sentence


def _effect(text: str, claim: Claim) -> tuple[str, str, str, str]:
    """(estimate, its sentence, arms, their sentence) as :func:`litreview.evidence.effects.find_effect` reads the
    text, sentences naming the claim's outcome first; "" for what the text does not report."""
    estimate, arms = find_effect(text, claim.agents or (claim.subject,), outcome_pattern(claim))
    return (str(estimate[0]) if estimate else "", text[estimate[1]:estimate[2]].strip() if estimate else "",
            str(arms[0]) if arms else "", text[arms[1]:arms[2]].strip() if arms else "")


def _design(design: str, text: str) -> str:
    """The design synthesis uses: a review that reports a systematic search is a systematic review."""
    if design in ("narrative_review", "other") and SYSTEMATIC_SEARCH.search(text):
        return "systematic_review"
    return design


def _study_label(article: Article | None, key: str) -> str:
    """``Zarate 2006``; the key stands in for an author that is not recorded (never an invented name)."""
    if article is None:
        return key
    first = article.authors[0] if article.authors else None
    author = (first.last_name or first.collective_name) if first else None
    year = str(article.year) if article.year else None
    if author:
        return f"{author} {year}" if year else author
    return f"{key} ({year})" if year else key


def _study_labels(by_key: Mapping[str, Article], keys: Iterable[str]) -> dict[str, str]:
    """Unique labels for ``keys``: ``Murrough 2013a``, ``Murrough 2013b``... where first author and year repeat
    (lettered in PMID order, as the records entered PubMed)."""
    keys = sorted(set(keys), key=lambda k: (0, int(k), k) if k.isdigit() else (1, 0, k))
    base = {key: _study_label(by_key.get(key), key) for key in keys}
    shared: dict[str, list[str]] = {}
    for key in keys:
        shared.setdefault(base[key], []).append(key)
    out = {}
    for label, group in shared.items():
        for index, key in enumerate(group):
            letter = letter_suffix(index)
            out[key] = label if len(group) == 1 else f"{label}{letter}" if label[-1].isdigit() else f"{label} {letter}"
    return out


def letter_suffix(index: int) -> str:
    """a, b, ..., z, aa, ab, ... for 0, 1, ... (study labels, citation keys)."""
    return (letter_suffix(index // 26 - 1) if index >= 26 else "") + "abcdefghijklmnopqrstuvwxyz"[index % 26]


def _person_rob(judged: Sequence[tuple[str, str, str]] | None) -> list[str] | None:
    """A person's risk-of-bias concerns (domains judged above low), or None when nobody judged the study."""
    if not judged:
        return None
    return [f"{label} {judgement.replace('_', ' ')} (judged by {who})" for label, judgement, who in judged
            if judgement != "low"]


def _median_n(studies: pd.DataFrame) -> dict[str, int]:
    """Median stated n per design over the studies (each record once), falling back to FALLBACK_N."""
    stated = studies.dropna(subset=["sample_size"]).drop_duplicates("key")
    medians = dict(FALLBACK_N)
    for design, group in stated.groupby("design"):
        medians[str(design)] = int(group["sample_size"].median())
    return medians


def _study_text(article: Article | None, claim_id: str, findings: Mapping[tuple[str, str], str], key: str) -> str:
    """What the appraisal reads: title plus the claim's curated finding, else the abstract."""
    if article is None:
        return ""
    body = findings.get((key, claim_id)) or article.abstract or article.curated_summary or ""
    return f"{article.title} {body}"


def appraise(
    studies: pd.DataFrame,
    claims: Sequence[Claim],
    records: Mapping[str, Article] | Iterable[Article],
    curated: Iterable[CuratedJudgement] = (),
    person_rob: Mapping[tuple[str, str], Sequence[tuple[str, str, str]]] | None = None,
    intervention: Intervention | None = None,
) -> pd.DataFrame:
    """Add the appraisal columns (:data:`APPRAISAL_COLUMNS`) to the study assessments.

    Parameters
    ----------
    studies : pandas.DataFrame
        Assessments (:func:`litreview.evidence.assessments_to_frame`).
    claims : sequence of Claim
        The claims the assessments refer to (kind and review protocol).
    records : mapping of str to Article, or iterable of Article
        The records, for title and text.
    curated : iterable of CuratedJudgement
        Curator judgements: a curated record is read through the finding
        written for *this* claim, never another claim's.
    person_rob : mapping, optional
        A person's risk-of-bias domain judgements per (record, claim)
        (:func:`litreview.corpus.rob.person_rob`): where present they replace
        the concerns read from the text, each concern naming its domain and
        who judged it, so the GRADE footnote says so.
    intervention : Intervention, optional
        The review's intervention: a study of only an indirect one (its
        ``indirect`` list) is rated down for indirectness.

    Returns
    -------
    pandas.DataFrame
        A copy of ``studies`` with the appraisal columns; ``rob``,
        ``indirectness`` and ``parts`` are ``"; "``-joined text ("" when none).

    Raises
    ------
    KeyError
        An assessment names a claim not in ``claims``.
    """
    by_key = records if isinstance(records, Mapping) else {a.key: a for a in records}
    by_claim = {c.id: c for c in claims}
    findings = {(j.key, j.claim_id): j.finding for j in curated}
    medians = _median_n(studies)
    labels = _study_labels(by_key, studies["key"])
    rows = []
    for row in studies.to_dict("records"):
        claim = by_claim[row["claim_id"]]
        stream = _stream(row["population"])
        text = _study_text(by_key.get(row["key"]), claim.id, findings, row["key"])
        design = _design(str(row["design"] or "other"), text)
        stated = None if pd.isna(row["sample_size"]) else int(row["sample_size"])
        k, n_comparison, span = _comparison(design, text, claim)
        n = n_comparison if n_comparison is not None else stated
        domains = (person_rob or {}).get((row["key"], claim.id))
        judged = _person_rob(domains)
        rob = judged if judged is not None else _risk_of_bias(design, stream, n, text)
        reasons, levels = _indirectness(claim, stream, text, intervention)
        n_used = n if n is not None else medians.get(design, FALLBACK_N["other"])
        base = DESIGN_FACTOR.get(design, DESIGN_FACTOR["other"]) * math.sqrt(max(min(n_used, N_CAP), 1))
        weight = base * (0.5 if rob else 1.0) * 0.5 ** levels
        role = _role({**row, "sample_size": n}, design, claim.kind)
        undisputed = role == "vote" or (row.get("review_status") == "disputed"
                                        and _role({**row, "sample_size": n, "review_status": None}, design,
                                                  claim.kind) == "vote")
        effect, effect_sentence, arms, arms_sentence = _effect(text, claim)
        rows.append({
            "design": design,
            "stream": stream,
            "votes": role == "vote" and stream != "unknown",
            "votes_if_resolved": undisputed and stream != "unknown",
            "vote_note": role if stream != "unknown" or role != "vote" else "population not recorded",
            "randomised": _randomised(design, stream, claim.kind, text),
            "rob": "; ".join(rob),
            "indirectness": "; ".join(reasons),
            "indirect_levels": levels,
            "review_certainty": _review_certainty(design, text, claim),
            "heterogeneity": design in REVIEWS and _affirmed(_HETEROGENEITY, text),
            "publication_bias": design in REVIEWS and _affirmed(_PUBLICATION_BIAS, text),
            "parts": "; ".join(p.label for p in claim.parts if matches_any(p.terms, text)),
            "k_comparison": k,
            "n_counted": n,
            "n_counted_span": span,
            "effect": effect,
            "effect_sentence": effect_sentence,
            "arms": arms,
            "arms_sentence": arms_sentence,
            "dose_response": bool(_DOSE.search(text)),
            "n_used": n_used,
            "base_weight": round(base, 3),
            "weight": round(weight, 3),
            "label": labels[row["key"]],
            "rob_judged_by": ", ".join(sorted({who for _, _, who in domains or ()})),
        })
    added = pd.DataFrame(rows, columns=["design", *APPRAISAL_COLUMNS], index=studies.index)
    for name in ("k_comparison", "n_counted"):
        added[name] = added[name].astype("Int64")
    dropped = [c for c in ("design", *APPRAISAL_COLUMNS) if c in studies.columns]
    out = pd.concat([studies.drop(columns=dropped), added], axis=1)
    return out[[*(c for c in studies.columns if c not in APPRAISAL_COLUMNS), *APPRAISAL_COLUMNS]]
