"""Per-claim synthesis after GRADE: evidence streams, weighed direction, domains, verdict.

For each claim the appraised study assessments (:func:`litreview.appraisal.appraise`)
become a verdict a GRADE-trained reviewer can follow line by line:

1. **Checkable facts** are not graded: the claim's ``fact`` check (verdict,
   reason, cited sources) is the verdict.
2. **Streams.** Voting studies split into a human and a preclinical (animal,
   in vitro) stream. For molecular pharmacology every stream is direct and one
   body holds them all. For claims about people each stream is rated; the
   verdict rests on the stream with the higher certainty, the human stream on
   a tie (preclinical evidence starts two levels down for indirectness), and
   the other stream is named beside it.
3. **Reviews represent their studies.** A systematic review or meta-analysis
   in the body stands for the primary studies of the same stream published
   before it with the same directness (and, for bundled claims, a shared
   part); those are shown as represented, not counted twice.
4. **Weigh, don't count.** The direction of the body is the weighted share of
   support (mixed findings count half): >= 75 % supported, >= 50 % partly
   supported; when supporting and contrary studies each carry >= 25 % the body
   is contested; otherwise contradicted (opposite effects outweigh null ones)
   or not supported.
5. **Certainty** starts high when randomised evidence (or laboratory
   experiments) carries at least half the weight, low otherwise, and is rated
   down per domain, each with a footnote: risk of bias, inconsistency,
   indirectness, imprecision, publication bias, and machine-only judgements.
   A review's own certainty rating caps ours when that review carries at
   least half the weight.

``docs/scoring.md`` gives every threshold with a worked example.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from ..corpus.claims import Claim
from .appraisal import APPRAISAL_COLUMNS, REVIEWS

__all__ = [
    "CERTAINTY_LEVELS",
    "CERTAINTY_SYMBOLS",
    "DOMAINS",
    "VERDICT_CODES",
    "ClaimVerdict",
    "Domain",
    "synthesize_claim",
    "synthesize",
]

CERTAINTY_LEVELS = ("very low", "low", "moderate", "high")
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
DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias", "other")
DOMAIN_LABELS = {
    "risk_of_bias": "Risk of bias", "inconsistency": "Inconsistency", "indirectness": "Indirectness",
    "imprecision": "Imprecision", "publication_bias": "Publication bias", "other": "Other considerations",
}
STUDY_COLUMNS = ("key", "pmid", "claim_id", "design", "population", "sample_size", "direction", "score", "excluded")
#: Shares of the body's weight that decide the verdict and the domains.
SUPPORTED_SHARE, PARTLY_SHARE, CONTEST_SHARE, MAJORITY_SHARE = 0.75, 0.5, 0.25, 0.5
#: Participants below which a body is imprecise (GRADE's rule of thumb for an optimal information size).
OIS = 400
#: Participants below which imprecision is very serious (far below the OIS: GRADE guidance 34).
SMALL_BODY = 100
PUBLICATION_BIAS_MIN_STUDIES = 10
_STRENGTH = ("supported", "partly_supported", "contested", "not_supported", "contradicted")
_DESIGN_NAMES = {"rct": "RCT", "meta_analysis": "meta-analysis", "experimental": "laboratory experiment"}
_DIRECTION_WORDS = {"supports": "support", "mixed": "mixed", "no_effect": "no effect", "contradicts": "opposite"}


@dataclass(frozen=True)
class Domain:
    """One GRADE domain's judgement for a body of evidence.

    Attributes
    ----------
    name : str
        One of :data:`DOMAINS`.
    judgement : str
        ``not serious``, ``serious``, ``very serious``, ``suspected``,
        ``not assessed`` or ``none``.
    change : int
        Levels rated down (0, -1 or -2).
    reason : str
        The footnote in words ("" when there is nothing to add).
    """

    name: str
    judgement: str
    change: int
    reason: str


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
    n_participants : int
        Participants stated by those studies.
    n_size_unknown : int
        Studies in the body that state no size.
    body_counts : dict of str to int
        Directions in the body.
    streams : str
        Every stream's voting directions and context items, in words.
    design_summary : str
        Designs in the body ("2 RCT, 1 meta-analysis").
    parts : tuple of (str, str, str)
        For bundled claims: (part label, verdict code, directions in words).
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
    n_participants: int
    n_size_unknown: int
    body_counts: dict[str, int]
    streams: str
    design_summary: str
    parts: tuple[tuple[str, str, str], ...]
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

    @property
    def symbols(self) -> str:
        """Certainty as GRADE's circles (``⊕⊕◯◯``), ``""`` when not graded."""
        return CERTAINTY_SYMBOLS.get(self.certainty, "")

    def domain(self, name: str) -> Domain | None:
        """The judgement of one domain, None when the claim was not graded."""
        return next((d for d in self.domains if d.name == name), None)


