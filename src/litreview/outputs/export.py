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

Spreadsheet cells (CSV and Excel) are made to load as they look:

* text loses the control characters XML forbids, *then* gets a leading ``'``
  if a spreadsheet could run it as a formula (it starts with ``= + - @``, tab,
  CR or LF, or its first visible character is one of ``= + - @`` once
  full-width and other compatibility forms are folded); numbers stay numbers;
* identifier columns (``key``, ``pmid``, ``doi``, ``*_id``, ``key_pmids``, ...)
  are always text, and a missing PMID reads "PMID unresolved", so
  ``pandas.read_csv`` does not turn PMIDs into floats;
* CSV is UTF-8 with a byte-order mark (``utf-8-sig``) so that Excel on Windows
  shows β and α; pandas, LibreOffice and ``csv`` with ``encoding="utf-8-sig"``
  read it as plain UTF-8;
* in Excel, every PMID and DOI links out; a list of them (``key_pmids``) is
  spread one per cell (``key_pmids``, ``key_pmids_2``, ...) so each can link.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np
import pandas as pd
from lxml import etree
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from ..synthesis.sof import SofTable
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

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
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
#: Shown in reference lists for an author the record does not name (no name is invented).
NO_AUTHOR = "[author not recorded]"
# Fixed workbook and zip-entry date: openpyxl stamps now() and zipfile the local time.
_FIXED_DATE = datetime(2000, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# What may start a formula: OWASP's CSV Injection list (= + - @ tab CR LF) and ASVS 1.2.10 (NUL, also
# removed as XML-illegal). Checked after cleaning, on the first visible character too (see _formula_like).
_FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0")
# Identifier columns (claim_id, key, pmid, doi, key_pmids, ...): always text, so pandas never reads floats.
_ID_COLUMN = re.compile(r"(?:^|_)(?:id|ids|key|keys|pmid|pmids|pmcid|doi|dois)$")
# Identifier columns whose cells link to PubMed or doi.org in Excel.
_LINK_COLUMN = re.compile(r"(?:^|_)(?:key|pmid|doi)s?$")
_PMID_COLUMN = re.compile(r"(?:^|_)pmid$")
_XLSX_MAX_CELL = 32767
_XLSX_MAX_WIDTH = 60
# LaTeX specials; braces become commands so BibTeX's brace counting always balances.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>&~#])")
#: What GFM's autolink extension turns into a link: a scheme's ``:`` and the ``.`` after ``www``.
_MD_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp|mailto):|\bwww\.")


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


