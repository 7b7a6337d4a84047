"""Bibliographies of the cited studies: BibTeX (bibtexparser v2) and RIS.

Both files hold the same records, one entry per record key. Curated records
carry the note ``curated record`` (and ``PMID unresolved`` while only their DOI
is known); RIS puts their curated summary in ``N1``, labelled as not being the
abstract.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.model import Entry, Field

from .._io import atomic_write_bytes
from ..corpus.records import Article, Author
from ..synthesis.appraisal import letter_suffix

__all__ = ["UNRESOLVED", "CURATED_LABEL", "bibtex_key", "export_bibtex", "export_ris"]

UNRESOLVED = "PMID unresolved"
CURATED_LABEL = "curated summary (not the abstract)"
_TITLE_STOPWORDS = frozenset({"a", "an", "the", "of", "on", "in", "and", "for", "to", "is", "are", "does", "do"})
_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX))
#: "and" as a word: BibTeX splits an author list there, after any whitespace (tabs too).
_AND_WORD = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


def _unique(cited: Iterable[Article]) -> list[Article]:
    """Cited records, first occurrence of each key kept, input order."""
    seen: dict[str, Article] = {}
    for article in cited:
        seen.setdefault(article.key, article)
    return list(seen.values())


def _text(value: Any) -> str:
    """``str(value)``, or ``""`` for None."""
    return "" if value is None else str(value)

def _ascii_fold(text: str) -> str:
    """Drop accents and other non-ASCII characters (Šimić -> Simic)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _ascii_word(text: str) -> str:
    """ASCII letters and digits only, accents folded."""
    return re.sub(r"[^A-Za-z0-9]", "", _ascii_fold(text))


def bibtex_key(article: Article) -> str:
    """Citation key ``FirstAuthorLastnameYearFirstTitleWord``, ASCII only.

    Parameters
    ----------
    article : Article

    Returns
    -------
    str
        E.g. ``"Maeng2008Cellular"``; ``Anon`` without authors, ``nd`` without a
        year. :func:`export_bibtex` appends ``a``, ``b``, ... to keys that
        collide, in record-key order.

    Examples
    --------
    >>> from litreview.records import Article, Author
    >>> bibtex_key(Article(pmid="1", title="The role of BDNF", year=2020,
    ...                    authors=(Author(last_name="Šimić", fore_name="Ana"),)))
    'Simic2020Role'
    """
    first = article.authors[0] if article.authors else None
    name = ""
    if first is not None:
        name = first.last_name or (first.collective_name or "").split(" ")[0]
    words = re.findall(r"[A-Za-z0-9]+", _ascii_fold(article.title))
    word = next((w for w in words if w.lower() not in _TITLE_STOPWORDS), "")
    name = _ascii_word(name) or "Anon"
    return f"{name[0].upper()}{name[1:]}{article.year or 'nd'}{word[:1].upper()}{word[1:].lower()}"


def _bibtex_keys(articles: Sequence[Article]) -> dict[str, str]:
    """Record key -> unique BibTeX key; colliding keys get a, b, ... in record-key order."""
    groups: dict[str, list[str]] = {}
    for article in sorted(articles, key=lambda a: a.key):
        groups.setdefault(bibtex_key(article), []).append(article.key)
    taken, result = set(groups), {}
    for base, record_keys in groups.items():
        if len(record_keys) == 1:
            result[record_keys[0]] = base
            continue
        fresh = (c for c in (base + letter_suffix(n) for n in itertools.count()) if c not in taken)
        for record_key in record_keys:
            result[record_key] = next(fresh)
            taken.add(result[record_key])
    return result


def _latex(text: str) -> str:
    """Escape LaTeX specials; UTF-8 letters are kept as they are."""
    return _LATEX_RE.sub(lambda m: _LATEX[m.group()], " ".join(text.split()))


def _bib_name(author: Author) -> str:
    """``Last, Suffix, First`` for persons; a braced collective name so BibTeX keeps it whole."""
    if author.collective_name:
        return "{" + _latex(author.collective_name) + "}"
    parts = [p for p in (author.last_name, author.suffix, author.fore_name or author.initials) if p]
    protected = ["{" + _latex(p) + "}" if ("," in p or _AND_WORD.search(p)) else _latex(p) for p in parts]
    return ", ".join(protected)


