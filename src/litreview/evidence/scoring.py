"""Evidence scoring: design, population, sample size, direction, flags and an auditable score.

For every (record, claim) pair, :func:`score_evidence` builds a
:class:`StudyAssessment`: what kind of study it is (:func:`classify_design`),
who was studied (:func:`classify_population`), how many
(:func:`extract_sample_size`), which way the finding points relative to the
claim (:func:`~litreview.evidence.direction_judge.judge_direction`), which warning flags the record carries, and a
strength score with its components and a one-line rationale. The points come
from a :class:`Rubric` read from one TOML file (``scoring.toml`` in the package,
overridable with :func:`load_rubric`); ``docs/scoring.md`` explains them.

Curated records carry a curator's judgement (design, population, n, direction)
for their claims: the verdict uses it, the automatic judgement is computed all
the same, and ``disagreements`` names the fields where the two differ. A
reviewer's judge-stage decision (:mod:`litreview.decisions`) overrides both
for the fields it gives; ``judged_by`` and ``review_status`` say who decided.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..corpus.claims import Claim
from ..corpus.records import Article
from ..corpus.snapshot import CuratedJudgement, curated_fields
from ..corpus.vocabulary import DESIGNS, DIRECTIONS, FLAGS, POPULATIONS
from ..errors import CorpusError
from .classification import (
    SampleSize,
    classify_design,
    classify_population,
    extract_sample_size,
    is_healthy_only,
)
from .direction import direction_features
from .direction_judge import judge_direction

if TYPE_CHECKING:
    from ..corpus.decisions import DecisionLog, Outcome

__all__ = [
    "DESIGNS",
    "POPULATIONS",
    "DIRECTIONS",
    "FLAGS",
    "SampleSize",
    "Rubric",
    "StudyAssessment",
    "classify_design",
    "classify_population",
    "extract_sample_size",
    "direction_features",
    "load_rubric",
    "score_evidence",
    "assessments_to_frame",
]

RUBRIC_FILE = "scoring.toml"
#: The machine cannot say ``context``; it compares with its ``unclear``.
_COMPARABLE_DIRECTION = {"context": "unclear"}
_LABELS = {"rct": "RCT", "meta_analysis": "meta-analysis", "in_vitro": "in vitro", "healthy_human": "healthy humans"}


# -- rubric -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rubric:
    """Points for each part of a study's strength score (see ``docs/scoring.md``).

    Attributes
    ----------
    design : dict of str to float
        Points per design (every name in :data:`DESIGNS`).
    directness : dict of str to float
        Points per population (:data:`POPULATIONS`, plus ``healthy_human``).
    precision_bands : tuple of (int, float)
        ``(minimum n, points)``, largest minimum first.
    precision_unknown : float
        Points when no sample size is known.
    flags : dict of str to float
        Penalty per flag (:data:`FLAGS`).
    exclude : tuple of str
        Flags that exclude a study from verdicts (shown all the same).
    source : str
        File the rubric came from.
    """

    design: dict[str, float]
    directness: dict[str, float]
    precision_bands: tuple[tuple[int, float], ...]
    precision_unknown: float
    flags: dict[str, float]
    exclude: tuple[str, ...]
    source: str = field(default="", compare=False)

    def precision(self, n: int | None) -> float:
        """Points for a sample size."""
        if n is None:
            return self.precision_unknown
        return next((points for minimum, points in self.precision_bands if n >= minimum), 0.0)


def _number(value: Any, what: str, path: str) -> float:
    """A finite int/float, else a one-line CorpusError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CorpusError(f"{what} must be a number, not {value!r}", path)
    return float(value)


