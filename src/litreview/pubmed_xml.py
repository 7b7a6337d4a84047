"""Stream PubMed XML into :class:`~litreview.records.Article` records.

Reads what EFetch (``db=pubmed retmode=xml``) returns and what NLM ships in the
annual baseline and daily update files (``PubmedArticleSet``, plain or gzipped),
as well as the older ``MedlineCitationSet`` format. ``PubmedBookArticle``
records (e.g. StatPearls chapters) become ``record_type="book"`` records, and
``DeleteCitation`` PMIDs are reported to the caller instead of yielded.

Parsing is incremental (:func:`lxml.etree.iterparse`): each record is turned
into an :class:`Article` as soon as its end tag is read, then discarded, so
memory stays flat however large the file is.

Safety: entities are never resolved (an ``<!ENTITY x SYSTEM "file:...">`` stays
the literal ``&x;``), no DTD is loaded, nothing is fetched from the network and
libxml2's limits on entity amplification and tree size stay on, so a
"billion laughs" document is rejected at once.

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

import gzip
import io
import os
import re
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import date
from typing import IO, Any

from lxml import etree

from .errors import ParseError
from .records import (
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

__all__ = ["iter_pubmed_xml", "parse_pubmed_xml"]

#: What :func:`iter_pubmed_xml` accepts: a path, raw bytes or a binary file object.
Source = str | os.PathLike[str] | bytes | IO[bytes]

_GZIP_MAGIC = b"\x1f\x8b"
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")
_ROOT_TAGS = frozenset({"PubmedArticleSet", "MedlineCitationSet", *_RECORD_TAGS})
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")
_ID_TYPES = {"doi": "doi", "pmc": "pmcid", "pii": "pii"}

Element = Any  # lxml.etree._Element; its stubs are not a dependency


# -- input ---------------------------------------------------------------------------


class _Prepended(io.RawIOBase):
    """A readable stream giving ``head`` and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        """Always readable."""
        return True

    def read(self, size: int | None = -1) -> bytes:
        """Read up to ``size`` bytes (all that is left when negative)."""
        head = self._head
        if not head:
            return self._stream.read(-1 if size is None else size)
        if size is None or size < 0:
            self._head = b""
            return head + self._stream.read()
        self._head = head[size:]
        return head[:size]


def _gunzipped(stream: IO[bytes], stack: ExitStack) -> IO[bytes]:
    """``stream`` itself, or a decompressing view when it starts with the gzip magic."""
    head = stream.read(2)
    if isinstance(head, str):
        raise TypeError("open the file in binary mode ('rb')")
    whole: IO[bytes] = _Prepended(head, stream)
    if head == _GZIP_MAGIC:
        return stack.enter_context(gzip.GzipFile(fileobj=whole, mode="rb"))
    return whole


