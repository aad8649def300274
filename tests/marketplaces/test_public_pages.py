"""Public pages: landing, the marketplace page with every fact, the finder, compare."""

from __future__ import annotations

import re
from html import unescape

import pytest

from marketplaces.models import MarketplaceState
from tests.factories import MarketplaceFactory, OfferFactory

BASE = "/selling-online-overseas"


def page_text(response) -> str:
    """The visible text of the page's main content, whitespace collapsed."""
    html = response.get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def result_names(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [
        unescape(n)
        for n in re.findall(
            r'<h2 class="govuk-heading-m govuk-!-margin-bottom-2"><a class="govuk-link" '
            r'href="[^"]+">([^<]+)</a>',
            html,
        )
    ]


def test_landing_page_counts_marketplaces_and_features_offers(client, loaded):
    response = client.get(f"{BASE}/")

    text = page_text(response)
    assert response.status_code == 200
    assert "compare 37 partner marketplaces" in text
    assert "Marketplace information last updated January 2017" in text
    assert "Marketplaces to start with" in text
    assert 'href="/selling-online-overseas/find"' in response.get_data(as_text=True)


def test_all_37_marketplaces_are_listed_across_the_finder_pages(client, loaded):
    names = []
    for page in (1, 2, 3, 4):
        response = client.get(f"{BASE}/find?sort=name&page={page}")
        assert response.status_code == 200
        names += result_names(response)

    assert len(names) == 37
    assert len(set(names)) == 37
    assert names[:3] == ["Allegro", "Amazon Canada", "Amazon China"]
    assert names[-1] == "Zalora"
    assert "37 marketplaces match, showing 1 to 10" in page_text(client.get(f"{BASE}/find"))


def test_amazon_usa_page_shows_its_facts(client, loaded):
    response = client.get(f"{BASE}/amazon-usa")

    text = page_text(response)
    assert response.status_code == 200
    assert "Amazon USA" in text
    assert "Countries United States" in text
    assert "Commission 8% to 45% of each sale (depends on the product category)" in text
    assert "Membership fee USD 39.00 a month" in text
    assert "Fee per listing Yes, a fee per listing (amount not published)" in text
    assert "Paid to you within 14 days of a sale" in text
    assert "Payout currencies GBP" in text
    assert "Fulfilment Fulfilled by marketplace, Fulfilled by seller" in text
    assert "You will need A returns address in the marketplace's country" in text
    assert "Shipment tracking Required" in text
    assert "http://www.amazon.com" in text


def test_rakuten_page_shows_its_facts(client, loaded):
    response = client.get(f"{BASE}/rakuten")

    text = page_text(response)
    assert response.status_code == 200
    assert "Countries Japan" in text
    assert "Market positioning Economy, Mid-Range, Premium, Luxury" in text
    assert "Commission 8% to 12% of each sale (depends on the product category)" in text
    assert "Membership fee JPY 19,500 a month" in text
    assert "Registration fee JPY 60,000 one-off" in text
    assert "Deposit None" in text
    assert "Paid to you within 15 days of a sale" in text
    assert "Payout currencies GBP, JPY" in text
    assert "Registered users 105 million" in text
    assert "Seller support Email" in text
    assert "Translation needed for Product listings and descriptions" in text
    assert "Exclusivity Not required" in text
    assert "Famous brands selling here New Balance" in text
    assert "http://www.rakuten.jp" in text


def test_marketplace_page_shows_the_uk_offer_and_its_validity(client, loaded):
    text = page_text(client.get(f"{BASE}/trade-me"))

    assert "Offer for UK businesses" in text
    assert "Commission cut from 9.85% to 8.37%" in text
    assert "No end date set." in text
    assert "Commission 9.85% of each sale" in text


def test_global_marketplace_shows_worldwide(client, loaded):
    assert "Countries Worldwide (every country)" in page_text(client.get(f"{BASE}/ebay"))


def test_apply_button_goes_to_the_application_form(client, loaded):
    html = client.get(f"{BASE}/rakuten").get_data(as_text=True)

    assert 'href="/selling-online-overseas/rakuten/apply"' in html
    assert "Apply to sell on Rakuten" in html


def test_unknown_marketplace_is_404(client, loaded):
    assert client.get(f"{BASE}/no-such-market").status_code == 404


# --- finder ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Japan: the two Japanese marketplaces plus the two worldwide ones.
        ("country=JP&sort=name", ["Amazon Japan", "eBay", "Etsy", "Rakuten"]),
        ("category=Pet+care", ["Amazon Mexico"]),
        # OR within a group: food and drink, or luggage and bags.
        (
            "category=Food+and+drink&category=Luggage+and+bags&sort=name",
            [
                "Amazon Mexico",
                "British Pavilion on 1688.com",
                "Cdiscount",
                "eBay",
                "SF Best",
                "Westwing",
            ],
        ),
        ("country=NZ&seller_model=Wholesale&sort=name", ["THE ICONIC", "Zalora"]),
        ("country=IN&no_local_company=y&sort=name", ["eBay", "Etsy", "FlipKart", "Newegg"]),
        (
            "country=CN&uk_offer=y&sort=name",
            ["Ctrip", "eBay", "Etsy", "JD Worldwide", "Kaola", "Royal Mail Tmall Store"],
        ),
        ("country=RU&no_local_bank_account=y&sort=name", ["eBay", "Etsy", "Westwing"]),
        (
            "country=FR&positioning=Economy&fulfilment=Fulfilled+by+marketplace&sort=name",
            ["Amazon France", "Amazon Germany", "Amazon Italy", "Amazon Spain", "Cdiscount"],
        ),
    ],
)
def test_finder_filters(client, loaded, query, expected):
    response = client.get(f"{BASE}/find?{query}")

    assert response.status_code == 200
    assert result_names(response) == expected


