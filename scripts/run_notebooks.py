"""Re-execute the notebooks in place so their stored outputs match the code (for nbval).

Usage: python scripts/run_notebooks.py [notebooks/NN_name.ipynb ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def run(path: Path) -> None:
    """Execute one notebook with its folder as working directory and save it."""
    notebook = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(path.parent)}}
    # Widget state (random model ids, every widget's value) is not stored: the panels are rebuilt when run.
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources=resources,
                   store_widget_state=False).execute()
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)
    print(f"executed {path.name}")


if __name__ == "__main__":
    targets = [Path(p) for p in sys.argv[1:]] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for target in targets:
        run(target.resolve())
