"""The shortlist (with and without JavaScript's JSON answer, notes, no "contact all"), saved
searches and their alerts: each supplier sent once per saved search, nothing sent when nothing
is new, a digest with a signed one-click unsubscribe link and List-Unsubscribe headers, and
unsubscribing without signing in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from supplier_profiles.buyers import saved_searches as saved_services
from supplier_profiles.buyers.models import (
    AlertFrequency,
    SavedSearch,
    SavedSearchSeen,
    ShortlistEntry,
)
from tests.conftest import sign_in
from tests.factories import BuyerFactory
from tests.supplier_profiles.buyer_fixtures import make_company, reindex
from tradehub.db_types import utcnow
from tradehub.mail import OutboxEmail


@pytest.fixture
def buyer(db):
    user = BuyerFactory(email="mei@importer.example", full_name="Mei Tanaka")
    db.session.commit()
    return user


@pytest.fixture
def cheese(db):
    return make_company(
        name="Cheddar Gorge Creamery",
        slug="cheddar-gorge-creamery",
        summary="Award-winning farmhouse cheese for delicatessens.",
        industries=["FOOD_AND_DRINK"],
    )


# --- shortlist -----------------------------------------------------------------------------------


def test_shortlist_add_note_and_remove_without_javascript(client, db, buyer, cheese):
    sign_in(client, buyer)
    page = client.get("/suppliers/cheddar-gorge-creamery").get_data(as_text=True)
    assert "Add to shortlist" in page

    response = client.post_form(
        "/account/shortlist/cheddar-gorge-creamery",
        {"next": "/suppliers/cheddar-gorge-creamery"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/suppliers/cheddar-gorge-creamery"
    assert "Remove from shortlist" in client.get("/suppliers/cheddar-gorge-creamery").get_data(
        as_text=True
    )
    # Adding twice keeps one entry.
    client.post_form("/account/shortlist/cheddar-gorge-creamery")
    assert db.session.scalar(select(func.count()).select_from(ShortlistEntry)) == 1

    page = client.get("/account/shortlist").get_data(as_text=True)
    assert "Cheddar Gorge Creamery" in page
    assert "Contact all" not in page and "contact all" not in page
    entry = db.session.scalar(select(ShortlistEntry))
    response = client.post_form(
        f"/account/shortlist/notes/{entry.id}", {f"e{entry.id}-note": "Ask about 2 kg truckles"}
    )
    assert response.status_code == 302
    assert "Ask about 2 kg truckles" in client.get("/account/shortlist").get_data(as_text=True)

    response = client.post_form(
        f"/account/shortlist/notes/{entry.id}", {f"e{entry.id}-note": "x" * 501}
    )
    assert response.status_code == 400
    assert "Your note must be 500 characters or fewer" in response.get_data(as_text=True)

    client.post_form("/account/shortlist/cheddar-gorge-creamery/remove")
    assert db.session.scalar(select(func.count()).select_from(ShortlistEntry)) == 0
    assert "Your shortlist is empty" in client.get("/account/shortlist").get_data(as_text=True)


def test_shortlist_answers_json_for_the_pages_script(client, db, buyer, cheese):
    sign_in(client, buyer)
    headers = {"Accept": "application/json"}
    response = client.post_form("/account/shortlist/cheddar-gorge-creamery", headers=headers)
    assert response.status_code == 200
    assert response.json == {"shortlisted": True, "company": "cheddar-gorge-creamery"}
    response = client.post_form("/account/shortlist/cheddar-gorge-creamery/remove", headers=headers)
    assert response.json == {"shortlisted": False, "company": "cheddar-gorge-creamery"}


def test_results_page_offers_shortlist_buttons_and_save_search_to_buyers_only(
    client, db, buyer, cheese
):
    anonymous = client.get("/find-a-supplier?q=cheese").get_data(as_text=True)
    assert "Add to shortlist" not in anonymous and "Save this search" not in anonymous
    sign_in(client, buyer)
    page = client.get("/find-a-supplier?q=cheese").get_data(as_text=True)
    assert 'form="shortlist-' in page
    assert "/account/saved-searches/new?q=cheese" in page


def test_shortlist_refuses_csrf_less_posts_and_unpublished_suppliers(client, db, buyer, cheese):
    sign_in(client, buyer)
    assert client.post("/account/shortlist/cheddar-gorge-creamery").status_code == 400
    cheese.published = False
    db.session.commit()
    assert client.post_form("/account/shortlist/cheddar-gorge-creamery").status_code == 404


def test_note_on_another_buyers_shortlist_is_404(client, db, buyer, cheese):
    other = BuyerFactory()
    db.session.flush()
    entry = ShortlistEntry(user_id=other.id, company_id=cheese.id)
    db.session.add(entry)
    db.session.commit()
    sign_in(client, buyer)
    response = client.post_form(f"/account/shortlist/notes/{entry.id}", {f"e{entry.id}-note": "x"})
    assert response.status_code == 404


# --- saved searches and alerts ------------------------------------------------------------------


def save(client, query: str, name: str = "Cheese", frequency: str = "daily"):
    return client.post_form(
        f"/account/saved-searches/new?{query}", {"name": name, "frequency": frequency}
    )


def make_due(db) -> None:
    for saved in db.session.scalars(select(SavedSearch)):
        saved.next_attempt_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_save_search_validates_with_messages_beside_the_fields(client, db, buyer):
    sign_in(client, buyer)
    page = client.get("/account/saved-searches/new?q=cheese&industry=FOOD_AND_DRINK")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "‘cheese’" in html and "Food and drink" in html
    response = client.post_form(
        "/account/saved-searches/new?q=cheese", {"name": "", "frequency": "daily"}
    )
    assert response.status_code == 400
    assert "Enter a name for this search" in response.get_data(as_text=True)
    response = client.post_form(
        "/account/saved-searches/new?q=cheese", {"name": "Mine", "frequency": "hourly"}
    )
    assert response.status_code == 400
    assert "Not a valid" not in response.get_data(as_text=True)


def test_alerts_send_each_new_supplier_once_and_nothing_when_nothing_is_new(
    client, db, runner, mailbox, buyer, cheese
):
    sign_in(client, buyer)
    assert save(client, "q=cheese").status_code == 302
    saved = db.session.scalar(select(SavedSearch))
    assert saved.frequency is AlertFrequency.DAILY
    # What the buyer saw when saving is not news.
    assert db.session.scalar(select(SavedSearchSeen.company_id)) == cheese.id

    make_due(db)
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    assert "Saved searches checked: 1, alert emails: 0" in result.output
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0

    stilton = make_company(
        name="Stilton Vale Dairy",
        slug="stilton-vale",
        summary="Blue cheese from Leicestershire.",
        industries=["FOOD_AND_DRINK"],
    )
    make_company(name="Steel Works", slug="steel-works", summary="Steel beams.")
    make_due(db)
    result = runner.invoke(args=["alerts", "send"])
    assert "alert emails: 1" in result.output
    [mail] = mailbox.wait_for("mei@importer.example")
    body = mailbox.body(mail)
    assert "Stilton Vale Dairy" in body
    assert "Cheddar Gorge Creamery" not in body and "Steel Works" not in body
    assert mail["Subject"] == "1 new supplier for ‘Cheese’"
    unsubscribe_url = re.search(r"<(http[^>]+)>", mail["List-Unsubscribe"]).group(1)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in body

    # Nothing new: nothing sent, even when due again.
    mailbox.clear()
    make_due(db)
    result = runner.invoke(args=["alerts", "send"])
    assert "alert emails: 0" in result.output
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 1
    # Not due yet: not even searched.
    result = runner.invoke(args=["alerts", "send"])
    assert "Saved searches checked: 0" in result.output
    assert stilton.id in set(db.session.scalars(select(SavedSearchSeen.company_id)))


def test_unsubscribe_needs_no_sign_in_and_one_click_post_works(
    app, client, db, runner, mailbox, buyer, cheese
):
    sign_in(client, buyer)
    save(client, "q=cheese")
    saved = db.session.scalar(select(SavedSearch))
    token = saved_services.unsubscribe_token(saved)
    anonymous = app.test_client()
    page = anonymous.get(f"/alerts/unsubscribe/{token}")
    assert page.status_code == 200
    assert "Stop emails for ‘Cheese’?" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SavedSearch, saved.id).frequency is AlertFrequency.DAILY  # GET is safe

    # RFC 8058: the mail client posts List-Unsubscribe=One-Click, with no CSRF token.
    response = anonymous.post(
        f"/alerts/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert "You will get no more emails for ‘Cheese’" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SavedSearch, saved.id).frequency is AlertFrequency.OFF

    assert anonymous.get(f"/alerts/unsubscribe/{token}x").status_code == 404
    # An alert that is off is never run.
    make_company(name="Brie Farm", slug="brie-farm", summary="Cheese.")
    make_due(db)
    result = runner.invoke(args=["alerts", "send"])
    assert "Saved searches checked: 0" in result.output


def test_frequency_change_and_delete_only_for_the_owner(client, db, make_user, buyer):
    sign_in(client, buyer)
    save(client, "q=cheese")
    saved = db.session.scalar(select(SavedSearch))
    response = client.post_form(
        f"/account/saved-searches/{saved.id}/frequency", {f"s{saved.id}-frequency": "weekly"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SavedSearch, saved.id).frequency is AlertFrequency.WEEKLY

    other = BuyerFactory()
    db.session.commit()
    client.post_form("/account/sign-out")
    other_client = client.application.test_client()
    sign_in(other_client, other)
    assert other_client.post_form(f"/account/saved-searches/{saved.id}/delete").status_code == 404
    assert (
        other_client.post_form(
            f"/account/saved-searches/{saved.id}/frequency", {f"s{saved.id}-frequency": "off"}
        ).status_code
        == 404
    )
    assert "Cheese" not in other_client.get("/account/saved-searches").get_data(as_text=True)

    sign_in(client, buyer)
    assert client.post_form(f"/account/saved-searches/{saved.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SavedSearch)) == 0


def test_a_supplier_that_newly_matches_after_an_edit_is_alerted_once(
    client, db, runner, mailbox, buyer, cheese
):
    sign_in(client, buyer)
    save(client, "q=truckles")  # nobody matches yet
    assert db.session.scalar(select(func.count()).select_from(SavedSearchSeen)) == 0
    cheese.summary = "Farmhouse cheddar in 2 kg truckles."
    reindex(cheese)
    make_due(db)
    runner.invoke(args=["alerts", "send"])
    [mail] = mailbox.wait_for("mei@importer.example")
    assert "Cheddar Gorge Creamery" in mailbox.body(mail)
    cheese.summary = "Farmhouse cheddar in 2 kg truckles, now waxed."
    reindex(cheese)
    make_due(db)
    result = runner.invoke(args=["alerts", "send"])
    assert "alert emails: 0" in result.output


def test_account_page_links_to_the_buyer_area(client, db, buyer):
    sign_in(client, buyer)
    page = client.get("/account/").get_data(as_text=True)
    for text in ("Your shortlist of suppliers", "Your saved searches", "Your buying requests"):
        assert text in page


def test_shortlist_json_refusals_are_json(client, db, buyer):
    sign_in(client, buyer)
    response = client.post_form(
        "/account/shortlist/no-such-supplier", headers={"Accept": "application/json"}
    )
    assert response.status_code == 404
    assert response.json == {"error": "There is no supplier at this address."}


def test_flask_worker_runs_the_alerts_as_its_buyer_alerts_job(
    client, db, runner, mailbox, buyer, cheese
):
    sign_in(client, buyer)
    save(client, "q=cheese")
    make_company(name="Brie Farm", slug="brie-farm", summary="Soft cheese.")
    make_due(db)
    result = runner.invoke(args=["worker", "--until-idle", "--job", "buyer-alerts"])
    assert result.exit_code == 0, result.output
    [mail] = mailbox.wait_for("mei@importer.example")
    assert "Brie Farm" in mailbox.body(mail)


def test_a_search_saved_in_german_alerts_on_english_profiles_and_links_in_german(
    client, db, runner, mailbox, buyer
):
    """A saved search keeps its language: its alerts search "Möbel" as typed and as the
    English label "furniture" (cross-language search), as the page did, and link back to the
    page in German."""
    oakleaf = make_company(
        name="Oakleaf Interiors",
        slug="oakleaf-interiors",
        summary="Hand-made oak furniture for hotels.",
        industries=["HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS"],
    )
    sign_in(client, buyer)
    assert save(client, "q=M%C3%B6bel&lang=de", name="Möbel").status_code == 302
    saved = db.session.scalar(select(SavedSearch))
    assert saved.language == "de"
    assert set(db.session.scalars(select(SavedSearchSeen.company_id))) == {oakleaf.id}

    make_company(
        name="Cotswold Chairmakers",
        slug="cotswold-chairmakers",
        summary="Upholstered chairs and office furniture.",
        industries=["HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS"],
    )
    make_due(db)
    result = runner.invoke(args=["alerts", "send"])
    assert "alert emails: 1" in result.output, result.output
    [mail] = mailbox.wait_for("mei@importer.example")
    body = mailbox.body(mail)
    assert "Cotswold Chairmakers" in body
    assert "Oakleaf Interiors" not in body
    assert "lang=de" in body


def test_a_search_saved_in_english_keeps_the_words_as_typed(client, db, buyer):
    make_company(name="Oakleaf Interiors", slug="oakleaf-interiors", summary="Oak furniture.")
    sign_in(client, buyer)
    assert save(client, "q=M%C3%B6bel&lang=en", name="Möbel").status_code == 302
    saved = db.session.scalar(select(SavedSearch))

    assert saved.language == "en"
    assert db.session.scalar(select(func.count()).select_from(SavedSearchSeen)) == 0
    assert "lang=" not in saved_services.search_url(saved)
