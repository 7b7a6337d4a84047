"""How a claim's verdict code is decided: representation by reviews, each stream's rating, the claim-level rules.

:mod:`litreview.synthesis.grade` builds the verdict (its words, footnotes and counts) from the
:class:`_Decision` made here:

1. **Representation.** A review represents the studies of its stream it could contain (published
   before it, same population and indirectness, a shared part of a bundled claim), at most as many
   as it says it pooled for the claim's comparison; those are not counted twice.
2. **Rating.** Each stream's body is rated by :mod:`litreview.synthesis.grade_rules` (direction,
   start, six domains, rating up, a review's cap scoped to what it rated), with any reviewer
   override of a domain in place; a bundled claim's parts are rated one by one.
3. **Claim-level rules.** The verdict rests on the stream with the higher certainty (the human one
   on a tie); a bundled claim is as strong as its weakest part; a claim about people supported only
   by preclinical work is at most partly supported; a single study at very low certainty is
   insufficient; a low-harm claim facing harm evidence with no supporting study is not supported;
   a reviewer's verdict, when set, comes last.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..corpus.claims import Claim
from ..corpus.decision_schema import GRADE_JUDGEMENTS
from ..corpus.decisions import Outcome
from .appraisal import PEOPLE_KINDS, REVIEWS
from .grade_rules import (
    CERTAINTY_LEVELS,
    MAJORITY_SHARE,
    Domain,
    PartVerdict,
    _direction_code,
    _names,
    _share,
    directions_text,
    grade_domains,
    rating_up,
    review_cap,
    same_side,
)

#: A claim's reviewer overrides: GRADE domain or ``verdict`` -> the decided grade-stage outcome.
Overrides = Mapping[str, Outcome]
#: Claim effects that assert a harm is low (a low-harm claim).
LOW_HARM_EFFECTS = ("is_low",)
_STRENGTH = ("supported", "partly_supported", "contested", "not_supported", "contradicted")


@dataclass(frozen=True)
class _Rating:
    """A rated body of evidence (one stream)."""

    basis: str
    body: pd.DataFrame
    represented: dict[str, str]
    code: str
    shares: dict[str, float]
    parts: tuple[PartVerdict, ...]
    start: int
    domains: tuple[Domain, ...]
    up: int
    up_note: str
    rated: int
    cap: int | None
    scoped: int | None
    cap_note: str
    level: int


@dataclass(frozen=True)
class _Decision:
    """The verdict code of a claim and the ratings it came from."""

    chosen: _Rating
    others: tuple[_Rating, ...]
    code: str
    rules_code: str
    failing: tuple[PartVerdict, ...]
    human_code: str
    rule_notes: tuple[str, ...]


# -- representation -----------------------------------------------------------------------


def _could_contain(review: dict[str, object], study: dict[str, object], has_parts: bool) -> bool:
    """Whether ``review`` could contain ``study``: published before it, same population, indirectness and part."""
    mine = set(filter(None, str(study["parts"]).split("; ")))
    return bool(review["year"] > study["year"] and review["indirectness"] == study["indirectness"]
                and review["population"] in (study["population"], "mixed")
                and (not has_parts or mine & set(str(review["parts"]).split("; "))))


def _represent(stream: pd.DataFrame, has_parts: bool) -> tuple[pd.DataFrame, dict[str, str]]:
    """Drop the studies a review in the same stream could contain; return the body and who represents whom.

    A review could contain a study published before it, of the same population and indirectness (intervention,
    outcome) and, for a bundled claim, a shared part; a review stating how many studies it pooled for the claim's
    comparison represents at most that many (the earliest first). An earlier review of the same comparison is
    represented by a later one that pools at least as many studies (both counts stated), and uses up that many:
    no study is counted twice.
    """
    names = ("key", "design", "year", "indirectness", "population", "parts", "weight", "k_comparison")
    rows = [dict(zip(names, values)) for values in zip(*(stream[n] for n in names))]
    index = list(stream.index)
    reviews = [(i, r) for i, r in zip(index, rows) if r["design"] in REVIEWS and not pd.isna(r["year"])]
    if not reviews:
        return stream, {}
    reviews.sort(key=lambda ir: (-ir[1]["weight"], ir[1]["key"]))
    room = {r["key"]: (int(r["k_comparison"]) if not pd.isna(r["k_comparison"]) else None) for _, r in reviews}
    represented: dict[object, str] = {}
    for idx, earlier in sorted(reviews, key=lambda ir: (ir[1]["year"], ir[1]["key"])):
        need = room[earlier["key"]]
        for _, later in reviews:
            space = room[later["key"]]
            if (need is not None and space is not None and space >= need and _could_contain(later, earlier, has_parts)):
                represented[idx] = str(later["key"])
                room[later["key"]] = space - need
                break
    standing = [(i, r) for i, r in reviews if i not in represented]
    primaries = sorted((ir for ir in zip(index, rows) if ir[1]["design"] not in REVIEWS and not pd.isna(ir[1]["year"])),
                       key=lambda ir: (ir[1]["year"], ir[1]["key"]))
    for idx, study in primaries:
        for _, review in standing:
            space = room[review["key"]]
            if (space is None or space > 0) and _could_contain(review, study, has_parts):
                represented[idx] = str(review["key"])
                if space is not None:
                    room[review["key"]] = space - 1
                break
    if not represented:
        return stream, {}
    body = stream.drop(index=list(represented))
    return body, {str(stream.loc[i, "key"]): k for i, k in represented.items()}


# -- rating -------------------------------------------------------------------------------


def _level(start: int, domains: Sequence[Domain]) -> int:
    """Start plus the domains' changes, never below very low."""
    return max(0, start + sum(d.change for d in domains))


