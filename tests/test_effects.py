"""Effects read from the text (evidence.effects) and the SoF effect cells computed from them (synthesis.absolute).

Every figure is checked against a hand computation written out in the test.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from test_synthesis import study, table

from litreview.corpus.claims import Claim, ClaimSource
from litreview.corpus.records import Article
from litreview.evidence.effects import Arms, Estimate, find_effect, read_arms, read_estimate
from litreview.evidence.extraction import extract
from litreview.synthesis.absolute import effect_cells, intervention_risk, newcombe_difference
from litreview.synthesis.appraisal import appraise
from litreview.synthesis.grade import synthesize_claim
from litreview.synthesis.sof import sof_tables

KETAMINE = ("ketamine",)
CLAIM = Claim(id="response", mechanism="clinical", kind="clinical_efficacy", statement="Ketamine relieves depression.",
              subject="ketamine", effect="improves", outcome="response", sources=(ClaimSource("a.txt", "q"),),
              outcome_terms=("response", "respond"), agents=KETAMINE)


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval, written out (Newcombe 1998, method 3)."""
    p = k / n
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n
                                                                                            + z * z / (4 * n * n))
    return centre - half, centre + half


# -- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Response was higher (RR 2.9, 95% CI 1.1 to 7.6).", "RR 2.9 (95% CI 1.1 to 7.6)"),
    ("Remission: odds ratio 3.1; 95% confidence interval 1.2-8.0.", "OR 3.1 (95% CI 1.2 to 8.0)"),
    ("MADRS fell (SMD −0.8, 95% CI −1.2 to −0.4).", "SMD -0.8 (95% CI -1.2 to -0.4)"),
    ("Effect d = .98, 95% confidence interval = .64-1.33.", "d 0.98 (95% CI 0.64 to 1.33)"),
    ("Relapse risk fell (HR 0.49).", "HR 0.49"),
])
def test_estimates_are_read_with_their_ci_and_written_back(sentence: str, expected: str) -> None:
    found = read_estimate(sentence)
    assert str(found) == expected and Estimate.parse(str(found)) == found


def test_or_as_a_word_is_not_an_odds_ratio() -> None:
    assert read_estimate("Patients on ketamine or placebo 2 times weekly.") is None


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Response: 12 of 30 (40%) with ketamine vs 4 of 28 with placebo.", "12/30 vs 4/28"),
    ("Response in the placebo group was 4/28 and 12/30 with ketamine.", "12/30 vs 4/28"),
    ("Response rates with ketamine and placebo were 52% and 18%.", "52% vs 18%"),
    ("Response rates were 52% (n = 30) and 18% (n = 28) for ketamine and placebo.", "52% (n = 30) vs 18% (n = 28)"),
    ("Switching to placebo raised relapse (45.3% vs 26.7%).", "26.7% vs 45.3%"),
])
def test_arms_are_read_intervention_first(sentence: str, expected: str) -> None:
    arms = read_arms(sentence, KETAMINE)
    assert str(arms) == expected and Arms.parse(str(arms)) == arms


@pytest.mark.parametrize("sentence", [
    "12 of 30 patients (40%) responded to ketamine.",                  # one arm: no comparator
    "Response rates were 52% and 18%.",                                 # which arm is which is not said
    "The uncontrolled studies reported 53% response and 38% remission with ketamine versus control.",  # outcomes
])
def test_no_comparator_arm_gives_no_arms(sentence: str) -> None:
    assert read_arms(sentence, KETAMINE) is None


def test_arm_sizes_stated_elsewhere_complete_percentages() -> None:
    text = "Adults were randomised to ketamine (n = 30) or placebo (n = 28). Response: 40% with ketamine, 14% placebo."
    _, arms = find_effect(text, KETAMINE)
    assert arms is not None
    found, start, end = arms
    assert (found.total_intervention, found.total_comparator) == (30, 28)
    assert (found.events_intervention, found.events_comparator) == (12, 4)  # 40% of 30, 14% of 28 (3.92 -> 4)
    assert text[start:end] == "Response: 40% with ketamine, 14% placebo."


def test_extraction_gives_effect_and_arms_with_their_sentence() -> None:
    abstract = ("Thirty patients received ketamine and 28 placebo. Response: 12 of 30 with ketamine vs 4 of 28 with "
                "placebo (RR 2.80, 95% CI 1.02 to 7.67).")
    article = Article(pmid="1", title="Ketamine trial", abstract=abstract)
    ex = extract(article, CLAIM)
    text = f"{article.title}\n{abstract}"
    assert ex.effect.value == "RR 2.80 (95% CI 1.02 to 7.67)" and ex.arms.value == "12/30 vs 4/28"
    assert text[ex.arms.start:ex.arms.end].startswith("Response: 12 of 30") and ex.effect.start == ex.arms.start


# -- computing ----------------------------------------------------------------------------


def test_counts_alone_give_rr_log_method_and_newcombe_difference() -> None:
    cells = effect_cells(None, read_arms("Response: 12 of 30 with ketamine vs 4 of 28 with placebo.", KETAMINE))
    rr = (12 / 30) / (4 / 28)                                           # 2.8
    se = math.sqrt(1 / 12 - 1 / 30 + 1 / 4 - 1 / 28)                     # log method
    low, high = rr * math.exp(-1.959964 * se), rr * math.exp(1.959964 * se)
    assert cells.relative == f"RR {rr:.2f} ({low:.2f} to {high:.2f})" == "RR 2.80 (1.02 to 7.67)"
    (l1, u1), (l2, u2) = _wilson(12, 30), _wilson(4, 28)
    p1, p2 = 12 / 30, 4 / 28
    d_low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    d_high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert newcombe_difference(12, 30, 4, 28) == pytest.approx((d_low, d_high))
    assert cells.absolute == (f"400 per 1,000 vs 143 per 1,000; 257 more per 1,000 "
                              f"(from {round(d_low * 1000)} more to {round(d_high * 1000)} more)")