@dataclass(frozen=True)
class _Rating:
    """A rated body of evidence (one stream)."""

    basis: str
    body: pd.DataFrame
    represented: dict[str, str]
    start: int
    domains: tuple[Domain, ...]
    cap: tuple[int | None, str] | None
    level: int


# -- small helpers ------------------------------------------------------------------------


def _label(study: pd.Series) -> str:
    """``Zarate 2006`` style label of a study (falls back to its key)."""
    return str(study.get("label") or study["key"])


def _names(rows: pd.DataFrame, limit: int = 4) -> str:
    """Labels of up to ``limit`` studies, heaviest first."""
    ordered = rows.sort_values(["weight", "key"], ascending=[False, True])
    labels = [_label(r) for _, r in ordered.head(limit).iterrows()]
    more = len(rows) - len(labels)
    return ", ".join(labels) + (f" and {more} more" if more > 0 else "")


def _share(rows: pd.DataFrame, mask: pd.Series, column: str = "base_weight") -> float:
    """Share of ``column``'s total carried by the rows where ``mask`` holds."""
    total = float(rows[column].sum())
    return float(rows.loc[mask, column].sum()) / total if total else 0.0


def _directions_text(directions: Sequence[str]) -> str:
    """``["supports", "supports", "mixed"]`` -> ``"2 support, 1 mixed"`` (fixed order)."""
    counts = Counter(directions)
    return ", ".join(f"{counts[d]} {w}" for d, w in _DIRECTION_WORDS.items() if counts[d])


def _design_summary(body: pd.DataFrame) -> str:
    """``"2 RCT, 1 meta-analysis"`` for the designs in a body."""
    counts = Counter(body["design"])
    return ", ".join(f"{n} {_DESIGN_NAMES.get(d, d.replace('_', ' '))}" for d, n in sorted(counts.items()))


# -- direction ----------------------------------------------------------------------------


def _direction_code(body: pd.DataFrame) -> tuple[str, dict[str, float]]:
    """Verdict code from the weighted directions of a body, and the weight shares."""
    total = float(body["weight"].sum())
    shares = {d: float(body.loc[body["direction"] == d, "weight"].sum()) / total for d in _DIRECTION_WORDS}
    support = shares["supports"] + shares["mixed"] / 2
    against = shares["contradicts"] + shares["no_effect"]
    if shares["supports"] >= CONTEST_SHARE and against >= CONTEST_SHARE and support < SUPPORTED_SHARE:
        return "contested", shares
    if support >= SUPPORTED_SHARE:
        return "supported", shares
    if support >= PARTLY_SHARE:
        return "partly_supported", shares
    return ("contradicted" if shares["contradicts"] >= shares["no_effect"] else "not_supported"), shares


# -- representation -----------------------------------------------------------------------


