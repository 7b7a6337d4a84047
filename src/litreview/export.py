"""Exports a reviewer can hand on: CSV, Excel, Markdown, HTML, BibTeX, RIS.

The exporters take plain data: the review table (one row per claim), the
studies table (one row per study assessment), the screening log and the
provenance table as pandas DataFrames, the cited records as
:class:`~litreview.records.Article` objects, and optional figures.

=================  =======  ===================================================
file               format   contents
=================  =======  ===================================================
``review.csv``     csv      the review table, one row per claim
``studies.csv``    csv      one row per study assessment, score components too
``review.xlsx``    xlsx     sheets summary of findings, review, studies, screening, provenance
``review.md``      md       Summary-of-Findings table, review table, references
``review.html``    html     standalone page: tables, figures, references
``references.bib`` bib      one ``@article`` per cited record (bibtexparser v2)
``references.ris`` ris      the same records as RIS, for Zotero / EndNote
=================  =======  ===================================================

Every file is rendered in memory, then written atomically, and the bytes
depend only on the input (no timestamps), so exports diff cleanly between
snapshot refreshes. Text cells that a spreadsheet would run as a formula
(starting with ``= + - @``, tab or CR) get a leading ``'``; numbers stay numbers.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ._io import atomic_write_bytes
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
from .errors import ExportError
from .records import Article

__all__ = [
    "ALL_FORMATS",
    "FORMAT_FILES",
    "parse_formats",
    "bibtex_key",
    "export_csv",
    "export_xlsx",
    "export_markdown",
    "export_html",
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
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
# Fixed workbook and zip-entry date: openpyxl stamps now() and zipfile the local time.
_FIXED_DATE = datetime(2000, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_MAX_CELL = 32767
_XLSX_MAX_WIDTH = 60
# LaTeX specials; braces become commands so BibTeX's brace counting always balances.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>&~#])")


# -- cell values ----------------------------------------------------------------
def _missing(value: Any) -> bool:
    """True for None, NaN, NA and NaT."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _text(value: Any) -> str:
    """Plain text for any cell: lists joined by ``"; "``, dicts as ``key value``, missing as ``""``."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return "; ".join(_text(v) for v in items)
    if _missing(value):
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def _neutralise(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would read as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cell(value: Any) -> str | int | float | bool | None:
    """Spreadsheet value: finite numbers and booleans kept, everything else neutralised text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value if math.isfinite(value) else str(value)
    if _missing(value):
        return None
    return _neutralise(_text(value))


def _pmid_url(pmid: Any) -> str | None:
    """PubMed link for an all-digit PMID."""
    text = _text(pmid).strip()
    return PUBMED_URL.format(text) if text.isdigit() else None


def _doi_url(doi: Any) -> str | None:
    """doi.org link, percent-encoding anything unsafe in a URL."""
    text = _text(doi).strip()
    if text.lower().startswith("doi:"):
        text = text[4:]
    return "https://doi.org/" + quote(text, safe="/:;._-") if text.startswith("10.") else None


def _key_url(key: Any) -> str | None:
    """Link for a record key: PubMed for a PMID, doi.org for ``doi:...``."""
    return _pmid_url(key) or _doi_url(key)


#: Spreadsheet columns whose cells link out, and how.
_LINKED_COLUMNS = {"pmid": _pmid_url, "doi": _doi_url, "key": _key_url}


# -- CSV and Excel --------------------------------------------------------------
def _csv_field(value: str | int | float | bool | None) -> str:
    """One RFC 4180 field; quoted when it holds a comma, quote, CR or LF.

    Written by hand because the csv module leaves a lone CR unquoted when lines
    end with LF, which splits the row for readers.
    """
    text = "" if value is None else str(value)
    return '"' + text.replace('"', '""') + '"' if re.search(r'[,"\r\n]', text) else text


