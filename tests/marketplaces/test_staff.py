"""Staff: drafts, publishing with required facts, revision history, conflicts, offers, rates."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from marketplaces import revisions
from marketplaces.models import (
    ExchangeRate,
    Marketplace,
    MarketplaceState,
    Offer,
    OfferState,
    RevisionAction,
)
from tests.factories import MarketplaceFactory, OfferFactory, marketplace_facts
from tradehub.dates import uk_today
from tradehub.errors import Conflict

STAFF = "/staff/marketplaces"


def facts_form(facts: dict, version: int) -> dict:
    """The edit form's fields for a facts dict, as a browser would post them."""
    commission = facts["commission"] or {}
    membership = facts["membership_fee"] or {}
    data = {
        "version": str(version),
        "name": facts["name"],
        "website": facts["website"],
        "countries": "" if facts["countries"] == "GLOBAL" else ", ".join(facts["countries"]),
        "product_categories": facts["product_categories"],
        "positioning": facts["positioning"],
        "commission_low": commission.get("low_percent", ""),
        "commission_high": commission.get("high_percent", ""),
        "commission_basis": facts["commission_basis"] or "",
        "membership_fee_amount": membership.get("amount", ""),
        "membership_fee_currency": membership.get("currency", ""),
        "membership_fee_frequency": membership.get("frequency", ""),
        "payment_days": facts["payment_days"] if facts["payment_days"] is not None else "",
        "payout_currencies": ", ".join(facts["payout_currencies"]),
        "registered_users_millions": facts["registered_users_millions"] or "",
        "seller_models": facts["seller_models"],
        "fulfilment": facts["fulfilment"],
        "upload_methods": facts["upload_methods"],
        "customer_support_channels": facts["customer_support_channels"],
        "seller_support_channels": facts["seller_support_channels"],
        "setup_requirements": facts["setup_requirements"],
        "translation_required_for": facts["translation_required_for"],
        "famous_brands": "\n".join(facts["famous_brands"]),
    }
    if facts["countries"] == "GLOBAL":
        data["worldwide"] = "y"
    if facts["shipping_tracking_required"]:
        data["shipping_tracking_required"] = "y"
    return data


@pytest.fixture
def staff(signed_in):
    return signed_in("staff", full_name="Sam Staff")


def test_staff_area_is_for_staff_only(client, signed_in, db):
    MarketplaceFactory(slug="shop")
    db.session.commit()

    assert client.get(f"{STAFF}/").status_code == 302  # to sign-in
    signed_in("exporter")
    assert client.get(f"{STAFF}/").status_code == 403
    assert client.get(f"{STAFF}/shop").status_code == 403
    assert client.get(f"{STAFF}/exchange-rates").status_code == 403


def test_staff_home_lists_the_marketplace_sections(client, staff):
    page = client.get("/staff/").get_data(as_text=True)

    assert "Marketplaces and UK offers" in page
    assert "Exchange rates" in page


def test_editing_a_published_marketplace_keeps_a_draft_until_publish(client, staff, db):
    market = MarketplaceFactory(name="Shopmart", slug="shopmart")
    db.session.commit()
    edited = marketplace_facts(
        name="Shopmart", payment_days=30, commission={"low_percent": 5, "high_percent": 15}
    )

    response = client.post_form(f"{STAFF}/shopmart/edit", facts_form(edited, market.version))

    assert response.status_code == 302
    public = client.get("/selling-online-overseas/shopmart").get_data(as_text=True)
    assert "within 14 days of a sale" in public  # the public page is unchanged
    staff_page = client.get(f"{STAFF}/shopmart").get_data(as_text=True)
    assert "Unpublished changes" in staff_page
    assert "What changed since publication" in staff_page
    assert "Payment days" in staff_page and "Commission" in staff_page

    db.session.expire_all()
    market = db.session.get(Marketplace, market.id)
    response = client.post_form(f"{STAFF}/shopmart/publish", {"version": market.version})

    assert response.status_code == 302
    public = client.get("/selling-online-overseas/shopmart").get_data(as_text=True)
    assert "within 30 days of a sale" in public
    assert "5% to 15% of each sale" in public
    db.session.expire_all()
    market = db.session.get(Marketplace, market.id)
    assert market.draft_facts is None
    assert market.published_by_id == staff.id


