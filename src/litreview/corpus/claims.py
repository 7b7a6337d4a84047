"""Claims register and mechanisms: hand-edited TOML files, loaded and validated.

``corpus/mechanisms.toml`` defines each mechanism (label, synonyms, MeSH
headings); ``corpus/claims.toml`` lists every claim the seed articles make,
with its predicted effect and the articles that make it. Both are meant to be
edited by a reviewer; every mistake (syntax error, missing or unknown field,
a value of the wrong type, unknown mechanism, duplicate id, an id with
whitespace or an invisible character, a search term with a double quote,
over-long quote, a file that is not UTF-8 or is a directory) raises a one-line
:class:`~litreview.errors.CorpusError` naming the file and the entry. Text is
normalised to Unicode NFC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from .._io import read_text, read_toml
from .._validate import did_you_mean, identifier, text
from ..errors import CorpusError

__all__ = [
    "EFFECTS",
    "EFFECT_POLARITY",
    "KINDS",
    "FACT_VERDICTS",
    "MAX_QUOTE_WORDS",
    "Mechanism",
    "ClaimSource",
    "ClaimPart",
    "FactCheck",
    "Claim",
    "load_mechanisms",
    "load_claims",
    "check_quotes",
    "claims_to_frame",
]

#: Predicted effects a claim may state, and the direction each predicts.
#: ``up``: the outcome rises / is activated; ``down``: falls / is blocked / is
#: low; ``better``: the condition improves (a symptom or disorder eases, a
#: function gets better); ``required``: the subject is needed for the outcome
#: (blocking it abolishes the outcome); ``any``: any change counts (modulates).
EFFECT_POLARITY: dict[str, str] = {
    "increases": "up",
    "activates": "up",
    "improves": "better",
    "decreases": "down",
    "blocks": "down",
    "is_low": "down",
    "mediates": "required",
    "modulates": "any",
}
EFFECTS = tuple(EFFECT_POLARITY)
MAX_QUOTE_WORDS = 20
#: What would answer a claim, which decides the evidence that is direct for it:
#: ``molecular_pharmacology`` (receptor level: in-vitro, animal and human work on
#: the target are all direct), ``mechanism_in_people`` (human biomarker, imaging
#: and physiology direct; animal and in-vitro work indirect), ``disease_biology``
#: (human case-control comparisons and their meta-analyses), ``clinical_efficacy``
#: (benefit and its durability: human RCTs and their meta-analyses), ``harms``
#: (adverse events in trials, cohorts, case series, poison and misuse data) and
#: ``checkable_fact`` (regulatory status and the like: checked against a cited
#: source, not graded).
KINDS = (
    "molecular_pharmacology", "mechanism_in_people", "disease_biology", "clinical_efficacy", "harms",
    "checkable_fact",
)
FACT_VERDICTS = ("true", "partly_true", "false")

_MECHANISM_FIELDS = {"key": True, "label": True, "synonyms": True, "mesh": False, "description": False}
_CLAIM_FIELDS = {
    "id": True, "mechanism": True, "kind": True, "statement": True, "subject": True,
    "effect": True, "outcome": True, "sources": True, "note": False, "conflicts_with": False,
    "outcome_terms": False, "surrogates": False, "indirect_populations": False, "parts": False, "fact": False,
}
_SOURCE_FIELDS = {"article": True, "quote": True}
_PART_FIELDS = {"label": True, "terms": True}
_FACT_FIELDS = {"verdict": True, "reason": True, "sources": True}


@dataclass(frozen=True)
class Mechanism:
    """A mechanism the claims refer to, and the vocabulary that finds it in PubMed.

    Attributes
    ----------
    key : str
        Short identifier (``nmda``, ``bdnf``...).
    label : str
        Human-readable name.
    synonyms : tuple of str
        Free-text terms searched in title/abstract.
    mesh : tuple of str
        MeSH headings searched with ``[mh]``.
    description : str
        One sentence on what the mechanism covers.
    """

    key: str
    label: str
    synonyms: tuple[str, ...]
    mesh: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class ClaimSource:
    """An article making a claim: seed file name and a short locating quote."""

    article: str
    quote: str


@dataclass(frozen=True)
class ClaimPart:
    """One assertion of a claim that bundles several (e.g. "BDNF is low in PTSD").

    ``terms`` find the studies about this part in a study's title and text
    (case-insensitive, matched at the start of a word).
    """

    label: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class FactCheck:
    """A reviewer's check of a checkable fact against cited sources.

    Attributes
    ----------
    verdict : str
        ``true``, ``partly_true`` or ``false``.
    reason : str
        What the sources say, in one or two sentences.
    sources : tuple of str
        Snapshot record keys (PMID or ``doi:...``) or ``https://`` addresses of
        authoritative pages (a regulator's announcement, a label).
    """

    verdict: str
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    """One assertion from the seed articles, with the effect it predicts.

    Attributes
    ----------
    id : str
        Stable claim id (from ``CLAIMS.md``).
    mechanism : str
        Mechanism key.
    kind : str
        One of :data:`KINDS`: what kind of evidence answers the claim.
    statement : str
        Precise statement, e.g. "Ketamine increases BDNF levels".
    subject, effect, outcome : str
        The statement split into its parts; ``effect`` is one of :data:`EFFECTS`.
    sources : tuple of ClaimSource
        Articles that make the claim.
    note : str
        Where the articles disagree, or caveats.
    conflicts_with : tuple of str
        Ids of claims that assert the opposite.
    outcome_terms : tuple of str
        Words that show a study measured the claim's outcome itself (the review
        protocol's outcome); when given, a study that mentions neither these nor
        a surrogate did not measure the outcome (very serious indirectness).
    surrogates : tuple of str
        Words that mark a surrogate outcome for this claim (e.g. spectroscopy
        glutamate *levels* for NMDA receptor *activity*): indirect in outcome.
    indirect_populations : tuple of str
        Words that mark a population other than the one the claim is about
        (e.g. recreational users for a claim about treatment).
    parts : tuple of ClaimPart
        The assertions of a bundled claim, each judged on its own studies.
    fact : FactCheck or None
        The check of a ``checkable_fact`` (required for that kind, only for it).
    agents : tuple of str
        The review's intervention in lower case: its name, then every name under
        which a study still tests the claim (from ``litreview.toml``).
    """

    id: str
    mechanism: str
    kind: str
    statement: str
    subject: str
    effect: str
    outcome: str
    sources: tuple[ClaimSource, ...]
    note: str = ""
    conflicts_with: tuple[str, ...] = ()
    outcome_terms: tuple[str, ...] = ()
    surrogates: tuple[str, ...] = ()
    indirect_populations: tuple[str, ...] = ()
    parts: tuple[ClaimPart, ...] = ()
    fact: FactCheck | None = None
    agents: tuple[str, ...] = ()

    @property
    def polarity(self) -> str:
        """Direction the claim predicts: ``up``, ``down``, ``better``, ``required`` or ``any``."""
        return EFFECT_POLARITY[self.effect]

    @property
    def articles(self) -> tuple[str, ...]:
        """File names of the articles making the claim."""
        return tuple(s.article for s in self.sources)


def _check_fields(entry: Any, spec: Mapping[str, bool], what: str, path: Path) -> None:
    """Raise CorpusError for a non-table entry, a missing required field or an unknown field."""
    if not isinstance(entry, Mapping):
        raise CorpusError(f"{what}: expected a table, got {type(entry).__name__}", str(path))
    for name in entry:
        if name not in spec:
            raise CorpusError(f"{what}: unknown field {name!r}{did_you_mean(name, spec)}", str(path))
    for name, required in spec.items():
        if required and (name not in entry or entry[name] in ("", [], None)):
            raise CorpusError(f"{what}: missing field {name!r}", str(path))


def _str_list(value: Any, what: str, path: Path) -> tuple[str, ...]:
    """Validate a list of non-empty strings (NFC, whitespace collapsed)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CorpusError(f"{what}: expected a list of non-empty strings", str(path))
    return tuple(" ".join(text(v, what).split()) for v in value)


def _search_terms(value: Any, what: str, path: Path) -> tuple[str, ...]:
    """Validate synonyms or MeSH headings: strings a PubMed query can quote (no ``"``)."""
    terms = _str_list(value, what, path)
    for index, term in enumerate(terms):
        if '"' in term:
            raise CorpusError(f"{what}[{index}]: {term!r} contains a double quote, which would break the PubMed "
                              "query", str(path))
    return terms


def _ids(value: Any, what: str, path: Path) -> tuple[str, ...]:
    """Validate a list of ids (no whitespace or invisible characters)."""
    if not isinstance(value, list):
        raise CorpusError(f"{what}: expected a list of ids", str(path))
    return tuple(identifier(v, f"{what}[{index}]", str(path)) for index, v in enumerate(value))


def _text(entry: Mapping[str, Any], name: str, what: str, path: Path) -> str:
    """Validate one string field (empty allowed only for optional fields): NFC, whitespace collapsed."""
    return " ".join(text(entry.get(name, ""), f"{what}: field {name!r}", str(path)).split())


def _id(entry: Mapping[str, Any], name: str, what: str, path: Path) -> str:
    """Validate one id field: a string without whitespace or invisible characters."""
    return identifier(entry.get(name), f"{what}: field {name!r}", str(path))


def load_mechanisms(path: str | Path) -> dict[str, Mechanism]:
    """Load and validate ``mechanisms.toml``.

    Parameters
    ----------
    path : str or Path
        File with one ``[[mechanism]]`` table per mechanism.

    Returns
    -------
    dict of str to Mechanism
        Keyed by mechanism key, in file order; empty for a review just started.

    Raises
    ------
    CorpusError
        Syntax error, missing/unknown field, duplicate key.
    """
    path = Path(path)
    data = read_toml(path)
    entries = data.get("mechanism", [])
    if not isinstance(entries, list):
        raise CorpusError("'mechanism' must be [[mechanism]] tables", str(path))
    mechanisms: dict[str, Mechanism] = {}
    for number, entry in enumerate(entries, start=1):
        key = entry.get("key") if isinstance(entry, Mapping) else None
        what = f"mechanism #{number}" + (f" ({key!r})" if key else "")
        _check_fields(entry, _MECHANISM_FIELDS, what, path)
        key = _id(entry, "key", what, path)
        if key in mechanisms:
            raise CorpusError(f"{what}: duplicate mechanism key {key!r}", str(path))
        mechanisms[key] = Mechanism(
            key=key,
            label=_text(entry, "label", what, path),
            synonyms=_search_terms(entry["synonyms"], f"{what} synonyms", path),
            mesh=_search_terms(entry.get("mesh", []), f"{what} mesh", path),
            description=_text(entry, "description", what, path),
        )
    return mechanisms


def _parse_claim(entry: Mapping[str, Any], what: str, path: Path, mechanisms: Mapping[str, Mechanism]) -> Claim:
    """Validate one ``[[claim]]`` table and build the Claim."""
    _check_fields(entry, _CLAIM_FIELDS, what, path)
    mechanism = _id(entry, "mechanism", what, path)
    if mechanism not in mechanisms:
        raise CorpusError(f"{what}: unknown mechanism {mechanism!r}{did_you_mean(mechanism, mechanisms)}", str(path))
    kind = _choice(entry, "kind", KINDS, what, path)
    effect = _choice(entry, "effect", EFFECTS, what, path)
    sources_raw = entry["sources"]
    if not isinstance(sources_raw, list):
        raise CorpusError(f"{what}: sources must be a list of {{article, quote}} tables", str(path))
    sources = []
    for index, raw in enumerate(sources_raw, start=1):
        swhat = f"{what} source #{index}"
        _check_fields(raw, _SOURCE_FIELDS, swhat, path)
        quote = _text(raw, "quote", swhat, path)
        if len(quote.split()) > MAX_QUOTE_WORDS:
            raise CorpusError(f"{swhat}: quote has {len(quote.split())} words (max {MAX_QUOTE_WORDS})", str(path))
        sources.append(ClaimSource(article=_text(raw, "article", swhat, path), quote=quote))
    parts_raw = entry.get("parts", [])
    if not isinstance(parts_raw, list):
        raise CorpusError(f"{what}: parts must be a list of {{label, terms}} tables", str(path))
    parts = []
    for index, raw in enumerate(parts_raw, start=1):
        pwhat = f"{what} part #{index}"
        _check_fields(raw, _PART_FIELDS, pwhat, path)
        parts.append(ClaimPart(_text(raw, "label", pwhat, path), _str_list(raw["terms"], f"{pwhat} terms", path)))
    return Claim(
        id=_id(entry, "id", what, path),
        mechanism=mechanism,
        kind=kind,
        statement=_text(entry, "statement", what, path),
        subject=_text(entry, "subject", what, path),
        effect=effect,
        outcome=_text(entry, "outcome", what, path),
        sources=tuple(sources),
        note=_text(entry, "note", what, path),
        conflicts_with=_ids(entry.get("conflicts_with", []), f"{what} conflicts_with", path),
        outcome_terms=_str_list(entry.get("outcome_terms", []), f"{what} outcome_terms", path),
        surrogates=_str_list(entry.get("surrogates", []), f"{what} surrogates", path),
        indirect_populations=_str_list(entry.get("indirect_populations", []), f"{what} indirect_populations", path),
        parts=tuple(parts),
        fact=_fact_check(entry, kind, what, path),
    )


def _choice(entry: Mapping[str, Any], name: str, allowed: Sequence[str], what: str, path: Path) -> str:
    """A string field that must be one of ``allowed`` (with a did-you-mean hint)."""
    value = _text(entry, name, what, path)
    if value not in allowed:
        hint = did_you_mean(value, allowed)
        raise CorpusError(f"{what}: {name} must be one of {', '.join(allowed)}, not {value!r}{hint}", str(path))
    return value


def _fact_check(entry: Mapping[str, Any], kind: str, what: str, path: Path) -> FactCheck | None:
    """The ``fact`` table: required for checkable facts, refused for every other kind."""
    raw = entry.get("fact")
    if kind != "checkable_fact":
        if raw is not None:
            raise CorpusError(f"{what}: only a checkable_fact has a fact table (kind is {kind!r})", str(path))
        return None
    if raw is None:
        raise CorpusError(f"{what}: a checkable_fact needs a [fact] table (verdict, reason, sources)", str(path))
    fwhat = f"{what} fact"
    _check_fields(raw, _FACT_FIELDS, fwhat, path)
    return FactCheck(
        verdict=_choice(raw, "verdict", FACT_VERDICTS, fwhat, path),
        reason=_text(raw, "reason", fwhat, path),
        sources=_str_list(raw["sources"], f"{fwhat} sources", path),
    )


def load_claims(
    path: str | Path,
    mechanisms: Mapping[str, Mechanism],
    seeds_dir: str | Path | None = None,
    agents: Sequence[str] = (),
) -> list[Claim]:
    """Load and validate ``claims.toml`` against the mechanisms.

    Parameters
    ----------
    path : str or Path
        File with one ``[[claim]]`` table per claim.
    mechanisms : mapping of str to Mechanism
        Known mechanisms (from :func:`load_mechanisms`).
    seeds_dir : str or Path, optional
        When given, every source article must exist there and every quote must
        occur in it (ignoring case, whitespace and curly vs straight quotes).
    agents : sequence of str
        The review's intervention: its name, then its other names
        (:class:`~litreview.corpus.review_config.Intervention`); stored on
        every claim as :attr:`Claim.agents`, lower-cased.

    Returns
    -------
    list of Claim
        In file order; empty for a review that has no claims yet.

    Raises
    ------
    CorpusError
        Syntax error, missing/unknown field, unknown mechanism or effect,
        duplicate id, dangling ``conflicts_with``, quote too long or not found.
    """
    path = Path(path)
    data = read_toml(path)
    entries = data.get("claim", [])
    if not isinstance(entries, list):
        raise CorpusError("'claim' must be [[claim]] tables", str(path))
    agents = tuple(dict.fromkeys(a.lower() for a in agents))
    claims: list[Claim] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        cid = entry.get("id") if isinstance(entry, Mapping) else None
        what = f"claim #{number}" + (f" ({cid!r})" if cid else "")
        claim = replace(_parse_claim(entry, what, path, mechanisms), agents=agents)
        if claim.id in seen:
            raise CorpusError(f"{what}: duplicate claim id {claim.id!r}", str(path))
        seen.add(claim.id)
        claims.append(claim)
    for claim in claims:
        for other in claim.conflicts_with:
            if other not in seen:
                raise CorpusError(f"claim {claim.id!r}: conflicts_with names unknown claim {other!r}", str(path))
    if seeds_dir is not None:
        check_quotes(claims, Path(seeds_dir), path)
    return claims


_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _comparable(text: str) -> str:
    """Lower-case, collapse whitespace and straighten typographic quotes, for quote matching."""
    return " ".join(text.translate(_TYPOGRAPHIC).split()).lower()


def check_quotes(claims: Iterable[Claim], seeds_dir: Path | Sequence[Path], path: Path) -> None:
    """Check each source article exists in ``seeds_dir`` and contains its quote.

    An article is the file of that name, or ``<name>.txt`` (a registered
    article's id, see :mod:`~litreview.corpus.articles`), in the first of the
    folders that has it (a review's ``articles/``, then the seeds). Raises a
    one-line :class:`CorpusError` naming ``path``, the claim and the quote.
    """
    folders = [seeds_dir] if isinstance(seeds_dir, Path) else list(seeds_dir)
    for folder in folders:
        if not folder.is_dir():
            raise CorpusError(f"seeds directory not found: {folder}")
    seeds_dir = folders[-1]
    texts: dict[str, str] = {}
    for claim in claims:
        for source in claim.sources:
            if source.article not in texts:
                candidates = [f / name for f in folders for name in (source.article, f"{source.article}.txt")]
                file = next((c for c in candidates if c.is_file()), candidates[0])
                if not file.is_file():
                    message = f"claim {claim.id!r}: article {source.article!r} not found in {seeds_dir}"
                    raise CorpusError(message, str(path))
                texts[source.article] = _comparable(read_text(file))
            if _comparable(source.quote) not in texts[source.article]:
                raise CorpusError(
                    f"claim {claim.id!r}: quote not found in {source.article}: {source.quote!r}", str(path)
                )


def claims_to_frame(claims: Sequence[Claim], *, by_article: bool = False) -> pd.DataFrame:
    """Tabulate claims, one row per claim or per (claim, article).

    Parameters
    ----------
    claims : sequence of Claim
    by_article : bool
        If True, one row per (claim, source article) with its quote.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, mechanism, kind, statement, subject, effect, outcome,
        articles, note, conflicts_with`` (per claim) or ``article, id,
        mechanism, statement, quote, conflicts_with`` (per article).
    """
    if by_article:
        rows = [
            {
                "article": s.article,
                "id": c.id,
                "mechanism": c.mechanism,
                "statement": c.statement,
                "quote": s.quote,
                "conflicts_with": ", ".join(c.conflicts_with),
            }
            for c in claims
            for s in c.sources
        ]
        return pd.DataFrame(rows, columns=["article", "id", "mechanism", "statement", "quote", "conflicts_with"])
    rows = [
        {
            "id": c.id,
            "mechanism": c.mechanism,
            "kind": c.kind,
            "statement": c.statement,
            "subject": c.subject,
            "effect": c.effect,
            "outcome": c.outcome,
            "articles": len(c.sources),
            "note": c.note,
            "conflicts_with": ", ".join(c.conflicts_with),
        }
        for c in claims
    ]
    return pd.DataFrame(rows)
