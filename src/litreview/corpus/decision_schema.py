"""What one reviewer decision is: the stages, their vocabularies, the :class:`Decision` record and its rules.

A decision is one JSON object of a reviewers' log (the log itself, how it is
read and how decisions resolve into outcomes: :mod:`litreview.corpus.decisions`).
:func:`make_decision` builds a checked one; every line read from a log passes
the same checks (stage, reviewer name, time with a zone, the stage's reasons
and vocabularies, the fields each stage allows), so a bad line fails in one
line naming the file and line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from ..errors import CorpusError
from .protocol import DEFAULT_REASONS
from .rob import DOMAINS, JUDGEMENTS
from .vocabulary import DESIGNS, DIRECTIONS, POPULATIONS

__all__ = [
    "STAGES",
    "RECORD_STAGES",
    "STAGE_NAMES",
    "GRADE_JUDGEMENTS",
    "GRADE_TARGETS",
    "GRADED_VERDICTS",
    "SCREEN_REASONS",
    "FULLTEXT_REASONS",
    "REASONS",
    "JUDGED_FIELDS",
    "CURATOR",
    "Decision",
    "make_decision",
    "check_reviewer",
]


STAGES = ("screen", "fulltext", "judge", "rob", "grade")
#: Stages whose decisions are about a record (include/exclude), in order.
RECORD_STAGES = ("screen", "fulltext")
#: How the stages are named in tables, the report and the PRISMA flow.
STAGE_NAMES = {"screen": "title/abstract", "fulltext": "full text", "judge": "judging", "rob": "risk of bias",
               "grade": "GRADE override"}
#: What a grade-stage decision overrides: a GRADE domain (as :data:`litreview.synthesis.grade.DOMAINS` names them)
#: or the verdict code.
GRADE_TARGETS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias", "other",
                 "verdict")
#: A reviewer's judgement of a GRADE domain and the levels it rates down.
GRADE_JUDGEMENTS = {"not serious": 0, "serious": -1, "very serious": -2}
#: Verdict codes a reviewer may set for a graded claim.
GRADED_VERDICTS = ("supported", "partly_supported", "contested", "not_supported", "contradicted", "insufficient")
#: The default reasons per record stage and decision; a review's ``protocol.toml`` may name its own.
REASONS = DEFAULT_REASONS
#: Default reasons a title/abstract decision may give, per decision.
SCREEN_REASONS = DEFAULT_REASONS["screen"]
#: Default reasons a full-text decision may give, per decision (PRISMA 2020 "reports excluded, with reasons").
FULLTEXT_REASONS = DEFAULT_REASONS["fulltext"]
#: What a judge-stage decision may set, each overriding the machine's value.
JUDGED_FIELDS = ("direction", "design", "population", "n")
CURATOR = "curator"
_VOCABULARY = {"direction": DIRECTIONS, "design": DESIGNS, "population": POPULATIONS}
_REVIEWER = re.compile(r"\w[\w.@-]{0,63}")
_OPTIONAL_TEXT = ("reason", "note")
Reasons = Mapping[str, Mapping[str, tuple[str, ...]]]


@dataclass(frozen=True)
class Decision:
    """One logged decision.

    Attributes
    ----------
    key : str
        Record key (PMID or ``doi:...``).
    stage : str
        ``screen`` (title/abstract), ``fulltext`` or ``judge``.
    reviewer : str
        Who decided (``curator`` for the register's judgements).
    time : str
        UTC time, ``YYYY-MM-DDTHH:MM:SSZ``.
    claim : str or None
        Claim id (judge stage; None for screening, which is per record).
    decision : str or None
        ``include`` or ``exclude`` (screen stage).
    reason : str or None
        From :data:`SCREEN_REASONS` when screening; free text when judging.
    direction, design, population : str or None
        Judge stage: the values this reviewer gives (None: not judged).
    n : int or None
        Judge stage: the sample size this reviewer reads.
    note : str or None
        Free text.
    resolution : bool
        True for a decision that settles a conflict between reviewers.
    line : int
        Line in the log file (0 for decisions not read from a file).
    """

    key: str
    stage: str
    reviewer: str
    time: str
    claim: str | None = None
    decision: str | None = None
    reason: str | None = None
    direction: str | None = None
    design: str | None = None
    population: str | None = None
    n: int | None = None
    note: str | None = None
    resolution: bool = False
    domain: str | None = None
    judgement: str | None = None
    quote: str | None = None
    verdict: str | None = None
    line: int = field(default=0, compare=False)

    @property
    def item(self) -> tuple[str, str | None, str]:
        """``(key, claim, stage)``: what the decision is about (risk of bias and GRADE overrides: ``claim#domain``,
        one item a domain)."""
        return (self.key, f"{self.claim}#{self.domain}" if self.stage in ("rob", "grade") else self.claim, self.stage)

    @property
    def values(self) -> dict[str, Any]:
        """The values decided: ``{"decision": ...}`` when screening, the judged fields given when judging."""
        if self.stage in RECORD_STAGES:
            return {"decision": self.decision}
        if self.stage == "rob":
            return {"judgement": self.judgement}
        if self.stage == "grade":
            return {"verdict": self.verdict} if self.domain == "verdict" else {"judgement": self.judgement}
        return {name: getattr(self, name) for name in JUDGED_FIELDS if getattr(self, name) is not None}

    @property
    def judged_by(self) -> str:
        """``curator`` or ``reviewer:<name>``."""
        return CURATOR if self.reviewer == CURATOR else f"reviewer:{self.reviewer}"

    def describe(self) -> str:
        """One phrase, e.g. ``alice: exclude (wrong population)`` or ``bob: direction contradicts``."""
        text = ", ".join(f"{k} {v}" if k != "decision" else str(v) for k, v in self.values.items())
        text = f"{self.domain} {self.judgement}" if self.stage == "rob" else text
        text = f"{self.domain} {self.verdict or self.judgement}" if self.stage == "grade" else text
        reason = f" ({self.reason})" if self.reason else ""
        return f"{self.reviewer}{' [resolution]' if self.resolution else ''}: {text}{reason}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object written to the log (absent values left out)."""
        row = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "line"}
        return {k: v for k, v in row.items() if v is not None and v is not False}


