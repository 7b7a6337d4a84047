"""Every verdict and certainty of ``review.csv`` recomputed from its own columns (issue 22, "reproducible").

The test reads the written ``review.csv`` back as text and applies the rules of ``docs/synthesis.md``
by hand: thresholds on the support share, the claim-level rules, start plus domain changes, the cap and
the rating of the studies outside a review's scope. It shares no code with the synthesis it checks.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import CORPUS
from litreview.workbench.pipeline import build_review, write_review

LEVELS = ["very low", "low", "moderate", "high"]
DOMAIN_COLUMNS = ["risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias", "other"]
PEOPLE = {"mechanism_in_people", "disease_biology", "clinical_efficacy", "harms"}
STRENGTH = ["supported", "partly_supported", "contested", "not_supported", "contradicted"]
_PART = re.compile(r"([^:;]+): ([a-z ]+) \(([^)]*)\)")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed corpus's csv exports."""
    out = tmp_path_factory.mktemp("review")
    write_review(build_review(CORPUS), out, formats=("csv",), write_figures=False)
    return Path(out)


def read(path: Path) -> list[dict[str, str]]:
    """A written csv file, as text."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def review_rows(written: Path) -> list[dict[str, str]]:
    """``review.csv`` read back as text."""
    return read(written / "review.csv")


def body_code(row: dict[str, str]) -> str:
    """The body's direction from the four share columns."""
    support, contrary = float(row["support_share"]), float(row["contrary_share"])
    if support >= 0.25 and contrary >= 0.25 and support < 0.75:
        return "contested"
    if support >= 0.75:
        return "supported"
    if support >= 0.5:
        return "partly_supported"
    return "contradicted" if float(row["opposite_share"]) >= float(row["no_effect_share"]) else "not_supported"


def claim_code(code: str, parts: str) -> str:
    """A bundled claim is as strong as its weakest part with evidence."""
    judged = [c.strip().replace(" ", "_") for _, c, _ in _PART.findall(parts)]
    judged = [c for c in judged if c != "no_evidence"]
    short = [c for c in judged if STRENGTH.index(c) > 0]
    if not judged or not short:
        return code
    if any(c in ("supported", "partly_supported") for c in judged):
        return "partly_supported"
    return max(judged, key=STRENGTH.index)


def test_every_verdict_and_certainty_recomputes_from_the_table(review_rows: list[dict[str, str]]) -> None:
    graded = [row for row in review_rows if row["certainty"]]
    assert len(graded) >= 20
    for row in review_rows:
        if not row["certainty"]:
            assert row["support_share"] == "" and row["rated"] == "", row["claim_id"]
            continue
        # certainty: start + domain changes (floored) + rating up, then the cap, then the scoped rating
        changes = sum(int(c) for name in DOMAIN_COLUMNS for c in re.findall(r"\((-\d)\)", row[name]))
        level = min(3, max(0, LEVELS.index(row["start"]) + changes) + int(row["rated_up"]))
        assert LEVELS[level] == row["rated"], row["claim_id"]
        if row["cap"]:
            level = min(level, LEVELS.index(row["cap"]))
        if row["scoped"]:
            level = max(level, LEVELS.index(row["scoped"]))
        assert LEVELS[level] == row["certainty"], row["claim_id"]
        # verdict code: shares, parts, claims about people, a single very-low study, low-harm claims
        code = body_code(row)
        assert code == row["body_code"], row["claim_id"]
        code = claim_code(code, row["parts"])
        if (row["kind"] in PEOPLE and row["basis"] == "preclinical" and code == "supported"
                and row["human_code"] != "supported"):
            code = "partly_supported"
        if row["certainty"] == "very low" and int(row["n_body"]) + int(row["n_represented"]) == 1:
            code = "insufficient"
        if "Low-harm claim" in row["footnotes"] and code != "contradicted":
            code = "not_supported"
        reviewer = re.search(r"\bverdict: (\w+)", row["overrides"])
        if reviewer:
            code = reviewer.group(1)  # a reviewer's verdict, with its reason in the footnotes
        assert code == row["verdict_code"], row["claim_id"]


def test_unknown_counts_are_empty_and_robustness_is_stated(review_rows: list[dict[str, str]]) -> None:
    for row in review_rows:
        assert row["n_participants"] != "0", row["claim_id"]
        if row["certainty"]:
            assert row["robustness"] == "stable" or row["robustness"].startswith("fragile: "), row["claim_id"]
            assert "Weight: streams" in row["footnotes"] and "deciding:" in row["footnotes"]


def test_studies_csv_says_which_studies_decide(written: Path, review_rows: list[dict[str, str]]) -> None:
    studies = read(written / "studies.csv")
    assert {row["role"] for row in studies} == {"decides", "represented", "shown only"}
    for claim in review_rows:
        mine = [s for s in studies if s["claim_id"] == claim["claim_id"]]
        assert sum(s["role"] == "decides" for s in mine) == int(claim["n_body"]), claim["claim_id"]
        assert sum(s["role"] == "represented" for s in mine) == int(claim["n_represented"]), claim["claim_id"]
    unknown = [s for s in studies if s["sample_size"] == ""]
    assert unknown and all(s["n_counted"] == "" for s in unknown if s["design"] not in ("meta_analysis",
                                                                                          "systematic_review"))
    assert not any(s["n_counted"] == "0" for s in studies)