def _render_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV, ``\\n`` line ends, header and text cells neutralised."""
    header = ",".join(_csv_field(_cell(str(c))) for c in frame.columns)
    columns = [frame[c].tolist() for c in frame.columns]
    # A lone empty field is quoted so the row is not read as a blank line.
    rows = (",".join(_csv_field(_cell(v)) for v in row) or '""' for row in zip(*columns))
    return "\n".join([header, *rows, ""]).encode("utf-8")


def _xlsx_value(value: Any) -> str | int | float | bool | None:
    """:func:`_cell`, minus characters XML forbids, cut to Excel's cell limit."""
    value = _cell(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > _XLSX_MAX_CELL:
            value = value[: _XLSX_MAX_CELL - 12] + " [truncated]"
    return value


def _fill_sheet(ws: Any, frame: pd.DataFrame) -> None:
    """Write one table: bold frozen filtered header, wrapped text, id hyperlinks, fitted widths."""
    wrap = Alignment(wrap_text=True, vertical="top")
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE5F0")
    names = [str(c) for c in frame.columns]
    widths = [min(len(n) + 2, _XLSX_MAX_WIDTH) for n in names]
    for col, name in enumerate(names, start=1):
        cell = ws.cell(row=1, column=col, value=_xlsx_value(name))
        cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
    for col, (name, values) in enumerate(zip(names, (frame[c].tolist() for c in frame.columns)), start=1):
        for row, value in enumerate(values, start=2):
            cell = ws.cell(row=row, column=col, value=_xlsx_value(value))
            link = _LINKED_COLUMNS[name](value) if name in _LINKED_COLUMNS else None
            if link:
                cell.hyperlink = link
                cell.style = "Hyperlink"
            cell.alignment = wrap
            longest = max((len(line) for line in _text(value).splitlines()), default=0)
            widths[col - 1] = max(widths[col - 1], min(longest + 2, _XLSX_MAX_WIDTH))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(width, 8)
    if names:
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(frame) + 1}"


