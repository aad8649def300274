"""What comes back: safe highlights, sort orders, pages that never repeat or skip."""

from __future__ import annotations

import html
import re

import pytest

from search_index import SearchQuery
from search_index.analysis import sort_key
from search_index.document import parse_updated_at

MARK_RE = re.compile(r"</?mark>")


def assert_safe_html(fragment: str) -> None:
    """Only <mark>/</mark> may appear as markup; every other '<' or '>' must be escaped."""
    bare = MARK_RE.sub("", fragment)
    assert "<" not in bare and ">" not in bare, fragment
    assert fragment.count("<mark>") == fragment.count("</mark>"), fragment


def test_highlight_marks_the_match_and_escapes_the_profile(loaded):
    result = loaded.search(SearchQuery(text="alert"))

    assert [h.id for h in result.hits] == [11]
    highlight = result.hits[0].highlight
    assert_safe_html(highlight)
    assert "<script" not in highlight
    assert "&lt;script&gt;<mark>alert</mark>" in highlight


def test_highlight_of_description_is_escaped_too(loaded):
    result = loaded.search(SearchQuery(text="database"))  # only in company 11's description

    assert [h.id for h in result.hits] == [11]
    highlight = result.hits[0].highlight
    assert_safe_html(highlight)
    assert "<mark>database</mark>" in highlight
    assert "&lt;b&gt;user input&lt;/b&gt;" in highlight


@pytest.mark.parametrize("text", ["", "forms", "script", "wessex", "secure payment"])
def test_no_highlight_ever_contains_raw_markup(loaded, text):
    result = loaded.search(SearchQuery(text=text, per_page=100))

    assert result.hits
    for hit in result.hits:
        assert_safe_html(hit.highlight)
        if hit.id == 11:
            assert "<script>" not in hit.highlight
            assert "&lt;script&gt;" in hit.highlight or "<mark>" in hit.highlight


def test_without_a_text_match_the_highlight_is_the_escaped_summary(loaded, corpus):
    summaries = {d["id"]: d["summary"] for d in corpus}
    result = loaded.search(SearchQuery(text="", per_page=100))

    for hit in result.hits:
        assert hit.highlight == html.escape(summaries[hit.id]), hit.id
    acme = loaded.search(SearchQuery(text="acme")).hits[0]  # matches the name only
    assert acme.highlight == html.escape(summaries[1])


def test_hit_carries_what_a_result_card_shows(loaded):
    hit = loaded.search(SearchQuery(text="tundra")).hits[0]

    assert (hit.id, hit.slug, hit.name) == (4, "company-4", "Tundra Outfitters")
    assert hit.summary == "Cold-weather coats and boots."
    assert hit.industries == ["CLOTHING"]
    assert hit.region == "SCOTLAND"
    assert sorted(hit.countries) == ["DE", "JP"]
    assert hit.verified is True
    assert parse_updated_at(hit.updated_at) == parse_updated_at("2024-01-17T16:45:00Z")


def test_relevance_ties_are_ordered_by_name(loaded):
    result = loaded.search(SearchQuery(text="jacquard"))

    assert [h.name for h in result.hits] == ["Alpha Looms", "Mid Looms", "Zeta Looms"]
    assert len({round(h.score, 6) for h in result.hits}) == 1


def test_relevance_scores_never_increase_down_the_list(loaded):
    result = loaded.search(SearchQuery(text="wessex", per_page=100))
    scores = [h.score for h in result.hits]
    assert len(scores) == 17
    assert scores == sorted(scores, reverse=True)


def test_sort_by_name_folds_case_and_accents(loaded, corpus):
    result = loaded.search(SearchQuery(sort="name", per_page=100))
    expected = sorted(corpus, key=lambda d: (sort_key(d["name"]), d["id"]))

    assert [h.id for h in result.hits] == [d["id"] for d in expected]
    names = [h.name for h in result.hits]
    assert names.index("Café Noir Roasters") < names.index("Clearview Optics")
    assert (
        names.index("Brightwater Brewing")
        < names.index("Éclair Bakery")
        < names.index("Harbourside Logistics")
    )


def test_relevance_without_text_is_by_name(loaded):
    by_name = loaded.search(SearchQuery(sort="name", per_page=100))
    by_relevance = loaded.search(SearchQuery(per_page=100))

    assert [h.id for h in by_relevance.hits] == [h.id for h in by_name.hits]


def test_sort_by_updated_is_newest_first_ties_by_name(loaded, corpus):
    result = loaded.search(SearchQuery(sort="updated", per_page=100))
    expected = sorted(
        corpus,
        key=lambda d: (
            -parse_updated_at(d["updated_at"]).timestamp(),
            sort_key(d["name"]),
            d["id"],
        ),
    )

    assert [h.id for h in result.hits] == [d["id"] for d in expected]
    assert result.hits[0].id == 5  # 2024-03-02
    looms = [h.name for h in result.hits if h.name.endswith("Looms")]
    assert looms == ["Alpha Looms", "Mid Looms", "Zeta Looms"]


def test_sort_applies_to_text_results(loaded):
    result = loaded.search(SearchQuery(text="jacquard", sort="updated"))

    assert [h.name for h in result.hits] == ["Alpha Looms", "Mid Looms", "Zeta Looms"]
    result = loaded.search(SearchQuery(text="wessex", sort="name", per_page=3))
    assert [h.name for h in result.hits] == ["Achill Seafoods", "Acme", "Acorn Textiles"]


def walk(backend, **kwargs) -> tuple[list[int], int]:
    """Every hit id, page by page, and the total the first page reported."""
    seen: list[int] = []
    page = 1
    first_total = None
    while True:
        result = backend.search(SearchQuery(page=page, **kwargs))
        first_total = result.total if first_total is None else first_total
        assert result.total == first_total  # the total does not change between pages
        if not result.hits:
            break
        assert len(result.hits) <= kwargs["per_page"]
        seen.extend(h.id for h in result.hits)
        page += 1
    return seen, first_total


@pytest.mark.parametrize("per_page", [1, 3, 4])
@pytest.mark.parametrize(
    ("text", "sort", "filters"),
    [
        ("", "relevance", {}),
        ("", "name", {}),
        ("", "updated", {}),
        ("wessex", "relevance", {}),
        ("wessex", "updated", {"country": ["FR", "DE"]}),
        ("jacquard weaving", "relevance", {}),
    ],
)
def test_walking_the_pages_never_repeats_or_skips(loaded, text, sort, filters, per_page):
    everything = loaded.search(SearchQuery(text=text, sort=sort, filters=filters, per_page=100))
    seen, total = walk(loaded, text=text, sort=sort, filters=filters, per_page=per_page)

    assert total == everything.total == len(everything.hits)
    assert len(seen) == len(set(seen)) == total
    assert seen == [h.id for h in everything.hits]


def test_a_page_past_the_end_is_empty_with_the_right_total(loaded, corpus):
    result = loaded.search(SearchQuery(page=50, per_page=20))

    assert result.hits == []
    assert result.total == len(corpus)
    assert result.page == 50
