"""Risk-of-bias forms: the domains of RoB 2, ROBINS-I and SYRCLE, and a person's judgements read from the log.

A reviewer judges one domain of one study, for one claim, at a time
(``litreview decide KEY --stage rob --claim ID --domain rob2:randomisation
--judgement high --quote "..."``). Domains are named ``<tool>:<domain>``:

- ``rob2`` (randomised trials, RoB 2): randomisation, deviations,
  missing_data, measurement, reporting;
- ``robins_i`` (non-randomised studies of interventions, ROBINS-I):
  confounding, selection, classification, deviations, missing_data,
  measurement, reporting;
- ``syrcle`` (animal studies, SYRCLE): sequence_generation, baseline,
  allocation_concealment, random_housing, blinding_caregivers,
  random_assessment, blinding_assessors, incomplete_data, selective_reporting,
  other.

A judgement is ``low``, ``some_concerns`` or ``high``, with the quote that
supports it. Each domain is its own item in the decisions log, so two
reviewers who disagree on a domain meet in the conflicts queue like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["TOOLS", "DOMAINS", "JUDGEMENTS", "person_rob"]

#: Each tool's name and its domains (id -> label).
TOOLS: dict[str, tuple[str, dict[str, str]]] = {
    "rob2": ("RoB 2", {
        "randomisation": "bias arising from the randomisation process",
        "deviations": "bias due to deviations from intended interventions",
        "missing_data": "bias due to missing outcome data",
        "measurement": "bias in measurement of the outcome",
        "reporting": "bias in selection of the reported result",
    }),
    "robins_i": ("ROBINS-I", {
        "confounding": "bias due to confounding",
        "selection": "bias in selection of participants",
        "classification": "bias in classification of interventions",
        "deviations": "bias due to deviations from intended interventions",
        "missing_data": "bias due to missing data",
        "measurement": "bias in measurement of outcomes",
        "reporting": "bias in selection of the reported result",
    }),
    "syrcle": ("SYRCLE", {
        "sequence_generation": "sequence generation",
        "baseline": "baseline characteristics",
        "allocation_concealment": "allocation concealment",
        "random_housing": "random housing",
        "blinding_caregivers": "blinding of caregivers and investigators",
        "random_assessment": "random outcome assessment",
        "blinding_assessors": "blinding of outcome assessors",
        "incomplete_data": "incomplete outcome data",
        "selective_reporting": "selective outcome reporting",
        "other": "other sources of bias",
    }),
}
#: ``tool:domain`` -> "RoB 2: bias arising from the randomisation process".
DOMAINS: dict[str, str] = {f"{tool}:{domain}": f"{name}: {label}"
                           for tool, (name, domains) in TOOLS.items() for domain, label in domains.items()}
JUDGEMENTS = ("low", "some_concerns", "high")


def person_rob(outcomes: Iterable[Any]) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """The people's decided risk-of-bias judgements per (record, claim).

    Parameters
    ----------
    outcomes : iterable of Outcome
        :meth:`DecisionLog.outcomes` for the ``rob`` stage (decided ones count;
        a domain in conflict is left to the machine until resolved).

    Returns
    -------
    dict
        ``(key, claim)`` -> ``[(domain label, judgement, reviewer), ...]`` in domain order.
    """
    out: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    order = list(DOMAINS)
    for outcome in sorted(outcomes, key=lambda o: order.index(o.decided_by.domain) if o.decided_by else 0):
        if outcome.status != "decided" or outcome.decided_by is None:
            continue
        decision = outcome.decided_by
        out.setdefault((outcome.key, decision.claim), []).append(
            (DOMAINS[decision.domain], outcome.values["judgement"], decision.reviewer))
    return out