def _overlay(base: dict[str, Any], extra: Mapping[str, Any], path: str, where: str = "") -> dict[str, Any]:
    """Merge ``extra`` over ``base``; unknown names raise CorpusError with a suggestion."""
    out = dict(base)
    for name, value in extra.items():
        if name not in base:
            hint = difflib.get_close_matches(name, list(base), n=1)
            extra_hint = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise CorpusError(f"unknown rubric entry {where + name!r}{extra_hint}", path)
        if isinstance(base[name], dict):
            if not isinstance(value, Mapping):
                raise CorpusError(f"[{where + name}] must be a table", path)
            out[name] = _overlay(base[name], value, path, f"{where}{name}.")
        else:
            out[name] = value
    return out


def _read_toml(path: Path, source: str) -> dict[str, Any]:
    """Parse a rubric TOML file; errors become one-line CorpusErrors."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError("rubric file not found", source) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"rubric is not valid TOML: {exc}", source) from None


def _build_rubric(data: Mapping[str, Any], source: str) -> Rubric:
    """Validate merged rubric data into a Rubric."""
    design = {k: _number(v, f"design.{k}", source) for k, v in data["design"].items()}
    directness = {k: _number(v, f"directness.{k}", source) for k, v in data["directness"].items()}
    bands_raw = data["precision"]["bands"]
    if not isinstance(bands_raw, list) or not all(isinstance(b, list) and len(b) == 2 for b in bands_raw):
        raise CorpusError("precision.bands must be a list of [minimum n, points] pairs", source)
    bands = tuple(
        sorted(((int(_number(b[0], "precision.bands n", source)), _number(b[1], "precision.bands points", source))
                for b in bands_raw), reverse=True)
    )
    flags_raw = dict(data["flags"])
    exclude = flags_raw.pop("exclude")
    if not isinstance(exclude, list) or any(e not in FLAGS for e in exclude):
        raise CorpusError(f"flags.exclude must list flags among {', '.join(FLAGS)}", source)
    flags = {k: _number(v, f"flags.{k}", source) for k, v in flags_raw.items()}
    return Rubric(design, directness, bands, _number(data["precision"]["unknown"], "precision.unknown", source),
                  flags, tuple(exclude), source)


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Load the scoring rubric: the packaged ``scoring.toml``, overlaid with ``path`` when given.

    Parameters
    ----------
    path : str or Path, optional
        A reviewer's TOML file (e.g. from ``--rubric``). It may set only some
        values; the others keep their packaged defaults.

    Returns
    -------
    Rubric

    Raises
    ------
    CorpusError
        The file is missing or not TOML, names an unknown entry, or gives a
        non-numeric weight (one line naming the file).

    Examples
    --------
    >>> load_rubric().design["rct"]
    4.0
    """
    packaged = resources.files("litreview.evidence").joinpath(RUBRIC_FILE)
    data = tomllib.loads(packaged.read_text(encoding="utf-8"))
    source = f"litreview/{RUBRIC_FILE}"
    if path is not None:
        source = str(path)
        data = _overlay(data, _read_toml(Path(path), source), source)
    return _build_rubric(data, source)


