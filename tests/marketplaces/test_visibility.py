"""Expired or unpublished offers and unpublished marketplaces never show anywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplaces.models import Marketplace, MarketplaceState, Offer, OfferState
from tests.factories import MarketplaceFactory, OfferFactory
from tradehub.dates import uk_today

BASE = "/selling-online-overseas"


@pytest.fixture
def catalogue(db):
    """A live marketplace with a live offer, an expired offer, a draft offer, an unpublished
    offer and a future offer; plus a draft and an unpublished marketplace, each with an offer."""
    today = uk_today()
    live = MarketplaceFactory(name="Livemart", slug="livemart")
    OfferFactory(marketplace=live, summary="LIVE-OFFER 10% off", valid_until=today)
    OfferFactory(
        marketplace=live,
        summary="EXPIRED-OFFER",
        valid_from=today - timedelta(days=30),
        valid_until=today - timedelta(days=1),
    )
    OfferFactory(marketplace=live, summary="DRAFT-OFFER", state=OfferState.DRAFT)
    OfferFactory(marketplace=live, summary="UNPUBLISHED-OFFER", state=OfferState.UNPUBLISHED)
    OfferFactory(marketplace=live, summary="FUTURE-OFFER", valid_from=today + timedelta(days=1))
    hidden = MarketplaceFactory(
        name="Hiddenmart", slug="hiddenmart", state=MarketplaceState.UNPUBLISHED
    )
    OfferFactory(marketplace=hidden, summary="HIDDEN-MARKET-OFFER")
    draft = MarketplaceFactory(
        name="Draftmart", slug="draftmart", state=MarketplaceState.DRAFT, published_at=None
    )
    OfferFactory(marketplace=draft, summary="DRAFT-MARKET-OFFER")
    db.session.commit()


HIDDEN = [
    "EXPIRED-OFFER",
    "DRAFT-OFFER",
    "UNPUBLISHED-OFFER",
    "FUTURE-OFFER",
    "HIDDEN-MARKET-OFFER",
    "DRAFT-MARKET-OFFER",
    "Hiddenmart",
    "Draftmart",
]


def _assert_hidden(body: str) -> None:
    for marker in HIDDEN:
        assert marker not in body, marker


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/",
        f"{BASE}/find",
        f"{BASE}/find?uk_offer=y",
        f"{BASE}/livemart",
        f"{BASE}/compare?slug=livemart&slug=hiddenmart&slug=draftmart",
        f"{BASE}/cost-estimate?monthly_sales=1000&listings=10",
        f"{BASE}/cost-estimate?monthly_sales=1000&listings=10&slug=livemart",
        "/api/v1/marketplaces",
        "/api/v1/marketplaces?uk_offer=true",
        "/api/v1/marketplaces/livemart",
    ],
)
def test_only_live_offers_of_published_marketplaces_show(client, catalogue, path):
    response = client.get(path)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    _assert_hidden(body)


def test_live_offer_shows_until_its_last_day(client, catalogue):
    page = client.get(f"{BASE}/livemart").get_data(as_text=True)
    api = client.get("/api/v1/marketplaces/livemart").get_json()

    assert "LIVE-OFFER 10% off" in page
    assert [o["summary"] for o in api["uk_offers"]] == ["LIVE-OFFER 10% off"]
    assert api["uk_offers"][0]["valid_until"] == uk_today().isoformat()


@pytest.mark.parametrize("slug", ["hiddenmart", "draftmart"])
def test_unpublished_and_draft_marketplaces_are_404(client, catalogue, slug):
    assert client.get(f"{BASE}/{slug}").status_code == 404
    response = client.get(f"/api/v1/marketplaces/{slug}")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_has_uk_offer_filter_ignores_expired_offers(client, db):
    today = uk_today()
    expired_only = MarketplaceFactory(name="Oldoffers")
    OfferFactory(marketplace=expired_only, valid_until=today - timedelta(days=1))
    db.session.commit()

    assert client.get("/api/v1/marketplaces?uk_offer=true").get_json()["total"] == 0
    assert client.get("/api/v1/marketplaces").get_json()["total"] == 1
    assert "No marketplaces match" in client.get(f"{BASE}/find?uk_offer=y").get_data(as_text=True)


def test_compare_silently_leaves_out_unpublished_marketplaces(client, catalogue):
    body = client.get(f"{BASE}/compare?slug=hiddenmart&slug=livemart").get_data(as_text=True)

    assert "Livemart" in body
    assert "Hiddenmart" not in body


def test_the_live_rule_is_the_same_in_python_and_in_sql(db, catalogue):
    today = uk_today()
    offers = db.session.scalars(select(Offer)).all()
    in_sql = set(db.session.scalars(select(Offer.summary).where(Offer.is_live(today))))

    assert in_sql == {o.summary for o in offers if o.is_live(today)}
    # Liveness is about the offer alone; the marketplace being published is a second rule.
    assert in_sql == {"LIVE-OFFER 10% off", "HIDDEN-MARKET-OFFER", "DRAFT-MARKET-OFFER"}
    published = set(db.session.scalars(select(Marketplace.slug).where(Marketplace.is_published)))
    assert published == {m.slug for m in db.session.scalars(select(Marketplace)) if m.is_published}
    assert published == {"livemart"}
