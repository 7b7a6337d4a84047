"""Start a review folder and add to its registers without editing TOML by hand.

:func:`create_review` writes a new folder in one step (``litreview new``);
:func:`add_mechanism` and :func:`add_claims` append validated entries to
``mechanisms.toml`` and ``claims.toml``: the new file is loaded as a whole
before it replaces the old one, so a bad entry never reaches the disk.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._io import atomic_write_text, read_text, toml_value
from ..errors import CorpusError
from .claims import Claim, Mechanism, load_claims, load_mechanisms
from .review_config import CONFIG_NAME, ReviewConfig, render_review_config
from .snapshot import Snapshot, write_snapshot

__all__ = ["create_review", "add_mechanism", "add_claims", "toml_table"]

_MECHANISMS_HEAD = """\
# Mechanisms (or topics) the claims are grouped by, and the words that find them in PubMed.
# Add one with `litreview mechanisms add KEY --label ... --term ...`, or by hand:
#   key, label, synonyms (searched as [tiab]; required), mesh (searched as [mh]), description.
# Each mechanism's query is (the intervention's terms) AND (any of its synonyms or MeSH headings).
"""
_CLAIMS_HEAD = """\
# Claims this review checks. Add them with `litreview claims suggest ARTICLE` then
# `litreview claims add`, or with `litreview claims add --id ... --statement ...`, or by hand
# (the fields are described in the shipped review's corpus/claims.toml).
"""
_README = """\
# {title}