def _overridden(domains: Sequence[Domain], overrides: Overrides) -> tuple[Domain, ...]:
    """The domains with each reviewer override in place, the rules' judgement kept in the footnote."""
    out = []
    for domain in domains:
        decided = overrides.get(domain.name)
        if decided is None or decided.decided_by is None:
            out.append(domain)
            continue
        judgement = decided.values["judgement"]
        said = domain.judgement + (f" ({domain.change})" if domain.change else "")
        out.append(Domain(domain.name, judgement, GRADE_JUDGEMENTS[judgement],
                          f"set to {judgement} by reviewer {decided.decided_by.reviewer}: {decided.reason} (the rules "
                          f"said {said}{': ' + domain.reason if domain.reason else ''})"))
    return tuple(out)


def _rate_body(body: pd.DataFrame, basis: str, represented: dict[str, str],
               parts: tuple[PartVerdict, ...] = (), overrides: Overrides | None = None) -> _Rating:
    """Rate one body: direction, domains (with any reviewer override), and a review's cap scoped to its comparison."""
    code, shares = _direction_code(body)
    start, domains = grade_domains(body, basis, code, shares, parts)
    domains = _overridden(domains, overrides or {})
    up, up_note = rating_up(body, start, domains)
    rated = level = min(len(CERTAINTY_LEVELS) - 1, _level(start, domains) + up)
    cap = scoped = None
    note = ""
    found = review_cap(body)
    if found is not None:
        cap, says, outside = found
        level = min(rated, cap)
        note = f"Capped: {says} for the comparison it reviewed: our rating cannot be higher."
        if outside.any():
            sub = body[outside]
            sub_code, sub_shares = _direction_code(sub)
            sub_level = _level(*grade_domains(sub, basis, sub_code, sub_shares))
            who = f"{len(sub)} {'study' if len(sub) == 1 else 'studies'} outside it ({_names(sub, 3)})"
            rate, point = ("rates", "points") if len(sub) == 1 else ("rate", "point")
            if same_side(sub_code, code) and sub_level > level:
                scoped = level = sub_level
                note = (f"Not capped: {says} for the comparison it reviewed; {who}, published later or in another "
                        f"population or intervention, {rate} {CERTAINTY_LEVELS[sub_level]} on their own and {point} "
                        "the same way, so the body takes the better-supported rating.")
            else:
                note = (f"Capped: {says} for the comparison it reviewed; {who} {rate} "
                        f"{CERTAINTY_LEVELS[sub_level]} on their own ({sub_code.replace('_', ' ')}), which does not "
                        "lift the cap.")
    return _Rating(basis, body, represented, code, shares, parts, start, domains, up, up_note, rated, cap, scoped,
                   note, level)


def _rate(claim: Claim, stream: pd.DataFrame, basis: str, overrides: Overrides) -> _Rating:
    """Represent, weigh and rate one stream."""
    body, represented = _represent(stream, bool(claim.parts))
    return _rate_body(body, basis, represented, _parts(claim, body, basis), overrides)


