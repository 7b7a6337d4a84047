"""The package surface: every exported name resolves, and the parser stays light to import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import litreview as lr


@pytest.mark.parametrize("name", lr.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(lr, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = lr.nope  # type: ignore[attr-defined]


def test_parser_import_does_not_load_pandas_or_matplotlib() -> None:
    code = "import sys, litreview.sources.pubmed_xml; print(sorted({'pandas', 'matplotlib'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
