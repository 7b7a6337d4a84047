"""The articles a review checks: registered with a title, a source and a date, cited by a short id.

``litreview articles add FILE --title ... --url ...`` stores the article's text
as ``articles/<id>.txt`` and its details in ``articles/articles.toml``; a claim
cites it as ``article = "<id>"``. Plain text is kept as it is (UTF-8); HTML is
reduced to its text with lxml, scripts, styles and other non-content elements
dropped. Claims may still cite the seed files by name (``000_9e4c...txt``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .._io import atomic_write_files, read_toml, toml_value
from .._validate import identifier, iso_date
from ..errors import CorpusError

__all__ = ["MAX_ARTICLE_BYTES", "REGISTRY_NAME", "SourceArticle", "article_text_from_bytes", "load_articles",
           "add_article", "article_label"]

#: Largest article file accepted (a long review article is well under 1 MB of text).
MAX_ARTICLE_BYTES = 2_000_000
#: The registry file inside ``articles/``.
REGISTRY_NAME = "articles.toml"
_FIELDS = ("id", "title", "url", "date", "file")
_DROPPED = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head", "nav", "footer", "form")
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote",
           "header", "main", "aside", "figure", "figcaption", "dd", "dt", "pre", "table", "ul", "ol")


@dataclass(frozen=True)
class SourceArticle:
    """An article registered in a review.

    Attributes
    ----------
    id : str
        Short id that claims cite (``article = "<id>"``).
    title : str
    url : str
        Where it was published ("" when unknown).
    date : str
        Publication or retrieval date ``YYYY-MM-DD`` ("" when unknown).
    file : str
        Its text file, relative to ``articles/``.
    """

    id: str
    title: str
    url: str
    date: str
    file: str


def _looks_like_html(name: str, text: str) -> bool:
    """True for an .html/.htm file or text that opens with an HTML tag."""
    return name.lower().endswith((".html", ".htm")) or bool(re.match(r"\s*<(?:!doctype\s+html|html|body|head)\b",
                                                                     text, re.IGNORECASE))


def _html_text(text: str, name: str) -> str:
    """The readable text of an HTML page: blocks on their own lines, scripts and styles dropped."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise CorpusError(f"cannot be read as HTML ({exc})", name) from None
    for element in list(root.iter(*_DROPPED)):  # listed first: dropping while iterating skips elements
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def article_text_from_bytes(data: bytes, name: str) -> str:
    """The text of an article file: checked (size, binary, UTF-8) and, for HTML, reduced to its text.

    Parameters
    ----------
    data : bytes
        The file's contents.
    name : str
        Its name (for messages, and ``.html``/``.htm`` marks HTML).

    Returns
    -------
    str
        UTF-8 text ending with one newline.

    Raises
    ------
    CorpusError
        Larger than :data:`MAX_ARTICLE_BYTES`, binary (NUL bytes), not UTF-8,
        or no text at all.
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise CorpusError(f"{len(data) / 1e6:.1f} MB is too large for an article (at most "
                          f"{MAX_ARTICLE_BYTES / 1e6:.0f} MB): give its text or HTML page", name)
    if b"\x00" in data[:65536]:
        raise CorpusError("is a binary file, not text or HTML (convert a PDF to text first)", name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
                          name) from None
    if text.strip() and _looks_like_html(name, text):
        text = _html_text(text, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise CorpusError("has no text", name)
    return text + "\n"


def _slug(title: str) -> str:
    """A short id from a title: its first four words, lower case, joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:4])[:40].strip("-") or "article"


def load_articles(articles_dir: str | Path) -> dict[str, SourceArticle]:
    """The review's registered articles (``articles/articles.toml``), by id; empty when there is none.

    Raises
    ------
    CorpusError
        Invalid registry: unknown or missing field, duplicate id, bad date.
    """
    path = Path(articles_dir) / REGISTRY_NAME
    if not path.is_file():
        return {}
    entries = read_toml(path).get("article", [])
    if not isinstance(entries, list):
        raise CorpusError("'article' must be [[article]] tables", str(path))
    articles: dict[str, SourceArticle] = {}
    for number, entry in enumerate(entries, start=1):
        what = f"article #{number}"
        if not isinstance(entry, Mapping) or set(entry) - set(_FIELDS) or not {"id", "title", "file"} <= set(entry):
            raise CorpusError(f"{what}: expected a table with {', '.join(_FIELDS)} (url and date optional)", str(path))
        aid = identifier(entry["id"], f"{what}: id", str(path))
        if aid in articles:
            raise CorpusError(f"{what}: duplicate article id {aid!r}", str(path))
        date = iso_date(entry["date"], f"{what}: date", str(path)) if entry.get("date") else ""
        articles[aid] = SourceArticle(aid, str(entry["title"]), str(entry.get("url", "")), date, str(entry["file"]))
    return articles


def _render(articles: Mapping[str, SourceArticle]) -> str:
    """The text of ``articles.toml``."""
    out = ["# Articles of this review, added with `litreview articles add`; claims cite them by id.", ""]
    for a in articles.values():
        out += ["[[article]]", f"id = {toml_value(a.id)}", f"title = {toml_value(a.title)}",
                f"url = {toml_value(a.url)}", f"date = {toml_value(a.date)}", f"file = {toml_value(a.file)}", ""]
    return "\n".join(out)


def add_article(articles_dir: str | Path, file: str | Path, title: str, url: str = "", date: str = "",
                article_id: str | None = None) -> SourceArticle:
    """Register an article: its text goes to ``articles/<id>.txt``, its details to ``articles.toml``.

    Parameters
    ----------
    articles_dir : str or Path
        The review's ``articles/`` folder (created if missing).
    file : str or Path
        Plain text or HTML (see :func:`article_text_from_bytes`).
    title, url, date : str
        Its title (required), address and date ``YYYY-MM-DD``.
    article_id : str, optional
        Short id; by default made from the title's first words.

    Returns
    -------
    SourceArticle

    Raises
    ------
    CorpusError
        Unreadable, empty, binary, too large or non-UTF-8 file; empty title;
        an id already registered. Nothing is written then.
    """
    articles_dir, file = Path(articles_dir), Path(file)
    if not title.strip():
        raise CorpusError("an article needs a title (--title)", str(file))
    if file.is_dir():
        raise CorpusError("is a directory, not an article file", str(file))
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot be read ({exc.strerror or exc})", str(file)) from None
    text = article_text_from_bytes(data, str(file))
    date = iso_date(date, "--date") if date else ""
    articles = load_articles(articles_dir)
    if article_id is not None:
        aid = identifier(article_id, "--id")
        if aid in articles:
            raise CorpusError(f"article id {aid!r} is already registered ({articles[aid].title!r})",
                              str(articles_dir / REGISTRY_NAME))
    else:
        base = aid = _slug(title)
        number = 2
        while aid in articles:
            aid, number = f"{base}-{number}", number + 1
    article = SourceArticle(aid, " ".join(title.split()), url.strip(), date, f"{aid}.txt")
    atomic_write_files({articles_dir / article.file: text.encode("utf-8"),
                        articles_dir / REGISTRY_NAME: _render({**articles, aid: article}).encode("utf-8")})
    return article


def article_label(article: str, articles: Mapping[str, SourceArticle]) -> str:
    """How a report names a cited article: its title and id when registered, else the file name."""
    found = articles.get(article)
    return f"{found.title} [{found.id}]" if found else article