def _represent(stream: pd.DataFrame, has_parts: bool) -> tuple[pd.DataFrame, dict[str, str]]:
    """Drop primary studies a review in the same stream stands for; return the body and who represents whom."""
    reviews = stream[stream["design"].isin(REVIEWS) & stream["year"].notna()]
    represented: dict[str, str] = {}
    for idx, study in stream.iterrows():
        if study["design"] in REVIEWS or pd.isna(study["year"]):
            continue
        covering = reviews[(reviews["year"] > study["year"]) & (reviews["indirectness"] == study["indirectness"])]
        if has_parts:
            mine = set(filter(None, str(study["parts"]).split("; ")))
            covering = covering[[bool(mine & set(str(p).split("; "))) for p in covering["parts"]]]
        if len(covering):
            heaviest = covering.sort_values(["weight", "key"], ascending=[False, True]).iloc[0]
            represented[idx] = str(heaviest["key"])
    body = stream.drop(index=list(represented))
    return body, {str(stream.loc[i, "key"]): k for i, k in represented.items()}


# -- the GRADE domains --------------------------------------------------------------------


def _start(body: pd.DataFrame) -> int:
    """Starting level index: high (3) when randomised evidence carries half the weight, else low (1)."""
    return 3 if _share(body, body["randomised"].astype(bool)) >= MAJORITY_SHARE else 1


def _risk_of_bias(body: pd.DataFrame, basis: str) -> Domain:
    """Serious when studies with a concern carry at least half the weight."""
    if basis == "preclinical":
        return Domain("risk_of_bias", "not assessed", 0,
                      "Laboratory studies: randomisation and blinding of animal and in-vitro work are not graded.")
    flagged = body[body["rob"] != ""]
    if flagged.empty:
        return Domain("risk_of_bias", "not serious", 0, "")
    share = _share(body, body["rob"] != "")
    concerns = Counter(c for text in flagged["rob"] for c in text.split("; "))
    detail = "; ".join(
        f"{c} ({_names(flagged[flagged['rob'].str.contains(c, regex=False)], 3)})" for c, _ in concerns.most_common()
    )
    if share >= MAJORITY_SHARE:
        return Domain("risk_of_bias", "serious", -1,
                      f"Studies carrying {share:.0%} of the weight have concerns: {detail}.")
    return Domain("risk_of_bias", "not serious", 0,
                  f"Concerns only in studies carrying {share:.0%} of the weight: {detail}.")


def _inconsistency(body: pd.DataFrame, code: str, shares: dict[str, float],
                   parts: Sequence[tuple[str, str, str]]) -> Domain:
    """Serious when studies of comparable weight disagree, or the reviews that carry the body report heterogeneity.

    Disagreement that follows a bundled claim's parts (each part consistent on its own) is explained, as a
    subgroup difference would be, and is not rated down.
    """
    if code == "contested" and parts and not any(c == "contested" for _, c, _ in parts):
        return Domain("inconsistency", "not serious", 0, "Studies disagree only between the claim's parts ("
                      + "; ".join(f"{label}: {c.replace('_', ' ')}" for label, c, _ in parts if c != "no_evidence")
                      + "), each consistent on its own.")
    if code == "contested":
        support = body[body["direction"] == "supports"]
        against = body[body["direction"].isin(["contradicts", "no_effect"])]
        return Domain("inconsistency", "serious", -1,
                      f"Studies of comparable weight disagree: {len(support)} support ({shares['supports']:.0%} of the "
                      f"weight: {_names(support, 3)}), {len(against)} find no effect or the opposite "
                      f"({shares['contradicts'] + shares['no_effect']:.0%}: {_names(against, 3)}).")
    hetero = body["heterogeneity"].astype(bool)
    if hetero.any() and _share(body, hetero) >= MAJORITY_SHARE:
        return Domain("inconsistency", "serious", -1,
                      f"The reviews that carry the body report heterogeneous results ({_names(body[hetero], 3)}).")
    mixed = body[body["direction"] == "mixed"]
    if len(mixed):
        return Domain("inconsistency", "not serious", 0,
                      f"{len(mixed)} {'study reports' if len(mixed) == 1 else 'studies report'} mixed results "
                      f"({_names(mixed, 3)}): a study's own caveats, not disagreement between studies.")
    return Domain("inconsistency", "not serious", 0, "")


