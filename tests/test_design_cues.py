"""The shared design cues (litreview.evidence.design_cues) on hand-written sentences."""

from __future__ import annotations

import re

import pytest

from litreview.evidence import design_cues as dc


@pytest.mark.parametrize("cue, text, found", [
    (dc.RANDOMISED, "Patients were randomized to ketamine or placebo.", True),
    (dc.RANDOMISED, "Mice were randomly divided into three groups.", True),
    (dc.RANDOMISED, "A non-randomised comparison of two wards.", False),
    (dc.NOT_RANDOMISED, "Allocation was not randomized.", True),
    (dc.NOT_RANDOMISED, "Patients were randomised.", False),
    (dc.DOUBLE_BLIND, "A triple-blind crossover trial.", True),
    (dc.DOUBLE_BLIND, "A double blind study.", True),
    (dc.SINGLE_BLIND, "A single-blinded pilot.", True),
    (dc.OPEN_LABEL, "An open-label trial of ketamine.", True),
    (dc.OPEN_LABEL, "Raters were not blinded.", True),
    (dc.OPEN_LABEL, "An open-label extension followed the blinded phase.", False),
    (dc.OPEN_LABEL, "An open-label follow-up of responders.", False),
    (dc.OPEN_LABEL_WORD, "An open-label extension study.", True),
    (dc.PLACEBO, "Saline infusion served as control.", True),
    (dc.SYSTEMATIC_SEARCH, "We searched MEDLINE and Embase to 2020.", True),
    (dc.SYSTEMATIC_SEARCH, "A Cochrane review of 12 trials.", True),
    (dc.SYSTEMATIC_SEARCH, "A narrative review of ketamine.", False),
    (dc.META_ANALYSIS, "A network meta-analysis of antidepressants.", True),
])
def test_cue(cue: re.Pattern[str], text: str, found: bool) -> None:
    assert bool(cue.search(text)) is found


def test_every_module_that_reads_design_uses_the_shared_cues() -> None:
    from litreview.evidence import classification, extraction, rob_cues
    from litreview.synthesis import appraisal

    for module in (classification, extraction, rob_cues, appraisal):
        names = vars(module)
        assert any(names.get(name) is getattr(dc, name) for name in dc.__all__), module.__name__
