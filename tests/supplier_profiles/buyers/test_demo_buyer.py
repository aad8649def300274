"""`flask demo seed` adds one demo buyer with a saved search and an open buying request that
two demo suppliers answered, and a rerun leaves them as they are."""

from __future__ import annotations

from sqlalchemy import func, select

from supplier_profiles.buyers.demo import DEMO_BUYER_EMAIL
from supplier_profiles.buyers.models import BuyingRequest, RequestStatus, SavedSearch
from tests.conftest import sign_in
from tradehub.accounts.models import Role, User
from tradehub.dates import uk_today


def test_demo_seed_adds_a_buyer_with_a_saved_search_and_an_answered_request(runner, db, client):
    result = runner.invoke(
        args=["demo", "seed", "--suppliers", "60", "--buyer-password", "demo buyer pass 1"]
    )
    assert result.exit_code == 0, result.output
    assert f"Demo buyer {DEMO_BUYER_EMAIL} created" in result.output
    buyer = db.session.scalar(select(User).where(User.email == DEMO_BUYER_EMAIL))
    assert buyer.role is Role.BUYER and buyer.email_confirmed
    [saved] = db.session.scalars(select(SavedSearch)).all()
    assert saved.user_id == buyer.id and saved.filters == {"industry": ["FOOD_AND_DRINK"]}
    [request] = db.session.scalars(select(BuyingRequest)).all()
    assert request.buyer_id == buyer.id and request.is_open_on(uk_today())
    assert request.status is RequestStatus.OPEN
    assert len(request.responses) == 2

    sign_in(client, DEMO_BUYER_EMAIL, "demo buyer pass 1")
    page = client.get(f"/account/buying-requests/{request.id}").get_data(as_text=True)
    assert "Responses (2)" in page
    assert "Food and drink suppliers" in client.get("/account/saved-searches").get_data(
        as_text=True
    )

    result = runner.invoke(args=["demo", "seed", "--suppliers", "60"])
    assert f"Demo buyer {DEMO_BUYER_EMAIL} already there." in result.output
    assert db.session.scalar(select(func.count()).select_from(BuyingRequest)) == 1
