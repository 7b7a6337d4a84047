"""Screening: de-duplicate, apply inclusion rules, rank by relevance, log every decision.

For each mechanism, the records its search returned go through, in order:

1. **De-duplication** across the whole snapshot by PMID, DOI and normalized
   title; a duplicate points to the record it repeats (``duplicate_of``).
2. **Inclusion rules**, first failing rule wins, each with a logged reason:
   ``not in English``, ``no abstract or curated summary``, ``does not mention
   the intervention`` (the review's, from ``litreview.toml``), ``mechanism terms absent`` (neither the
   mechanism's terms or MeSH headings nor the outcome of one of its claims: every content word of it, or one
   of its ``outcome_terms``, "chronic ... pain" for "chronic pain"). A claim that
   does not involve the intervention (a condition's own biology: ``disease_biology``, or a statement that
   names none of the intervention's names, e.g. "BDNF is low in depression") does not require it: a record
   that names such a claim's subject ("BDNF" and one of "depression, anxiety and PTSD") is not excluded
   for lacking the intervention (reason ``meets inclusion rules for <claim> (no intervention in the
   claim)``) and is paired only with those claims. A curated record the
   curator linked to a claim of the mechanism is included on that link
   (reason ``curator linked to <claim>``): the curator's reading outranks a
   term match, and some claims (e.g. BDNF low in depression) concern studies
   that do not involve the intervention.
3. **Relevance**: weighted hits of the mechanism's terms and MeSH headings
   (title 3, MeSH 2, abstract or summary 1, plus 2 when the intervention is named).

A reviewer's title/abstract decision (stage ``screen`` in
:mod:`litreview.decisions`) outranks the rules and the curator's link: the
record is included or excluded with the reviewer's reason, and ``screened_by``
names who decided (``rules``, ``curator``, ``reviewer:<name>``). A record that
passed goes on to full-text screening (stage ``fulltext``): a reviewer's
full-text exclusion excludes it there, with its reason; without a full-text
decision the inclusion stands. When reviewers disagree at either stage and
nobody has resolved it, the record is ``disputed``: nothing vanishes, it stays
in the log and the counts, goes on to scoring marked ``disputed`` and informs
the verdicts without voting until someone resolves it. A reviewer's
judge-stage decision on an included record also sends that (record, claim)
pair to scoring.

Retracted records are kept here and flagged by scoring, which excludes them
from verdicts while still showing them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from ..corpus.claims import Claim, Mechanism
from ..corpus.records import Article, normalize_title
from ..corpus.review_config import Intervention
from ..corpus.snapshot import Snapshot

if TYPE_CHECKING:
    from ..corpus.decisions import DecisionLog, Outcome

__all__ = [
    "EXCLUSION_REASONS",
    "ScreeningResult",
    "normalize_title",
    "find_duplicates",
    "screen_records",
]

EXCLUSION_REASONS = (
    "not in English",
    "no abstract or curated summary",
    "does not mention the intervention",
    "mechanism terms absent",
)
LOG_COLUMNS = [
    "mechanism", "key", "pmid", "title", "year", "source", "decision", "stage", "reason", "screened_by",
    "duplicate_of", "relevance",
]
#: Stage names in the log's ``stage`` column.
TITLE_ABSTRACT, FULL_TEXT = "title/abstract", "full text"
#: Order in which a record's decisions across mechanisms count for the unique-record total.
_DECISION_RANK = {"included": 0, "disputed": 1, "excluded": 2, "duplicate": 3}
_STOPWORDS = frozenset(
    "the and for with from that this into within than over under more less its their levels level "
    "effect effects activity".split()
)


@dataclass(frozen=True)
class ScreeningResult:
    """Outcome of screening a snapshot.

    Attributes
    ----------
    log : pandas.DataFrame
        One row per (mechanism, record) with columns ``mechanism, key, pmid,
        title, year, source, decision`` (``included``/``excluded``/``duplicate``,
        or ``disputed`` while reviewers disagree), ``stage`` (where the
        decision was made: ``identification`` for duplicates,
        ``title/abstract`` or ``full text``), ``reason``, ``screened_by``
        (``rules``, ``curator`` or ``reviewer:<name>``), ``duplicate_of``,
        ``relevance``; ranked by relevance.
    counts : pandas.DataFrame
        PRISMA 2020 counts per mechanism: ``identified`` (split into
        ``from_databases``, records a PubMed search or the mirror returned, and
        ``from_other_sources``, records taken from the curated register),
        ``duplicates``, ``screened`` (= identified - duplicates),
        ``excluded`` and ``screen_disputed`` at title/abstract, ``assessed``
        in full text (= screened - excluded - screen_disputed),
        ``fulltext_excluded`` and ``fulltext_disputed``, ``included`` (=
        assessed - fulltext_excluded - fulltext_disputed), ``disputed`` (both
        stages); one ``excluded: <reason>`` column per rule reason and per
        title/abstract reason given, one ``fulltext excluded: <reason>`` per
        full-text reason given.
    pairs : tuple of (str, str)
        (record key, claim id) pairs to score: curated links, plus each included
        or disputed PubMed record with the claims of its mechanism whose
        outcome it mentions.
    """

    log: pd.DataFrame
    counts: pd.DataFrame
    pairs: tuple[tuple[str, str], ...]

    def included(self, mechanism: str | None = None) -> list[str]:
        """Keys of included records, optionally for one mechanism, by relevance."""
        log = self.log[self.log["decision"] == "included"]
        if mechanism is not None:
            log = log[log["mechanism"] == mechanism]
        return list(dict.fromkeys(log["key"]))

    def disputed(self) -> list[str]:
        """Keys of records reviewers disagree on (unresolved), by relevance."""
        return list(dict.fromkeys(self.log.loc[self.log["decision"] == "disputed", "key"]))


def find_duplicates(records: Sequence[Article]) -> dict[str, str]:
    """Map each duplicate record key to the key of the record it repeats.

    Records are compared by PMID, DOI (case-insensitive) and normalized title;
    the first record (PubMed before curated, then by key) is kept.
    """
    ordered = sorted(records, key=lambda a: (a.source != "pubmed", a.key))
    seen: dict[str, str] = {}
    duplicates: dict[str, str] = {}
    for article in ordered:
        ids = [f"title:{normalize_title(article.title)}"] if article.title else []
        if article.pmid:
            ids.append(f"pmid:{article.pmid}")
        if article.doi:
            ids.append(f"doi:{article.doi.lower()}")
        first = next((seen[i] for i in ids if i in seen), None)
        if first is not None and first != article.key:
            duplicates[article.key] = first
            continue
        for i in ids:
            seen.setdefault(i, article.key)
    return duplicates


@lru_cache(maxsize=256)
def term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Word-start regex matching any of the terms (``*`` as a suffix wildcard)."""
    parts = [re.escape(t.lower()).replace(r"\*", r"\w*") for t in terms]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")")


