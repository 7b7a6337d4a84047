"""Round 9c (HealthVer, reading side): hedged evidence leaves a claim of certainty open.

"Garlic cures colds" is not supported by a study saying garlic *may* relieve
colds; "garlic relieves colds" still is. Every sentence here is written for
the test (garlic, colds, honey, coughs), not taken from any dataset.
"""

from __future__ import annotations

import pytest

from litreview.evidence.direction_judge import judge_direction


@pytest.mark.parametrize(("claim", "text"), [
    ("Garlic cures the common cold.", "Garlic may relieve cold symptoms in adults."),
    ("Honey always relieves a cough in children.", "Honey could improve night-time cough in children."),
])
def test_hedged_evidence_for_a_claim_of_certainty_is_unclear(claim: str, text: str) -> None:
    judged = judge_direction(claim, text)
    assert judged.direction == "unclear"
    assert "certainty" in judged.reason


@pytest.mark.parametrize(("claim", "text"), [
    # a firm finding still supports a claim of certainty ...
    ("Garlic cures the common cold.", "Garlic relieved cold symptoms in adults in a large trial."),
    # ... and hedged evidence still supports a claim without one
    ("Honey relieves a cough in children.", "Honey could improve night-time cough in children."),
])
def test_a_firm_finding_or_a_plain_claim_still_supports(claim: str, text: str) -> None:
    assert judge_direction(claim, text).direction == "supports"
