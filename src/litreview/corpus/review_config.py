"""A review's own settings: ``litreview.toml`` (title, intervention, population).

Every review folder holds one. The intervention's terms go into every PubMed
query (``[tiab]``, plus its MeSH heading as ``[mh]``), into the screening rule
that a record must name the intervention, and into the judge's reading of
claims; nothing in the package names a drug of its own.

Example (``litreview new`` writes one like it)::

    title = "Triptans for acute migraine"
    population = "adults with migraine"

    [intervention]
    name = "triptans"
    terms = ["triptan*", "sumatriptan", "rizatriptan"]
    mesh = ["Tryptamines"]
    aliases = []            # other names that test a claim about it
    indirect = []           # other interventions: a study of only these is indirect
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._io import read_toml, toml_value
from .._validate import did_you_mean
from ..errors import ConfigError, CorpusError

__all__ = ["CONFIG_NAME", "Intervention", "ReviewConfig", "load_review_config", "render_review_config",
           "judge_min_confidence"]

#: File name of a review's settings inside its folder.
CONFIG_NAME = "litreview.toml"

_TOP = {"title": True, "population": False, "intervention": True, "judge": False}
_JUDGE = {"min_confidence": False}
_INTERVENTION = {"name": True, "terms": True, "mesh": False, "aliases": False, "indirect": False}


@dataclass(frozen=True)
class Intervention:
    """What the review's claims are about, and the words that find it.

    Attributes
    ----------
    name : str
        What the claims call it ("ketamine", "triptans").
    terms : tuple of str
        Free-text terms, searched in title/abstract (``*`` is a suffix wildcard).
    mesh : tuple of str
        MeSH headings for it (may be empty).
    aliases : tuple of str
        Other names (enantiomers, brands) under which a study still tests a
        claim about it.
    indirect : tuple of str
        Other interventions: a study that names only these is indirect evidence.
    """

    name: str
    terms: tuple[str, ...]
    mesh: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    indirect: tuple[str, ...] = ()

    @property
    def agents(self) -> tuple[str, ...]:
        """The name, then the aliases: what a claim's subject may be called (see ``Claim.agents``)."""
        return (self.name, *self.aliases)

    @property
    def pattern(self) -> re.Pattern[str]:
        """Case-insensitive word-start regex for the name and its free-text terms."""
        return _words_pattern((self.name, *self.terms))

    def names_in(self, text: str) -> bool:
        """True when ``text`` names the intervention itself, not only an indirect one."""
        if self.indirect:
            text = _words_pattern(self.indirect).sub(" ", text)
        return bool(_words_pattern((self.name,)).search(text))

    def indirect_in(self, text: str) -> str:
        """The first indirect intervention ``text`` names, or ""."""
        found = _words_pattern(self.indirect).search(text) if self.indirect else None
        return found.group(0) if found else ""


@dataclass(frozen=True)
class ReviewConfig:
    """A review's settings (``litreview.toml``).

    Attributes
    ----------
    title : str
        Shown in the report's title.
    intervention : Intervention
    population : str
        The population of interest, in words ("" when not set).
    min_confidence : float
        ``[judge] min_confidence``: the direction judge's calls below this
        confidence are ``unclear`` for a reviewer (0: every call stands).
    """

    title: str
    intervention: Intervention
    population: str = ""
    min_confidence: float = 0.0


