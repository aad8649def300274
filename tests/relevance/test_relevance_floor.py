"""CI guard: each backend keeps the relevance it reached on the judged set (floor.json)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.relevance.companies import companies
from tests.relevance.queries import QUERIES
from tests.relevance.report import run

FLOOR = json.loads((Path(__file__).with_name("floor.json")).read_text(encoding="utf-8"))


def test_the_judged_set_is_big_enough_and_covers_every_kind():
    assert len(companies()) >= 250
    assert len(QUERIES) >= 100
    kinds = {q.kind for q in QUERIES}
    assert kinds >= {
        "plain", "vocabulary", "lay", "name", "phrase", "or", "typo", "markup", "address",
        "filter", "nothing",
    }  # fmt: skip


@pytest.mark.parametrize(
    "kind", ["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]
)
def test_relevance_does_not_fall_below_the_recorded_floor(kind, tmp_path):
    if kind == "elasticsearch" and not os.environ.get("ELASTICSEARCH_URL"):
        pytest.skip("ELASTICSEARCH_URL is not set")
    floor = FLOOR[kind]

    metrics = run(kind, str(tmp_path))

    assert round(metrics.ndcg, 4) >= floor["ndcg_at_10"], metrics.misses
    assert round(metrics.mrr, 4) >= floor["mrr"], metrics.misses
    assert metrics.first_hits >= floor["must_be_first"], metrics.misses
    assert metrics.zero_result_rate <= floor["max_zero_result_rate"], metrics.misses
    assert metrics.nothing_right >= floor["nothing_answered_with_nothing"], metrics.misses
    assert metrics.suggest_hits >= floor["did_you_mean"], metrics.misses
