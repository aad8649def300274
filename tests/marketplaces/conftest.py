"""Fixtures for the marketplace tests: the packaged data loaded through the real CLI."""

from __future__ import annotations

import pytest


@pytest.fixture
def loaded(runner, db):
    """The 37 marketplaces, their UK offers and the seed exchange rates, loaded by the CLI."""
    result = runner.invoke(args=["marketplaces", "load"])
    assert result.exit_code == 0, result.output
    return result