def _words_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """Regex matching any of the terms as whole words (``*`` as a suffix wildcard)."""
    parts = sorted((re.escape(t).replace(r"\*", r"\w*") for t in terms), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def _check_table(entry: Any, spec: Mapping[str, bool], what: str, path: Path) -> Mapping[str, Any]:
    """Raise CorpusError for a non-table, an unknown key or a missing required key."""
    if not isinstance(entry, Mapping):
        raise CorpusError(f"{what}: expected a table", str(path))
    for name in entry:
        if name not in spec:
            raise CorpusError(f"{what}: unknown field {name!r}{did_you_mean(name, spec)}", str(path))
    for name, required in spec.items():
        if required and entry.get(name) in (None, "", []):
            raise CorpusError(f"{what}: missing field {name!r}", str(path))
    return entry


def _text(value: Any, what: str, path: Path) -> str:
    """A non-empty single-line string, whitespace collapsed."""
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{what}: expected a non-empty string", str(path))
    return " ".join(value.split())


def _terms(value: Any, what: str, path: Path) -> tuple[str, ...]:
    """A list of distinct non-empty strings."""
    if not isinstance(value, list):
        raise CorpusError(f"{what}: expected a list of strings", str(path))
    terms = tuple(dict.fromkeys(_text(v, what, path) for v in value))
    bad = next((t for t in terms if t.startswith("*") or "**" in t), None)
    if bad is not None:
        raise CorpusError(f"{what}: {bad!r}: '*' may only end a word", str(path))
    return terms


def load_review_config(path: str | Path) -> ReviewConfig:
    """Read and validate a review's ``litreview.toml``.

    Parameters
    ----------
    path : str or Path
        The file, or the review folder holding it.

    Returns
    -------
    ReviewConfig

    Raises
    ------
    CorpusError
        Missing file, invalid TOML, unknown or missing field, empty term list;
        the message names the file and the field.
    """
    path = Path(path)
    if path.is_dir():
        path = path / CONFIG_NAME
    data = _check_table(read_toml(path), _TOP, "litreview.toml", path)
    entry = _check_table(data["intervention"], _INTERVENTION, "[intervention]", path)
    intervention = Intervention(
        name=_text(entry["name"], "intervention.name", path),
        terms=_terms(entry["terms"], "intervention.terms", path),
        mesh=_terms(entry.get("mesh", []), "intervention.mesh", path),
        aliases=_terms(entry.get("aliases", []), "intervention.aliases", path),
        indirect=_terms(entry.get("indirect", []), "intervention.indirect", path),
    )
    population = _text(data["population"], "population", path) if data.get("population") else ""
    judge = _check_table(data.get("judge", {}), _JUDGE, "[judge]", path)
    return ReviewConfig(title=_text(data["title"], "title", path), intervention=intervention, population=population,
                        min_confidence=_share(judge.get("min_confidence", 0.0), "judge.min_confidence", str(path)))


def judge_min_confidence(config: ReviewConfig, override: float | None = None) -> float:
    """The judge's abstention threshold: ``override`` (``--min-confidence``), else the review's setting.

    Parameters
    ----------
    config : ReviewConfig
    override : float, optional
        A value given on the command line; wins over ``[judge] min_confidence``.

    Returns
    -------
    float
        Between 0 and 1.

    Raises
    ------
    ConfigError
        ``override`` is not a number between 0 and 1.
    """
    return config.min_confidence if override is None else _share(override, "--min-confidence")


def _share(value: Any, what: str, path: str | None = None) -> float:
    """A number between 0 and 1 (a bad one: CorpusError naming the file, or ConfigError for a flag)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
        message = f"{what} must be a number between 0 and 1, got {value!r}"
        raise CorpusError(message, path) if path else ConfigError(message)
    return float(value)


def render_review_config(config: ReviewConfig) -> str:
    """The text of a ``litreview.toml`` for ``config``, commented for editing."""
    i = config.intervention
    return "\n".join([
        "# This review's settings: read by every litreview command run on this folder.",
        f"title = {toml_value(config.title)}",
        "# The population of interest, in words (shown in the report).",
        f"population = {toml_value(config.population)}",
        "",
        "[intervention]",
        "# What the claims are about; every PubMed query is (terms [tiab] OR mesh [mh]) AND a mechanism's terms.",
        f"name = {toml_value(i.name)}",
        f"terms = {toml_value(i.terms)}",
        f"mesh = {toml_value(i.mesh)}",
        "# Other names under which a study still tests a claim about it (enantiomers, brands).",
        f"aliases = {toml_value(i.aliases)}",
        "# Other interventions: a study that names only these is indirect evidence.",
        f"indirect = {toml_value(i.indirect)}",
        "",
    ])