def _render_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Workbook bytes with fixed properties and zip timestamps, so equal input gives equal bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        _fill_sheet(wb.create_sheet(title=name[:31]), frame)
    wb.properties.creator = wb.properties.lastModifiedBy = "litreview"
    wb.properties.created = wb.properties.modified = _FIXED_DATE
    raw = io.BytesIO()
    # ExcelWriter rather than Workbook.save: save() overwrites `modified` with now().
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_DATE)
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(item.filename), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# -- Markdown and HTML ----------------------------------------------------------
def _md(text: str) -> str:
    """Escape Markdown and inline HTML; newlines become ``<br>`` so the table row holds."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
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
    names = [a.display_name for a in article.authors]
    authors = ", ".join(names[:6]) + (", et al." if len(names) > 6 else "")
    where = article.journal or ""
    if article.volume:
        where += f" {article.volume}" + (f"({article.issue})" if article.issue else "")
    if article.pages:
        where += f":{article.pages}"
    year = f" ({article.year})" if article.year else ""
    return f"{authors or 'Anonymous'}{year}. {article.title.rstrip('.')}. {where.strip()}".strip()


def _md_table(frame: pd.DataFrame) -> list[str]:
    """A frame as GFM table lines (nothing for a frame without columns)."""
    columns = [str(c) for c in frame.columns]
    if not columns:
        return []
    lines = ["| " + " | ".join(_md(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    for row in frame.itertuples(index=False, name=None):
        lines.append("| " + " | ".join(_md_cell(c, v) for c, v in zip(columns, row)) + " |")
    return lines


def _render_markdown(review: pd.DataFrame, cited: Sequence[Article], sof: pd.DataFrame | None = None) -> bytes:
    """The Summary-of-Findings table, the review table, then the references."""
    lines = ["# Evidence review", "", f"{_count(len(review), 'claim')}, {_count(len(cited), 'cited record')}.", ""]
    if sof is not None:
        lines += ["## Summary of findings", "", *_md_table(sof), "", "## Review table", ""]
    lines += _md_table(review)
    lines += ["", "## References", ""]
    for article in cited:
        item = f"- {_md(_reference_line(article))} {_md_key(article.key)}"
        if article.pmid and article.doi_url:
            item += f" [doi:{_md(article.doi or '')}]({_doi_url(article.doi)})"
        if article.source == "curated" and article.curated_summary:
            item += f"<br>*{CURATED_LABEL}:* {_md(article.curated_summary)}"
        lines.append(item)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _a(url: str, label: str) -> str:
    """An escaped link."""
    return f'<a href="{html.escape(url)}">{html.escape(label)}</a>'


def _html_key(key: str) -> str:
    """A record key as a link: PubMed, or DOI labelled "PMID unresolved"."""
    if _pmid_url(key):
        return _a(PUBMED_URL.format(key), f"PMID {key}")
    if _doi_url(key):
        return _a(_doi_url(key), f"{UNRESOLVED} ({key})")
    return html.escape(key)


def _html_cell(column: str, value: Any, row: Mapping[str, Any]) -> str:
    """One escaped table cell; id columns become links."""
    if column == "key_pmids" and isinstance(value, (list, tuple)):
        return ", ".join(_html_key(_text(k)) for k in value)
    if column == "key":
        return _html_key(_text(value))
    if column == "pmid":
        if _pmid_url(value):
            return _a(_pmid_url(value), _text(value))
        doi = _doi_url(row.get("doi")) or _doi_url(row.get("key"))
        return _a(doi, UNRESOLVED) if doi else html.escape(_text(value) or UNRESOLVED)
    if column == "doi" and _doi_url(value):
        return _a(_doi_url(value), _text(value))
    return html.escape(_text(value)).replace("\n", "<br>")


def _html_table(frame: pd.DataFrame, css_class: str) -> str:
    """A whole frame as an escaped HTML table."""
    columns = [str(c) for c in frame.columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for values in frame.itertuples(index=False, name=None):
        row = dict(zip(columns, values))
        body.append("<tr>" + "".join(f"<td>{_html_cell(c, v, row)}</td>" for c, v in row.items()) + "</tr>")
    rows = "\n".join(body)
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>'


def _png(figure: Figure | bytes) -> bytes:
    """PNG bytes of a figure (no Software stamp), or the bytes given after a signature check."""
    if isinstance(figure, (bytes, bytearray)):
        if not bytes(figure).startswith(b"\x89PNG\r\n\x1a\n"):
            raise ExportError("figure bytes are not a PNG image")
        return bytes(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def _html_reference(article: Article) -> str:
    """One reference list item with its links and, for curated records, the labelled summary."""
    links = [_html_key(article.key)]
    if article.pmid and article.doi:
        links.append(_a(_doi_url(article.doi) or "", f"doi:{article.doi}"))
    item = f'<li id="ref-{html.escape(article.key)}">{html.escape(_reference_line(article))} {" ".join(links)}'
    if article.source == "curated" and article.curated_summary:
        item += f'<p class="curated"><strong>{CURATED_LABEL}:</strong> {html.escape(article.curated_summary)}</p>'
    elif article.abstract:
        item += f"<details><summary>abstract</summary><p>{html.escape(article.abstract)}</p></details>"
    return item + "</li>"


_CSS = """body{font-family:system-ui,sans-serif;margin:1.5em;line-height:1.35}
table{border-collapse:collapse;font-size:.85em;margin-bottom:2em}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#dde5f0;position:sticky;top:0}
figure{display:inline-block;margin:0 1em 1em 0}img{max-width:100%}
.curated{background:#fff6d5;padding:.2em .5em;margin:.3em 0}"""
# No network, no scripts: the page runs nothing even if an escape were missed.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _render_html(
    review: pd.DataFrame,
    studies: pd.DataFrame,
    cited: Sequence[Article],
    figures: Mapping[str, Figure | bytes] | None,
    sof: pd.DataFrame | None = None,
) -> bytes:
    """One standalone page: review table, figures, studies table, references."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        f"<title>Evidence review</title><style>{_CSS}</style></head><body>",
        "<h1>Evidence review</h1>",
        f"<p>{_count(len(review), 'claim')}, {_count(len(studies), 'study assessment')}, "
        f"{_count(len(cited), 'cited record')}. "
        "Records marked curated carry a summary written for this project, not the PubMed abstract.</p>",
    ]
    if sof is not None:
        parts += ["<h2>Summary of findings</h2>", _html_table(sof, "sof")]
    parts += ["<h2>Claims</h2>", _html_table(review, "review")]
    if figures:
        parts.append("<h2>Figures</h2>")
        for name, figure in figures.items():
            label = html.escape(str(name).replace("_", " "))
            data = base64.b64encode(_png(figure)).decode("ascii")
            parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{label}">'
                         f"<figcaption>{label}</figcaption></figure>")
    parts += ["<h2>Studies</h2>", _html_table(studies, "studies"), "<h2>References</h2>", "<ol>"]
    parts += [_html_reference(a) for a in cited]
    parts += ["</ol>", "</body></html>", ""]
    return "\n".join(parts).encode("utf-8")


# -- public writers -------------------------------------------------------------
def export_csv(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write any table as UTF-8 CSV (``\\n`` line ends), atomically.

    Parameters
    ----------
    path : str or Path
        Target file; parent folders are created.
    frame : pandas.DataFrame
        Lists become ``"a; b"``, dicts ``"key value, ..."``; text starting with
        ``= + - @``, tab or CR gets a leading ``'``; numbers stay numbers.

    Returns
    -------
    Path
    """
    atomic_write_bytes(path, _render_csv(frame))
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


