"""The judging panel for JupyterLab (ipywidgets): one (study, claim) pair at a time, each click logged.

:class:`JudgingPanel` walks the (study, claim) pairs, the machine judgements
that *need a reviewer* first (the verdict rests on them), then the least
certain; its form starts from the judgement in use (and who set it) beside the
machine's proposal. *Confirm* (the primary action) logs the judgement in use as
the reviewer's, *Save my changes* only the fields changed, *Accept machine
proposal* the machine's values. Below sit the risk-of-bias form
(:mod:`.rob_form`) and the GRADE override form for the pair's claim
(:mod:`.grade_form`). What both panels share lives in :mod:`.panels`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from ..corpus.claims import Claim
from ..corpus.decisions import DecisionLog
from ..corpus.snapshot import Snapshot
from ..corpus.vocabulary import DESIGNS, DIRECTIONS, POPULATIONS
from ..evidence.direction_judge import judge_direction
from ..evidence.scoring import StudyAssessment
from ..screening.rules import content_words
from ..synthesis.grade import ClaimVerdict
from ..synthesis.grade_rules import INFLUENCE_SHARE
from ..synthesis.roles import judge_queue
from .grade_form import GradeForm
from .panels import _Panel, _record_html, highlight
from .rob_form import RobForm

if TYPE_CHECKING:
    from .pipeline import Review

__all__ = ["JudgingPanel"]


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
