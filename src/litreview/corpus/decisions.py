"""Reviewer decisions: an append-only log of who screened or judged what, when and why.

Each reviewer appends to their own file, ``corpus/decisions/<reviewer>.jsonl``
(so two reviewers working in parallel never edit one file); the older shared
``corpus/decisions.jsonl`` is still read. Every file holds one JSON object per
line, appended by ``litreview decide`` and by the notebook panels, never
rewritten::

    {"key": "31452104", "stage": "screen", "decision": "exclude", "reason": "wrong population",
     "reviewer": "alice", "time": "2026-11-30T09:12:03Z"}
    {"key": "31452104", "claim": "bdnf_increase", "stage": "judge", "direction": "contradicts",
     "reason": "BDNF fell after ketamine", "reviewer": "alice", "time": "2026-11-30T09:13:40Z"}
    {"key": "rapid_onset", "claim": "rapid_onset", "stage": "grade", "domain": "risk_of_bias",
     "judgement": "serious", "reason": "allocation concealment unclear", "reviewer": "alice", "time": "..."}

Fields: ``key`` (record key), ``stage`` (``screen``: title/abstract
screening, ``fulltext``: full-text screening of what passed, or ``judge``),
``reviewer`` (one word, at most 64 characters), ``time`` (ISO 8601 with a time
zone, stored in UTC); for ``screen`` and ``fulltext`` a ``decision``
(``include``/``exclude``) and a ``reason`` from that stage's list in the
review's ``protocol.toml`` (:mod:`litreview.corpus.protocol`; :data:`REASONS`
by default); for ``judge`` a ``claim`` and at least one of ``direction``, ``design``, ``population``, ``n`` (the vocabularies of
:mod:`litreview.evidence`) with an optional free-text ``reason``; for ``grade``
(a reviewer's override of a claim's GRADE rating) the claim as ``key`` and
``claim``, a ``domain`` from :data:`~litreview.corpus.decision_schema.GRADE_TARGETS` with a ``judgement`` from
:data:`~litreview.corpus.decision_schema.GRADE_JUDGEMENTS`, or ``verdict`` with a ``verdict`` from
:data:`~litreview.corpus.decision_schema.GRADED_VERDICTS`, and a required ``reason``; optionally a ``note`` and
``"resolution": true``.

How the log is read:

1. Per (record, claim, stage, reviewer) the latest decision wins (by time, then
   by line); the full history stays in the file and in :attr:`DecisionLog.decisions`.
2. The curator's register judgements count as one reviewer named ``curator``
   (:meth:`DecisionLog.with_curator`), dated the day the record entered the
   snapshot, so a later decision the curator logs replaces them.
3. Reviewers whose latest decisions on an item agree decide it; when they
   disagree on any field the item is a *conflict*, left out of verdicts until
   someone logs a decision marked ``resolution``: the latest resolution then
   decides (fields it leaves out keep the values the reviewers agree on). A
   resolution of an item with no disagreement is refused.
4. Screening is blind: :meth:`DecisionLog.visible` hides other reviewers'
   decisions on an item from a reviewer until that reviewer has decided it.

One decision (:class:`~litreview.corpus.decision_schema.Decision`), the stages'
vocabularies (``REASONS``, ``GRADE_TARGETS``...) and the rules every line is
checked against are in :mod:`litreview.corpus.decision_schema`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from .._io import append_jsonl, read_jsonl
from ..errors import CorpusError
from .agreement import cohen_kappa, kappa_table
from .decision_schema import (
    CURATOR,
    JUDGED_FIELDS,
    RECORD_STAGES,
    Decision,
    Reasons,
    _parse,
    check_reviewer,
    make_decision,
)
from .protocol import DEFAULT_REASONS, load_protocol
from .snapshot import Snapshot, curated_fields

__all__ = [
    "Outcome",
    "DecisionLog",
    "load_decisions",
    "cohen_kappa",
    "OrphanDecisionWarning",
    "warn_orphans",
]


@dataclass(frozen=True)
class Outcome:
    """What the people decided about one item, after the log is read.

    Attributes
    ----------
    key, claim, stage
        The item (``claim`` is None for screening).
    status : str
        ``decided`` or ``conflict``.
    values : dict
        The decided values (``decision`` when screening; judged fields when
        judging). On a conflict, only the fields the reviewers agree on.
    decided_by : Decision or None
        The decision whose values count (the resolution, else the latest of the
        agreeing decisions); None on a conflict.
    decisions : tuple of Decision
        Each reviewer's latest decision on the item, then any resolution.
    conflicting : tuple of str
        Fields on which the reviewers disagree (resolved or not).
    """

    key: str
    claim: str | None
    stage: str
    status: str
    values: dict[str, Any]
    decided_by: Decision | None
    decisions: tuple[Decision, ...]
    conflicting: tuple[str, ...] = ()

    @property
    def judged_by(self) -> str | None:
        """``curator`` or ``reviewer:<name>`` for a decided item; None on a conflict."""
        return self.decided_by.judged_by if self.decided_by is not None else None

    @property
    def reason(self) -> str | None:
        """The deciding decision's reason."""
        return self.decided_by.reason if self.decided_by is not None else None

    def describe(self) -> str:
        """Every reviewer's latest decision, ``; ``-separated."""
        return "; ".join(d.describe() for d in self.decisions)


