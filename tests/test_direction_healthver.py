"""Round 8 (HealthVer): plain statements against one- or two-sentence evidence.

Every sentence here is written for the test (zinc, garlic, saunas and colds),
not taken from any dataset.
"""

from __future__ import annotations

import pytest

from litreview.evidence.direction_judge import judge_direction
from litreview.evidence.statements import AIM


@pytest.mark.parametrize("text", [
    "To evaluate whether zinc lozenges shorten the common cold in adults.",
    "OBJECTIVE: To assess the hypothesis that zinc lozenges shorten colds.",
    "We aimed to test whether zinc lozenges shorten colds in office workers.",
])
def test_an_aim_is_not_a_finding(text: str) -> None:
    assert AIM.match(text)
    assert judge_direction("Zinc lozenges shorten the common cold.", text).direction != "supports"


def test_a_finding_after_an_aim_still_decides() -> None:
    text = ("To evaluate whether zinc lozenges shorten colds, we randomised 200 adults. "
            "Zinc lozenges shortened colds by two days compared with placebo.")
    assert judge_direction("Zinc lozenges shorten the common cold.", text).direction == "supports"


@pytest.mark.parametrize(("claim", "text"), [
    ("Elderberry syrup cures the common cold.",
     "Currently, there is not any specific effective treatment for the common cold."),
    ("Elderberry syrup cures the common cold.",
     "No antiviral drug is currently approved for the common cold, and care remains supportive."),
    ("Elderberry syrup cures the common cold.", "So far no antiviral treatment has been licensed for colds in children."),
])
def test_no_treatment_available_refutes_a_cure(claim: str, text: str) -> None:
    """'not any specific treatment', 'no drug is approved': the finding denied as a whole, by that cue."""
    judged = judge_direction(claim, text)
    assert judged.direction in {"no_effect", "contradicts"} and judged.reason.startswith("null:")
