"""Review folders (issue 25): `litreview new`, --review / LITREVIEW_REVIEW, articles, claims suggest/add, queries draft.

Every article text here was written for these tests.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from conftest import ROOT
from litreview.cli.main import main
from litreview.corpus.claim_suggest import load_suggestions, suggest_claims
from litreview.corpus.claims import Mechanism, load_mechanisms
from litreview.corpus.layout import find_review, load_review
from litreview.corpus.review_config import load_review_config
from litreview.corpus.review_folder import set_mechanism_terms
from litreview.errors import CorpusError

ARTICLE_HTML = """<!doctype html>
<html><head><title>Triptans explained</title><style>p { color: red; }</style>
<script>var tracking = "ignore this";</script></head>
<body><nav>Home | About</nav>
<h1>How triptans stop a migraine</h1>
<p>Sumatriptan relieves migraine pain within two hours in most patients who take it early.</p>
<p>Triptans work by activating serotonin receptors on cranial blood vessels and trigeminal nerves.</p>
<p>The drug can cause chest tightness and tingling as side effects in some people.</p>
<p>Our clinic opened in 2019 and is open on weekdays.</p>
<script>document.write("never shown")</script>
</body></html>
"""


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its SHA-256 (to show that nothing changed)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _one_line_error(capsys: pytest.CaptureFixture[str], *fragments: str) -> None:
    """The command printed exactly one error line holding every fragment."""
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


@pytest.fixture
def review(tmp_path: Path) -> Path:
    """A new triptans review made with `litreview new`."""
    folder = tmp_path / "triptans"
    assert main(["new", str(folder), "--title", "Triptans for migraine", "--intervention", "triptans",
                 "sumatriptan", "rizatriptan", "triptan*", "--mesh", "Tryptamines",
                 "--population", "adults with migraine"]) == 0
    return folder


def test_new_creates_a_review_folder_that_loads(review: Path) -> None:
    assert {p.name for p in review.iterdir()} == {
        "litreview.toml", "claims.toml", "mechanisms.toml", "articles", "snapshot", "decisions.jsonl", "README.md"}
    config = load_review_config(review)
    assert config.title == "Triptans for migraine" and config.population == "adults with migraine"
    assert config.intervention.terms == ("triptans", "sumatriptan", "rizatriptan", "triptan*")
    assert config.intervention.mesh == ("Tryptamines",)
    loaded = load_review(review)
    assert loaded.claims == [] and loaded.mechanisms == {} and loaded.snapshot.records == ()
    assert "litreview articles add" in (review / "README.md").read_text(encoding="utf-8")


def test_new_refuses_a_folder_with_files_or_a_file(review: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(review)
    assert main(["new", str(review), "--intervention", "aspirin"]) == 1
    _one_line_error(capsys, str(review), "not empty")
    assert _snapshot(review) == before
    file = tmp_path / "notes.txt"
    file.write_text("x", encoding="utf-8")
    assert main(["new", str(file), "--intervention", "aspirin"]) == 1
    _one_line_error(capsys, str(file), "is a file")
    assert main(["new", str(tmp_path / "x")]) == 1
    _one_line_error(capsys, "--intervention")
    assert not (tmp_path / "x").exists()


def test_review_option_and_environment_find_the_folder(review: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert find_review(review) == review
    assert find_review(None, env={"LITREVIEW_REVIEW": str(review)}) == review
    monkeypatch.setenv("LITREVIEW_REVIEW", str(review))
    assert main(["check"]) == 0
    assert "ok: 0 mechanisms, 0 claims, 0 records" in capsys.readouterr().out
    monkeypatch.delenv("LITREVIEW_REVIEW")
    assert main(["check", "--review", str(review / "README.md")]) == 1
    _one_line_error(capsys, "README.md", "is a file, not a review folder")
    (tmp_path / "plain").mkdir()
    assert main(["run", "--review", str(tmp_path / "plain"), "--out", str(tmp_path / "out")]) == 1
    _one_line_error(capsys, "plain", "not a review folder", "litreview.toml")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('title = "T"\n', "missing field 'intervention'"),
        ('title = "T"\n[intervention]\nname = "x"\nterms = []\n', "missing field 'terms'"),
        ('title = "T"\n[intervention]\nname = "x"\nterms = ["x"]\nmesh = "X"\n', "intervention.mesh"),
        ('title = "T"\n[intervention]\nname = "x"\nterms = ["*x"]\n', "'*' may only end a word"),
        ('titel = "T"\n', "unknown field 'titel'"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_field(review: Path, text: str, message: str) -> None:
    (review / "litreview.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match="litreview.toml") as caught:
        load_review(review)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_html_article_keeps_text_and_drops_scripts_and_styles(review: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    assert main(["articles", "add", str(page), "--title", "Triptans explained", "--url", "https://example.org/t",
                 "--date", "2025-03-01", "--review", str(review)]) == 0
    text = (review / "articles" / "triptans-explained.txt").read_text(encoding="utf-8")
    assert "Sumatriptan relieves migraine pain within two hours" in text
    assert "tracking" not in text and "never shown" not in text and "color: red" not in text and "Home" not in text
    assert main(["articles", "add", str(page), "--title", "Again", "--id", "triptans-explained",
                 "--review", str(review)]) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "has no text"),
        (b"   \n\n", "has no text"),
        (b"%PDF-1.7\x00\x01\x02binary", "is a binary file"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"a" * 5_000_000, "too large"),
        (b"<html><body><script>only()</script></body></html>", "has no text"),
    ],
)
def test_bad_article_is_one_line_and_writes_nothing(review: Path, tmp_path: Path, content: bytes, message: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "bad.html"
    file.write_bytes(content)
    before = _snapshot(review)
    assert main(["articles", "add", str(file), "--title", "Bad", "--review", str(review)]) == 1
    _one_line_error(capsys, str(file), message)
    assert _snapshot(review) == before


def test_suggestions_locate_their_quotes_and_skip_non_claims(review: Path) -> None:
    text = ("Triptans explained\n\nSumatriptan relieves migraine pain within two hours in most patients who take "
            "it early.\nOur clinic opened in 2019 and is open on weekdays.\nThe drug can cause chest tightness "
            "and tingling as side effects in some people.\n")
    config = load_review_config(review)
    found = suggest_claims(text, "t", config.intervention, {})
    assert [s.kind for s in found] == ["clinical_efficacy", "harms"]
    assert all(text[s.start:s.end] == s.quote for s in found)
    assert found[0].subject == "triptans" and found[0].effect == "improves" and found[0].mechanism == "clinical"


def test_bad_mechanism_and_claim_input_leave_the_registers_as_they_were(
        review: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mechanisms", "add", "clinical", "--label", "Clinical", "--review", str(review)]) == 1
    _one_line_error(capsys, "mechanisms.toml", "at least one search term")
    assert main(["mechanisms", "add", "clinical", "--label", "Clinical", "--term", "migraine",
                 "--review", str(review)]) == 0
    assert main(["mechanisms", "add", "clinical", "--label", "Again", "--term", "pain", "--review", str(review)]) == 1
    _one_line_error(capsys, "mechanisms.toml", "duplicate mechanism key 'clinical'")
    page = tmp_path / "a.txt"
    page.write_text("Sumatriptan relieves migraine pain within two hours in most patients.\n", encoding="utf-8")
    assert main(["articles", "add", str(page), "--title", "A", "--id", "a", "--review", str(review)]) == 0
    flags = ["--id", "pain2h", "--mechanism", "clinical", "--kind", "clinical_efficacy", "--statement",
             "Triptans relieve migraine pain at two hours.", "--subject", "triptans", "--effect", "improves",
             "--outcome", "migraine pain at two hours", "--article", "a", "--quote", "relieves migraine pain"]
    assert main(["claims", "add", *flags, "--review", str(review)]) == 0
    before = _snapshot(review)
    assert main(["claims", "add", *flags, "--review", str(review)]) == 1
    _one_line_error(capsys, "claims.toml", "duplicate claim id 'pain2h'")
    wrong_quote = [*flags[:-1], "cures migraine forever"]
    wrong_quote[1] = "other"
    assert main(["claims", "add", *wrong_quote, "--review", str(review)]) == 1
    _one_line_error(capsys, "claims.toml", "quote not found")
    assert _snapshot(review) == before


def test_suggestion_whose_article_changed_is_refused(review: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "a.txt"
    page.write_text("Sumatriptan relieves migraine pain within two hours in most patients who take it.\n",
                    encoding="utf-8")
    assert main(["articles", "add", str(page), "--title", "A", "--id", "a", "--review", str(review)]) == 0
    out = tmp_path / "s.toml"
    assert main(["claims", "suggest", "a", "--review", str(review), "--out", str(out)]) == 0
    assert list(load_suggestions(out.read_text(encoding="utf-8"), str(out))) == ["S1"]
    (review / "articles" / "a.txt").write_text("Changed. " + page.read_text(encoding="utf-8"), encoding="utf-8")
    before = _snapshot(review)
    assert main(["claims", "add", "--from", str(out), "S1", "--review", str(review)]) == 1
    _one_line_error(capsys, "suggestion S1", "not at characters")
    assert _snapshot(review) == before


def test_from_an_article_file_to_a_review_table_with_commands_only(review: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    r = ["--review", str(review)]
    assert main(["articles", "add", str(page), "--title", "Triptans explained", "--url", "https://example.org/t",
                 *r]) == 0
    suggestions = tmp_path / "suggestions.toml"
    assert main(["claims", "suggest", "triptans-explained", "--out", str(suggestions), *r]) == 0
    found = load_suggestions(suggestions.read_text(encoding="utf-8"), str(suggestions))
    assert len(found) == 3  # relief, serotonin receptors, side effects; not the clinic's opening hours
    assert main(["claims", "add", "--from", str(suggestions), *found, *r]) == 0
    capsys.readouterr()
    assert main(["queries", "draft", *r]) == 0
    drafted = capsys.readouterr().out
    assert "(triptans[tiab] OR sumatriptan[tiab] OR rizatriptan[tiab] OR triptan*[tiab] OR" in drafted
    assert (review / "queries.toml").is_file()
    assert main(["queries", "draft", "--apply", *r]) == 0  # the drafted terms become what fetch searches
    assert "mechanisms.toml (litreview fetch searches them)" in capsys.readouterr().out
    assert main(["check", *r]) == 0
    assert main(["run", *r, "--out", str(tmp_path / "out")]) == 0
    table = (tmp_path / "out" / "review.csv").read_text(encoding="utf-8-sig")
    assert table.count("Triptans explained [triptans-explained]") == 3
    html = (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    assert "Evidence review: Triptans for migraine" in html and "3 claims from 1 articles" in html


def _code_strings(path: Path) -> list[str]:
    """String constants and names of a module that are code, not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
             and id(n) not in docstrings]
    return found + [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]