def test_percentages_without_arm_sizes_give_the_comparator_risk_but_no_ci() -> None:
    cells = effect_cells(None, read_arms("Response rates with ketamine and placebo were 52% and 18%.", KETAMINE))
    assert cells.relative == f"RR {52 / 18:.2f} (no CI: arm sizes not stated)" == "RR 2.89 (no CI: arm sizes not stated)"
    assert cells.absolute == "520 per 1,000 vs 180 per 1,000; 340 more per 1,000 (no CI: arm sizes not stated)"


def test_a_reported_or_is_converted_through_the_comparator_risk() -> None:
    arms = Arms.from_counts(30, 100, 20, 100)                          # comparator risk 0.2
    cells = effect_cells(Estimate("OR", "3.0", "1.5", "6.0"), arms)
    # OR x CR / (1 - CR + OR x CR): 0.6 / 1.4 = 0.4286; bounds 0.3 / 1.1 = 0.2727 and 1.2 / 2.0 = 0.6
    assert intervention_risk("OR", 3.0, 0.2) == pytest.approx(0.6 / 1.4)
    assert cells.relative == "OR 3.0 (1.5 to 6.0)"
    assert cells.absolute == "429 per 1,000 vs 200 per 1,000; 229 more per 1,000 (from 73 more to 400 more)"
    assert "OR converted through the comparator risk" in cells.method


def test_a_ci_crossing_one_gives_a_difference_from_fewer_to_more() -> None:
    cells = effect_cells(Estimate("RR", "1.2", "0.8", "1.8"), Arms.from_counts(30, 100, 25, 100))
    # RR x CR: 1.2 x 250 = 300; 0.8 x 250 = 200 (50 fewer); 1.8 x 250 = 450 (200 more)
    assert cells.absolute == "300 per 1,000 vs 250 per 1,000; 50 more per 1,000 (from 50 fewer to 200 more)"


def test_a_risk_never_passes_1000_per_1000() -> None:
    cells = effect_cells(Estimate("RR", "2.9", "1.1", "7.6"), Arms.from_counts(12, 30, 4, 28))
    # 7.6 x 143 would be 1,086: capped at 1,000, so at most 857 more
    assert cells.absolute.endswith("(from 14 more to 857 more)")


def test_a_ratio_without_a_comparator_arm_leaves_the_absolute_effect_empty() -> None:
    cells = effect_cells(Estimate("RR", "2.1", "1.1", "4.0"), None)
    assert cells.relative == "RR 2.1 (1.1 to 4.0)" and cells.absolute.startswith("not reported")


def test_a_difference_is_worded_as_gradepro_does() -> None:
    cells = effect_cells(Estimate("SMD", "-0.5", "-0.8", "0.1"), None)
    assert cells.absolute == "SMD 0.5 lower (0.8 lower to 0.1 higher)"
    assert cells.relative == "not applicable (continuous outcome)"


# -- the table ----------------------------------------------------------------------------


def test_the_sof_row_computes_from_the_appraised_text_and_quotes_it() -> None:
    sentence = "Response: 12 of 30 (40%) with ketamine vs 4 of 28 with placebo."
    article = Article(pmid="7", title="Ketamine for depression: a randomised trial", abstract=sentence)
    appraised = appraise(table(study("7", n=58), claim=CLAIM), [CLAIM], [article])
    # appraisal reads title + abstract as one text: the title runs into the first sentence
    assert appraised.loc[0, "arms"] == "12/30 vs 4/28" and appraised.loc[0, "arms_sentence"].endswith(sentence)
    verdict = synthesize_claim(CLAIM, appraised)
    row = sof_tables([CLAIM], [replace(verdict, deciding=("7",))], appraised)[0].frame.iloc[0]
    assert row["Relative effect (95% CI)"] == f"RR 2.80 (1.02 to 7.67) — {appraised.loc[0, 'label']}"
    assert row["Absolute effect (95% CI)"].startswith("400 per 1,000 vs 143 per 1,000; 257 more per 1,000")
    assert f"{sentence}”" in row["Footnotes"] and "Newcombe" in row["Footnotes"]


@pytest.mark.parametrize(("ei", "ni", "ec", "nc"), [(12, 30, 4, 28), (1, 5, 9, 10), (50, 50, 3, 200), (7, 300, 2, 290)])
def test_our_intervals_equal_scipys(ei: int, ni: int, ec: int, nc: int) -> None:
    from scipy.stats import binomtest
    from scipy.stats.contingency import relative_risk

    from litreview.synthesis.absolute import log_rr_interval, wilson_interval

    for k, n in ((ei, ni), (ec, nc)):
        assert wilson_interval(k, n) == pytest.approx(tuple(binomtest(k, n).proportion_ci(method="wilson")), abs=1e-12)
    reference = relative_risk(ei, ni, ec, nc)
    assert log_rr_interval(ei, ni, ec, nc) == pytest.approx(
        (reference.relative_risk, *reference.confidence_interval(0.95)), rel=1e-12)