def _indirectness(body: pd.DataFrame) -> Domain:
    """Levels held by studies carrying at least half the weight (weighted median of the study levels)."""
    level = max((lv for lv in (1, 2) if _share(body, body["indirect_levels"] >= lv) >= MAJORITY_SHARE), default=0)
    flagged = body[body["indirectness"] != ""]
    reasons = Counter(r for text in flagged["indirectness"] for r in text.split("; "))
    detail = "; ".join(
        f"{r} ({_names(flagged[flagged['indirectness'].str.contains(r, regex=False)], 3)})"
        for r, _ in reasons.most_common()
    )
    if level:
        return Domain("indirectness", "very serious" if level == 2 else "serious", -level, f"{detail}.")
    if len(flagged):
        return Domain("indirectness", "not serious", 0, f"Only in studies carrying a minority of the weight: {detail}.")
    return Domain("indirectness", "not serious", 0, "")


def _size_driven_bias(body: pd.DataFrame, rob: Domain) -> bool:
    """Whether the risk-of-bias downgrade came from small studies alone (size is then counted once)."""
    other = body["rob"].map(lambda text: any(c and not c.startswith("n=") for c in text.split("; ")))
    return rob.change < 0 and _share(body, other) < MAJORITY_SHARE


def _imprecision(body: pd.DataFrame, basis: str, size_counted: bool = False) -> Domain:
    """Participants against the OIS rule of thumb; far below it is very serious unless small size was already
    counted under risk of bias."""
    if basis == "preclinical":
        if len(body) < 2:
            return Domain("imprecision", "serious", -1, "A single laboratory study, not replicated in the snapshot.")
        return Domain("imprecision", "not serious", 0,
                      f"{len(body)} independent laboratory studies (animal numbers are rarely stated; not pooled).")
    stated = body["sample_size"].dropna()
    total = int(stated.sum())
    unknown = len(body) - len(stated)
    note = f" ({unknown} {'study does' if unknown == 1 else 'studies do'} not state a size)" if unknown else ""
    if not len(stated):
        return Domain("imprecision", "serious", -1, f"No study in the body states its size{note}.")
    if total < SMALL_BODY:
        studies = "a single study" if len(body) == 1 else f"{len(body)} studies"
        if size_counted:
            return Domain("imprecision", "serious", -1,
                          f"{total} participants in {studies}, far below an optimal information size{note}; one level "
                          "only, because small size already counted under risk of bias.")
        return Domain("imprecision", "very serious", -2,
                      f"{total} participants in {studies}, far below an optimal information size{note}.")
    if total < OIS:
        return Domain("imprecision", "serious", -1,
                      f"{total:,} participants in {len(body)} {'study' if len(body) == 1 else 'studies'}, fewer than "
                      f"the {OIS} GRADE suggests as an optimal information size{note}.")
    if len(body) == 1:
        return Domain("imprecision", "serious", -1, f"A single study ({total:,} participants), not replicated.")
    return Domain("imprecision", "not serious", 0, f"{total:,} participants in {len(body)} studies{note}.")


def _publication_bias(body: pd.DataFrame) -> Domain:
    """Suspected when a review in the body reports it; otherwise not assessed, and why."""
    flagged = body[body["publication_bias"].astype(bool)]
    if len(flagged):
        return Domain("publication_bias", "suspected", -1,
                      f"Reported by {_names(flagged, 3)} (publication, small-study or selective reporting bias).")
    if len(body) < PUBLICATION_BIAS_MIN_STUDIES:
        return Domain("publication_bias", "not assessed", 0,
                      f"Not assessed: {len(body)} {'study' if len(body) == 1 else 'studies'} (a funnel plot needs "
                      f"{PUBLICATION_BIAS_MIN_STUDIES}).")
    return Domain("publication_bias", "not assessed", 0, "Not assessable: effect sizes are not extracted.")