def _mesh_hits(article: Article, mesh: Iterable[str]) -> int:
    """How many of the given MeSH headings the record carries."""
    wanted = {m.lower() for m in mesh}
    return sum(1 for term in article.mesh_terms if term.lower() in wanted)


def _relevance(article: Article, mechanism: Mechanism,
               intervention: Intervention | None) -> tuple[float, bool, bool]:
    """Relevance score, whether the intervention is named (True without one), whether mechanism terms occur."""
    pattern = term_pattern(mechanism.synonyms)
    title = article.title.lower()
    body = (article.abstract or article.curated_summary or "").lower()
    mesh_text = " ".join(article.mesh_terms).lower()
    mesh = _mesh_hits(article, mechanism.mesh)
    hits_title = len(pattern.findall(title))
    hits_body = len(pattern.findall(body))
    if intervention is None:
        return float(3 * hits_title + 2 * mesh + hits_body), True, bool(hits_title or hits_body or mesh)
    drug = term_pattern(tuple(t.lower() for t in intervention.terms))
    names_drug = bool(drug.search(title) or drug.search(body) or drug.search(mesh_text))
    score = 3 * hits_title + 2 * mesh + hits_body + (2 if names_drug else 0)
    return float(score), names_drug, bool(hits_title or hits_body or mesh)