# -- assessments --------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyAssessment:
    """One study judged against one claim: the values used, machine and curator readings, score.

    Attributes
    ----------
    key, pmid, claim_id, mechanism : str
        Record key (PMID or ``doi:...``), PMID (None while unresolved), claim and its mechanism.
    design, population, sample_size, sample_size_span, direction, direction_sentence
        The values the verdict uses: a reviewer's decision where given, else
        the curator's, else the machine's (``sample_size_span`` is
        ``reviewer`` or ``curator`` when a person gave n; ``direction_sentence``
        is ``reviewer:<name>: <reason>`` when a reviewer gave the direction
        with a reason).
    auto_design, auto_population, auto_n, auto_direction
        The automatic judgement (always computed).
    auto_confidence : float
        How far to trust ``auto_direction`` (0-1, see :class:`DirectionJudgement`);
        reviewers look at the lowest first.
    curated_design, curated_population, curated_n, curated_direction
        The curator's judgement (None for PubMed records).
    judged_by : str
        Who decided the values the verdict uses: ``curator`` (the register),
        ``reviewer:<name>`` (a decision in the reviewer's log) or ``automatic``.
    review_status : str
        ``verified`` (a person judged the pair), ``unverified`` (only the
        machine did: a proposal, rated down in synthesis) or ``disputed`` (two
        reviewers disagree on the judgement, or on the record's inclusion at
        title/abstract or full text, and no resolution exists: shown, but
        left out of the verdict's vote until resolved).
    disagreements : tuple of str
        Fields (design, population, n, direction) where curator and machine
        both give a value and the values differ.
    flags : tuple of str
        Flags from :data:`FLAGS` the record carries.
    excluded : bool
        Left out of verdicts (retracted by default) but still shown.
    score : float
        Sum of ``components``.
    components : dict of str to float
        ``design``, ``directness``, ``precision``, ``flags`` (minus the penalties).
    rationale : str
        How the score was built, e.g. ``"RCT (4) + human (3) + n=120 (2) - erratum (0.5) = 8.5"``.
    """

    key: str
    pmid: str | None
    claim_id: str
    mechanism: str
    design: str
    population: str
    sample_size: int | None
    sample_size_span: str
    direction: str
    direction_sentence: str
    auto_design: str
    auto_population: str
    auto_n: int | None
    auto_direction: str
    auto_confidence: float
    curated_design: str | None
    curated_population: str | None
    curated_n: int | None
    curated_direction: str | None
    judged_by: str
    review_status: str
    disagreements: tuple[str, ...]
    flags: tuple[str, ...]
    excluded: bool
    score: float
    components: dict[str, float]
    rationale: str


def record_flags(article: Article) -> tuple[str, ...]:
    """Flags a record carries, in :data:`FLAGS` order."""
    ref_types = {c.ref_type.lower() for c in article.corrections}
    found = {
        "retracted": article.retracted or article.is_retracted(),
        "erratum": "erratumin" in ref_types,
        "expression_of_concern": "expressionofconcernin" in ref_types,
        "no_abstract": not article.abstract and not article.curated_summary,
        "curated_summary": article.source == "curated" or (not article.abstract and bool(article.curated_summary)),
        "not_english": bool(article.languages) and "eng" not in article.languages,
    }
    return tuple(f for f in FLAGS if found[f])


def _label(name: str) -> str:
    """Readable rubric label."""
    return _LABELS.get(name, name.replace("_", " "))


def _fmt(value: float) -> str:
    """``4.0`` -> ``"4"``, ``0.5`` -> ``"0.5"``."""
    return f"{value:g}"


def _score(rubric: Rubric, design: str, directness: str, n: int | None, flags: Sequence[str]) -> tuple[
        dict[str, float], str]:
    """Components and rationale line."""
    penalties = [(f, rubric.flags.get(f, 0.0)) for f in flags if rubric.flags.get(f, 0.0)]
    components = {
        "design": rubric.design.get(design, rubric.design["other"]),
        "directness": rubric.directness.get(directness, rubric.directness["unknown"]),
        "precision": rubric.precision(n),
        "flags": -sum(p for _, p in penalties),
    }
    total = round(sum(components.values()), 3)
    parts = [
        f"{_label(design)} ({_fmt(components['design'])})",
        f"{_label(directness)} ({_fmt(components['directness'])})",
        f"{'n=' + str(n) if n is not None else 'n unknown'} ({_fmt(components['precision'])})",
    ]
    text = " + ".join(parts) + "".join(f" - {_label(f)} ({_fmt(p)})" for f, p in penalties)
    return components, f"{text} = {_fmt(total)}"


@dataclass(frozen=True)
class _RecordFacts:
    """Everything about a record that does not depend on the claim (computed once per record)."""

    text: str
    design: str
    population: str
    found: SampleSize | None
    flags: tuple[str, ...]
    healthy_only: bool


