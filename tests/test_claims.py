"""Claims register and mechanisms: the committed files, the quote check, and every kind of bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CORPUS, KETAMINE
from litreview.cli.main import main
from litreview.corpus.claims import claims_to_frame, load_claims, load_mechanisms
from litreview.corpus.queries import build_query, queries_to_frame
from litreview.errors import CorpusError

MECHANISMS = load_mechanisms(CORPUS / "mechanisms.toml")
CLAIMS = load_claims(CORPUS / "claims.toml", MECHANISMS)

GOOD_MECHANISM = """
[[mechanism]]
key = "nmda"
label = "NMDA"
synonyms = ["NMDA receptor"]
mesh = ["Receptors, N-Methyl-D-Aspartate"]
"""

GOOD_CLAIM = """
[[claim]]
id = "nmda_blockade"
mechanism = "nmda"
kind = "molecular_pharmacology"
statement = "Ketamine blocks NMDA receptors."
subject = "ketamine"
effect = "blocks"
outcome = "NMDA receptors"
sources = [{article = "a.txt", quote = "ketamine blocks NMDA receptors"}]
"""


def test_committed_register_has_every_required_mechanism_and_claim(shared: Path) -> None:
    required = {"nmda", "ampa", "bdnf", "inflammation", "lateral_habenula", "gut_brain",
                "stress_hpa", "dmn", "plasticity", "clinical"}
    assert required <= set(MECHANISMS)
    listed = set(re.findall(r"^- (\w+)", (shared / "evidence" / "CLAIMS.md").read_text(), flags=re.M))
    listed |= {"glutamate_reduced", "anxiety_efficacy", "ocd_efficacy", "bipolar_depression_efficacy",
               "suicidality_reduction", "chronic_pain_efficacy"}
    assert listed <= {c.id for c in CLAIMS}


def test_committed_quotes_occur_in_the_seed_articles(shared: Path) -> None:
    claims = load_claims(CORPUS / "claims.toml", MECHANISMS, seeds_dir=shared / "seeds")
    articles = {a for c in claims for a in c.articles}
    assert articles == {p.name for p in (shared / "seeds").glob("*.txt")}


def test_contradictions_between_articles_are_recorded() -> None:
    by_id = {c.id: c for c in CLAIMS}
    assert by_id["glutamate_surge"].conflicts_with == ("glutamate_reduced",)
    assert by_id["glutamate_reduced"].conflicts_with == ("glutamate_surge",)
    assert "not permanent" in by_id["durability"].note
    assert by_id["cortisol_reduction"].polarity == "down"
    assert by_id["nmda_mediates_antidepressant"].polarity == "required"


def test_every_committed_claim_has_a_kind_and_facts_are_checked() -> None:
    by_id = {c.id: c for c in CLAIMS}
    assert by_id["nmda_blockade"].kind == "molecular_pharmacology"
    assert by_id["nmda_overactive_in_depression"].kind == "disease_biology"
    assert by_id["trd_efficacy"].kind == "clinical_efficacy"
    assert by_id["safety_minimal_side_effects"].kind == "harms"
    fact = by_id["approval_2019"].fact
    assert by_id["approval_2019"].kind == "checkable_fact" and fact is not None
    assert fact.verdict == "partly_true" and "esketamine" in fact.reason
    assert all((c.fact is not None) == (c.kind == "checkable_fact") for c in CLAIMS)
    assert [p.label for p in by_id["bdnf_low_in_depression"].parts] == ["depression", "anxiety disorders", "PTSD"]


def test_frames_one_row_per_claim_and_per_article() -> None:
    frame = claims_to_frame(CLAIMS)
    assert list(frame["id"]) == [c.id for c in CLAIMS]
    per_article = claims_to_frame(CLAIMS, by_article=True)
    assert len(per_article) == sum(len(c.sources) for c in CLAIMS)


def test_query_joins_drug_terms_and_mechanism_vocabulary() -> None:
    query = build_query(MECHANISMS["bdnf"], KETAMINE)
    assert query.startswith('(ketamine[tiab] OR esketamine[tiab] OR arketamine[tiab] OR "Ketamine"[mh]) AND (')
    assert 'BDNF[tiab]' in query and '"brain-derived neurotrophic factor"[tiab]' in query
    assert '"Brain-Derived Neurotrophic Factor"[mh]' in query
    assert list(queries_to_frame(MECHANISMS, KETAMINE)["mechanism"]) == list(MECHANISMS)
    assert build_query(MECHANISMS["bdnf"], None).startswith("(BDNF[tiab] OR ")  # no intervention: terms alone


def _write(tmp_path: Path, mechanisms: str, claims: str) -> tuple[Path, Path]:
    """Write a mechanisms and a claims file into ``tmp_path``."""
    (tmp_path / "mechanisms.toml").write_text(mechanisms, encoding="utf-8")
    (tmp_path / "claims.toml").write_text(claims, encoding="utf-8")
    (tmp_path / "litreview.toml").write_bytes((CORPUS / "litreview.toml").read_bytes())
    return tmp_path / "mechanisms.toml", tmp_path / "claims.toml"


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        (GOOD_CLAIM.replace('mechanism = "nmda"', 'mechanism = "nmdaa"'),
         r"claim #1 \('nmda_blockade'\): unknown mechanism 'nmdaa' \(did you mean 'nmda'\?\)"),
        (GOOD_CLAIM + GOOD_CLAIM, r"claim #2 \('nmda_blockade'\): duplicate claim id 'nmda_blockade'"),
        (GOOD_CLAIM.replace('outcome = "NMDA receptors"\n', ""),
         r"claim #1 \('nmda_blockade'\): missing field 'outcome'"),
        (GOOD_CLAIM.replace("statement =", "statment ="),
         r"unknown field 'statment' \(did you mean 'statement'\?\)"),
        (GOOD_CLAIM.replace('effect = "blocks"', 'effect = "cures"'), r"effect must be one of .*, not 'cures'"),
        (GOOD_CLAIM.replace('kind = "molecular_pharmacology"', 'kind = "anecdote"'),
         r"kind must be one of molecular_pharmacology, .*, not 'anecdote'"),
        (GOOD_CLAIM.replace('kind = "molecular_pharmacology"', 'kind = "clinical_eficacy"'),
         r"not 'clinical_eficacy' \(did you mean 'clinical_efficacy'\?\)"),
        (GOOD_CLAIM.replace('kind = "molecular_pharmacology"', 'kind = "checkable_fact"'),
         r"a checkable_fact needs a \[fact\] table"),
        (GOOD_CLAIM + 'fact = {verdict = "true", reason = "r", sources = ["1"]}\n',
         r"only a checkable_fact has a fact table"),
        (GOOD_CLAIM.replace('kind = "molecular_pharmacology"', 'kind = "checkable_fact"')
         + 'fact = {verdict = "maybe", reason = "r", sources = ["1"]}\n',
         r"fact: verdict must be one of true, partly_true, false, not 'maybe'"),
        (GOOD_CLAIM.replace('kind = "molecular_pharmacology"', 'kind = "checkable_fact"')
         + 'fact = {verdict = "true", reason = "r"}\n', r"fact: missing field 'sources'"),
        (GOOD_CLAIM + 'parts = [{label = "a"}]\n', r"part #1: missing field 'terms'"),
        (GOOD_CLAIM + 'parts = "depression"\n', r"parts must be a list of \{label, terms\} tables"),
        (GOOD_CLAIM + 'surrogates = ["MRS", 3]\n', r"surrogates: expected a list of non-empty strings"),
        (GOOD_CLAIM.replace('"ketamine blocks NMDA receptors"', '"' + "word " * 21 + '"'),
         r"quote has 21 words \(max 20\)"),
        (GOOD_CLAIM + 'conflicts_with = ["glutamate_surge"]\n',
         r"conflicts_with names unknown claim 'glutamate_surge'"),
        (GOOD_CLAIM.replace('id = "nmda_blockade"', 'id = "nmda_blockade'), r"TOML syntax error"),
        ("claim = 1\n", r"'claim' must be \[\[claim\]\] tables"),
    ],
)
def test_bad_claims_file_is_one_line_error_naming_file_and_entry(tmp_path: Path, claims: str, message: str) -> None:
    mechanisms_path, claims_path = _write(tmp_path, GOOD_MECHANISM, claims)
    with pytest.raises(CorpusError, match=message) as info:
        load_claims(claims_path, load_mechanisms(mechanisms_path))
    assert str(info.value).startswith(str(claims_path))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("mechanisms", "message"),
    [
        (GOOD_MECHANISM + GOOD_MECHANISM, r"mechanism #2 \('nmda'\): duplicate mechanism key 'nmda'"),
        (GOOD_MECHANISM.replace('synonyms = ["NMDA receptor"]\n', ""), r"missing field 'synonyms'"),
        (GOOD_MECHANISM.replace('synonyms = ["NMDA receptor"]', "synonyms = [1]"), r"list of non-empty strings"),
        ("[[mechanism]\n", r"TOML syntax error"),
    ],
)
def test_bad_mechanisms_file_is_one_line_error(tmp_path: Path, mechanisms: str, message: str) -> None:
    mechanisms_path, _ = _write(tmp_path, mechanisms, GOOD_CLAIM)
    with pytest.raises(CorpusError, match=message) as info:
        load_mechanisms(mechanisms_path)
    assert str(info.value).startswith(str(mechanisms_path))


def test_quote_check_finds_missing_article_and_misquote(tmp_path: Path) -> None:
    mechanisms_path, claims_path = _write(tmp_path, GOOD_MECHANISM, GOOD_CLAIM)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    mechanisms = load_mechanisms(mechanisms_path)
    with pytest.raises(CorpusError, match="article 'a.txt' not found"):
        load_claims(claims_path, mechanisms, seeds_dir=seeds)
    (seeds / "a.txt").write_text("We say Ketamine\n  blocks NMDA receptors, they said.", encoding="utf-8")
    assert load_claims(claims_path, mechanisms, seeds_dir=seeds)[0].articles == ("a.txt",)
    (seeds / "a.txt").write_text("Ketamine unblocks NMDA receptors.", encoding="utf-8")
    with pytest.raises(CorpusError, match="quote not found in a.txt"):
        load_claims(claims_path, mechanisms, seeds_dir=seeds)


def test_curly_apostrophes_in_the_article_match_straight_ones_in_the_quote(tmp_path: Path) -> None:
    claims = GOOD_CLAIM.replace('"ketamine blocks NMDA receptors"', '"the brain\'s receptors"')
    mechanisms_path, claims_path = _write(tmp_path, GOOD_MECHANISM, claims)
    (tmp_path / "a.txt").write_text("It acts on the brain\u2019s receptors.", encoding="utf-8")
    assert load_claims(claims_path, load_mechanisms(mechanisms_path), seeds_dir=tmp_path)


def test_cli_check_reports_bad_register_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, GOOD_MECHANISM, GOOD_CLAIM.replace('mechanism = "nmda"', 'mechanism = "nope"'))
    assert main(["check", "--corpus", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown mechanism 'nope'" in err and "Traceback" not in err


def test_effect_typo_gets_a_did_you_mean(tmp_path: Path) -> None:
    mechanisms_path, claims_path = _write(tmp_path, GOOD_MECHANISM, GOOD_CLAIM.replace('"blocks"', '"block"'))
    with pytest.raises(CorpusError, match=r"not 'block' \(did you mean 'blocks'\?\)$"):
        load_claims(claims_path, load_mechanisms(mechanisms_path))


def test_missing_seeds_directory_is_named_as_such(tmp_path: Path) -> None:
    mechanisms_path, claims_path = _write(tmp_path, GOOD_MECHANISM, GOOD_CLAIM)
    with pytest.raises(CorpusError, match=f"^seeds directory not found: {tmp_path / 'nope'}$"):
        load_claims(claims_path, load_mechanisms(mechanisms_path), seeds_dir=tmp_path / "nope")
