"""PubMed queries, one per mechanism: the review's intervention AND the mechanism's terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .claims import Mechanism
from .review_config import Intervention

__all__ = ["query_groups", "build_query", "build_queries", "queries_to_frame"]


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
    >>> build_query(Mechanism("bdnf", "BDNF", ("BDNF",), ("TrkB",)), Intervention("ketamine", ("ketamine",), ("Ketamine",)))
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
