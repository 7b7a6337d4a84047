"""One PubMed XML record element as an :class:`~litreview.records.Article`.

The elements are ``PubmedArticle``, ``MedlineCitation`` and ``PubmedBookArticle``.

:func:`~litreview.sources.pubmed_xml.iter_pubmed_xml` streams a document and
hands each finished record element to :func:`_pubmed_article`,
:func:`_article` or :func:`_book_article`; they read it by walking each
element's children once and never touch the input.

Field rules beyond the schema in :mod:`litreview.records`:

* text with inline markup (``<i>``, ``<sup>``, MathML...) keeps all of its text,
  whitespace collapsed to single spaces;
* ``abstract`` joins the non-empty ``AbstractText`` sections, one per line, each
  as ``"LABEL: text"`` when it has a label;
* ``year`` comes from ``PubDate/Year`` or the first four digits of
  ``MedlineDate``, otherwise it is ``None`` (no fallback to other dates);
* ``article_date`` is the ``Electronic`` ``ArticleDate`` as ``YYYY-MM-DD``;
* ``doi``, ``pmcid`` and ``pii`` come from the record's own ``ArticleIdList``
  first, then from ``ELocationID`` (``ValidYN="N"`` skipped), never from
  ``ReferenceList``;
* ORCID identifiers are normalised to ``0000-0000-0000-000X`` (URL prefixes
  removed) when they have that shape, kept as given otherwise;
* authors marked ``ValidYN="N"`` (names NLM flags as erroneous) are left out;
  a pre-2014 article-level ``Affiliation`` is given to the first author;
* books: title from ``BookDocument/ArticleTitle`` else ``Book/BookTitle``,
  journal = book title, date from ``Book/PubDate``, editors left out of authors.
"""


from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from lxml import etree

from ..corpus.records import (
    AbstractSection,
    Article,
    Author,
    Chemical,
    Correction,
    Grant,
    Keyword,
    MeshHeading,
    MeshQualifier,
    PubDate,
    PublicationType,
)

__all__: list[str] = []  # helpers of pubmed_xml only; the public API is iter_pubmed_xml

_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)
_YEAR = re.compile(r"[0-9]{4}")
_ASCII_INT = re.compile(r"[0-9]{1,9}")
_INT_MAX = 999_999_999
_YEAR_MAX = 9999
_ID_TYPES = {"doi": "doi", "pmc": "pmcid", "pii": "pii"}

Element = Any  # lxml.etree._Element; its stubs are not a dependency


# -- element helpers ------------------------------------------------------------------------
# Records are read by walking each element's children once; ElementPath lookups (find,
# findtext) cost several times more per call and a record needs about a hundred of them.


def _flat(elem: Element) -> str:
    """All text inside ``elem`` (inline markup flattened), whitespace collapsed."""
    text = _inner_text(elem) if len(elem) else elem.text
    if not text:
        return ""
    if text.isascii() and text.isprintable() and "  " not in text and text.strip() == text:
        return text  # already collapsed, as most text is (in ASCII, only " " is printable whitespace)
    return " ".join(text.split())


def _inner_text(elem: Element) -> str:
    """``"".join(elem.itertext())``, computed by libxml2 when that gives the same string."""
    if next(elem.iter(etree.Entity), None) is not None:
        return "".join(elem.itertext())  # libxml2 would expand the entity references itertext() keeps
    return etree.tostring(elem, method="text", encoding=str, with_tail=False)  # several times faster


def _text(elem: Element | None) -> str | None:
    """Flattened text of ``elem``, ``None`` when it is absent or empty."""
    if elem is None:
        return None
    return _flat(elem) or None


def _kids(elem: Element | None) -> dict[Any, list[Element]]:
    """Children of ``elem`` grouped by tag, in document order."""
    groups: dict[Any, list[Element]] = {}
    if elem is not None:
        for child in elem:
            groups.setdefault(child.tag, []).append(child)
    return groups


def _first(kids: dict[Any, list[Element]], tag: str) -> Element | None:
    """First child with ``tag``, or ``None``."""
    found = kids.get(tag)
    return found[0] if found else None


def _fields(elem: Element | None) -> dict[Any, str]:
    """Non-empty text of each child of a small container (``PubDate``, ``Grant``...), by tag."""
    fields: dict[Any, str] = {}
    if elem is not None:
        for child in elem:
            if text := _flat(child):
                fields[child.tag] = text
    return fields