def _without_intervention(claims: Sequence[Claim], intervention: Intervention | None) -> list[Claim]:
    """Claims that do not involve the review's intervention: a condition's biology, or a statement naming none
    of its names (never any without an intervention, when every claim is about whatever the records study)."""
    if intervention is None:
        return []
    names = term_pattern(tuple(t.lower() for t in (*intervention.terms, *intervention.aliases)))
    out = []
    for claim in claims:
        agents = term_pattern(claim.agents) if claim.agents else None
        text = f"{claim.statement} {claim.subject} {claim.outcome}".lower()
        if claim.kind == "disease_biology" or not (names.search(text) or (agents and agents.search(text))):
            out.append(claim)
    return out


def _names_subject(article: Article, claim: Claim) -> bool:
    """True when a record names a claim's subject: every word of its head and, for a subject "X in A, B and C",
    any one of the listed conditions."""
    head, _, tail = claim.subject.partition(" in ")
    text = article.text.lower()
    words, conditions = content_words(head), content_words(tail)
    return bool(words) and all(_names_word(w, text) for w in words) and (
        not conditions or any(_names_word(w, text) for w in conditions))


def _exclusion(article: Article, names_drug: bool, has_terms: bool) -> str | None:
    """First inclusion rule the record fails, or None."""
    if article.languages and "eng" not in article.languages:
        return EXCLUSION_REASONS[0]
    if not (article.abstract or article.curated_summary):
        return EXCLUSION_REASONS[1]
    if not names_drug:
        return EXCLUSION_REASONS[2]
    if not has_terms:
        return EXCLUSION_REASONS[3]
    return None


def content_words(text: str, ignore: Iterable[str] = ()) -> set[str]:
    """Lower-case content words (4+ letters, not stop words nor ``ignore``, e.g. the intervention) of a phrase."""
    skip = _STOPWORDS | {w.lower() for w in ignore}
    return {w for w in re.findall(r"[a-z0-9-]{4,}", text.lower()) if w not in skip}


def _names_word(word: str, text: str) -> bool:
    """True when a lower-case text holds a word starting with the first six letters of ``word``."""
    return re.search(r"(?<!\w)" + re.escape(word[:6]), text) is not None


def _names_outcome(article: Article, claim: Claim) -> bool:
    """True when a record names a claim's outcome: every content word of it, or one of its ``outcome_terms``."""
    text = article.text.lower()
    words = content_words(claim.outcome, claim.agents)
    if words and all(_names_word(w, text) for w in words):
        return True
    return bool(claim.outcome_terms) and term_pattern(tuple(t.lower() for t in claim.outcome_terms)).search(text) is not None


def _mentions_outcome(article: Article, claim: Claim) -> bool:
    """True when the record's text names a content word of the claim's outcome (not the intervention's names)."""
    words = content_words(claim.outcome, claim.agents) or content_words(claim.statement, claim.agents)
    text = article.text.lower()
    return any(_names_word(w, text) for w in words)


def _reviewed_row(outcome: Outcome, stage: str) -> dict[str, str]:
    """Screening-log fields for a record the reviewers decided (or disagree on) at one stage."""
    if outcome.status == "conflict":
        who = "; ".join(d.judged_by for d in outcome.decisions)
        return {"decision": "disputed", "stage": stage, "reason": f"reviewers disagree: {outcome.describe()}",
                "screened_by": who}
    decision = "included" if outcome.values["decision"] == "include" else "excluded"
    return {"decision": decision, "stage": stage, "reason": outcome.reason or "",
            "screened_by": outcome.judged_by or ""}


