"""The judging panel's GRADE override form: a reviewer sets one GRADE domain of a claim, or its verdict, with a reason.

The form works on the claim of the pair the panel shows. The targets and levels
are the grade stage's own vocabularies (:data:`~litreview.corpus.decision_schema.GRADE_TARGETS`,
:data:`~litreview.corpus.decision_schema.GRADE_JUDGEMENTS`,
:data:`~litreview.corpus.decision_schema.GRADED_VERDICTS`), the ones
``litreview decide --stage grade`` accepts; *Override GRADE* appends the same
decision that command would, so ``litreview decisions`` lists it and the next
synthesis applies it and quotes its reason in the claim's footnotes. A reason
is required: without one nothing is logged and the form says so.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets

from ..corpus.decision_schema import GRADE_JUDGEMENTS, GRADE_TARGETS, GRADED_VERDICTS
from ..corpus.decisions import DecisionLog, Outcome
from ..synthesis.grade import ClaimVerdict

__all__ = ["GradeForm"]

_ERROR = "<span style='color:#b00'>{}</span>"


def _words(code: str) -> str:
    """``risk_of_bias`` -> ``risk of bias``."""
    return code.replace("_", " ")


def _level(outcome: Outcome) -> str:
    """The judgement or verdict an override sets."""
    return outcome.values.get("judgement") or outcome.values.get("verdict") or ""


class GradeForm:
    """Reviewer overrides of one claim's GRADE rating, for the claim a panel shows.

    Parameters
    ----------
    log : callable
        ``log("grade", key=claim, claim=claim, domain=..., judgement=... | verdict=..., reason=...) -> bool``:
        appends the decision as the panel's reviewer (the panel's ``_log``).
    decisions : callable
        Returns the panel's current :class:`~litreview.corpus.decisions.DecisionLog`.
    """

    def __init__(self, log: Callable[..., bool], decisions: Callable[[], DecisionLog]) -> None:
        self._log = log
        self._decisions = decisions
        self.claim: str | None = None
        self.verdict: ClaimVerdict | None = None
        self.target = widgets.Dropdown(options=[(_words(t), t) for t in GRADE_TARGETS], description="Override",
                                       tooltip="a GRADE domain of the claim, or its verdict")
        self.level = widgets.Dropdown(options=(), value=None, description="Set to")
        self.reason = widgets.Text(description="Why", placeholder="reason (required)",
                                   layout=widgets.Layout(width="34em"))
        self.save_button = widgets.Button(description="Override GRADE", button_style="warning",
                                          layout=widgets.Layout(width="auto"))
        self.info = widgets.HTML()
        self.message = widgets.HTML()
        self.target.observe(lambda _: self._levels(), names="value")
        self.save_button.on_click(lambda _: self.save())
        self._levels()

    def show(self, claim: str | None, verdict: ClaimVerdict | None = None) -> None:
        """Work on ``claim`` (None: nothing shown); ``verdict`` is its rating as the panel was built, if known."""
        changed = claim != self.claim
        self.claim, self.verdict = claim, verdict
        if changed:
            self.reason.value, self.message.value = "", ""
        self._levels()

    def in_force(self) -> dict[str, Outcome]:
        """The claim's decided overrides: GRADE domain or ``verdict`` -> outcome (empty when none)."""
        if self.claim is None:
            return {}
        return self._decisions().grade_overrides().get(self.claim, {})

    def _levels(self) -> None:
        """Offer the target's levels, the override in force selected, and refresh the summary."""
        target = self.target.value
        options = GRADED_VERDICTS if target == "verdict" else tuple(GRADE_JUDGEMENTS)
        current = self.in_force().get(target)
        self.level.options = [(_words(o), o) for o in options]
        self.level.value = _level(current) if current is not None else None
        self.info.value = self._summary()

    def _summary(self) -> str:
        """The claim's rating as built, the overrides in force and any disputed ones."""
        if self.claim is None:
            return ""
        lines = []
        if self.verdict is not None and self.verdict.domains:
            rated = ", ".join(f"{_words(d.name)} {d.judgement}" for d in self.verdict.domains)
            lines.append(f"<b>Rated</b> (as the panel was built): {html.escape(self.verdict.verdict_code)}, "
                         f"certainty {html.escape(self.verdict.certainty)}; {html.escape(rated)}")
        forced = [f"{_words(t)}: {_words(_level(o))} (by {o.decided_by.reviewer}: {o.reason})"
                  for t, o in sorted(self.in_force().items())]
        lines.append(f"<b>Overrides in force for {html.escape(self.claim)}:</b> "
                     + (html.escape("; ".join(forced)) if forced else "none"))
        disputed = [o for (key, _, _), o in self._decisions().outcomes("grade").items()
                    if key == self.claim and o.status == "conflict"]
        if disputed:
            lines.append("<b>Disputed</b> (not applied until resolved with litreview decide --resolve): "
                         + html.escape("; ".join(o.describe() for o in disputed)))
        return "<br>".join(lines)

    def save(self) -> bool:
        """Log the override in the form as the reviewer's (True when logged); refuse it without a reason or level."""
        if self.claim is None:
            return False
        why = self.reason.value.strip()
        if self.level.value is None:
            self.message.value = _ERROR.format("not recorded: choose what to set it to first")
            return False
        if not why:
            self.message.value = _ERROR.format("not recorded: an override needs a reason (fill in Why)")
            return False
        target = self.target.value
        setting = {"verdict": self.level.value} if target == "verdict" else {"judgement": self.level.value}
        logged = self._log("grade", key=self.claim, claim=self.claim, domain=target, reason=why, **setting)
        if logged:
            self.message.value = (f"recorded: {html.escape(_words(target))} set to "
                                  f"{html.escape(_words(self.level.value))} for {html.escape(self.claim)}; "
                                  "it applies at the next synthesis (litreview run, or rebuild the review)")
            self.reason.value = ""
            self._levels()
        else:
            self.message.value = _ERROR.format("not recorded: see the status line below")
        return logged

    @property
    def widget(self) -> widgets.VBox:
        """The form, to place in a panel."""
        return widgets.VBox([widgets.HTML("<b>GRADE override</b> for this claim"),
                             widgets.HBox([self.target, self.level]),
                             widgets.HBox([self.reason, self.save_button]), self.message, self.info],
                            layout=widgets.Layout(border="1px solid #ccc", padding="4px"))