def test_revision_history_shows_who_when_and_the_diff(client, staff, db):
    market = MarketplaceFactory(name="Shopmart", slug="shopmart")
    db.session.commit()
    client.post_form(
        f"{STAFF}/shopmart/edit",
        facts_form(marketplace_facts(name="Shopmart", payment_days=21), market.version),
    )
    db.session.expire_all()
    market = db.session.get(Marketplace, market.id)
    client.post_form(f"{STAFF}/shopmart/publish", {"version": market.version})

    db.session.expire_all()
    revisions = db.session.get(Marketplace, market.id).revisions
    assert [r.action for r in revisions] == [RevisionAction.PUBLISHED, RevisionAction.DRAFT_SAVED]
    assert revisions[1].changes == {"payment_days": {"from": 14, "to": 21}}
    assert revisions[0].changes == {"payment_days": {"from": 14, "to": 21}}
    assert {r.author_id for r in revisions} == {staff.id}
    page = client.get(f"{STAFF}/shopmart/history").get_data(as_text=True)
    assert "Published on" in page and "Draft saved on" in page
    assert "by Sam Staff" in page
    assert "Payment days" in page and ">14<" in page and ">21<" in page


def test_publish_lists_every_missing_fact(client, staff, db):
    client.post_form(f"{STAFF}/new", {"name": "Newmart", "slug": "newmart"})
    market = db.session.scalar(select(Marketplace).where(Marketplace.slug == "newmart"))
    assert market.state == MarketplaceState.DRAFT

    response = client.post_form(f"{STAFF}/newmart/publish", {"version": market.version})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Newmart cannot be published yet" in page
    for missing in (
        "Add a website address",
        "Add at least one country (or worldwide)",
        "Add at least one product category",
        "Add a commission range",
        "Add how many days until sellers are paid",
        "Add at least one seller support channel",
    ):
        assert missing in page
    db.session.expire_all()
    assert db.session.get(Marketplace, market.id).state == MarketplaceState.DRAFT
    assert client.get("/selling-online-overseas/newmart").status_code == 404


def test_a_complete_new_marketplace_can_be_published(client, staff, db):
    client.post_form(f"{STAFF}/new", {"name": "Newmart", "slug": "newmart"})
    market = db.session.scalar(select(Marketplace).where(Marketplace.slug == "newmart"))
    facts = marketplace_facts(
        name="Newmart",
        countries="GLOBAL",
        membership_fee={"amount": 25, "currency": "EUR", "frequency": "monthly"},
    )
    client.post_form(f"{STAFF}/newmart/edit", facts_form(facts, market.version))
    db.session.expire_all()
    market = db.session.get(Marketplace, market.id)

    client.post_form(f"{STAFF}/newmart/publish", {"version": market.version})

    page = client.get("/selling-online-overseas/newmart").get_data(as_text=True)
    assert "Worldwide (every country)" in page
    assert "EUR 25.00 a month" in page
    assert client.get("/api/v1/marketplaces?country=BR").get_json()["total"] == 1


def test_edit_form_reports_errors_next_to_the_fields(client, staff, db):
    market = MarketplaceFactory(slug="shopmart")
    db.session.commit()
    data = facts_form(marketplace_facts(name="Shopmart"), market.version)
    data.update(
        commission_low="20",
        commission_high="10",
        membership_fee_amount="30",
        membership_fee_currency="ZZZ",
        countries="FR, XX",
    )

    response = client.post_form(f"{STAFF}/shopmart/edit", data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "The high end must be the same as the low end or higher" in page
    assert "Enter a 3-letter ISO 4217 currency code" in page
    assert "Choose how often the membership fee is charged" in page


def test_bad_country_code_is_reported(client, staff, db):
    market = MarketplaceFactory(slug="shopmart")
    db.session.commit()
    data = facts_form(marketplace_facts(name="Shopmart"), market.version)
    data["countries"] = "FR, XX"

    page = client.post_form(f"{STAFF}/shopmart/edit", data).get_data(as_text=True)

    assert "countries: XX is not an ISO 3166 country code" in page


def test_unpublish_hides_the_marketplace(client, staff, db):
    market = MarketplaceFactory(slug="shopmart")
    db.session.commit()

    client.post_form(f"{STAFF}/shopmart/unpublish", {"version": market.version, "confirmed": "yes"})

    assert client.get("/selling-online-overseas/shopmart").status_code == 404
    db.session.expire_all()
    assert db.session.get(Marketplace, market.id).state == MarketplaceState.UNPUBLISHED


def test_two_staff_editing_at_once_get_a_conflict_not_a_lost_update(client, staff, db):
    market = MarketplaceFactory(name="Shopmart", slug="shopmart")
    db.session.commit()
    opened_version = market.version  # both people opened the edit page at this version
    client.post_form(
        f"{STAFF}/shopmart/edit",
        facts_form(marketplace_facts(name="Shopmart", payment_days=20), opened_version),
    )

    response = client.post_form(
        f"{STAFF}/shopmart/edit",
        facts_form(marketplace_facts(name="Shopmart", payment_days=40), opened_version),
    )

    assert response.status_code == 409
    assert "Someone else changed this marketplace while you were editing it" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Marketplace, market.id).draft_facts["payment_days"] == 20