def _other(body: pd.DataFrame) -> Domain:
    """Rated down once when any judgement in the body is the machine's alone."""
    machine = body[body["review_status"] == "unverified"] if "review_status" in body else body.iloc[0:0]
    if len(machine):
        return Domain("other", "serious", -1,
                      f"{len(machine)} of {len(body)} judgements in the body are the machine's proposals, not checked "
                      f"by a person ({_names(machine, 3)}).")
    return Domain("other", "none", 0, "")


def _review_cap(body: pd.DataFrame) -> tuple[int | None, str] | None:
    """A review's own certainty rating caps ours, unless studies published after it carry half the weight.

    Returns None when no review in the body rates itself, else (level or None when the newer evidence
    outweighs the review, footnote).
    """
    rated = body[body["review_certainty"] != ""]
    if rated.empty:
        return None
    lowest = min(rated["review_certainty"], key=CERTAINTY_LEVELS.index)
    who = rated[rated["review_certainty"] == lowest]
    says = f"{_names(who, 2)} {'rates' if len(who) == 1 else 'rate'} the evidence {lowest} certainty"
    # a study of unknown year, or a review of unknown year, is never "newer"
    newer = (body["year"] > rated["year"].max()).fillna(False).astype(bool)
    if newer.any() and _share(body, newer) >= MAJORITY_SHARE:
        return None, (f"{says}; studies published since ({_names(body[newer], 3)}) carry {_share(body, newer):.0%} "
                      "of the weight, so the body is rated on its own.")
    later = f"; studies published since carry {_share(body, newer):.0%} of the weight" if newer.any() else ""
    return CERTAINTY_LEVELS.index(lowest), f"{says}{later}: our rating cannot be higher."


def _rate(claim: Claim, stream: pd.DataFrame, basis: str) -> _Rating:
    """Represent, weigh and rate one stream."""
    body, represented = _represent(stream, bool(claim.parts))
    code, shares = _direction_code(body)
    rob = _risk_of_bias(body, basis)
    domains = (
        rob, _inconsistency(body, code, shares, _parts(claim, body)), _indirectness(body),
        _imprecision(body, basis, _size_driven_bias(body, rob)), _publication_bias(body), _other(body),
    )
    start = _start(body)
    level = max(0, start + sum(d.change for d in domains))
    cap = _review_cap(body)
    if cap is not None and cap[0] is not None:
        level = min(level, cap[0])
    return _Rating(basis, body, represented, start, domains, cap, level)


# -- the verdict --------------------------------------------------------------------------


def _parts(claim: Claim, body: pd.DataFrame) -> tuple[tuple[str, str, str], ...]:
    """Verdict code and directions per part of a bundled claim (``no_evidence`` when no study speaks to it)."""
    out = []
    for part in claim.parts:
        rows = body[[part.label in str(p).split("; ") for p in body["parts"]]]
        if rows.empty:
            out.append((part.label, "no_evidence", "no study"))
            continue
        out.append((part.label, _direction_code(rows)[0], _directions_text(list(rows["direction"]))))
    return tuple(out)


def _claim_code(code: str, parts: Sequence[tuple[str, str, str]]) -> tuple[str, list[tuple[str, str, str]]]:
    """A bundled claim is only as strong as its weakest part with evidence; name the parts that fall short."""
    judged = [p for p in parts if p[1] != "no_evidence"]
    if not judged:
        return code, []
    weakest = max(judged, key=lambda p: _STRENGTH.index(p[1]))[1]
    short = [p for p in judged if _STRENGTH.index(p[1]) > _STRENGTH.index("supported")]
    if weakest == "supported" or not short:
        return code, []
    if any(p[1] in ("supported", "partly_supported") for p in judged):
        return "partly_supported", short
    return weakest, short


