"""Per-claim synthesis after GRADE: evidence streams, representation, the verdict and its rules.

For each claim the appraised study assessments (:func:`litreview.synthesis.appraisal.appraise`)
become a verdict a GRADE-trained reviewer can recompute from the review table:

1. **Checkable facts** are not graded: the claim's ``fact`` check (verdict,
   reason, cited sources) is the verdict.
2. **Streams.** Voting studies split into a human and a preclinical (animal,
   in vitro) stream. For molecular pharmacology every stream is direct and one
   body holds them all. For claims about people each stream is rated; the
   verdict rests on the stream with the higher certainty, the human stream on
   a tie, and the other stream is named beside it.
3. **Reviews represent the studies they could contain**: primary studies of
   the same stream and population, published before the review, with the
   same indirectness (intervention, outcome), at most as many as the review
   says it pooled for the claim's comparison; those are shown as represented,
   not counted twice.
4. **The body** is rated by :mod:`litreview.synthesis.grade_rules` (direction from one
   support share, start, six domains, a review's cap scoped to what it rated).
5. **Claim-level rules**: a bundled claim is as strong as its weakest part; a
   claim about people supported only by preclinical work is at most partly
   supported; a single study at very low certainty is insufficient; a
   low-harm claim facing harm evidence with no adequately sized supporting
   study is not supported.
6. **Robustness** (:mod:`litreview.synthesis.robustness`): the verdict with each deciding
   study left out and with the machine's readings in place of the reviewers'.

Steps 3 to 5 (representation, the ratings, the claim-level rules) live in
:mod:`litreview.synthesis.grade_decision`; this module builds the verdict from them: its
words, footnotes and counts. ``docs/synthesis.md`` explains every rule with a worked claim.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from ..corpus.claims import Claim
from .appraisal import APPRAISAL_COLUMNS
from .grade_decision import _LOW_HARM_NOTE, Overrides, _Context, _decide, _Decision, _low_harm_without_support, _Rating
from .grade_rules import (
    CERTAINTY_LEVELS,
    DOMAIN_LABELS,
    DOMAINS,
    Domain,
    PartVerdict,
    _design_summary,
    _label,
    _share,
    direction_code,
    direction_shares,
    directions_text,
)
from .robustness import Robustness, assess_robustness

__all__ = [
    "CERTAINTY_LEVELS",
    "CERTAINTY_SYMBOLS",
    "DOMAINS",
    "VERDICT_CODES",
    "ClaimVerdict",
    "Domain",
    "PartVerdict",
    "direction_code",
    "direction_shares",
    "synthesize_claim",
    "synthesize",
]

CERTAINTY_SYMBOLS = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very low": "⊕◯◯◯"}
VERDICT_CODES = (
    "supported", "partly_supported", "contested", "not_supported", "contradicted", "insufficient", "no_evidence",
    "true", "partly_true", "false",
)
VERDICT_WORDS = {
    "supported": "Supported", "partly_supported": "Partly supported", "contested": "Contested",
    "not_supported": "Not supported", "contradicted": "Contradicted", "insufficient": "Insufficient evidence",
    "no_evidence": "No evidence found", "true": "True", "partly_true": "Partly true", "false": "False",
}
STUDY_COLUMNS = ("key", "pmid", "claim_id", "design", "population", "sample_size", "direction", "score", "excluded")
#: Optional columns synthesis reads when present.
OPTIONAL_COLUMNS = ("review_status", "auto_direction")
_DIRECTION_WORDS = {"supports": "support", "mixed": "mixed", "no_effect": "no effect", "contradicts": "opposite"}


@dataclass(frozen=True)
class ClaimVerdict:
    """What the literature in the snapshot says about one claim, as a GRADE reviewer would put it.

    Attributes
    ----------
    claim_id, mechanism, kind, statement : str
        The claim.
    articles : tuple of str
        Seed articles making the claim.
    verdict_code : str
        One of :data:`VERDICT_CODES`.
    verdict : str
        The verdict in words, built from the same counts.
    certainty : str
        ``high``, ``moderate``, ``low``, ``very low``; ``""`` for facts and no evidence.
    basis : str
        ``human`` or ``preclinical`` (the stream the verdict rests on); ``""`` when none.
    start : str
        GRADE starting level of the body (``high`` or ``low``), ``""`` when none.
    domains : tuple of Domain
        One per :data:`DOMAINS` (empty for facts and no evidence).
    footnotes : tuple of str
        Numbered reasons: start, each domain that says something, the cap.
    n_studies, n_excluded : int
        Assessed studies kept / excluded (retracted) for the claim.
    n_body : int
        Studies the verdict rests on (voting, basis stream, not represented by a review).
    n_participants : int or None
        Participants stated by those studies (a review counts those of the
        comparison it reports for the claim); None when none states a size.
    n_size_unknown : int
        Studies in the body that state no size.
    body_counts : dict of str to int
        Directions in the body.
    streams : str
        Every stream's voting directions and context items, in words.
    design_summary : str
        Designs in the body ("2 RCT, 1 meta-analysis").
    parts : tuple of PartVerdict
        For bundled claims: part label, verdict code, directions in words, certainty.
    represented : dict of str to str
        Study key -> key of the review that represents it.
    by_design, by_population, by_direction : dict of str to int
        Counts over every kept study, whatever its stream or role.
    key_pmids : tuple of str
        Heaviest studies of the body, and the heaviest one against its direction.
    n_verified, n_unverified, n_conflicts : int
        Kept studies judged by a person, only by the machine, or disputed by
        reviewers (an unresolved conflict on the judgement or the inclusion).
    source_disagreement : str
        Where the seed articles disagree about the claim.
    fact_sources : tuple of str
        For checkable facts: the sources checked.
    verdict_with_disputed : str
        The verdict code the claim would get if the disputed studies voted
        (their robustness: equal to ``verdict_code`` when they change
        nothing); ``""`` when no disputed study would vote.
    shares : dict of str to float
        Weight shares of the body (:func:`litreview.synthesis.grade_rules.direction_shares`).
    body_code : str
        The direction code of the body from its shares, before the claim-level rules.
    human_code : str
        The human stream's own direction code ("" when it has no vote).
    rated_up : int
        Levels rated up (large effect, dose-response).
    rated, cap, scoped : str
        Certainty after the domains and any rating up; the cap from a review's own rating ("" when
        none); the rating of the studies outside that review's scope when it
        decides ("" otherwise). ``certainty = max(min(rated, cap), scoped)``.
    deciding : tuple of str
        Keys of the studies in the body.
    robustness : str
        ``stable``, or ``fragile: ...`` naming what flips the verdict code.
    needs_reviewer : tuple of str
        Keys of machine judgements that carry >= 25 % of the weight or flip the verdict.
    overrides : str
        Reviewer overrides in force (``risk_of_bias: serious (alice); verdict: contested (bob)``).
    """

    claim_id: str
    mechanism: str
    kind: str
    statement: str
    articles: tuple[str, ...]
    verdict_code: str
    verdict: str
    certainty: str
    basis: str
    start: str
    domains: tuple[Domain, ...]
    footnotes: tuple[str, ...]
    n_studies: int
    n_excluded: int
    n_body: int
    n_participants: int | None
    n_size_unknown: int
    body_counts: dict[str, int]
    streams: str
    design_summary: str
    parts: tuple[PartVerdict, ...]
    represented: dict[str, str]
    by_design: dict[str, int]
    by_population: dict[str, int]
    by_direction: dict[str, int]
    key_pmids: tuple[str, ...]
    n_verified: int
    n_unverified: int
    n_conflicts: int
    source_disagreement: str
    fact_sources: tuple[str, ...] = ()
    verdict_with_disputed: str = ""
    shares: dict[str, float] = field(default_factory=dict)
    body_code: str = ""
    human_code: str = ""
    rated_up: int = 0
    rated: str = ""
    cap: str = ""
    scoped: str = ""
    deciding: tuple[str, ...] = ()
    robustness: str = ""
    needs_reviewer: tuple[str, ...] = ()
    overrides: str = ""

    @property
    def symbols(self) -> str:
        """Certainty as GRADE's circles (``⊕⊕◯◯``), ``""`` when not graded."""
        return CERTAINTY_SYMBOLS.get(self.certainty, "")

    def domain(self, name: str) -> Domain | None:
        """The judgement of one domain, None when the claim was not graded."""
        return next((d for d in self.domains if d.name == name), None)


