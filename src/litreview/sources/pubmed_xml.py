"""Stream PubMed XML into :class:`~litreview.records.Article` records.

Reads what EFetch (``db=pubmed retmode=xml``) returns and what NLM ships in the
annual baseline and daily update files (``PubmedArticleSet``, plain or gzipped),
as well as the older ``MedlineCitationSet`` format. ``PubmedBookArticle``
records (e.g. StatPearls chapters) become ``record_type="book"`` records, and
``DeleteCitation`` PMIDs are reported to the caller instead of yielded.

Parsing is incremental (:func:`lxml.etree.iterparse`): each record is turned
into an :class:`Article` as soon as its end tag is read, then discarded, and
before each block of input is read every finished element outside a record
(whatever its name) is freed too, so memory stays flat however large the file
is and whatever it holds. One record may not exceed :data:`MAX_RECORD_BYTES`
of XML (real ones stay under a few MB), so a hostile record cannot hold the
memory either.

Safety: entities are never resolved (an ``<!ENTITY x SYSTEM "file:...">`` stays
the literal ``&x;``), no DTD is loaded, nothing is fetched from the network and
libxml2's limits on entity amplification and tree size stay on, so a
"billion laughs" document is rejected at once.

Each record element becomes an :class:`Article` in
:mod:`litreview.sources.pubmed_record`, which also lists the field rules beyond
the schema in :mod:`litreview.records`.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from typing import IO

from lxml import etree

from ..corpus.records import Article
from ..errors import ParseError
from .pubmed_record import Element, _article, _book_article, _flat, _pubmed_article

__all__ = ["iter_pubmed_xml", "parse_pubmed_xml", "MAX_RECORD_BYTES"]

#: Largest record accepted, in bytes of (uncompressed) XML; a bigger one is a ParseError.
MAX_RECORD_BYTES = 16 << 20

#: What :func:`iter_pubmed_xml` accepts: a path, raw bytes or a binary file object.
Source = str | os.PathLike[str] | bytes | IO[bytes]

_GZIP_MAGIC = b"\x1f\x8b"
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")
_RECORD_TAG_SET = frozenset(_RECORD_TAGS)
#: Elements whose start and end iterparse reports: the records and the sets holding them.
_WATCHED_TAGS = (*_RECORD_TAGS, "PubmedArticleSet", "MedlineCitationSet")
_ROOT_TAGS = frozenset({"PubmedArticleSet", "MedlineCitationSet", *_RECORD_TAGS})
_LXML_WHERE = re.compile(r"(,? line \d+)?, line \d+, column \d+$")


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


class _Sweeper(io.RawIOBase):
    """The XML stream handed to iterparse, freeing the finished part of the tree before each block is read.

    iterparse reads the next block only once every event so far has been
    handled, so at that moment every element outside a record except the last
    child of each open element is finished: those are deleted. (Records are
    freed by the loop as their end tags arrive; elements that are not records
    never raise an event, so without this a file of junk elements would be
    kept whole.) The open record, if any, is measured against
    :data:`MAX_RECORD_BYTES`. The loop sets :attr:`root` at the first start
    event of a PubMed element (iterparse gives the root only at the end); a
    document with none in its first :data:`MAX_RECORD_BYTES` is not PubMed XML.
    """

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self._stream = stream
        self._name = name
        self.root: Element | None = None
        self._fed = 0
        self._record: Element | None = None
        self._record_start = 0

    def readable(self) -> bool:
        """Always readable."""
        return True

    def read(self, size: int | None = -1) -> bytes:
        """Free the finished elements, check the open record's size, then read a block."""
        if self.root is None and self._fed > MAX_RECORD_BYTES:
            raise ParseError(f"no PubMed element in the first {MAX_RECORD_BYTES / 2**20:g} MB: not PubMed XML",
                             self._name)
        if self.root is not None:
            record = _sweep(self.root)
            if record is not self._record:
                self._record, self._record_start = record, self._fed
            elif record is not None and self._fed - self._record_start > MAX_RECORD_BYTES:
                raise ParseError(f"a <{record.tag}> record is larger than {MAX_RECORD_BYTES / 2**20:g} MB of XML "
                                 "(real PubMed records are far smaller): not PubMed data", self._name,
                                 record.sourceline)
        data = self._stream.read(-1 if size is None else size)
        self._fed += len(data)
        return data


def _sweep(root: Element) -> Element | None:
    """Delete every finished element outside a record, down the open path; return the open record, if any."""
    elem = root
    while True:
        if elem.tag in _RECORD_TAG_SET:
            return elem
        count = len(elem)
        if count == 0:
            return None
        if count > 1:
            del elem[:count - 1]  # only the last child can still be open
        elem = elem[-1]


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
        source and the line), is unsafe (entity amplification), holds a record
        larger than :data:`MAX_RECORD_BYTES`, or holds no PubMed records under
        an unknown root element.

    Examples
    --------
    >>> xml = b"<PubmedArticleSet><PubmedArticle><MedlineCitation Status='MEDLINE'>" \\
    ...       b"<PMID Version='1'>1</PMID><Article><ArticleTitle>T</ArticleTitle></Article>" \\
    ...       b"</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    >>> [(a.pmid, a.title) for a in iter_pubmed_xml(xml)]
    [('1', 'T')]
    """
    with ExitStack() as stack:
        name, raw = _open(source, stack)
        stream = _Sweeper(raw, name)
        context = etree.iterparse(
            stream, events=("start", "end"), tag=_WATCHED_TAGS, resolve_entities=False, no_network=True,
            load_dtd=False, dtd_validation=False, huge_tree=False,
        )
        seen = False
        try:
            for event, elem in context:
                if event == "start" or elem.tag not in _RECORD_TAG_SET:
                    if stream.root is None:
                        stream.root = elem.getroottree().getroot()
                    continue
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
                        deleted.extend(p for e in elem if e.tag == "PMID" and (p := _flat(e)))
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
    message = _LXML_WHERE.sub("", (exc.msg or str(exc)).strip())
    if message == "no element found":
        return "empty document"
    return f"invalid XML: {message}"
