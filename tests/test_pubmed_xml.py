"""PubMed XML parser (litreview.sources.pubmed_xml) and the ``litreview parse`` command.

Real NCBI files from ../shared/data are checked against values read from the XML by hand; the small
fixtures in tests/data/xml/ each exercise one edge case (see the comment at the top of each file).
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from litreview.cli import main as cli
from litreview.corpus.records import FRAME_COLUMNS, Article, records_to_frame
from litreview.errors import ParseError
from litreview.sources.pubmed_xml import iter_pubmed_xml, parse_pubmed_xml

XML = Path(__file__).parent / "data" / "xml"


def _one(path: Path | str | bytes) -> Article:
    """The single record of a document."""
    (article,) = parse_pubmed_xml(path)
    return article


def _by_pmid(path: Path) -> dict[str | None, Article]:
    """Records of a document keyed by PMID."""
    return {a.pmid: a for a in parse_pubmed_xml(path)}


# -- real NCBI files ---------------------------------------------------------------------


@pytest.fixture
def responses(shared: Path) -> Path:
    """Directory of the real EFetch responses."""
    return shared / "data" / "eutils-responses"


@pytest.fixture
def medline(shared: Path) -> Path:
    """Directory of the real PubMed / baseline-format files."""
    return shared / "data" / "medline"


def test_every_real_file_parses_and_round_trips(shared: Path) -> None:
    paths = sorted((shared / "data" / "eutils-responses").glob("pubmed*.xml"))
    paths += sorted((shared / "data" / "medline").iterdir())
    assert len(paths) >= 8
    for path in paths:
        articles = parse_pubmed_xml(path)
        assert articles, path
        for article in articles:
            assert article.pmid and article.pmid.isdigit()
            assert article.title and article.year and article.record_type == "article"
            assert article.source == "pubmed" and article.curated_summary is None
            assert Article.from_dict(json.loads(json.dumps(article.to_dict()))) == article
        assert len(records_to_frame(articles)) == len(articles)


def test_pubmed1_season_keywords_and_ids(responses: Path) -> None:
    first, second = parse_pubmed_xml(responses / "pubmed1.xml")
    assert first.pmid == "12091962" and first.pmid_version == 1
    assert first.title == "The treatment of AIDS behind the walls of correctional facilities."
    assert first.journal == "Social justice (San Francisco, Calif.)" and first.journal_iso == "Soc Justice"
    assert (first.issn, first.issn_type, first.volume, first.issue, first.pages) == ("1043-1578", "Print", "17", "1",
                                                                                      "113-25")
    assert first.year == 1990 and first.pub_date is not None
    assert (first.pub_date.year, first.pub_date.season, first.pub_date.month) == (1990, "Spring", None)
    assert [a.display_name for a in first.authors] == ["Olivero JM"]
    assert first.abstract is None and first.doi is None
    assert len(first.mesh_headings) == 19
    aids = next(m for m in first.mesh_headings if m.ui == "D000163")
    assert aids.descriptor == "Acquired Immunodeficiency Syndrome" and aids.major
    assert not next(m for m in first.mesh_headings if m.descriptor == "Humans").major
    assert [(k.text, k.owner) for k in first.keywords] == [("Health Care and Public Health", "KIE"),
                                                           ("Legal Approach", "KIE")]
    assert first.publication_type_names == ("Journal Article", "Review")
    assert (first.citation_status, first.indexing_method) == ("MEDLINE", "Manual")

    assert second.pmid == "9997" and second.year == 1976
    assert second.pub_date is not None and (second.pub_date.month, second.pub_date.day) == ("Sep", "28")
    assert second.doi == "10.1016/0005-2795(76)90109-4" and second.pii == "0005-2795(76)90109-4"
    chromatium = next(m for m in second.mesh_headings if m.descriptor == "Chromatium")
    assert [(q.name, q.ui, q.major) for q in chromatium.qualifiers] == [("enzymology", "Q000201", True)]


def test_pubmed2_two_records(responses: Path) -> None:
    first, second = parse_pubmed_xml(responses / "pubmed2.xml")
    assert first.pmid == "11748933" and first.doi == "10.1006/cryo.2001.2328"
    assert first.pii == "S0011-2240(01)92328-4" and len(first.authors) == 8
    assert first.pub_date is not None and (first.year, first.pub_date.month) == (2001, "Jun")
    assert "Animals" in first.mesh_terms
    assert second.pmid == "11700088"
    assert second.title == "Proton MRI of (13)C distribution by J and chemical shift editing."
    assert second.citation_status == "PubMed-not-MEDLINE" and second.indexing_method is None
    assert second.mesh_headings == () and len(second.authors) == 6
    assert second.copyright == "Copyright 2001 Academic Press."


def test_pubmed4_structured_abstract_markup_and_links(responses: Path) -> None:
    article = _one(responses / "pubmed4.xml")
    assert article.pmid == "27797938"
    # <i>TERT</i> in the title keeps its text
    assert article.title == ("Leucocyte telomere length, genetic variants at the TERT gene region "
                             "and risk of pancreatic cancer.")
    assert [s.label for s in article.abstract_sections] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert all(s.category is None for s in article.abstract_sections)
    assert article.abstract is not None and article.abstract.startswith("OBJECTIVE: Telomere shortening occurs")
    assert "\nDESIGN: We measured prediagnostic leucocyte telomere length" in article.abstract
    assert len(article.authors) == 22
    assert (article.doi, article.pmcid, article.pii) == ("10.1136/gutjnl-2016-312510", "PMC5442267",
                                                         "gutjnl-2016-312510")
    assert article.pub_date is not None and (article.year, article.pub_date.month) == (2017, "06")
    assert article.article_date == "2016-10-21"
    assert len(article.mesh_headings) == 21
    assert "Observational Study" in article.publication_type_names
    assert len(article.corrections) == 49
    assert sum(c.ref_type == "Cites" for c in article.corrections) == 48
    comment = next(c for c in article.corrections if c.ref_type == "CommentIn")
    assert (comment.ref_source, comment.pmid) == ("Gut. 2017 Jun;66(6):1", "27920200")
    assert not article.retracted
    assert [(c.name, c.ui, c.registry_number) for c in article.chemicals] == [
        ("TERT protein, human", "C509186", "EC 2.7.7.49"), ("Telomerase", "D019098", "EC 2.7.7.49")]
    assert len(article.grants) == 35
    assert (article.grants[0].grant_id, article.grants[0].acronym, article.grants[0].agency,
            article.grants[0].country) == ("KL2 TR001100", "TR", "NCATS NIH HHS", "United States")
    assert [(k.text, k.owner) for k in article.keywords] == [("PANCREATIC CANCER", "NOTNLM")]
    assert article.coi_statement == "Competing interests: None declared."


def test_pubmed5_categories_and_grants_as_given(responses: Path) -> None:
    article = _one(responses / "pubmed5.xml")
    assert article.pmid == "28775130" and article.citation_status == "In-Data-Review"
    assert [(s.label, s.category) for s in article.abstract_sections] == [
        ("OBJECTIVES", "OBJECTIVE"), ("METHODS", "METHODS"), ("RESULTS", "RESULTS"), ("CONCLUSIONS", "CONCLUSIONS")]
    assert len(article.authors) == 12 and article.mesh_headings == ()
    assert article.year == 2018 and article.article_date == "2017-08-03"
    assert [k.text for k in article.keywords][:2] == ["agriculture", "hypothyroidism"]
    assert {k.owner for k in article.keywords} == {"NOTNLM"}
    assert article.grants[2].acronym == "NULL"  # kept as given
    assert (article.doi, article.pmcid) == ("10.1136/oemed-2017-104431", "PMC5771820")


def test_pubmed6_entities_inside_markup(responses: Path) -> None:
    article = _one(responses / "pubmed6.xml")
    assert article.pmid == "30108519"
    assert article.title == ('A "Blood Relationship" Between the Overlooked Minimum Lactate Equivalent and '
                             "Maximal Lactate Steady State in Trained Runners. Back to the Old Days?")
    assert [a.last_name for a in article.authors] == ["Garcia-Tabar", "Gorostiaga"]
    assert (article.doi, article.pmcid, article.year) == ("10.3389/fphys.2018.01034", "PMC6079548", 2018)


def test_pubmed7_collective_author_and_orcid(responses: Path) -> None:
    article = _one(responses / "pubmed7.xml")
    assert article.pmid == "29963580" and len(article.authors) == 9
    group = article.authors[-1]
    assert group.collective_name == "Canadian Respiratory Research Network" and group.last_name is None
    orcids = {a.last_name: a.orcid for a in article.authors if a.orcid}
    # given as https://orcid.org/... URLs
    assert orcids == {"Capaldi": "0000-0002-4590-7461", "Fenster": "0000-0003-3525-2788"}
    assert article.authors[0].affiliations[0] == "University of Western Ontario, Robarts Research Institute, London, " \
                                                 "Ontario, Canada."
    assert (article.doi, article.pii, article.pmcid) == ("10.1117/1.JMI.5.2.026002", "17360RR", "PMC6022861")
    assert article.article_date == "2018-06-28"


def test_nejm_record(medline: Path) -> None:
    article = _one(medline / "pubmed-29768149.xml")
    assert article.pmid == "29768149"
    assert article.title == "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma."
    assert article.journal == "The New England journal of medicine"
    assert (article.volume, article.issue, article.pages) == ("378", "20", "1865-1876")
    assert article.pub_date is not None
    assert (article.year, article.pub_date.month, article.pub_date.day) == (2018, "05", "17")
    assert article.doi == "10.1056/NEJMoa1715274"
    assert len(article.authors) == 10 and article.authors[0].display_name == "O'Byrne PM"
    assert len(article.mesh_headings) == 23
    assert article.abstract is not None and article.abstract.startswith("BACKGROUND: In patients with mild asthma")
    assert [s.label for s in article.abstract_sections] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert [(c.ref_type, c.pmid) for c in article.corrections] == [("CommentIn", "29768146"), ("CommentIn", "30242404")]
    assert ("Budesonide", "D019819", "51333-22-3") in [(c.name, c.ui, c.registry_number) for c in article.chemicals]
    assert {"Clinical Trial, Phase III", "Multicenter Study"} <= set(article.publication_type_names)
    assert article.languages == ("eng",) and article.citation_status == "MEDLINE"


def test_baseline_gz_file(medline: Path) -> None:
    articles = _by_pmid(medline / "test_current_medline.xml.gz")
    assert list(articles) == ["36400559", "2930949", "11446611", "28786991"]
    back = articles["36400559"]
    assert back.indexing_method == "Automated" and back.article_date == "2022-10-29"
    assert back.abstract is not None and "greater than 6 weeks" in back.abstract  # &#xa0; normalised
    assert back.copyright == "Copyright © 2022 Elsevier Inc. All rights reserved."
    assert [k.text for k in back.keywords] == ["Back pain", "Diagnosis", "Management", "Outpatient"]
    assert back.coi_statement == "Disclosure The authors have nothing to disclose."
    assert (back.doi, back.pii) == ("10.1016/j.ncl.2022.07.002", "S0733-8619(22)00058-5")
    assert back.chemicals[0].registry_number == "0"
    assert articles["2930949"].pmcid == "PMC1306303" and articles["2930949"].doi is None
    assert articles["11446611"].pub_date is not None and articles["11446611"].pub_date.season == "May-Jun"
    review = articles["28786991"]
    # 19 DOIs sit in its ReferenceList; only its own is taken. ArticleIdList's pii wins over ELocationID's.
    assert (review.doi, review.pmcid, review.pii) == ("10.1371/journal.pone.0180707", "PMC5546677",
                                                      "PONE-D-17-13346")
    first = review.authors[0]
    assert first.orcid == "0000-0002-5721-6764" and len(first.affiliations) == 3
    assert review.coi_statement == "Competing Interests: The authors have declared that no competing interests exist."
    assert review.grants[0].grant_id == "U38 PS004649"
    assert {"Meta-Analysis", "Systematic Review"} <= set(review.publication_type_names)


# -- edge-case fixtures --------------------------------------------------------------------


def test_inline_markup_mathml_and_authors() -> None:
    article = _one(XML / "markup.xml")
    assert article.title == "Effect of S-ketamine on CO2 and 106 cells: a x=y2 model."
    assert article.abstract == "We gave S-ketamine (0.5 mg kg-1) and measured α & <β>."
    assert article.journal == "Journal of Markup Studies" and article.pmid_version == 2
    assert article.doi == "10.9999/markup.101" and article.pii == "e101"  # ValidYN="N" DOI skipped
    assert article.languages == ("eng", "ger")
    assert [a.display_name for a in article.authors] == ["Ørsted HC", "Curie M", "Bohr N", "Odd",
                                                         "The Markup Study Group"]
    assert [a.orcid for a in article.authors] == ["0000-0002-1825-009X", "0000-0002-1825-0097",
                                                  "0000-0001-5109-3700", "not-an-orcid", None]
    assert article.authors[0].suffix == "Jr"
    assert article.authors[0].affiliations == ("Dept of Physics, Copenhagen.", "Second Institute.")
    assert [(k.text, k.owner) for k in article.keywords] == [("CO2 retention", "NOTNLM"), ("Ketamine", "NLM")]
    assert article.coi_statement == "Competing interests: none."
    assert article.article_date == "2021-07-09"
    assert article.pub_date is not None and (article.pub_date.month, article.pub_date.day) == ("08", "05")


def test_structured_abstract() -> None:
    article = _one(XML / "structured_abstract.xml")
    assert article.abstract == ("BACKGROUND: Depression is common.\nMETHODS: We randomised 100 adults.\n"
                                "Unlabelled part.\nCONCLUSIONS: It worked.")
    assert [(s.label, s.category) for s in article.abstract_sections] == [
        ("BACKGROUND", "BACKGROUND"), ("METHODS", "METHODS"), (None, "UNASSIGNED"), ("CONCLUSIONS", "CONCLUSIONS")]
    assert article.copyright == "© 2019 The Authors."
    depression = article.mesh_headings[1]
    assert depression.major and depression.qualifiers[0].major and not depression.qualifiers[1].major
    assert [m.major for m in article.mesh_headings] == [False, True, True]
    assert [(c.name, c.registry_number) for c in article.chemicals] == [("Ketamine", "690G0D6V8H"),
                                                                        ("Antidepressive Agents", "0")]
    assert article.grants[1].grant_id is None and article.grants[1].agency == "Wellcome Trust"
    assert article.indexing_method == "Curated"


def test_dates() -> None:
    articles = _by_pmid(XML / "dates.xml")
    winter = articles["90000003"]
    assert winter.year == 1998 and winter.pub_date is not None
    assert winter.pub_date.medline_date == "1998 Dec-1999 Jan" and winter.pub_date.year is None
    spring = articles["90000004"]
    assert spring.year == 1990 and spring.pub_date is not None and spring.pub_date.season == "Spring"
    monthly = articles["90000005"]
    assert monthly.pub_date is not None and (monthly.pub_date.month, monthly.pub_date.day) == ("08", "1")
    assert monthly.article_date == "2022-06-30"
    odd = articles["90000006"]
    assert odd.year is None and odd.pub_date is not None and odd.pub_date.medline_date == "Winter 2003"
    assert odd.article_date is None  # 30 February


def test_book_articles() -> None:
    chapter, book = parse_pubmed_xml(XML / "book.xml")
    assert chapter.record_type == "book" and chapter.pmid == "90000010"
    assert chapter.title == "Ketamine Toxicity" and chapter.journal == "StatPearls"
    assert [a.display_name for a in chapter.authors] == ["Writer W", "Second S"]  # editors left out
    assert chapter.authors[0].affiliations == ("Somewhere Hospital",)
    assert chapter.abstract == "CONTINUING EDUCATION ACTIVITY: Ketamine is an anesthetic."
    assert chapter.year == 2024 and chapter.doi == "10.5555/book.10"
    assert chapter.publication_type_names == ("Review",) and chapter.citation_status is None
    assert book.title == book.journal == "A Whole Book on Anaesthesia"
    assert book.year == 2010 and [a.display_name for a in book.authors] == ["Author B"]
    assert book.abstract is None


def test_delete_citation_goes_to_deleted() -> None:
    deleted: list[str] = []
    articles = list(iter_pubmed_xml(XML / "update.xml", deleted=deleted))
    assert [a.pmid for a in articles] == ["90000020"]
    assert deleted == ["11111111", "22222222", "33333333"]
    assert [a.pmid for a in parse_pubmed_xml(XML / "update.xml")] == ["90000020"]


def test_medline_citation_set() -> None:
    deleted: list[str] = []
    old, newer = iter_pubmed_xml(XML / "medline_citation_set.xml", deleted=deleted)
    assert deleted == ["44444444"]
    assert old.pmid == "90000030" and old.year == 1975 and old.abstract == "Old abstract."
    assert old.journal == "Archives of Old Research" and old.pages == "12-8"
    assert old.authors[0].affiliations == ("Department of Old Studies, Example University.",)
    assert old.authors[1].affiliations == ()
    assert old.mesh_terms == ("Humans",) and old.mesh_headings[0].ui is None
    assert newer.doi == "10.5555/old.31" and newer.languages == ("fre",)
    assert newer.citation_status == "PubMed-not-MEDLINE"


def test_reference_list_ids_are_not_taken() -> None:
    citing, own = parse_pubmed_xml(XML / "references.xml")
    assert citing.doi is None and citing.pii is None and citing.pmcid == "PMC4000040"
    assert own.doi == "10.1000/own.41" and own.pii == "S0000-41"
    assert own.pmcid is None  # IdType="pmcid" is not IdType="pmc"


def test_retraction() -> None:
    articles = _by_pmid(XML / "retraction.xml")
    assert articles["90000050"].retracted  # RetractionIn link
    assert articles["90000051"].retracted  # "Retracted Publication" type
    assert not articles["90000052"].retracted  # the notice itself
    assert articles["90000053"].retracted  # RetractedandRepublishedIn
    assert all(a.retracted == a.is_retracted() for a in articles.values())
    assert [(c.ref_type, c.pmid) for c in articles["90000052"].corrections] == [("RetractionOf", "90000050")]


def test_erratum_and_unknown_ref_types_kept() -> None:
    article = _one(XML / "erratum.xml")
    assert [(c.ref_type, c.ref_source, c.pmid) for c in article.corrections] == [
        ("ErratumIn", "J Err. 2019;2:e1", "90000061"),
        ("ExpressionOfConcernIn", "J Err. 2020;3:4", None),
        ("CommentIn", "Other J. 2019;1:1", "90000062"),
        ("SomeFutureLinkType", "Future. 2030", None),
    ]
    assert not article.retracted


def test_records_missing_optional_parts() -> None:
    empty, bare = parse_pubmed_xml(XML / "minimal.xml")
    assert empty.pmid == "90000070" and empty.title == ""
    assert (empty.abstract, empty.authors, empty.year, empty.pub_date, empty.doi) == (None, (), None, None, None)
    assert empty.journal is None and empty.languages == ()
    assert bare.pmid == "90000071" and bare.pmid_version is None and bare.title == ""
    assert bare.citation_status == "Publisher" and bare.indexing_method is None
    assert len(records_to_frame([empty, bare])) == 2


# -- faults and safety ---------------------------------------------------------------------


def test_truncated_file_yields_complete_records_then_fails() -> None:
    path = XML / "truncated.xml"
    got: list[str | None] = []
    with pytest.raises(ParseError) as caught:
        for article in iter_pubmed_xml(path):
            got.append(article.pmid)
    assert got == ["90000080", "90000081"]
    assert caught.value.line == 8 and caught.value.source == str(path)
    assert str(caught.value).startswith(f"{path}:8: invalid XML: ")
    assert "\n" not in str(caught.value)
    with pytest.raises(ParseError, match=r"^<bytes>:8: "):
        parse_pubmed_xml(path.read_bytes())
    with pytest.raises(ParseError, match=r"^<stream>:8: "):
        parse_pubmed_xml(io.BytesIO(path.read_bytes()))


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"^<bytes>: empty document$"):
        parse_pubmed_xml(b"")
    with pytest.raises(ParseError, match="root element is <eSearchResult>"):
        parse_pubmed_xml(b"<eSearchResult><Count>0</Count></eSearchResult>")
    assert parse_pubmed_xml(b"<PubmedArticleSet></PubmedArticleSet>") == []
    missing = tmp_path / "missing.xml"
    with pytest.raises(ParseError, match=r"missing\.xml: cannot open"):
        parse_pubmed_xml(missing)
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(gzip.compress((XML / "dates.xml").read_bytes())[:200])
    with pytest.raises(ParseError, match=r"cut\.xml\.gz: cannot read"):
        parse_pubmed_xml(cut)
    with (XML / "dates.xml").open(encoding="utf-8") as text, pytest.raises(TypeError, match="binary mode"):
        parse_pubmed_xml(text)  # type: ignore[arg-type]


def test_xxe_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", encoding="utf-8")
    document = (XML / "xxe.xml").read_text(encoding="utf-8").replace("file:///etc/passwd", secret.as_uri())
    article = _one(document.encode("utf-8"))
    assert "TOP-SECRET-MARKER" not in json.dumps(article.to_dict())
    assert article.title == "Leak: &xxe; end." and article.abstract == "&xxe;"
    assert "root:" not in _one(XML / "xxe.xml").title


def test_entity_reference_inside_markup_stays_literal() -> None:
    document = ("<!DOCTYPE PubmedArticleSet [<!ENTITY word 'EXPANDED'>]><PubmedArticleSet><PubmedArticle>"
                "<MedlineCitation Status='MEDLINE'><PMID Version='1'>1</PMID><Article><ArticleTitle>"
                "a <i>b <b>&word;</b></i>\u00a0\t c</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
                "</PubmedArticleSet>")
    assert _one(document.encode("utf-8")).title == "a b &word; c"


def test_external_dtd_and_parameter_entities_are_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "LOADED-FROM-DTD">', encoding="utf-8")
    record = ("<PubmedArticleSet><PubmedArticle><MedlineCitation Status='MEDLINE'><PMID Version='1'>1</PMID>"
              "<Article><ArticleTitle>a &leak; b</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
              "</PubmedArticleSet>")
    for doctype in (f'<!DOCTYPE PubmedArticleSet SYSTEM "{dtd.as_uri()}">',
                    f'<!DOCTYPE PubmedArticleSet [<!ENTITY % ext SYSTEM "{dtd.as_uri()}"> %ext;]>'):
        article = _one(f'<?xml version="1.0"?>\n{doctype}\n{record}'.encode())
        assert "LOADED" not in article.title


def test_billion_laughs_is_rejected_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(ParseError, match="amplification"):
        parse_pubmed_xml(XML / "billion_laughs.xml")
    assert time.perf_counter() - started < 2


# -- sources -------------------------------------------------------------------------------


def test_sources_bytes_stream_path_and_gzip(tmp_path: Path) -> None:
    path = XML / "dates.xml"
    data = path.read_bytes()
    expected = parse_pubmed_xml(path)
    assert [a.pmid for a in expected] == ["90000003", "90000004", "90000005", "90000006"]
    assert parse_pubmed_xml(str(path)) == expected
    assert parse_pubmed_xml(data) == expected
    assert parse_pubmed_xml(bytearray(data)) == expected
    assert parse_pubmed_xml(io.BytesIO(data)) == expected
    with path.open("rb") as handle:
        assert parse_pubmed_xml(handle) == expected
        assert not handle.closed  # the caller's stream is left open
    packed = gzip.compress(data)
    assert parse_pubmed_xml(packed) == expected
    assert parse_pubmed_xml(io.BytesIO(packed)) == expected
    disguised = tmp_path / "no-suffix.xml"  # gzip found by magic bytes, not by name
    disguised.write_bytes(packed)
    assert parse_pubmed_xml(disguised) == expected


class _Trickle(io.RawIOBase):
    """A non-seekable stream returning at most 7 bytes per read."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def readable(self) -> bool:
        """Readable."""
        return True

    def read(self, size: int | None = -1) -> bytes:
        """Up to 7 bytes."""
        size = 7 if size is None or size < 0 else min(size, 7)
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk


def test_short_reads_from_a_non_seekable_stream() -> None:
    data = (XML / "book.xml").read_bytes()
    expected = parse_pubmed_xml(data)
    assert parse_pubmed_xml(_Trickle(data)) == expected  # type: ignore[arg-type]
    assert parse_pubmed_xml(_Trickle(gzip.compress(data))) == expected  # type: ignore[arg-type]


def test_many_records_stream_in_order() -> None:
    record = (b"<PubmedArticle><MedlineCitation Status='MEDLINE'><PMID Version='1'>%d</PMID><Article>"
              b"<ArticleTitle>Title %d</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n")
    body = b"".join(record % (i, i) for i in range(1, 3001))
    document = b"<PubmedArticleSet>\n" + body + b"<DeleteCitation><PMID>7</PMID></DeleteCitation></PubmedArticleSet>"
    deleted: list[str] = []
    pmids = [a.pmid for a in iter_pubmed_xml(document, deleted=deleted)]
    assert pmids == [str(i) for i in range(1, 3001)] and deleted == ["7"]


# -- litreview parse -----------------------------------------------------------------------


def test_cli_jsonl_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["parse", str(XML / "dates.xml"), str(XML / "update.xml")]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 5
    first = json.loads(lines[0])
    assert list(first) == sorted(first) and first["pmid"] == "90000003"
    assert Article.from_dict(first) == parse_pubmed_xml(XML / "dates.xml")[0]
    assert err.strip() == "litreview: 5 records from 2 files, 3 deleted PMIDs"