# -- footnotes and words -------------------------------------------------------------------


def _start_note(rating: _Rating) -> str:
    """Footnote 1: the starting level and why."""
    body = rating.body
    if rating.basis == "preclinical" and rating.start == 3:
        return "Starts high: controlled laboratory experiments."
    if rating.start == 3:
        randomised = int(body["randomised"].astype(bool).sum())
        return (f"Starts high: randomised evidence ({randomised} of {len(body)} studies) carries "
                f"{_share(body, body['randomised'].astype(bool)):.0%} of the weight.")
    return f"Starts low: observational or uncontrolled evidence carries most of the weight ({_design_summary(body)})."


def _weights_note(decision: _Decision, voting: pd.DataFrame) -> str:
    """Each stream's share of the voting weight, the body's direction shares and the studies that decide."""
    total = float(voting["weight"].sum())
    streams = []
    for rating in (decision.chosen, *decision.others):
        weight = float(rating.body["weight"].sum()) + float(
            voting[voting["key"].isin(list(rating.represented))]["weight"].sum())
        streams.append(f"{rating.basis} {weight / total:.0%}" if total else rating.basis)
    body, s = decision.chosen.body, decision.chosen.shares
    total_body = float(body["weight"].sum())
    ranked = sorted(zip(body["weight"], body["key"], body["label"], body["direction"]), key=lambda r: (-r[0], r[1]))
    deciding = ", ".join(f"{label or key} ({_DIRECTION_WORDS.get(d, d)}, {w / total_body:.0%})"
                         for w, key, label, d in ranked[:5]) if total_body else ""
    more = f" and {len(ranked) - 5} more" if len(ranked) > 5 else ""
    return (f"Weight: streams {', '.join(streams)} of the voting weight; in the {decision.chosen.basis} body support "
            f"{s['support']:.0%} (support {s['supports']:.0%} + half of mixed {s['mixed']:.0%}), contrary "
            f"{s['contrary']:.0%} (opposite {s['contradicts']:.0%}, no effect {s['no_effect']:.0%}) -> "
            f"{decision.chosen.code.replace('_', ' ')}; deciding: {deciding}{more}.")


