"""Import of PubMed XML, PubMed (MEDLINE) text and RIS files into the snapshot."""

from __future__ import annotations

import gzip
import re
import shutil
import warnings
from pathlib import Path

import pytest

from conftest import CORPUS
from litreview.cli.main import main
from litreview.corpus.claims import load_mechanisms
from litreview.corpus.snapshot import load_snapshot
from litreview.errors import ParseError
from litreview.sources.importing import ImportFileWarning, import_files, read_records

MECHANISMS = load_mechanisms(CORPUS / "mechanisms.toml")

XML = """<?xml version="1.0"?>
<PubmedArticleSet>
<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">111</PMID><Article>
<ArticleTitle>Ketamine and BDNF in depressed patients</ArticleTitle>
<Abstract><AbstractText>Ketamine raised serum BDNF in 40 patients.</AbstractText></Abstract>
<Journal><JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue><Title>J Test</Title></Journal>
</Article></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="doi">10.1000/abc</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>
<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">222</PMID><Article>
<ArticleTitle>A study without an abstract</ArticleTitle>
<Journal><JournalIssue><PubDate><Year>2019</Year></PubDate></JournalIssue><Title>J Test</Title></Journal>
</Article></MedlineCitation></PubmedArticle>
</PubmedArticleSet>
"""

NBIB = """
PMID- 333
OWN - NLM
STAT- MEDLINE
DP  - 2021 Mar 4
TI  - Esketamine nasal spray in treatment-resistant depression: a randomized
      trial.
AB  - In this randomized, double-blind trial, 227 patients received esketamine.
AU  - Doe J
LA  - eng
PT  - Randomized Controlled Trial
MH  - Humans
MH  - *Ketamine/therapeutic use
AID - 10.1000/xyz [doi]
JT  - Journal of Tests

PMID- 111
TI  - Ketamine and BDNF in depressed patients
AB  - Ketamine raised serum BDNF in 40 patients.
DP  - 2020
"""

RIS = """TY  - JOUR
TI  - Ketamine and BDNF in depressed patients
AU  - Roe, Richard
PY  - 2020
DO  - https://doi.org/10.1000/ABC
AB  - Ketamine raised serum BDNF in 40 patients.
ER  - 

TY  - JOUR
TI  - A reference manager record about ketamine and glutamate
AU  - Poe, Edgar
PY  - 2018
AN  - 444
AB  - Glutamate surge after ketamine.
ER  - 
"""


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    """Write a test file."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fresh_corpus(tmp_path: Path) -> Path:
    """A review folder with its settings, claims and mechanisms, and no snapshot yet."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("litreview.toml", "claims.toml", "mechanisms.toml"):
        shutil.copy(CORPUS / name, folder / name)
    return folder


def test_each_format_reads_its_fields(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        xml = read_records(_write(tmp_path, "a.xml", XML))
        nbib = read_records(_write(tmp_path, "b.nbib", NBIB))
        ris = read_records(_write(tmp_path, "c.ris", RIS))
    assert [a.pmid for a in xml] == ["111", "222"] and xml[0].doi == "10.1000/abc"
    assert any("record 2 (PMID 222) lacks abstract" in str(w.message) for w in caught)
    first = nbib[0]
    assert first.title.endswith("a randomized trial.") and first.doi == "10.1000/xyz" and first.year == 2021
    assert first.publication_type_names == ("Randomized Controlled Trial",)
    assert [(m.descriptor, m.major) for m in first.mesh_headings] == [("Humans", False), ("Ketamine", True)]
    assert ris[0].doi == "10.1000/ABC" and ris[0].pmid is None and ris[0].source == "imported"
    assert ris[1].pmid == "444" and ris[1].authors[0].last_name == "Poe"
    with pytest.warns(ImportFileWarning):
        gz = read_records(_write(tmp_path, "d.xml.gz", gzip.compress(XML.encode())))
    assert [a.pmid for a in gz] == ["111", "222"]


def test_duplicates_merge_across_formats_with_provenance(tmp_path: Path) -> None:
    files = [_write(tmp_path, "a.xml", XML), _write(tmp_path, "b.nbib", NBIB), _write(tmp_path, "c.ris", RIS)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportFileWarning)
        result = import_files(files, None, MECHANISMS, "2025-02-03")
    keys = [a.key for a in result.snapshot.records]
    # 111 (XML) = 111 (MEDLINE, same PMID) = the RIS record (same DOI, any case): one record
    assert sorted(keys) == ["111", "222", "333", "444"]
    assert (result.read, result.added, result.merged) == (6, 4, 2)
    prov = result.snapshot.provenance
    assert prov["333"].file == "b.nbib" and prov["333"].source == "pubmed" and prov["333"].retrieved == "2025-02-03"
    assert prov["444"].source == "imported" and prov["444"].file == "c.ris"
    assert "111" in result.snapshot.searches["bdnf"].keys and result.snapshot.searches["bdnf"].origin == "import"


def test_title_and_year_merge_a_record_without_ids_in_common(tmp_path: Path) -> None:
    ris = RIS.replace("DO  - https://doi.org/10.1000/ABC", "AN  - 999")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportFileWarning)
        result = import_files([_write(tmp_path, "a.xml", XML), _write(tmp_path, "c.ris", ris)], None, MECHANISMS,
                              "2025-02-03")
    assert "999" not in {a.key for a in result.snapshot.records}


