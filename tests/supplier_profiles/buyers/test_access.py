"""Who may open each new route: the role × route matrix, and ownership (another buyer's
request or saved search, another company's request or response) answered 404."""

from __future__ import annotations

import pytest

from supplier_profiles.buyers.models import BuyingRequestMatch, SavedSearch, ShortlistEntry
from supplier_profiles.models import CompanyMember, MemberRole
from tests.conftest import sign_in
from tests.factories import (
    BuyerFactory,
    BuyingRequestFactory,
    BuyingRequestResponseFactory,
    UserFactory,
)
from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub.accounts.models import Role

BUYER_PAGES = [
    "/account/shortlist",
    "/account/saved-searches",
    "/account/saved-searches/new?q=cheese",
    "/account/buying-requests",
]
STAFF_PAGES = ["/staff/buying-requests"]
SUPPLIER_PAGES = ["/profile/buying-requests", "/profile/buying-requests/settings"]

# role -> (buyer pages, staff pages, supplier pages) status for a GET
MATRIX = {
    None: (302, 302, 302),
    "buyer": (200, 403, 403),
    "exporter": (200, 403, 200),
    "staff": (403, 200, 403),
    "partner": (403, 403, 403),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_role_by_route_matrix(client, db, make_user, role):
    if role is not None:
        user = make_user(role=Role(role))
        if role == "exporter":
            company = make_company(index=False)
            company.members.append(CompanyMember(user_id=user.id, role=MemberRole.OWNER))
            db.session.commit()
        sign_in(client, user)
    buyer_status, staff_status, supplier_status = MATRIX[role]
    for url in BUYER_PAGES:
        assert client.get(url).status_code == buyer_status, url
    for url in STAFF_PAGES:
        assert client.get(url).status_code == staff_status, url
    for url in SUPPLIER_PAGES:
        assert client.get(url).status_code == supplier_status, url


@pytest.fixture
def world(db):
    """Two buyers, two supplier companies; Ana's request is offered to Alpha only."""
    ana, ben = BuyerFactory(email="ana@buyer.example"), BuyerFactory(email="ben@buyer.example")
    alpha = make_company(name="Alpha Foods", slug="alpha-foods", index=False)
    beta = make_company(name="Beta Foods", slug="beta-foods", index=False)
    alpha_owner = UserFactory(email="owner@alpha.example")
    beta_owner = UserFactory(email="owner@beta.example")
    db.session.flush()
    alpha.members.append(CompanyMember(user_id=alpha_owner.id, role=MemberRole.OWNER))
    beta.members.append(CompanyMember(user_id=beta_owner.id, role=MemberRole.OWNER))
    anas = BuyingRequestFactory(buyer=ana)
    bens = BuyingRequestFactory(buyer=ben)
    db.session.flush()
    db.session.add(BuyingRequestMatch(request_id=anas.id, company_id=alpha.id))
    db.session.add(BuyingRequestMatch(request_id=bens.id, company_id=beta.id))
    anas_response = BuyingRequestResponseFactory(request=anas, company=alpha)
    bens_response = BuyingRequestResponseFactory(request=bens, company=beta)
    saved = SavedSearch(user_id=ben.id, name="Ben's", query_text="x", filters={})
    db.session.add(saved)
    db.session.add(ShortlistEntry(user_id=ben.id, company_id=beta.id))
    db.session.commit()
    return {
        "ana": ana,
        "anas": anas,
        "bens": bens,
        "anas_response": anas_response,
        "bens_response": bens_response,
        "saved": saved,
    }


def test_another_buyers_request_response_and_saved_search_are_404(client, world):
    sign_in(client, world["ana"])
    bens, anas = world["bens"].id, world["anas"].id
    assert client.get(f"/account/buying-requests/{anas}").status_code == 200
    assert client.get(f"/account/buying-requests/{bens}").status_code == 404
    assert client.post_form(f"/account/buying-requests/{bens}/close").status_code == 404
    other_response = world["bens_response"].id
    # Ben's response id under Ana's own request, and under Ben's request: both 404.
    for request_id in (anas, bens):
        url = f"/account/buying-requests/{request_id}/responses/{other_response}/reply"
        assert client.post_form(url, {f"r{other_response}-message": "Hi"}).status_code == 404
    saved = world["saved"].id
    assert client.post_form(f"/account/saved-searches/{saved}/delete").status_code == 404
    assert client.get("/account/buying-requests/999999").status_code == 404


def test_a_request_not_offered_to_the_company_is_404_for_its_members(app, world):
    alpha = app.test_client()
    sign_in(alpha, "owner@alpha.example")
    anas, bens = world["anas"].id, world["bens"].id
    assert alpha.get(f"/profile/buying-requests/{anas}").status_code == 200
    # Ben's request (and Beta's response to it) belong to another company.
    assert alpha.get(f"/profile/buying-requests/{bens}").status_code == 404
    assert alpha.post_form(f"/profile/buying-requests/{bens}", {"message": "Me"}).status_code == 404
    page = alpha.get("/profile/buying-requests").get_data(as_text=True)
    assert page.count("Farmhouse cheddar for delicatessens") == 1


def test_staff_moderation_posts_refused_to_buyers_and_suppliers(app, client, world):
    sign_in(client, world["ana"])
    anas = world["anas"].id
    assert client.post_form(f"/staff/buying-requests/{anas}/approve").status_code == 403
    assert (
        client.post_form(f"/staff/buying-requests/{anas}/reject", {"reason": "x"}).status_code
        == 403
    )
    anonymous = app.test_client()
    assert anonymous.get("/alerts/unsubscribe/not-a-token").status_code == 404
    assert anonymous.get(f"/account/buying-requests/{anas}").status_code == 302


@pytest.mark.parametrize("lang", ["fr", "zh-Hans", "ar"])
def test_buyer_pages_render_in_other_languages(client, world, lang):
    sign_in(client, world["ana"])
    anas = world["anas"].id
    for url in [*BUYER_PAGES, f"/account/buying-requests/{anas}", "/account/buying-requests/new"]:
        joiner = "&" if "?" in url else "?"
        response = client.get(f"{url}{joiner}lang={lang}")
        assert response.status_code == 200, (url, lang)