def _record_facts(article: Article) -> _RecordFacts:
    """Machine reading of one record."""
    body = article.abstract or article.curated_summary or ""
    text = f"{article.title}\n{body}".strip()
    return _RecordFacts(
        text=text,
        design=classify_design(article.title, body, article.publication_types),
        population=classify_population(article.title, body, article.mesh_headings),
        found=extract_sample_size(body),
        flags=record_flags(article),
        healthy_only=is_healthy_only(text),
    )


def _reviewed(outcome: Outcome | None, values: dict[str, Any], judged_by: str) -> tuple[str, str]:
    """Apply the reviewers' outcome to ``values`` in place; return (judged_by, review_status)."""
    if outcome is None:
        return judged_by, "verified" if judged_by != "automatic" else "unverified"
    if outcome.status == "conflict":
        return judged_by, "disputed"
    values.update(outcome.values)
    by_reviewer = outcome.judged_by != "curator"
    if "n" in outcome.values:
        values["span"] = "reviewer" if by_reviewer else "curator"
    if "direction" in outcome.values and by_reviewer and outcome.reason:
        values["sentence"] = f"{outcome.judged_by}: {outcome.reason}"
    return outcome.judged_by or judged_by, "verified"


def _assess(article: Article, facts: _RecordFacts, claim: Claim, judgement: CuratedJudgement | None,
            rubric: Rubric, outcome: Outcome | None = None, min_confidence: float = 0.0) -> StudyAssessment:
    """Assess one (record, claim) pair."""
    auto_design, auto_population, found, text = facts.design, facts.population, facts.found, facts.text
    if judgement is not None and judgement.finding:
        # a curated record's text for this claim is the finding written for it, never another claim's
        text = f"{article.title}\n{judgement.finding}"
    auto_direction = judge_direction(claim, text, min_confidence=min_confidence)
    design, population, direction = auto_design, auto_population, auto_direction.direction
    n = found.n if found else None
    span = found.span if found else ""
    c_design = c_population = c_direction = None
    c_n = None
    disagreements: list[str] = []
    if judgement is not None:
        c_design, c_population, c_direction = curated_fields(judgement)
        c_n = judgement.n
        design, population = c_design or design, c_population or population
        direction = c_direction
        if c_n is not None:
            n, span = c_n, "curator"
        for name, mine, theirs in (("design", auto_design, c_design), ("population", auto_population, c_population),
                                   ("n", found.n if found else None, c_n),
                                   ("direction", auto_direction.direction,
                                    _COMPARABLE_DIRECTION.get(c_direction, c_direction))):
            if theirs is not None and mine is not None and mine != theirs:
                disagreements.append(name)
    sentence = judgement.finding if judgement is not None else auto_direction.sentence
    values = {"design": design, "population": population, "n": n, "span": span, "direction": direction,
              "sentence": sentence}
    judged_by, status = _reviewed(outcome, values, "curator" if judgement is not None else "automatic")
    design, population, n, span, direction, sentence = (
        values[k] for k in ("design", "population", "n", "span", "direction", "sentence"))
    flags = facts.flags
    directness = population
    if population == "human" and facts.healthy_only:
        directness = "healthy_human"
    components, rationale = _score(rubric, design, directness, n, flags)
    return StudyAssessment(
        key=article.key, pmid=article.pmid, claim_id=claim.id, mechanism=claim.mechanism,
        design=design, population=population, sample_size=n, sample_size_span=span,
        direction=direction,
        direction_sentence=sentence,
        auto_design=auto_design, auto_population=auto_population, auto_n=found.n if found else None,
        auto_direction=auto_direction.direction, auto_confidence=auto_direction.confidence,
        curated_design=c_design, curated_population=c_population, curated_n=c_n, curated_direction=c_direction,
        judged_by=judged_by, review_status=status,
        disagreements=tuple(disagreements), flags=flags,
        excluded=any(f in rubric.exclude for f in flags),
        score=round(sum(components.values()), 3), components=components, rationale=rationale,
    )