def _footnotes(rating: _Rating, basis_note: str) -> tuple[str, ...]:
    """Start, each domain with something to say, the cap and the other stream, in order."""
    body = rating.body
    randomised = int(body["randomised"].astype(bool).sum())
    if rating.basis == "preclinical":
        start = "Starts high: controlled laboratory experiments."
    elif rating.start == 3:
        start = (f"Starts high: randomised evidence ({randomised} of {len(body)} studies) carries "
                 f"{_share(body, body['randomised'].astype(bool)):.0%} of the weight.")
    else:
        start = ("Starts low: observational or uncontrolled evidence carries most of the weight "
                 f"({_design_summary(body)}).")
    notes = [start]
    notes += [f"{DOMAIN_LABELS[d.name]}: {d.reason}" for d in rating.domains if d.reason]
    if rating.cap is not None:
        notes.append(("Capped: " if rating.cap[0] is not None else "Not capped: ") + rating.cap[1])
    if rating.represented:
        labels = dict(zip(body["key"], body["label"]))
        pairs = Counter(rating.represented.values())
        notes.append("Represented by a review, not counted twice: " + "; ".join(
            f"{n} earlier {'study' if n == 1 else 'studies'} by {labels.get(key, key)}"
            for key, n in sorted(pairs.items())))
    if basis_note:
        notes.append(basis_note)
    return tuple(notes)


def _not_voting(kept: pd.DataFrame) -> str:
    """Footnote naming the studies that inform but do not vote, grouped by why."""
    quiet = kept[~kept["votes"].astype(bool)]
    if quiet.empty:
        return ""
    groups = []
    for role, rows in quiet.groupby("role", sort=True):
        items = ", ".join(f"{_label(r)} ({_DIRECTION_WORDS.get(r['direction'], r['direction'])})"
                          for _, r in rows.sort_values("key").iterrows())
        groups.append(f"{role}: {items}")
    return "Inform but do not vote: " + "; ".join(groups) + "."


def _streams_text(kept: pd.DataFrame) -> str:
    """``"human: 3 support, 1 no effect (2 context); animal: 2 support"`` over every kept study."""
    parts = []
    for stream in ("human", "animal", "in_vitro", "unknown"):
        rows = kept[kept["stream"] == stream]
        if rows.empty:
            continue
        votes = _directions_text(list(rows.loc[rows["votes"].astype(bool), "direction"])) or "no vote"
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


def _words(code: str, counts: str, certainty: str, basis: str, failing: Sequence[tuple[str, str, str]]) -> str:
    """The verdict sentence, from the code and the same counts the tables show."""
    text = f"{VERDICT_WORDS[code]}: {counts} ({certainty} certainty, {basis} evidence)"
    if failing:
        text += "; falls short for " + "; ".join(
            f"{label} ({VERDICT_WORDS[c].lower()}: {d})" for label, c, d in failing)
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
        n_body=0, n_participants=0, n_size_unknown=0, body_counts={}, design_summary="", parts=(), represented={},
        key_pmids=tuple(s for s in sources if not s.startswith("http")), fact_sources=sources,
    )


def synthesize_claim(claim: Claim, studies: pd.DataFrame, exclude_unverified: bool = False) -> ClaimVerdict:
    """Verdict for one claim from its appraised study assessments, with and without the disputed studies.

    Disputed studies (``review_status == "disputed"``) never vote; when one
    would vote once resolved, the verdict also says what it would be with
    them (:attr:`ClaimVerdict.verdict_with_disputed`, and a footnote).

    Parameters
    ----------
    claim : Claim
    studies : pandas.DataFrame
        This claim's assessments with the appraisal columns
        (:func:`litreview.appraisal.appraise`) and ``year``.
    exclude_unverified : bool
        Leave machine-only judgements out of the body instead of rating the
        body down for them.

    Returns
    -------
    ClaimVerdict
    """
    verdict = _synthesize_claim(claim, studies, exclude_unverified)
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
    code = _synthesize_claim(claim, settled, exclude_unverified).verdict_code
    labels = ", ".join(_label(r) for _, r in disputed.sort_values("key").iterrows())
    effect = ("the verdict stays the same" if code == verdict.verdict_code
              else f"the verdict would be {VERDICT_WORDS[code].lower()} instead")
    note = (f"Disputed by reviewers, left out of the vote until resolved: {labels}; with "
            f"{'it' if len(disputed) == 1 else 'them'} {effect}.")
    return replace(verdict, verdict_with_disputed=code, footnotes=(*verdict.footnotes, note))


