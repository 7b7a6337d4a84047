"""Screening and judging panels for JupyterLab (ipywidgets): one record at a time, each click logged.

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
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from ..corpus.claims import Claim, Mechanism
from ..corpus.decisions import DecisionLog
from ..corpus.records import Article
from ..corpus.review_config import Intervention
from ..corpus.snapshot import Snapshot
from ..corpus.vocabulary import DESIGNS, DIRECTIONS, POPULATIONS
from ..errors import LitreviewError
from ..evidence.scoring import StudyAssessment, judge_direction
from ..screening.priority import DRY_RUN, Prioritizer, ScreeningQueue
from ..screening.rules import content_words, screen_records, term_pattern
from ..synthesis.grade import ClaimVerdict
from ..synthesis.grade_rules import INFLUENCE_SHARE
from ..synthesis.roles import judge_queue
from .grade_form import GradeForm
from .rob_form import RobForm

if TYPE_CHECKING:
    from .pipeline import Review

__all__ = ["ScreeningPanel", "JudgingPanel", "highlight"]

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


class JudgingPanel(_Panel):
    """Judge (study, claim) pairs one at a time: those a verdict rests on first, then the least certain.

    Parameters
    ----------
    snapshot : Snapshot
    claims : sequence of Claim
    assessments : sequence of StudyAssessment
        From :func:`~litreview.evidence.score_evidence` (its pairs are the queue).
    decisions : DecisionLog
        The log to append to, with the curator's judgements merged.
    reviewer : str
        Whose judgements these are.
    studies : pandas.DataFrame, optional
        The review's studies table (:attr:`litreview.workbench.pipeline.Review.studies`, with
        ``needs_reviewer``): the machine judgements that need a reviewer come first, in the order of
        :func:`~litreview.synthesis.roles.judge_queue`. Without it no pair is marked.
    verdicts : sequence of ClaimVerdict, optional
        The review's verdicts: the GRADE override form shows the claim's rating.

    Notes
    -----
    Order: pairs this reviewer has not judged; first the machine judgements
    that *need a reviewer* (>= 25 % of a verdict's weight, or flipping it when
    dropped: ``litreview screen next --stage judge`` lists the same first),
    then pairs in conflict, then unverified (machine only), then those where
    the machine disagrees with the judgement in use, then the rest; within
    each, the machine's least confident direction first. ``panel.grade`` is the
    GRADE override form (:class:`~litreview.workbench.grade_form.GradeForm`).
    """

    kind = "judging panel"
    _stage = "judge"

    def __init__(self, snapshot: Snapshot, claims: Sequence[Claim], assessments: Sequence[StudyAssessment],
                 decisions: DecisionLog, reviewer: str = "", studies: pd.DataFrame | None = None,
                 verdicts: Sequence[ClaimVerdict] | None = None) -> None:
        super().__init__(decisions, reviewer)
        self.snapshot = snapshot
        self.claims = {c.id: c for c in claims}
        self.assessments = {(a.key, a.claim_id): a for a in assessments}
        self.findings = {(j.key, j.claim_id): j.finding for j in snapshot.curated}
        self.proposals = {pair: judge_direction(self.claims[pair[1]], self._text(pair)) for pair in self.assessments}
        self.direction = widgets.Dropdown(options=DIRECTIONS, description="Direction")
        self.design = widgets.Dropdown(options=DESIGNS, description="Design")
        self.population = widgets.Dropdown(options=POPULATIONS, description="Population")
        self.n = widgets.Text(description="n", placeholder="sample size (optional)")
        self.buttons["confirm"] = widgets.Button(description="Confirm judgement in use ✓", button_style="success",
                                                 layout=widgets.Layout(width="auto"))
        self.buttons["accept"] = widgets.Button(description="Accept machine proposal",
                                                layout=widgets.Layout(width="auto"))
        self.buttons["save"] = widgets.Button(description="Save my changes", button_style="warning",
                                              layout=widgets.Layout(width="auto"))
        self.buttons["confirm"].on_click(lambda _: self.confirm())
        self.buttons["accept"].on_click(lambda _: self.accept())
        self.buttons["save"].on_click(lambda _: self.save())
        self.rob = RobForm(self._log, lambda: self.decisions)
        self.grade = GradeForm(self._log, lambda: self.decisions)
        self.verdicts = {v.claim_id: v for v in verdicts or ()}
        self.needs_known = studies is not None
        # The machine judgements that need a reviewer, in judge_queue's order: the rule of screen next --stage judge.
        queue = judge_queue(studies) if studies is not None else None
        self.needs_reviewer: tuple[tuple[str, str], ...] = () if queue is None else tuple(
            pair for pair, needs in zip(zip(queue["key"], queue["claim_id"]), queue["needs_reviewer"])
            if needs and pair in self.assessments)
        first = set(self.needs_reviewer)
        self.order = [*self.needs_reviewer, *sorted((p for p in self.assessments if p not in first),
                                                    key=self._priority)]
        self.next()

    @classmethod
    def from_review(cls, review: Review, reviewer: str = "") -> JudgingPanel:
        """The panel over a built review: its pairs, decisions, studies table (who needs a reviewer) and verdicts.

        Parameters
        ----------
        review : Review
            From :func:`~litreview.workbench.pipeline.build_review`.
        reviewer : str
            Whose judgements these are.

        Returns
        -------
        JudgingPanel
        """
        return cls(review.snapshot, review.claims, review.assessments, review.decisions, reviewer,
                   studies=review.studies, verdicts=review.verdicts)

    def _text(self, pair: tuple[str, str]) -> str:
        """The text the machine judges: the curator's finding for this claim, else abstract or summary."""
        article = self.snapshot.record(pair[0])
        body = self.findings.get(pair) or article.abstract or article.curated_summary or ""
        return f"{article.title}\n{body}"

    def _priority(self, pair: tuple[str, str]) -> tuple[int, float, str, str]:
        """Conflicts, then unverified, then machine-vs-judgement disagreements, then the rest; least sure first."""
        a = self.assessments[pair]
        group = {"disputed": 0, "unverified": 1}.get(a.review_status, 2 if a.auto_direction != a.direction else 3)
        return (group, self.proposals[pair].score, pair[1], pair[0])

    def in_use(self, pair: tuple[str, str]) -> tuple[dict[str, Any], str]:
        """The values in use for a pair (direction, design, population, n) and who set them.

        The reviewers' decided outcome in the log over the assessment's values
        (curator, else machine); on a conflict, the fields agreed on.
        """
        a = self.assessments[pair]
        values = {"direction": a.direction, "design": a.design, "population": a.population, "n": a.sample_size}
        outcome = self.decisions.outcome(pair[0], pair[1], "judge")
        if outcome is None:
            return values, a.judged_by
        values.update(outcome.values)
        return values, outcome.judged_by or f"disputed ({outcome.describe()})"

    def confirm(self) -> None:
        """Log the judgement in use as this reviewer's (the primary action)."""
        if self.current is not None:
            values, _ = self.in_use(self.current)
            self._judge(values, self.reason.value.strip() or "confirmed the judgement in use")

    def accept(self) -> None:
        """Log the machine's proposal (direction, design, population, n) as this reviewer's judgement."""
        pair = self.current
        if pair is None:
            return
        a, proposal = self.assessments[pair], self.proposals[pair]
        self._judge({"direction": proposal.direction, "design": a.auto_design, "population": a.auto_population,
                     "n": a.auto_n}, self.reason.value.strip() or "accepted the machine's proposal")

    def save(self) -> None:
        """Log only the fields this reviewer changed from the judgement in use."""
        if self.current is None:
            return
        changed = self._changed()
        if changed is None:
            return
        if not changed:
            self.status.value = "nothing changed from the judgement in use: use Confirm to agree with it"
            return
        self._judge(changed, self.reason.value.strip() or None)

    def _shown_values(self) -> dict[str, Any]:
        """The values in the form (for a resolution), n left out when empty."""
        n = self.n.value.strip()
        values = {"claim": self.current[1], "direction": self.direction.value, "design": self.design.value,
                  "population": self.population.value}
        return {**values, "n": int(n)} if n.isdigit() else values

    def _changed(self) -> dict[str, Any] | None:
        """The form's fields that differ from the judgement in use (None: n is not a number, said in the status)."""
        text = self.n.value.strip()
        if text and not (text.isascii() and text.isdigit()):
            self.status.value = f"<span style='color:#b00'>not recorded: n must be a whole number, not {text!r}</span>"
            return None
        form = {"direction": self.direction.value, "design": self.design.value, "population": self.population.value,
                "n": int(text) if text else None}
        values, _ = self.in_use(self.current)
        return {name: value for name, value in form.items() if value is not None and value != values.get(name)}

    def _judge(self, values: dict[str, Any], reason: str | None) -> None:
        """Log a judgement for the pair shown, then move on."""
        given = {name: value for name, value in values.items() if value is not None}
        if self._log("judge", claim=self.current[1], reason=reason, **given):
            self.next()

    def _item(self, key: str, claim: str | None) -> tuple[str, str | None]:
        return (key, claim)

    def _queue(self) -> Sequence[tuple[str, str]]:
        if self.mode.value == "conflicts":
            return [pair for pair in self._conflicts() if pair in self.assessments]
        mine = {(key, claim) for (key, claim, stage, who) in self.decisions.latest()
                if stage == "judge" and who == self.reviewer.value.strip()}
        return [pair for pair in self.order if pair not in mine]

    def _key(self) -> str:
        return self.current[0]

    def _label(self, item: tuple[str, str]) -> str:
        return f"record {item[0]} for claim {item[1]}"

    def waiting_reviewer(self, pair: tuple[str, str]) -> bool:
        """Whether the pair needs a reviewer and no person has judged it since the panel was built."""
        return pair in self.needs_reviewer and self.decisions.outcome(pair[0], pair[1], "judge") is None

    def _counts(self) -> str:
        mine = {(key, claim) for (key, claim, stage, who) in self.decisions.latest()
                if stage == "judge" and who == self.reviewer.value.strip()}
        outcomes = self.decisions.outcomes("judge")
        statuses = [outcomes[(*pair, "judge")].status if (*pair, "judge") in outcomes else "unverified"
                    for pair in self.order]
        waiting = sum((*pair, "judge") not in outcomes for pair in self.needs_reviewer)
        needs = ("which need a reviewer is not known (build the panel with JudgingPanel.from_review)"
                 if not self.needs_known else "no unverified pair needs a reviewer" if not waiting else
                 f"{waiting} unverified {'pair needs' if waiting == 1 else 'pairs need'} a reviewer before "
                 "their verdict stands (listed first)")
        return (f"{len(mine & set(self.order))} of {len(self.order)} pairs judged by this reviewer; in the review "
                f"{statuses.count('decided')} decided, {statuses.count('unverified')} unverified, "
                f"{statuses.count('conflict')} disputed; {needs}")

    def _controls(self) -> list[widgets.Widget]:
        return [widgets.HBox([self.direction, self.design]), widgets.HBox([self.population, self.n]), self.reason,
                widgets.HBox([self.buttons["confirm"], self.buttons["save"], self.buttons["accept"]]), self.rob.widget,
                self.grade.widget]

    def _render(self) -> None:
        self.progress.value = html.escape(self._counts())
        pair = self.current
        if pair is None:
            self.body.value = "<p><b>Nothing left to judge.</b></p>"
            self.rob.show(None, "", None, None)
            self.grade.show(None)
            return
        a, proposal, claim = self.assessments[pair], self.proposals[pair], self.claims[pair[1]]
        article = self.snapshot.record(pair[0])
        terms = [*claim.agents, *content_words(claim.subject, claim.agents),
                 *(w[:6] + "*" for w in content_words(claim.outcome, claim.agents))]
        body = self._text(pair).split("\n", 1)[1]
        n = a.auto_n if a.auto_n is not None else "not stated"
        outcome = self._seen(*pair)
        values, who = self.in_use(pair)
        in_use = ", ".join(f"{name} {'not stated' if value is None else value}" for name, value in values.items())
        self.body.value = (
            self._flag(pair) + f"<p><b>Claim {html.escape(claim.id)}:</b> {html.escape(claim.statement)}</p>"
            + _record_html(article, body, terms)
            + f"<p><b>Machine proposes:</b> {proposal.direction} (probability {proposal.score:.2f}), because "
            f"“{highlight(proposal.sentence, terms)}”; design {a.auto_design}, population {a.auto_population}, "
            f"n {n}<br><b>In use:</b> {html.escape(in_use)} (set by {html.escape(who)})<br>"
            f"<b>Decisions so far:</b> {html.escape(outcome.describe()) if outcome else 'hidden until you decide'}</p>")
        self.direction.value, self.design.value = values["direction"], values["design"]
        self.population.value, self.n.value = values["population"], "" if values["n"] is None else str(values["n"])
        self.rob.show(pair, self._text(pair), values["design"], values["population"])
        self.grade.show(pair[1], self.verdicts.get(pair[1]))

    def _flag(self, pair: tuple[str, str]) -> str:
        """The "needs a reviewer" banner of a pair (empty when it does not need one)."""
        if pair not in self.needs_reviewer:
            return ""
        if not self.waiting_reviewer(pair):
            return "<p style='color:#555'>Needed a reviewer when the panel was built; a person has judged it since.</p>"
        return (f"<p style='background:#fde8e8;padding:4px'><b>Needs a reviewer:</b> this machine judgement carries "
                f"at least {INFLUENCE_SHARE:.0%} of the verdict's weight or flips the verdict when dropped; the "
                "verdict rests on unverified machine reading until a reviewer confirms it.</p>")
