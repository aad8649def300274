"""Selling Online Overseas (issue 14, D6): focused relevance, no UK as an export country,
daily featured marketplaces."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

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


def compare_form(html: str) -> str:
    """The finder's one results form (ticks, hidden choices and filters, page buttons)."""
    start = html.rindex("<form", 0, html.index("data-compare-choices"))
    return html[start : html.index("</form>", start)]


def submit_page_button(client, html: str, page: int, tick: tuple[str, ...] = ()):
    """What a browser without JavaScript sends when the boxes in `tick` are ticked and the page
    button `page` of the results form is pressed: the form's hidden inputs, its ticked boxes
    and the button, to the button's formaction."""
    form = compare_form(html)
    button = re.search(
        rf'<button type="submit"[^>]*formaction="([^"]+)" name="page" value="{page}"', form
    )
    assert button, f"no button for page {page} inside the results form"
    data = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    for slug, checked in re.findall(
        r'name="slug" type="checkbox" value="([^"]+)"( checked)?>', form
    ):
        if checked or slug in tick:
            data.append(("slug", slug))
    data.append(("page", str(page)))
    return client.get(unescape(button.group(1)), query_string=[(k, unescape(v)) for k, v in data])


def test_compare_choices_are_kept_across_finder_pages(client, loaded):
    first = client.get(f"{BASE}/find?sort=name").get_data(as_text=True)
    assert "govuk-pagination__link" in compare_form(first)  # the page buttons are in the form

    # Allegro ticked on page 1, then page 2 (a page button, no JavaScript):
    second = submit_page_button(client, first, 2, tick=("allegro",))
    html = second.get_data(as_text=True)
    assert "showing 11 to 20" in page_text(second)
    assert '<input type="hidden" name="slug" value="allegro">' in html
    assert '<input type="hidden" name="sort" value="name">' in html

    # A tick on page 2, then page 1 by its number: both are kept, Allegro is ticked again.
    on_second = re.findall(r'name="slug" type="checkbox" value="([^"]+)"', html)[0]
    back = submit_page_button(client, html, 1, tick=(on_second,))
    back_html = back.get_data(as_text=True)
    assert 'value="allegro" checked>' in back_html
    assert f'<input type="hidden" name="slug" value="{on_second}">' in back_html

    # Unticking Allegro on page 1 and moving on drops it; the other choice stays.
    unticked = back_html.replace('value="allegro" checked>', 'value="allegro">')
    third = compare_form(submit_page_button(client, unticked, 3).get_data(as_text=True))
    assert 'value="allegro"' not in third
    assert f'<input type="hidden" name="slug" value="{on_second}">' in third
