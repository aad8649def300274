"""`flask marketplaces load`: the 37 partner marketplaces, their UK offers and seed rates."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select

from marketplaces.loading import MARKETPLACES_FILE
from marketplaces.models import (
    ExchangeRate,
    Marketplace,
    MarketplaceRevision,
    MarketplaceState,
    Offer,
    OfferState,
    RevisionAction,
)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_load_creates_all_37_published_with_their_offers_and_rates(runner, db):
    result = runner.invoke(args=["marketplaces", "load"])

    assert result.exit_code == 0, result.output
    assert "37 in file (data as of 2017-01): 37 created, 0 updated, 0 unchanged" in result.output
    assert _count(db, Marketplace) == 37
    states = set(db.session.scalars(select(Marketplace.state)))
    assert states == {MarketplaceState.PUBLISHED}
    # 14 entries in the file carry a UK offer.
    assert _count(db, Offer) == 14
    assert set(db.session.scalars(select(Offer.state))) == {OfferState.PUBLISHED}
    usd = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == "USD"))
    assert usd.units_per_gbp > 0
    assert "2017-01-31" in usd.source


def test_load_maps_every_fact_of_rakuten(runner, db):
    runner.invoke(args=["marketplaces", "load"])

    rakuten = db.session.scalar(select(Marketplace).where(Marketplace.slug == "rakuten"))
    assert rakuten.name == "Rakuten"
    assert rakuten.countries == ["JP"]
    assert rakuten.is_global is False
    assert rakuten.commission_low_percent == Decimal("8.00")
    assert rakuten.commission_high_percent == Decimal("12.00")
    assert rakuten.commission_basis == "category_dependent"
    assert (rakuten.registration_fee_amount, rakuten.registration_fee_currency) == (
        Decimal("60000.00"),
        "JPY",
    )
    assert (
        rakuten.membership_fee_amount,
        rakuten.membership_fee_currency,
        rakuten.membership_fee_frequency,
    ) == (Decimal("19500.00"), "JPY", "monthly")
    assert rakuten.payment_days == 15
    assert rakuten.payout_currencies == ["GBP", "JPY"]
    assert rakuten.registered_users_millions == Decimal("105.00")
    assert rakuten.setup_requirements == ["local_returns_address"]
    assert rakuten.translation_required_for == ["product_content"]
    assert rakuten.famous_brands == ["New Balance"]
    assert rakuten.shipping_tracking_required is True


def test_marketplaces_marked_global_match_every_country(runner, db):
    runner.invoke(args=["marketplaces", "load"])

    global_slugs = set(db.session.scalars(select(Marketplace.slug).where(Marketplace.is_global)))
    assert global_slugs == {"ebay", "etsy"}


def test_rerun_updates_without_duplicating(runner, db, tmp_path):
    runner.invoke(args=["marketplaces", "load"])
    data = json.loads(MARKETPLACES_FILE.read_text(encoding="utf-8"))
    for entry in data["marketplaces"]:
        if entry["slug"] == "rakuten":
            entry["payment_days"] = 20
            entry["uk_offer"] = {"kind": "fee_waiver", "summary": "Registration fee waived"}
        if entry["slug"] == "etsy":
            entry["uk_offer"] = None
    changed = tmp_path / "marketplaces.json"
    changed.write_text(json.dumps(data), encoding="utf-8")

    result = runner.invoke(args=["marketplaces", "load", str(changed)])

    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated, 36 unchanged" in result.output
    assert "UK offers: 1 created, 0 updated, 1 withdrawn" in result.output
    assert _count(db, Marketplace) == 37
    rakuten = db.session.scalar(select(Marketplace).where(Marketplace.slug == "rakuten"))
    assert rakuten.payment_days == 20
    revision = db.session.scalar(
        select(MarketplaceRevision)
        .where(MarketplaceRevision.marketplace_id == rakuten.id)
        .order_by(MarketplaceRevision.id.desc())
    )
    assert revision.action == RevisionAction.LOADED
    assert revision.changes == {"payment_days": {"from": 15, "to": 20}}
    etsy_offer = db.session.scalar(
        select(Offer).join(Marketplace).where(Marketplace.slug == "etsy")
    )
    assert etsy_offer.state == OfferState.UNPUBLISHED


def test_load_refuses_a_file_with_a_bad_country_code(runner, db, tmp_path):
    data = json.loads(MARKETPLACES_FILE.read_text(encoding="utf-8"))
    data["marketplaces"][0]["countries"] = ["XX"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")

    result = runner.invoke(args=["marketplaces", "load", str(bad)])

    assert result.exit_code != 0
    assert "allegro: countries: XX is not an ISO 3166 country code" in result.output
    assert _count(db, Marketplace) == 0


def test_load_keeps_exchange_rates_staff_have_changed(runner, db):
    db.session.add(ExchangeRate(currency="USD", units_per_gbp=Decimal("1.25"), source="staff"))
    db.session.commit()

    result = runner.invoke(args=["marketplaces", "load"])

    assert "11 added, 1 already set (kept)" in result.output
    usd = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == "USD"))
    assert usd.units_per_gbp == Decimal("1.25")


def test_rerun_keeps_what_staff_unpublished_hidden(runner, db):
    runner.invoke(args=["marketplaces", "load"])
    otto = db.session.scalar(select(Marketplace).where(Marketplace.slug == "otto"))
    otto.state = MarketplaceState.UNPUBLISHED
    etsy_offer = db.session.scalar(
        select(Offer).join(Marketplace).where(Marketplace.slug == "etsy")
    )
    etsy_offer.state = OfferState.UNPUBLISHED
    db.session.commit()

    result = runner.invoke(args=["marketplaces", "load"])

    assert "Kept unpublished (staff unpublished them): otto" in result.output
    db.session.expire_all()
    assert db.session.get(Marketplace, otto.id).state == MarketplaceState.UNPUBLISHED
    assert db.session.get(Offer, etsy_offer.id).state == OfferState.UNPUBLISHED
