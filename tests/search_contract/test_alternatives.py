"""Query alternatives (SearchQuery.alternatives), on both backends with the same results: a
phrase of the text is searched as typed OR as each alternative, the alternative as if it had
been typed (spelling forms, stems, synonyms), and the group counts as one word matched.

Find a Supplier fills them in from the taxonomy catalogues (a buyer's "Möbel" and the English
label "furniture"); search_index knows nothing of languages, only of alternatives.
"""

from __future__ import annotations

import pytest

from search_index import SearchQuery


@pytest.fixture
def makers(backend, make_doc):
    d = make_doc
    backend.index_documents(
        [
            d(1, "Schreinerei Huber", summary="Möbel aus Massivholz, nach Maß gefertigt."),
            d(2, "Oakleaf Interiors", summary="Oak furniture for hotels in London."),
            d(3, "Cotswold Chairmakers", summary="Office furniture made in Gloucestershire."),
            d(4, "Tyne Steelworks", summary="Structural steel fabrication in London."),
            d(5, "Palette Prints", summary="Color printing for galleries."),
            d(6, "Harvest Table", summary="Food and drink from Somerset farms."),
            d(7, "Wessex Drinks", summary="Soft drink bottling in Somerset."),
            # Both sides of the group: still one unit matched.
            d(8, "Haus und Hof", summary="Möbel and garden furniture for export."),
        ]
    )
    return backend


def hit_ids(backend, text: str, alternatives=(), **kwargs) -> list[int]:
    query = SearchQuery(text=text, alternatives=alternatives, per_page=100, **kwargs)
    return [hit.id for hit in backend.search(query).hits]


MOEBEL = (("Möbel", ("furniture",)),)


def test_the_phrase_matches_as_typed_or_as_its_alternative(makers):
    assert sorted(hit_ids(makers, "Möbel", MOEBEL)) == [1, 2, 3, 8]
    # Without the alternative only the profiles that have the word itself.
    assert sorted(hit_ids(makers, "Möbel")) == [1, 8]


def test_the_alternative_is_searched_as_if_typed(makers):
    # The British spelling finds the American one, as it would typed.
    assert hit_ids(makers, "Farbdruck", (("Farbdruck", ("colour printing",)),)) == [5]


def test_the_other_words_are_searched_as_typed(makers):
    # Both units: only 2 and 3. So few that the query is widened to either unit (as any
    # query is, analysis.FEW_MATCHES), ranked below them.
    ids = hit_ids(makers, "Möbel London", MOEBEL)
    assert ids[0] == 2
    assert set(ids) == {1, 2, 3, 4, 8}
    assert hit_ids(makers, "Möbel Gloucestershire", MOEBEL)[0] == 3


def test_a_group_counts_as_one_word_matched(makers):
    # Three units: the group and "hotels" (2) or the group and "gloucestershire" (3) are two
    # units; 8 has both sides of the group, which is still one, like 1. Had "furniture" been a
    # word of its own, 8 would count two words, as many as 2 and 3.
    ids = hit_ids(makers, "Möbel Hotels Gloucestershire", MOEBEL)

    assert sorted(ids[:2]) == [2, 3]
    assert sorted(ids[2:]) == [1, 8]


def test_a_multi_word_phrase_is_one_unit(makers, make_doc):
    food = (("Lebensmittel und Getränke", ("food and drink",)),)

    assert hit_ids(makers, "Lebensmittel und Getränke", food) == [6]
    # 6 has both units; 7 only "Somerset" (listed below it: few companies match both).
    assert hit_ids(makers, "Lebensmittel und Getränke Somerset", food) == [6, 7]
    # As typed, its words may be in different fields (as any typed words may).
    makers.index_documents(
        [
            make_doc(
                9,
                "Feinkost Berger",
                summary="Lebensmittel aus Bayern.",
                description="Getränke und mehr, und Feinkost.",
            )
        ]
    )
    assert sorted(hit_ids(makers, "Lebensmittel und Getränke", food)) == [6, 9]


def test_more_units_matched_rank_first_the_group_counting_once(makers):
    # Four units; 2 has all of them, the others one each (the query is widened: few match).
    ids = hit_ids(makers, "Möbel Oak Hotels London", MOEBEL)

    assert ids[0] == 2
    assert set(ids) == {1, 2, 3, 4, 8}


def test_the_english_side_is_highlighted(makers):
    query = SearchQuery(text="Möbel", alternatives=MOEBEL, per_page=100)
    highlights = {hit.id: hit.highlight for hit in makers.search(query).hits}

    assert "<mark>furniture</mark>" in highlights[2].lower()
    assert "<mark>möbel</mark>" in highlights[1].lower()


def test_no_did_you_mean_for_a_word_its_alternative_found(makers):
    result = makers.search(SearchQuery(text="Möbel London", alternatives=MOEBEL))

    assert result.hits[0].id == 2
    assert result.suggestion is None
