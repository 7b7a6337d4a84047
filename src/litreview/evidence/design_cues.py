"""Design cues: the one set of regular expressions for how a study says it was designed.

Design classification (:mod:`~litreview.evidence.classification`), extraction
(:mod:`~litreview.evidence.extraction`), the risk-of-bias proposals
(:mod:`~litreview.evidence.rob_cues`) and GRADE's appraisal
(:mod:`litreview.synthesis.appraisal`) read the same words; each cue is
written here once, with every alternative the four used to write apart.

- :data:`RANDOMISED`: the study was randomised ("randomised", "randomization",
  "randomly assigned / allocated / divided"); "non-randomised" is not.
- :data:`NOT_RANDOMISED`: "non-randomised", "not randomised", "without randomisation".
- :data:`DOUBLE_BLIND`: double, triple or quadruple blind(ed).
- :data:`SINGLE_BLIND`: single blind(ed).
- :data:`OPEN_LABEL`: open label, unblinded or not blinded, *of the study
  itself*: an open-label extension, phase, continuation, follow-up or period
  after a blinded trial is not.
- :data:`OPEN_LABEL_WORD`: "open label" in any use (a design classifier wants
  the extension study too: it has no control arm).
- :data:`PLACEBO`: a placebo-like comparator (placebo, saline, sham, vehicle).
- :data:`SYSTEMATIC_SEARCH`: a systematic review or literature search, or
  bibliographic databases searched.
- :data:`META_ANALYSIS`: a meta-analysis, pooled analysis or network meta-analysis.
"""

from __future__ import annotations

import re

__all__ = ["RANDOMISED", "NOT_RANDOMISED", "DOUBLE_BLIND", "SINGLE_BLIND", "OPEN_LABEL", "OPEN_LABEL_WORD",
           "PLACEBO", "SYSTEMATIC_SEARCH", "META_ANALYSIS"]

_I = re.IGNORECASE

#: The study was randomised.
RANDOMISED = re.compile(r"(?<!non-)(?<!non)\brandomi[sz](?:ed|ation)\b|\brandomly (?:assigned|allocated|divided)\b", _I)
#: The study says it was not randomised.
NOT_RANDOMISED = re.compile(r"\bnon-?randomi[sz]ed\b|\bnot randomi[sz]ed\b|\bwithout randomi[sz]ation\b", _I)
#: Double (triple, quadruple) blind.
DOUBLE_BLIND = re.compile(r"\b(?:double|triple|quadruple)[- ]?blind(?:ed)?\b", _I)
#: Single blind.
SINGLE_BLIND = re.compile(r"\bsingle[- ]?blind(?:ed)?\b", _I)
#: Open label of the study itself; an open-label extension, phase or follow-up after a blinded trial is not.
OPEN_LABEL = re.compile(r"\bopen[- ]label\b(?! (?:extension|phase|continuation|follow[- ]?up|period))|\bunblinded\b|"
                        r"\bnot blinded\b", _I)
#: "Open label" in any use, an extension study's included.
OPEN_LABEL_WORD = re.compile(r"\bopen[- ]?label\b", _I)
#: A placebo-like comparator.
PLACEBO = re.compile(r"\bplacebo\b|\bsaline\b|\bsham\b|\bvehicle\b", _I)
#: A systematic search of the literature.
SYSTEMATIC_SEARCH = re.compile(
    r"\bsearched\b.{0,120}\b(?:databases?|MEDLINE|PubMed|Embase|CENTRAL|PsycINFO|Web of Science|Cochrane|"
    r"registers?)\b|\bsystematic(?:ally)? (?:review|search|literature search)|\bCochrane (?:systematic )?review\b|"
    r"\bliterature search\b", _I)
#: A meta-analysis or pooled analysis.
META_ANALYSIS = re.compile(r"\bmeta-?analy[sz]\w*|\bpooled analysis\b|\bnetwork meta", _I)
