"""The author's commands: start a review and fill it without editing TOML.

``litreview new``, ``litreview articles add|list``, ``litreview mechanisms add``,
``litreview claims suggest|add`` and ``litreview queries draft``; registered by
:mod:`litreview.cli.main` with :func:`add_commands`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import Settings

if TYPE_CHECKING:
    from ..corpus.layout import CorpusPaths

__all__ = ["add_commands"]

_REVIEW_HELP = "review folder (default: $LITREVIEW_REVIEW, else ./corpus or the nearest parent's)"


def _review_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--review DIR`` (alias ``--corpus``)."""
    parser.add_argument("--review", "--corpus", dest="corpus", type=Path, default=None, metavar="DIR",
                        help=_REVIEW_HELP)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``new``, ``articles``, ``mechanisms``, ``claims`` and ``queries``."""
    n = sub.add_parser("new", help="start a review folder: settings, empty registers, articles/, snapshot, README")
    n.add_argument("directory", type=Path, metavar="DIR", help="the new review folder")
    n.add_argument("--title", default=None, help="the review's title (default: the folder's name)")
    n.add_argument("--intervention", nargs="+", default=None, metavar="TERM",
                   help="what the claims are about: its name first, then synonyms searched with it "
                        "(e.g. --intervention triptans sumatriptan 'triptan*')")
    n.add_argument("--mesh", action="append", default=[], metavar="HEADING", help="MeSH heading of the intervention")
    n.add_argument("--population", default="", help="the population of interest, in words")
    n.set_defaults(func=_cmd_new)

    actions = type(sub)
    a = sub.add_parser("articles", help="the articles whose claims the review checks")
    acts = a.add_subparsers(dest="action", required=True, metavar="ACTION", action=actions)
    add = acts.add_parser("add", help="register an article (plain text or HTML) under a short id")
    add.add_argument("file", type=Path, metavar="FILE")
    add.add_argument("--title", required=True)
    add.add_argument("--url", default="", help="where it was published")
    add.add_argument("--date", default="", help="publication date YYYY-MM-DD")
    add.add_argument("--id", dest="article_id", default=None, help="short id (default: from the title)")
    _review_option(add)
    add.set_defaults(func=_cmd_articles_add)
    ls = acts.add_parser("list", help="the registered articles")
    _review_option(ls)
    ls.set_defaults(func=_cmd_articles_list)

    m = sub.add_parser("mechanisms", help="the mechanisms (topics) claims are grouped by")
    macts = m.add_subparsers(dest="action", required=True, metavar="ACTION", action=actions)
    madd = macts.add_parser("add", help="add a mechanism with its search terms")
    madd.add_argument("key", metavar="KEY")
    madd.add_argument("--label", required=True)
    madd.add_argument("--term", action="append", default=[], help="search term [tiab] (repeat; at least one)")
    madd.add_argument("--mesh", action="append", default=[], help="MeSH heading [mh] (repeat)")
    madd.add_argument("--description", default="")
    _review_option(madd)
    madd.set_defaults(func=_cmd_mechanisms_add)

    c = sub.add_parser("claims", help="propose claims from an article, and add claims")
    cacts = c.add_subparsers(dest="action", required=True, metavar="ACTION", action=actions)
    sug = cacts.add_parser("suggest", help="propose the sentences of an article that assert a health effect")
    sug.add_argument("article", metavar="ARTICLE", help="a registered article's id")
    sug.add_argument("--out", type=Path, default=None, help="write the suggestions TOML here (default: stdout)")
    _review_option(sug)
    sug.set_defaults(func=_cmd_claims_suggest)
    cadd = cacts.add_parser("add", help="add claims from suggestion ids (--from FILE S1 S2) or from flags")
    cadd.add_argument("ids", nargs="*", metavar="ID", help="suggestion ids from --from FILE")
    cadd.add_argument("--from", dest="from_file", type=Path, default=None, metavar="FILE",
                      help="suggestions file written by `claims suggest`")
    for flag in ("id", "mechanism", "kind", "statement", "subject", "effect", "outcome", "article", "quote"):
        cadd.add_argument(f"--{flag}", dest=f"claim_{flag}", default=None)
    _review_option(cadd)
    cadd.set_defaults(func=_cmd_claims_add)

    q = sub.add_parser("queries", help="draft one PubMed query per mechanism")
    qacts = q.add_subparsers(dest="action", required=True, metavar="ACTION", action=actions)
    draft = qacts.add_parser("draft", help="one query per mechanism from the intervention and the claims' outcomes")
    draft.add_argument("--mirror", type=Path, default=None, metavar="MIRROR_DIR",
                       help="count each query's hits in this local mirror")
    draft.add_argument("--out", type=Path, default=None,
                       help="write the drafts here (default: queries.toml in the review folder)")
    draft.add_argument("--apply", action="store_true",
                       help="also write the drafted terms and MeSH headings into mechanisms.toml (what `litreview "
                            "fetch` searches); comments are kept")
    _review_option(draft)
    draft.set_defaults(func=_cmd_queries_draft)


def _cmd_new(args: argparse.Namespace, settings: Settings) -> int:
    """Create the review folder and say what to do next."""
    from ..corpus.review_config import Intervention, ReviewConfig
    from ..corpus.review_folder import create_review
    from ..errors import ConfigError

    terms = args.intervention or []
    if not terms:
        raise ConfigError("a review needs an intervention: --intervention NAME [SYNONYM...]")
    title = args.title or args.directory.name
    # the synonyms (not the wildcards) are also names under which a study tests a claim about the intervention
    aliases = tuple(t.lower() for t in dict.fromkeys(terms[1:]) if "*" not in t)
    config = ReviewConfig(title=title, intervention=Intervention(terms[0], tuple(dict.fromkeys(terms)),
                                                                 tuple(args.mesh), aliases=aliases),
                          population=args.population)
    root = create_review(args.directory, config)
    print(f"new review {title!r} in {root}: next, add an article with "
          f"`litreview articles add FILE --title ... --review {root}` (see {root / 'README.md'})")
    return 0


def _cmd_articles_add(args: argparse.Namespace, settings: Settings) -> int:
    """Register the article; print its id."""
    from ..corpus.articles import add_article
    from ..corpus.layout import CorpusPaths, find_review

    paths = CorpusPaths(find_review(args.corpus))
    article = add_article(paths.articles, args.file, args.title, args.url, args.date, args.article_id)
    size = (paths.articles / article.file).stat().st_size
    print(f"article {article.id}: {article.title!r} ({size} bytes of text) -> {paths.articles / article.file}")
    return 0


def _cmd_articles_list(args: argparse.Namespace, settings: Settings) -> int:
    """List the registered articles."""
    from ..corpus.articles import load_articles
    from ..corpus.layout import CorpusPaths, find_review

    articles = load_articles(CorpusPaths(find_review(args.corpus)).articles)
    for a in articles.values():
        print(f"{a.id}\t{a.date}\t{a.title}\t{a.url}")
    print(f"{len(articles)} articles")
    return 0


def _cmd_mechanisms_add(args: argparse.Namespace, settings: Settings) -> int:
    """Append a mechanism."""
    from ..corpus.layout import CorpusPaths, find_review
    from ..corpus.review_folder import add_mechanism

    paths = CorpusPaths(find_review(args.corpus))
    mechanism = add_mechanism(paths.mechanisms, args.key, args.label, args.term, args.mesh, args.description)
    print(f"mechanism {mechanism.key}: {len(mechanism.synonyms)} terms, {len(mechanism.mesh)} MeSH headings "
          f"-> {paths.mechanisms}")
    return 0


def _article_text(paths: CorpusPaths, article: str) -> str:
    """The stored text of a registered article (CorpusError when it is not registered)."""
    from .._io import read_text
    from ..corpus.articles import load_articles
    from ..errors import CorpusError

    articles = load_articles(paths.articles)
    if article not in articles:
        known = ", ".join(articles) or "none yet: add one with `litreview articles add`"
        raise CorpusError(f"no article {article!r} in {paths.articles} (registered: {known})")
    return read_text(paths.articles / articles[article].file)


def _cmd_claims_suggest(args: argparse.Namespace, settings: Settings) -> int:
    """Write the suggestions TOML and a one-line summary."""
    from .._io import atomic_write_text
    from ..corpus.claim_suggest import suggest_claims, suggestions_to_toml
    from ..corpus.layout import CorpusPaths, load_review

    review = load_review(args.corpus)
    text = _article_text(CorpusPaths(review.root), args.article)
    suggestions = suggest_claims(text, args.article, review.config.intervention, review.mechanisms)
    rendered = suggestions_to_toml(suggestions)
    new = sorted({s.mechanism for s in suggestions if s.new_mechanism})
    summary = (f"{len(suggestions)} suggestions from {args.article}"
               + (f"; new mechanisms proposed: {', '.join(new)}" if new else ""))
    if args.out is None:
        sys.stdout.write(rendered)
        print(f"litreview: {summary}", file=sys.stderr)
    else:
        atomic_write_text(args.out, rendered)
        print(f"{summary} -> {args.out}")
    return 0


def _cmd_claims_add(args: argparse.Namespace, settings: Settings) -> int:
    """Append claims from suggestions (adding any new mechanism they need) or from flags."""
    from .._io import read_text
    from ..corpus.claim_suggest import load_suggestions, suggestion_to_claim
    from ..corpus.layout import CorpusPaths, load_review
    from ..corpus.review_folder import add_claims, add_mechanism
    from ..errors import ConfigError, CorpusError

    review = load_review(args.corpus)
    paths = CorpusPaths(review.root)
    flags = {name: getattr(args, f"claim_{name}") for name in
             ("id", "mechanism", "kind", "statement", "subject", "effect", "outcome", "article", "quote")}
    if args.from_file is not None:
        if not args.ids:
            raise ConfigError("--from FILE needs the ids of the suggestions to add (e.g. S1 S3)")
        suggestions = load_suggestions(read_text(args.from_file), str(args.from_file))
        missing = [i for i in args.ids if i not in suggestions]
        if missing:
            raise CorpusError(f"no suggestion {missing[0]!r} in {args.from_file}")
        chosen = [suggestions[i] for i in args.ids]
        entries = [suggestion_to_claim(s, _article_text(paths, s.article)) for s in chosen]
        mechanisms = dict(review.mechanisms)
        for s in chosen:
            if s.mechanism not in mechanisms:
                if not s.mechanism_terms:
                    raise CorpusError(f"suggestion {s.id}: new mechanism {s.mechanism!r} has no search terms; "
                                      f"add it with `litreview mechanisms add {s.mechanism} --term ...`")
                mechanisms[s.mechanism] = add_mechanism(paths.mechanisms, s.mechanism, s.outcome or s.mechanism,
                                                        s.mechanism_terms)
    else:
        absent = [f"--{k}" for k, v in flags.items() if not v]
        if absent:
            raise ConfigError(f"give --from FILE ID... or every claim flag (missing: {', '.join(absent)})")
        quote, article = flags.pop("quote"), flags.pop("article")
        entries = [{**flags, "sources": [{"article": article, "quote": quote}]}]
        mechanisms = review.mechanisms
    added = add_claims(paths.claims, mechanisms, entries, articles_dir=paths.articles)
    print(f"added {len(added)} claims ({', '.join(c.id for c in added)}) -> {paths.claims}")
    return 0


def _cmd_queries_draft(args: argparse.Namespace, settings: Settings) -> int:
    """Draft and print one query per mechanism; write them as TOML for editing."""
    from .._io import atomic_write_text
    from ..corpus.layout import CorpusPaths, load_review
    from ..corpus.queries import build_query, draft_mechanism
    from ..corpus.review_folder import set_mechanism_terms, toml_table

    review = load_review(args.corpus)
    intervention = review.config.intervention
    known = sorted({m for a in review.snapshot.records for m in a.mesh_terms})
    drafts = {k: draft_mechanism(m, review.claims, intervention, known) for k, m in review.mechanisms.items()}
    hits: dict[str, int] = {}
    if args.mirror is not None:
        from ..sources.mirror import mirror_hits

        hits = mirror_hits(args.mirror, drafts, intervention)
    tables = ["# Drafted by `litreview queries draft`: one PubMed query per mechanism. `litreview fetch` searches",
              "# what mechanisms.toml says: `queries draft --apply` writes these terms there, or copy the ones you keep.",
              ""]
    for key, mechanism in drafts.items():
        query = build_query(mechanism, intervention)
        count = f"{hits[key]} hits in the mirror" if key in hits else "no mirror given: hits not counted"
        print(f"{key}\t{count}\t{query}")
        tables.append(toml_table("query", {"mechanism": key, "synonyms": list(mechanism.synonyms),
                                           "mesh": list(mechanism.mesh), "query": query}))
        if key in hits:
            tables[-1] += f"hits = {hits[key]}\n"
    out = args.out or review.root / "queries.toml"
    atomic_write_text(out, "\n".join(tables))
    print(f"{len(drafts)} queries -> {out}")
    if args.apply:
        paths = CorpusPaths(review.root)
        set_mechanism_terms(paths.mechanisms, drafts)
        print(f"{len(drafts)} mechanisms' terms -> {paths.mechanisms} (litreview fetch searches them)")
    return 0
