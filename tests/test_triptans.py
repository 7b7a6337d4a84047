"""The second review, end to end on real records (issue 25): examples/triptans/ with Cohen 2006's triptan search.

The records (real PubMed titles and abstracts, ../shared/data/screening/Cohen_2006_Triptans.csv) are
converted to PubMed XML at test time and never committed; the dataset's ``label_included`` plays the
reviewer through the decisions log; the machine judges every included (study, claim) pair.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from conftest import ROOT
from litreview.corpus.decision_schema import make_decision
from litreview.corpus.decisions import DecisionLog
from litreview.corpus.layout import CorpusPaths, load_review
from litreview.corpus.queries import build_query
from litreview.corpus.snapshot import Provenance, SearchResult, Snapshot, write_snapshot
from litreview.outputs.export import ALL_FORMATS
from litreview.sources.pubmed_xml import iter_pubmed_xml
from litreview.workbench.pipeline import build_review, write_review

EXAMPLE = ROOT / "examples" / "triptans"
RETRIEVED = "2026-12-07"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A child element with optional text and attributes."""
    element = etree.SubElement(parent, tag, attrs)
    element.text = text
    return element


def dataset_to_pubmed_xml(csv: Path, out: Path) -> int:
    """Write the screening dataset's records as a PubMed XML file (EFetch's format); return the count."""
    frame = pd.read_csv(csv, dtype={"pubmedID": str})
    root = etree.Element("PubmedArticleSet")
    for row in frame.itertuples():
        citation = _sub(_sub(root, "PubmedArticle"), "MedlineCitation", Status="MEDLINE", Owner="NLM")
        _sub(citation, "PMID", row.pubmedID, Version="1")
        article = _sub(citation, "Article", PubModel="Print")
        issue = _sub(_sub(article, "Journal"), "JournalIssue", CitedMedium="Print")
        if not pd.isna(row.year):
            _sub(_sub(issue, "PubDate"), "Year", str(int(row.year)))
        _sub(article, "ArticleTitle", "" if pd.isna(row.title) else row.title)
        if not pd.isna(row.abstract):
            _sub(_sub(article, "Abstract"), "AbstractText", row.abstract)
        if not pd.isna(row.authors):
            authors = _sub(article, "AuthorList", CompleteYN="Y")
            for name in filter(str.strip, row.authors.split(";")):
                *given, last = name.split()
                author = _sub(authors, "Author", ValidYN="Y")
                _sub(author, "LastName", last)
                _sub(author, "Initials", "".join(g[0] for g in given) or None)
        _sub(article, "Language", "eng")
    etree.ElementTree(root).write(str(out), xml_declaration=True, encoding="utf-8")
    return len(frame)


def import_pubmed_xml(review: Path, files: list[Path], retrieved: str) -> Snapshot:
    """Load PubMed XML files into the review's snapshot, every record a hit of every mechanism's query.

    What ``litreview import FILE...`` (branch ``machine``) will do; switch to it when it lands.
    """
    inputs = load_review(review)
    records = tuple(sorted((a for f in files for a in iter_pubmed_xml(f)), key=lambda a: a.key))
    keys = tuple(a.key for a in records)
    # the file is the result of the review's own PubMed search, so its records count as searched there
    searches = {key: SearchResult(key, build_query(m, inputs.config.intervention), len(keys), keys, "esearch",
                                  retrieved) for key, m in inputs.mechanisms.items()}
    provenance = {k: Provenance(k, "pubmed", retrieved, queries=tuple(inputs.mechanisms)) for k in keys}
    snapshot = Snapshot(records, searches, provenance)
    write_snapshot(snapshot, CorpusPaths(review).snapshot)
    return snapshot


def screen_as_the_dataset(review: Path, csv: Path) -> int:
    """Record the dataset's final inclusion labels as one reviewer's screening decisions; return the includes."""
    labels = pd.read_csv(csv, dtype={"pubmedID": str}).set_index("pubmedID")["label_included"]
    log = DecisionLog(path=CorpusPaths(review).decisions)
    for pmid, included in labels.items():
        decision = "include" if included else "exclude"
        log = log.append(make_decision(pmid, "screen", "cohen2006", decision=decision,
                                       reason=None if included else "off topic", time="2026-12-07T00:00:00Z"))
    return int(labels.sum())


@pytest.fixture(scope="module")
def triptans(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A copy of examples/triptans with the records imported, screened and the review built."""
    work = tmp_path_factory.mktemp("triptans")
    review = Path(shutil.copytree(EXAMPLE, work / "triptans"))
    csv = shared / "data" / "screening" / "Cohen_2006_Triptans.csv"
    xml = work / "cohen_2006_triptans.xml"
    assert dataset_to_pubmed_xml(csv, xml) == 671
    import_pubmed_xml(review, [xml], RETRIEVED)
    assert screen_as_the_dataset(review, csv) == 24
    return review, build_review(review)


@pytest.fixture(scope="module")
def shared() -> Path:
    """``../shared`` (module scope); skip when it is absent."""
    path = ROOT.parent / "shared"
    if not path.is_dir():
        pytest.skip("../shared is not beside the repository")
    return path


def test_the_example_is_a_review_built_by_the_commands() -> None:
    inputs = load_review(EXAMPLE)
    assert inputs.config.intervention.name == "triptans" and len(inputs.claims) == 3
    assert inputs.snapshot.records == ()  # records are imported at test time, never committed


def test_reviewer_screening_decides_which_records_are_judged(triptans: tuple[Path, object]) -> None:
    _, review = triptans
    assert len(review.snapshot.records) == 671
    assert len(review.screening.included()) == 24
    log = review.screening.log
    assert set(log.loc[log["decision"] == "included", "screened_by"]) == {"reviewer:cohen2006"}
    judged = {a.key for a in review.assessments}
    assert judged and judged <= set(review.screening.included())
    assert {a.judged_by for a in review.assessments} == {"automatic"}  # the machine judge, nobody else


def test_every_claim_gets_a_verdict_and_every_export_is_written(triptans: tuple[Path, object],
                                                                tmp_path: Path) -> None:
    _, review = triptans
    verdicts = {v.claim_id: v for v in review.verdicts}
    assert set(verdicts) == {"triptans_improves_migraine_headache_pain", "triptans_low_side_effects_tingling",
                             "newer_triptans_beat_sumatriptan"}
    # triptans relieving migraine pain at two hours against placebo is as firm as clinical pharmacology gets
    relief = verdicts["triptans_improves_migraine_headache_pain"]
    assert relief.verdict_code in ("supported", "partly_supported") and relief.n_studies >= 10
    written = write_review(review, tmp_path / "out", formats=ALL_FORMATS)
    names = {p.name for p in written}
    assert {"review.csv", "review.xlsx", "review.md", "review.html", "references.bib", "references.ris",
            "studies.csv", "summary_of_findings.csv"} <= names
    html = (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    assert "Evidence review: Triptans for acute migraine" in html
    assert "Triptans for migraine: what the trials show" in html


@pytest.mark.parametrize("name", ["01_claims", "02_search", "03_screen", "04_score", "05_review"])
def test_the_notebooks_run_on_the_second_review(triptans: tuple[Path, object], name: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    review, _ = triptans
    monkeypatch.setenv("LITREVIEW_REVIEW", str(review))
    monkeypatch.setenv("LITREVIEW_OUTPUT", str(tmp_path / "out"))
    notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()  # raises CellExecutionError on the first failing cell
    text = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "ketamine" not in text.lower()  # nothing of the shipped review leaks into another
    if name == "05_review":
        assert (tmp_path / "out" / "review.csv").is_file()