def _footnotes(decision: _Decision, voting: pd.DataFrame, robust: Robustness) -> tuple[str, ...]:
    """Start, each domain with something to say, the cap, representation, weights, rules and robustness."""
    rating = decision.chosen
    notes = [_start_note(rating)]
    notes += [f"{DOMAIN_LABELS[d.name]}: {d.reason}" for d in rating.domains if d.reason]
    if rating.up_note:
        notes.append(rating.up_note)
    if rating.cap_note:
        notes.append(rating.cap_note)
    if rating.represented:
        labels = dict(zip(voting["key"], voting["label"]))
        pairs = Counter(rating.represented.values())
        notes.append("Represented by a review, not counted twice: " + "; ".join(
            f"{n} earlier {'study' if n == 1 else 'studies'} by {labels.get(key, key)}"
            for key, n in sorted(pairs.items())))
    notes.append(_weights_note(decision, voting))
    for o in decision.others:
        notes.append(f"The verdict rests on the {rating.basis} evidence ({CERTAINTY_LEVELS[rating.level]} certainty); "
                     f"{o.basis} evidence: {directions_text(list(o.body['direction']))} "
                     f"({CERTAINTY_LEVELS[o.level]} certainty, {o.code.replace('_', ' ')}).")
    notes += decision.rule_notes
    notes.append(f"Robustness: {robust.detail}")
    return tuple(notes)


