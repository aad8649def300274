"""Filters (OR within a group, AND across groups) and disjunctive facet counts."""

from __future__ import annotations

import pytest

from search_index import FILTER_GROUPS, SearchQuery
from search_index.document import filter_values


def passes(doc, filters) -> bool:
    """Reference rule: a document passes when it has one of the values of every filtered group."""
    values = filter_values(doc)
    return all(set(values[group]) & set(wanted) for group, wanted in filters.items())


def all_ids(backend, **kwargs) -> set[int]:
    result = backend.search(SearchQuery(per_page=100, **kwargs))
    assert result.total == len(result.hits)
    return {h.id for h in result.hits}


def test_values_in_one_group_are_ored(loaded, corpus):
    filters = {"industry": ["CREATIVE", "HEALTHCARE"]}
    expected = {d["id"] for d in corpus if passes(d, filters)}

    assert expected == {3, 7, 8, 10}
    assert all_ids(loaded, filters=filters) == expected


def test_groups_are_anded(loaded, corpus):
    filters = {"industry": ["FOOD_AND_DRINK", "CLOTHING"], "country": ["FR", "JP"]}
    expected = {d["id"] for d in corpus if passes(d, filters)}

    assert expected == {2, 4, 12, 13, 15, 16, 17}
    assert all_ids(loaded, filters=filters) == expected
    narrowed = {**filters, "region": ["SCOTLAND"]}
    assert all_ids(loaded, filters=narrowed) == {4, 13, 16}


def test_filters_combine_with_text(loaded, corpus):
    filters = {"region": ["NORTH_WEST", "WALES"], "language": ["en"]}
    expected = {
        d["id"] for d in corpus if "wessex" in d["description"].lower() and passes(d, filters)
    }

    assert expected == {1, 7, 8, 9, 10, 14, 17, 18}
    assert all_ids(loaded, text="wessex", filters=filters) == expected


def test_filter_on_a_value_nobody_has_gives_nothing(loaded):
    result = loaded.search(SearchQuery(filters={"country": ["ZZ"]}))

    assert result.total == 0
    assert result.hits == []


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("", {}),
        ("", {"industry": ["FOOD_AND_DRINK"]}),
        ("", {"industry": ["FOOD_AND_DRINK", "CLOTHING"], "region": ["SCOTLAND", "LONDON"]}),
        ("", {"country": ["FR"], "language": ["en"], "employees": ["11-50"]}),
        ("wessex", {"industry": ["ENGINEERING", "CLOTHING"], "country": ["DE"]}),
        ("jacquard", {"region": ["WALES"]}),
    ],
)
def test_facet_counts_are_disjunctive_and_each_equals_its_own_search(loaded, corpus, text, filters):
    query = SearchQuery(text=text, filters=filters)
    result = loaded.search(query)

    assert set(result.facets) == set(FILTER_GROUPS)
    for group in FILTER_GROUPS:
        facet = result.facets[group]
        pairs = [(v.value, v.count) for v in facet]
        assert pairs == sorted(pairs, key=lambda p: (-p[1], p[0])), group
        assert all(count > 0 for _value, count in pairs), group
        others = query.filters_except(group)
        for value, count in pairs:
            alone = loaded.search(SearchQuery(text=text, filters={**others, group: [value]}))
            assert alone.total == count, (group, value)
        if not text:
            # Every value that would give results is offered, and no other.
            reference: dict[str, int] = {}
            for doc in corpus:
                if passes(doc, others):
                    for value in filter_values(doc)[group]:
                        reference[value] = reference.get(value, 0) + 1
            assert dict(pairs) == reference, group


def test_other_values_of_a_filtered_group_stay_selectable(loaded):
    result = loaded.search(SearchQuery(filters={"industry": ["FOOD_AND_DRINK"]}))
    industries = {v.value: v.count for v in result.facets["industry"]}

    assert result.total == 5
    assert industries["FOOD_AND_DRINK"] == 5
    assert industries["CLOTHING"] == 5
    assert industries["ENGINEERING"] == 3
    # Other groups are narrowed by the industry filter: one food company per region.
    assert {v.value: v.count for v in result.facets["region"]} == {
        "LONDON": 1,
        "NORTH_WEST": 1,
        "SCOTLAND": 1,
        "SOUTH_WEST": 1,
        "WALES": 1,
    }


def test_facets_count_every_indexed_company_once(loaded, corpus):
    result = loaded.search(SearchQuery())

    assert result.total == len(corpus)
    assert [(v.value, v.count) for v in result.facets["verified"]] == [("true", result.total)]
    creative = {v.value: v.count for v in result.facets["industry"]}["CREATIVE"]
    assert creative == 2  # 3 and 10


def test_verified_filter_true_keeps_everyone_false_keeps_no_one(loaded, corpus):
    assert all_ids(loaded, filters={"verified": ["true"]}) == {d["id"] for d in corpus}
    assert all_ids(loaded, filters={"verified": ["false"]}) == set()
