"""Totals are exact up to TOTAL_CAP and reported as "at least TOTAL_CAP" beyond it, on every
backend alike; facet counts stay exact whatever the total."""

from __future__ import annotations

from search_index.base import TOTAL_CAP, SearchQuery


def test_totals_are_exact_up_to_the_cap_and_capped_beyond_it(backend, make_corpus):
    docs = make_corpus(TOTAL_CAP + 3)
    backend.reindex(docs)

    everything = backend.search(SearchQuery())
    assert (everything.total, everything.total_capped) == (TOTAL_CAP, True)
    assert everything.pages == TOTAL_CAP // everything.per_page
    # Facets are counted exactly even when the total is capped.
    industries = {f.value: f.count for f in everything.facets["industry"]}
    assert sum(industries.values()) == TOTAL_CAP + 3
    assert industries["FOOD_AND_DRINK"] == len(
        [d for d in docs if d["industries"] == ["FOOD_AND_DRINK"]]
    )

    text = backend.search(SearchQuery(text="trade buyers"))
    assert (text.total, text.total_capped) == (TOTAL_CAP, True)

    food = backend.search(SearchQuery(filters={"industry": ["FOOD_AND_DRINK"]}))
    assert (food.total, food.total_capped) == (industries["FOOD_AND_DRINK"], False)

    # Exactly TOTAL_CAP matches is still an exact total.
    backend.delete_documents([d["id"] for d in docs[:3]])
    exact = backend.search(SearchQuery())
    assert (exact.total, exact.total_capped) == (TOTAL_CAP, False)
