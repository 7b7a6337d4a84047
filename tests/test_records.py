"""Record schema: JSON round trip, keys, views."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from litreview.corpus.records import (
    AbstractSection,
    Article,
    Author,
    Correction,
    MeshHeading,
    MeshQualifier,
    PubDate,
    PublicationType,
    records_to_frame,
)

FULL = Article(
    pmid="29768149", pmid_version=1, title="A trial", abstract="BACKGROUND: b\nRESULTS: r",
    abstract_sections=(AbstractSection("b", "BACKGROUND", "BACKGROUND"), AbstractSection("r", "RESULTS", "RESULTS")),
    year=2018, pub_date=PubDate(year=2018, month="Jun", day="14"),
    authors=(Author(last_name="Šimić", fore_name="Ana", initials="A", orcid="0000-0002-1825-0097",
                    affiliations=("Zagreb",)), Author(collective_name="KETAMINE Study Group")),
    doi="10.1056/NEJMoa1", publication_types=(PublicationType("Randomized Controlled Trial", "D016449"),),
    mesh_headings=(MeshHeading("Ketamine", "D007649", True, (MeshQualifier("therapeutic use", "Q000627", True),)),),
    corrections=(Correction("RetractionIn", "J 2020;1:1", "123"),), retracted=True, languages=("eng",),
)


def test_json_round_trip_is_lossless() -> None:
    data = json.loads(json.dumps(FULL.to_dict()))
    assert Article.from_dict(data) == FULL
    assert isinstance(Article.from_dict(data).authors[0].affiliations, tuple)


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(TypeError, match="unknown field 'colour'"):
        Article.from_dict({"pmid": "1", "colour": "red"})


def test_keys_and_links() -> None:
    assert FULL.key == "29768149" and FULL.pubmed_url == "https://pubmed.ncbi.nlm.nih.gov/29768149/"
    doi_only = Article(pmid=None, doi="10.1093/BJA/aev135", title="t")
    assert doi_only.key == "doi:10.1093/bja/aev135"
    assert doi_only.url == "https://doi.org/10.1093/BJA/aev135"
    with pytest.raises(ValueError):
        _ = Article(pmid=None).key


def test_views() -> None:
    assert FULL.first_author == "Šimić A"
    assert FULL.authors[1].display_name == "KETAMINE Study Group"
    assert FULL.is_retracted()
    curated = Article(pmid="1", title="T", source="curated", curated_summary="S")
    assert curated.text == "T\nS"
    frame = records_to_frame([FULL, curated])
    assert list(frame["publication_types"][0]) == ["Randomized Controlled Trial"]
    assert frame["year"].dtype.name == "Int64" and frame["has_abstract"].tolist() == [True, False]


def _json_dumps(article: Article) -> str:
    """What `litreview parse` wrote before Article.to_json existed."""
    return json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True)


def test_to_json_is_the_json_dumps_text() -> None:
    awkward = 'quote " backslash \\ tab\t newline\n controls \x01\x1f\x7f separators \u2028\u2029 emoji 😀 Šimić'
    for article in (FULL, dataclasses.replace(FULL, title=awkward, abstract=awkward), Article(pmid="1")):
        assert article.to_json() == _json_dumps(article)
        assert Article.from_dict(json.loads(article.to_json())) == article


def test_to_json_is_the_json_dumps_text_for_real_records(shared: Path) -> None:
    from litreview.sources.pubmed_xml import iter_pubmed_xml

    fixtures = Path(__file__).parent / "data" / "xml"
    paths = [*(fixtures / f"{name}.xml" for name in ("book", "dates", "markup", "medline_citation_set", "references",
                                                     "retraction", "erratum", "structured_abstract", "update")),
             *sorted((shared / "data" / "eutils-responses").glob("pubmed*.xml")),
             *sorted((shared / "data" / "medline").iterdir())]
    articles = [a for path in paths for a in iter_pubmed_xml(path)]
    assert len(articles) > 10
    assert [a.to_json() for a in articles] == [_json_dumps(a) for a in articles]