def _order(decision: Decision) -> tuple[str, int]:
    """Sort key: time, then line (the curator's register judgements have line -1)."""
    return (decision.time, decision.line)


def _resolve(item: tuple[str, str | None, str], latest: list[Decision], resolution: Decision | None) -> Outcome:
    """Combine reviewers' latest decisions (and the latest resolution) into an Outcome."""
    given: dict[str, set[Any]] = {}
    for decision in latest:
        for name, value in decision.values.items():
            given.setdefault(name, set()).add(value)
    conflicting = tuple(name for name, seen in given.items() if len(seen) > 1)
    agreed = {name: next(iter(seen)) for name, seen in given.items() if len(seen) == 1}
    shown = tuple(sorted(latest, key=lambda d: d.reviewer)) + ((resolution,) if resolution else ())
    if resolution is not None:
        return Outcome(*item, "decided", {**agreed, **resolution.values}, resolution, shown, conflicting)
    if conflicting:
        return Outcome(*item, "conflict", agreed, None, shown, conflicting)
    return Outcome(*item, "decided", agreed, max(latest, key=_order), shown)


@dataclass(frozen=True)
class DecisionLog:
    """Every decision in a log, in file order, and how they resolve.

    Attributes
    ----------
    decisions : tuple of Decision
        The full history (the curator's register judgements first, when merged).
    path : Path or None
        The shared log file ``decisions.jsonl`` (read; written only when there
        is no ``folder``).
    folder : Path or None
        The per-reviewer folder: :meth:`append` writes to ``<folder>/<reviewer>.jsonl``.
    reasons : mapping
        The reasons offered per record stage and decision (the protocol's).
    """

    decisions: tuple[Decision, ...] = ()
    path: Path | None = None
    folder: Path | None = None
    reasons: Reasons = field(default_factory=lambda: DEFAULT_REASONS)

    def make(self, key: str, stage: str, reviewer: str, **values: Any) -> Decision:
        """:func:`make_decision` with this log's reasons."""
        return make_decision(key, stage, reviewer, reasons=self.reasons, **values)

    def __len__(self) -> int:
        return len(self.decisions)

    def __iter__(self) -> Iterator[Decision]:
        return iter(self.decisions)

    def latest(self) -> dict[tuple[str, str | None, str, str], Decision]:
        """The latest non-resolution decision per (key, claim, stage, reviewer)."""
        out: dict[tuple[str, str | None, str, str], Decision] = {}
        for decision in sorted(self.decisions, key=_order):
            if not decision.resolution:
                out[(*decision.item, decision.reviewer)] = decision
        return out

    def outcomes(self, stage: str | None = None) -> dict[tuple[str, str | None, str], Outcome]:
        """The outcome of every item decided at least once (optionally of one stage).

        Returns
        -------
        dict
            ``(key, claim, stage)`` -> :class:`Outcome`.
        """
        per_item: dict[tuple[str, str | None, str], list[Decision]] = {}
        for (key, claim, item_stage, _), decision in self.latest().items():
            per_item.setdefault((key, claim, item_stage), []).append(decision)
        resolutions: dict[tuple[str, str | None, str], Decision] = {}
        for decision in sorted(self.decisions, key=_order):
            if decision.resolution:
                resolutions[decision.item] = decision
                per_item.setdefault(decision.item, [])
        return {
            item: _resolve(item, per_item[item], resolutions.get(item))
            for item in sorted(per_item, key=lambda i: (i[2], i[0], i[1] or ""))
            if stage is None or item[2] == stage
        }

    def outcome(self, key: str, claim: str | None, stage: str) -> Outcome | None:
        """The outcome of one item, or None when nobody decided it."""
        return self.outcomes(stage).get((key, claim, stage))

    def with_curator(self, snapshot: Snapshot) -> DecisionLog:
        """This log with the curator's register judgements added as reviewer ``curator``.

        Each curated record gets a screen decision (include, "meets inclusion
        criteria") and each (record, claim) judgement a judge decision with the
        curator's direction, design, population and n, dated the day the record
        entered the snapshot (its provenance ``retrieved`` date).
        """
        added: list[Decision] = []
        screened: set[str] = set()
        for judgement in snapshot.curated:
            origin = snapshot.provenance.get(judgement.key)
            when = f"{origin.retrieved}T00:00:00Z" if origin is not None else "0001-01-01T00:00:00Z"
            if judgement.key not in screened:
                screened.add(judgement.key)
                added.append(Decision(judgement.key, "screen", CURATOR, when, decision="include",
                                      reason=self.reasons["screen"]["include"][0], line=-1))
            design, population, direction = curated_fields(judgement)
            added.append(Decision(judgement.key, "judge", CURATOR, when, claim=judgement.claim_id,
                                  direction=direction, design=design, population=population, n=judgement.n,
                                  reason=judgement.finding or None, line=-1))
        return replace(self, decisions=(*added, *self.decisions))

    def file_for(self, reviewer: str) -> Path | None:
        """Where this reviewer's decisions are appended (None: the log has no file)."""
        return self.folder / f"{check_reviewer(reviewer)}.jsonl" if self.folder is not None else self.path

    def append(self, decision: Decision) -> DecisionLog:
        """Append one decision to the reviewer's file (one JSON line) and return the longer log.

        Raises
        ------
        CorpusError
            The log has no file, its file cannot be written (nothing is appended)
            or its last line is incomplete, or the decision is a resolution of
            an item on which nobody disagrees.
        """
        target = self.file_for(decision.reviewer)
        if target is None:
            raise CorpusError("this decision log has no file to append to")
        if decision.resolution:
            outcome = self.outcome(*decision.item)
            if outcome is None or not outcome.conflicting:
                what = f"{decision.key}{' / ' + decision.claim if decision.claim else ''}"
                raise CorpusError(f"no conflict to resolve on {what} at the {decision.stage} stage "
                                  "(see litreview decisions --conflicts)")
        line = max((d.line for d in self.decisions), default=0) + 1
        append_jsonl(target, decision.to_dict())
        return replace(self, decisions=(*self.decisions, replace(decision, line=line)))

    def orphans(self, records: Iterable[str], claims: Iterable[str]) -> list[tuple[Decision, str]]:
        """Logged decisions on a record key or claim the corpus lacks, each with a one-line reason.

        Parameters
        ----------
        records : iterable of str
            The snapshot's record keys.
        claims : iterable of str
            The claims register's ids.

        Returns
        -------
        list of (Decision, str)
            In log order; these decisions count for nothing (a claim removed or
            renamed, a record no longer in the snapshot).
        """
        keys, ids = set(records), set(claims)
        found = []
        for d in self.decisions:
            if d.line < 1:
                continue
            if d.key not in keys and d.stage != "grade":  # a GRADE override's key is its claim
                found.append((d, f"record {d.key!r} is not in the snapshot"))
            elif d.claim is not None and d.claim not in ids:
                found.append((d, f"claim {d.claim!r} is not in the claims register"))
        return found

    def visible(self, key: str, claim: str | None, stage: str, reviewer: str) -> Outcome | None:
        """The item's outcome as ``reviewer`` may see it: None until they have decided it (blind review)."""
        if (key, claim, stage, reviewer) not in self.latest():
            return None
        return self.outcome(key, claim, stage)

    def disputed_records(self) -> dict[str, str]:
        """Records with an unresolved conflict at a record stage: key -> stage (the first such stage)."""
        out: dict[str, str] = {}
        for stage in RECORD_STAGES:
            for (key, _, _), outcome in self.outcomes(stage).items():
                if outcome.status == "conflict":
                    out.setdefault(key, stage)
        return out

    def grade_overrides(self) -> dict[str, dict[str, Outcome]]:
        """Decided grade-stage overrides: claim id -> {GRADE domain or ``verdict`` -> outcome}.

        Conflicting reviewers override nothing until a resolution settles them.
        """
        out: dict[str, dict[str, Outcome]] = {}
        for (key, item, _), outcome in self.outcomes("grade").items():
            if outcome.status == "decided" and item is not None:
                out.setdefault(key, {})[item.split("#", 1)[1]] = outcome
        return out

    def reviewers(self, stage: str | None = None) -> list[str]:
        """Reviewer names (resolutions aside), sorted."""
        return sorted({d.reviewer for d in self.decisions if stage in (None, d.stage) and not d.resolution})

    def to_frame(self) -> pd.DataFrame:
        """The history, one row per decision, oldest first."""
        columns = ["time", "reviewer", "stage", "key", "claim", "decision", *JUDGED_FIELDS, "domain", "judgement",
                   "verdict", "reason", "note", "resolution", "line"]
        rows = [{**{c: getattr(d, c) for c in columns}} for d in sorted(self.decisions, key=_order)]
        frame = pd.DataFrame(rows, columns=columns)
        frame["n"] = frame["n"].astype("Int64")
        return frame

    def conflicts(self) -> pd.DataFrame:
        """Unresolved conflicts: ``stage, key, claim, fields`` (in conflict), ``decisions`` (who said what)."""
        rows = [
            {"stage": o.stage, "key": o.key, "claim": o.claim, "fields": ", ".join(o.conflicting),
             "decisions": o.describe()}
            for o in self.outcomes().values() if o.status == "conflict"
        ]
        return pd.DataFrame(rows, columns=["stage", "key", "claim", "fields", "decisions"])

    def kappa(self) -> pd.DataFrame:
        """Cohen's kappa per stage between every two reviewers (:func:`~litreview.corpus.agreement.kappa_table`)."""
        return kappa_table(self.latest())