def _open(source: Source, stack: ExitStack) -> tuple[str, IO[bytes]]:
    """Name for messages and a binary stream of XML for any accepted source."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>", _gunzipped(io.BytesIO(bytes(source)), stack)
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        try:
            raw = stack.enter_context(open(name, "rb"))
        except OSError as exc:
            raise ParseError(f"cannot open: {exc.strerror or exc}", name) from exc
        return name, _gunzipped(raw, stack)
    label = getattr(source, "name", None)
    return (label if isinstance(label, str) else "<stream>"), _gunzipped(source, stack)


# -- public API -------------------------------------------------------------------------


def iter_pubmed_xml(source: Source, *, deleted: list[str] | None = None) -> Iterator[Article]:
    """Yield one :class:`Article` per record of a PubMed XML document, streaming.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
        A path, the document itself, or an open binary stream (left open).
        Gzipped input is recognised by its magic bytes, whatever the name.
    deleted : list of str, optional
        When given, the PMIDs of ``DeleteCitation`` elements (update files) are
        appended to it; they are never yielded as records.

    Yields
    ------
    Article
        ``PubmedArticle`` and ``MedlineCitation`` records as ``record_type="article"``,
        ``PubmedBookArticle`` records as ``record_type="book"``, in document order.

    Raises
    ------
    ParseError
        The input cannot be read, is not well-formed XML (raised after every
        complete record before the fault was yielded; the message names the
        source and the line), is unsafe (entity amplification), or holds no
        PubMed records under an unknown root element.

    Examples
    --------
    >>> xml = b"<PubmedArticleSet><PubmedArticle><MedlineCitation Status='MEDLINE'>" \\
    ...       b"<PMID Version='1'>1</PMID><Article><ArticleTitle>T</ArticleTitle></Article>" \\
    ...       b"</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    >>> [(a.pmid, a.title) for a in iter_pubmed_xml(xml)]
    [('1', 'T')]
    """
    with ExitStack() as stack:
        name, stream = _open(source, stack)
        context = etree.iterparse(
            stream, events=("end",), tag=_RECORD_TAGS, resolve_entities=False, no_network=True,
            load_dtd=False, dtd_validation=False, huge_tree=False,
        )
        seen = False
        try:
            for _, elem in context:
                parent = elem.getparent()
                tag = elem.tag
                if tag == "MedlineCitation":
                    if parent is not None and parent.tag == "PubmedArticle":
                        continue  # handled with its PubmedArticle
                    article = _article(elem, None)
                elif tag == "PubmedArticle":
                    article = _pubmed_article(elem)
                elif tag == "PubmedBookArticle":
                    article = _book_article(elem)
                else:
                    article = None
                    if deleted is not None:
                        deleted.extend(p for p in (_leaf_text(e) for e in elem.iterfind("PMID")) if p)
                seen = True
                elem.clear()
                if parent is not None:
                    while elem.getprevious() is not None:
                        del parent[0]
                if article is not None:
                    yield article
        except etree.XMLSyntaxError as exc:
            raise ParseError(_syntax_message(exc), name, exc.lineno or None) from exc
        except (OSError, EOFError, zlib.error) as exc:
            raise ParseError(f"cannot read: {exc}", name) from exc
        root = context.root
        if not seen and root is not None and root.tag not in _ROOT_TAGS:
            raise ParseError(f"not PubMed XML: root element is <{root.tag}>", name)


def parse_pubmed_xml(source: Source) -> list[Article]:
    """Parse a whole PubMed XML document into a list (see :func:`iter_pubmed_xml`).

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
        Path, document bytes (e.g. an EFetch body) or binary stream; gzip is detected.

    Returns
    -------
    list of Article
        Every record in document order; ``DeleteCitation`` PMIDs are ignored.

    Raises
    ------
    ParseError
        As :func:`iter_pubmed_xml`; no partial list is returned.
    """
    return list(iter_pubmed_xml(source))


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    """Readable message for an lxml syntax error (without lxml's location suffix)."""
    message = (exc.msg or str(exc)).strip()
    if message == "no element found":
        return "empty document"
    return f"malformed XML: {message}"


# -- text helpers -------------------------------------------------------------------------


def _flat(elem: Element) -> str:
    """All text inside ``elem`` (inline markup flattened), whitespace collapsed."""
    return " ".join("".join(elem.itertext()).split())


def _mixed(parent: Element, path: str) -> str | None:
    """Flattened text of the first ``path`` match, ``None`` when absent or empty."""
    elem = parent.find(path)
    if elem is None:
        return None
    return _flat(elem) or None


def _leaf_text(elem: Element) -> str | None:
    """Stripped text of a plain-text element, ``None`` when empty."""
    text = elem.text
    if text is None:
        return None
    return text.strip() or None


def _leaf(parent: Element, path: str) -> str | None:
    """Stripped text of the first ``path`` match (plain-text elements), ``None`` when absent or empty."""
    text = parent.findtext(path)
    if not text:
        return None
    return text.strip() or None


def _int(text: str | None) -> int | None:
    """``int(text)`` for all-digit text, else ``None``."""
    return int(text) if text and text.isdigit() else None


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
    orcid = None
    for ident in elem.iterfind("Identifier"):
        if (ident.get("Source") or "").strip().upper() == "ORCID":
            orcid = _orcid(ident.text)
            break
    affiliations = [_flat(a) for a in elem.iterfind("AffiliationInfo/Affiliation")]
    affiliations += [_flat(a) for a in elem.iterfind("Affiliation")]  # 2013 DTD
    author = Author(
        last_name=_leaf(elem, "LastName"),
        fore_name=_leaf(elem, "ForeName"),
        initials=_leaf(elem, "Initials"),
        suffix=_leaf(elem, "Suffix"),
        collective_name=_mixed(elem, "CollectiveName"),
        orcid=orcid,
        affiliations=tuple(a for a in affiliations if a),
    )
    if not (author.last_name or author.fore_name or author.initials or author.collective_name):
        return None
    return author


def _authors(lists: list[Element], article_affiliation: str | None = None) -> tuple[Author, ...]:
    """Valid authors of the given ``AuthorList`` elements; an article-level affiliation goes to the first."""
    authors = [
        a for lst in lists for e in lst.iterfind("Author") if e.get("ValidYN") != "N" and (a := _author(e))
    ]
    if article_affiliation and authors and not authors[0].affiliations:
        authors[0] = replace(authors[0], affiliations=(article_affiliation,))
    return tuple(authors)


def _abstract(elem: Element | None) -> tuple[str | None, tuple[AbstractSection, ...], str | None]:
    """Joined abstract text, its sections and its copyright line."""
    if elem is None:
        return None, (), None
    sections = []
    for part in elem.iterfind("AbstractText"):
        text = _flat(part)
        if text:
            label = (part.get("Label") or "").strip() or None
            sections.append(AbstractSection(text, label, part.get("NlmCategory") or None))
    joined = "\n".join(f"{s.label}: {s.text}" if s.label else s.text for s in sections) or None
    return joined, tuple(sections), _mixed(elem, "CopyrightInformation")


def _pub_date(elem: Element | None) -> PubDate | None:
    """A ``PubDate`` as given, ``None`` when absent or empty."""
    if elem is None:
        return None
    pub_date = PubDate(
        year=_int(_leaf(elem, "Year")),
        month=_leaf(elem, "Month"),
        day=_leaf(elem, "Day"),
        season=_leaf(elem, "Season"),
        medline_date=_leaf(elem, "MedlineDate"),
    )
    if pub_date == _EMPTY_DATE:
        return None
    return pub_date


_EMPTY_DATE = PubDate()


def _year(pub_date: PubDate | None) -> int | None:
    """Year of a ``PubDate``: ``Year``, else the first four digits of ``MedlineDate``."""
    if pub_date is None:
        return None
    if pub_date.year is not None:
        return pub_date.year
    match = _YEAR.match(pub_date.medline_date or "")
    return int(match.group()) if match else None


def _article_date(article: Element) -> str | None:
    """The electronic ``ArticleDate`` as ``YYYY-MM-DD``, ``None`` when absent or invalid."""
    dates = article.findall("ArticleDate")
    chosen = next((d for d in dates if d.get("DateType", "Electronic") == "Electronic"), None)
    if chosen is None:
        return None
    parts = [_int(_leaf(chosen, p)) for p in ("Year", "Month", "Day")]
    if None in parts:
        return None
    try:
        return date(*parts).isoformat()
    except ValueError:
        return None


def _ids(id_list: Element | None, elocations: list[Element]) -> dict[str, str]:
    """``doi`` / ``pmcid`` / ``pii`` from a record's own ``ArticleIdList``, then its ``ELocationID``."""
    found: dict[str, str] = {}
    pairs = [] if id_list is None else [(e.get("IdType"), e) for e in id_list.iterfind("ArticleId")]
    pairs += [(e.get("EIdType"), e) for e in elocations if e.get("ValidYN") != "N"]
    for kind, elem in pairs:
        field = _ID_TYPES.get(kind or "")
        if field and field not in found:
            value = _leaf_text(elem)
            if value:
                found[field] = value
    return found


def _publication_types(parent: Element, path: str) -> tuple[PublicationType, ...]:
    """``PublicationType`` elements at ``path``."""
    return tuple(
        PublicationType(name, e.get("UI")) for e in parent.iterfind(path) if (name := _flat(e))
    )


def _keywords(parent: Element) -> tuple[Keyword, ...]:
    """Every ``KeywordList/Keyword`` with its list's ``Owner``."""
    return tuple(
        Keyword(text, kl.get("Owner"))
        for kl in parent.iterfind("KeywordList")
        for k in kl.iterfind("Keyword")
        if (text := _flat(k))
    )


def _grants(parent: Element) -> tuple[Grant, ...]:
    """``GrantList/Grant`` entries."""
    return tuple(
        Grant(_leaf(g, "GrantID"), _leaf(g, "Acronym"), _leaf(g, "Agency"), _leaf(g, "Country"))
        for g in parent.iterfind("GrantList/Grant")
    )


def _mesh(citation: Element) -> tuple[MeshHeading, ...]:
    """``MeshHeadingList`` as headings; a heading is major if its descriptor or a qualifier is."""
    headings = []
    for heading in citation.iterfind("MeshHeadingList/MeshHeading"):
        descriptor = heading.find("DescriptorName")
        if descriptor is None:
            continue
        qualifiers = tuple(
            MeshQualifier(_flat(q), q.get("UI"), q.get("MajorTopicYN") == "Y")
            for q in heading.iterfind("QualifierName")
        )
        major = descriptor.get("MajorTopicYN") == "Y" or any(q.major for q in qualifiers)
        headings.append(MeshHeading(_flat(descriptor), descriptor.get("UI"), major, qualifiers))
    return tuple(headings)


def _chemicals(citation: Element) -> tuple[Chemical, ...]:
    """``ChemicalList/Chemical`` entries."""
    chemicals = []
    for chem in citation.iterfind("ChemicalList/Chemical"):
        substance = chem.find("NameOfSubstance")
        if substance is not None and (name := _flat(substance)):
            chemicals.append(Chemical(name, substance.get("UI"), _leaf(chem, "RegistryNumber")))
    return tuple(chemicals)


def _corrections(citation: Element) -> tuple[Correction, ...]:
    """``CommentsCorrections`` links, ``RefType`` kept exactly as given."""
    return tuple(
        Correction(ref_type, _mixed(c, "RefSource"), _leaf(c, "PMID"))
        for c in citation.iterfind("CommentsCorrectionsList/CommentsCorrections")
        if (ref_type := c.get("RefType"))
    )


def _pmid(parent: Element) -> tuple[str | None, int | None]:
    """``PMID`` text and ``@Version`` of ``parent``."""
    elem = parent.find("PMID")
    if elem is None:
        return None, None
    return _leaf_text(elem), _int((elem.get("Version") or "").strip())


def _finish(article: Article) -> Article:
    """Set ``retracted`` with the schema's own rule."""
    if article.is_retracted():
        return replace(article, retracted=True)
    return article


# -- records ------------------------------------------------------------------------------


def _pubmed_article(elem: Element) -> Article | None:
    """A ``PubmedArticle`` (``MedlineCitation`` plus ``PubmedData``)."""
    citation = elem.find("MedlineCitation")
    if citation is None:
        return None
    return _article(citation, elem.find("PubmedData"))


def _article(citation: Element, pubmed_data: Element | None) -> Article:
    """A ``MedlineCitation`` and its optional ``PubmedData``."""
    pmid, version = _pmid(citation)
    art = citation.find("Article")
    if art is None:
        art = etree.Element("Article")
    issue = art.find("Journal/JournalIssue")
    pub_date = _pub_date(None if issue is None else issue.find("PubDate"))
    abstract, sections, copyright_line = _abstract(art.find("Abstract"))
    issn = art.find("Journal/ISSN")
    ids = _ids(None if pubmed_data is None else pubmed_data.find("ArticleIdList"), art.findall("ELocationID"))
    return _finish(Article(
        pmid=pmid,
        pmid_version=version,
        title=_mixed(art, "ArticleTitle") or "",
        abstract=abstract,
        abstract_sections=sections,
        copyright=copyright_line,
        journal=_mixed(art, "Journal/Title"),
        journal_iso=_leaf(art, "Journal/ISOAbbreviation"),
        issn=None if issn is None else _leaf_text(issn),
        issn_type=None if issn is None else issn.get("IssnType"),
        volume=None if issue is None else _leaf(issue, "Volume"),
        issue=None if issue is None else _leaf(issue, "Issue"),
        pages=_leaf(art, "Pagination/MedlinePgn"),
        year=_year(pub_date),
        pub_date=pub_date,
        article_date=_article_date(art),
        authors=_authors(art.findall("AuthorList"), _mixed(art, "Affiliation")),
        doi=ids.get("doi"),
        pmcid=ids.get("pmcid"),
        pii=ids.get("pii"),
        languages=tuple(t for t in (_leaf_text(e) for e in art.iterfind("Language")) if t),
        publication_types=_publication_types(art, "PublicationTypeList/PublicationType"),
        mesh_headings=_mesh(citation),
        keywords=_keywords(citation),
        chemicals=_chemicals(citation),
        grants=_grants(art),
        coi_statement=_mixed(citation, "CoiStatement"),
        citation_status=citation.get("Status"),
        indexing_method=citation.get("IndexingMethod"),
        corrections=_corrections(citation),
    ))


def _book_article(elem: Element) -> Article | None:
    """A ``PubmedBookArticle`` (``BookDocument`` plus ``PubmedBookData``)."""
    doc = elem.find("BookDocument")
    if doc is None:
        return None
    pmid, version = _pmid(doc)
    book = doc.find("Book")
    if book is None:
        book = etree.Element("Book")
    book_title = _mixed(book, "BookTitle")
    pub_date = _pub_date(book.find("PubDate"))
    abstract, sections, copyright_line = _abstract(doc.find("Abstract"))
    author_lists = [a for a in doc.iterfind("AuthorList") if a.get("Type") != "editors"]
    if not author_lists:
        author_lists = [a for a in book.iterfind("AuthorList") if a.get("Type") != "editors"]
    data = elem.find("PubmedBookData")
    ids = _ids(doc.find("ArticleIdList"), doc.findall("ELocationID"))
    if data is not None:
        ids = {**_ids(data.find("ArticleIdList"), []), **ids}
    return _finish(Article(
        pmid=pmid,
        pmid_version=version,
        record_type="book",
        title=_mixed(doc, "ArticleTitle") or book_title or "",
        abstract=abstract,
        abstract_sections=sections,
        copyright=copyright_line,
        journal=book_title,
        volume=_leaf(book, "Volume"),
        pages=_leaf(doc, "Pagination/MedlinePgn"),
        year=_year(pub_date),
        pub_date=pub_date,
        authors=_authors(author_lists),
        doi=ids.get("doi"),
        pmcid=ids.get("pmcid"),
        pii=ids.get("pii"),
        languages=tuple(t for t in (_leaf_text(e) for e in doc.iterfind("Language")) if t),
        publication_types=_publication_types(doc, "PublicationType"),
        keywords=_keywords(doc),
        grants=_grants(doc),
    ))