def _formula_like(text: str) -> bool:
    """True when a spreadsheet could run ``text`` as a formula.

    That is when it starts with a trigger, or when its first visible character
    (after whitespace, control and invisible format characters) is one once
    compatibility forms are folded: full-width ``＝``, small ``﹢``, ...
    """
    if text[:1] in _FORMULA_TRIGGERS:
        return True
    visible = next((c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf")), "")
    return unicodedata.normalize("NFKC", visible)[:1] in _FORMULA_TRIGGERS


def _spreadsheet_text(text: str) -> str:
    """Text as a spreadsheet cell: characters XML forbids removed, then ``'`` prefixed if it reads as a formula.

    Cleaning comes first so that ``\x01=HYPERLINK(...)`` cannot become a formula
    once the control character is gone.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if _formula_like(text) else text


def _cell(value: Any) -> str | int | float | bool | None:
    """Spreadsheet value: finite numbers and booleans kept, everything else cleaned, neutralised text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value if math.isfinite(value) else str(value)
    if _missing(value):
        return None
    return _spreadsheet_text(_text(value))


def _identifier(value: Any) -> Any:
    """An identifier as text (``17643398.0`` from a float column -> ``"17643398"``); missing stays missing."""
    if isinstance(value, np.generic):
        value = value.item()
    if _missing(value) or isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, (int, float)) else value


def _column_cells(name: str, values: Sequence[Any]) -> list[str | int | float | bool | None]:
    """Spreadsheet values of one column; identifier columns hold text, a missing PMID says "PMID unresolved"."""
    if not _ID_COLUMN.search(name):
        return [_cell(v) for v in values]
    if _PMID_COLUMN.search(name):
        values = [UNRESOLVED if _missing(v) else v for v in values]
    return [_cell(_identifier(v)) for v in values]


def _pmid_url(pmid: Any) -> str | None:
    """PubMed link for an all-digit PMID."""
    text = _text(pmid).strip()
    return PUBMED_URL.format(text) if text.isascii() and text.isdigit() else None


def _doi_url(doi: Any) -> str | None:
    """doi.org link, percent-encoding anything unsafe in a URL."""
    text = _text(doi).strip()
    if text.lower().startswith("doi:"):
        text = text[4:]
    return "https://doi.org/" + quote(text, safe="/:;._-") if text.startswith("10.") else None


def _key_url(key: Any) -> str | None:
    """Link for a record key, PMID or DOI: PubMed for a PMID, doi.org for ``doi:...`` or ``10....``."""
    return _pmid_url(key) or _doi_url(key)


# -- CSV and Excel --------------------------------------------------------------
def _csv_field(value: str | int | float | bool | None) -> str:
    """One RFC 4180 field; quoted when it holds a comma, quote, CR or LF.

    Written by hand because the csv module leaves a lone CR unquoted when lines
    end with LF, which splits the row for readers.
    """
    text = "" if value is None else str(value)
    return '"' + text.replace('"', '""') + '"' if re.search(r'[,"\r\n]', text) else text


def render_csv(frame: pd.DataFrame, *, bom: bool = True) -> bytes:
    """UTF-8 CSV (with a byte-order mark unless ``bom`` is false), ``\\n`` line ends, cells as :func:`_column_cells`."""
    names = [str(c) for c in frame.columns]
    header = ",".join(_csv_field(_cell(n)) for n in names)
    columns = [_column_cells(n, frame.iloc[:, i].tolist()) for i, n in enumerate(names)]
    # A lone empty field is quoted so the row is not read as a blank line.
    rows = (",".join(_csv_field(v) for v in row) or '""' for row in zip(*columns))
    return "\n".join([header, *rows, ""]).encode("utf-8-sig" if bom else "utf-8")


def _xlsx_value(value: str | int | float | bool | None) -> str | int | float | bool | None:
    """A :func:`_cell` value cut to Excel's cell limit."""
    if isinstance(value, str) and len(value) > _XLSX_MAX_CELL:
        value = value[: _XLSX_MAX_CELL - 12] + " [truncated]"
    return value


def _item(value: Any, index: int) -> Any:
    """Item ``index`` of a list cell; a scalar cell is its own item 0."""
    if isinstance(value, (list, tuple)):
        return value[index] if index < len(value) else None
    return value if index == 0 else None


def _sheet_columns(frame: pd.DataFrame) -> Iterator[tuple[str, list[Any], bool]]:
    """``(header, cells, linked)`` per sheet column.

    A list cell in an identifier column that links out (``key_pmids``) is spread
    one identifier per cell, under ``name``, ``name_2``, ..., so each can link.
    """
    for i, name in enumerate(str(c) for c in frame.columns):
        values = frame.iloc[:, i].tolist()
        linked = bool(_LINK_COLUMN.search(name))
        width = max((len(v) for v in values if isinstance(v, (list, tuple))), default=1) if linked else 1
        for index in range(max(width, 1)):
            items = [_item(v, index) for v in values] if linked else values
            yield name if index == 0 else f"{name}_{index + 1}", _column_cells(name, items), linked


def _fill_sheet(ws: Any, frame: pd.DataFrame) -> None:
    """Write one table: bold frozen filtered header, wrapped text, id hyperlinks, fitted widths."""
    wrap = Alignment(wrap_text=True, vertical="top")
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE5F0")
    col = 0
    for col, (header, cells, linked) in enumerate(_sheet_columns(frame), start=1):
        cell = ws.cell(row=1, column=col, value=_xlsx_value(_cell(header)))
        cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
        width = min(len(header) + 2, _XLSX_MAX_WIDTH)
        for row, value in enumerate(cells, start=2):
            cell = ws.cell(row=row, column=col, value=_xlsx_value(value))
            link = _key_url(value) if linked else None
            if link:
                cell.hyperlink = link
                cell.style = "Hyperlink"
            cell.alignment = wrap
            longest = max((len(line) for line in _text(value).splitlines()), default=0)
            width = max(width, min(longest + 2, _XLSX_MAX_WIDTH))
        ws.column_dimensions[get_column_letter(col)].width = max(width, 8)
    if col:
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(col)}{len(frame) + 1}"


def _sheet_title(name: str) -> str:
    """A valid Excel sheet title: no ``[]:*?/\\``, at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31]


def _close_sheet_writers(tb: TracebackType | None) -> None:
    """Close and remove the sheet spools a failed save left open.

    Left to the garbage collector, their generators would fail again while
    closing and print "Exception ignored" after the one-line error.
    """
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if isinstance(value, WorksheetWriter):
                with suppress(Exception):
                    value.close()
                with suppress(OSError, TypeError):
                    os.remove(value.out)
        tb = tb.tb_next


def _render_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Workbook bytes with fixed properties and zip timestamps, so equal input gives equal bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        _fill_sheet(wb.create_sheet(title=_sheet_title(name)), frame)
    wb.properties.creator = wb.properties.lastModifiedBy = "litreview"
    wb.properties.created = wb.properties.modified = _FIXED_DATE
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    try:
        # ExcelWriter rather than Workbook.save: save() overwrites `modified` with now().
        ExcelWriter(wb, archive).save()
    except (OSError, etree.SerialisationError) as exc:
        # openpyxl spools each sheet to a file in the temporary folder through lxml, which reports a full
        # disk or a file-size limit as SerialisationError, not OSError.
        _close_sheet_writers(exc.__traceback__)
        with suppress(Exception):
            archive.close()
        raise ExportError(f"cannot build review.xlsx: writing its sheets to the temporary folder "
                          f"({tempfile.gettempdir()}) failed ({exc}); free space there or set TMPDIR") from exc
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
