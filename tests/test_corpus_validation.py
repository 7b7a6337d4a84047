"""Every corpus value is checked at load time (issue 16, item 8).

A copy of the committed corpus gets one mutation -- a wrong type, a value
outside its vocabulary, a dangling or duplicate reference, an invisible
character in an id, a synonym that would break the query, bytes that are not
UTF-8, a directory where a file should be, absurd nesting -- and
``litreview check`` must refuse it in one line naming the file, the entry and
the field. The register rows read by ``litreview snapshot build`` get the same.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CORPUS
from litreview.cli.main import main
from litreview.corpus.claims import load_claims, load_mechanisms

Mutation = Callable[[Path], None]


def _edit_jsonl(name: str, change: Callable[[list[dict]], None]) -> Mutation:
    """Apply ``change`` to the rows of a snapshot JSON-lines file."""
    def mutate(corpus: Path) -> None:
        path = corpus / "snapshot" / name
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        change(rows)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return mutate


def _set(name: str, field: str, value: object, row: int = 0) -> Mutation:
    """Set one field of one row of a snapshot JSON-lines file."""
    return _edit_jsonl(name, lambda rows: rows[row].__setitem__(field, value))


def _edit_searches(change: Callable[[dict], object]) -> Mutation:
    """Apply ``change`` to searches.json (its return value, when not None, replaces the whole document)."""
    def mutate(corpus: Path) -> None:
        path = corpus / "snapshot" / "searches.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        replaced = change(data)
        path.write_text(json.dumps(data if replaced is None else replaced), encoding="utf-8")
    return mutate


def _replace_text(name: str, old: str, new: str) -> Mutation:
    """Replace the first ``old`` by ``new`` in a corpus file (TOML or JSON lines)."""
    def mutate(corpus: Path) -> None:
        path = corpus / name
        content = path.read_text(encoding="utf-8")
        assert old in content, old
        path.write_text(content.replace(old, new, 1), encoding="utf-8")
    return mutate


def _non_utf8(name: str, line: int) -> Mutation:
    """Put a 0xFF byte at the start of a line."""
    def mutate(corpus: Path) -> None:
        path = corpus / name
        lines = path.read_bytes().split(b"\n")
        lines[line - 1] = b"\xff" + lines[line - 1]
        path.write_bytes(b"\n".join(lines))
    return mutate


def _directory(name: str) -> Mutation:
    """Replace a file by a directory of the same name."""
    def mutate(corpus: Path) -> None:
        (corpus / name).unlink()
        (corpus / name).mkdir()
    return mutate


def _append(name: str, text: str) -> Mutation:
    """Append raw text to a corpus file."""
    def mutate(corpus: Path) -> None:
        with open(corpus / name, "a", encoding="utf-8") as handle:
            handle.write(text)
    return mutate


def _duplicate_first_row(rows: list[dict]) -> None:
    rows.append(dict(rows[0]))


DEEP_TOML = "deep = " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_JSON = '{"pmid": "1", "keywords": ' + "[" * 5000 + "]" * 5000 + "}\n"
FIRST_PMID = json.loads((CORPUS / "snapshot" / "records.jsonl").read_text(encoding="utf-8").splitlines()[0])["pmid"]

CASES: list[tuple[str, Mutation, str]] = [
    # records.jsonl
    ("year as text", _set("records.jsonl", "year", "2000"),
     f"records.jsonl: line 1 (pmid '{FIRST_PMID}'): field 'year' must be an integer, not '2000' (str)"),
    ("title as number", _set("records.jsonl", "title", 12345),
     "records.jsonl: line 1 (pmid '" + FIRST_PMID + "'): field 'title' must be a string, not 12345 (int)"),
    ("author name as number", _set("records.jsonl", "authors", [{"last_name": 7}]),
     "field 'authors[0].last_name' must be a string, not 7 (int)"),
    ("duplicate PMID", _edit_jsonl("records.jsonl", _duplicate_first_row),
     f"records.jsonl: line 144 (pmid '{FIRST_PMID}'): duplicate record (also line 1)"),
    ("PMID not digits", _set("records.jsonl", "pmid", "12a"), "field 'pmid': PMID must be digits, not '12a'"),
    ("unknown source", _set("records.jsonl", "source", "blog"),
     "field 'source': must be one of curated, pubmed, imported, not 'blog' (str)"),
    ("records not UTF-8", _non_utf8("snapshot/records.jsonl", 3), "records.jsonl: line 3: not UTF-8 (byte 0xff)"),
    ("records is a directory", _directory("snapshot/records.jsonl"), "records.jsonl: is a directory, not a file"),
    ("records nested 5000 deep", _append("snapshot/records.jsonl", DEEP_JSON),
     "records.jsonl: line 144: JSON nested too deeply"),
    # provenance.jsonl
    ("retrieved not a date", _set("provenance.jsonl", "retrieved", "banana"),
     "provenance.jsonl: line 1 (key '10686270'): field 'retrieved': must be a date YYYY-MM-DD, not 'banana'"),
    ("zero-width space in a key", _set("provenance.jsonl", "key", "10686270\u200b"),
     "field 'key': '10686270\\u200b' contains the invisible character U+200B (ZERO WIDTH SPACE)"),
    # curated.jsonl
    ("n as text", _set("curated.jsonl", "n", "seven"), "field 'n' must be an integer, not 'seven' (str)"),
    ("direction banana", _set("curated.jsonl", "direction", "banana"),
     "curated.jsonl: line 1 (key '10686270', claim_id 'nmda_mediates_antidepressant'): field 'direction': must be "
     "one of "
     "supports, contradicts, mixed, no_effect, context, not 'banana' (str)"),
    ("unknown claim id", _set("curated.jsonl", "claim_id", "nmda_blockad"),
     "field 'claim_id': 'nmda_blockad' is not in claims.toml (did you mean 'nmda_blockade'?)"),
    ("unknown mechanism", _set("curated.jsonl", "mechanism", "nmdaa"),
     "field 'mechanism': 'nmdaa' is not in mechanisms.toml (did you mean 'nmda'?)"),
    ("duplicate judgement", _edit_jsonl("curated.jsonl", _duplicate_first_row),
     "curated.jsonl: line 173 (key '10686270', claim_id 'nmda_mediates_antidepressant'): duplicate judgement for "
     "this study and claim (also line 1)"),
    # searches.json
    ("search date banana", _edit_searches(lambda d: d["nmda"].__setitem__("retrieved", "banana")),
     "searches.json: mechanism 'nmda': field 'retrieved': must be a date YYYY-MM-DD, not 'banana'"),
    ("search count as text", _edit_searches(lambda d: d["nmda"].__setitem__("count", "12")),
     "searches.json: mechanism 'nmda': field 'count' must be an integer, not '12' (str)"),
    ("search origin unknown", _edit_searches(lambda d: d["nmda"].__setitem__("origin", "google")),
     "field 'origin': must be one of curated_register, esearch, mirror, import, not 'google'"),
    ("searches not an object", _edit_searches(lambda d: list(d)),
     "searches.json: must be a JSON object (mechanism -> search), not ["),
    # mechanisms.toml
    ("mechanism key with trailing space", _replace_text("mechanisms.toml", 'key = "nmda"', 'key = "nmda "'),
     "mechanisms.toml: mechanism #1 ('nmda '): field 'key': 'nmda ' has leading or trailing whitespace"),
    ("mechanism key with zero-width joiner", _replace_text("mechanisms.toml", 'key = "nmda"', 'key = "nm\u200dda"'),
     "field 'key': 'nm\\u200dda' contains the invisible character U+200D (ZERO WIDTH JOINER)"),
    ("synonym with a double quote", _replace_text("mechanisms.toml", '"NMDA receptor",', '"NMDA \\"receptor",'),
     "mechanism #1 ('nmda') synonyms[0]: 'NMDA \"receptor' contains a double quote, which would break the PubMed "
     "query"),
    ("label as number", _replace_text("mechanisms.toml", 'label = "AMPA receptor activation"', "label = 12"),
     "mechanisms.toml: mechanism #2 ('ampa'): field 'label': must be a string, not 12 (int)"),
    ("mechanisms not UTF-8", _non_utf8("mechanisms.toml", 2), "mechanisms.toml: line 2: not UTF-8 (byte 0xff)"),
    ("mechanisms is a directory", _directory("mechanisms.toml"), "mechanisms.toml: is a directory, not a file"),
    ("mechanisms nested 5000 deep", _append("mechanisms.toml", DEEP_TOML), "mechanisms.toml: TOML nested too deeply"),
    # claims.toml
    ("claim id with zero-width space",
     _replace_text("claims.toml", 'id = "nmda_blockade"', 'id = "nmda_\u200bblockade"'),
     "claims.toml: claim #1 ('nmda_\\u200bblockade'): field 'id': 'nmda_\\u200bblockade' contains the invisible "
     "character U+200B"),
    ("claim mechanism with trailing space", _replace_text("claims.toml", 'mechanism = "nmda"', 'mechanism = "nmda "'),
     "claims.toml: claim #1 ('nmda_blockade'): field 'mechanism': 'nmda ' has leading or trailing whitespace"),
    ("statement as number", _replace_text("claims.toml", 'statement = "Ketamine blocks (antagonizes) NMDA glutamate '
                                          'receptors."', "statement = 12345"),
     "field 'statement': must be a string, not 12345 (int)"),
    ("claims not UTF-8", _non_utf8("claims.toml", 5), "claims.toml: line 5: not UTF-8 (byte 0xff)"),
    ("claims is a directory", _directory("claims.toml"), "claims.toml: is a directory, not a file"),
    ("claims nested 5000 deep", _append("claims.toml", DEEP_TOML), "claims.toml: TOML nested too deeply"),
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the committed corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.mark.parametrize(("mutation", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check_refuses_a_bad_value_in_one_line(corpus: Path, mutation: Mutation, message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    mutation(corpus)
    assert main(["check", "--corpus", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"litreview: error: {corpus}") and err.count("\n") == 1, err
    assert message in err, err


def test_run_refuses_what_check_refuses(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``litreview run`` does not drop a judgement for an unknown claim silently."""
    _set("curated.jsonl", "claim_id", "nmda_blockad")(corpus)
    assert main(["run", "--corpus", str(corpus), "--out", str(tmp_path / "out")]) == 1
    assert "'nmda_blockad' is not in claims.toml" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_text_is_normalised_to_nfc(tmp_path: Path) -> None:
    mechanisms = (CORPUS / "mechanisms.toml").read_text(encoding="utf-8")
    claims = (CORPUS / "claims.toml").read_text(encoding="utf-8")
    (tmp_path / "mechanisms.toml").write_text(mechanisms.replace('label = "AMPA', 'label = "Cafe\u0301 AMPA'), "utf-8")
    (tmp_path / "claims.toml").write_text(claims.replace('statement = "', 'statement = "Cafe\u0301 ', 1), "utf-8")
    loaded = load_mechanisms(tmp_path / "mechanisms.toml")
    assert loaded["ampa"].label.startswith("Caf\u00e9 AMPA")
    assert load_claims(tmp_path / "claims.toml", loaded)[0].statement.startswith("Caf\u00e9 ")


