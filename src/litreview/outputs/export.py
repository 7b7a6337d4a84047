"""Exports a reviewer can hand on: CSV, Excel, Markdown, HTML, BibTeX, RIS.

The exporters take plain data: the review table (one row per claim), the
studies table (one row per study assessment), the screening log and the
provenance table as pandas DataFrames, and the cited records as
:class:`~litreview.records.Article` objects. ``review.html`` is the report page
rendered by :mod:`litreview.report` and written here with the rest.

=================  =======  ===================================================
file               format   contents
=================  =======  ===================================================
``review.csv``     csv      the review table, one row per claim
``studies.csv``    csv      one row per study assessment, score components too
``review.xlsx``    xlsx     sheets summary of findings, review, studies, screening, provenance
``review.md``      md       Summary-of-Findings table, review table, references
``review.html``    html     the report page (:mod:`litreview.report`)
``references.bib`` bib      one ``@article`` per cited record (bibtexparser v2)
``references.ris`` ris      the same records as RIS, for Zotero / EndNote
=================  =======  ===================================================

Further tables (a Summary-of-Findings table, say) slot in through
``export_review(tables=...)``: each becomes a sheet and, with csv, a file.

Every file is rendered in memory, then the whole set is written as one unit
(:func:`~litreview._io.atomic_write_files`): old set or new set, never a mix.
The bytes depend only on the input (no timestamps), so exports diff cleanly
between snapshot refreshes.

Spreadsheet cells (CSV and Excel) are rendered by :mod:`litreview.outputs.spreadsheet`,
which makes them load as they look.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure

from .._io import atomic_write_bytes, atomic_write_files
from ..corpus.records import Article
from ..errors import ExportError
from .bibliography import (
    CURATED_LABEL,
    UNRESOLVED,
    _render_bibtex,
    _render_ris,
    _unique,
    bibtex_key,
    export_bibtex,
    export_ris,
)
from .spreadsheet import _doi_url, _key_url, _pmid_url, _render_xlsx, _text, render_csv

if TYPE_CHECKING:
    from ..synthesis.sof import SofTable

__all__ = [
    "ALL_FORMATS",
    "FORMAT_FILES",
    "parse_formats",
    "bibtex_key",
    "export_csv",
    "export_xlsx",
    "export_markdown",
    "export_bibtex",
    "export_ris",
    "export_review",
]

ALL_FORMATS = ("csv", "xlsx", "md", "html", "bib", "ris")
#: Files each format writes into the output directory.
FORMAT_FILES = {
    "csv": ("review.csv", "studies.csv"),
    "xlsx": ("review.xlsx",),
    "md": ("review.md",),
    "html": ("review.html",),
    "bib": ("references.bib",),
    "ris": ("references.ris",),
}
#: Shown in reference lists for an author the record does not name (no name is invented).
NO_AUTHOR = "[author not recorded]"
# LaTeX specials; braces become commands so BibTeX's brace counting always balances.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>&~#])")
#: What GFM's autolink extension turns into a link: a scheme's ``:`` and the ``.`` after ``www``.
_MD_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp|mailto):|\bwww\.")


# -- Markdown and HTML ----------------------------------------------------------
def _md(text: str) -> str:
    """Escape Markdown and inline HTML; newlines become ``<br>`` so the table row holds.

    URLs in the text (a title, a summary) are escaped too (``https\\://``, ``www\\.``) so that GFM does not
    autolink them: the only links in the file are the ones litreview builds.
    """
    escaped = _MD_AUTOLINK.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], _MD_SPECIAL.sub(r"\\\1", text))
    return re.sub(r"\r\n|\r|\n", "<br>", escaped)


def _md_key(key: str) -> str:
    """A record key as a Markdown link (PubMed, or DOI labelled as PMID unresolved)."""
    url = _key_url(key)
    if url is None:
        return _md(key)
    label = key if _pmid_url(key) else f"{UNRESOLVED}: {key}"
    return f"[{_md(label)}]({url})"


def _md_cell(column: str, value: Any) -> str:
    """One Markdown table cell."""
    if column == "key_pmids" and isinstance(value, (list, tuple)):
        return ", ".join(_md_key(_text(k)) for k in value)
    if column in ("key", "pmid") and _key_url(value):
        return _md_key(_text(value))
    return _md(_text(value))


def _count(n: int, noun: str) -> str:
    """``"1 claim"``, ``"2 claims"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _reference_line(article: Article) -> str:
    """``Authors (year). Title. Journal volume(issue):pages.`` as plain text."""
    names = [a.display_name or NO_AUTHOR for a in article.authors] or [NO_AUTHOR]
    authors = ", ".join(names[:6]) + (", et al." if len(names) > 6 else "")
    where = article.journal or ""
    if article.volume:
        where += f" {article.volume}" + (f"({article.issue})" if article.issue else "")
    if article.pages:
        where += f":{article.pages}"
    year = f" ({article.year})" if article.year else " (year not recorded)"
    return f"{authors}{year}. {article.title.rstrip('.')}. {where.strip()}".strip()


def _md_table(frame: pd.DataFrame) -> list[str]:
    """A frame as GFM table lines (nothing for a frame without columns)."""
    columns = [str(c) for c in frame.columns]
    if not columns:
        return []
    lines = ["| " + " | ".join(_md(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    for row in frame.itertuples(index=False, name=None):
        lines.append("| " + " | ".join(_md_cell(c, v) for c, v in zip(columns, row)) + " |")
    return lines


def _sof_sheets(tables: Sequence[SofTable]) -> dict[str, pd.DataFrame]:
    """Each GRADEpro table as a sheet, and one sheet with their PICO headers and the legend."""
    if not tables:
        return {}
    header = pd.DataFrame(
        [(t.title, field, text) for t in tables for field, text in t.pico.items()]
        + [("legend", "", line) for line in tables[0].legend], columns=["table", "field", "text"])
    return {**{f"SoF {t.title.split()[0].lower()}": t.frame for t in tables}, "SoF PICO and legend": header}


def _md_sof(tables: Sequence[SofTable]) -> list[str]:
    """GRADEpro-style sections: title, PICO header, table, legend."""
    lines: list[str] = []
    for table in tables:
        lines += [f"## Summary of findings: {table.title.lower()}", ""]
        lines += [f"- **{field}:** {_md(text)}" for field, text in table.pico.items()]
        lines += ["", *_md_table(table.frame), ""]
        lines += [f"*{_md(line)}*  " for line in table.legend] + [""]
    return lines


def _render_markdown(review: pd.DataFrame, cited: Sequence[Article], sof: pd.DataFrame | None = None,
                     sof_tables: Sequence[SofTable] = ()) -> bytes:
    """The Summary-of-Findings tables, the review table, then the references."""
    lines = ["# Evidence review", "", f"{_count(len(review), 'claim')}, {_count(len(cited), 'cited record')}.", ""]
    lines += _md_sof(sof_tables)
    if sof is not None:
        lines += ["## Summary of findings", "", *_md_table(sof), "", "## Review table", ""]
    lines += _md_table(review)
    lines += ["", "## References", ""]
    for article in cited:
        item = f"- {_md(_reference_line(article))} {_md_key(article.key)}"
        doi_link = _doi_url(article.doi) if article.pmid else None
        if doi_link:  # a DOI that is not 10.x has no link (never "(None)")
            item += f" [doi:{_md(article.doi or '')}]({doi_link})"
        if article.source == "curated" and article.curated_summary:
            item += f"<br>*{CURATED_LABEL}:* {_md(article.curated_summary)}"
        lines.append(item)
    return ("\n".join(lines) + "\n").encode("utf-8")


def png_bytes(figure: Figure | bytes, dpi: int = 100) -> bytes:
    """PNG bytes of a figure (no Software stamp), or the bytes given after a signature check."""
    if isinstance(figure, (bytes, bytearray)):
        if not bytes(figure).startswith(b"\x89PNG\r\n\x1a\n"):
            raise ExportError("figure bytes are not a PNG image")
        return bytes(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


# -- public writers -------------------------------------------------------------
def export_csv(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write any table as CSV (UTF-8 with a byte-order mark, ``\\n`` line ends), atomically.

    Parameters
    ----------
    path : str or Path
        Target file; parent folders are created.
    frame : pandas.DataFrame
        Lists become ``"a; b"``, dicts ``"key value, ..."``; text that a
        spreadsheet could run as a formula gets a leading ``'``; numbers stay
        numbers; identifier columns are text (see the module notes).

    Returns
    -------
    Path
    """
    atomic_write_bytes(path, render_csv(frame))
    return Path(path)


def export_xlsx(path: str | Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write an Excel workbook with one sheet per table, atomically.

    Parameters
    ----------
    path : str or Path
    sheets : mapping of str to pandas.DataFrame
        Sheet name (at most 31 characters) -> table, in sheet order.

    Returns
    -------
    Path

    Notes
    -----
    Bold, frozen, auto-filtered header; wrapped text; fitted widths; ``pmid``,
    ``doi`` and ``key`` cells link to PubMed or doi.org; text neutralised as in
    :func:`export_csv`. Fixed workbook and zip dates make the bytes reproducible.
    """
    atomic_write_bytes(path, _render_xlsx(sheets))
    return Path(path)


def export_markdown(path: str | Path, review: pd.DataFrame, cited: Sequence[Article]) -> Path:
    """Write the review table and the reference list as Markdown, atomically.

    Parameters
    ----------
    path : str or Path
    review : pandas.DataFrame
        The review table; ``key_pmids`` lists become PubMed / DOI links.
    cited : sequence of Article
        The reference list; curated summaries are labelled as such.

    Returns
    -------
    Path
    """
    atomic_write_bytes(path, _render_markdown(review, _unique(cited)))
    return Path(path)


def parse_formats(text: str) -> tuple[str, ...]:
    """Validate a comma-separated format list, e.g. from ``--format csv,bib``.

    Parameters
    ----------
    text : str

    Returns
    -------
    tuple of str
        The formats, in :data:`ALL_FORMATS` order, each once.

    Raises
    ------
    ExportError
        An unknown or empty format list; the message names the valid formats.

    Examples
    --------
    >>> parse_formats("ris, CSV")
    ('csv', 'ris')
    """
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in ALL_FORMATS]
    if unknown or not names:
        bad = ", ".join(repr(n) for n in dict.fromkeys(unknown)) or "none given"
        raise ExportError(f"unknown export format ({bad}); choose from {', '.join(ALL_FORMATS)}")
    return tuple(f for f in ALL_FORMATS if f in names)


def export_review(
    out_dir: str | Path,
    *,
    review: pd.DataFrame,
    studies: pd.DataFrame,
    screening: pd.DataFrame,
    provenance: pd.DataFrame,
    cited: Sequence[Article],
    formats: Sequence[str] | str = ALL_FORMATS,
    sof: pd.DataFrame | None = None,
    html_report: bytes | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    files: Mapping[str, bytes] | None = None,
    sof_tables: Sequence[SofTable] = (),
) -> dict[str, Path]:
    """Write the review's exports into ``out_dir`` as one unit.

    Every requested file is rendered before any is written; then the whole set
    is written with :func:`~litreview._io.atomic_write_files`, so a failure (a
    full disk, Ctrl-C) leaves the old set, never a partial or half-updated one.

    Parameters
    ----------
    out_dir : str or Path
        Created if missing.
    review, studies, screening, provenance : pandas.DataFrame
        The review table, the study assessments, the screening log and the
        snapshot provenance. Columns are written as they come: a new column
        needs no change here (identifier columns are recognised by name).
    cited : sequence of Article
        Records behind the assessments (BibTeX, RIS, reference lists).
    formats : sequence of str or str
        Any of :data:`ALL_FORMATS` (a string is read by :func:`parse_formats`).
    sof : pandas.DataFrame, optional
        The Summary-of-Findings table: the first sheet of ``review.xlsx``, the
        first section of ``review.md`` and, with csv, ``summary_of_findings.csv``.
    html_report : bytes, optional
        ``review.html``: the report page (:func:`litreview.report.render_report`);
        required when the ``html`` format is asked for.
    tables : mapping of str to pandas.DataFrame, optional
        Further tables by name (lower-case letters, digits, ``_``), e.g. a
        Summary-of-Findings table: each becomes a sheet of ``review.xlsx``
        after the standard four and, with csv, ``<name>.csv``.
    files : mapping of str to bytes, optional
        Further files written in the same unit, by path relative to
        ``out_dir`` (``figures/timeline.png``).
    sof_tables : sequence of SofTable
        GRADEpro-style Summary-of-Findings tables (:func:`litreview.synthesis.sof.sof_tables`):
        the first sections of ``review.md``, sheets of ``review.xlsx`` (with
        their PICO headers and the legend on a sheet of their own) and, with
        csv, ``sof_clinical.csv`` and ``sof_mechanistic.csv``.

    Returns
    -------
    dict of str to Path
        File name -> path written (see :data:`FORMAT_FILES`, plus ``tables``
        and ``files``).

    Raises
    ------
    ExportError
        An unknown format or table name, ``html`` without ``html_report``,
        ``out_dir`` is a file, or a file could not be written (disk full,
        permission denied); in that last case no file has been replaced.
    """
    chosen = parse_formats(formats if isinstance(formats, str) else ",".join(formats))
    extra = dict(tables or {})
    standard = {"review": review, "studies": studies, "screening": screening, "provenance": provenance}
    for name in extra:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in standard:
            raise ExportError(f"table name {name!r} must be lower-case letters, digits and _ and not one of "
                              f"{', '.join(standard)}")
    if "html" in chosen and html_report is None:
        raise ExportError("review.html is the report page: pass html_report (litreview.report.render_report) "
                          "or leave out the html format")
    refs = _unique(cited)
    first = {**_sof_sheets(sof_tables), **({"summary of findings": sof} if sof is not None else {})}
    renderers = {
        "review.csv": lambda: render_csv(review),
        "studies.csv": lambda: render_csv(studies),
        "review.xlsx": lambda: _render_xlsx({**first, **standard, **extra}),
        "review.md": lambda: _render_markdown(review, refs, sof, sof_tables),
        "review.html": lambda: html_report,
        "references.bib": lambda: _render_bibtex(refs),
        "references.ris": lambda: _render_ris(refs),
    }
    rendered = {name: renderers[name]() for fmt in chosen for name in FORMAT_FILES[fmt]}
    if "csv" in chosen:
        named = {"summary_of_findings": sof} if sof is not None else {}
        named.update({f"sof_{t.title.split()[0].lower()}": t.frame for t in sof_tables})
        rendered.update({f"{name}.csv": render_csv(table) for name, table in {**named, **extra}.items()})
    rendered.update(files or {})
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ExportError(f"cannot write the exports into {out}: it is a file, not a directory")
    try:
        atomic_write_files({out / name: data for name, data in rendered.items()})
    except OSError as exc:
        raise ExportError(f"cannot write {exc.filename or out}: {exc.strerror or exc} (no file was replaced)") from exc
    return {name: out / name for name in rendered}