def _synthesize_claim(claim: Claim, studies: pd.DataFrame, exclude_unverified: bool) -> ClaimVerdict:
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
        return _ungraded(base, "insufficient",
                         f"Insufficient evidence: {len(kept)} {'study informs' if len(kept) == 1 else 'studies inform'}"
                         " the claim but none tests it", footnotes=(_not_voting(kept),))
    if claim.kind == "molecular_pharmacology":
        human_weight = _share(voting, voting["stream"] == "human", "weight")
        ratings = [_rate(claim, voting, "human" if human_weight >= MAJORITY_SHARE else "preclinical")]
    else:
        ratings = _stream_ratings(claim, voting)
    chosen = max(ratings, key=lambda r: (r.level, r.basis == "human"))
    other = [r for r in ratings if r is not chosen]
    basis_note = ""
    if other:
        o = other[0]
        basis_note = (f"The verdict rests on the {chosen.basis} evidence ({CERTAINTY_LEVELS[chosen.level]} certainty); "
                      f"{o.basis} evidence: {_directions_text(list(o.body['direction']))} "
                      f"({CERTAINTY_LEVELS[o.level]} certainty, {_direction_code(o.body)[0].replace('_', ' ')}).")
    body = chosen.body
    parts = _parts(claim, body)
    code, failing = _claim_code(_direction_code(body)[0], parts)
    if chosen.level == 0 and len(body) + len(chosen.represented) == 1:
        code = "insufficient"
    certainty = CERTAINTY_LEVELS[chosen.level]
    counts = _directions_text(list(body["direction"]))
    stated = body["sample_size"].dropna()
    return ClaimVerdict(
        **base,
        verdict_code=code,
        verdict=_words(code, counts, certainty, chosen.basis, failing),
        certainty=certainty,
        basis=chosen.basis,
        start=CERTAINTY_LEVELS[chosen.start],
        domains=chosen.domains,
        footnotes=tuple(filter(None, (*_footnotes(chosen, basis_note), _not_voting(kept)))),
        n_body=len(body),
        n_participants=int(stated.sum()),
        n_size_unknown=len(body) - len(stated),
        body_counts=dict(Counter(body["direction"])),
        design_summary=_design_summary(body),
        parts=parts,
        represented=chosen.represented,
        key_pmids=_key_studies(body, code),
    )


def _stream_ratings(claim: Claim, voting: pd.DataFrame) -> list[_Rating]:
    """A rating for the human stream and one for the preclinical stream, where each has votes."""
    human = voting[voting["stream"] == "human"]
    preclinical = voting[voting["stream"] != "human"]
    return [_rate(claim, rows, basis) for rows, basis in ((human, "human"), (preclinical, "preclinical"))
            if not rows.empty]


def _disagreement(claim: Claim) -> str:
    """Where seed articles disagree about the claim (its note and conflicting claims)."""
    parts = []
    if claim.conflicts_with:
        parts.append("conflicts with " + ", ".join(claim.conflicts_with))
    if claim.note:
        parts.append(claim.note)
    return "; ".join(parts)


def synthesize(claims: Sequence[Claim], studies: pd.DataFrame, exclude_unverified: bool = False) -> list[ClaimVerdict]:
    """Verdicts for every claim, in register order.

    Parameters
    ----------
    claims : sequence of Claim
    studies : pandas.DataFrame
        Appraised assessments of every claim (see :func:`synthesize_claim`).
    exclude_unverified : bool
        Leave machine-only judgements out instead of rating down for them.

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
    # only the columns synthesis reads: row selections on the full assessment table cost five times more
    narrow = studies[[*needed, *(["review_status"] if "review_status" in studies.columns else [])]]
    groups = {cid: rows for cid, rows in narrow.groupby("claim_id", sort=False)}
    return [synthesize_claim(c, groups.get(c.id, narrow.iloc[0:0]), exclude_unverified) for c in claims]
