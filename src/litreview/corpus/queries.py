"""PubMed queries, one per mechanism, built from the mechanisms file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .claims import Mechanism

__all__ = ["DRUG_TERMS", "DRUG_MESH", "query_groups", "build_query", "build_queries", "queries_to_frame"]

#: Free-text terms for the intervention, searched in title/abstract.
DRUG_TERMS = ("ketamine", "esketamine", "arketamine")
#: MeSH heading for the intervention.
DRUG_MESH = ("Ketamine",)


def _quote(term: str) -> str:
    """Quote a term for PubMed when it has spaces or punctuation."""
    return f'"{term}"' if any(not (ch.isalnum() or ch == "*") for ch in term) else term


def _any_of(terms: Sequence[str], mesh: Sequence[str]) -> str:
    """OR together free-text [tiab] terms and [mh] headings."""
    parts = [f"{_quote(t)}[tiab]" for t in terms] + [f'"{m}"[mh]' for m in mesh]
    return "(" + " OR ".join(parts) + ")"


def query_groups(mechanism: Mechanism) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The structure of a mechanism's query: groups ANDed, each ``(tiab terms, MeSH headings)`` ORed.

    :func:`build_query` writes it as PubMed syntax; the offline mirror
    (:func:`~litreview.mirror.refresh_from_mirror`) evaluates it directly.

    Parameters
    ----------
    mechanism : Mechanism

    Returns
    -------
    tuple of (tuple of str, tuple of str)
        The drug group, then the mechanism's group.
    """
    return ((DRUG_TERMS, DRUG_MESH), (tuple(mechanism.synonyms), tuple(mechanism.mesh)))


def build_query(mechanism: Mechanism) -> str:
    """PubMed query for one mechanism: the drug AND any of the mechanism's terms.

    Parameters
    ----------
    mechanism : Mechanism
        Supplies synonyms (searched as ``[tiab]``) and MeSH headings (``[mh]``).

    Returns
    -------
    str
        An ESearch ``term``.

    Examples
    --------
    >>> from litreview.claims import Mechanism
    >>> build_query(Mechanism("bdnf", "BDNF", ("BDNF",), ("TrkB",)))
    '(ketamine[tiab] OR esketamine[tiab] OR arketamine[tiab] OR "Ketamine"[mh]) AND (BDNF[tiab] OR "TrkB"[mh])'
    """
    return " AND ".join(_any_of(terms, mesh) for terms, mesh in query_groups(mechanism))


def build_queries(mechanisms: Mapping[str, Mechanism]) -> dict[str, str]:
    """Map every mechanism key to its query, in file order."""
    return {key: build_query(m) for key, m in mechanisms.items()}


def queries_to_frame(mechanisms: Mapping[str, Mechanism]) -> pd.DataFrame:
    """One row per mechanism: ``mechanism, label, terms, mesh, query``."""
    return pd.DataFrame(
        [
            {
                "mechanism": key,
                "label": m.label,
                "terms": len(m.synonyms),
                "mesh": len(m.mesh),
                "query": build_query(m),
            }
            for key, m in mechanisms.items()
        ]
    )
