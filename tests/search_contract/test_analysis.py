"""The shared text rules both backends are built from (search_index.analysis)."""

from __future__ import annotations

import pytest

from search_index import analysis
from search_index.analysis import porter_stem


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("colour", ("color", "colour")),
        ("colorful", ("colorful", "colourful")),
        ("draught", ("draft", "draught")),
        ("organisations", ("organizations", "organisations")),
        ("centred", ("centered", "centred")),
        ("catalogue", ("catalog", "catalogue")),
        ("jewellery", ("jewelry", "jewellery")),
        ("aluminium", ("aluminum", "aluminium")),
        ("tyres", ("tires", "tyres")),
        ("programme", ("program", "programme")),
        ("travelling", ("traveling", "travelling")),
        ("widget", ("widget",)),
    ],
)
def test_spelling_forms_cover_both_directions(word, forms):
    assert analysis.spelling_forms(word) == forms
    assert analysis.normalise_spelling(word) == forms[0]


def test_no_american_form_is_also_mapped_away():
    american = set(analysis.SPELLING_VARIANTS.values())

    assert not american & set(analysis.SPELLING_VARIANTS)


def test_query_words_fold_and_drop_stop_words():
    assert analysis.query_words("The Café-Crème LTD, Limited & PLC") == ["cafe", "creme"]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("ceramics", "ceramcs", 1),
        ("spectacles", "spectalces", 1),  # adjacent swap
        ("logistics", "logistcs", 1),
        ("freight", "fright", 1),
        ("freight", "frieght", 1),
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance_counts_a_swap_as_one_edit(a, b, distance):
    assert analysis.edit_distance(a, b, 3) == distance
    assert analysis.edit_distance(a, b, distance - 1) == distance  # "over the limit"


def test_typo_allowance_grows_with_word_length():
    assert [analysis.max_edits(w) for w in ("tool", "tools", "ceramics")] == [0, 1, 2]
    assert analysis.elasticsearch_fuzziness() == "AUTO:5,8"


def test_porter_stem_is_fts5s():
    assert porter_stem("exporting") == porter_stem("exports") == "export"
    assert porter_stem("pharmaceuticals") == porter_stem("pharmaceutical")


def test_every_synonym_group_has_two_distinct_entries():
    assert len(analysis.SYNONYM_GROUPS) >= 30
    for group in analysis.synonym_phrases():
        assert len(set(group)) == len(group) >= 2


def test_name_prefix_rule():
    assert analysis.name_matches_prefix("Acme Foods", "acme fo")
    assert analysis.name_matches_prefix("Éclair Bakery", "ECL")
    assert not analysis.name_matches_prefix("Acme Foods", "foods acme x")
    assert analysis.sort_key("  Éclair   Bakery ") == "eclair bakery"


def test_elasticsearch_analysis_uses_the_same_word_lists():
    settings = analysis.elasticsearch_analysis()

    assert set(settings["filter"]["th_stop"]["stopwords"]) == analysis.STOPWORDS
    assert "colourful => colorful" in settings["filter"]["th_spelling"]["synonyms"]
    assert "eyewear, glasses, spectacles" in settings["filter"]["th_synonyms"]["synonyms"]