A [litreview](https://github.com/) review folder: the claims it checks, the articles that make
them, and the PubMed records they are checked against. Every command below takes
`--review {name}` (or set `LITREVIEW_REVIEW={name}`).

Next steps:

1. Add the article whose claims you want checked (text or HTML):
   `litreview articles add ARTICLE.html --title "..." --url https://... --review {name}`
2. Let litreview propose its claims, read the proposals, keep the good ones:
   `litreview claims suggest ARTICLE_ID --review {name} --out suggestions.toml`
   `litreview claims add --from suggestions.toml S1 S3 --review {name}`
3. Draft one PubMed query per mechanism: `litreview queries draft --review {name}`
4. Get the records: `litreview fetch --review {name}` (online, needs NCBI_EMAIL), or from a
   local mirror with `--from-mirror DIR`.
5. Screen and judge (`litreview screen next`, `litreview decide`), then build the review table:
   `litreview run --review {name} --out {name}/output`

Settings (title, intervention terms, population) are in `litreview.toml`; every file here
can also be edited by hand, and `litreview check --review {name}` validates them.
"""


def create_review(directory: str | Path, config: ReviewConfig) -> Path:
    """Create a review folder: settings, empty registers, ``articles/``, an empty snapshot and log, a README.

    Parameters
    ----------
    directory : str or Path
        The new folder; it must not exist, or be empty.
    config : ReviewConfig
        Written as ``litreview.toml``.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    CorpusError
        The path is a file or a folder with files in it. Nothing is written then:
        the folder is assembled beside its target and renamed into place.
    """
    root = Path(directory)
    if root.is_file():
        raise CorpusError("is a file; give a new folder for the review", str(root))
    if root.is_dir() and any(root.iterdir()):
        raise CorpusError("already exists and is not empty; give a new folder for the review", str(root))
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        (staging / CONFIG_NAME).write_text(render_review_config(config), encoding="utf-8")
        (staging / "mechanisms.toml").write_text(_MECHANISMS_HEAD, encoding="utf-8")
        (staging / "claims.toml").write_text(_CLAIMS_HEAD, encoding="utf-8")
        (staging / "decisions.jsonl").write_text("", encoding="utf-8")
        (staging / "articles").mkdir()
        (staging / "README.md").write_text(_README.format(title=config.title, name=root.name), encoding="utf-8")
        write_snapshot(Snapshot(records=(), searches={}, provenance={}), staging / "snapshot")
        os.chmod(staging, 0o777 & ~_umask())
        os.replace(staging, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return root


def _umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def toml_table(header: str, fields: Mapping[str, Any]) -> str:
    """One ``[[header]]`` table with the given (non-empty) fields, as TOML text."""
    lines = [f"[[{header}]]"]
    lines += [f"{name} = {toml_value(value)}" for name, value in fields.items() if value not in ("", [], (), None)]
    return "\n".join(lines) + "\n"


def _append(path: Path, tables: Sequence[str]) -> str:
    """The file's text with the tables appended (a blank line before each)."""
    text = read_text(path) if path.exists() else ""
    return text.rstrip("\n") + "\n\n" + "\n".join(tables) if text.strip() else "\n".join(tables)


def add_mechanism(path: str | Path, key: str, label: str, synonyms: Sequence[str], mesh: Sequence[str] = (),
                  description: str = "") -> Mechanism:
    """Append one mechanism to ``mechanisms.toml``, validated with the rest of the file.

    Raises
    ------
    CorpusError
        No search terms, a key already used, or any field :func:`load_mechanisms` rejects.
    """
    path = Path(path)
    if not [s for s in synonyms if s.strip()]:
        raise CorpusError(f"mechanism {key!r}: needs at least one search term (--term)", str(path))
    table = toml_table("mechanism", {"key": key, "label": label, "synonyms": list(synonyms), "mesh": list(mesh),
                                     "description": description})
    text = _append(path, [table])
    mechanisms = _validated(path, text, lambda tmp: load_mechanisms(tmp))
    atomic_write_text(path, text)
    return mechanisms[key]


def set_mechanism_terms(path: str | Path, terms: Mapping[str, Mechanism]) -> dict[str, Mechanism]:
    """Replace the search terms and MeSH headings of mechanisms in ``mechanisms.toml``, comments kept.

    Parameters
    ----------
    path : str or Path
        ``mechanisms.toml``.
    terms : mapping of str to Mechanism
        Mechanism key -> the mechanism whose ``synonyms`` and ``mesh`` replace
        the file's (e.g. the drafts of ``litreview queries draft``).

    Returns
    -------
    dict of str to Mechanism
        Every mechanism of the file as written.

    Raises
    ------
    CorpusError
        A key the file does not hold, an array written over several lines, or
        any field :func:`load_mechanisms` rejects: nothing is written.
    """
    path = Path(path)
    blocks = re.split(r"(?m)^(?=\[\[mechanism\]\])", read_text(path))
    done: set[str] = set()
    for i, block in enumerate(blocks):
        key = re.search(r'(?m)^key\s*=\s*"([^"]*)"', block)
        if key is None or key.group(1) not in terms:
            continue
        mechanism = terms[key.group(1)]
        for field, values in (("synonyms", mechanism.synonyms), ("mesh", mechanism.mesh)):
            line = f"{field} = {toml_value(list(values))}"
            found = re.search(rf"(?m)^{field}\s*=.*$", block)
            one_line = re.fullmatch(rf"{field}\s*=\s*\[.*\]\s*(#.*)?", found.group(0)) if found else None
            if found is None:
                block = re.sub(r"(?m)^(synonyms\s*=.*)$", lambda m, extra=line: f"{m.group(1)}\n{extra}", block, 1)
            elif one_line is None:
                raise CorpusError(f"mechanism {key.group(1)!r}: {field} spans several lines; write it on one line "
                                  "to replace it", str(path))
            else:  # a comment after the array stays
                comment = f"  {one_line.group(1)}" if one_line.group(1) else ""
                block = block[:found.start()] + line + comment + block[found.end():]
        blocks[i] = block
        done.add(key.group(1))
    missing = sorted(set(terms) - done)
    if missing:
        raise CorpusError(f"no mechanism {', '.join(missing)} in the file", str(path))
    text = "".join(blocks)
    mechanisms = _validated(path, text, lambda tmp: load_mechanisms(tmp))
    atomic_write_text(path, text)
    return mechanisms


def add_claims(path: str | Path, mechanisms: Mapping[str, Mechanism], entries: Sequence[Mapping[str, Any]],
               articles_dir: str | Path | None = None) -> list[Claim]:
    """Append claims to ``claims.toml``, validated with the rest of the file (and quotes against their articles).

    Parameters
    ----------
    path : str or Path
        ``claims.toml``.
    mechanisms : mapping of str to Mechanism
    entries : sequence of mapping
        One ``[[claim]]`` table each (id, mechanism, kind, statement, subject,
        effect, outcome, sources, ...).
    articles_dir : str or Path, optional
        The review's ``articles/``: each new claim's quotes must occur in the
        article they cite.

    Returns
    -------
    list of Claim
        The claims added.

    Raises
    ------
    CorpusError
        An id already used, an unknown mechanism, kind or effect, a quote not in
        its article: nothing is written.
    """
    path = Path(path)
    text = _append(path, [toml_table("claim", entry) for entry in entries])
    claims = _validated(path, text, lambda tmp: load_claims(tmp, mechanisms))
    added = {str(e.get("id")) for e in entries}
    new = [c for c in claims if c.id in added]
    if articles_dir is not None:
        from .claims import check_quotes

        check_quotes(new, Path(articles_dir), path)
    atomic_write_text(path, text)
    return new


def _validated(path: Path, text: str, load: Any) -> Any:
    """Load ``text`` as if it were ``path`` (errors name ``path``); return what the loader returns."""
    folder = Path(tempfile.mkdtemp(prefix=".litreview-check."))
    try:
        tmp = folder / path.name
        tmp.write_text(text, encoding="utf-8")
        try:
            return load(tmp)
        except CorpusError as exc:
            raise CorpusError(str(exc).replace(str(tmp), str(path))) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
