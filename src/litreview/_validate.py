"""Checks on values read from corpus files: types, enumerations, identifiers, dates and Unicode.

Every loader of a hand-edited or generated corpus file (``mechanisms.toml``,
``claims.toml``, register rows, the snapshot's JSON files) runs its values
through these helpers, so a wrong value is a one-line
:class:`~litreview.errors.CorpusError` naming the file, the entry and the field
instead of a traceback or a silently wrong review.

* Text is Unicode-normalised to NFC, so the same word typed on two systems
  compares equal.
* Identifiers (mechanism keys, claim ids, record keys) must also be free of
  whitespace and of invisible characters -- control, format (zero-width space,
  joiners, BOM, bidi marks), private-use, unassigned and separator characters
  -- because ``"nmda\\u200b"`` or ``"nmda "`` look like ``"nmda"`` but are not.
* :func:`build` turns plain JSON data into a (nested) dataclass, checking every
  value against the field's type hint.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
import unicodedata
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from .errors import CorpusError

__all__ = ["text", "identifier", "one_of", "count", "iso_date", "describe", "did_you_mean", "build"]

#: Unicode categories never wanted in an identifier: controls, format characters (zero-width
#: space/joiners, BOM, bidi marks), surrogates, private use, unassigned, and every separator.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
#: Letters and marks that render as nothing (Hangul fillers, braille blank, variation selectors).
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800") | frozenset(map(chr, range(0xFE00, 0xFE10)))
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", tuple: "a list"}


def describe(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message: ``'2000' (str)``."""
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{shown} ({type(value).__name__})"


