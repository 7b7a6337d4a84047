"""The GRADEpro-style Summary-of-Findings tables: PICO, one row per outcome, effects, plain language, legend."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_synthesis import study, table

from conftest import CORPUS
from litreview.corpus.claims import Claim, ClaimPart, ClaimSource
from litreview.synthesis.grade import synthesize_claim
from litreview.synthesis.sof import GRADE_LEGEND, SOF_TABLE_COLUMNS, plain_language, sof_tables
from litreview.workbench.pipeline import Review, build_review, write_review

CLAIM = Claim(id="pain", mechanism="clinical", kind="clinical_efficacy", statement="Ketamine relieves chronic pain.",
              subject="ketamine", effect="improves", outcome="chronic pain", sources=(ClaimSource("a.txt", "q"),))


@pytest.mark.parametrize(("code", "certainty", "expected"), [
    ("supported", "high", "Ketamine relieves chronic pain."),
    ("supported", "moderate", "Ketamine probably relieves chronic pain."),
    ("supported", "low", "Ketamine may relieve chronic pain."),
    ("not_supported", "moderate", "Ketamine probably does not relieve chronic pain."),
    ("contradicted", "low", "Ketamine may not relieve chronic pain."),
    ("supported", "very low", "The evidence is very uncertain about whether “Ketamine relieves chronic pain” holds."),
    ("insufficient", "very low", "No conclusion: the evidence is insufficient to say whether “Ketamine relieves "
                                 "chronic pain” holds."),
])
def test_plain_language_follows_the_grade_working_group(code: str, certainty: str, expected: str) -> None:
    assert plain_language(CLAIM, code, certainty) == expected


def test_a_possessive_subject_takes_be_or_have() -> None:
    claim = replace(CLAIM, statement="Ketamine's side effects are minor and transient.")
    assert plain_language(claim, "supported", "moderate") == "Ketamine's side effects probably are minor and transient."
    assert plain_language(claim, "not_supported", "high") == "Ketamine's side effects are not minor and transient."


def test_one_row_per_outcome_with_effect_participants_and_importance() -> None:
    claim = replace(CLAIM, parts=(ClaimPart("neuropathic", ("neuropath",)), ClaimPart("migraine", ("migraine",))))
    rows = table(study("1", n=300, parts="neuropathic", effect="RR 0.50 (95% CI 0.30 to 0.80)",
                       effect_sentence="Pain halved (RR 0.50, 95% CI 0.30-0.80)."),
                 study("2", n=None, parts="migraine", effect="SMD -0.4", effect_sentence="Migraine fell (SMD -0.4)."),
                 claim=claim)
    verdict = synthesize_claim(claim, rows)
    mechanistic = replace(CLAIM, id="bdnf", kind="mechanism_in_people", statement="Ketamine raises BDNF.")
    other = synthesize_claim(mechanistic, table(claim=mechanistic))
    clinical, mech = sof_tables([claim, mechanistic], [verdict, other], rows)
    assert list(clinical.frame.columns) == SOF_TABLE_COLUMNS and clinical.legend == GRADE_LEGEND
    assert set(clinical.pico) == {"Population", "Intervention", "Comparison", "Outcomes", "Setting"}
    assert list(clinical.frame["Outcome"]) == ["pain", "pain: neuropathic", "pain: migraine"]
    whole, neuro, migraine = clinical.frame.to_dict("records")
    assert whole["№ of participants (studies)"] == "300 (2 studies; 1 without a size)"
    assert neuro["Relative effect (95% CI)"] == "RR 0.50 (0.30 to 0.80) — Study 1"
    assert neuro["Absolute effect (95% CI)"] == "not reported (no comparator risk in the text)"
    assert "“Pain halved (RR 0.50, 95% CI 0.30-0.80).”" in neuro["Footnotes"]
    assert migraine["Relative effect (95% CI)"] == "not applicable (continuous outcome)"
    assert migraine["Absolute effect (95% CI)"] == "SMD 0.4 lower — Study 2"
    assert migraine["№ of participants (studies)"] == "not stated (1 study)"
    assert whole["Importance"] == "critical" and whole["Certainty of the evidence (GRADE)"].startswith("⊕")
    assert list(mech.frame["Outcome"]) == ["bdnf"] and mech.frame.loc[0, "Importance"] == "mechanistic"


@pytest.fixture(scope="module")
def review() -> Review:
    """The committed review."""
    return build_review(CORPUS)


def test_the_tables_reach_xlsx_md_csv_and_html(review: Review, tmp_path) -> None:
    import openpyxl

    write_review(review, tmp_path, formats=("csv", "xlsx", "md", "html"), write_figures=False)
    book = openpyxl.load_workbook(tmp_path / "review.xlsx", read_only=True)
    assert book.sheetnames[:3] == ["SoF clinical", "SoF mechanistic", "SoF PICO and legend"]
    rows = list(book["SoF clinical"].iter_rows(values_only=True))
    clinical = review.sof_tables[0].frame
    column = rows[0].index("Absolute effect (95% CI)")
    assert [r[column] for r in rows[1:len(clinical) + 1]] == list(clinical["Absolute effect (95% CI)"])
    assert any("per 1,000 vs" in cell for cell in clinical["Absolute effect (95% CI)"])  # computed, not only quoted
    markdown = (tmp_path / "review.md").read_text(encoding="utf-8")
    assert "## Summary of findings: clinical claims" in markdown and "**Population:**" in markdown
    assert "GRADE Working Group grades of evidence" in markdown
    assert (tmp_path / "sof_clinical.csv").exists() and (tmp_path / "sof_mechanistic.csv").exists()
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert 'id="sof-clinical"' in page and 'id="sof-mechanistic"' in page and "Very low certainty" in page


def test_the_notebook_fragment_holds_pico_table_footnotes_and_legend(review: Review) -> None:
    import html as html_module

    from litreview import sof_table_html

    clinical = review.sof_tables[0]
    fragment = sof_table_html(clinical)
    text = html_module.unescape(fragment.replace("\u00ad", "").replace("<wbr>", ""))
    assert "<dt>Population</dt>" in fragment and GRADE_LEGEND[0] in text
    assert text.count("<tr>") == len(clinical.frame) + 1  # header and one row per outcome
    assert 'style="table-layout: fixed; width: 100%;"' in fragment and fragment.count("<col ") == 9
    # the Footnotes column is not a column here: each outcome's footnotes follow the table instead
    assert "<th scope=\"col\" " in fragment and ">Footnotes<" not in fragment
    noted = clinical.frame[clinical.frame["Footnotes"] != ""]
    assert text.count("<dt>") == len(clinical.pico) + len(noted)
    assert "Im\u00adpor\u00adtance" in fragment  # long words get soft hyphens: JupyterLab drops CSS hyphens


def test_a_long_word_may_break_after_a_slash_or_dot() -> None:
    from litreview.outputs.report import _breakable

    assert str(_breakable("doi:10.1080/20008066.2023.2299124")) == "doi:10.<wbr>1080/<wbr>20008066.<wbr>2023.<wbr>2299124"
    assert str(_breakable("rapid_onset & co.")) == "rapid_<wbr>onset &amp; co."