def screen_records(
    snapshot: Snapshot, mechanisms: Mapping[str, Mechanism], claims: Sequence[Claim],
    decisions: DecisionLog | None = None, intervention: Intervention | None = None,
) -> ScreeningResult:
    """Screen every mechanism's search results.

    Parameters
    ----------
    snapshot : Snapshot
        Records, per-mechanism search results and curator judgements.
    mechanisms : mapping of str to Mechanism
        Terms and MeSH headings used for the relevance rules.
    claims : sequence of Claim
        Used to pair included records with the claims they bear on.
    decisions : DecisionLog, optional
        Reviewers' decisions; their title/abstract decisions outrank the rules
        and the curator's register, their full-text decisions apply to the
        records that passed, their judge decisions add pairs to score.
    intervention : Intervention, optional
        The review's intervention (``litreview.toml``): a record that names
        none of its terms is excluded, one that does ranks higher. Without
        it, that rule is not applied.

    Returns
    -------
    ScreeningResult
        The screening log, PRISMA-style counts and the pairs to score.
    """
    duplicates = find_duplicates(snapshot.records)
    reviewed = {
        key: outcome for (key, _, _), outcome in (decisions.outcomes("screen") if decisions else {}).items()
        # the register's own judgement (line -1) keeps the per-mechanism curator links below
        if outcome.status == "conflict" or outcome.decided_by is None or outcome.decided_by.line != -1
    }
    full_text = {key: outcome for (key, _, _), outcome in (decisions.outcomes("fulltext") if decisions else {}).items()}
    curated_links: dict[tuple[str, str], list[str]] = {}
    claim_mechanism = {c.id: c.mechanism for c in claims}
    for judgement in snapshot.curated:
        mech = claim_mechanism.get(judgement.claim_id)
        if mech is not None:
            curated_links.setdefault((judgement.key, mech), []).append(judgement.claim_id)
    rows = []
    free = {m: [c for c in _without_intervention(claims, intervention) if c.mechanism == m] for m in mechanisms}
    of_mechanism = {m: [c for c in claims if c.mechanism == m] for m in mechanisms}
    only: dict[str, set[str]] = {}
    for mech_key, mechanism in mechanisms.items():
        search = snapshot.searches.get(mech_key)
        for key in search.keys if search else ():
            article = snapshot.record(key)
            relevance, names_drug, has_terms = _relevance(article, mechanism, intervention)
            # a record that names one of the mechanism's claims' outcomes is about the mechanism too
            has_terms = has_terms or any(_names_outcome(article, c) for c in of_mechanism[mech_key])
            row = {
                "mechanism": mech_key, "key": key, "pmid": article.pmid or "PMID unresolved",
                "title": article.title, "year": article.year, "source": article.source,
                "duplicate_of": duplicates.get(key), "relevance": relevance,
            }
            links = curated_links.get((key, mech_key))
            if key in duplicates:
                row.update(decision="duplicate", stage="identification", reason=f"duplicate of {duplicates[key]}",
                           screened_by="rules")
                rows.append(row)
                continue
            if key in reviewed:
                row.update(_reviewed_row(reviewed[key], TITLE_ABSTRACT))
            elif links:
                row.update(decision="included", stage=TITLE_ABSTRACT,
                           reason="curator linked to " + ", ".join(sorted(links)), screened_by="curator")
            else:
                # a claim without the intervention is answered by a record without it
                answers = [c.id for c in free[mech_key] if not names_drug and _names_subject(article, c)]
                reason = _exclusion(article, names_drug or bool(answers), has_terms)
                passed = "meets inclusion rules"
                if answers and not reason:
                    passed += f" for {', '.join(answers)} (no intervention in the claim)"
                    only.setdefault(key, set()).update(answers)
                row.update(decision="excluded" if reason else "included", stage=TITLE_ABSTRACT,
                           reason=reason or passed, screened_by="rules")
            if row["decision"] == "included" and key in full_text:
                row.update(_reviewed_row(full_text[key], FULL_TEXT))
            rows.append(row)
    log = pd.DataFrame(rows, columns=LOG_COLUMNS)
    log["year"] = log["year"].astype("Int64")
    log = log.sort_values(["mechanism", "decision", "relevance", "key"], ascending=[True, False, False, True])
    log = log.reset_index(drop=True)
    judged = [(k, c) for k, c, _ in (decisions.outcomes("judge") if decisions else {})]
    return ScreeningResult(log=log, counts=_prisma_counts(log, mechanisms),
                           pairs=_pairs(log, snapshot, claims, judged, only))


