"""The first snapshot, built from the curated evidence register (``register.jsonl``).

Each register row is one study (by PMID or DOI) judged by the curator for a
group of claims; :func:`build_snapshot_from_register` checks every row (types,
vocabularies, ids, references to claims and mechanisms), merges rows of the
same study, and returns a :class:`~litreview.corpus.snapshot.Snapshot` whose
records say ``source: curated`` in their provenance until a live fetch replaces
them with full PubMed records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .._io import read_jsonl
from .._validate import build, count, did_you_mean, identifier, one_of, text
from ..errors import CorpusError
from .claims import Claim, Mechanism
from .queries import build_query
from .records import Article, Author, PublicationType
from .review_config import Intervention
from .snapshot import CuratedJudgement, Provenance, SearchResult, Snapshot, _pmid
from .vocabulary import (
    CURATED_DESIGNS,
    CURATED_DIRECTIONS,
    CURATED_POPULATIONS,
    VERIFICATIONS,
)

__all__ = ["build_snapshot_from_register"]

_REGISTER_DIRECTIONS = (*CURATED_DIRECTIONS, "null")
_REGISTER_DIRECTION = {"null": "no_effect"}


def _author_from(first_author: str | None) -> tuple[Author, ...]:
    """Turn the register's ``"Maeng S"`` into an Author (empty when unknown)."""
    if not first_author:
        return ()
    last, _, initials = first_author.strip().rpartition(" ")
    if not last:
        return (Author(last_name=initials),)
    return (Author(last_name=last, initials=initials),)


@dataclass(frozen=True)
class _RegisterRow:
    """One evidence-register row, typed (see :func:`build_snapshot_from_register`)."""

    title: str
    mechanism: str
    claim_ids: tuple[str, ...]
    direction: str
    finding: str
    verification: str
    pmid: str | None = None
    doi: str | None = None
    journal: str | None = None
    year: int | None = None
    first_author: str | None = None
    publication_types: tuple[str, ...] = ()
    design: str | None = None
    population: str | None = None
    species: str | None = None
    n: int | None = None
    pubmed_url: str | None = None
    verified_via: str | None = None


def _check_row(row: Any, where: str, known_claims: set[str], mechanisms: Mapping[str, Mechanism]) -> _RegisterRow:
    """Validate one register row (types, vocabularies, ids, references); raise CorpusError naming it."""
    try:
        typed = build(_RegisterRow, row)
    except TypeError as exc:
        raise CorpusError(f"{where}: {exc}") from None
    for name in ("title", "finding", "claim_ids"):
        if not getattr(typed, name):
            raise CorpusError(f"{where}: missing field {name!r}")
    _pmid(typed.pmid, f"{where}: field 'pmid'")
    if typed.doi is not None:
        identifier(typed.doi, f"{where}: field 'doi'")
    if not (typed.pmid or typed.doi):
        raise CorpusError(f"{where}: neither pmid nor doi")
    mechanism = identifier(typed.mechanism, f"{where}: field 'mechanism'")
    if mechanism not in mechanisms:
        raise CorpusError(f"{where}: unknown mechanism {mechanism!r}{did_you_mean(mechanism, mechanisms)}")
    one_of(typed.direction, _REGISTER_DIRECTIONS, f"{where}: field 'direction'")
    one_of(typed.verification, VERIFICATIONS, f"{where}: field 'verification'")
    for name, vocabulary in (("design", CURATED_DESIGNS), ("population", CURATED_POPULATIONS)):
        if getattr(typed, name) is not None:
            one_of(getattr(typed, name), vocabulary, f"{where}: field {name!r}")
    if typed.n is not None:
        count(typed.n, f"{where}: field 'n'")
    claim_ids = tuple(identifier(cid, f"{where}: field 'claim_ids[{i}]'") for i, cid in enumerate(typed.claim_ids))
    for cid in claim_ids:
        if cid not in known_claims:
            raise CorpusError(f"{where}: unknown claim id {cid!r}{did_you_mean(cid, known_claims)}")
    return replace(typed, mechanism=mechanism, claim_ids=claim_ids, title=text(typed.title, where),
                   finding=text(typed.finding, where))


def _merge_article(old: Article, new: Article) -> Article:
    """Fill fields missing in ``old`` from ``new`` (same study seen in two rows); keep every distinct finding."""
    updates = {
        name: getattr(new, name)
        for name in ("doi", "journal", "year", "authors", "publication_types", "pmid")
        if not getattr(old, name) and getattr(new, name)
    }
    if new.curated_summary and new.curated_summary not in (old.curated_summary or ""):
        updates["curated_summary"] = f"{old.curated_summary} {new.curated_summary}".strip()
    return replace(old, **updates) if updates else old


