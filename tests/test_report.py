"""The HTML report's content, without a browser: self-contained, CSP-locked, every claim and footnote present."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace

import pytest
from lxml import html as lxml_html

import litreview as lr
from conftest import CORPUS
from litreview.corpus.records import Article
from litreview.outputs.report import ReportContext, render_report
from litreview.workbench.pipeline import Review, report_context


@pytest.fixture(scope="module")
def review() -> Review:
    """The committed review."""
    return lr.build_review(CORPUS)


@pytest.fixture(scope="module")
def page(review: Review) -> bytes:
    """The report as ``litreview run`` writes it, figures left out for speed."""
    return render_report(claims=review.claims, verdicts=review.verdicts, studies=review.studies,
                         cited=review.cited, context=report_context(review))


def test_self_contained_and_script_allowed_only_by_its_hash(page: bytes) -> None:
    text = page.decode("utf-8")
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//*[@src and not(starts-with(@src, 'data:'))]")
    assert not tree.xpath("//link[@rel='stylesheet']")
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    script = re.search(r"<script>(.*?)</script>", text, flags=re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert f"'sha256-{digest}'" in csp
    assert tree.xpath("//meta[@name='viewport']")


def test_header_says_what_was_reviewed_and_when(review: Review, page: bytes) -> None:
    meta = " ".join(lxml_html.fromstring(page).xpath("//header//p[@class='meta']//text()"))
    assert "corpus" in meta and "2026-11-29" in meta
    assert "143 records: 143 from the curated register (34 known by DOI only, PMID unresolved)" in meta
    assert str(CORPUS.parent) not in page.decode("utf-8")  # no absolute paths


def test_one_row_and_one_section_per_claim_with_footnotes(review: Review, page: bytes) -> None:
    tree = lxml_html.fromstring(page)
    assert len(tree.xpath("//table[@id='verdicts']/tbody/tr")) == len(review.claims)
    for verdict in review.verdicts:
        section = tree.get_element_by_id(f"claim-{verdict.claim_id}")
        notes = section.xpath(".//ol[@class='footnotes']/li")
        assert len(notes) == len(verdict.footnotes), verdict.claim_id
        row = tree.xpath(f"//table[@id='verdicts']/tbody/tr[@data-verdict='{verdict.verdict_code}']")
        assert row, verdict.verdict_code


def test_summary_of_findings_section_links_each_domain_to_its_footnote(review: Review, page: bytes) -> None:
    tree = lxml_html.fromstring(page)
    rows = tree.xpath("//table[contains(@class, 'sof-all')]/tbody/tr")
    assert len(rows) == len(review.claims)
    targets = {a.get("href")[1:] for a in tree.xpath("//table[contains(@class, 'sof-all')]//a[@class='fn']")}
    assert targets and all(tree.get_element_by_id(t) is not None for t in targets)


def test_legend_does_not_rely_on_colour(page: bytes) -> None:
    tree = lxml_html.fromstring(page)
    for badge in tree.xpath("//span[contains(@class, 'badge')]"):
        assert badge.text_content().strip()[0] in "✔◐⇄○✘?∅" and len(badge.text_content().strip()) > 2


def test_curated_findings_are_labelled_and_studies_link_out(page: bytes) -> None:
    tree = lxml_html.fromstring(page)
    section = tree.get_element_by_id("claim-glutamate_surge")
    assert "curated summary (not the abstract)" in section.text_content()
    links = section.xpath(".//table[@class='studies']//a/@href")
    assert any(h.startswith("https://pubmed.ncbi.nlm.nih.gov/") for h in links)
    assert any(h.startswith("https://doi.org/10.") for h in links)


def test_unknown_author_is_said_not_invented() -> None:
    article = Article(pmid="1", title="A study", year=2007, source="curated", curated_summary="Found X.")
    context = ReportContext("corpus", "2026-11-29", "1 record", "0")
    page = render_report(claims=[], verdicts=[], studies=lr.assessments_to_frame([]), cited=[article],
                         context=context).decode("utf-8")
    assert "[author not recorded] (2007). A study." in page and "Anonymous" not in page
    no_year = render_report(claims=[], verdicts=[], studies=lr.assessments_to_frame([]),
                            cited=[replace(article, year=None)], context=context).decode("utf-8")
    assert "(year not recorded)" in no_year


def test_markup_in_records_is_escaped(review: Review) -> None:
    hostile = replace(review.cited[0], title='<script>alert(1)</script><img src=x onerror="alert(2)">')
    page = render_report(claims=review.claims, verdicts=review.verdicts, studies=review.studies,
                         cited=[hostile, *review.cited[1:]], context=report_context(review)).decode("utf-8")
    assert "<script>alert(1)" not in page and "onerror=\"alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_same_input_same_bytes(review: Review, page: bytes) -> None:
    again = render_report(claims=review.claims, verdicts=review.verdicts, studies=review.studies,
                          cited=review.cited, context=report_context(review))
    assert again == page


def test_each_graded_claim_states_its_robustness_and_study_roles(review: Review, page: bytes) -> None:
    tree = lxml_html.fromstring(page)
    for verdict in review.verdicts:
        if not verdict.certainty:
            continue
        section = tree.get_element_by_id(f"claim-{verdict.claim_id}")
        stated = " ".join(section.xpath(".//p[@class='robustness']//text()"))
        assert verdict.robustness in stated and verdict.robustness, verdict.claim_id
    assert "decides" in page.decode("utf-8") and "represented by" in page.decode("utf-8")