def _prisma_counts(log: pd.DataFrame, mechanisms: Iterable[str]) -> pd.DataFrame:
    """PRISMA 2020 counts per mechanism and stage, plus a total row over unique records."""
    rows = []
    reasons = _exclusion_reasons(log)
    full_text_reasons = _exclusion_reasons(log, FULL_TEXT)
    for mech in [*mechanisms, "all (unique records)"]:
        part = log if mech.startswith("all") else log[log["mechanism"] == mech]
        if mech.startswith("all"):
            part = part.sort_values("decision", key=lambda s: s.map(_DECISION_RANK))
            part = part.drop_duplicates("key")
        curated = int((part["source"] == "curated").sum())
        row = {
            "mechanism": mech,
            "identified": len(part),
            "from_databases": len(part) - curated,
            "from_other_sources": curated,
            "duplicates": int((part["decision"] == "duplicate").sum()),
        }
        row["screened"] = row["identified"] - row["duplicates"]
        at_screen, at_full_text = part[part["stage"] == TITLE_ABSTRACT], part[part["stage"] == FULL_TEXT]
        row["excluded"] = int((at_screen["decision"] == "excluded").sum())
        row["screen_disputed"] = int((at_screen["decision"] == "disputed").sum())
        row["assessed"] = row["screened"] - row["excluded"] - row["screen_disputed"]
        row["fulltext_excluded"] = int((at_full_text["decision"] == "excluded").sum())
        row["fulltext_disputed"] = int((at_full_text["decision"] == "disputed").sum())
        row["included"] = int((part["decision"] == "included").sum())
        row["disputed"] = row["screen_disputed"] + row["fulltext_disputed"]
        for prefix, rows_at, names in (("excluded", at_screen, reasons),
                                       ("fulltext excluded", at_full_text, full_text_reasons)):
            excluded = rows_at[rows_at["decision"] == "excluded"]
            for reason in names:
                row[f"{prefix}: {reason}"] = int((excluded["reason"] == reason).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def _exclusion_reasons(log: pd.DataFrame, stage: str = TITLE_ABSTRACT) -> list[str]:
    """A stage's exclusion reasons the counts show: the default lists' order, then the protocol's own reasons
    (title/abstract: every rule reason too)."""
    from ..corpus.decision_schema import FULLTEXT_REASONS, SCREEN_REASONS

    used = set(log.loc[(log["decision"] == "excluded") & (log["stage"] == stage), "reason"])
    listed = [*FULLTEXT_REASONS["exclude"]] if stage == FULL_TEXT else [*EXCLUSION_REASONS, *SCREEN_REASONS["exclude"]]
    known = [r for r in dict.fromkeys(listed) if r in used or (stage != FULL_TEXT and r in EXCLUSION_REASONS)]
    return known + sorted(used - set(known))


def _pairs(log: pd.DataFrame, snapshot: Snapshot, claims: Sequence[Claim],
           judged: Iterable[tuple[str, str | None]] = (),
           only: Mapping[str, set[str]] | None = None) -> tuple[tuple[str, str], ...]:
    """(record key, claim id) pairs to score for the included and disputed records (curated, judged, or matching);
    a record ``only`` lists (included without the intervention) pairs with the claims listed for it alone."""
    included = log[log["decision"].isin(("included", "disputed"))]
    included_keys = set(included["key"])
    claim_ids = {c.id for c in claims}
    pairs = {(j.key, j.claim_id) for j in snapshot.curated if j.key in included_keys}
    pairs.update((k, c) for k, c in judged if k in included_keys and c in claim_ids)
    curated_keys = {j.key for j in snapshot.curated}
    by_mechanism: dict[str, list[Claim]] = {}
    for claim in claims:
        by_mechanism.setdefault(claim.mechanism, []).append(claim)
    for mech, key in zip(included["mechanism"], included["key"]):
        if key in curated_keys:
            continue
        article = snapshot.record(key)
        pairs.update((key, c.id) for c in by_mechanism.get(mech, ())
                     if _mentions_outcome(article, c) and (not only or key not in only or c.id in only[key]))
    return tuple(sorted(pairs))