def _int(text: str | None, high: int = _INT_MAX) -> int | None:
    """``int(text)`` for 1-9 ASCII digits up to ``high``, else ``None``.

    ``str.isdigit`` is true for ``"²"`` (which ``int`` refuses) and a 23-digit
    year would overflow the mirror's int64 column, so neither may pass.
    """
    if not text or not _ASCII_INT.fullmatch(text):
        return None
    value = int(text)
    return value if value <= high else None


# -- record parts -------------------------------------------------------------------------


def _orcid(raw: str | None) -> str | None:
    """Bare ``0000-0000-0000-000X`` form of an ORCID (URL or undashed), else the stripped value."""
    value = "".join((raw or "").split()).rstrip("/")
    match = _ORCID.search(value)
    if match:
        return "-".join(match.groups()).upper()
    return value or None


def _author(elem: Element) -> Author | None:
    """An ``Author`` element, or ``None`` when it has no name."""
    last_name = fore_name = initials = suffix = collective_name = orcid = None
    affiliations: list[str] = []
    for child in elem:
        tag = child.tag
        if tag == "LastName":
            last_name = _flat(child) or None
        elif tag == "ForeName":
            fore_name = _flat(child) or None
        elif tag == "Initials":
            initials = _flat(child) or None
        elif tag == "AffiliationInfo":
            affiliations += [text for a in child if a.tag == "Affiliation" and (text := _flat(a))]
        elif tag == "Affiliation":  # 2013 DTD
            if text := _flat(child):
                affiliations.append(text)
        elif tag == "Identifier":
            if orcid is None and (child.get("Source") or "").strip().upper() == "ORCID":
                orcid = _orcid(child.text)
        elif tag == "Suffix":
            suffix = _flat(child) or None
        elif tag == "CollectiveName":
            collective_name = _flat(child) or None
    if not (last_name or fore_name or initials or collective_name):
        return None
    return Author(last_name, fore_name, initials, suffix, collective_name, orcid, tuple(affiliations))


def _authors(lists: list[Element], article_affiliation: str | None = None) -> tuple[Author, ...]:
    """Valid authors of the given ``AuthorList`` elements; an article-level affiliation goes to the first."""
    authors = [
        a for lst in lists for e in lst if e.tag == "Author" and e.get("ValidYN") != "N" and (a := _author(e))
    ]
    if article_affiliation and authors and not authors[0].affiliations:
        authors[0] = replace(authors[0], affiliations=(article_affiliation,))
    return tuple(authors)


def _abstract(elem: Element | None) -> tuple[str | None, tuple[AbstractSection, ...], str | None]:
    """Joined abstract text, its sections and its copyright line."""
    if elem is None:
        return None, (), None
    sections = []
    copyright_line = None
    for part in elem:
        if part.tag == "AbstractText":
            text = _flat(part)
            if text:
                label = (part.get("Label") or "").strip() or None
                sections.append(AbstractSection(text, label, part.get("NlmCategory") or None))
        elif part.tag == "CopyrightInformation":
            copyright_line = _flat(part) or None
    joined = "\n".join(f"{s.label}: {s.text}" if s.label else s.text for s in sections) or None
    return joined, tuple(sections), copyright_line


def _pub_date(elem: Element | None) -> PubDate | None:
    """A ``PubDate`` as given, ``None`` when absent or empty."""
    parts = _fields(elem)
    if not parts:
        return None
    return PubDate(
        year=_int(parts.get("Year"), _YEAR_MAX),
        month=parts.get("Month"),
        day=parts.get("Day"),
        season=parts.get("Season"),
        medline_date=parts.get("MedlineDate"),
    )


def _year(pub_date: PubDate | None) -> int | None:
    """Year of a ``PubDate``: ``Year``, else the first four digits of ``MedlineDate``."""
    if pub_date is None:
        return None
    if pub_date.year is not None:
        return pub_date.year
    match = _YEAR.match(pub_date.medline_date or "")
    return int(match.group()) if match else None


def _article_date(dates: list[Element]) -> str | None:
    """The electronic ``ArticleDate`` as ``YYYY-MM-DD``, ``None`` when absent or invalid."""
    chosen = next((d for d in dates if d.get("DateType", "Electronic") == "Electronic"), None)
    parts = _fields(chosen)
    numbers = [_int(parts.get(p)) for p in ("Year", "Month", "Day")]
    if None in numbers:
        return None
    try:
        return date(*numbers).isoformat()
    except ValueError:
        return None


