"""Exports read back with the tools a reviewer would use: pandas/csv, openpyxl,
LibreOffice, an HTML parser, bibtexparser and a RIS reader."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import openpyxl
import pandas as pd
import pytest
from matplotlib.figure import Figure

import litreview._io
import litreview.export as ex
from litreview.errors import LitreviewError
from litreview.records import Article, Author

HOSTILE_TITLE = (
    '=HYPERLINK("http://evil.example","x") +1 -2 @SUM(A1) <script>alert(1)</script> '
    "{unbalanced 50% & $x$ #1 a_b ~ ^ \\ end"
)
HOSTILE_PMID = "31452104"
CURATED_DOI = "10.2000/XYZ.5"


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
def figure() -> Figure:
    """A small matplotlib figure for the HTML page."""
    fig = Figure(figsize=(2, 1.5))
    fig.subplots().plot([0, 1, 2], [1, 0, 2])
    return fig


@pytest.fixture
def written(tmp_path, tables, cited, figure) -> dict[str, Path]:
    """Every export of the fixture review."""
    return ex.export_review(tmp_path / "out", **tables, cited=cited, figures={"evidence_map": figure})


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
    studies = pd.read_csv(written["studies.csv"], dtype={"pmid": str})
    assert studies["score"].dtype.kind == "f" and studies["score"].tolist() == [-1.5, 2.25, 0.0, 1.0]
    assert studies["pts_precision"].iloc[0] == -0.5
    assert studies["title"].iloc[0] == "'" + HOSTILE_TITLE
    assert studies["rationale"].tolist() == ["'+1 design\n-2 size", "tab\tinside", "'\tleading tab", "'\rleading CR"]
    assert studies["flags"].iloc[2] == "no_abstract; not_english"
    assert pd.isna(studies["pmid"].iloc[1]) and pd.isna(studies["sample_size"].iloc[1])
    review = pd.read_csv(written["review.csv"])
    assert review["statement"].tolist() == ["ketamine | increases BDNF\nin humans", "'@SUM(A1) blocks NMDA"]
    assert review["verdict"].iloc[1] == "'-contested"
    assert review["key_pmids"].iloc[0] == f"{HOSTILE_PMID}; doi:{CURATED_DOI.lower()}"


def test_csv_cells_never_start_with_formula_character(written):
    for name in ("review.csv", "studies.csv"):
        with open(written[name], encoding="utf-8", newline="") as handle:
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
    assert rows[1]["pmid"].value is None and rows[1]["pmid"].hyperlink is None
    assert rows[2]["flags"].value == "no_abstract; not_english"
    assert wb["review"]["K2"].value == f"{HOSTILE_PMID}; doi:{CURATED_DOI.lower()}"
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


# -- HTML -----------------------------------------------------------------------
class _Collector(HTMLParser):
    """Tags, links, image sources and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.srcs: list[str] = []
        self.text: list[str] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "a":
            self._href = attrs["href"]
            self.links.append((self._href, ""))
        for name in ("src", "href"):
            if name in attrs and tag != "a":
                self.srcs.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        self.text.append(data)
        if self._href is not None:
            href, label = self.links[-1]
            self.links[-1] = (href, label + data)


def test_html_is_standalone_escaped_and_linked(written):
    page = written["review.html"].read_text(encoding="utf-8")
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parsed.srcs and all(s.startswith("data:image/png;base64,") for s in parsed.srcs)
    text = "".join(parsed.text)
    assert HOSTILE_TITLE in text
    links = set(parsed.links)
    for pmid in (HOSTILE_PMID, "17643398", "17000001"):
        assert (f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/", f"PMID {pmid}") in links
    assert (f"https://doi.org/{CURATED_DOI}", "PMID unresolved") in links
    assert (f"https://doi.org/{CURATED_DOI.lower()}", f"PMID unresolved (doi:{CURATED_DOI.lower()})") in links
    assert "curated summary (not the abstract): Mice given ketamine showed more hippocampal BDNF." in text
    assert text.count("curated summary (not the abstract)") == 1


def test_html_embeds_png_bytes_and_rejects_other_bytes(tmp_path, tables, cited, figure):
    png = io.BytesIO()
    figure.savefig(png, format="png")
    path = ex.export_html(tmp_path / "r.html", tables["review"], tables["studies"], cited,
                          figures={"prisma_flow": png.getvalue()})
    assert "prisma flow" in path.read_text(encoding="utf-8")
    with pytest.raises(ex.ExportError, match="PNG"):
        ex.export_html(tmp_path / "bad.html", tables["review"], tables["studies"], cited, figures={"x": b"GIF89a"})
    assert not (tmp_path / "bad.html").exists()


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
def test_same_input_same_bytes(tmp_path, tables, cited, figure):
    first = ex.export_review(tmp_path / "a", **tables, cited=cited, figures={"evidence_map": figure})
    second = ex.export_review(tmp_path / "b", **tables, cited=cited, figures={"evidence_map": figure})
    assert {n: p.read_bytes() for n, p in first.items()} == {n: p.read_bytes() for n, p in second.items()}


def test_failed_render_writes_nothing(tmp_path, tables, cited, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "review.csv").write_text("old\n", encoding="utf-8")

    def broken(articles):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ex, "_render_bibtex", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        ex.export_review(out, **tables, cited=cited)
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
