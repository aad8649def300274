"""The layers contract in setup.cfg holds for the tree, and breaks when an import runs upwards.

`make lint` runs import-linter on the real tree; these tests show that the contract is not
decorative: the same check on a copy of the packages with one upward import added fails and
names that import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tradehub", "search_index", "supplier_profiles", "marketplaces")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(target: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(
            ROOT / name,
            target / name,
            ignore=shutil.ignore_patterns("__pycache__", "static", "data"),
        )
    shutil.copy(ROOT / "setup.cfg", target / "setup.cfg")
    return target


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "setup.cfg"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    return _copy_tree(tmp_path)


def test_the_layers_contract_holds(tree_copy):
    result = _lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("tradehub/mail.py", "supplier_profiles.models"),  # core -> feature
        ("search_index/base.py", "supplier_profiles.models"),  # search -> profiles
        ("supplier_profiles/models.py", "marketplaces.models"),  # profiles -> marketplaces
    ],
)
def test_an_upward_import_breaks_the_contract(tree_copy, module, upward):
    path = tree_copy / module
    source = path.read_text()
    # A function-level import counts as much as one at the top of the module.
    path.write_text(source + f"\n\ndef _sneaky():\n    import {upward}  # noqa\n")

    result = _lint_imports(tree_copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {upward}" in result.stdout
