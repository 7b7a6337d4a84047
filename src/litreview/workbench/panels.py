"""Screening and judging panels for JupyterLab (ipywidgets): one record at a time, each click logged.

The judging panel's own code is in :mod:`.judging_panel`; this module holds the
screening panel and what both share (queue, counts, conflict resolution).

:class:`ScreeningPanel` shows the unscreened records in the model's order
(:class:`~litreview.priority.Prioritizer`) with the mechanism's terms
highlighted and the rules' proposal; *Include* and *Exclude* append a decision
with the chosen reason to the decisions log and bring up the next record the
retrained model ranks first. :class:`JudgingPanel` walks the (study, claim)
pairs, the machine judgements that *need a reviewer* first (the verdict rests
on them), then the least certain; its form starts from the judgement in use
(and who set it) beside the machine's proposal. *Confirm* (the primary action)
logs the judgement in use as the reviewer's, *Save my changes* only the fields
changed, *Accept machine proposal* the machine's values. Below sit the
risk-of-bias form (:mod:`.rob_form`) and the GRADE override form for the
pair's claim (:mod:`.grade_form`).

Both panels count decided, unverified and disputed items live (after each
click) and have a resolution queue (*Show: conflicts*): every decision on the
item is shown and *Resolve conflict* logs the values in the form as the
resolution, with the Reason box as why.

The panels keep their state and callbacks here, so tests drive them from
Python (``panel.buttons["include"].click()``) and a notebook only builds and
displays one. Building a panel never writes: only a click appends to the log.
In a notebook the panel's text form is a one-line summary, so stored outputs
stay deterministic for nbval.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ..corpus.claims import Claim, Mechanism
from ..corpus.decisions import DecisionLog
from ..corpus.records import Article
from ..corpus.review_config import Intervention
from ..corpus.snapshot import Snapshot
from ..errors import LitreviewError
from ..screening.priority import DRY_RUN, Prioritizer, ScreeningQueue
from ..screening.rules import screen_records, term_pattern

__all__ = ["ScreeningPanel", "highlight"]

_MARK = '<mark style="background:#fff3a3">{}</mark>'


def highlight(text: str, terms: Iterable[str]) -> str:
    """HTML-escape ``text`` and mark every word starting with one of ``terms`` (``*`` = any ending)."""
    terms = tuple(sorted({t for t in terms if t.strip()}, key=len, reverse=True))
    if not terms:
        return html.escape(text)
    pattern = re.compile(term_pattern(tuple(t.lower() for t in terms)).pattern, re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        end = match.end()
        while end < len(text) and (text[end].isalnum() or text[end] == "-"):
            end += 1  # mark the whole word
        out += [html.escape(text[last:match.start()]), _MARK.format(html.escape(text[match.start():end]))]
        last = end
    return "".join(out) + html.escape(text[last:])


def _record_html(article: Article, body: str, terms: Iterable[str]) -> str:
    """Title, citation line and text of a record, with terms highlighted."""
    cite = " · ".join(str(p) for p in (article.journal, article.year) if p)
    link = (f'<a href="https://pubmed.ncbi.nlm.nih.gov/{article.pmid}/" target="_blank">PMID {article.pmid}</a>'
            if article.pmid else html.escape(article.key))
    source = " · <b>curated summary, not the abstract</b>" if article.source == "curated" else ""
    return (f"<h4 style='margin:0.3em 0'>{highlight(article.title, terms)}</h4>"
            f"<div style='color:#555'>{html.escape(cite)} · {link}{source}</div>"
            f"<p style='max-width:60em'>{highlight(body, terms) if body else '<i>no abstract</i>'}</p>")


class _Panel:
    """What both panels share: the log, the reviewer, navigation, the widgets and the notebook display."""

    kind = "panel"

    def __init__(self, decisions: DecisionLog, reviewer: str) -> None:
        self.decisions = decisions
        self.reviewer = widgets.Text(value=reviewer, description="Reviewer", placeholder="your name (one word)")
        self.body = widgets.HTML()
        self.progress = widgets.HTML()
        self.status = widgets.HTML()
        self.reason = widgets.Text(description="Reason", placeholder="why (optional)")
        self.buttons: dict[str, widgets.Button] = {
            "previous": widgets.Button(description="◀ Previous"),
            "next": widgets.Button(description="Next ▶"),
            "resolve": widgets.Button(description="Resolve conflict", tooltip="log the values shown as the "
                                      "resolution; the Reason box says why", layout=widgets.Layout(width="auto")),
        }
        self.buttons["previous"].on_click(lambda _: self.previous())
        self.buttons["next"].on_click(lambda _: self.next())
        self.buttons["resolve"].on_click(lambda _: self.resolve())
        #: ``queue``: items this reviewer has not decided; ``conflicts``: the resolution queue.
        self.mode = widgets.ToggleButtons(options=("queue", "conflicts"), description="Show")
        self.history: list[Any] = []
        self.position = -1
        self.reviewer.observe(lambda _: self._restart(), names="value")
        self.mode.observe(lambda _: self._restart(), names="value")

    # -- navigation --------------------------------------------------------------------------

    @property
    def current(self) -> Any:
        """The item shown (None when nothing is left)."""
        return self.history[self.position] if 0 <= self.position < len(self.history) else None

    def next(self) -> None:
        """Show the next item: forward in the history, else the first not yet shown from the queue."""
        if self.position < len(self.history) - 1:
            self.position += 1
        else:
            upcoming = next((item for item in self._queue() if item not in self.history), None)
            if upcoming is not None:
                self.history.append(upcoming)
            self.position = len(self.history) if upcoming is None else len(self.history) - 1
        self.reason.value = ""
        self._render()

    def _restart(self) -> None:
        """Another reviewer: their own queue, from the top."""
        self.history, self.position = [], -1
        self.next()

    def previous(self) -> None:
        """Show the item before (to look again or change a decision: the latest decision wins)."""
        if self.position > 0:
            self.position -= 1
            self._render()

    # -- logging -----------------------------------------------------------------------------

    def resolve(self) -> None:
        """Log the values shown as the resolution of the conflict on the item shown (the Reason box says why)."""
        if self.current is None:
            return
        why = self.reason.value.strip()
        if not why:
            self.status.value = "<span style='color:#b00'>not recorded: a resolution says why (fill in Reason)</span>"
            return
        if self._log(self._stage, resolution=True, note=why, **self._shown_values()):
            self.next()

    def _conflicts(self) -> list[Any]:
        """The items of this panel's stage that reviewers disagree on, unresolved."""
        return [self._item(o.key, o.claim) for o in self.decisions.outcomes(self._stage).values()
                if o.status == "conflict"]

    def _seen(self, key: str, claim: str | None) -> Any:
        """The item's outcome as shown: all decisions in the resolution queue, else blind until one decides."""
        if self.mode.value == "conflicts":
            return self.decisions.outcome(key, claim, self._stage)
        return self.decisions.visible(key, claim, self._stage, self.reviewer.value.strip())

    def _log(self, stage: str, key: str | None = None, **values: Any) -> bool:
        """Append one decision by this reviewer (on ``key``, else the item shown's); report errors in the status
        line instead of raising."""
        what = self._label(self.current) if self.current is not None else "nothing shown"
        try:
            decision = self.decisions.make(key or self._key(), stage, self.reviewer.value.strip(), **values)
            self.decisions = self.decisions.append(decision)
        except (LitreviewError, OSError) as exc:
            # An OSError escaping a button callback would only reach JupyterLab's log console, leaving the
            # previous click's "recorded" on screen: say here which record was not recorded and why.
            self.status.value = (f"<span style='color:#b00'>not recorded ({html.escape(what)}): "
                                 f"{html.escape(str(exc))}</span>")
            return False
        self.status.value = f"recorded {html.escape(decision.describe())}"
        return True

    # -- display -----------------------------------------------------------------------------

    def summary(self) -> str:
        """One line on what the panel shows (its text form in a notebook)."""
        try:
            target = self.decisions.file_for(self.reviewer.value.strip())
        except LitreviewError:
            target = None
        log = "/".join(target.parts[-2:]) if target else "nothing (give your name first)"
        shown = "nothing left" if self.current is None else f"{self._label(self.current)}"
        return f"{self.kind} for reviewer {self.reviewer.value!r}: {shown}; {self._counts()}; clicks append to {log}"

    @property
    def widget(self) -> widgets.VBox:
        """The whole panel, to display."""
        return widgets.VBox([widgets.HBox([self.reviewer, self.mode]), self.progress, self.body, *self._controls(),
                             widgets.HBox([self.buttons["previous"], self.buttons["next"], self.buttons["resolve"]]),
                             self.status])

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The widget for JupyterLab, the one-line summary as text."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary()
        return bundle

    # -- filled in by each panel ---------------------------------------------------------------

    _stage = ""

    def _queue(self) -> Sequence[Any]:
        raise NotImplementedError

    def _item(self, key: str, claim: str | None) -> Any:
        raise NotImplementedError

    def _shown_values(self) -> dict[str, Any]:
        raise NotImplementedError

    def _key(self) -> str:
        raise NotImplementedError

    def _label(self, item: Any) -> str:
        raise NotImplementedError

    def _counts(self) -> str:
        raise NotImplementedError

    def _controls(self) -> list[widgets.Widget]:
        raise NotImplementedError

    def _render(self) -> None:
        raise NotImplementedError