def test_a_write_committed_by_another_process_turns_into_a_conflict(app, db):
    """The version column guards the UPDATE itself: if another process commits between our read
    and our write, our UPDATE matches no row and the service raises Conflict."""
    market = MarketplaceFactory(slug="shopmart")
    db.session.commit()
    mine = db.session.get(Marketplace, market.id)
    with db.engine.begin() as conn:  # someone else's transaction, committed first
        conn.execute(
            update(Marketplace.__table__)
            .where(Marketplace.id == market.id)
            .values(version=mine.version + 1, payment_days=7)
        )

    with pytest.raises(Conflict, match="Someone else changed this marketplace at the same time"):
        revisions.save_draft(
            mine, marketplace_facts(name=mine.name, payment_days=99), None, mine.version
        )

    db.session.rollback()
    fresh = db.session.get(Marketplace, market.id)
    assert fresh.payment_days == 7
    assert fresh.draft_facts is None


# --- offers ---------------------------------------------------------------------------------


def offer_form(**overrides) -> dict:
    data = {
        "kind": "free_period",
        "badge_text": "UK offer: 3 months free",
        "summary": "No fees for 3 months",
        "terms": "New sellers",
        "eligibility": "UK companies",
        "valid_from": ["", "", ""],
        "valid_until": ["", "", ""],
        "version": "",
    }
    data.update(overrides)
    return data


def _date_parts(value) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def test_offer_is_created_as_draft_then_published(client, staff, db):
    market = MarketplaceFactory(slug="shopmart")
    db.session.commit()
    today = uk_today()

    response = client.post_form(
        f"{STAFF}/shopmart/offers/new",
        offer_form(
            valid_from=_date_parts(today), valid_until=_date_parts(today + timedelta(days=90))
        ),
    )

    assert response.status_code == 302
    offer = db.session.scalar(select(Offer).where(Offer.marketplace_id == market.id))
    assert offer.state == OfferState.DRAFT
    assert "No fees for 3 months" not in client.get("/selling-online-overseas/shopmart").get_data(
        as_text=True
    )

    client.post_form(f"{STAFF}/shopmart/offers/{offer.id}/publish", {"version": offer.version})

    page = client.get("/selling-online-overseas/shopmart").get_data(as_text=True)
    assert "No fees for 3 months" in page
    until = today + timedelta(days=90)
    assert f"to {until.day} {until:%B %Y}" in page

    db.session.expire_all()
    offer = db.session.get(Offer, offer.id)
    client.post_form(
        f"{STAFF}/shopmart/offers/{offer.id}/unpublish",
        {"version": offer.version, "confirmed": "yes"},
    )
    assert "No fees for 3 months" not in client.get("/selling-online-overseas/shopmart").get_data(
        as_text=True
    )


def test_offer_end_date_must_be_after_start_date(client, staff, db):
    MarketplaceFactory(slug="shopmart")
    db.session.commit()
    today = uk_today()

    response = client.post_form(
        f"{STAFF}/shopmart/offers/new",
        offer_form(valid_from=_date_parts(today), valid_until=_date_parts(today)),
    )

    assert response.status_code == 200
    assert "The end date must be after the start date" in response.get_data(as_text=True)
    assert db.session.scalar(select(Offer.id)) is None


def test_expired_offer_cannot_be_published(client, staff, db):
    market = MarketplaceFactory(slug="shopmart")
    yesterday = uk_today() - timedelta(days=1)
    offer = OfferFactory(
        marketplace=market,
        state=OfferState.DRAFT,
        valid_from=yesterday - timedelta(days=10),
        valid_until=yesterday,
    )
    db.session.commit()

    response = client.post_form(
        f"{STAFF}/shopmart/offers/{offer.id}/publish",
        {"version": offer.version},
        follow_redirects=True,
    )

    assert "change its end date to publish it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state == OfferState.DRAFT


def test_two_staff_editing_one_offer_get_a_conflict(client, staff, db):
    market = MarketplaceFactory(slug="shopmart")
    offer = OfferFactory(marketplace=market)
    db.session.commit()
    opened = offer.version
    client.post_form(
        f"{STAFF}/shopmart/offers/{offer.id}/edit", offer_form(summary="First edit", version=opened)
    )

    response = client.post_form(
        f"{STAFF}/shopmart/offers/{offer.id}/edit",
        offer_form(summary="Second edit", version=opened),
    )

    assert response.status_code == 409
    assert "Someone else changed this offer" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).summary == "First edit"


def test_offer_of_another_marketplace_is_404(client, staff, db):
    MarketplaceFactory(slug="shopmart")
    other = OfferFactory()
    db.session.commit()

    assert client.get(f"{STAFF}/shopmart/offers/{other.id}/edit").status_code == 404


# --- exchange rates -------------------------------------------------------------------------


