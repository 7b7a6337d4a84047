"""CSV and Excel rendering for the exports: cells that load as they look, workbooks with equal bytes for equal input.

:func:`~litreview.outputs.export.export_review` and the other writers call
:func:`render_csv` and :func:`_render_xlsx`; the Markdown and HTML pages reuse
the PubMed and doi.org links built here.

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
from copy import copy
from datetime import datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.styles.borders import DEFAULT_BORDER
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from ..errors import ExportError
from .bibliography import UNRESOLVED

__all__ = ["render_csv"]

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
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
# Body cells share one named style (Normal's font and border, wrapped top-aligned text), hidden from Excel's
# Cell Styles list. Assigned by name it costs a short list lookup per cell, where `cell.alignment = ...` hashes
# the Alignment into the workbook's list every time (0.9 of 1.7 s of the shipped workbook under cProfile).
_BODY_STYLE = "litreview text"


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
            else:
                cell.style = _BODY_STYLE
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
    wb.add_named_style(NamedStyle(_BODY_STYLE, font=copy(DEFAULT_FONT), border=copy(DEFAULT_BORDER),
                                  alignment=Alignment(wrap_text=True, vertical="top"), hidden=True))
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