class ScreeningPanel(_Panel):
    """Screen records one at a time in the active-learning order.

    Parameters
    ----------
    snapshot : Snapshot
    mechanisms : mapping of str to Mechanism
    claims : sequence of Claim
    decisions : DecisionLog
        The log to append to (its ``path``), with the curator's judgements
        merged (:func:`~litreview.decisions.load_decisions` given the snapshot).
    reviewer : str
        Whose decisions these are (editable in the panel).
    intervention : Intervention, optional
        The review's intervention (``litreview.toml``): the screening rules use
        it and its terms are highlighted.

    Examples
    --------
    >>> panel = ScreeningPanel(snapshot, mechanisms, claims, decisions, reviewer="alice")  # doctest: +SKIP
    >>> panel.exclude("wrong population")  # what the Exclude button does  # doctest: +SKIP
    """

    kind = "screening panel"
    _stage = "screen"

    def __init__(self, snapshot: Snapshot, mechanisms: Mapping[str, Mechanism], claims: Sequence[Claim],
                 decisions: DecisionLog, reviewer: str = "", intervention: Intervention | None = None) -> None:
        super().__init__(decisions, reviewer)
        self.snapshot = snapshot
        self.mechanisms = mechanisms
        self.intervention_terms = intervention.terms if intervention else ()
        self.rules = screen_records(snapshot, mechanisms, claims, intervention=intervention).log
        self.prioritizer = Prioritizer(snapshot.records, self.rules)
        reasons = decisions.reasons["screen"]  # the protocol's
        self.include_reason = widgets.Dropdown(options=reasons["include"], description="Include as")
        self.exclude_reason = widgets.Dropdown(options=reasons["exclude"], description="Exclude as")
        self.buttons["include"] = widgets.Button(description="Include ✓", button_style="success")
        self.buttons["exclude"] = widgets.Button(description="Exclude ✗", button_style="danger")
        self.buttons["include"].on_click(lambda _: self.include())
        self.buttons["exclude"].on_click(lambda _: self.exclude())
        self.resolve_as = widgets.Dropdown(options=("include", "exclude"), description="Resolve as")
        self.state: ScreeningQueue = self._refresh()
        self.next()

    def _restart(self) -> None:
        """Another reviewer: re-rank for them, then start from the top."""
        self.state = self._refresh()
        super()._restart()

    def include(self, reason: str | None = None) -> None:
        """Log *include* for the record shown (reason from the dropdown unless given), then move on."""
        self._decide("include", reason or self.include_reason.value)

    def exclude(self, reason: str | None = None) -> None:
        """Log *exclude* for the record shown (reason from the dropdown unless given), then move on."""
        self._decide("exclude", reason or self.exclude_reason.value)

    def _decide(self, decision: str, reason: str) -> None:
        """Log a screening decision, retrain, show the next record."""
        if self.current is None:
            return
        note = self.reason.value.strip() or None
        if self._log("screen", decision=decision, reason=reason, note=note):
            self.state = self._refresh()
            self.next()

    def _refresh(self) -> ScreeningQueue:
        """Re-rank the queue on the decisions so far."""
        return self.prioritizer.queue(self.decisions, self.reviewer.value.strip() or None)

    def _queue(self) -> Sequence[str]:
        return self._conflicts() if self.mode.value == "conflicts" else self.state.keys

    def _item(self, key: str, claim: str | None) -> str:
        return key

    def _shown_values(self) -> dict[str, Any]:
        decision = self.resolve_as.value
        return {"decision": decision, "reason": (self.include_reason if decision == "include"
                                                 else self.exclude_reason).value}

    def _key(self) -> str:
        return self.current

    def _label(self, item: str) -> str:
        return f"record {item}"

    def _counts(self) -> str:
        queue = self.state
        if queue.includes_left is None:
            basis = "ranked by the screening rules until an include and an exclude are recorded"
        else:
            basis = (f"ranked by the model ({queue.includes} includes, {queue.excludes} excludes so far); "
                     f"{queue.includes_left.describe()}")
        statuses = [o.status for o in self.decisions.outcomes("screen").values()]
        return (f"{len(self.prioritizer.keys) - len(queue.keys)} of {len(self.prioritizer.keys)} screened by this "
                f"reviewer, {queue.since_last_include} since the last include; in the review "
                f"{statuses.count('decided')} decided, {statuses.count('conflict')} disputed; {basis}")

    def _controls(self) -> list[widgets.Widget]:
        return [widgets.HBox([self.buttons["include"], self.include_reason]),
                widgets.HBox([self.buttons["exclude"], self.exclude_reason]), self.reason, self.resolve_as]

    def _render(self) -> None:
        self.progress.value = html.escape(self._counts())
        key = self.current
        if key is None:
            self.body.value = "<p><b>Nothing left to screen.</b></p>"
            return
        article = self.snapshot.record(key)
        rows = self.rules[self.rules["key"] == key]
        terms = [*self.intervention_terms, *(t for m in rows["mechanism"] for t in self.mechanisms[m].synonyms)]
        rules = "; ".join(f"{m}: {d} ({r})" for m, d, r in zip(rows["mechanism"], rows["decision"], rows["reason"]))
        score = self.state.scores.get(key)
        model = ("model not trained yet" if score is None else f"model score {score:+.2f} (above 0 leans include)"
                 if score != float("inf") else "no title or abstract to rank: shown now that the run of "
                                               f"likely includes has dried up ({DRY_RUN} excludes in a row)")
        outcome = self._seen(key, None)
        so_far = html.escape(outcome.describe()) if outcome else "hidden until you decide (blind screening)"
        self.body.value = (_record_html(article, article.abstract or article.curated_summary or "", terms)
                           + f"<p><b>Machine:</b> rules {html.escape(rules)}; {model}<br>"
                           f"<b>Decisions so far:</b> {so_far}</p>")