def test_nothing_in_the_package_names_the_shipped_reviews_drug() -> None:
    package = ROOT / "src" / "litreview"
    offenders = [f"{p.relative_to(package)}: {s[:60]!r}" for p in sorted(package.rglob("*.py"))
                 for s in _code_strings(p) if "ketamine" in s.lower() and ">>>" not in s]
    offenders += [str(p.relative_to(package)) for p in package.rglob("*") if p.suffix in (".j2", ".toml")
                  and "ketamine" in p.read_text(encoding="utf-8").lower()]
    assert offenders == []


MECHANISMS = """# Mechanisms of the review (a comment that must survive).

[[mechanism]]
key = "relief"
label = "Pain relief"
synonyms = ["pain"]  # the first draft
description = "Relief of migraine pain."

[[mechanism]]
key = "harms"
label = "Harms"
synonyms = ["adverse events"]
mesh = ["Drug-Related Side Effects and Adverse Reactions"]
"""


def test_set_mechanism_terms_replaces_terms_keeps_comments_and_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    path = tmp_path / "mechanisms.toml"
    path.write_text(MECHANISMS, encoding="utf-8")
    wider = Mechanism("relief", "Pain relief", ("pain", "pain-free", "headache relief"), ("Pain Measurement",))
    written = set_mechanism_terms(path, {"relief": wider})
    text = path.read_text(encoding="utf-8")
    assert "# Mechanisms of the review (a comment that must survive)." in text and 'description = "Relief' in text
    assert written["relief"].synonyms == ("pain", "pain-free", "headache relief")
    assert written["relief"].mesh == ("Pain Measurement",)
    assert load_mechanisms(path)["harms"].synonyms == ("adverse events",)  # other mechanisms untouched
    before = path.read_bytes()
    with pytest.raises(CorpusError, match="no mechanism sleep"):
        set_mechanism_terms(path, {"sleep": Mechanism("sleep", "Sleep", ("sleep",))})
    with pytest.raises(CorpusError, match="synonyms"):  # validated like the rest of the file: no terms at all
        set_mechanism_terms(path, {"harms": Mechanism("harms", "Harms", ())})
    path.write_text(MECHANISMS.replace('synonyms = ["adverse events"]', 'synonyms = [\n  "adverse events",\n]'),
                    encoding="utf-8")
    with pytest.raises(CorpusError, match="spans several lines"):
        set_mechanism_terms(path, {"harms": Mechanism("harms", "Harms", ("harm",))})
    assert path.read_bytes() != before  # (the file written just above), and nothing half-written by the refusals
    assert 'synonyms = [\n  "adverse events",\n]' in path.read_text(encoding="utf-8")