def _not_voting(kept: pd.DataFrame) -> str:
    """Footnote naming the studies that inform but do not vote, grouped by why."""
    quiet = kept[~kept["votes"].astype(bool)]
    if quiet.empty:
        return ""
    groups = []
    for why, rows in quiet.groupby("vote_note", sort=True):
        items = ", ".join(f"{_label(r)} ({_DIRECTION_WORDS.get(r['direction'], r['direction'])})"
                          for _, r in rows.sort_values("key").iterrows())
        groups.append(f"{why}: {items}")
    return "Inform but do not vote: " + "; ".join(groups) + "."


def _streams_text(kept: pd.DataFrame) -> str:
    """``"human: 3 support, 1 no effect (2 context); animal: 2 support"`` over every kept study."""
    parts = []
    for stream in ("human", "animal", "in_vitro", "unknown"):
        rows = kept[kept["stream"] == stream]
        if rows.empty:
            continue
        votes = directions_text(list(rows.loc[rows["votes"].astype(bool), "direction"])) or "no vote"
        others = int((~rows["votes"].astype(bool)).sum())
        parts.append(f"{stream.replace('_', '-')}: {votes}" + (f" ({others} not voting)" if others else ""))
    return "; ".join(parts)


def _key_studies(body: pd.DataFrame, code: str) -> tuple[str, ...]:
    """Three heaviest studies, plus the heaviest one pointing the other way."""
    ranked = body.sort_values(["weight", "key"], ascending=[False, True])
    keys = list(ranked["key"].head(3))
    majority = "supports" if code in ("supported", "partly_supported", "contested") else "against"
    against = ranked["direction"].isin(["contradicts", "no_effect"])
    contrary = ranked[against] if majority == "supports" else ranked[ranked["direction"] == "supports"]
    if len(contrary) and contrary["key"].iloc[0] not in keys:
        keys.append(contrary["key"].iloc[0])
    return tuple(keys)


def _words(code: str, counts: str, certainty: str, basis: str, failing: Sequence[PartVerdict],
           unverified: str) -> str:
    """The verdict sentence, from the code and the same counts the tables show."""
    text = f"{VERDICT_WORDS[code]}: {counts} ({certainty} certainty, {basis} evidence)"
    if failing:
        text += "; falls short for " + "; ".join(
            f"{p.label} ({VERDICT_WORDS[p.code].lower()}: {p.directions})" for p in failing)
    if unverified:
        text += f"; rests on unverified machine reading ({unverified}) until a reviewer confirms it"
    return text


def _base(claim: Claim, kept: pd.DataFrame, studies: pd.DataFrame) -> dict[str, object]:
    """Fields every verdict has, whatever the evidence."""
    status = Counter(kept["review_status"]) if "review_status" in kept else Counter()
    return dict(
        claim_id=claim.id, mechanism=claim.mechanism, kind=claim.kind, statement=claim.statement,
        articles=claim.articles, n_studies=len(kept), n_excluded=len(studies) - len(kept),
        streams=_streams_text(kept) if len(kept) else "",
        by_design=dict(sorted(Counter(kept["design"]).items())),
        by_population=dict(sorted(Counter(kept["population"].fillna("not recorded")).items())),
        by_direction=dict(sorted(Counter(kept["direction"]).items())),
        n_verified=status["verified"], n_unverified=status["unverified"], n_conflicts=status["disputed"],
        source_disagreement=_disagreement(claim),
    )


def _ungraded(base: dict[str, object], code: str, words: str, sources: tuple[str, ...] = (),
              footnotes: tuple[str, ...] = ()) -> ClaimVerdict:
    """A verdict without a GRADE rating (facts, no evidence, nothing voting)."""
    return ClaimVerdict(
        **base, verdict_code=code, verdict=words, certainty="", basis="", start="", domains=(), footnotes=footnotes,
        n_body=0, n_participants=None, n_size_unknown=0, body_counts={}, design_summary="", parts=(),
        represented={}, key_pmids=tuple(s for s in sources if not s.startswith("http")), fact_sources=sources,
    )