def did_you_mean(value: Any, choices: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or ``""``."""
    hint = difflib.get_close_matches(value, list(choices), n=1) if isinstance(value, str) else []
    return f" (did you mean {hint[0]!r}?)" if hint else ""


def _fail(where: str, problem: str, path: str | None) -> CorpusError:
    """The CorpusError for ``where: problem`` in ``path``."""
    return CorpusError(f"{where}: {problem}", path)


def text(value: Any, where: str, path: str | None = None) -> str:
    """A string, NFC-normalised.

    Parameters
    ----------
    value : Any
        The value read from the file.
    where : str
        Entry and field, e.g. ``"claim #3 ('x'): field 'statement'"``.
    path : str, optional
        File, prefixed to the message.

    Returns
    -------
    str

    Raises
    ------
    CorpusError
        ``value`` is not a string.
    """
    if not isinstance(value, str):
        raise _fail(where, f"must be a string, not {describe(value)}", path)
    return unicodedata.normalize("NFC", value)


def _invisible(char: str) -> bool:
    """Whether ``char`` renders as nothing (or as a space) but changes the string."""
    return char in _BLANK or unicodedata.category(char) in _INVISIBLE_CATEGORIES or 0xE0000 <= ord(char) <= 0xE0FFF


def identifier(value: Any, where: str, path: str | None = None) -> str:
    """A non-empty id (key, claim id, record key): NFC, no whitespace, no invisible characters.

    Parameters
    ----------
    value : Any
    where : str
        Entry and field.
    path : str, optional
        File, prefixed to the message.

    Returns
    -------
    str

    Raises
    ------
    CorpusError
        Not a string, empty, with leading/trailing/inner whitespace, or with an
        invisible character (named by code point).
    """
    value = text(value, where, path)
    if not value:
        raise _fail(where, "must not be empty", path)
    if value != value.strip():
        raise _fail(where, f"{value!r} has leading or trailing whitespace", path)
    for char in value:
        if char.isspace():
            raise _fail(where, f"{value!r} contains whitespace", path)
        if _invisible(char):
            name = unicodedata.name(char, "unnamed")
            raise _fail(where, f"{value!r} contains the invisible character U+{ord(char):04X} ({name})", path)
    return value


def one_of(value: Any, choices: Collection[str], where: str, path: str | None = None) -> str:
    """A value from a fixed vocabulary (with a "did you mean" hint).

    Parameters
    ----------
    value : Any
    choices : collection of str
    where : str
        Entry and field.
    path : str, optional
        File, prefixed to the message.

    Returns
    -------
    str

    Raises
    ------
    CorpusError
        ``value`` is not one of ``choices``.
    """
    if isinstance(value, str) and value in choices:
        return value
    raise _fail(where, f"must be one of {', '.join(choices)}, not {describe(value)}{did_you_mean(value, choices)}",
                path)


def count(value: Any, where: str, path: str | None = None) -> int:
    """A non-negative integer (``true``/``false`` are not numbers).

    Parameters
    ----------
    value : Any
    where : str
        Entry and field.
    path : str, optional
        File, prefixed to the message.

    Returns
    -------
    int

    Raises
    ------
    CorpusError
        Not an integer, a boolean, or negative.
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _fail(where, f"must be a whole number >= 0, not {describe(value)}", path)
    return value


def iso_date(value: Any, where: str, path: str | None = None) -> str:
    """A calendar date written ``YYYY-MM-DD``.

    Parameters
    ----------
    value : Any
    where : str
        Entry and field (or the option, e.g. ``"--date"``).
    path : str, optional
        File, prefixed to the message.

    Returns
    -------
    str

    Raises
    ------
    CorpusError
        Not a string of that form, or not a real date (``2026-02-30``).
    """
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise _fail(where, f"must be a date YYYY-MM-DD, not {describe(value)}", path)


# -- typed dataclasses from JSON ------------------------------------------------------

_HINTS: dict[type, dict[str, Any]] = {}
_REQUIRED: dict[type, tuple[str, ...]] = {}


def build(cls: type, data: Any, field: str = "") -> Any:
    """Build dataclass ``cls`` from plain JSON data, checking every value against its type hint.

    Nested dataclasses come from objects, tuples from lists; ``str``, ``int``
    and ``bool`` must be exactly that (``"2000"`` is not an ``int``, ``1`` is not
    a ``bool``); ``None`` only where the hint allows it.

    Parameters
    ----------
    cls : type
        A dataclass whose fields carry type hints.
    data : Any
        A mapping of field name to plain value.
    field : str
        Name of the field holding ``data`` (for messages about nested values).

    Returns
    -------
    cls instance

    Raises
    ------
    TypeError
        Naming the field: an unknown or missing field, or a value of the wrong type.
    """
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
        _REQUIRED[cls] = tuple(f.name for f in dataclasses.fields(cls)
                               if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
    if not isinstance(data, Mapping):
        raise TypeError(f"{_label(field) or cls.__name__} must be an object, not {describe(data)}")
    kwargs = {}
    for name, value in data.items():
        if name not in hints:
            raise TypeError(f"unknown {_label(_join(field, name))}")
        kwargs[name] = _convert(hints[name], value, _join(field, name))
    missing = [name for name in _REQUIRED[cls] if name not in kwargs]
    if missing:
        raise TypeError(f"missing {_label(_join(field, missing[0]))}")
    return cls(**kwargs)


def _join(prefix: str, name: str) -> str:
    """``authors[0]`` + ``last_name`` -> ``authors[0].last_name``."""
    return f"{prefix}.{name}" if prefix else name


def _label(field: str) -> str:
    """``'year'`` quoted for a message (empty stays empty)."""
    return f"field {field!r}" if field else ""


def _convert(hint: Any, value: Any, field: str) -> Any:
    """One plain value checked and converted according to its type hint."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        return _convert(options[0], value, field) if len(options) == 1 else value
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"{_label(field)} must be a list, not {describe(value)}")
        inner = typing.get_args(hint)[0]
        return tuple(_convert(inner, item, f"{field}[{i}]") for i, item in enumerate(value))
    if dataclasses.is_dataclass(hint):
        return build(hint, value, field)
    expected = hint if isinstance(hint, type) else None
    if expected in _TYPE_NAMES:
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise TypeError(f"{_label(field)} must be {_TYPE_NAMES[expected]}, not {describe(value)}")
    return value
