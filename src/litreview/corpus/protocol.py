"""The review protocol as data: the question (PICO), the eligibility criteria and the exclusion reasons.

A review states its protocol in ``protocol.toml`` beside ``claims.toml``::

    [question]
    population = "adults with depression; animal and cell models for mechanism claims"
    intervention = "ketamine (racemic, S- or R-) or esketamine"
    comparison = "placebo, an active control, or before vs after"
    outcomes = ["depressive symptoms", "BDNF levels"]

    [eligibility]
    include = ["primary study, review or meta-analysis of ketamine or esketamine"]
    exclude = ["not about ketamine or esketamine"]

    [reasons.screen]           # title/abstract screening
    include = ["meets inclusion criteria", "check full text"]
    exclude = ["off topic", "wrong population"]

    [reasons.fulltext]         # full-text screening (PRISMA 2020 "reports excluded, with reasons")
    include = ["meets eligibility criteria"]
    exclude = ["wrong population", "full text not available"]

Every table is optional: a review without ``protocol.toml`` (or without a
``[reasons.*]`` table) offers the default reasons (:data:`DEFAULT_REASONS`).
The screening panels and ``litreview decide`` offer and accept the reasons of
the protocol; ``litreview check`` validates it; the report's Method section
prints it.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CorpusError

__all__ = ["DEFAULT_REASONS", "Protocol", "load_protocol"]

#: The reasons offered when the protocol names none, per record stage and decision (as in Rayyan's lists).
DEFAULT_REASONS: dict[str, dict[str, tuple[str, ...]]] = {
    "screen": {
        "include": ("meets inclusion criteria", "check full text"),
        "exclude": (
            "off topic", "wrong intervention", "wrong population", "wrong outcome", "wrong study design",
            "wrong publication type", "not in English", "no abstract", "duplicate", "retracted",
        ),
    },
    "fulltext": {
        "include": ("meets eligibility criteria",),
        "exclude": (
            "wrong population", "wrong intervention", "wrong comparator", "wrong outcome", "wrong study design",
            "wrong publication type", "full text not available", "duplicate", "retracted",
        ),
    },
}
_QUESTION = ("population", "intervention", "comparison", "outcomes")
_TABLES = ("question", "eligibility", "reasons")


@dataclass(frozen=True)
class Protocol:
    """A review's question, eligibility criteria and the reasons offered at each screening stage.

    Attributes
    ----------
    population, intervention, comparison : str
        The PICO question's parts ("" when the protocol leaves one out).
    outcomes : tuple of str
        The outcomes of interest.
    include, exclude : tuple of str
        Eligibility criteria: what a record must meet, what rules it out.
    reasons : dict
        ``{stage: {"include": (...), "exclude": (...)}}`` for ``screen`` and ``fulltext``.
    path : Path or None
        The file read (None: the default protocol, no file).
    """

    population: str = ""
    intervention: str = ""
    comparison: str = ""
    outcomes: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    reasons: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=lambda: DEFAULT_REASONS)
    path: Path | None = None

    @property
    def stated(self) -> bool:
        """True when the protocol states a question or criteria (not only reasons)."""
        return any((self.population, self.intervention, self.comparison, self.outcomes, self.include,
                    self.exclude))

    def lines(self) -> list[tuple[str, str]]:
        """``(heading, text)`` pairs for a report: the PICO parts, the criteria, each stage's exclusion reasons."""
        rows = [(name.capitalize(), value) for name, value in (
            ("population", self.population), ("intervention", self.intervention),
            ("comparison", self.comparison), ("outcomes", "; ".join(self.outcomes)),
            ("inclusion criteria", "; ".join(self.include)), ("exclusion criteria", "; ".join(self.exclude)))
            if value]
        rows += [(f"Exclusion reasons, {title}", "; ".join(self.reasons[stage]["exclude"]))
                 for stage, title in (("screen", "title/abstract"), ("fulltext", "full text"))]
        return rows


def _unknown(table: Mapping[str, Any], known: tuple[str, ...], where: str, path: str) -> None:
    """CorpusError naming the first key of ``table`` not in ``known`` (with a suggestion)."""
    for name in table:
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else f" (known: {', '.join(known)})"
            raise CorpusError(f"{where}: unknown key {name!r}{extra}", path)


def _texts(value: Any, where: str, path: str, empty_ok: bool = True) -> tuple[str, ...]:
    """A list of distinct non-empty one-line strings, else a CorpusError."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() and "\n" not in v for v in value):
        raise CorpusError(f"{where} must be a list of one-line texts", path)
    if not value and not empty_ok:
        raise CorpusError(f"{where} must name at least one reason", path)
    repeated = sorted({v for v in value if value.count(v) > 1})
    if repeated:
        raise CorpusError(f"{where} names {repeated[0]!r} twice", path)
    return tuple(v.strip() for v in value)


def _table(data: Mapping[str, Any], name: str, path: str) -> dict[str, Any]:
    """``data[name]`` as a table ({} when absent)."""
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise CorpusError(f"[{name}] must be a table", path)
    return value


def load_protocol(path: str | os.PathLike[str]) -> Protocol:
    """Read and validate ``protocol.toml``; a missing file is the default protocol (default reasons only).

    Parameters
    ----------
    path : str or PathLike
        ``corpus/protocol.toml``.

    Returns
    -------
    Protocol

    Raises
    ------
    CorpusError
        The file is not TOML or breaks a rule: an unknown table or key, a
        question part that is not one line of text, a criteria or reasons list
        that is not a list of distinct texts, a stage with no exclusion reason
        (one line naming the file and the key).
    """
    path = Path(path)
    if not path.is_file():
        return Protocol()
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"not valid TOML: {exc}", where) from None
    _unknown(data, _TABLES, "protocol", where)
    question = _table(data, "question", where)
    _unknown(question, _QUESTION, "[question]", where)
    values: dict[str, Any] = {}
    for name in _QUESTION[:3]:
        text = question.get(name, "")
        if not isinstance(text, str) or "\n" in text.strip():
            raise CorpusError(f"[question] {name} must be one line of text", where)
        values[name] = text.strip()
    values["outcomes"] = _texts(question.get("outcomes", []), "[question] outcomes", where)
    eligibility = _table(data, "eligibility", where)
    _unknown(eligibility, ("include", "exclude"), "[eligibility]", where)
    for name in ("include", "exclude"):
        values[name] = _texts(eligibility.get(name, []), f"[eligibility] {name}", where)
    given = _table(data, "reasons", where)
    _unknown(given, tuple(DEFAULT_REASONS), "[reasons]", where)
    reasons: dict[str, dict[str, tuple[str, ...]]] = {}
    for stage, default in DEFAULT_REASONS.items():
        table = given.get(stage, {})
        if not isinstance(table, dict):
            raise CorpusError(f"[reasons.{stage}] must be a table", where)
        _unknown(table, ("include", "exclude"), f"[reasons.{stage}]", where)
        reasons[stage] = {decision: _texts(table[decision], f"[reasons.{stage}] {decision}", where, empty_ok=False)
                          if decision in table else default[decision] for decision in ("include", "exclude")}
    return Protocol(**values, reasons=reasons, path=path)
