"""Screening decisions to and from other review tools: ASReview and Rayyan.

:func:`read_tool_decisions` reads another tool's labelled export as one
reviewer's screening decisions (``litreview decisions import``):

- **ASReview** labelled CSV (``title``, ``abstract``, ... and ``included`` or
  ``label_included``: 1 include, 0 exclude, blank or -1 not screened) or
  ASReview's RIS export (``LB  - ASReview_relevant`` / ``ASReview_irrelevant``;
  ``ASReview_not_seen`` is not screened);
- **Rayyan** CSV (``key, title, ..., notes``), whose ``notes`` hold
  ``RAYYAN-INCLUSION: {"Alice"=>"Included", "Bob"=>"Excluded"}`` and
  ``RAYYAN-EXCLUSION-REASONS: wrong population,foreign language``
  (``Maybe`` is not a decision).

Rows are matched to the snapshot's records by PMID (a ``pmid``,
``pubmed_id`` or ``AN`` field, or a PubMed link in ``url``), then DOI, then
normalised title (case, accents and punctuation aside; a title two records
share matches neither). Rows that match no record are counted and listed by
row number, never dropped silently. Exclusion reasons are mapped onto the
protocol's reasons (Rayyan's ``foreign language`` is ``not in English``);
an exclusion whose reason cannot be mapped gets the ``default_reason`` and
keeps the tool's words in its note.

:func:`asreview_frame` turns the decisions back into ASReview's labelled CSV
(``record_id`` is the record key; an extra ``exclusion_reason`` column, which
ASReview ignores, keeps the reasons across a round trip).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import rispy

from ..errors import CorpusError
from .decision_schema import RECORD_STAGES, Decision, check_reviewer, make_decision
from .decisions import DecisionLog
from .snapshot import Snapshot

__all__ = ["TOOL_FORMATS", "ToolImport", "read_tool_decisions", "asreview_frame"]

#: The tools whose screening exports ``litreview decisions import`` reads.
TOOL_FORMATS = ("asreview", "rayyan")
_ASREVIEW_LABELS = ("included", "label_included")
_RIS_LABELS = {"asreview_relevant": "include", "asreview_irrelevant": "exclude", "asreview_not_seen": None}
_RAYYAN_VERDICTS = {"included": "include", "excluded": "exclude", "maybe": None}
_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{(?P<body>[^}]*)\}")
_RAYYAN_PAIR = re.compile(r'\s*"(?P<name>[^"]+)"\s*=>\s*"(?P<verdict>[^"]+)"\s*')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*(?P<reasons>[^|]*)")
#: Rayyan's standard exclusion reasons that the default lists name differently.
_REASON_SYNONYMS = {"foreign language": "not in English", "wrong drug": "wrong intervention",
                    "no full text": "full text not available",
                    "background article": "wrong publication type", "wrong study type": "wrong study design"}
_PUBMED_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d+)")
_PMID_COLUMNS = ("pmid", "pubmed_id", "PMID")


@dataclass(frozen=True)
class ToolImport:
    """What an import read from another tool's file.

    Attributes
    ----------
    decisions : tuple of Decision
        One screening decision per matched, screened row (validated, not yet logged).
    rows : int
        Rows (or RIS entries) in the file.
    unmatched : tuple of int
        Row numbers (the header is row 1; RIS: entry numbers) that match no record.
    unscreened : int
        Matched rows the tool has no decision on (not screened, Maybe, another reviewer only).
    default_reasons : int
        Exclusions given ``default_reason`` because the file's reason could not be mapped (or had none).
    """

    decisions: tuple[Decision, ...]
    rows: int
    unmatched: tuple[int, ...]
    unscreened: int
    default_reasons: int

    def describe_unmatched(self, path: str | Path) -> str:
        """One line: how many rows matched no record, and which (the first ten)."""
        shown = ", ".join(map(str, self.unmatched[:10])) + (", ..." if len(self.unmatched) > 10 else "")
        return (f"{path}: {len(self.unmatched)} of {self.rows} rows match no record in the snapshot by PMID, DOI or "
                f"title (rows {shown}); they are not imported")


def _title_key(title: Any) -> str:
    """Title folded for matching: accents, case, punctuation and spacing aside."""
    text = unicodedata.normalize("NFKD", str(title or "")).casefold()
    return " ".join(re.sub(r"[^\w\s]|_", " ", "".join(c for c in text if not unicodedata.combining(c))).split())


def _doi_key(doi: Any) -> str:
    """DOI lower-cased, without a resolver prefix."""
    text = str(doi or "").strip().lower()
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", text)


class _Matcher:
    """Finds a snapshot record by PMID, DOI or normalised title."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.pmids = {a.pmid: a.key for a in snapshot.records if a.pmid}
        self.dois = {_doi_key(a.doi): a.key for a in snapshot.records if a.doi}
        titles: dict[str, list[str]] = {}
        for article in snapshot.records:
            titles.setdefault(_title_key(article.title), []).append(article.key)
        self.titles = {t: keys[0] for t, keys in titles.items() if t and len(keys) == 1}

    def find(self, pmid: Any, doi: Any, title: Any) -> str | None:
        """The record key, or None."""
        pmid = str(pmid or "").strip()
        if pmid.endswith(".0"):  # a PMID column read as numbers elsewhere
            pmid = pmid[:-2]
        return (self.pmids.get(pmid) or self.dois.get(_doi_key(doi)) or self.titles.get(_title_key(title))
                if pmid or doi or title else None)


