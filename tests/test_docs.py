"""The README's and docs' commands work as written, and their links resolve.

A fenced block whose info string is ``bash runnable`` is run, offline, in a
temporary copy of ``corpus/``; every other shell block is checked without
running it: each ``litreview`` command line must parse with the real argument
parser and each ``python SCRIPT`` must exist. Inline ```litreview COMMAND```
spans must name a real command; relative links must point to an existing file
and heading. The rules are written out for authors in ``docs/README.md``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT
from litreview.cli.main import build_parser

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL = {"bash", "sh", "shell"}
FENCE = re.compile(r"^(`{3,})\s*(\S*)\s*(.*)$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
INLINE = re.compile(r"`litreview ([^`]+)`")
OPERATORS = {"&&", "||", "|", ";"}
REDIRECTS = {">", ">>", "<", "2>", "2>&1"}
RUN_TIMEOUT_S = 120


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown page."""

    page: Path
    line: int
    language: str
    runnable: bool
    text: str

    @property
    def label(self) -> str:
        """``page:line``, for test ids and messages."""
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _split(page: Path) -> tuple[list[Block], list[str]]:
    """The fenced blocks of a page, and its lines outside them."""
    blocks: list[Block] = []
    prose: list[str] = []
    fence: re.Match[str] | None = None
    body: list[str] = []
    start = 0
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if fence is None:
            opened = FENCE.match(line)
            if opened:
                fence, body, start = opened, [], number
            else:
                prose.append(line)
        elif line.strip() == fence.group(1):
            blocks.append(Block(page, start, fence.group(2), fence.group(3) == "runnable", "\n".join(body)))
            fence = None
        else:
            body.append(line)
    assert fence is None, f"{page.name}:{start}: code block never closed"
    return blocks, prose


BLOCKS = [block for page in PAGES for block in _split(page)[0] if block.language in SHELL]
RUNNABLE = [block for block in BLOCKS if block.runnable]
CHECKED = [block for block in BLOCKS if not block.runnable]


def _commands(text: str) -> list[list[str]]:
    """The simple commands of a shell block: continuations joined, comments, operators and redirects dropped."""
    commands: list[list[str]] = []
    for line in text.replace("\\\n", " ").splitlines():
        current: list[str] = []
        tokens = iter(shlex.split(line, comments=True))
        for token in tokens:
            if token in OPERATORS:
                commands.append(current)
                current = []
            elif token in REDIRECTS:
                next(tokens, None)
            else:
                current.append(token)
        commands.append(current)
    return [command for command in commands if command]


def _parse_error(argv: list[str]) -> str | None:
    """Why ``litreview ARGV`` does not parse with the real parser, or None when it does."""
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            build_parser().parse_args(argv)
    except SystemExit as exc:
        return stderr.getvalue().strip().splitlines()[-1] if stderr.getvalue().strip() else f"exit {exc.code}"
    return None


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    """The anchors of a page's headings (outside code blocks), numbered as GitHub numbers repeats."""
    seen: dict[str, int] = {}
    anchors: set[str] = set()
    for line in _split(page)[1]:
        heading = re.match(r"^#{1,6} (.+)$", line)
        if heading:
            slug = _slug(heading.group(1))
            anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
            seen[slug] = seen.get(slug, 0) + 1
    return anchors


def _tree_digest(folder: Path) -> str:
    """SHA-256 over the names and bytes of every file under FOLDER."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_the_pages_have_runnable_and_checked_blocks() -> None:
    assert {block.page.name for block in RUNNABLE} >= {"README.md", "screening.md", "outputs.md", "search.md"}
    assert len(CHECKED) >= 10


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda block: block.label)
def test_runnable_block_runs_offline_in_a_copy_of_the_corpus(block: Block, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CORPUS, repo / "corpus")
    before = _tree_digest(CORPUS)
    env = {key: value for key, value in os.environ.items()
           if key not in {"NCBI_API_KEY", "NCBI_EMAIL", "LITREVIEW_SEEDS"}}
    env.update(PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               LITREVIEW_EUTILS_URL="http://127.0.0.1:9/", LITREVIEW_PYTHON=sys.executable, CI="1",
               MPLBACKEND="Agg")
    script = 'litreview() { "$LITREVIEW_PYTHON" -m litreview.cli.main "$@"; }\n' + block.text + "\n"
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=RUN_TIMEOUT_S, check=False)
    output = done.stdout[-2000:] + done.stderr[-2000:]
    assert done.returncode == 0, f"{block.label} failed ({done.returncode}):\n{output}"
    assert _tree_digest(CORPUS) == before, f"{block.label} wrote into the repository's corpus/"


@pytest.mark.parametrize("block", CHECKED, ids=lambda block: block.label)
def test_other_block_uses_real_commands_flags_and_scripts(block: Block) -> None:
    problems = []
    for command in _commands(block.text):
        if command[0] == "litreview":
            error = _parse_error(command[1:])
            if error:
                problems.append(f"{shlex.join(command)}: {error}")
        elif command[0] == "python" and command[1].endswith(".py") and not (ROOT / command[1]).is_file():
            problems.append(f"{shlex.join(command)}: no such script {command[1]}")
    assert not problems, f"{block.label}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_inline_commands_are_real(page: Path) -> None:
    text = "\n".join(_split(page)[1])
    used = {span.split()[0] for span in INLINE.findall(text)}
    unknown = sorted(word for word in used if not word.isupper() and not word.startswith("-")
                     and "invalid choice" in (_parse_error([word]) or ""))
    assert not unknown, f"{page.name} mentions commands that do not exist: {unknown}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for target in LINK.findall("\n".join(_split(page)[1])):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
            broken.append(f"{target}: no heading #{anchor} in {file.name}")
    assert not broken, f"{page.name}:\n" + "\n".join(broken)


def test_the_checker_finds_a_wrong_flag_a_missing_script_and_a_missing_command() -> None:
    assert _parse_error(["run", "--out", "output"]) is None
    assert "--outt" in (_parse_error(["run", "--outt", "output"]) or "")
    assert "invalid choice" in (_parse_error(["frobnicate"]) or "")
    assert "invalid choice" not in (_parse_error(["mirror"]) or "")
    block = "litreview decide 1 \\\n  --stage screen  # a comment\npip install -e . && litreview run > log"
    assert _commands(block) == [
        ["litreview", "decide", "1", "--stage", "screen"], ["pip", "install", "-e", "."], ["litreview", "run"]]
    assert _slug("What `litreview run` produces") == "what-litreview-run-produces"
    assert _slug("Synthesis: GRADE-style, weighed") == "synthesis-grade-style-weighed"
