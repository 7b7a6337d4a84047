"""The judging panel's risk-of-bias form: one domain at a time, the machine's proposal shown, a person saves.

The form offers the domains of the tool that fits the study (SYRCLE for animal
studies, RoB 2 for randomised trials, ROBINS-I otherwise). Choosing a domain
fills the judgement and quote with the judgement in use (a person's, from the
``rob`` stage of the log) or else the machine's proposal
(:func:`litreview.evidence.rob_cues.propose_rob`); nothing is logged until the
reviewer clicks *Save risk of bias*, so a proposal counts only once a person
has confirmed it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..corpus.decisions import DecisionLog
from ..corpus.rob import DOMAINS, JUDGEMENTS
from ..evidence.rob_cues import RobProposal, propose_rob

__all__ = ["RobForm", "rob_tool"]


def rob_tool(design: str | None, population: str | None) -> str:
    """The risk-of-bias tool for a study: ``syrcle`` (animal), ``rob2`` (randomised trial) or ``robins_i``."""
    return "syrcle" if population == "animal" else "rob2" if design == "rct" else "robins_i"


class RobForm:
    """Risk-of-bias domain judgements for the (study, claim) pair a panel shows.

    Parameters
    ----------
    log : callable
        ``log("rob", claim=..., domain=..., judgement=..., quote=...) -> bool``:
        appends the decision as the panel's reviewer (the panel's ``_log``).
    decisions : callable
        Returns the panel's current :class:`~litreview.corpus.decisions.DecisionLog`.
    """

    def __init__(self, log: Callable[..., bool], decisions: Callable[[], DecisionLog]) -> None:
        self._log = log
        self._decisions = decisions
        self.pair: tuple[str, str] | None = None
        self.proposals: dict[str, RobProposal] = {}
        self.domain = widgets.Dropdown(description="RoB domain", layout=widgets.Layout(width="30em"),
                                       style={"description_width": "initial"})
        self.judgement = widgets.Dropdown(options=JUDGEMENTS, value=None, description="Judgement")
        self.quote = widgets.Text(description="Quote", placeholder="the study's words that support the judgement",
                                  layout=widgets.Layout(width="34em"))
        self.save_button = widgets.Button(description="Save risk of bias", button_style="info",
                                          layout=widgets.Layout(width="auto"))
        self.info = widgets.HTML()
        self._quiet = False
        self.domain.observe(lambda _: None if self._quiet else self._fill(), names="value")
        self.save_button.on_click(lambda _: self.save())

    def show(self, pair: tuple[str, str] | None, text: str, design: str | None, population: str | None) -> None:
        """Offer the domains of the study's tool, the first one the machine has a proposal for selected."""
        self.pair = pair
        self.proposals = {p.domain: p for p in propose_rob(text, design, population)} if pair else {}
        tool = rob_tool(design, population)
        options = [(DOMAINS[d].split(": ", 1)[1], d) for d in DOMAINS if d.startswith(f"{tool}:")] if pair else []
        first = next((d for _, d in options if d in self.proposals), options[0][1] if options else None)
        self._quiet = True  # the options change the value on the way: fill once, at the end
        self.domain.options, self.domain.value = options, first
        self._quiet = False
        self.domain.description = f"{DOMAINS[first].split(':')[0]} domain" if first else "RoB domain"
        self._fill()

    def in_use(self, domain: str) -> Any:
        """The people's decided outcome on this domain of the pair, or None."""
        if self.pair is None:
            return None
        outcome = self._decisions().outcome(self.pair[0], f"{self.pair[1]}#{domain}", "rob")
        return outcome if outcome is not None and outcome.status == "decided" else None

    def _fill(self) -> None:
        """Judgement and quote from the person's judgement in use, else the machine's proposal, else empty."""
        domain = self.domain.value
        if domain is None:
            self.judgement.value, self.quote.value, self.info.value = None, "", ""
            return
        outcome, proposal = self.in_use(domain), self.proposals.get(domain)
        if outcome is not None:
            self.judgement.value = outcome.values["judgement"]
            self.quote.value = outcome.decided_by.quote or ""
            self.info.value = (f"<b>In use:</b> {outcome.values['judgement'].replace('_', ' ')} "
                               f"(judged by {html.escape(outcome.decided_by.reviewer)})")
        elif proposal is not None:
            self.judgement.value, self.quote.value = proposal.judgement, proposal.quote
            self.info.value = (f"<b>Machine proposes:</b> {proposal.judgement.replace('_', ' ')} "
                               f"({html.escape(proposal.cue)}); not counted until you save it")
        else:
            self.judgement.value, self.quote.value = None, ""
            self.info.value = "No proposal: the text says nothing on this domain; judge it from the full text"
        self.info.value += self._summary()

    def _summary(self) -> str:
        """The machine's proposals for the study, one line."""
        if not self.proposals:
            return ""
        shown = "; ".join(f"{DOMAINS[d].split(': ', 1)[1]} {p.judgement.replace('_', ' ')}"
                          for d, p in self.proposals.items())
        return f"<br><small>Proposals for this study: {html.escape(shown)}</small>"

    def save(self) -> bool:
        """Log the form's judgement of the selected domain as the reviewer's (True when logged)."""
        if self.pair is None or self.domain.value is None:
            return False
        if self.judgement.value is None:
            self.info.value = "<span style='color:#b00'>not recorded: choose a judgement first</span>"
            return False
        logged = self._log("rob", claim=self.pair[1], domain=self.domain.value, judgement=self.judgement.value,
                           quote=self.quote.value.strip() or None)
        if logged:
            self._fill()
        return logged

    @property
    def widget(self) -> widgets.VBox:
        """The form, to place in a panel."""
        return widgets.VBox([widgets.HBox([self.domain, self.judgement]),
                             widgets.HBox([self.quote, self.save_button]), self.info],
                            layout=widgets.Layout(border="1px solid #ccc", padding="4px"))
