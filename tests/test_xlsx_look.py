"""How review.xlsx looks, read back with openpyxl: what the fast cell styling must keep.

Body cells (empty ones too) wrap and sit at the top in the default font, header
cells are bold on a blue-grey fill, identifier cells link out in Excel's
Hyperlink style, the header row is frozen and filtered, widths fit the text, and each
sheet declares its size.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import litreview.outputs.export as ex


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A two-sheet workbook: links, a missing PMID, an empty number, a two-line and a very long cell."""
    claims = pd.DataFrame({
        "claim_id": ["bdnf_up", "nmda_block"],
        "pmid": ["17643398", None],
        "doi": [None, "10.1000/xyz"],
        "statement": ["ketamine raises BDNF\nin humans and in mice", "x" * 100],
        "n": [3, None],
    })
    log = pd.DataFrame({"key": ["doi:10.1000/xyz"], "note": ["one"]})
    return ex.export_xlsx(tmp_path / "look.xlsx", {"claims": claims, "log": log})


def test_body_cells_wrap_at_the_top_in_the_default_font(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        body = [c for row in ws.iter_rows(min_row=2) for c in row]
        assert body and all(c.alignment.wrap_text and c.alignment.vertical == "top" for c in body)
        plain = [c for c in body if c.hyperlink is None]
        assert all(not c.font.b and c.font.name == "Calibri" and c.font.sz == 11 for c in plain)
        assert all(c.fill.fill_type is None and not c.border.left.style for c in plain)
    claims = wb["claims"]
    assert claims["E3"].value is None and claims["E3"].alignment.wrap_text  # the empty number is styled too


def test_header_is_bold_filled_frozen_and_filtered(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for ws, last in ((wb["claims"], "E3"), (wb["log"], "B2")):
        assert all(c.font.b and c.fill.fill_type == "solid" and c.fill.fgColor.rgb == "00DDE5F0"
                   and c.alignment.wrap_text and c.alignment.vertical == "top" for c in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{last}"


def test_identifier_cells_link_in_the_hyperlink_style(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    claims, log = wb["claims"], wb["log"]
    assert claims["B2"].hyperlink.target == "https://pubmed.ncbi.nlm.nih.gov/17643398/"
    assert claims["C3"].hyperlink.target == "https://doi.org/10.1000/xyz"
    assert log["A2"].hyperlink.target == "https://doi.org/10.1000/xyz"
    for cell in (claims["B2"], claims["C3"], log["A2"]):
        assert cell.style == "Hyperlink" and cell.alignment.wrap_text and cell.alignment.vertical == "top"
    assert claims["B3"].value == "PMID unresolved" and claims["B3"].hyperlink is None
    assert claims["B3"].style != "Hyperlink" and claims["A2"].hyperlink is None


def test_widths_fit_the_longest_line_within_bounds(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["claims"]
    widths = {c: ws.column_dimensions[c].width for c in "ABCDE"}
    # claim_id: "nmda_block" + 2; pmid: "PMID unresolved" + 2; doi: "10.1000/xyz" + 2; statement: capped at 60;
    # n: at least 8
    assert widths == {"A": 12, "B": 17, "C": 13, "D": 60, "E": 8}


def test_the_body_style_is_hidden_from_the_style_gallery(book: Path) -> None:
    """Body cells share one named style; it is hidden, so Excel's Cell Styles list shows only Normal and Hyperlink."""
    with zipfile.ZipFile(book) as archive:
        styles = archive.read("xl/styles.xml").decode("utf-8")
    shown = re.findall(r'<cellStyle name="([^"]+)"[^>]*hidden="0"', styles)
    assert sorted(shown) == ["Hyperlink", "Normal"]


def test_sheets_declare_their_size_for_read_only_readers(book: Path) -> None:
    """pandas reads through openpyxl's read-only mode, which takes the size from each sheet's <dimension>."""
    wb = openpyxl.load_workbook(book, read_only=True)
    assert (wb["claims"].max_row, wb["claims"].max_column) == (3, 5)
    assert (wb["log"].max_row, wb["log"].max_column) == (2, 2)