def score_evidence(
    records: Iterable[Article],
    claims: Iterable[Claim],
    pairs: Iterable[tuple[str, str]],
    curated: Iterable[CuratedJudgement] = (),
    rubric: Rubric | None = None,
    decisions: DecisionLog | None = None,
    min_confidence: float = 0.0,
) -> list[StudyAssessment]:
    """Assess every (record key, claim id) pair.

    Parameters
    ----------
    records : iterable of Article
    claims : iterable of Claim
    pairs : iterable of (str, str)
        (record key, claim id) pairs to assess.
    curated : iterable of CuratedJudgement
        Curator judgements; where one exists for a pair, its design,
        population, n and direction are used for the verdict.
    rubric : Rubric, optional
        Scoring weights (the packaged rubric when omitted).
    decisions : DecisionLog, optional
        Reviewers' decisions (with the curator's merged in, as
        :func:`~litreview.decisions.load_decisions` does given the snapshot).
        A decided judge-stage item overrides the curator and the machine for
        the fields it gives (``judged_by`` ``reviewer:<name>``); an unresolved
        conflict keeps the values and is marked ``review_status="disputed"``,
        as is every pair of a record whose inclusion reviewers dispute.
    min_confidence : float, optional
        The machine's direction calls below this confidence are ``unclear``
        (see :func:`judge_direction`); 0 keeps every call.

    Returns
    -------
    list of StudyAssessment
        Sorted by (claim id, key), duplicates removed.

    Raises
    ------
    CorpusError
        A pair names a record or claim that is not given.
    """
    rubric = rubric or load_rubric()
    by_key = {a.key: a for a in records}
    by_id = {c.id: c for c in claims}
    judgements = {(j.key, j.claim_id): j for j in curated}
    outcomes = decisions.outcomes("judge") if decisions is not None else {}
    disputed = decisions.disputed_records() if decisions is not None else {}
    out = []
    facts: dict[str, _RecordFacts] = {}
    for key, claim_id in sorted(set(pairs), key=lambda p: (p[1], p[0])):
        if key not in by_key:
            raise CorpusError(f"pair ({key}, {claim_id}): no such record")
        if claim_id not in by_id:
            raise CorpusError(f"pair ({key}, {claim_id}): no such claim")
        if key not in facts:
            facts[key] = _record_facts(by_key[key])
        assessment = _assess(by_key[key], facts[key], by_id[claim_id], judgements.get((key, claim_id)), rubric,
                             outcomes.get((key, claim_id, "judge")), min_confidence)
        if key in disputed:
            assessment = replace(assessment, review_status="disputed")
        out.append(assessment)
    return out


#: Columns of :func:`assessments_to_frame`, in order.
FRAME_COLUMNS = [
    "key", "pmid", "claim_id", "mechanism", "design", "population", "sample_size", "sample_size_span",
    "direction", "direction_sentence", "score", "pts_design", "pts_directness", "pts_precision", "pts_flags",
    "rationale", "flags", "excluded", "judged_by", "review_status", "disagreements", "auto_design",
    "auto_population", "auto_n", "auto_direction", "auto_confidence", "curated_design", "curated_population",
    "curated_n", "curated_direction",
]


def assessments_to_frame(assessments: Iterable[StudyAssessment]) -> pd.DataFrame:
    """One row per assessment, with the columns :data:`FRAME_COLUMNS`.

    Score components become ``pts_design``, ``pts_directness``,
    ``pts_precision`` and ``pts_flags`` (penalties, <= 0); ``flags`` and
    ``disagreements`` are comma-separated text ("" when none); sample sizes
    are nullable integers.
    """
    rows = []
    for a in assessments:
        row = {name: getattr(a, name) for name in FRAME_COLUMNS if hasattr(a, name)}
        row.update({f"pts_{k}": v for k, v in a.components.items()})
        row["flags"] = ", ".join(a.flags)
        row["disagreements"] = ", ".join(a.disagreements)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    for name in ("sample_size", "auto_n", "curated_n"):
        frame[name] = frame[name].astype("Int64")
    frame["excluded"] = frame["excluded"].astype(bool)
    return frame