def test_cli_jsonl_and_csv_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "records.jsonl"
    assert cli.main(["parse", str(XML / "book.xml"), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"2 records from 1 files, 0 deleted PMIDs -> {out}"
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["record_type"] for r in rows] == ["book", "book"]
    table = tmp_path / "records.csv"
    assert cli.main(["parse", "--format", "csv", str(XML / "retraction.xml"), "--out", str(table)]) == 0
    frame = pd.read_csv(table, dtype=str)
    assert list(frame.columns) == FRAME_COLUMNS and list(frame["pmid"]) == ["90000050", "90000051", "90000052",
                                                                             "90000053"]
    capsys.readouterr()
    assert cli.main(["parse", "--format", "csv", str(XML / "retraction.xml")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == ",".join(FRAME_COLUMNS)


def test_cli_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "records.parquet"
    assert cli.main(["parse", "--format", "parquet", str(XML / "dates.xml"), "--out", str(out)]) == 0
    assert list(pd.read_parquet(out)["pmid"]) == ["90000003", "90000004", "90000005", "90000006"]


def test_cli_parquet_needs_out_and_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["parse", "--format", "parquet", str(XML / "dates.xml")]) == 1
    assert capsys.readouterr().err == "litreview: error: --format parquet needs --out\n"
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import now fails as if not installed
    out = tmp_path / "records.parquet"
    assert cli.main(["parse", "--format", "parquet", str(XML / "dates.xml"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: --format parquet needs pyarrow") and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_cli_malformed_file_one_line_error_no_partial_output(fmt: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"records.{fmt}"
    bad = XML / "truncated.xml"
    assert cli.main(["parse", "--format", fmt, str(XML / "dates.xml"), str(bad), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"litreview: error: {bad}:8: invalid XML: Premature end of data in tag ArticleTitle\n"
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []  # neither the output nor a temporary file


def test_cli_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert cli.main(["parse", str(tmp_path / "nope.xml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: ") and "nope.xml: cannot open" in err and err.count("\n") == 1


def test_cli_parse_stops_quietly_when_the_reader_closes_the_pipe(shared: Path) -> None:
    """`litreview parse FILE | head`: no BrokenPipeError traceback."""
    files = [str(shared / "data" / "medline" / "test_current_medline.xml.gz")] * 200
    script = "import sys; from litreview.cli.main import main; sys.exit(main(sys.argv[1:]))"
    with subprocess.Popen([sys.executable, "-c", script, "parse", *files],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        assert proc.wait() == 141
    assert "Traceback" not in err