def synthesize_claim(claim: Claim, studies: pd.DataFrame, exclude_unverified: bool = False,
                     overrides: Overrides | None = None) -> ClaimVerdict:
    """Verdict for one claim from its appraised study assessments, with and without the disputed studies.

    Disputed studies (``review_status == "disputed"``) never vote; when one
    would vote once resolved, the verdict also says what it would be with
    them (:attr:`ClaimVerdict.verdict_with_disputed`, and a footnote).

    Parameters
    ----------
    claim : Claim
    studies : pandas.DataFrame
        This claim's assessments with the appraisal columns
        (:func:`litreview.synthesis.appraisal.appraise`) and ``year``.
    exclude_unverified : bool
        Leave machine-only judgements out of the body instead of weighing them.
    overrides : mapping of str to Outcome, optional
        Reviewers' grade-stage decisions on this claim (GRADE domain or
        ``verdict`` -> outcome, :meth:`litreview.corpus.decisions.DecisionLog.grade_overrides`):
        each replaces the rules' judgement, which the footnote keeps.

    Returns
    -------
    ClaimVerdict
    """
    verdict = _synthesize_claim(claim, studies, exclude_unverified, overrides)
    if "review_status" not in studies or "votes_if_resolved" not in studies:
        return verdict
    kept = studies[~studies["excluded"].astype(bool)]
    disputed = kept[(kept["review_status"] == "disputed") & kept["votes_if_resolved"].astype(bool)]
    if disputed.empty or claim.fact is not None:
        return verdict
    settled = studies.copy()
    mask = settled["key"].isin(disputed["key"]) & (settled["review_status"] == "disputed")
    settled.loc[mask, "votes"] = settled.loc[mask, "votes_if_resolved"]
    settled.loc[mask, "review_status"] = "verified"
    code = _synthesize_claim(claim, settled, exclude_unverified, overrides).verdict_code
    labels = ", ".join(_label(r) for _, r in disputed.sort_values("key").iterrows())
    effect = ("the verdict stays the same" if code == verdict.verdict_code
              else f"the verdict would be {VERDICT_WORDS[code].lower()} instead")
    note = (f"Disputed by reviewers, left out of the vote until resolved: {labels}; with "
            f"{'it' if len(disputed) == 1 else 'them'} {effect}.")
    return replace(verdict, verdict_with_disputed=code, footnotes=(*verdict.footnotes, note))