def _parts(claim: Claim, body: pd.DataFrame, basis: str) -> tuple[PartVerdict, ...]:
    """Verdict and certainty per part of a bundled claim (``no_evidence`` when no study speaks to it)."""
    out = []
    for part in claim.parts:
        rows = body[[part.label in str(p).split("; ") for p in body["parts"]]]
        if rows.empty:
            out.append(PartVerdict(part.label, "no_evidence", "no study", ""))
            continue
        rating = _rate_body(rows, basis, {})
        out.append(PartVerdict(part.label, rating.code, directions_text(list(rows["direction"])),
                               CERTAINTY_LEVELS[rating.level]))
    return tuple(out)


# -- the verdict code ---------------------------------------------------------------------


def _claim_code(code: str, parts: Sequence[PartVerdict]) -> tuple[str, tuple[PartVerdict, ...]]:
    """A bundled claim is only as strong as its weakest part with evidence; name the parts that fall short."""
    judged = [p for p in parts if p.code != "no_evidence"]
    if not judged:
        return code, ()
    weakest = max(judged, key=lambda p: _STRENGTH.index(p.code)).code
    short = tuple(p for p in judged if _STRENGTH.index(p.code) > _STRENGTH.index("supported"))
    if weakest == "supported" or not short:
        return code, ()
    if any(p.code in ("supported", "partly_supported") for p in judged):
        return "partly_supported", short
    return weakest, short


def _low_harm_without_support(claim: Claim, voting: pd.DataFrame, kept: pd.DataFrame) -> bool:
    """A low-harm claim facing harm evidence, with no adequately sized study supporting low harm."""
    if claim.kind != "harms" or claim.effect not in LOW_HARM_EFFECTS:
        return False
    supported = voting["direction"].isin(["supports", "mixed"]).any()
    return not supported and bool((kept["direction"] == "contradicts").any())


_LOW_HARM_NOTE = ("Low-harm claim: studies report the harm and no study large enough to rule it out (n >= 100) "
                  "finds it low, so the claim is not supported.")


@dataclass
class _Context:
    """What every rating of one claim shares: the claim, its kept studies, reviewer overrides, a rating cache."""

    claim: Claim
    kept: pd.DataFrame
    overrides: Overrides
    cache: dict[object, _Rating] = field(default_factory=dict)

    def rate(self, stream: pd.DataFrame, basis: str) -> _Rating:
        """:func:`_rate`, remembered per (basis, studies, directions): robustness re-rates unchanged streams."""
        key = (basis, tuple(stream.index), tuple(stream["direction"]))
        if key not in self.cache:
            self.cache[key] = _rate(self.claim, stream, basis, self.overrides)
        return self.cache[key]


def _decide(context: _Context, voting: pd.DataFrame) -> _Decision:
    """Rate the streams, choose the basis and apply the claim-level rules (the reviewer's verdict, when set, last)."""
    claim, kept = context.claim, context.kept
    if claim.kind == "molecular_pharmacology":
        human_weight = _share(voting, voting["stream"] == "human", "weight")
        ratings = [context.rate(voting, "human" if human_weight >= MAJORITY_SHARE else "preclinical")]
    else:
        human = voting["stream"] == "human"
        ratings = [context.rate(voting[mask], basis)
                   for mask, basis in ((human, "human"), (~human, "preclinical")) if mask.any()]
    chosen = max(ratings, key=lambda r: (r.level, r.basis == "human"))
    human_code = next((r.code for r in ratings if r.basis == "human"), "")
    code, failing = _claim_code(chosen.code, chosen.parts)
    notes = []
    if (claim.kind in PEOPLE_KINDS and chosen.basis == "preclinical" and code == "supported"
            and human_code != "supported"):
        code = "partly_supported"
        notes.append("A claim about people: the support comes from animal or in-vitro work and the human evidence "
                     f"falls short ({human_code.replace('_', ' ') or 'none votes'}), so at most partly supported.")
    if chosen.level == 0 and len(chosen.body) + len(chosen.represented) == 1:
        code = "insufficient"
    if _low_harm_without_support(claim, voting, kept) and code != "contradicted":
        code = "not_supported"
        notes.append(_LOW_HARM_NOTE)
    rules_code = code
    decided = context.overrides.get("verdict")
    if decided is not None and decided.decided_by is not None:
        code = decided.values["verdict"]
        notes.append(f"Verdict set to {code.replace('_', ' ')} by reviewer {decided.decided_by.reviewer}: "
                     f"{decided.reason} (the rules gave {rules_code.replace('_', ' ')}).")
    return _Decision(chosen, tuple(r for r in ratings if r is not chosen), code, rules_code, failing, human_code,
                     tuple(notes))