def _cell(row: Mapping[str, Any], *names: str) -> str:
    """The first non-empty of the named cells, as stripped text."""
    for name in names:
        value = row.get(name)
        if value is not None and str(value).strip() and str(value).strip().lower() != "nan":
            return str(value).strip()
    return ""


def _read_csv(path: Path, required: Iterable[tuple[str, ...]], tool: str) -> pd.DataFrame:
    """The CSV as text cells; CorpusError naming the file when unreadable or without the columns ``tool`` needs."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise CorpusError("no such file", str(path)) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CorpusError(f"not a readable CSV ({str(exc).splitlines()[0]})", str(path)) from None
    columns = [str(c) for c in frame.columns]
    for options in required:
        if not any(o in columns for o in options):
            hint = difflib.get_close_matches(options[0], columns, n=1)
            raise CorpusError(f"row 1: unknown columns for the {tool} format ({', '.join(columns[:8])}"
                              f"{', ...' if len(columns) > 8 else ''}): it needs {' or '.join(options)}"
                              + (f" (is {hint[0]!r} meant?)" if hint else ""), str(path))
    return frame


def _asreview_rows(path: Path) -> list[tuple[int, dict[str, str], str | None, str]]:
    """``(row, cells, decision, reason)`` per row of an ASReview labelled CSV or RIS file."""
    if path.suffix.lower() in (".ris", ".txt"):
        try:
            entries = rispy.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise CorpusError("no such file", str(path)) from None
        except Exception as exc:  # rispy raises IOError/ValueError subclasses for malformed files
            raise CorpusError(f"not a readable RIS file ({exc})", str(path)) from None
        out = []
        for number, entry in enumerate(entries, start=1):
            labels = [str(x).strip().lower() for x in _as_list(entry.get("label"))]
            known = [x for x in labels if x in _RIS_LABELS]
            if not known:
                raise CorpusError(f"entry {number}: no ASReview label (LB  - ASReview_relevant, "
                                  "ASReview_irrelevant or ASReview_not_seen)", str(path))
            cells = {"pmid": _cell(entry, "accession_number", "pubmed_id"), "doi": _cell(entry, "doi"),
                     "title": _cell(entry, "title", "primary_title")}
            out.append((number, cells, _RIS_LABELS[known[0]], ""))
        return out
    frame = _read_csv(path, [_ASREVIEW_LABELS, ("title", "doi", *_PMID_COLUMNS)], "ASReview")
    label = next(c for c in _ASREVIEW_LABELS if c in frame.columns)
    out = []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        value = str(row[label]).strip()
        if value not in ("1", "0", "-1", "", "1.0", "0.0", "-1.0"):
            raise CorpusError(f"row {number}: {label} must be 1, 0, -1 or blank, not {value!r}", str(path))
        decision = {"1": "include", "0": "exclude"}.get(value.removesuffix(".0"))
        out.append((number, row, decision, _cell(row, "exclusion_reason")))
    return out


def _as_list(value: Any) -> list[Any]:
    """A RIS field as a list (rispy gives lists for repeatable tags)."""
    return value if isinstance(value, list) else [] if value is None else [value]


def _rayyan_note(note: str, number: int, path: Path) -> tuple[dict[str, str | None], str]:
    """``({Rayyan reviewer: decision or None}, exclusion reasons)`` of one Rayyan note."""
    found = _RAYYAN_INCLUSION.search(note)
    if found is None:
        if "RAYYAN-INCLUSION" in note:
            raise CorpusError(f"row {number}: cannot read the RAYYAN-INCLUSION note {note[:80]!r} "
                              '(expected {"Name"=>"Included", ...})', str(path))
        return {}, ""
    body = found.group("body")
    pairs = [_RAYYAN_PAIR.fullmatch(part) for part in body.split(",")] if body.strip() else []
    if any(p is None for p in pairs):
        raise CorpusError(f"row {number}: cannot read the RAYYAN-INCLUSION note {found.group(0)[:80]!r} "
                          '(expected {"Name"=>"Included", ...})', str(path))
    verdicts = {p.group("name").strip(): p.group("verdict").strip().lower() for p in pairs if p is not None}
    for verdict in verdicts.values():
        if verdict not in _RAYYAN_VERDICTS:
            raise CorpusError(f"row {number}: unknown Rayyan decision {verdict!r} (Included, Excluded or Maybe)",
                              str(path))
    reasons = _RAYYAN_REASONS.search(note)
    return ({k.casefold(): _RAYYAN_VERDICTS[v] for k, v in verdicts.items()},
            reasons.group("reasons").strip() if reasons else "")


def _rayyan_rows(path: Path, name: str | None, reviewer: str) -> list[tuple[int, dict[str, str], str | None, str]]:
    """``(row, cells, decision, reason)`` per row of a Rayyan CSV export: the decisions of Rayyan reviewer
    ``name``, else of the file's only reviewer, else of the one named like ``reviewer``."""
    frame = _read_csv(path, [("notes",), ("title", "doi", "url", *_PMID_COLUMNS)], "Rayyan")
    notes = [(number, row, *_rayyan_note(str(row.get("notes", "")), number, path))
             for number, row in enumerate(frame.to_dict("records"), start=2)]
    names = sorted({k for _, _, verdicts, _ in notes for k in verdicts})
    chosen = (name or reviewer).casefold() if name or len(names) != 1 else names[0]
    if names and chosen not in names:
        raise CorpusError(f"the notes hold decisions by {', '.join(names)}, none by {name or reviewer!r}: say whose "
                          "to import with --tool-reviewer NAME", str(path))
    out = []
    for number, row, verdicts, reasons in notes:
        pubmed = _PUBMED_URL.search(str(row.get("url", "")))
        row = {**row, "pmid": _cell(row, *_PMID_COLUMNS) or (pubmed.group(1) if pubmed else "")}
        out.append((number, row, verdicts.get(chosen), reasons))
    return out