def test_staff_change_an_exchange_rate_and_the_estimate_uses_it(client, staff, loaded, db):
    usd = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == "USD"))

    response = client.post_form(
        f"{STAFF}/exchange-rates/USD/edit",
        {
            "version": usd.version,
            "currency": "USD",
            "units_per_gbp": "1.25",
            "source": "HMRC monthly rates",
            "as_of": ["1", "1", "2027"],
        },
    )

    assert response.status_code == 302
    db.session.expire_all()
    usd = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == "USD"))
    assert usd.units_per_gbp == Decimal("1.25")
    assert usd.updated_by_id == staff.id
    # Amazon USA: USD 39.00 a month / 1.25 = £31.20.
    page = client.get(
        "/selling-online-overseas/cost-estimate?monthly_sales=100&listings=1&slug=amazon-usa"
    ).get_data(as_text=True)
    assert "USD 39.00 a month at 1.25 USD to £1" in page
    assert "£31.20" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"currency": "USX", "units_per_gbp": "1.2"}, "Enter a 3-letter ISO 4217 currency code"),
        ({"currency": "CHF", "units_per_gbp": "0"}, "Enter a rate greater than 0"),
        ({"currency": "CHF", "units_per_gbp": "-1"}, "Enter a rate greater than 0"),
        ({"currency": "CHF", "units_per_gbp": "abc"}, "Enter the rate as a number, like 1.25"),
        ({"currency": "GBP", "units_per_gbp": "1"}, "Pounds are the base currency"),
        ({"currency": "USD", "units_per_gbp": "1.3"}, "There is already a rate for USD"),
    ],
)
def test_exchange_rate_validation(client, staff, db, data, message):
    db.session.add(ExchangeRate(currency="USD", units_per_gbp=Decimal("1.2"), source="seed"))
    db.session.commit()
    form = {"source": "HMRC", "as_of": ["", "", ""], "version": ""}
    form.update(data)

    response = client.post_form(f"{STAFF}/exchange-rates/new", form)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_new_exchange_rate_is_added(client, staff, db):
    client.post_form(
        f"{STAFF}/exchange-rates/new",
        {
            "currency": "chf",
            "units_per_gbp": "1.1234",
            "source": "HMRC",
            "as_of": ["31", "1", "2027"],
            "version": "",
        },
    )

    rate = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == "CHF"))
    assert rate.units_per_gbp == Decimal("1.1234")
    assert "CHF" in client.get(f"{STAFF}/exchange-rates").get_data(as_text=True)


def test_edit_pages_show_the_current_values(client, staff, loaded, db):
    rakuten = db.session.scalar(select(Marketplace).where(Marketplace.slug == "rakuten"))
    offer = db.session.scalar(select(Offer).join(Marketplace).where(Marketplace.slug == "etsy"))

    page = client.get(f"{STAFF}/rakuten/edit").get_data(as_text=True)
    offer_page = client.get(f"{STAFF}/etsy/offers/{offer.id}/edit").get_data(as_text=True)
    rate_page = client.get(f"{STAFF}/exchange-rates/JPY/edit").get_data(as_text=True)
    listing = client.get(f"{STAFF}/").get_data(as_text=True)

    assert f'name="version" type="hidden" value="{rakuten.version}"' in page
    assert 'value="19500.00"' in page and 'value="JPY"' in page
    assert 'value="GBP, JPY"' in page
    assert "20 free listings for approved UK sellers new to Etsy" in offer_page
    assert 'value="141.800000"' in rate_page
    assert listing.count("govuk-tag--green") >= 37


def test_unpublishing_a_live_marketplace_asks_for_confirmation_first(client, staff, db):
    market = MarketplaceFactory(slug="shopmart", name="Shopmart")
    db.session.commit()

    asked = client.post_form(f"{STAFF}/shopmart/unpublish", {"version": market.version})
    html = asked.get_data(as_text=True)

    assert asked.status_code == 200
    assert "Are you sure you want to unpublish Shopmart?" in html
    assert 'name="confirmed" value="yes"' in html and 'name="csrf_token"' in html
    assert client.get("/selling-online-overseas/shopmart").status_code == 200
    no_csrf = client.post(
        f"{STAFF}/shopmart/unpublish", data={"version": market.version, "confirmed": "yes"}
    )
    assert no_csrf.status_code == 400
    assert client.get("/selling-online-overseas/shopmart").status_code == 200


def test_unpublishing_a_live_offer_asks_for_confirmation_first(client, staff, db):
    offer = OfferFactory(marketplace=MarketplaceFactory(slug="shopmart"), summary="Half fees")
    db.session.commit()

    asked = client.post_form(
        f"{STAFF}/shopmart/offers/{offer.id}/unpublish", {"version": offer.version}
    )

    assert "Are you sure you want to unpublish the offer “Half fees”" in asked.get_data(
        as_text=True
    )
    assert "Half fees" in client.get("/selling-online-overseas/shopmart").get_data(as_text=True)