GOOD_ROW = {
    "pmid": "123", "doi": None, "title": "T", "journal": "J", "year": 2020, "first_author": "Doe J",
    "publication_types": [], "design": "rct", "population": "human", "species": "human", "n": 10,
    "mechanism": "bdnf", "claim_ids": ["bdnf_increase"], "direction": "supports", "finding": "F.",
    "pubmed_url": None, "verified_via": "https://example.org/", "verification": "secondary_page",
}


@pytest.mark.parametrize(("change", "message"), [
    ({"year": "2000"}, "register.jsonl:2: field 'year' must be an integer, not '2000' (str)"),
    ({"n": "seven"}, "register.jsonl:2: field 'n' must be an integer, not 'seven' (str)"),
    ({"n": -3}, "register.jsonl:2: field 'n': must be a whole number >= 0, not -3 (int)"),
    ({"title": 12345}, "register.jsonl:2: field 'title' must be a string, not 12345 (int)"),
    ({"pmid": "12a"}, "register.jsonl:2: field 'pmid': PMID must be digits, not '12a' (str)"),
    ({"pmid": 123}, "register.jsonl:2: field 'pmid' must be a string, not 123 (int)"),
    ({"claim_ids": "bdnf_increase"}, "register.jsonl:2: field 'claim_ids' must be a list, not 'bdnf_increase'"),
    ({"mechanism": "bdnf\u200b"}, "field 'mechanism': 'bdnf\\u200b' contains the invisible character U+200B"),
    ({"design": "anecdote"}, "register.jsonl:2: field 'design': must be one of meta_analysis, "),
    ({"doi": "10.1/x y"}, "register.jsonl:2: field 'doi': '10.1/x y' contains whitespace"),
])
def test_snapshot_build_refuses_a_bad_register_row(corpus: Path, tmp_path: Path, change: dict, message: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    register = tmp_path / "register.jsonl"
    register.write_text(json.dumps(GOOD_ROW) + "\n" + json.dumps({**GOOD_ROW, **change}) + "\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (corpus / "snapshot").iterdir()}
    argv = ["snapshot", "build", "--corpus", str(corpus), "--register", str(register), "--date", "2026-01-01"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: ") and err.count("\n") == 1 and message in err, err
    assert {p.name: p.read_bytes() for p in (corpus / "snapshot").iterdir()} == before
