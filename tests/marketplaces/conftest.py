"""Fixtures for the marketplace tests: the packaged data loaded through the real CLI."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def _loaded_rows() -> dict:
    """What the first real load of this worker wrote (the command's own tests are test_load.py)."""
    return {}


@pytest.fixture
def loaded(runner, db, table_wiper, _loaded_rows):
    """The 37 marketplaces, their UK offers and the seed exchange rates, loaded by the CLI.

    The command runs for real the first time in each worker; later tests get the same rows
    copied back in, which takes a tenth of the time.
    """
    if _loaded_rows and table_wiper.restore(_loaded_rows["rows"]):
        return _loaded_rows["result"]
    empty_before = table_wiper.is_empty()
    result = runner.invoke(args=["marketplaces", "load"])
    assert result.exit_code == 0, result.output
    if empty_before:  # then every row now is the load's
        _loaded_rows.update(rows=table_wiper.snapshot(), result=result)
    return result
