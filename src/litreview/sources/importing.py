"""Import records from files people download: PubMed XML, PubMed (MEDLINE) text, RIS.

``litreview import FILE...`` and :func:`import_files` add the records of

* PubMed XML (``.xml``, ``.xml.gz``, ``.gz``): EFetch results and the annual
  baseline / daily update files, read by
  :func:`~litreview.pubmed_xml.iter_pubmed_xml` (streaming, gzip detected);
* PubMed's MEDLINE text format (``.nbib``, ``.txt``), as PubMed's
  "Save: PubMed format" writes it (``PMID- 123`` tags, 6-space continuation
  lines, a blank line between records);
* RIS (``.ris``), as Zotero, EndNote or Mendeley export it, read with
  `rispy <https://pypi.org/project/rispy/>`_; the PMID is taken from ``AN``,
  a ``PMID: 123`` note or a PubMed URL when present

to a review's snapshot. Each record gets provenance: ``source`` (``pubmed``
for PubMed XML and MEDLINE text, ``imported`` for RIS), the file's name and
the import date. A record already in the snapshot (same PMID, same DOI, or
same normalised title and year) is merged with it, never duplicated: a curated
stand-in is replaced by the full record (its curator judgements follow it to
its PMID), otherwise the fields the old record lacks are filled in.

Imported records join the search of every mechanism whose terms or MeSH
headings they name (``origin: import``), which is how screening sees them.

Bad input: an empty, truncated, mislabelled (not the format its extension
says) or oversized file, or a record with neither PMID nor DOI, raises a
one-line :class:`~litreview.errors.ParseError` naming the file (and record);
a record without title or abstract, a PMID repeated in a file and PMIDs an
update file deletes give an :class:`ImportFileWarning` and the record is kept
with what it has. The snapshot is written all or nothing
(:func:`~litreview.snapshot.write_snapshot`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

import rispy

from ..corpus.claims import Mechanism
from ..corpus.queries import build_query
from ..corpus.records import Article, Author, Keyword, MeshHeading, MeshQualifier, PublicationType, normalize_title
from ..corpus.review_config import Intervention
from ..corpus.snapshot import Provenance, SearchResult, Snapshot
from ..errors import ParseError
from .pubmed_xml import iter_pubmed_xml

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "ImportFileWarning",
    "ImportResult",
    "file_format",
    "read_records",
    "import_files",
]

#: File name endings and the format each is read as.
FORMATS = {".xml": "pubmed_xml", ".xml.gz": "pubmed_xml", ".gz": "pubmed_xml", ".nbib": "medline",
           ".txt": "medline", ".ris": "ris"}
#: Largest file accepted (bytes on disk): larger downloads belong in ``litreview mirror build``.
MAX_FILE_BYTES = 150 * 2**20
_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3}) *- ?(.*)$")
_DOI_ID = re.compile(r"^(\S+) \[doi\]$")
_PMID_IN_TEXT = re.compile(r"\bPMID:?\s*(\d{1,9})\b|pubmed\.ncbi\.nlm\.nih\.gov/(\d{1,9})|ncbi\.nlm\.nih\.gov/pubmed/(\d+)")
_DIGITS = re.compile(r"\d{1,9}")
_DOI = re.compile(r"\b(10\.\d{4,9}/\S+)")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


class ImportFileWarning(UserWarning):
    """An import file has something to look at: a record lacking title or abstract, a repeated or deleted PMID."""


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    Attributes
    ----------
    snapshot : Snapshot
        The snapshot with the records added (not yet written).
    read : int
        Records read from the files.
    added : int
        New records in the snapshot.
    merged : int
        Records merged into one already there (or read twice).
    unmatched : int
        New records that name no mechanism's terms (kept, but no search holds them).
    """

    snapshot: Snapshot
    read: int
    added: int
    merged: int
    unmatched: int


def file_format(path: str | Path) -> str:
    """The format a file is read as, from its name (:data:`FORMATS`); ParseError for an unknown ending."""
    name = Path(path).name.lower()
    for ending in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(ending):
            return FORMATS[ending]
    raise ParseError(f"unknown file type; import reads {', '.join(FORMATS)}", str(path))


def _record_label(index: int, article: Article | None = None, pmid: str | None = None) -> str:
    """``record 3 (PMID 123)`` for messages."""
    ident = pmid or (article.pmid if article else None)
    return f"record {index}" + (f" (PMID {ident})" if ident else "")


