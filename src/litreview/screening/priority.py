"""Active-learning prioritisation: rank the unscreened records by what the reviewers decided so far.

:class:`ScreeningModel` turns each record's title and abstract into TF-IDF
features once (1-2-grams, sublinear counts, the title counted twice: it is the
densest part), then retrains a linear SVM on the decisions so far, includes
weighted up as in ASReview's tuned default, and ranks the unscreened records,
most likely include first (ASReview's "maximum" query). Records with neither
title nor abstract give a text model nothing to rank: rather than leaving them
to the end, where a reviewer who stops early never sees them, they are queued
first as soon as the model's run dries up (:data:`DRY_RUN` excludes in a row).
Before the first include *and* the first exclude exist there is nothing to
learn from and the caller's rule ranking stands. :class:`Prioritizer` adds the
stopping aid, :func:`~litreview.stopping.estimate_includes_left`: how many
includes are still among the unscreened records, by the discovery curve so far.

:func:`simulate_screening` replays a labelled review the way ASReview's
simulation mode does (one random include and one random exclude as prior
knowledge, then the model asks for one record at a time and its label is
revealed), and :func:`screening_metrics` reports WSS@95, recall after 10 %
screened and the fraction screened to find every include. The metrics count
the records after the two priors: with ``N`` records and ``R`` includes left
after them, WSS@95 = (N - n95) / N - 0.05, where n95 is how many records were
screened when ``ceil(0.95 R)`` includes had been found.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import DatasetError
from .stopping import IncludesLeft, estimate_includes_left

if TYPE_CHECKING:
    from ..corpus.decisions import DecisionLog
    from ..corpus.records import Article

__all__ = [
    "ScreeningModel",
    "SimulationResult",
    "ScreeningMetrics",
    "ScreeningQueue",
    "Prioritizer",
    "DRY_RUN",
    "is_dry",
    "read_labelled_csv",
    "choose_priors",
    "simulate_screening",
    "screening_metrics",
]

#: Relative weight of an exclude against an include when fitting (ASReview's tuned "balanced" ratio).
_BALANCE_RATIO = 9.8
_SVM_C = 0.11
#: Excludes in a row after which the records without any text are queued first.
DRY_RUN = 20


def _texts(titles: Sequence[str | None], abstracts: Sequence[str | None]) -> list[str]:
    """``title title abstract`` per record (the title counted twice), missing parts as empty text."""
    return [f"{t or ''} {t or ''} {a or ''}".strip() for t, a in zip(titles, abstracts)]


def is_dry(labels_in_order: Sequence[int]) -> bool:
    """True when the last :data:`DRY_RUN` decisions were all excludes."""
    return len(labels_in_order) >= DRY_RUN and not any(labels_in_order[-DRY_RUN:])


def _fit(features: Any, labels: np.ndarray) -> Any:
    """A linear SVM on these rows, excludes down-weighted to 1/ratio of the includes in total (mean weight 1)."""
    from sklearn.svm import LinearSVC

    includes = int(labels.sum())
    weights = np.where(labels == 1, 1.0, includes / (_BALANCE_RATIO * (len(labels) - includes)))
    return LinearSVC(C=_SVM_C).fit(features, labels, sample_weight=weights * len(labels) / weights.sum())


class ScreeningModel:
    """TF-IDF features of a fixed set of records and a classifier retrained on their decisions.

    Parameters
    ----------
    titles, abstracts : sequence of str or None
        One per record, in the order the indices below refer to.

    Examples
    --------
    >>> model = ScreeningModel(["ketamine BDNF rats", "aspirin fever", "ketamine BDNF mice"], [None] * 3)
    >>> model.rank({0: 1, 1: 0}).tolist()
    [2]
    """

    def __init__(self, titles: Sequence[str | None], abstracts: Sequence[str | None]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = _texts(titles, abstracts)
        #: Records with neither title nor abstract.
        self.empty = np.array([not text for text in texts], dtype=bool)
        if len(texts) < 2:
            raise DatasetError("the model needs at least two records")
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95, min_df=1)
        try:
            self.features = vectorizer.fit_transform(texts).tocsr()
        except ValueError:  # every text empty: no vocabulary
            raise DatasetError("no record has a title or abstract to learn from") from None
        self.size = len(texts)

    @staticmethod
    def can_learn(labels: Mapping[int, int]) -> bool:
        """True once the decisions hold at least one include and one exclude."""
        return len(set(labels.values())) == 2

    def scores(self, labels: Mapping[int, int]) -> np.ndarray:
        """Fit on ``labels`` (record index -> 1 include / 0 exclude); score every record, higher = include."""
        if not self.can_learn(labels):
            raise DatasetError("the model needs at least one include and one exclude to learn from")
        index = np.fromiter(labels, dtype=np.int64, count=len(labels))
        y = np.fromiter(labels.values(), dtype=np.int64, count=len(labels))
        return _fit(self.features[index], y).decision_function(self.features)

    def priorities(self, labels: Mapping[int, int], dry: bool = False) -> np.ndarray:
        """:meth:`scores`, with the records without text first (``+inf``) when the run is ``dry``."""
        scores = self.scores(labels)
        if dry:
            scores[self.empty] = np.inf
        return scores

    def rank(self, labels: Mapping[int, int], dry: bool = False) -> np.ndarray:
        """Unlabelled record indices in the order to screen them (ties by index)."""
        scores = self.priorities(labels, dry)
        pool = np.setdiff1d(np.arange(self.size), np.fromiter(labels, dtype=np.int64, count=len(labels)))
        return pool[np.argsort(-scores[pool], kind="stable")]


# -- simulation -----------------------------------------------------------------------------


def read_labelled_csv(path: str | Path) -> pd.DataFrame:
    """Read a labelled screening dataset (ASReview's format).

    Parameters
    ----------
    path : str or Path
        CSV with ``title``, ``abstract`` and ``label_included`` (1/0) columns;
        ``record_id`` is kept when present.

    Returns
    -------
    pandas.DataFrame
        ``record_id`` (the row number from 1 when the file has none), ``title``,
        ``abstract`` (missing as ""), ``label_included`` (int).

    Raises
    ------
    DatasetError
        The file is missing or unreadable, lacks a column, has a label other
        than 0/1, or lacks an include or an exclude.
    """
    try:
        frame = pd.read_csv(path, dtype={"title": str, "abstract": str}, keep_default_na=False)
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    missing = [c for c in ("title", "abstract", "label_included") if c not in frame.columns]
    if missing:
        raise DatasetError(f"{path}: missing column(s) {', '.join(missing)}")
    labels = pd.to_numeric(frame["label_included"], errors="coerce")
    bad = labels.isna() | ~labels.isin([0, 1])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # header is line 1
        raise DatasetError(f"{path}: line {row}: label_included must be 0 or 1, "
                           f"not {frame['label_included'].iloc[row - 2]!r}")
    frame["label_included"] = labels.astype(int)
    if frame["label_included"].nunique() < 2:
        raise DatasetError(f"{path}: needs at least one included and one excluded record")
    if "record_id" not in frame.columns:
        frame["record_id"] = np.arange(1, len(frame) + 1)
    return frame[["record_id", "title", "abstract", "label_included"]]


def choose_priors(labels: np.ndarray, seed: int) -> tuple[int, int]:
    """One random include and one random exclude (row indices), drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    return int(rng.choice(np.flatnonzero(labels == 1))), int(rng.choice(np.flatnonzero(labels == 0)))


@dataclass(frozen=True)
class ScreeningMetrics:
    """How well a screening order finds the includes (records after the priors).

    Attributes
    ----------
    wss95 : float
        Work saved over sampling at 95 % recall.
    recall_at_10 : float
        Share of the includes found after screening 10 % of the records (rounded up).
    fraction_to_find_all : float
        Share of the records screened when the last include was found.
    """

    wss95: float
    recall_at_10: float
    fraction_to_find_all: float


def screening_metrics(labels_in_order: Sequence[int], total: int | None = None) -> ScreeningMetrics:
    """WSS@95, recall after 10 % and fraction to find every include for one screening order.

    Parameters
    ----------
    labels_in_order : sequence of int
        The labels (1 include, 0 exclude) in the order records were screened,
        priors left out. It may stop early (after the last include).
    total : int, optional
        Records in the order had it run to the end (default: its length).

    Returns
    -------
    ScreeningMetrics

    Raises
    ------
    DatasetError
        No include in the order.

    Examples
    --------
    Ten records, includes screened 1st, 2nd and 5th: 95 % recall needs all 3,
    found after 5 records, so WSS@95 = 5/10 - 0.05 = 0.45.

    >>> screening_metrics([1, 1, 0, 0, 1, 0, 0, 0, 0, 0])
    ScreeningMetrics(wss95=0.45, recall_at_10=0.333, fraction_to_find_all=0.5)
    """
    y = np.asarray(labels_in_order, dtype=np.int64)
    total = len(y) if total is None else total
    includes = int(y.sum())
    if includes == 0:
        raise DatasetError("no include to find")
    found = np.cumsum(y)
    screened_at_95 = int(np.argmax(found >= math.ceil(0.95 * includes))) + 1
    screened_at_all = int(np.argmax(found >= includes)) + 1
    first_10 = math.ceil(0.1 * total)
    return ScreeningMetrics(
        wss95=round((total - screened_at_95) / total - 0.05, 6),
        recall_at_10=round(int(found[min(first_10, len(y)) - 1]) / includes, 3),
        fraction_to_find_all=round(screened_at_all / total, 6),
    )


@dataclass(frozen=True)
class SimulationResult:
    """One simulated screening of a labelled dataset.

    Attributes
    ----------
    order : numpy.ndarray
        Row indices in screening order, the two priors first.
    labels : numpy.ndarray
        ``label_included`` of every row (dataset order).
    priors : tuple of int
        The include and the exclude given as prior knowledge.
    seconds : float
        Time to build the features and run the loop.
    """

    order: np.ndarray
    labels: np.ndarray
    priors: tuple[int, int]
    seconds: float

    @property
    def metrics(self) -> ScreeningMetrics:
        """:func:`screening_metrics` of the records after the priors."""
        return screening_metrics(self.labels[self.order[2:]], total=len(self.labels) - 2)

    def to_frame(self, record_ids: Sequence[object] | None = None) -> pd.DataFrame:
        """``record_id, label_included, rank`` (rank 1 = first screened; priors are ranks 1-2)."""
        ids = np.asarray(record_ids if record_ids is not None else np.arange(1, len(self.labels) + 1))
        return pd.DataFrame({"record_id": ids[self.order], "label_included": self.labels[self.order],
                             "rank": np.arange(1, len(self.order) + 1)})


def simulate_screening(
    titles: Sequence[str | None], abstracts: Sequence[str | None], labels: Sequence[int], seed: int,
    stop_after_last_include: bool = False,
) -> SimulationResult:
    """Replay a labelled review: two priors, then the model picks one record at a time.

    Parameters
    ----------
    titles, abstracts : sequence of str or None
    labels : sequence of int
        1 include, 0 exclude, per record.
    seed : int
        Chooses the prior include and exclude (:func:`choose_priors`).
    stop_after_last_include : bool
        Stop once every include is found (the metrics are then final; this is
        ASReview's default stopping rule, used by the benchmark) instead of
        screening every record.

    Returns
    -------
    SimulationResult
    """
    started = time.perf_counter()
    y = np.asarray(labels, dtype=np.int64)
    model = ScreeningModel(titles, abstracts)
    priors = choose_priors(y, seed)
    decided = {i: int(y[i]) for i in priors}
    screened = np.zeros(len(y), dtype=bool)
    screened[list(priors)] = True
    asked: list[int] = []  # labels of the records the model chose, in order
    left = int(y.sum()) - 1
    while len(decided) < len(y) and not (stop_after_last_include and left == 0):
        scores = model.priorities(decided, is_dry(asked))
        scores[screened] = -np.inf
        chosen = int(np.argmax(scores))  # the first of equals, as rank() orders them
        decided[chosen], screened[chosen] = int(y[chosen]), True
        asked.append(decided[chosen])
        left -= decided[chosen]
    order = np.fromiter(decided, dtype=np.int64, count=len(decided))
    return SimulationResult(order, y, priors, time.perf_counter() - started)


# -- the corpus's screening queue ------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningQueue:
    """Records still to screen, best first, and what the ranking rests on.

    Attributes
    ----------
    keys : tuple of str
        Unscreened record keys, most likely include first.
    scores : dict of str to float
        The model's score per queued key (higher = include); empty when ranked by rules.
    ranked_by : str
        ``model`` (trained on the decisions so far) or ``rules`` (the
        screening rules' relevance ranking, until an include and an exclude exist).
    includes, excludes : int
        Records the reviewers decided so far (the model's training labels).
    includes_left : IncludesLeft or None
        The stopping aid: includes expected among the records nobody has
        screened, with an upper bound, from the discovery curve of the decided
        records (None while ranked by rules).
    since_last_include : int
        Screening decisions logged since the last include (ASReview users' stopping heuristic).
    """

    keys: tuple[str, ...]
    scores: dict[str, float]
    ranked_by: str
    includes: int
    excludes: int
    includes_left: IncludesLeft | None
    since_last_include: int = 0


class Prioritizer:
    """The corpus's screening queue: rules first, then a model retrained on the decisions so far.

    Build it once per snapshot (the features are computed once, on first use);
    call :meth:`queue` after each decision.

    Parameters
    ----------
    records : sequence of Article
        The snapshot's records.
    screening_log : pandas.DataFrame
        :attr:`ScreeningResult.log` of the rules: its relevance is the ranking
        until an include and an exclude exist; duplicates are never queued.
    """

    def __init__(self, records: Sequence[Article], screening_log: pd.DataFrame) -> None:
        rules = screening_log[screening_log["decision"] != "duplicate"].copy()
        rules["rule_rank"] = (rules["decision"] != "included").astype(int)
        rules = rules.sort_values(["rule_rank", "relevance", "key"], ascending=[True, False, True])
        self.keys: tuple[str, ...] = tuple(dict.fromkeys(rules["key"]))
        self._position = {k: i for i, k in enumerate(self.keys)}
        by_key = {a.key: a for a in records}
        self._articles = [by_key[k] for k in self.keys]
        self._model: ScreeningModel | None = None

    @property
    def model(self) -> ScreeningModel:
        """The TF-IDF model over the queued records (built on first use)."""
        if self._model is None:
            self._model = ScreeningModel([a.title for a in self._articles],
                                         [a.abstract or a.curated_summary for a in self._articles])
        return self._model

    def queue(self, decisions: DecisionLog, reviewer: str | None = None) -> ScreeningQueue:
        """Rank the records still to screen.

        Parameters
        ----------
        decisions : DecisionLog
            Everyone's decisions (the curator's included); the people's decided
            includes and excludes are the training labels.
        reviewer : str, optional
            Queue the records this reviewer has not screened (dual screening);
            by default, those nobody has screened.

        Returns
        -------
        ScreeningQueue
        """
        outcomes = {key: o for (key, _, _), o in decisions.outcomes("screen").items()}
        labels = {self._position[key]: int(o.values["decision"] == "include") for key, o in outcomes.items()
                  if o.status == "decided" and key in self._position}
        if reviewer is None:
            queued = [k for k in self.keys if k not in outcomes]
        else:
            mine = {key for (key, _, stage, who) in decisions.latest() if stage == "screen" and who == reviewer}
            queued = [k for k in self.keys if k not in mine]
        includes = sum(labels.values())
        screening = [d for d in sorted(decisions, key=lambda d: (d.time, d.line)) if d.stage == "screen"]
        recent = [int(d.decision == "include") for d in screening if d.line != -1 and not d.resolution]
        run = len(recent) - (max(i for i, v in enumerate(recent) if v) + 1 if any(recent) else 0)
        if not ScreeningModel.can_learn(labels):
            return ScreeningQueue(tuple(queued), {}, "rules", includes, len(labels) - includes, None, run)
        scores = self.model.priorities(labels, is_dry(recent))
        ranked = sorted(queued, key=lambda k: (-scores[self._position[k]], self._position[k]))
        # The discovery curve: each decided record once, when it was first screened.
        first_screened = dict.fromkeys(d.key for d in screening if d.key in self._position)
        curve = [labels[self._position[k]] for k in first_screened if self._position[k] in labels]
        return ScreeningQueue(tuple(ranked), {k: float(scores[self._position[k]]) for k in ranked}, "model",
                              includes, len(labels) - includes, estimate_includes_left(curve, len(self.keys)), run)
