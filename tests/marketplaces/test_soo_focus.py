"""Selling Online Overseas (issue 14, D6): focused relevance, no UK as an export country,
daily featured marketplaces."""

from __future__ import annotations

from datetime import date

import pytest

from marketplaces import views
from tests.factories import MarketplaceFactory, OfferFactory
from tests.marketplaces.test_public_pages import BASE, page_text, result_names


def test_poland_and_clothing_ranks_the_poland_only_marketplace_first(client, loaded):
    names = result_names(client.get(f"{BASE}/find?country=PL&category=Clothing+and+accessories"))

    assert names[0] == "Allegro"
    assert names.index("Allegro") < names.index("Spartoo") < names.index("Newegg")


def test_a_marketplace_serving_fewer_countries_ranks_higher(client, db):
    MarketplaceFactory(
        name="Wide",
        facts={"countries": ["PT", "ES", "FR", "DE", "IT"], "registered_users_millions": 500.0},
    )
    MarketplaceFactory(
        name="Pair", facts={"countries": ["PT", "ES"], "registered_users_millions": 50.0}
    )
    MarketplaceFactory(name="Only", facts={"countries": ["PT"], "registered_users_millions": 1.0})
    MarketplaceFactory(name="Elsewhere", facts={"countries": ["NO"]})
    db.session.commit()

    assert result_names(client.get(f"{BASE}/find?country=PT")) == ["Only", "Pair", "Wide"]


def test_a_marketplace_focused_on_the_category_ranks_higher(client, db):
    common = {"countries": ["SE"]}
    MarketplaceFactory(
        name="Department store",
        facts={
            **common,
            "registered_users_millions": 900.0,
            "product_categories": [
                "Clothing and accessories",
                "Home and lifestyle",
                "Electronics",
                "Toys and games",
            ],
        },
    )
    MarketplaceFactory(
        name="Fashion house",
        facts={
            **common,
            "registered_users_millions": 2.0,
            "product_categories": ["Clothing and accessories"],
        },
    )
    db.session.commit()

    names = result_names(client.get(f"{BASE}/find?country=SE&category=Clothing+and+accessories"))

    assert names == ["Fashion house", "Department store"]


def test_the_uk_is_not_offered_as_a_country_to_sell_to(client, loaded):
    response = client.get(f"{BASE}/find")
    html = response.get_data(as_text=True)

    assert '<option value="GB"' not in html
    assert "United Kingdom</option>" not in html
    assert '<option value="FR"' in html
    refused = client.get(f"{BASE}/find?country=GB")
    assert result_names(refused) == []
    assert "Choose a country outside the United Kingdom" in page_text(refused)


@pytest.fixture
def five_with_offers(db):
    made = []
    for name in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]:
        made.append(OfferFactory(marketplace=MarketplaceFactory(name=name)).marketplace.name)
    MarketplaceFactory(name="No offer", facts={"registered_users_millions": 999.0})
    db.session.commit()
    return made


def featured_names(client) -> list[str]:
    text = page_text(client.get(f"{BASE}/"))
    return [n for n in ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "No offer"] if n in text]


def test_featured_marketplaces_rotate_by_date_among_those_with_an_offer(
    client, five_with_offers, monkeypatch
):
    monkeypatch.setattr(views, "uk_today", lambda: date(2026, 12, 4))
    first_day = featured_names(client)
    assert featured_names(client) == first_day  # the same all day
    monkeypatch.setattr(views, "uk_today", lambda: date(2026, 12, 5))
    next_day = featured_names(client)

    assert len(first_day) == len(next_day) == 3
    assert first_day != next_day
    assert "No offer" not in first_day + next_day


def test_marketplace_page_has_a_back_link_and_apply_at_top_and_bottom(client, loaded):
    html = client.get(f"{BASE}/rakuten").get_data(as_text=True)

    assert '<a href="/selling-online-overseas/find" class="govuk-back-link">' in html
    assert html.count('href="/selling-online-overseas/rakuten/apply"') == 2
    main = html[html.index("<main") :]
    assert main.index("Apply to sell on Rakuten") < main.index("About Rakuten")
    assert main.rindex("Apply to sell on Rakuten") > main.index("Facts last updated")


def test_comparing_one_marketplace_prompts_to_add_more(client, loaded):
    one = page_text(client.get(f"{BASE}/compare?slug=rakuten"))
    two = page_text(client.get(f"{BASE}/compare?slug=rakuten&slug=allegro"))

    assert "You are looking at one marketplace. To compare, add up to 3 more" in one
    assert "You are looking at one marketplace" not in two


def test_compare_choices_are_kept_across_finder_pages(client, loaded):
    first = client.get(f"{BASE}/find?sort=name").get_data(as_text=True)
    assert 'formaction="/selling-online-overseas/find" name="page" value="2"' in first

    # "Keep my choices and see the next page" with Allegro ticked on page 1:
    second = client.get(f"{BASE}/find?sort=name&slug=allegro&page=2").get_data(as_text=True)

    assert '<input type="hidden" name="slug" value="allegro">' in second
    assert 'name="sort" value="name"' in second
    assert "sort=name&amp;slug=allegro&amp;page=3" in second  # pagination links keep them too
    ticked_back = client.get(f"{BASE}/find?sort=name&slug=allegro").get_data(as_text=True)
    assert 'value="allegro" checked>' in ticked_back
