"""A buyer's own words, on both backends with the same results and order (issue #9):
graceful degradation when not every word matches, British/American and lay/trade vocabulary,
legal-form words, honest "did you mean", markup in the query, exact signals, staff synonyms."""

from __future__ import annotations

import pytest

from search_index import SearchQuery


@pytest.fixture
def shop(backend, make_doc):
    """Companies written the way UK firms describe themselves."""
    d = make_doc
    docs = [
        # Three-word query "organic bamboo nappies": 1 has all three, 2-4 lack one word each,
        # 5 has only one of them.
        d(1, "Snugbottom", summary="Organic bamboo nappies sewn in Leicester."),
        d(2, "Puddleduck", summary="Bamboo nappies and wraps."),
        d(3, "Newborn Naturals", summary="Organic nappies for newborns."),
        d(4, "Green Weave", summary="Organic bamboo towels."),
        d(5, "Fleece Mill", summary="Organic fleece blankets."),
        d(6, "Lea Valley Glasshouses", summary="Aubergines and sweet peppers grown under glass."),
        d(7, "Kitchen Tap Works", summary="Mixer taps for kitchens and basins."),
        d(8, "Cotswold Joinery", summary="Bespoke joinery and sash windows."),
        d(9, "Atlas Removals", summary="House removals across the UK."),
        d(10, "Shaker Kitchen Makers", summary="Painted fitted kitchens made in Suffolk."),
        d(11, "Boothby Chemists Ltd", slug="boothby-chemists-ltd",
          summary="A dispensing chemist since 1952."),
        d(12, "Boothby Chemists Holdings", summary="Property holding company of a chemist."),
        d(13, "Juniper Hill Distillery", summary="Small batch gin from the Chilterns."),
        d(14, "Copper Still", summary="Gin distilled in small copper stills, batch by batch."),
        d(15, "Lens and Light", summary="Product photography for web shops."),
        d(16, "Press Gang Printing", summary="Litho printing of brochures."),
        d(17, "Crumb & Co", summary="Gluten-free biscuits for cafés."),
        d(18, "Meadow Baby CIC", summary="Muslins and changing mats."),
    ]  # fmt: skip
    backend.index_documents(docs)
    return backend


def hit_ids(backend, text: str, **kwargs) -> list[int]:
    return [h.id for h in backend.search(SearchQuery(text=text, per_page=100, **kwargs)).hits]


def test_all_words_first_then_most_words_strictly_below(shop):
    ids = hit_ids(shop, "organic bamboo nappies")

    assert ids[0] == 1  # all three words
    assert set(ids[1:4]) == {2, 3, 4}  # two of the three
    # One word of three is not "most": 5 is listed only because few (4) have most words,
    # and then below every company that has more of them.
    assert ids[4:] == [5]


def test_most_words_suffice_when_many_companies_have_them(backend, make_doc):
    docs = [make_doc(i, f"Maker {i}", summary="Organic bamboo nappies.") for i in range(1, 4)]
    docs += [make_doc(i, f"Maker {i}", summary="Bamboo nappies.") for i in range(4, 7)]
    docs += [make_doc(7, "Fleece Mill", summary="Organic fleece blankets.")]
    backend.index_documents(docs)

    ids = hit_ids(backend, "organic bamboo nappies")
    assert ids == [1, 2, 3, 4, 5, 6]  # all words first, then two of three; 7 is not listed


def test_few_matches_widen_to_any_word_ranked_by_words_matched(shop):
    # Only 6 has both words; companies with one of them follow, never above it.
    ids = hit_ids(shop, "aubergines peppers")
    assert ids == [6]  # nobody else has either word
    ids = hit_ids(shop, "organic towels")
    assert ids[0] == 4
    assert set(ids[1:]) == {1, 3, 5}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("diapers", {1, 2, 3}),  # nappies
        ("eggplant", {6}),  # aubergines
        ("faucets", {7}),  # taps
        ("carpenter", {8}),  # joinery (lay word for a trade word)
        ("moving company", {9}),  # removals
        ("kitchen cabinets", {10}),  # fitted kitchens
        ("drugstore", {11, 12}),  # chemist
        ("cookies", {17}),  # biscuits
    ],
)
def test_american_and_lay_words_find_british_and_trade_words(shop, text, expected):
    assert set(hit_ids(shop, text)) >= expected


@pytest.mark.parametrize(
    "text",
    ["Boothby Chemists Company Limited", "Boothby Chemists & Co", "Boothby Chemists Co.",
     "Boothby Chemists CIC", "Boothby Chemists Inc", "Boothby Chemists Corp", "Boothby Chemists"],
)  # fmt: skip
def test_legal_form_words_are_ignored_and_the_exact_name_ranks_first(shop, text):
    assert hit_ids(shop, text)[0] == 11  # "Boothby Chemists Ltd", above "... Holdings"


@pytest.mark.parametrize("text", ["Crumb and Co", "crumb & co.", "CRUMB LIMITED", "Crumb Inc"])
def test_ampersand_and_dotted_forms(shop, text):
    assert hit_ids(shop, text) == [17]


def test_dotted_legal_forms_are_read_as_words(shop):
    assert hit_ids(shop, "Meadow Baby C.I.C.")[0] == 18


def test_a_word_that_matched_gets_no_suggestion(shop):
    result = shop.search(SearchQuery(text="printing"))

    assert [h.id for h in result.hits] == [16]
    assert result.suggestion is None


def test_a_phonetic_misspelling_gets_a_suggestion(shop):
    result = shop.search(SearchQuery(text="product fotografy"))

    assert [h.id for h in result.hits] == [15]
    assert result.suggestion == "product photography"


def test_no_suggestion_that_would_find_nothing(shop):
    result = shop.search(SearchQuery(text="zzyzxq"))

    assert result.total == 0
    assert result.suggestion is None


@pytest.mark.parametrize("text", ["<b>gin</b>", "<i>gin</i>&nbsp;", "&lt;b&gt;gin", "gin</p>"])
def test_markup_in_the_query_is_read_as_its_text(shop, text):
    assert set(hit_ids(shop, text)) == {13, 14}


def test_the_whole_query_as_a_phrase_ranks_above_scattered_words(shop):
    # 14 mentions small, batch and gin more often but never as the phrase "small batch gin".
    assert hit_ids(shop, "small batch gin")[:2] == [13, 14]


@pytest.mark.parametrize(
    "text",
    ["https://www.tradehub.example/suppliers/boothby-chemists-ltd",
     "tradehub.example/suppliers/boothby-chemists-ltd?page=2", "/suppliers/boothby-chemists-ltd"],
)  # fmt: skip
def test_a_pasted_profile_address_finds_that_company_first(shop, text):
    assert hit_ids(shop, text)[0] == 11


def test_staff_synonym_groups_apply_to_the_query(shop):
    assert hit_ids(shop, "hooch") == []
    groups = (("hooch", "gin"),)

    assert set(hit_ids(shop, "hooch", synonyms=groups)) == {13, 14}
    assert set(hit_ids(shop, "small batch hooch", synonyms=groups)) == {13, 14}