def test_finder_sorts_by_registered_users_and_commission(client, loaded):
    by_users = result_names(client.get(f"{BASE}/find?sort=users"))
    by_commission = result_names(client.get(f"{BASE}/find?sort=commission"))

    # Kaola 840m, Spartoo 450m, Royal Mail Tmall Store 400m users in the data file.
    assert by_users[:3] == ["Kaola", "Spartoo", "Royal Mail Tmall Store"]
    assert by_commission[:4] == ["SF Best", "Shangpin", "VIP.com", "Xiu"]


def test_finder_relevance_puts_exact_country_above_worldwide(client, loaded):
    names = result_names(client.get(f"{BASE}/find?country=JP"))

    assert set(names[:2]) == {"Amazon Japan", "Rakuten"}
    assert set(names[2:]) == {"eBay", "Etsy"}


def test_finder_pagination_keeps_the_filters(client, loaded):
    response = client.get(f"{BASE}/find?country=DE&sort=name")

    html = response.get_data(as_text=True)
    assert "9 marketplaces match" in page_text(response)
    assert result_names(response) == [
        "Amazon France",
        "Amazon Germany",
        "Amazon Italy",
        "Amazon Spain",
        "eBay",
        "Etsy",
        "Otto",
        "Spartoo",
        "Westwing",
    ]
    all_pages = client.get(f"{BASE}/find?sort=name&page=2")
    assert "showing 11 to 20" in page_text(all_pages)
    next_page = all_pages.get_data(as_text=True)
    assert 'formaction="/selling-online-overseas/find" name="page" value="3"' in next_page
    assert '<input type="hidden" name="sort" value="name">' in next_page
    assert "govuk-pagination" not in html


def test_finder_rejects_an_unknown_category_with_an_error_summary(client, loaded):
    response = client.get(f"{BASE}/find?category=Spaceships")

    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html
    assert (
        "Product category: choose from the list (“Spaceships” is not one of the options)"
        in page_text(response)
    )
    assert "Correct the filters to see marketplaces." in page_text(response)


# --- compare --------------------------------------------------------------------------------


def test_compare_shows_marketplaces_side_by_side(client, loaded):
    response = client.get(f"{BASE}/compare?slug=rakuten&slug=amazon-japan&slug=ebay")

    html = response.get_data(as_text=True)
    text = page_text(response)
    assert response.status_code == 200
    assert "Rakuten, Amazon Japan, eBay" in text
    assert "JPY 19,500 a month" in html and "JPY 4,900 a month" in html
    assert "Worldwide (every country)" in html
    assert "Basic Shop free for 3 months" in html  # eBay's UK offer


def test_compare_refuses_more_than_four_with_a_clear_message(client, loaded):
    slugs = ["rakuten", "ebay", "etsy", "otto", "xiu"]
    response = client.get(f"{BASE}/compare?" + "&".join(f"slug={s}" for s in slugs))

    text = page_text(response)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert (
        "You can compare up to 4 marketplaces at a time. You chose 5: remove 1 to continue." in text
    )


def test_compare_with_nothing_chosen_explains_how(client, loaded):
    assert "Choose up to 4 marketplaces" in page_text(client.get(f"{BASE}/compare"))


def test_draft_marketplace_from_factory_is_not_public(client, db):
    draft = MarketplaceFactory(state=MarketplaceState.DRAFT, published_at=None)
    OfferFactory(marketplace=draft)
    db.session.commit()

    assert client.get(f"{BASE}/{draft.slug}").status_code == 404


def test_compare_counts_a_repeated_marketplace_once(client, loaded):
    response = client.get(f"{BASE}/compare?slug=rakuten&slug=rakuten&slug=ebay&slug=etsy&slug=otto")

    assert response.status_code == 200
    assert "Rakuten, eBay, Etsy, Otto" in page_text(response)