# -- MEDLINE text --------------------------------------------------------------------------


def _medline_blocks(text: str, name: str) -> list[list[tuple[str, str]]]:
    """Records of a MEDLINE text file as lists of (tag, value), continuation lines joined."""
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if current:
                records.append(current)
                current = []
            continue
        if line.startswith("      ") and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = _MEDLINE_TAG.match(line)
        if match is None:
            raise ParseError(f"not PubMed (MEDLINE) format: {line[:40]!r} is not a 'TAG - value' line", name, number)
        current.append((match.group(1), match.group(2).strip()))
    if current:
        records.append(current)
    return records


def _mesh(value: str) -> MeshHeading:
    """``*Ketamine/*therapeutic use`` -> MeshHeading with major flags."""
    descriptor, *quals = value.split("/")
    qualifiers = tuple(MeshQualifier(name=q.lstrip("*"), major=q.startswith("*")) for q in quals)
    major = descriptor.startswith("*") or any(q.major for q in qualifiers)
    return MeshHeading(descriptor=descriptor.lstrip("*"), major=major, qualifiers=qualifiers)


def _medline_author(value: str) -> Author:
    """``Zarate CA Jr`` -> Author."""
    last, _, initials = value.rpartition(" ")
    return Author(last_name=last or initials, initials=initials if last else None)


def _medline_article(tags: list[tuple[str, str]]) -> Article:
    """One MEDLINE record -> Article."""
    first: dict[str, str] = {}
    many: dict[str, list[str]] = {}
    for tag, value in tags:
        first.setdefault(tag, value)
        many.setdefault(tag, []).append(value)
    doi = next((m.group(1) for v in [*many.get("AID", []), *many.get("LID", [])] if (m := _DOI_ID.match(v))), None)
    year = _YEAR.search(first.get("DP", ""))
    return Article(
        pmid=first.get("PMID") or None,
        title=first.get("TI", ""),
        abstract=first.get("AB") or None,
        journal=first.get("JT"),
        journal_iso=first.get("TA"),
        volume=first.get("VI"),
        issue=first.get("IP"),
        pages=first.get("PG"),
        year=int(year.group(1)) if year else None,
        authors=tuple(_medline_author(v) for v in many.get("AU", [])),
        doi=doi,
        pmcid=first.get("PMC"),
        languages=tuple(many.get("LA", [])),
        publication_types=tuple(PublicationType(name=v) for v in many.get("PT", [])),
        mesh_headings=tuple(_mesh(v) for v in many.get("MH", [])),
        keywords=tuple(Keyword(text=v, owner="NOTNLM") for v in many.get("OT", [])),
        citation_status=first.get("STAT"),
        source="pubmed",
    )


def _read_medline(path: Path) -> list[Article]:
    """Records of a MEDLINE text file."""
    text = _text(path)
    blocks = _medline_blocks(text, str(path))
    if not any(tag == "PMID" for block in blocks for tag, _ in block):
        raise ParseError("not PubMed (MEDLINE) format: no 'PMID- ' line", str(path))
    articles = []
    for index, block in enumerate(blocks, start=1):
        if block[0][0] != "PMID":
            raise ParseError(f"{_record_label(index)}: a MEDLINE record starts with 'PMID- ', not "
                             f"'{block[0][0]} -' (truncated or joined records?)", str(path))
        articles.append(_medline_article(block))
    return articles


# -- RIS -------------------------------------------------------------------------------------


def _ris_pmid(entry: Mapping[str, object]) -> str | None:
    """PMID from ``AN`` (digits), a ``PMID: 123`` note or a PubMed URL."""
    accession = str(entry.get("accession_number") or "").strip()
    if _DIGITS.fullmatch(accession):
        return accession
    texts = [str(entry.get(k) or "") for k in ("note", "notes_abstract", "custom1", "custom2")]
    texts += [str(v) for k in ("notes", "urls") for v in entry.get(k) or ()]  # type: ignore[union-attr]
    for text in texts:
        if match := _PMID_IN_TEXT.search(text):
            return next(g for g in match.groups() if g)
    return None