class OrphanDecisionWarning(UserWarning):
    """Logged decisions name a record or a claim the corpus no longer has, so they are left out."""


def warn_orphans(log: DecisionLog, records: Iterable[str], claims: Iterable[str]) -> int:
    """Warn (:class:`OrphanDecisionWarning`) with the count of decisions left out as orphans; return it."""
    count = len(log.orphans(records, claims))
    if count:
        warnings.warn(OrphanDecisionWarning(
            f"{log.path}: {count} decision{'s' * (count != 1)} left out: their record or claim is not in the "
            "corpus (`litreview check` lists them)"), stacklevel=2)
    return count


def load_decisions(path: str | os.PathLike[str], snapshot: Snapshot | None = None) -> DecisionLog:
    """Read and validate a decisions log; a missing file is an empty log.

    Parameters
    ----------
    path : str or PathLike
        ``corpus/decisions.jsonl``, the shared log; the per-reviewer files in
        the folder beside it (``corpus/decisions/*.jsonl``) are read with it,
        and new decisions go there.
    snapshot : Snapshot, optional
        When given, the curator's register judgements join the log as reviewer
        ``curator`` (:meth:`DecisionLog.with_curator`).

    The reasons a decision may give are those of ``protocol.toml`` beside the
    log (:func:`~litreview.corpus.protocol.load_protocol`), else the defaults.

    Returns
    -------
    DecisionLog

    Raises
    ------
    CorpusError
        A line is not JSON or breaks a rule (one line naming the file and line,
        e.g. ``corpus/decisions.jsonl: line 3: unknown reason to exclude 'wrong dose'``),
        or a reviewer's file holds another reviewer's decision.
    """
    path = Path(path)
    folder = path.with_suffix("")
    reasons = load_protocol(path.parent / "protocol.toml").reasons
    decisions: list[Decision] = []
    if path.is_dir():
        raise CorpusError("is a directory, not a file: decisions cannot be read or recorded", str(path))
    files = [path] if path.is_file() else []
    files += sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    for file in files:
        for number, row in read_jsonl(file):
            decision = _parse(row, f"line {number}", str(file), number, reasons)
            if file != path and decision.reviewer != file.stem:
                raise CorpusError(f"line {number}: a decision by {decision.reviewer!r} in {file.stem!r}'s file",
                                  str(file))
            decisions.append(decision)
    log = DecisionLog(tuple(decisions), path, folder, reasons)
    return log.with_curator(snapshot) if snapshot is not None else log