def _map_reason(words: str, offered: tuple[str, ...]) -> str | None:
    """The protocol's reason the tool's words name (the first of a comma-separated list that maps), else None."""
    lower = {r.casefold(): r for r in offered}
    for word in (w.strip().casefold() for w in words.split(",")):
        word = _REASON_SYNONYMS.get(word, word).casefold()
        if word in lower:
            return lower[word]
    return None


def read_tool_decisions(
    path: str | Path, tool: str, reviewer: str, snapshot: Snapshot, log: DecisionLog, *, stage: str = "screen",
    default_reason: str | None = None, tool_reviewer: str | None = None, time: str | None = None,
) -> ToolImport:
    """Read another tool's labelled export as one reviewer's screening decisions.

    Parameters
    ----------
    path : str or Path
        ASReview labelled CSV or RIS (``.ris``), or Rayyan CSV.
    tool : str
        ``asreview`` or ``rayyan``.
    reviewer : str
        Whose decisions these become (see :func:`~litreview.corpus.decision_schema.check_reviewer`).
    snapshot : Snapshot
        The records to match rows against.
    log : DecisionLog
        The review's log: its reasons (the protocol's) validate the decisions,
        and a decision equal to the reviewer's latest on the record is left out
        (importing a file twice logs nothing the second time).
    stage : str
        ``screen`` (title/abstract, default) or ``fulltext``.
    default_reason : str, optional
        Reason for an exclusion whose reason the file lacks or the protocol
        does not offer; the stage's first reason to exclude by default.
    tool_reviewer : str, optional
        Rayyan: whose decisions in the notes to take (default: the note's only
        reviewer, else the one named like ``reviewer``).
    time : str, optional
        When the decisions are dated (ISO 8601); now by default.

    Returns
    -------
    ToolImport

    Raises
    ------
    CorpusError
        Unknown tool or stage, invalid reviewer, unreadable file, columns the
        tool does not write, a label or Rayyan note that cannot be read: one
        line naming the file and row.
    """
    path = Path(path)
    if tool not in TOOL_FORMATS:
        raise CorpusError(f"unknown format {tool!r} (one of: {', '.join(TOOL_FORMATS)})")
    if stage not in RECORD_STAGES:
        raise CorpusError(f"decisions are imported at a screening stage ({', '.join(RECORD_STAGES)}), not {stage!r}")
    check_reviewer(reviewer)
    offered = log.reasons[stage]["exclude"]
    fallback = default_reason if default_reason is not None else offered[0]
    if fallback not in offered:
        raise CorpusError(f"unknown reason to exclude {fallback!r} (one of: {', '.join(offered)})")
    rows = _asreview_rows(path) if tool == "asreview" else _rayyan_rows(path, tool_reviewer, reviewer)
    when = time or datetime.now(UTC).replace(microsecond=0).isoformat()
    matcher = _Matcher(snapshot)
    latest = log.latest()
    decisions: list[Decision] = []
    unmatched: list[int] = []
    unscreened = defaulted = 0
    for number, cells, decision, words in rows:
        key = matcher.find(_cell(cells, *_PMID_COLUMNS), _cell(cells, "doi"), _cell(cells, "title"))
        if key is None:
            unmatched.append(number)
            continue
        if decision is None:
            unscreened += 1
            continue
        reason = None
        note = None
        if decision == "exclude":
            reason = _map_reason(words, offered)
            if reason is None:
                defaulted += 1
                reason = fallback
                note = f"{tool}: {words}" if words else None
        made = make_decision(key, stage, reviewer, time=when, reasons=log.reasons, decision=decision,
                             reason=reason, note=note)
        previous = latest.get((key, None, stage, reviewer))
        if previous is not None and (previous.decision, previous.reason) == (made.decision, made.reason):
            continue
        decisions.append(made)
    return ToolImport(tuple(decisions), len(rows), tuple(unmatched), unscreened, defaulted)