def _ids(id_list: Element | None, elocations: list[Element]) -> dict[str, str]:
    """``doi`` / ``pmcid`` / ``pii`` from a record's own ``ArticleIdList``, then its ``ELocationID``."""
    pairs = [] if id_list is None else [(e.get("IdType"), e) for e in id_list if e.tag == "ArticleId"]
    pairs += [(e.get("EIdType"), e) for e in elocations if e.get("ValidYN") != "N"]
    found: dict[str, str] = {}
    for kind, elem in pairs:
        field = _ID_TYPES.get(kind or "")
        if field and field not in found and (value := _flat(elem)):
            found[field] = value
    return found


def _publication_types(elems: list[Element]) -> tuple[PublicationType, ...]:
    """``PublicationType`` elements."""
    return tuple(PublicationType(name, e.get("UI")) for e in elems if (name := _flat(e)))


def _keywords(lists: list[Element]) -> tuple[Keyword, ...]:
    """Every ``Keyword`` of the ``KeywordList`` elements, with its list's ``Owner``."""
    return tuple(
        Keyword(text, kl.get("Owner")) for kl in lists for k in kl if k.tag == "Keyword" and (text := _flat(k))
    )


def _grants(grant_list: Element | None) -> tuple[Grant, ...]:
    """``GrantList/Grant`` entries."""
    if grant_list is None:
        return ()
    grants = []
    for grant in grant_list:
        if grant.tag == "Grant":
            parts = _fields(grant)
            grants.append(Grant(parts.get("GrantID"), parts.get("Acronym"), parts.get("Agency"), parts.get("Country")))
    return tuple(grants)


def _mesh(heading_list: Element | None) -> tuple[MeshHeading, ...]:
    """``MeshHeadingList`` as headings; a heading is major if its descriptor or a qualifier is."""
    if heading_list is None:
        return ()
    headings = []
    for heading in heading_list:
        descriptor = None
        qualifiers = []
        major = False
        for child in heading:
            tag = child.tag
            if tag == "DescriptorName":
                descriptor = child
            elif tag == "QualifierName":
                qualifier_major = child.get("MajorTopicYN") == "Y"
                major = major or qualifier_major
                qualifiers.append(MeshQualifier(_flat(child), child.get("UI"), qualifier_major))
        if descriptor is not None:
            major = major or descriptor.get("MajorTopicYN") == "Y"
            headings.append(MeshHeading(_flat(descriptor), descriptor.get("UI"), major, tuple(qualifiers)))
    return tuple(headings)


def _chemicals(chemical_list: Element | None) -> tuple[Chemical, ...]:
    """``ChemicalList/Chemical`` entries."""
    if chemical_list is None:
        return ()
    chemicals = []
    for chem in chemical_list:
        parts = {child.tag: child for child in chem}
        substance = parts.get("NameOfSubstance")
        if substance is not None and (name := _flat(substance)):
            chemicals.append(Chemical(name, substance.get("UI"), _text(parts.get("RegistryNumber"))))
    return tuple(chemicals)


def _corrections(corrections_list: Element | None) -> tuple[Correction, ...]:
    """``CommentsCorrections`` links, ``RefType`` kept exactly as given."""
    if corrections_list is None:
        return ()
    links = []
    for link in corrections_list:
        ref_type = link.get("RefType")
        if ref_type:
            source = pmid = None
            for child in link:
                tag = child.tag
                if tag == "RefSource":
                    source = _flat(child) or source
                elif tag == "PMID":
                    pmid = _flat(child) or pmid
            links.append(Correction(ref_type, source, pmid))
    return tuple(links)


def _pmid(elem: Element | None) -> tuple[str | None, int | None]:
    """Text and ``@Version`` of a ``PMID`` element."""
    if elem is None:
        return None, None
    return _text(elem), _int((elem.get("Version") or "").strip())


def _languages(elems: list[Element]) -> tuple[str, ...]:
    """Non-empty ``Language`` codes."""
    return tuple(code for e in elems if (code := _flat(e)))


def _finish(article: Article) -> Article:
    """Set ``retracted`` with the schema's own rule."""
    if article.is_retracted():
        return replace(article, retracted=True)
    return article


# -- records ------------------------------------------------------------------------------


def _pubmed_article(elem: Element) -> Article | None:
    """A ``PubmedArticle`` (``MedlineCitation`` plus ``PubmedData``)."""
    kids = _kids(elem)
    citation = _first(kids, "MedlineCitation")
    if citation is None:
        return None
    return _article(citation, _first(kids, "PubmedData"))