def _ris_article(entry: Mapping[str, object]) -> Article:
    """One rispy entry -> Article (source ``imported``)."""
    def get(*names: str) -> str | None:
        return next((str(entry[n]).strip() for n in names if entry.get(n)), None)

    authors = [*(entry.get("authors") or ()), *(entry.get("first_authors") or ())]  # type: ignore[misc]
    doi = get("doi")
    if doi and (match := _DOI.search(doi)):
        doi = match.group(1)
    year = _YEAR.search(get("year", "publication_year", "date") or "")
    pages = "-".join(p for p in (get("start_page"), get("end_page")) if p) or None
    return Article(
        pmid=_ris_pmid(entry),
        title=" ".join((get("title", "primary_title", "translated_title") or "").split()),
        abstract=" ".join((get("abstract", "notes_abstract") or "").split()) or None,
        journal=get("secondary_title", "journal_name", "alternate_title3", "alternate_title1"),
        volume=get("volume"),
        issue=get("number"),
        pages=pages,
        year=int(year.group(1)) if year else None,
        authors=tuple(_medline_author(str(a).replace(",", "").strip()) if "," not in str(a)
                      else Author(last_name=str(a).split(",")[0].strip(),
                                  fore_name=str(a).split(",", 1)[1].strip() or None)
                      for a in authors),
        doi=doi,
        languages=(str(entry["language"]),) if entry.get("language") else (),
        keywords=tuple(Keyword(text=str(k)) for k in entry.get("keywords") or ()),  # type: ignore[union-attr]
        source="imported",
    )


def _read_ris(path: Path) -> list[Article]:
    """Records of a RIS file."""
    text = _text(path).lstrip("\ufeff")
    starts = len(re.findall(r"(?m)^TY  -", text))
    ends = len(re.findall(r"(?m)^ER  -", text))
    if not starts:
        raise ParseError("not RIS: no 'TY  - ' line starts a record", str(path))
    if starts != ends:
        raise ParseError(f"truncated RIS: {starts} records start ('TY  -') but {ends} end ('ER  -')", str(path))
    try:
        entries = rispy.loads(text)
    except Exception as exc:  # rispy raises IOError/ValueError subclasses for malformed files
        raise ParseError(f"not readable as RIS: {exc}", str(path)) from None
    return [_ris_article(e) for e in entries]


# -- files -----------------------------------------------------------------------------------


