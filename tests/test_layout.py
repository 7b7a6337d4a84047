"""The package keeps its stage layout: no import cycle, no upward import, no private name across subpackages.

The layer order is DESIGN.md's: ``cli > workbench > outputs > synthesis >
sources | screening | evidence > corpus > foundation``; the three stages on one
line are siblings and do not import each other. The checker is tested on small
made-up trees first, so a test that passes here would fail on a tree that
breaks a rule.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import litreview

PACKAGE = Path(litreview.__file__).parent
#: Subpackage -> rank; foundation modules (top-level files) rank 0. Equal ranks are siblings.
RANKS = {"corpus": 1, "sources": 2, "screening": 2, "evidence": 2, "synthesis": 3, "outputs": 4, "workbench": 5,
         "cli": 6}


def _module_name(path: Path, root: Path) -> str:
    """Dotted module name below the package root (``corpus.snapshot``; ``__init__`` for packages)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts)


def _imports(path: Path, root: Path) -> Iterator[tuple[str, str, int]]:
    """(target module, imported name, line) for every import of the package from one file."""
    module = _module_name(path, root)
    package = module.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {_module_name(p, root) for p in root.rglob("*.py")}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] if node.level > 1 else package
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and node.module.split(".")[0] == root.name:
                target = ".".join(node.module.split(".")[1:])
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                if sub in modules:  # ``from . import module``: the module itself is imported
                    yield sub, alias.name, node.lineno
                else:
                    yield target or "__init__", alias.name, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root.name and "." in alias.name:
                    yield ".".join(alias.name.split(".")[1:]), "", node.lineno


def _subpackage(module: str) -> str | None:
    """The stage subpackage a module belongs to (None for foundation modules)."""
    head = module.split(".")[0]
    return head if "." in module else None


def layout_problems(root: Path) -> list[str]:
    """Every cycle, upward or sibling import and cross-subpackage private import under ``root``."""
    problems: list[str] = []
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        if module == "__init__":  # the lazy public API: it names every stage by string on purpose
            continue
        graph.setdefault(module, set())
        here = _subpackage(module)
        for target, name, line in _imports(path, root):
            target_mod = target[: -len(".__init__")] if target.endswith(".__init__") else target
            graph[module].add(target_mod)
            there = _subpackage(target_mod) or (target_mod if target_mod in RANKS else None)
            where = f"{path.relative_to(root)}:{line}"
            rank_here, rank_there = RANKS.get(here, 0) if here else 0, RANKS.get(there, 0) if there else 0
            if here != there and rank_there > rank_here:
                problems.append(f"{where}: upward import of {target_mod} from layer {here or 'foundation'}")
            elif here != there and rank_there == rank_here and here is not None:
                problems.append(f"{where}: sibling import of {target_mod} from {here}")
            leaf = target_mod.split(".")[-1]
            private = name.startswith("_") and not name.endswith("__")
            if here != there and (private or (leaf.startswith("_") and there is not None)):
                problems.append(f"{where}: private name {name or leaf} imported from {target_mod} across subpackages")
    problems.extend(f"import cycle: {' -> '.join(cycle)}" for cycle in _cycles(graph))
    return problems


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A made-up package ``pkg`` with the given files."""
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_package_keeps_its_layout() -> None:
    assert layout_problems(PACKAGE) == []


def test_every_stage_subpackage_exists_and_its_init_is_a_docstring_only() -> None:
    for name in RANKS:
        init = PACKAGE / name / "__init__.py"
        body = ast.parse(init.read_text()).body
        assert len(body) == 1 and isinstance(body[0], ast.Expr), f"{name}/__init__.py holds more than a docstring"


def test_checker_finds_an_import_cycle(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"corpus/__init__.py": "", "corpus/a.py": "from .b import x\n",
                            "corpus/b.py": "from .a import y\n"})
    assert layout_problems(root) == ["import cycle: corpus.a -> corpus.b"]


def test_checker_finds_an_upward_import(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"corpus/__init__.py": "", "synthesis/__init__.py": "",
                            "corpus/decisions.py": "from ..synthesis.grade import DOMAINS\n",
                            "synthesis/grade.py": "DOMAINS = ()\n"})
    assert layout_problems(root) == [
        "corpus/decisions.py:1: upward import of synthesis.grade from layer corpus"]


def test_checker_finds_a_sibling_import_and_a_foundation_import_of_a_stage(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"evidence/__init__.py": "", "screening/__init__.py": "",
                            "evidence/scoring.py": "def f():\n    from ..screening.rules import g\n",
                            "screening/rules.py": "", "errors.py": "from .evidence.scoring import f\n"})
    assert layout_problems(root) == [
        "errors.py:1: upward import of evidence.scoring from layer foundation",
        "evidence/scoring.py:2: sibling import of screening.rules from evidence"]


def test_checker_finds_a_private_name_imported_across_subpackages(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"corpus/__init__.py": "", "outputs/__init__.py": "", "outputs/export.py": "",
                            "corpus/c.py": "_X = 1\n",
                            "outputs/report.py": "from .export import _png\nfrom ..corpus.c import _X\n",
                            "outputs/plots.py": "from litreview_x import y\nfrom pkg.corpus.c import _X\n"})
    assert layout_problems(root) == [
        "outputs/plots.py:2: private name _X imported from corpus.c across subpackages",
        "outputs/report.py:2: private name _X imported from corpus.c across subpackages"]



def test_public_api_names_the_new_modules() -> None:
    """``litreview.__all__`` is the real namespace: every name resolves, and nothing public is left out."""
    assert set(litreview.__all__) <= set(dir(litreview))
    for name in litreview.__all__:
        getattr(litreview, name)
