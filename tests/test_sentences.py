"""The shared sentence splitter (litreview.corpus.sentences) on hand-written sentences."""

from __future__ import annotations

import pytest

from litreview.corpus.sentences import sentence_spans, split_sentences


@pytest.mark.parametrize("text, expected", [
    ("Response was 52% vs. 18% with placebo. Remission followed.",
     ["Response was 52% vs. 18% with placebo.", "Remission followed."]),
    ("Fast-acting drugs (e.g. Ketamine) help. Others do not.", ["Fast-acting drugs (e.g. Ketamine) help.",
                                                                 "Others do not."]),
    ("Doses differed, i.e. 0.5 and 1.0 mg/kg. Both worked.", ["Doses differed, i.e. 0.5 and 1.0 mg/kg.",
                                                                "Both worked."]),
    ("Spines grew (Fig. 2B). Synapses did too.", ["Spines grew (Fig. 2B).", "Synapses did too."]),
    ("As Smith et al. 2019 found, mood lifted. Then it fell.", ["As Smith et al. 2019 found, mood lifted.",
                                                                 "Then it fell."]),
    ("The odds ratio was 2.1 (95% CI 1.2-3.4). The effect held.", ["The odds ratio was 2.1 (95% CI 1.2-3.4).",
                                                                    "The effect held."]),
    ("The risk ratio was 0.5, 95% CI 1.2-3.4. Patients improved.", ["The risk ratio was 0.5, 95% CI 1.2-3.4.",
                                                                     "Patients improved."]),
    ("Aims were set. RESULTS: Scores fell. CONCLUSIONS: It works.", ["Aims were set.", "RESULTS: Scores fell.",
                                                                      "CONCLUSIONS: It works."]),
    ("We enrolled adults in 2019 RESULTS: Scores fell.", ["We enrolled adults in 2019", "RESULTS: Scores fell."]),
    ("Title of the study\nBACKGROUND: One. METHODS: Two things.", ["Title of the study", "BACKGROUND: One.",
                                                                    "METHODS: Two things."]),
    ("1. Currents were recorded. 2. Blockade was slow.", ["1. Currents were recorded.", "2. Blockade was slow."]),
    ("Mood lifted by day 7. Sleep did not change.", ["Mood lifted by day 7.", "Sleep did not change."]),
    ('He said "it works." Then he left? Yes! (Data in Table 1.) Done.',
     ['He said "it works."', "Then he left?", "Yes!", "(Data in Table 1.)", "Done."]),
    ("The scale was MADRS: scores fell.", ["The scale was MADRS: scores fell."]),
    ("", []),
])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_spans_are_trimmed_offsets_of_the_text() -> None:
    text = "  Ketamine vs. placebo.   RESULTS: It worked.\n\nTitle two  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Ketamine vs. placebo.", "RESULTS: It worked.", "Title two"]
    assert spans[0][0] == 2 and spans[-1][1] == len(text) - 2