def _text(path: Path) -> str:
    """A text file's contents (UTF-8, BOM allowed); ParseError if it is not text."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not a UTF-8 text file (byte {exc.start}); is it the format its name says?",
                         str(path)) from None


def _read_xml(path: Path) -> list[Article]:
    """Records of a PubMed XML file; PMIDs it deletes give a warning."""
    deleted: list[str] = []
    articles: list[Article] = []
    try:
        articles.extend(iter_pubmed_xml(path, deleted=deleted))
    except ParseError as exc:
        where = f"{exc.source}:{exc.line}" if exc.line else str(exc.source)
        after = f" after {_record_label(len(articles), articles[-1])}" if articles else " before its first record"
        raise ParseError(f"{str(exc).removeprefix(where + ': ')}{after}; nothing imported", exc.source,
                         exc.line) from None
    if deleted:
        warnings.warn(ImportFileWarning(f"{path}: deletes {len(deleted)} PMID(s) ({', '.join(deleted[:5])}); "
                                        "they are not imported, and records already in the snapshot stay"),
                      stacklevel=3)
    gone = set(deleted)
    return [a for a in articles if a.pmid not in gone]


_READERS = {"pubmed_xml": _read_xml, "medline": _read_medline, "ris": _read_ris}


def read_records(path: str | Path) -> list[Article]:
    """Read one import file (format from its name, see :data:`FORMATS`).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    list of Article
        In file order; a PMID repeated in the file is read once (the later
        version wins, fields it lacks filled from the earlier one).

    Raises
    ------
    ParseError
        The file is missing, empty, larger than :data:`MAX_FILE_BYTES`, not
        the format its extension says, truncated, or holds a record with
        neither PMID nor DOI (the message names the file and record).

    Warns
    -----
    ImportFileWarning
        A record lacks title or abstract, a PMID is repeated, an update file
        deletes PMIDs.
    """
    path = Path(path)
    kind = file_format(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ParseError(f"cannot open: {exc.strerror or exc}", str(path)) from None
    if path.is_dir():
        raise ParseError("is a directory, not a file", str(path))
    if size == 0:
        raise ParseError("empty file", str(path))
    if size > MAX_FILE_BYTES:
        raise ParseError(f"{size / 2**20:.0f} MB is more than import takes ({MAX_FILE_BYTES // 2**20} MB); split the "
                         "file, or build a local mirror from baseline files (litreview mirror build)", str(path))
    articles = _READERS[kind](path)
    if not articles:
        raise ParseError(f"no records in this {kind.replace('_', ' ')} file", str(path))
    out: dict[str, Article] = {}
    lacking: list[str] = []
    for index, article in enumerate(articles, start=1):
        if not (article.pmid or article.doi):
            raise ParseError(f"record {index} ({article.title[:50]!r}): neither PMID nor DOI, so it cannot be keyed; "
                             "add one, or leave the record out", str(path))
        missing = [name for name in ("title", "abstract") if not getattr(article, name)]
        if missing:
            lacking.append(f"{_record_label(index, article)} lacks {' and '.join(missing)}")
        if article.key in out:
            warnings.warn(ImportFileWarning(f"{path}: {_record_label(index, article)} repeats an earlier record; "
                                            "merged"), stacklevel=2)
            article = merge_records(out[article.key], article)
        out[article.key] = article
    if lacking:
        warnings.warn(ImportFileWarning(f"{path}: {len(lacking)} record(s) kept with what they have: "
                                        f"{'; '.join(lacking[:3])}{' ...' if len(lacking) > 3 else ''}"),
                      stacklevel=2)
    return list(out.values())


# -- merging into a snapshot ---------------------------------------------------------------------


def _title_key(article: Article) -> str | None:
    """Normalised title + year, the third duplicate test."""
    title = normalize_title(article.title)
    return f"{title}|{article.year}" if title and article.year else None


def merge_records(old: Article, new: Article) -> Article:
    """One record from two copies of the same study.

    The fuller source wins (PubMed over a reference-manager export over a
    curated stand-in; on a tie the newer copy), keeping the older copy's PMID
    and DOI when it has them (so a record keeps its key); fields the winner
    lacks are filled from the other copy.
    """
    rank = {"pubmed": 2, "imported": 1}
    base, other = (new, old) if rank.get(new.source, 0) >= rank.get(old.source, 0) else (old, new)
    keep = {name: getattr(old, name) for name in ("pmid", "doi") if getattr(old, name)}
    updates = {f.name: getattr(other, f.name) for f in fields(Article)
               if f.name not in ("source", "curated_summary") and not getattr(base, f.name) and getattr(other, f.name)}
    return replace(base, **{**updates, **keep})


def _mechanism_patterns(mechanisms: Mapping[str, Mechanism]) -> dict[str, tuple[re.Pattern[str], set[str]]]:
    """Per mechanism: a word-start regex of its terms and its MeSH headings (lower case)."""
    out = {}
    for key, mech in mechanisms.items():
        parts = [re.escape(t.lower()).replace(r"\*", r"\w*") for t in mech.synonyms]
        out[key] = (re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")") if parts else re.compile(r"(?!)"),
                    {m.lower() for m in mech.mesh})
    return out


def _matching(article: Article, patterns: Mapping[str, tuple[re.Pattern[str], set[str]]]) -> list[str]:
    """Mechanisms whose terms or MeSH headings the record names."""
    text = f"{article.title}\n{article.abstract or ''}\n{' '.join(k.text for k in article.keywords)}".lower()
    mesh = {m.lower() for m in article.mesh_terms}
    return [key for key, (regex, headings) in patterns.items() if regex.search(text) or mesh & headings]


def import_files(paths: Sequence[str | Path], snapshot: Snapshot | None, mechanisms: Mapping[str, Mechanism],
                 retrieved: str, intervention: Intervention | None = None) -> ImportResult:
    """Add the records of import files to a snapshot.

    Parameters
    ----------
    paths : sequence of str or Path
        Files to import (:data:`FORMATS`); all are read before anything changes.
    snapshot : Snapshot or None
        The current snapshot; None for a corpus that has none yet.
    mechanisms : mapping of str to Mechanism
        Imported records join the search of each mechanism whose terms they name.
    retrieved : str
        Import date ``YYYY-MM-DD`` for provenance and searches.
    intervention : Intervention, optional
        The review's intervention (``litreview.toml``): a new search's query is
        written with it, as a fetch would have run it.

    Returns
    -------
    ImportResult

    Raises
    ------
    ParseError
        As :func:`read_records`, for the first bad file; nothing is imported.

    Examples
    --------
    >>> result = import_files(["pubmed-29768149.xml"], None, mechanisms, "2025-01-31")  # doctest: +SKIP
    >>> write_snapshot(result.snapshot, "corpus/snapshot")  # doctest: +SKIP
    """
    incoming = [(Path(p).name, a) for p in paths for a in read_records(p)]
    snapshot = snapshot or Snapshot(records=(), searches={}, provenance={})
    records: dict[str, Article] = {a.key: a for a in snapshot.records}
    provenance = dict(snapshot.provenance)
    index: dict[str, str] = {}

    def remember(article: Article) -> None:
        for ident in _identities(article):
            index[ident] = article.key

    for article in records.values():
        remember(article)
    key_map: dict[str, str] = {}
    touched: set[str] = set()
    added = merged = 0
    for name, article in incoming:
        found = next((index[i] for i in _identities(article) if i in index and index[i] in records), None)
        if found is None:
            added += 1
            new_key = article.key
            records[new_key] = article
            provenance[new_key] = Provenance(key=new_key, source=article.source, retrieved=retrieved, file=name)
        else:
            merged += 1
            combined = merge_records(records.pop(found), article)
            new_key = combined.key
            records[new_key] = combined
            before = provenance.pop(found, None)
            if before is None or before.source != combined.source:
                provenance[new_key] = Provenance(
                    key=new_key, source=combined.source, retrieved=retrieved, file=name,
                    verification=before.verification if before else None,
                    verified_via=before.verified_via if before else None, queries=before.queries if before else ())
            else:
                provenance[new_key] = replace(before, key=new_key)
            if new_key != found:
                key_map[found] = new_key
        touched.add(new_key)
        remember(records[new_key])
    return _finish(snapshot, records, provenance, key_map, touched, mechanisms, retrieved, len(incoming), added,
                   merged, intervention)


def _identities(article: Article) -> list[str]:
    """The ids that make two records the same study: PMID, DOI, normalised title + year."""
    ids = [f"pmid:{article.pmid}"] if article.pmid else []
    if article.doi:
        ids.append(f"doi:{article.doi.lower()}")
    if title := _title_key(article):
        ids.append(f"title:{title}")
    return ids


def _finish(snapshot: Snapshot, records: dict[str, Article], provenance: dict[str, Provenance],
            key_map: Mapping[str, str], touched: Iterable[str], mechanisms: Mapping[str, Mechanism], retrieved: str,
            read: int, added: int, merged: int, intervention: Intervention | None) -> ImportResult:
    """Re-key judgements and searches, add imported records to the mechanisms' searches."""
    def rekey(key: str) -> str:
        while key in key_map:
            key = key_map[key]
        return key

    patterns = _mechanism_patterns(mechanisms)
    searches = {m: replace(s, keys=tuple(sorted({rekey(k) for k in s.keys}))) for m, s in snapshot.searches.items()}
    found: dict[str, set[str]] = {}
    unmatched = 0
    for key in sorted({rekey(k) for k in touched}):
        mechs = _matching(records[key], patterns)
        unmatched += not mechs and not provenance[key].queries
        for mech in mechs:
            found.setdefault(mech, set()).add(key)
        provenance[key] = replace(provenance[key], queries=tuple(sorted({*provenance[key].queries, *mechs})))
    for mech, keys in found.items():
        old = searches.get(mech)
        if old is None:
            searches[mech] = SearchResult(mechanism=mech, query=build_query(mechanisms[mech], intervention), count=len(keys),
                                          keys=tuple(sorted(keys)), origin="import", retrieved=retrieved)
        else:
            union = tuple(sorted({*old.keys, *keys}))
            searches[mech] = replace(old, keys=union, count=old.count + len(set(keys) - set(old.keys)))
    curated = {(rekey(j.key), j.claim_id): replace(j, key=rekey(j.key)) for j in snapshot.curated}
    new = Snapshot(
        records=tuple(records[k] for k in sorted(records)),
        searches={k: searches[k] for k in sorted(searches)},
        provenance={k: provenance[k] for k in sorted(provenance)},
        curated=tuple(curated[k] for k in sorted(curated)),
    )
    return ImportResult(new, read, added, merged, unmatched)
