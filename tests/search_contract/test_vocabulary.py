"""The reviewed word lists both backends read (search_index/data/): the buyer vocabulary and
the British/American spelling pairs."""

from __future__ import annotations

from breame.data.meaning_constants import DIFFERENT_MEANINGS_US_UK_COMMON
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

from search_index import analysis

# Pairs whose two forms mean different things to a buyer: never in the spelling list.
EXCLUDED = {
    "tonne": "ton",
    "tonnes": "tons",
    "metre": "meter",
    "metres": "meters",
    "cheque": "check",
    "cheques": "checks",
    "disc": "disk",
    "theatre": "theater",
    "storey": "story",
}


def test_every_spelling_pair_is_a_real_british_and_american_word_pair():
    # breame's list is a curated dictionary of real words: anything else is a generated
    # non-word ("publicisise") or not a spelling variant at all.
    pairs = analysis.SPELLING_VARIANTS
    assert len(pairs) > 1500
    wrong = {uk: us for uk, us in pairs.items() if BRITISH_ENGLISH_SPELLINGS.get(uk) != us}
    assert wrong == {}
    assert pairs["publicise"] == "publicize"
    assert pairs["westernise"] == "westernize"
    assert "publicisise" not in pairs


def test_no_spelling_pair_changes_meaning():
    pairs = analysis.SPELLING_VARIANTS
    assert not set(EXCLUDED) & set(pairs)
    both = set(pairs) | set(pairs.values())
    # breame's list of words that mean different things in the UK and the US.
    assert not {w for w in both if w in DIFFERENT_MEANINGS_US_UK_COMMON}


def test_vocabulary_has_enough_reviewed_groups():
    groups = analysis.SYNONYM_GROUPS
    pairs = sum(len(g) * (len(g) - 1) // 2 for g in groups)
    assert len(groups) >= 200
    assert pairs >= 300
    for group in groups:
        assert len(group) == len(set(group)) >= 2
        assert all(analysis.entry_key(entry.split()) for entry in group), group


def test_vocabulary_covers_british_and_american_and_lay_words():
    def together(a: str, b: str) -> bool:
        return any(a in group and b in group for group in analysis.SYNONYM_GROUPS)

    for uk, us in [
        ("nappy", "diaper"), ("aubergine", "eggplant"), ("trainers", "sneakers"),
        ("petrol", "gasoline"), ("biscuit", "cookie"), ("flat", "apartment"), ("tap", "faucet"),
        ("postcode", "zip code"), ("estate agent", "realtor"), ("chemist", "drugstore"),
        ("joiner", "carpenter"), ("removals", "moving company"),
        ("fitted kitchens", "kitchen cabinets"),
    ]:  # fmt: skip
        assert together(uk, us), (uk, us)


def test_elasticsearch_rules_leave_stop_words_out_of_entries():
    rules = analysis.synonym_rules()

    assert "block flats, apartment building" in rules
    assert all(
        word not in analysis.STOPWORDS
        for rule in rules
        for e in rule.split(", ")
        for word in e.split()
    )