def export_html(
    path: str | Path,
    review: pd.DataFrame,
    studies: pd.DataFrame,
    cited: Sequence[Article],
    figures: Mapping[str, Figure | bytes] | None = None,
) -> Path:
    """Write one standalone HTML page, atomically.

    Parameters
    ----------
    path : str or Path
    review, studies : pandas.DataFrame
        The review table and the studies table; every PMID links to PubMed,
        a record without one links its DOI, labelled "PMID unresolved".
    cited : sequence of Article
        The reference list; curated summaries are labelled "curated summary
        (not the abstract)".
    figures : mapping of str to Figure or PNG bytes, optional
        Embedded as ``data:`` URIs, captioned with their names.

    Returns
    -------
    Path

    Raises
    ------
    ExportError
        A figure given as bytes is not a PNG.
    """
    atomic_write_bytes(path, _render_html(review, studies, _unique(cited), figures))
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
    figures: Mapping[str, Figure | bytes] | None = None,
    formats: Sequence[str] | str = ALL_FORMATS,
    sof: pd.DataFrame | None = None,
    html_report: bytes | None = None,
) -> dict[str, Path]:
    """Write the review's exports into ``out_dir``.

    Every requested file is rendered before any is written, and each is
    written atomically, so a failure leaves no partial or half-updated set.

    Parameters
    ----------
    out_dir : str or Path
        Created if missing.
    review, studies, screening, provenance : pandas.DataFrame
        The review table, the study assessments, the screening log and the
        snapshot provenance.
    cited : sequence of Article
        Records behind the assessments (BibTeX, RIS, reference lists).
    figures : mapping of str to Figure or PNG bytes, optional
        Embedded in the HTML page.
    formats : sequence of str or str
        Any of :data:`ALL_FORMATS` (a string is read by :func:`parse_formats`).
    sof : pandas.DataFrame, optional
        The Summary-of-Findings table: the first sheet of ``review.xlsx`` and the
        first section of ``review.md`` and ``review.html``.
    html_report : bytes, optional
        The report page (:func:`litreview.report.render_report`) to write as
        ``review.html`` instead of the plain tables page.

    Returns
    -------
    dict of str to Path
        File name -> path written (see :data:`FORMAT_FILES`).

    Raises
    ------
    ExportError
        An unknown format.
    """
    chosen = parse_formats(formats if isinstance(formats, str) else ",".join(formats))
    refs = _unique(cited)
    sheets = {"summary of findings": sof} if sof is not None else {}
    sheets.update({"review": review, "studies": studies, "screening": screening, "provenance": provenance})
    renderers = {
        "review.csv": lambda: _render_csv(review),
        "studies.csv": lambda: _render_csv(studies),
        "review.xlsx": lambda: _render_xlsx(sheets),
        "review.md": lambda: _render_markdown(review, refs, sof),
        "review.html": lambda: html_report if html_report is not None else _render_html(
            review, studies, refs, figures, sof),
        "references.bib": lambda: _render_bibtex(refs),
        "references.ris": lambda: _render_ris(refs),
    }
    rendered = {name: renderers[name]() for fmt in chosen for name in FORMAT_FILES[fmt]}
    out = Path(out_dir)
    written = {}
    for name, data in rendered.items():
        atomic_write_bytes(out / name, data)
        written[name] = out / name
    return written