def _synthesize_claim(claim: Claim, studies: pd.DataFrame, exclude_unverified: bool,
                      overrides: Overrides | None) -> ClaimVerdict:
    """Verdict for one claim from the studies that vote."""
    kept = studies[~studies["excluded"].astype(bool)]
    base = _base(claim, kept, studies)
    if claim.fact is not None:
        words = f"{VERDICT_WORDS[claim.fact.verdict]}: {claim.fact.reason}"
        return _ungraded(base, claim.fact.verdict, words, claim.fact.sources)
    voting = kept[kept["votes"].astype(bool)]
    if exclude_unverified and "review_status" in voting:
        voting = voting[voting["review_status"] != "unverified"]
    if voting.empty:
        if kept.empty:
            return _ungraded(base, "no_evidence", "No evidence found: no study in the snapshot is about this claim")
        if _low_harm_without_support(claim, voting, kept):
            return _ungraded(base, "not_supported", f"Not supported: {_LOW_HARM_NOTE[:-1].split(': ', 1)[1]}",
                             footnotes=(_LOW_HARM_NOTE, _not_voting(kept)))
        return _ungraded(base, "insufficient",
                         f"Insufficient evidence: {len(kept)} {'study informs' if len(kept) == 1 else 'studies inform'}"
                         " the claim but none tests it", footnotes=(_not_voting(kept),))
    context = _Context(claim, kept, overrides or {})
    decision = _decide(context, voting)
    chosen, code = decision.chosen, decision.code
    body = chosen.body
    # robustness tests the rules, not a reviewer's verdict
    robust = assess_robustness(voting, body, decision.rules_code, lambda rows: _decide(context, rows).rules_code)
    certainty = CERTAINTY_LEVELS[chosen.level]
    stated = body["n_counted"].dropna()
    labels = dict(zip(body["key"], body["label"]))
    return ClaimVerdict(
        **base,
        verdict_code=code,
        verdict=_words(code, directions_text(list(body["direction"])), certainty, chosen.basis, decision.failing,
                       ", ".join(str(labels.get(k, k)) for k in robust.needs_reviewer)),
        certainty=certainty,
        basis=chosen.basis,
        start=CERTAINTY_LEVELS[chosen.start],
        domains=chosen.domains,
        footnotes=tuple(filter(None, (*_footnotes(decision, voting, robust), _not_voting(kept)))),
        n_body=len(body),
        n_participants=int(stated.sum()) if len(stated) else None,
        n_size_unknown=len(body) - len(stated),
        body_counts=dict(Counter(body["direction"])),
        design_summary=_design_summary(body),
        parts=chosen.parts,
        represented=chosen.represented,
        key_pmids=_key_studies(body, code),
        shares={k: round(v, 4) for k, v in chosen.shares.items()},
        body_code=chosen.code,
        human_code=decision.human_code,
        rated_up=chosen.up,
        rated=CERTAINTY_LEVELS[chosen.rated],
        cap="" if chosen.cap is None else CERTAINTY_LEVELS[chosen.cap],
        scoped="" if chosen.scoped is None else CERTAINTY_LEVELS[chosen.scoped],
        deciding=tuple(body["key"]),
        robustness=robust.summary,
        needs_reviewer=robust.needs_reviewer,
        overrides="; ".join(f"{target}: {o.values.get('judgement') or o.values.get('verdict')} "
                            f"({o.decided_by.reviewer})" for target, o in sorted(context.overrides.items())
                            if o.decided_by is not None),
    )


def _disagreement(claim: Claim) -> str:
    """Where seed articles disagree about the claim (its note and conflicting claims)."""
    parts = []
    if claim.conflicts_with:
        parts.append("conflicts with " + ", ".join(claim.conflicts_with))
    if claim.note:
        parts.append(claim.note)
    return "; ".join(parts)


def synthesize(claims: Sequence[Claim], studies: pd.DataFrame, exclude_unverified: bool = False,
               overrides: Mapping[str, Overrides] | None = None) -> list[ClaimVerdict]:
    """Verdicts for every claim, in register order.

    Parameters
    ----------
    claims : sequence of Claim
    studies : pandas.DataFrame
        Appraised assessments of every claim (see :func:`synthesize_claim`).
    exclude_unverified : bool
        Leave machine-only judgements out instead of weighing them.
    overrides : mapping of str to mapping, optional
        Claim id -> the reviewers' grade-stage overrides (see :func:`synthesize_claim`).

    Returns
    -------
    list of ClaimVerdict

    Raises
    ------
    ValueError
        The table lacks the assessment or appraisal columns.
    """
    needed = [*STUDY_COLUMNS, "year", *APPRAISAL_COLUMNS]
    missing = [c for c in needed if c not in studies.columns]
    if missing:
        raise ValueError(f"studies table lacks columns: {', '.join(missing)} (run litreview.appraise first)")
    # only the columns synthesis reads, as plain objects: row selections on pandas' string columns cost more;
    # copy() consolidates the columns into one block per dtype (8, not 37), so each row selection takes far fewer
    narrow = studies[[*needed, *(c for c in OPTIONAL_COLUMNS if c in studies.columns)]].astype(
        {c: object for c in (*needed, *OPTIONAL_COLUMNS) if c in studies.columns
         and pd.api.types.is_string_dtype(studies[c])}).copy()
    groups = {cid: rows for cid, rows in narrow.groupby("claim_id", sort=False)}
    overrides = overrides or {}
    return [synthesize_claim(c, groups.get(c.id, narrow.iloc[0:0]), exclude_unverified, overrides.get(c.id))
            for c in claims]