def asreview_frame(log: DecisionLog, snapshot: Snapshot, *, stage: str = "screen",
                   reviewer: str | None = None) -> pd.DataFrame:
    """The decisions as ASReview's labelled CSV, one row per snapshot record.

    Parameters
    ----------
    log : DecisionLog
        The review's decisions.
    snapshot : Snapshot
        The records (title, abstract, authors, year, DOI, PMID).
    stage : str
        ``screen`` (default) or ``fulltext``.
    reviewer : str, optional
        Export this reviewer's latest decisions; by default the decided
        outcomes (reviewers agreeing, or a resolution; a record in conflict is
        left unlabelled).

    Returns
    -------
    pandas.DataFrame
        ``record_id`` (the record key), ``title``, ``abstract``, ``authors``,
        ``year``, ``doi``, ``pmid``, ``included`` (1, 0 or blank: not decided)
        and ``exclusion_reason``.
    """
    if stage not in RECORD_STAGES:
        raise CorpusError(f"decisions are exported at a screening stage ({', '.join(RECORD_STAGES)}), not {stage!r}")
    if reviewer is not None:
        check_reviewer(reviewer)
        chosen = {k: (d.decision, d.reason) for (k, _, s, r), d in log.latest().items() if s == stage and r == reviewer}
    else:
        chosen = {k: (o.values.get("decision"), o.reason) for (k, _, _), o in log.outcomes(stage).items()
                  if o.status == "decided"}
    rows = []
    for article in snapshot.records:
        decision, reason = chosen.get(article.key, (None, None))
        rows.append({"record_id": article.key, "title": article.title, "abstract": article.abstract or "",
                     "authors": "; ".join(a.display_name for a in article.authors), "year": article.year,
                     "doi": article.doi or "", "pmid": article.pmid or "",
                     "included": {"include": 1, "exclude": 0}.get(decision or ""),
                     "exclusion_reason": reason if decision == "exclude" else ""})
    frame = pd.DataFrame(rows, columns=["record_id", "title", "abstract", "authors", "year", "doi", "pmid",
                                        "included", "exclusion_reason"])
    frame["included"] = frame["included"].astype("Int64")
    frame["year"] = frame["year"].astype("Int64")
    return frame