def test_imported_pubmed_record_replaces_the_curated_stand_in(tmp_path: Path, shared: Path) -> None:
    snapshot = load_snapshot(CORPUS / "snapshot", mechanisms=MECHANISMS)
    curated = next(a for a in snapshot.records if a.source == "curated" and a.pmid)
    xml = XML.replace("<PMID Version=\"1\">111</PMID>", f"<PMID Version=\"1\">{curated.pmid}</PMID>")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportFileWarning)
        result = import_files([_write(tmp_path, "a.xml", xml)], snapshot, MECHANISMS, "2025-02-03")
    assert len(result.snapshot.records) == len(snapshot.records) + 1
    record = result.snapshot.record(curated.pmid)
    assert record.source == "pubmed" and record.abstract and result.snapshot.provenance[curated.pmid].file == "a.xml"
    assert {j.key for j in result.snapshot.curated} == {j.key for j in snapshot.curated}


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.xml", "", "empty file"),
    ("cut.xml", XML[: XML.index("<PubmedArticle>", 200)] + "<PubmedArticle><Medline", "after record 1 (PMID 111)"),
    ("wrong.ris", XML, "not RIS"),
    ("wrong.nbib", RIS, "not PubMed (MEDLINE) format"),
    ("wrong.xml", NBIB, "invalid XML"),
    ("cut.ris", RIS.rsplit("ER  -", 1)[0], "truncated RIS"),
    ("noid.ris", "TY  - JOUR\nTI  - Nothing to key it by\nER  - \n", "record 1 ('Nothing to key it by'): neither"),
    ("binary.nbib", b"\xff\xfe\x00\x01", "not a UTF-8 text file"),
    ("notes.docx", "x", "unknown file type"),
])
def test_bad_files_raise_one_line_naming_file_and_record(tmp_path: Path, name: str, content: str | bytes,
                                                         message: str) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(ParseError, match=re.escape(message)) as info:
        read_records(path)
    assert name in str(info.value) and "\n" not in str(info.value)


def test_huge_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("litreview.sources.importing.MAX_FILE_BYTES", 100)
    with pytest.raises(ParseError, match="MB is more than import takes"):
        read_records(_write(tmp_path, "big.xml", XML))


def test_repeated_and_deleted_pmids_warn_and_merge(tmp_path: Path) -> None:
    doubled = XML.replace("</PubmedArticleSet>", XML.split("<PubmedArticleSet>")[1].split("<PubmedArticle>")[1]
                          .join(["<PubmedArticle>", ""]) + "<DeleteCitation><PMID Version=\"1\">222</PMID>"
                          "</DeleteCitation></PubmedArticleSet>")
    with pytest.warns(ImportFileWarning) as caught:
        records = read_records(_write(tmp_path, "update.xml", doubled))
    text = " ".join(str(w.message) for w in caught)
    assert "repeats an earlier record" in text and "deletes 1 PMID(s) (222)" in text
    assert [a.pmid for a in records] == ["111"]


def test_cli_import_creates_a_snapshot_all_or_nothing(fresh_corpus: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "a.xml", XML)
    assert main(["import", str(good), "--corpus", str(fresh_corpus), "--date", "2025-02-03"]) == 0
    out = capsys.readouterr()
    assert "2 added" in out.out and "lacks abstract" in out.err
    snapshot = load_snapshot(fresh_corpus / "snapshot")
    assert {a.key for a in snapshot.records} == {"111", "222"}
    before = (fresh_corpus / "snapshot" / "records.jsonl").read_bytes()
    bad = _write(tmp_path, "b.ris", RIS.rsplit("ER  -", 1)[0])
    assert main(["import", str(_write(tmp_path, "c.nbib", NBIB)), str(bad), "--corpus", str(fresh_corpus)]) == 1
    assert "b.ris" in capsys.readouterr().err
    assert (fresh_corpus / "snapshot" / "records.jsonl").read_bytes() == before
    assert main(["import", str(good), "--corpus", str(fresh_corpus), "--date", "2025-02-04"]) == 0
    assert "0 added, 2 merged" in capsys.readouterr().out
    assert len(load_snapshot(fresh_corpus / "snapshot").records) == 2


def test_real_pubmed_xml_imports(shared: Path, fresh_corpus: Path) -> None:
    medline = shared / "data" / "medline"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportFileWarning)
        result = import_files([medline / "pubmed-29768149.xml", medline / "test_current_medline.xml.gz"], None,
                              MECHANISMS, "2025-02-03")
    assert "29768149" in result.snapshot.keys
    assert result.snapshot.record("29768149").abstract
    assert result.added == len(result.snapshot.records) == result.read - result.merged


# figures of a review with no machine votes to draw
@pytest.mark.filterwarnings("ignore:Tight layout not applied", "ignore:Attempting to set identical low and high")
def test_run_machine_only_writes_the_comparison(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", "--machine-only", "--corpus", str(CORPUS), "--out", str(out)]) == 0
    assert "machine-only verdicts agree with the curated review on" in capsys.readouterr().out
    table = (out / "curated_vs_machine.csv").read_text(encoding="utf-8-sig")
    assert table.startswith("claim_id,curated_verdict,machine_verdict")
    assert "Curated vs machine" in (out / "review.html").read_text(encoding="utf-8")
    assert "x_spans" in (out / "studies.csv").read_text(encoding="utf-8-sig").splitlines()[0]