def _page_range(pages: str | None) -> tuple[str, str | None]:
    """MEDLINE pages to (first, last): ``"123-30"`` -> ``("123", "130")``, ``"e12"`` -> ``("e12", None)``."""
    text = " ".join((pages or "").split())
    first, sep, last = text.partition("-")
    first, last = first.strip(), last.strip()
    if not sep or not last:
        return first, None
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last  # MEDLINE drops leading digits of the last page
    return first, last


def _note(article: Article) -> str | None:
    """``curated record`` and/or ``PMID unresolved``, when they apply."""
    parts = (["curated record"] if article.source == "curated" else []) + ([] if article.pmid else [UNRESOLVED])
    return "; ".join(parts) or None


def _render_bibtex(cited: Sequence[Article]) -> bytes:
    """One ``@article`` per record, written by bibtexparser v2."""
    articles = _unique(cited)
    keys = _bibtex_keys(articles)
    library = bibtexparser.Library()
    for article in articles:
        first, last = _page_range(article.pages)
        # DOIs are verbatim in BibTeX/biblatex: only characters that break the file are encoded.
        doi = (article.doi or "").replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
        values = [
            ("author", " and ".join(_bib_name(a) for a in article.authors)),
            ("title", _latex(article.title)),
            ("journal", _latex(article.journal or "")),
            ("year", str(article.year or "")),
            ("volume", _latex(article.volume or "")),
            ("number", _latex(article.issue or "")),
            ("pages", _latex(f"{first}--{last}" if last else first)),
            ("doi", " ".join(doi.split())),
            ("pmid", article.pmid if article.pmid and article.pmid.isdigit() else ""),
            ("note", _note(article) or ""),
        ]
        fields = [Field(name, value) for name, value in values if value]
        library.add(Entry("article", keys[article.key], fields))
    return bibtexparser.write_string(library).encode("utf-8")


def _ris_value(text: Any) -> str:
    """One-line RIS value (RIS has no escaping: newlines would end the field)."""
    return " ".join(_text(text).split())


def _render_ris(cited: Sequence[Article]) -> bytes:
    """One ``TY  - JOUR`` ... ``ER  -`` record per cited record, CRLF line ends."""
    lines: list[str] = []
    for article in _unique(cited):
        first, last = _page_range(article.pages)
        tags: list[tuple[str, Any]] = [("TY", "JOUR")]
        for author in article.authors:
            if author.collective_name:
                tags.append(("AU", author.collective_name))
            else:
                names = [p for p in (author.last_name, author.fore_name or author.initials, author.suffix) if p]
                tags.append(("AU", ", ".join(names)))
        tags += [
            ("TI", article.title), ("T2", article.journal), ("JO", article.journal_iso or article.journal),
            ("PY", article.year), ("VL", article.volume), ("IS", article.issue), ("SP", first), ("EP", last),
            ("DO", article.doi), ("AN", article.pmid), ("UR", article.url),
        ]
        if article.source == "curated" and article.curated_summary:
            tags.append(("N1", f"{CURATED_LABEL}: {article.curated_summary}"))
        elif article.abstract:
            tags.append(("AB", article.abstract))
        tags.append(("N1", _note(article)))
        lines += [f"{tag}  - {_ris_value(value)}" for tag, value in tags if _ris_value(value)]
        lines += ["ER  - ", ""]
    return "\r\n".join(lines).encode("utf-8")


def export_bibtex(path: str | Path, cited: Sequence[Article]) -> Path:
    """Write one BibTeX ``@article`` per cited record, atomically.

    Parameters
    ----------
    path : str or Path
    cited : sequence of Article
        Duplicate keys are written once. Keys come from :func:`bibtex_key`;
        fields are author, title, journal, year, volume, number, pages, doi,
        pmid and note (curated record / PMID unresolved), LaTeX specials escaped.

    Returns
    -------
    Path
    """
    atomic_write_bytes(path, _render_bibtex(cited))
    return Path(path)


def export_ris(path: str | Path, cited: Sequence[Article]) -> Path:
    """Write one RIS record per cited record (the BibTeX file's set), atomically.

    Parameters
    ----------
    path : str or Path
    cited : sequence of Article

    Returns
    -------
    Path
    """
    atomic_write_bytes(path, _render_ris(cited))
    return Path(path)
