"""Risk-of-bias forms: domain judgements logged per study and claim, and used by the appraisal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS
from litreview.cli.main import main
from litreview.corpus.decision_schema import make_decision
from litreview.corpus.decisions import DecisionLog
from litreview.corpus.rob import DOMAINS, person_rob
from litreview.errors import CorpusError
from litreview.workbench.pipeline import build_review

T1, T2 = "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"


def _rob(reviewer: str, domain: str, judgement: str, time: str = T1, **extra: object):
    """A rob decision on record 1 for claim c."""
    return make_decision("1", "rob", reviewer, claim="c", domain=domain, judgement=judgement, time=time, **extra)


def test_each_domain_is_its_own_item_with_conflicts_and_resolution() -> None:
    log = DecisionLog((_rob("alice", "rob2:randomisation", "high", quote="open-label"),
                       _rob("alice", "rob2:measurement", "low"), _rob("bob", "rob2:measurement", "high")))
    assert len(DOMAINS) == 5 + 7 + 10
    judged = person_rob(log.outcomes("rob").values())
    assert judged == {("1", "c"): [("RoB 2: bias arising from the randomisation process", "high", "alice")]}
    conflicts = log.conflicts()
    assert list(conflicts["claim"]) == ["c#rob2:measurement"] and "bob: rob2:measurement high" in conflicts.iloc[0, 4]
    resolved = DecisionLog((*log, _rob("carol", "rob2:measurement", "some_concerns", T2, resolution=True)))
    assert person_rob(resolved.outcomes("rob").values())[("1", "c")][1] == (
        "RoB 2: bias in measurement of the outcome", "some_concerns", "carol")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"claim": "c", "domain": "rob2:blinding", "judgement": "low"}, "unknown risk-of-bias domain 'rob2:blinding'"),
        ({"claim": "c", "domain": "syrcle:baseline", "judgement": "medium"}, "unknown risk-of-bias judgement"),
        ({"domain": "syrcle:baseline", "judgement": "low"}, "a rob decision is about a study for a claim"),
        ({"claim": "c", "domain": "rob2:reporting", "judgement": "low", "direction": "supports"}, "no include"),
    ],
)
def test_bad_rob_decisions_are_refused(values: dict, message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        make_decision("1", "rob", "alice", **values)
    with pytest.raises(CorpusError, match="belong to the rob stage"):
        make_decision("1", "judge", "alice", claim="c", direction="supports", domain="rob2:reporting")


def test_decide_rob_and_the_appraisal_uses_the_persons_judgement(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    review = build_review(corpus)
    represented = {(v.claim_id, key) for v in review.verdicts for key in v.represented}
    efficacy = {c.id for c in review.claims if c.kind == "clinical_efficacy"}
    before = review.studies
    rct = next(row for _, row in before[(before["design"] == "rct") & before["votes"]].iterrows()
               if row["claim_id"] in efficacy and (row["claim_id"], row["key"]) not in represented)
    base = ["decide", rct["key"], "--stage", "rob", "--claim", rct["claim_id"], "--reviewer", "alice",
            "--corpus", str(corpus)]
    assert main([*base, "--domain", "rob2:randomization", "--judgement", "high"]) == 1
    err = capsys.readouterr().err
    assert "unknown risk-of-bias domain 'rob2:randomization' (did you mean 'rob2:randomisation'?)" in err
    assert err.count("\n") == 1 and not (corpus / "decisions").exists()
    assert main([*base, "--domain", "rob2:missing_data", "--judgement", "high", "--quote", "40% dropped out"]) == 0
    assert main([*base, "--domain", "rob2:randomisation", "--judgement", "low"]) == 0
    row = json.loads((corpus / "decisions" / "alice.jsonl").read_text().splitlines()[0])
    assert row["quote"] == "40% dropped out" and row["domain"] == "rob2:missing_data"
    review = build_review(corpus)
    after = review.studies.set_index(["key", "claim_id"]).loc[(rct["key"], rct["claim_id"]), "rob"]
    assert after == "RoB 2: bias due to missing outcome data high (judged by alice)"
    notes = [note for v in review.verdicts if v.claim_id == rct["claim_id"] for note in v.footnotes]
    assert any("judged by alice" in note for note in notes)  # the GRADE footnote says who judged


def test_the_footnote_says_a_person_judged_even_when_every_domain_is_low(tmp_path: Path) -> None:
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    review = build_review(corpus)
    represented = {(v.claim_id, key) for v in review.verdicts for key in v.represented}
    kinds = {c.id for c in review.claims if c.kind == "clinical_efficacy"}
    before = review.studies
    efficacy = next(row for _, row in before[(before["design"] == "rct") & before["votes"]].iterrows()
                    if row["claim_id"] in kinds and (row["claim_id"], row["key"]) not in represented)
    for domain in ("rob2:randomisation", "rob2:measurement"):
        assert main(["decide", efficacy["key"], "--stage", "rob", "--claim", efficacy["claim_id"], "--domain", domain,
                     "--judgement", "low", "--reviewer", "alice", "--corpus", str(corpus)]) == 0
    review = build_review(corpus)
    row = review.studies.set_index(["key", "claim_id"]).loc[(efficacy["key"], efficacy["claim_id"])]
    assert (row["rob"], row["rob_judged_by"]) == ("", "alice")
    notes = [n for v in review.verdicts if v.claim_id == efficacy["claim_id"] for n in v.footnotes]
    assert any(f"A person judged risk of bias domain by domain for {row['label']} (alice)" in n for n in notes)