def _article(citation: Element, pubmed_data: Element | None) -> Article:
    """A ``MedlineCitation`` and its optional ``PubmedData``."""
    cit = _kids(citation)
    art = _kids(_first(cit, "Article"))
    journal = _kids(_first(art, "Journal"))
    issue = _kids(_first(journal, "JournalIssue"))
    pub_date = _pub_date(_first(issue, "PubDate"))
    abstract, sections, copyright_line = _abstract(_first(art, "Abstract"))
    issn = _first(journal, "ISSN")
    ids = _ids(_first(_kids(pubmed_data), "ArticleIdList"), art.get("ELocationID", []))
    return _finish(Article(
        pmid=(pmid := _pmid(_first(cit, "PMID")))[0],
        pmid_version=pmid[1],
        title=_text(_first(art, "ArticleTitle")) or "",
        abstract=abstract,
        abstract_sections=sections,
        copyright=copyright_line,
        journal=_text(_first(journal, "Title")),
        journal_iso=_text(_first(journal, "ISOAbbreviation")),
        issn=_text(issn),
        issn_type=None if issn is None else issn.get("IssnType"),
        volume=_text(_first(issue, "Volume")),
        issue=_text(_first(issue, "Issue")),
        pages=_fields(_first(art, "Pagination")).get("MedlinePgn"),
        year=_year(pub_date),
        pub_date=pub_date,
        article_date=_article_date(art.get("ArticleDate", [])),
        authors=_authors(art.get("AuthorList", []), _text(_first(art, "Affiliation"))),
        doi=ids.get("doi"),
        pmcid=ids.get("pmcid"),
        pii=ids.get("pii"),
        languages=_languages(art.get("Language", [])),
        publication_types=_publication_types(
            [t for lst in art.get("PublicationTypeList", []) for t in lst if t.tag == "PublicationType"]),
        mesh_headings=_mesh(_first(cit, "MeshHeadingList")),
        keywords=_keywords(cit.get("KeywordList", [])),
        chemicals=_chemicals(_first(cit, "ChemicalList")),
        grants=_grants(_first(art, "GrantList")),
        coi_statement=_text(_first(cit, "CoiStatement")),
        citation_status=citation.get("Status"),
        indexing_method=citation.get("IndexingMethod"),
        corrections=_corrections(_first(cit, "CommentsCorrectionsList")),
    ))


def _book_article(elem: Element) -> Article | None:
    """A ``PubmedBookArticle`` (``BookDocument`` plus ``PubmedBookData``)."""
    kids = _kids(elem)
    document = _first(kids, "BookDocument")
    if document is None:
        return None
    doc = _kids(document)
    book = _kids(_first(doc, "Book"))
    book_title = _text(_first(book, "BookTitle"))
    pub_date = _pub_date(_first(book, "PubDate"))
    abstract, sections, copyright_line = _abstract(_first(doc, "Abstract"))
    author_lists = [a for a in doc.get("AuthorList", []) if a.get("Type") != "editors"]
    if not author_lists:
        author_lists = [a for a in book.get("AuthorList", []) if a.get("Type") != "editors"]
    data_ids = _ids(_first(_kids(_first(kids, "PubmedBookData")), "ArticleIdList"), [])
    ids = {**data_ids, **_ids(_first(doc, "ArticleIdList"), doc.get("ELocationID", []))}
    return _finish(Article(
        pmid=(pmid := _pmid(_first(doc, "PMID")))[0],
        pmid_version=pmid[1],
        record_type="book",
        title=_text(_first(doc, "ArticleTitle")) or book_title or "",
        abstract=abstract,
        abstract_sections=sections,
        copyright=copyright_line,
        journal=book_title,
        volume=_text(_first(book, "Volume")),
        pages=_fields(_first(doc, "Pagination")).get("MedlinePgn"),
        year=_year(pub_date),
        pub_date=pub_date,
        authors=_authors(author_lists),
        doi=ids.get("doi"),
        pmcid=ids.get("pmcid"),
        pii=ids.get("pii"),
        languages=_languages(doc.get("Language", [])),
        publication_types=_publication_types(doc.get("PublicationType", [])),
        keywords=_keywords(doc.get("KeywordList", [])),
        grants=_grants(_first(doc, "GrantList")),
    ))
