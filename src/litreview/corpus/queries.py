"""PubMed queries, one per mechanism: the review's intervention AND the mechanism's terms."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from .claims import Claim, Mechanism
from .review_config import Intervention

__all__ = ["query_groups", "build_query", "build_queries", "queries_to_frame", "draft_mechanism"]

_STOP = frozenset("with from that this into than over under more less after before during about their there "
                  "which while within without between among each other some such only also very much many "
                  "levels level effect effects activity people patients compared hours system amount released "
                  "brain receptors receptor suffering help helps".split())


def _quote(term: str) -> str:
    """Quote a term for PubMed when it has spaces or punctuation."""
    return f'"{term}"' if any(not (ch.isalnum() or ch == "*") for ch in term) else term


def _any_of(terms: Sequence[str], mesh: Sequence[str]) -> str:
    """OR together free-text [tiab] terms and [mh] headings."""
    parts = [f"{_quote(t)}[tiab]" for t in terms] + [f'"{m}"[mh]' for m in mesh]
    return "(" + " OR ".join(parts) + ")"


def query_groups(mechanism: Mechanism,
                 intervention: Intervention | None) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The structure of a mechanism's query: groups ANDed, each ``(tiab terms, MeSH headings)`` ORed.

    :func:`build_query` writes it as PubMed syntax; the offline mirror
    (:func:`~litreview.mirror.refresh_from_mirror`) evaluates it directly.

    Parameters
    ----------
    mechanism : Mechanism
    intervention : Intervention or None
        The review's intervention (``litreview.toml``); None searches the
        mechanism's terms alone.

    Returns
    -------
    tuple of (tuple of str, tuple of str)
        The intervention's group (when given), then the mechanism's group.
    """
    mechanism_group = (tuple(mechanism.synonyms), tuple(mechanism.mesh))
    if intervention is None:
        return (mechanism_group,)
    return ((intervention.terms, intervention.mesh), mechanism_group)


def build_query(mechanism: Mechanism, intervention: Intervention | None) -> str:
    """PubMed query for one mechanism: the intervention AND any of the mechanism's terms.

    Parameters
    ----------
    mechanism : Mechanism
        Supplies synonyms (searched as ``[tiab]``) and MeSH headings (``[mh]``).
    intervention : Intervention or None
        Its terms (``[tiab]``) and MeSH headings (``[mh]``) are ANDed with the
        mechanism's; None searches the mechanism's terms alone.

    Returns
    -------
    str
        An ESearch ``term``.

    Examples
    --------
    >>> from litreview.corpus.claims import Mechanism
    >>> from litreview.corpus.review_config import Intervention
    >>> drug = Intervention("ketamine", ("ketamine",), ("Ketamine",))
    >>> build_query(Mechanism("bdnf", "BDNF", ("BDNF",), ("TrkB",)), drug)
    '(ketamine[tiab] OR "Ketamine"[mh]) AND (BDNF[tiab] OR "TrkB"[mh])'
    """
    return " AND ".join(_any_of(terms, mesh) for terms, mesh in query_groups(mechanism, intervention))


def build_queries(mechanisms: Mapping[str, Mechanism], intervention: Intervention | None) -> dict[str, str]:
    """Map every mechanism key to its query (see :func:`build_query`), in file order."""
    return {key: build_query(m, intervention) for key, m in mechanisms.items()}


def queries_to_frame(mechanisms: Mapping[str, Mechanism], intervention: Intervention | None) -> pd.DataFrame:
    """One row per mechanism: ``mechanism, label, terms, mesh, query``."""
    return pd.DataFrame(
        [
            {
                "mechanism": key,
                "label": m.label,
                "terms": len(m.synonyms),
                "mesh": len(m.mesh),
                "query": build_query(m, intervention),
            }
            for key, m in mechanisms.items()
        ]
    )


def _outcome_words(claim: Claim, skip: set[str]) -> list[str]:
    """A claim's outcome as search words: its protocol's outcome terms, else the outcome's content words."""
    if claim.outcome_terms:
        return list(claim.outcome_terms)
    words = re.findall(r"[A-Za-z][A-Za-z0-9-]{3,}", claim.outcome)
    return [w for w in words if w.lower() not in _STOP and w.lower() not in skip]


def draft_mechanism(mechanism: Mechanism, claims: Sequence[Claim], intervention: Intervention | None,
                    known_mesh: Sequence[str] = ()) -> Mechanism:
    """A mechanism widened by its claims' outcomes: the terms a drafted query searches.

    Parameters
    ----------
    mechanism : Mechanism
    claims : sequence of Claim
        Claims of this mechanism (others are ignored).
    intervention : Intervention or None
        Its names are not outcome words.
    known_mesh : sequence of str
        MeSH headings known locally (the snapshot's records, the mirror): an
        outcome word that is one of them is also searched as ``[mh]``.

    Returns
    -------
    Mechanism
        Same key and label; synonyms and MeSH headings extended, without repeats.
    """
    skip = {w.lower() for w in (intervention.agents if intervention else ())}
    words = [w for c in claims if c.mechanism == mechanism.key for w in _outcome_words(c, skip)]
    unique: dict[str, str] = {}
    for term in (*mechanism.synonyms, *words):
        unique.setdefault(term.lower(), term)
    mesh = tuple(dict.fromkeys([*mechanism.mesh, *(h for h in known_mesh if h.lower() in unique)]))
    return Mechanism(mechanism.key, mechanism.label, tuple(unique.values()), mesh, mechanism.description)
