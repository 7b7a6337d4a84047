"""Load a script of ``evaluation/`` as a module, as ``python evaluation/<name>.py`` would see it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"


def load_script(name: str) -> ModuleType:
    """``evaluation/<name>.py`` as the module ``name``, its folder first on ``sys.path`` (for ``judge_data``)."""
    if str(EVALUATION) not in sys.path:
        sys.path.insert(0, str(EVALUATION))
    spec = importlib.util.spec_from_file_location(name, EVALUATION / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module
