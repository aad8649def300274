"""Any package can be imported first: the composition root (tradehub/__init__.py) loads the
feature packages in layer order, and each feature package loads it before its own modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


# The lower layers are the ones whose half-loaded modules the upper layers would import.
@pytest.mark.parametrize("module", ["search_index", "supplier_profiles"])
def test_a_fresh_interpreter_can_import_it_first(module):
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
