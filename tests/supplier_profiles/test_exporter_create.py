"""Creating a company profile, through the HTTP routes, with the fake Companies House."""

from __future__ import annotations

from sqlalchemy import func, select

from supplier_profiles.models import Company, CompanyMember, MemberRole


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_registered_company_is_looked_up_confirmed_and_created(
    client, signed_in, db, companies_house
):
    user = signed_in("exporter")
    companies_house.add("01234567", "SHEFFIELD STEEL WORKS LIMITED", sic_codes=["24100"])
    page = client.post_form(
        "/profile/create", {"company_type": "COMPANIES_HOUSE", "number": "1234567"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Is this your business?" in html
    assert "SHEFFIELD STEEL WORKS LIMITED" in html and "S3 8EN" in html
    assert "Metals, minerals and materials" in html  # suggested from SIC 24100
    assert _count(db, Company) == 0  # nothing stored until confirmed

    done = client.post_form("/profile/create/confirm", {"number": "01234567"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/profile/edit")
    company = db.session.scalar(select(Company))
    assert company.name == "SHEFFIELD STEEL WORKS LIMITED"
    assert company.number == "01234567"
    assert company.company_type == "COMPANIES_HOUSE"
    assert company.locality == "Sheffield" and company.postal_code == "S3 8EN"
    assert company.sic_codes == ["24100"]
    assert company.industries == ["METALS_MINERALS_AND_MATERIALS"]
    assert company.date_of_creation.isoformat() == "2009-03-17"
    assert len(company.verification_code) == 12 and company.verification_code.isalpha()
    member = db.session.scalar(select(CompanyMember))
    assert (member.user_id, member.role) == (user.id, MemberRole.OWNER)
    assert not company.is_verified and not company.published
    # What Companies House said, and when, is kept for the profile and the re-check (#14).
    assert company.companies_house_status == "active"
    assert company.companies_house_checked_at is not None
    assert company.companies_house_next_check_at > company.companies_house_checked_at


def test_unknown_number_is_shown_next_to_the_field_and_nothing_is_stored(
    client, signed_in, db, companies_house
):
    signed_in("exporter")
    page = client.post_form(
        "/profile/create", {"company_type": "COMPANIES_HOUSE", "number": "09999999"}
    )
    html = page.get_data(as_text=True)
    assert "Companies House has no company with number 09999999" in html
    assert 'id="number-error"' in html
    assert 'value="09999999"' in html  # what was typed is kept
    assert _count(db, Company) == 0


def test_dissolved_company_is_refused_with_the_reason(client, signed_in, db, companies_house):
    signed_in("exporter")
    companies_house.add("01234567", "OLD MILL LIMITED", status="dissolved")
    page = client.post_form(
        "/profile/create", {"company_type": "COMPANIES_HOUSE", "number": "01234567"}
    )
    html = page.get_data(as_text=True)
    assert "OLD MILL LIMITED (01234567) as dissolved" in html
    assert "Is this your business?" not in html
    # Posting the confirmation directly is refused too: the number is looked up again.
    again = client.post_form("/profile/create/confirm", {"number": "01234567"})
    assert "as dissolved" in again.get_data(as_text=True)
    assert _count(db, Company) == 0 and _count(db, CompanyMember) == 0


def test_timeout_tells_the_user_stores_nothing_and_a_retry_works(
    client, signed_in, db, companies_house
):
    signed_in("exporter")
    companies_house.add("01234567", "SLOW LIMITED")
    companies_house.sleep["01234567"] = 3.0  # longer than COMPANIES_HOUSE_TIMEOUT (2s)
    page = client.post_form(
        "/profile/create", {"company_type": "COMPANIES_HOUSE", "number": "01234567"}
    )
    assert "Companies House did not answer in time" in page.get_data(as_text=True)
    assert _count(db, Company) == 0

    companies_house.sleep.clear()
    retry = client.post_form(
        "/profile/create", {"company_type": "COMPANIES_HOUSE", "number": "01234567"}
    )
    assert "Is this your business?" in retry.get_data(as_text=True)


def test_server_errors_are_retried_then_explained_and_nothing_is_stored(
    client, signed_in, db, companies_house
):
    signed_in("exporter")
    companies_house.add("01234567", "DOWN LIMITED")
    companies_house.fail["01234567"] = [503, 503, 503]
    page = client.post_form(
        "/profile/create", {"company_type": "COMPANIES_HOUSE", "number": "01234567"}
    )
    html = page.get_data(as_text=True)
    assert "Companies House answered with an error (HTTP 503)" in html
    assert companies_house.calls("01234567") == 3  # first try + 2 retries
    assert _count(db, Company) == 0


def test_lookup_failure_at_confirmation_stores_nothing(client, signed_in, db, companies_house):
    signed_in("exporter")
    companies_house.add("01234567", "FLAKY LIMITED")
    companies_house.fail["01234567"] = [500, 500, 500]
    page = client.post_form("/profile/create/confirm", {"number": "01234567"})
    assert "HTTP 500" in page.get_data(as_text=True)
    assert _count(db, Company) == 0 and _count(db, CompanyMember) == 0


def test_business_without_a_number_is_created_from_its_name(client, signed_in, db):
    user = signed_in("exporter")
    response = client.post_form(
        "/profile/create", {"company_type": "PARTNERSHIP", "name": "  Hebden   Weavers "}
    )
    assert response.status_code == 302
    company = db.session.scalar(select(Company))
    assert company.name == "Hebden Weavers"
    assert company.number is None and company.company_type == "PARTNERSHIP"
    assert company.slug == "hebden-weavers"
    assert company.members[0].user_id == user.id


def test_same_name_gets_a_different_slug(client, signed_in, db, make_user):
    from tests.factories import CompanyFactory

    CompanyFactory(name="Hebden Weavers", slug="hebden-weavers")
    db.session.commit()
    signed_in("exporter")
    client.post_form("/profile/create", {"company_type": "SOLE_TRADER", "name": "Hebden Weavers"})
    slugs = set(db.session.scalars(select(Company.slug)))
    assert slugs == {"hebden-weavers", "hebden-weavers-2"}


def test_form_errors_show_next_to_each_field(client, signed_in, db):
    signed_in("exporter")
    html = client.post_form("/profile/create", {}).get_data(as_text=True)
    assert "Select what kind of business it is" in html
    html = client.post_form("/profile/create", {"company_type": "COMPANIES_HOUSE"}).get_data(
        as_text=True
    )
    assert "Enter the Companies House number" in html
    html = client.post_form(
        "/profile/create", {"company_type": "COMPANIES_HOUSE", "number": "12AB"}
    ).get_data(as_text=True)
    assert "Enter a Companies House number in the correct format" in html
    html = client.post_form("/profile/create", {"company_type": "CHARITY"}).get_data(as_text=True)
    assert "Enter the business name" in html
    assert _count(db, Company) == 0


def test_number_already_on_tradehub_is_refused(client, signed_in, db, companies_house):
    from tests.factories import CompanyFactory

    CompanyFactory(number="01234567", company_type="COMPANIES_HOUSE")
    db.session.commit()
    companies_house.add("01234567", "TAKEN LIMITED")
    signed_in("exporter")
    page = client.post_form("/profile/create/confirm", {"number": "01234567"})
    assert "already has a profile on TradeHub" in page.get_data(as_text=True)
    assert _count(db, Company) == 1


def test_a_member_cannot_create_a_second_company(client, exporter):
    response = client.get("/profile/create")
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile/")


def test_only_exporters_reach_the_profile_pages(client, signed_in):
    assert client.get("/profile/create").status_code == 302  # anonymous: sign in first
    signed_in("buyer")
    assert client.get("/profile/create").status_code == 403


def test_account_page_links_to_the_profile_pages(client, signed_in, db):
    from tests.factories import CompanyFactory

    user = signed_in("exporter")
    assert "Create your company profile" in client.get("/account/").get_data(as_text=True)
    CompanyFactory(owner=user, name="Linked Co")
    db.session.commit()
    html = client.get("/account/").get_data(as_text=True)
    assert "Manage the profile of Linked Co" in html and "Enquiries from buyers (0 new)" in html
    overview = client.get("/profile/").get_data(as_text=True)
    assert "Linked Co" in overview and "Before you can publish" in overview


def test_staff_home_lists_the_supplier_profiles_section(client, signed_in):
    signed_in("staff")
    html = client.get("/staff/").get_data(as_text=True)
    assert "Supplier profiles" in html and "/staff/suppliers/" in html
    assert "Verify and moderate supplier profiles" in client.get("/account/").get_data(as_text=True)


def test_a_company_registered_outside_the_uk_gets_a_clear_refusal_page(
    client, signed_in, db, companies_house
):
    signed_in("exporter")
    companies_house.add(
        "FC034567",
        "MAISON DUPONT SA",
        type="oversea-company",
        registered_office_address={"address_line_1": "12 Rue de Rivoli", "country": "France"},
    )
    page = client.post_form(
        "/profile/create", {"company_type": "COMPANIES_HOUSE", "number": "FC034567"}
    )
    html = page.get_data(as_text=True)
    assert "MAISON DUPONT SA is registered outside the UK" in html
    assert "Is this your business?" not in html
    # Posting the confirmation directly is refused too.
    again = client.post_form("/profile/create/confirm", {"number": "FC034567"})
    assert "registered outside the UK" in again.get_data(as_text=True)
    assert _count(db, Company) == 0


def test_i_cannot_find_my_business_offers_the_other_kinds_of_business(client, signed_in, db):
    signed_in("exporter")
    create = client.get("/profile/create").get_data(as_text=True)
    assert 'href="/profile/create/cannot-find">I cannot find my business</a>' in create
    html = client.get("/profile/create/cannot-find").get_data(as_text=True)
    for label in ("Sole trader", "Partnership", "Charity"):
        assert f">{label}</a>" in html
    assert "registered in another country" in html
    chosen = client.get("/profile/create?type=CHARITY").get_data(as_text=True)
    assert 'value="CHARITY" checked' in chosen
    done = client.post_form("/profile/create", {"company_type": "CHARITY", "name": "Kind Hands"})
    assert done.status_code == 302
    assert db.session.scalar(select(Company.company_type)) == "CHARITY"
