"""BibTeX author lists read back as the authors they were written from (issue 16, item 10)."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from litreview.corpus.records import Article, Author
from litreview.outputs.bibliography import export_bibtex


def _authors_read_back(path: Path) -> list[list[str]]:
    """Last names of each author, as bibtexparser (with its name middlewares) reads the file (protecting braces off)."""
    library = bibtexparser.parse_file(str(path), append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert library.failed_blocks == []
    return [[" ".join(name.last).removeprefix("{").removesuffix("}") for name in entry["author"]]
            for entry in library.entries]


@pytest.mark.parametrize("last", ["Smith\tand\tJones", "Smith and Jones", "Smith\nAND  Jones", "and Jones",
                                  "Smith and"])
def test_and_inside_a_name_does_not_split_the_author(tmp_path: Path, last: str) -> None:
    article = Article(pmid="1", title="T", year=2020,
                      authors=(Author(last_name=last, fore_name="A"), Author(last_name="Lee", fore_name="B")))
    export_bibtex(tmp_path / "refs.bib", [article])
    assert _authors_read_back(tmp_path / "refs.bib") == [[" ".join(last.split()), "Lee"]]


def test_ordinary_names_stay_unbraced(tmp_path: Path) -> None:
    article = Article(pmid="1", title="T", authors=(Author(last_name="Anderson", fore_name="Ann"),
                                                     Author(last_name="Sandy", fore_name="Bo")))
    export_bibtex(tmp_path / "refs.bib", [article])
    assert "author = {Anderson, Ann and Sandy, Bo}" in (tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert _authors_read_back(tmp_path / "refs.bib") == [["Anderson", "Sandy"]]


def test_every_author_volume_issue_and_pages_read_back(tmp_path: Path) -> None:
    """A curated stand-in (one author) merged with its PubMed record exports every author and the locators."""
    import rispy

    from litreview.outputs.bibliography import export_ris
    from litreview.sources.importing import merge_records

    curated = Article(pmid="23982301", title="Antidepressant efficacy of ketamine", year=2013, source="curated",
                      authors=(Author(last_name="Murrough", initials="JW"),), curated_summary="n = 73")
    pubmed = Article(pmid="23982301", title="Antidepressant efficacy of ketamine", year=2013, volume="170",
                     issue="10", pages="1134-42", journal="Am J Psychiatry",
                     authors=(Author(last_name="Murrough", fore_name="James W"),
                              Author(last_name="Iosifescu", fore_name="Dan V"),
                              Author(collective_name="Ketamine Study Group")))
    article = merge_records(curated, pubmed)
    export_bibtex(tmp_path / "refs.bib", [article])
    export_ris(tmp_path / "refs.ris", [article])
    assert _authors_read_back(tmp_path / "refs.bib") == [["Murrough", "Iosifescu", "Ketamine Study Group"]]
    entry = bibtexparser.parse_file(str(tmp_path / "refs.bib")).entries[0]
    assert (entry["volume"], entry["number"], entry["pages"]) == ("170", "10", "1134--1142")
    ris = rispy.loads((tmp_path / "refs.ris").read_text(encoding="utf-8"))[0]
    assert ris["authors"] == ["Murrough, James W", "Iosifescu, Dan V", "Ketamine Study Group"]
    assert (ris["volume"], ris["number"], ris["start_page"], ris["end_page"]) == ("170", "10", "1134", "1142")