def _stronger(old: Provenance | None, new: Provenance) -> Provenance:
    """The provenance with the stronger identifier verification (the first one on a tie)."""
    if old is None or VERIFICATIONS.index(new.verification) < VERIFICATIONS.index(old.verification):
        return new
    return old


def build_snapshot_from_register(
    register_paths: Sequence[str | Path],
    mechanisms: Mapping[str, Mechanism],
    claims: Sequence[Claim],
    retrieved: str,
    intervention: Intervention | None = None,
) -> Snapshot:
    """Build the first snapshot from curated evidence-register files.

    Parameters
    ----------
    register_paths : sequence of path
        JSON-lines files (``register.jsonl``, ``pending_doi.jsonl``): one row per
        (study, claim group) with bibliographic facts, the curator's judgement and
        a one-sentence ``finding`` written for the project.
    mechanisms : mapping of str to Mechanism
        Used to check mechanism keys and to record each mechanism's query.
    claims : sequence of Claim
        Used to check claim ids.
    retrieved : str
        Build date ``YYYY-MM-DD`` written into provenance (a parameter, so a
        rebuild with the same date is byte-identical).
    intervention : Intervention, optional
        The review's intervention, part of each mechanism's recorded query.

    Returns
    -------
    Snapshot
        One curated record per study (keyed by PMID, else ``doi:<doi>``), one
        judgement per (study, claim), and the mechanism -> records map.

    Raises
    ------
    CorpusError
        A row is not JSON, has unknown/missing fields, an unknown mechanism or
        claim id, or contradicts another row about the same study's identity.
    """
    known_claims = {c.id for c in claims}
    records: dict[str, Article] = {}
    provenance: dict[str, Provenance] = {}
    doi_to_key: dict[str, str] = {}
    judgements: dict[tuple[str, str], CuratedJudgement] = {}
    by_mechanism: dict[str, set[str]] = {key: set() for key in mechanisms}
    for path in register_paths:
        for line, raw in read_jsonl(path):
            where = f"{Path(path).name}:{line}"
            row = _check_row(raw, where, known_claims, mechanisms)
            key = row.pmid or (doi_to_key.get(row.doi.lower()) if row.doi else None) or f"doi:{row.doi.lower()}"
            finding = " ".join(row.finding.split())
            article = Article(
                pmid=row.pmid,
                doi=row.doi,
                title=" ".join(row.title.split()),
                journal=row.journal,
                year=row.year,
                authors=_author_from(row.first_author),
                publication_types=tuple(PublicationType(name=p) for p in row.publication_types),
                source="curated",
                curated_summary=finding,
            )
            if key in records:
                if records[key].title.lower() != article.title.lower():
                    raise CorpusError(f"{where}: {key} already has a different title")
                article = _merge_article(records[key], article)
            records[key] = article
            if row.doi:
                doi_to_key[row.doi.lower()] = key
            seen = Provenance(key=key, source="curated", retrieved=retrieved, verification=row.verification,
                              verified_via=row.verified_via)
            provenance[key] = _stronger(provenance.get(key), seen)
            by_mechanism[row.mechanism].add(key)
            for cid in row.claim_ids:
                if (key, cid) in judgements:
                    raise CorpusError(f"{where}: a second row for study {key} and claim {cid!r}")
                judgements[(key, cid)] = CuratedJudgement(
                    key=key,
                    claim_id=cid,
                    mechanism=row.mechanism,
                    direction=_REGISTER_DIRECTION.get(row.direction, row.direction),
                    design=row.design,
                    population=row.population,
                    species=row.species,
                    n=row.n,
                    finding=finding,
                )
    claim_mechanism = {c.id: c.mechanism for c in claims}
    for key, cid in judgements:
        by_mechanism[claim_mechanism[cid]].add(key)
    queries_of: dict[str, list[str]] = {}
    for mech, keys in by_mechanism.items():
        for key in keys:
            queries_of.setdefault(key, []).append(mech)
    provenance = {k: replace(p, queries=tuple(sorted(queries_of.get(k, ())))) for k, p in provenance.items()}
    searches = {
        mech: SearchResult(
            mechanism=mech,
            query=build_query(mechanisms[mech], intervention),
            count=len(keys),
            keys=tuple(sorted(keys)),
            origin="curated_register",
            retrieved=retrieved,
        )
        for mech, keys in by_mechanism.items()
    }
    return Snapshot(
        records=tuple(records[k] for k in sorted(records)),
        searches=searches,
        provenance={k: provenance[k] for k in sorted(provenance)},
        curated=tuple(judgements[k] for k in sorted(judgements)),
    )
