"""Free-text matching: field weights, spelling, stop words, stemming, synonyms, typos, accents."""

from __future__ import annotations

import pytest

from search_index import SearchQuery


def hit_ids(backend, text: str, **kwargs) -> list[int]:
    """Ids of the first page (up to 100 hits) for a text query."""
    return [h.id for h in backend.search(SearchQuery(text=text, per_page=100, **kwargs)).hits]


def test_name_match_ranks_above_description_match(loaded):
    result = loaded.search(SearchQuery(text="tundra"))

    assert [h.id for h in result.hits] == [4, 5]  # name "Tundra Outfitters", then description
    assert result.hits[0].score > result.hits[1].score


def test_us_spelling_finds_uk_text(loaded):
    # Company 2 writes "Colourful ... draught"; 3 ("Color printing") has only one of the words.
    assert hit_ids(loaded, "colorful draft") == [2, 3]


def test_uk_spelling_finds_us_text(loaded):
    assert hit_ids(loaded, "colour printing") == [3, 2]


@pytest.mark.parametrize("text", ["acme ltd", "Acme Limited", "ACME PLC", "the acme llp"])
def test_company_suffix_words_do_not_stop_a_match(loaded, text):
    assert hit_ids(loaded, text) == [1]


def test_stemming_finds_other_forms_of_a_word(loaded):
    assert hit_ids(loaded, "exporting") == [6]  # the text says "exports"
    assert hit_ids(loaded, "weaves") == [13, 14, 12]  # "weaving"; ties by name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eyewear", [7]),  # spectacles
        ("glasses", [7]),
        ("pharma", [8]),  # pharmaceutical
        ("haulage", [19]),  # freight
        ("ecommerce", [9]),  # the keyword "online retail" (a multi-word synonym)
    ],
)
def test_trade_synonyms_match_each_other(loaded, text, expected):
    assert hit_ids(loaded, text) == expected


def test_companies_with_every_word_come_first_and_few_widen_to_any_word(loaded):
    # Nobody has both words: a two-word query asks for both, so nothing is found.
    assert hit_ids(loaded, "spectacles pharmaceutical") == []
    # One company has both: it comes first, then those with one word (ties by name).
    assert hit_ids(loaded, "jacquard alpha") == [13, 14, 12]


def test_one_typo_in_a_long_word_still_finds_it(loaded):
    result = loaded.search(SearchQuery(text="ceramcs"))  # ceramics, one letter missing

    assert [h.id for h in result.hits] == [10]
    assert result.suggestion == "ceramics"


def test_swapped_letters_count_as_one_typo(loaded):
    assert hit_ids(loaded, "spectalces") == [7]


def test_a_correct_query_gets_no_suggestion(loaded):
    result = loaded.search(SearchQuery(text="ceramics"))

    assert [h.id for h in result.hits] == [10]
    assert result.suggestion is None


def test_accents_are_folded(loaded):
    assert hit_ids(loaded, "cafe") == [16]
    assert hit_ids(loaded, "ECLAIR") == [15]


def test_case_study_text_is_searchable(loaded):
    assert hit_ids(loaded, "remittance") == [20]
    assert hit_ids(loaded, "souk payout") == [20]


def test_query_of_only_stop_words_lists_everyone(loaded, corpus):
    assert loaded.search(SearchQuery(text="the ltd")).total == len(corpus)


@pytest.mark.parametrize(
    "text", ['acme")*(', "-acme", "acme AND (", "acme^ OR *:", "'acme'", "{acme}"]
)
def test_query_syntax_characters_are_plain_text(loaded, text):
    assert hit_ids(loaded, text) == [1]


def test_two_typos_in_a_word_of_eight_letters_or_more_still_find_it(loaded):
    result = loaded.search(SearchQuery(text="pharmasutical"))  # pharmaceutical: 2 edits

    assert [h.id for h in result.hits] == [8]
    assert result.suggestion == "pharmaceutical"
    # 6 letters allow only one edit; "cermcs" is two from ceramics but sounds like it.
    result = loaded.search(SearchQuery(text="cermcs"))
    assert [h.id for h in result.hits] == [10]
    assert result.suggestion == "ceramics"
