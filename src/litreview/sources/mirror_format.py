"""The local PubMed mirror's directory format, shared by :mod:`.mirror_build` (writes it) and :mod:`.mirror` (reads it).

Layout of the mirror directory
    ``files/<stem>.parquet``
        One Parquet file per input file (``pubmed25n0001.parquet``), written
        atomically. Columns: every :class:`~litreview.records.Article` field, with
        nested parts as Arrow structs and lists derived from the record schema
        (:func:`arrow_schema`), plus ``_seq`` (``YY * 10000 + NNNN``, the order of
        the input file) and ``_row`` (position of the record in it).
    ``manifest.json``
        Per input file: ``md5``, ``records``, ``deleted`` (PMIDs of its
        ``DeleteCitation``), ``parquet`` and ``seq``; the Arrow schema's
        fingerprint; and which inputs the current-version index was built for.
        Rewritten atomically after each converted file, so an interrupted build
        resumes where it stopped.
    ``superseded.parquet``
        ``(_seq, _row)`` of every record that is not the current version of its
        PMID: an older version (a later file holds the PMID again; within one
        file the later row wins) or a deleted one (a ``DeleteCitation`` in the
        same or a later file). Searches read the Parquet files minus these rows,
        so they see exactly one, current, version of every PMID.

Here: the check for the ``mirror`` extra, the Arrow schema, the manifest, the
SQL helpers both sides use and the translation of DuckDB's read errors.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import types
import typing
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import atomic_write_text
from ..corpus.records import Article
from ..errors import ConfigError, MirrorError

if TYPE_CHECKING:
    import pyarrow as pa


__all__ = ["arrow_schema"]

#: Message when the optional dependencies are missing.
MISSING_EXTRA = "install the mirror extra: pip install -e '.[mirror]'"
_MANIFEST = "manifest.json"
_SUPERSEDED = "superseded.parquet"
_FORMAT = 1


def _require() -> None:
    """Import the mirror extra's packages or raise a one-line ConfigError."""
    try:
        import dask.distributed  # noqa: F401
        import duckdb  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ConfigError(MISSING_EXTRA) from None


# -- schema -------------------------------------------------------------------------


def _arrow_type(hint: Any) -> pa.DataType:
    """Arrow type of one record-schema type hint (Optional unwrapped, tuples as lists)."""
    import pyarrow as pa

    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _arrow_type(inner)
    if origin is tuple:
        return pa.list_(_arrow_type(typing.get_args(hint)[0]))
    if is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return pa.struct([pa.field(f.name, _arrow_type(hints[f.name])) for f in fields(hint)])
    scalar = {str: pa.string(), int: pa.int64(), bool: pa.bool_()}
    if hint not in scalar:
        raise TypeError(f"no Arrow type for {hint!r}")
    return scalar[hint]


def arrow_schema() -> pa.Schema:
    """The Arrow schema of the mirror's Parquet files, derived from :class:`~litreview.records.Article`.

    Returns
    -------
    pyarrow.Schema
        One column per ``Article`` field in field order (tuples of dataclasses as
        lists of structs, nested dataclasses as structs, every column nullable),
        then ``_seq`` (int32, input-file order) and ``_row`` (int32, record position).

    Raises
    ------
    ConfigError
        The mirror extra is not installed.
    """
    _require()
    import pyarrow as pa

    hints = typing.get_type_hints(Article)
    columns = [pa.field(f.name, _arrow_type(hints[f.name])) for f in fields(Article)]
    return pa.schema([*columns, pa.field("_seq", pa.int32()), pa.field("_row", pa.int32())])


def _schema_fingerprint() -> str:
    """Short hash of the Arrow schema; a change re-converts every file."""
    return hashlib.sha1(str(arrow_schema()).encode()).hexdigest()[:16]


def _pmid_key(pmid: str) -> tuple[int, str]:
    """Numeric sort key of a PMID string (ASCII digits only: ``"²".isdigit()`` is true but ``int`` refuses it)."""
    return (int(pmid) if pmid.isascii() and pmid.isdigit() else sys.maxsize, pmid)


@contextmanager
def _readable(mirror_dir: Path) -> Iterator[None]:
    """Turn DuckDB's error on a damaged Parquet file into a one-line MirrorError that says what to do."""
    import duckdb

    try:
        yield
    except duckdb.Error as exc:
        reason = " ".join(str(exc).split())[:300]
        raise MirrorError(f"{mirror_dir}: cannot read the mirror's Parquet files ({reason}); run `litreview mirror "
                          "build` again: it verifies every file and converts damaged ones again") from None


#: A manifest's ``parquet`` entry: one file directly in the mirror's ``files/`` folder (no ``..``, no absolute path).
_PARQUET_ENTRY = re.compile(r"files/[^/\\\x00]+\.parquet")


def _load_manifest(mirror_dir: Path) -> dict[str, Any]:
    """The manifest of ``mirror_dir``, or an empty one for a new mirror."""
    path = mirror_dir / _MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": _FORMAT, "schema": None, "files": {}, "resolved": None}
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MirrorError(f"{path}: invalid manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT or not isinstance(manifest.get("files"),
                                                                                             dict):
        raise MirrorError(f"{path}: not a litreview mirror manifest (format {_FORMAT})")
    for name, entry in manifest["files"].items():
        parquet = entry.get("parquet") if isinstance(entry, dict) else None
        if not isinstance(parquet, str) or _PARQUET_ENTRY.fullmatch(parquet) is None:
            # A copied or edited manifest must not make `mirror build` delete or read files elsewhere.
            raise MirrorError(f"{path}: entry {name!r}: parquet must be files/NAME.parquet inside the mirror, "
                              f"not {parquet!r}; rebuild the mirror in a new directory")
    return manifest


def _save_manifest(mirror_dir: Path, manifest: Mapping[str, Any]) -> None:
    """Write the manifest atomically."""
    atomic_write_text(mirror_dir / _MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _fingerprint(files: Mapping[str, Mapping[str, Any]]) -> str:
    """Hash of the converted inputs (name and MD5) that the current-version index describes."""
    pairs = sorted((name, entry["md5"]) for name, entry in files.items())
    return hashlib.sha1(json.dumps(pairs).encode()).hexdigest()[:16]


def _sql_str(path: Path) -> str:
    """A path as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _parquet_list(mirror_dir: Path, files: Mapping[str, Mapping[str, Any]]) -> str:
    """SQL list literal of the Parquet files, in input order."""
    entries = sorted(files.values(), key=lambda e: e["seq"])
    return "[" + ", ".join(_sql_str(mirror_dir / e["parquet"]) for e in entries) + "]"