def _utc(value: Any, where: str, path: str | None) -> str:
    """Normalise an ISO 8601 time with a zone to ``YYYY-MM-DDTHH:MM:SSZ``."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise CorpusError(f"{where}: time must be ISO 8601 with a time zone (e.g. 2026-11-30T09:12:03Z), "
                          f"not {value!r}", path)
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:
        raise CorpusError(f"{where}: time {value!r} is out of range once converted to UTC", path) from None
    # isoformat pads the year to four digits (strftime's %Y does not: year 999 would sort after 2026).
    return utc.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _choice(value: Any, allowed: Iterable[str], what: str, where: str, path: str | None) -> str:
    """``value`` when it is one of ``allowed``, else a CorpusError with a suggestion."""
    allowed = tuple(allowed)
    if value not in allowed:
        hint = difflib.get_close_matches(str(value), allowed, n=1)
        extra = f" (did you mean {hint[0]!r}?)" if hint else f" (one of: {', '.join(allowed)})"
        raise CorpusError(f"{where}: unknown {what} {value!r}{extra}", path)
    return value


def check_reviewer(name: Any, where: str = "reviewer", path: str | None = None) -> str:
    """``name`` when it is a valid reviewer name, else a CorpusError.

    A name is one word of letters, digits and ``. _ - @`` that starts with a
    letter or digit, at most 64 characters (it names the reviewer's decisions
    file, so no control characters, spaces or path separators).
    """
    if not isinstance(name, str) or not _REVIEWER.fullmatch(name):
        shown = repr(name) if not isinstance(name, str) or len(name) <= 80 else f"of {len(name)} characters"
        raise CorpusError(f"{where}: reviewer must be one word of at most 64 letters, digits or . _ - @ "
                          f"(starting with a letter or digit), not {shown}", path)
    return name


def _parse(row: Any, where: str, path: str | None = None, line: int = 0,
           reasons: Reasons = DEFAULT_REASONS) -> Decision:
    """Validate one JSON object into a Decision (reasons from ``reasons``); CorpusError naming ``where`` otherwise."""
    if not isinstance(row, dict):
        raise CorpusError(f"{where}: expected a JSON object", path)
    known = [f.name for f in fields(Decision) if f.name != "line"]
    for name in row:
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1)
            raise CorpusError(f"{where}: unknown field {name!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""),
                              path)
    for name in ("key", "stage", "reviewer", "time"):
        if not isinstance(row.get(name), str) or not row[name].strip():
            raise CorpusError(f"{where}: missing field {name!r}", path)
    for name in ("claim", *_OPTIONAL_TEXT, "decision", "direction", "design", "population", "domain", "judgement",
                 "quote", "verdict"):
        if row.get(name) is not None and not isinstance(row[name], str):
            raise CorpusError(f"{where}: {name} must be text", path)
    stage = _choice(row["stage"], STAGES, "stage", where, path)
    check_reviewer(row["reviewer"], where, path)
    if not isinstance(row.get("resolution", False), bool):
        raise CorpusError(f"{where}: resolution must be true or false", path)
    values = {k: row.get(k) for k in known if k in row}
    values["time"] = _utc(row["time"], where, path)
    if stage != "grade" and row.get("verdict") is not None:
        raise CorpusError(f"{where}: a verdict belongs to the grade stage", path)
    if stage == "grade":
        _check_grade(row, where, path)
    elif stage in RECORD_STAGES:
        if row.get("claim") is not None or any(row.get(f) is not None for f in (*JUDGED_FIELDS, "domain",
                                                                                 "judgement")):
            raise CorpusError(f"{where}: a {stage} decision is about a record: no claim, direction, design, "
                              "population or n", path)
        offered = reasons[stage]
        decision = _choice(row.get("decision"), offered, f"{stage} decision", where, path)
        if row.get("reason") is None:
            raise CorpusError(f"{where}: missing reason to {decision} (one of: {', '.join(offered[decision])})",
                              path)
        values["reason"] = _choice(row.get("reason"), offered[decision], f"reason to {decision}", where, path)
    elif stage == "rob":
        if not row.get("claim") or row.get("decision") is not None or any(row.get(f) is not None
                                                                          for f in JUDGED_FIELDS):
            raise CorpusError(f"{where}: a rob decision is about a study for a claim: a claim, a domain and a "
                              "judgement, no include/exclude, direction, design, population or n", path)
        _choice(row.get("domain"), DOMAINS, "risk-of-bias domain", where, path)
        _choice(row.get("judgement"), JUDGEMENTS, "risk-of-bias judgement", where, path)
    else:
        if row.get("domain") is not None or row.get("judgement") is not None:
            raise CorpusError(f"{where}: a domain and a judgement belong to the rob stage", path)
        if not row.get("claim"):
            raise CorpusError(f"{where}: a judge decision needs a claim", path)
        if row.get("decision") is not None:
            raise CorpusError(f"{where}: include/exclude belongs to the screen stage", path)
        if all(row.get(f) is None for f in JUDGED_FIELDS):
            raise CorpusError(f"{where}: a judge decision gives at least one of {', '.join(JUDGED_FIELDS)}", path)
        for name, allowed in _VOCABULARY.items():
            if row.get(name) is not None:
                _choice(row[name], allowed, name, where, path)
        n = row.get("n")
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
            raise CorpusError(f"{where}: n must be a positive whole number, not {n!r}", path)
    return Decision(**values, line=line)


def _check_grade(row: dict[str, Any], where: str, path: str | None) -> None:
    """Rules of a grade-stage decision: the claim, a domain with a judgement or the verdict with a code, a reason."""
    if not row.get("claim") or row["claim"] != row["key"]:
        raise CorpusError(f"{where}: a grade decision is about a claim: its id as key and claim", path)
    if row.get("decision") is not None or row.get("quote") is not None or any(
            row.get(f) is not None for f in JUDGED_FIELDS):
        raise CorpusError(f"{where}: a grade decision sets a domain's judgement or the verdict, nothing else", path)
    target = _choice(row.get("domain"), GRADE_TARGETS, "GRADE domain", where, path)
    if target == "verdict":
        if row.get("judgement") is not None:
            raise CorpusError(f"{where}: the verdict takes a verdict code, not a judgement", path)
        _choice(row.get("verdict"), GRADED_VERDICTS, "verdict", where, path)
    else:
        if row.get("verdict") is not None:
            raise CorpusError(f"{where}: a GRADE domain takes a judgement, not a verdict", path)
        _choice(row.get("judgement"), GRADE_JUDGEMENTS, f"judgement of {target}", where, path)
    if not str(row.get("reason") or "").strip():
        raise CorpusError(f"{where}: a grade override needs a reason", path)


def make_decision(
    key: str, stage: str, reviewer: str, *, time: str | datetime | None = None, reasons: Reasons | None = None,
    **values: Any
) -> Decision:
    """Build a validated decision, dated now unless ``time`` is given.

    Parameters
    ----------
    key : str
        Record key.
    stage : str
        ``screen``, ``fulltext`` or ``judge``.
    reviewer : str
        Who decides (see :func:`check_reviewer`).
    time : str or datetime, optional
        When (ISO 8601 with a zone, or an aware datetime); now, in UTC, by default.
    reasons : mapping, optional
        The reasons offered per stage and decision (:attr:`DecisionLog.reasons`,
        from the protocol); :data:`REASONS` by default.
    **values
        The other :class:`Decision` fields (``claim``, ``decision``, ``reason``,
        ``direction``, ``design``, ``population``, ``n``, ``note``, ``resolution``);
        None values are left out. An inclusion's reason defaults to the
        stage's first reason to include ("meets inclusion criteria").

    Returns
    -------
    Decision

    Raises
    ------
    CorpusError
        The decision breaks a rule of the log (unknown stage, reason not in the
        list, judge decision without a claim...).
    """
    when = time if time is not None else datetime.now(UTC)
    row = {"key": key, "stage": stage, "reviewer": reviewer,
           "time": when.isoformat() if isinstance(when, datetime) else when,
           **{k: v for k, v in values.items() if v is not None and v is not False}}
    reasons = reasons if reasons is not None else DEFAULT_REASONS
    if stage in RECORD_STAGES and values.get("decision") == "include":
        row.setdefault("reason", reasons[stage]["include"][0])
    return _parse(row, f"decision on {key}", reasons=reasons)
