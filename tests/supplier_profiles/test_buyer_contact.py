"""Contacting a supplier through the form: the enquiry is stored, mailed to the company with
reply-to the buyer and confirmed to the buyer; every refusal (validation, honeypot, fill time,
blocked sender, rate limits) keeps what was typed and shows its message beside the field. Also
the staff screen that manages blocked senders."""

from __future__ import annotations

import html as html_lib
import re
import time

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from supplier_profiles import contact
from supplier_profiles.models import BlockedSender, Enquiry
from tests.conftest import sign_in
from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub import form_defences

TOKEN_RE = re.compile(r'id="form_token" name="form_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    """No waiting in most tests; generous limits unless a test lowers them."""
    app_config["CONTACT_MIN_FILL_SECONDS"] = 0
    app_config["CONTACT_RATE_LIMIT_IP"] = "50 per hour"
    app_config["CONTACT_RATE_LIMIT_SENDER"] = "50 per hour"
    return app_config


@pytest.fixture
def supplier(db):
    return make_company(
        name="Pennine Textiles Ltd",
        slug="pennine-textiles",
        email="orders@pennine-textiles.example",
    )


def form_token(client, slug: str = "pennine-textiles", **kwargs) -> str:
    page = client.get(f"/suppliers/{slug}/contact", **kwargs)
    assert page.status_code == 200
    return html_lib.unescape(TOKEN_RE.search(page.get_data(as_text=True)).group(1))


def enquiry_data(**overrides) -> dict:
    data = {
        "full_name": "Ingrid Larsen",
        "organisation": "Nordic Interiors AS",
        "country": "NO",
        "email": "ingrid@nordic-interiors.example",
        "industry": "HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS",
        "subject": "Wool throws for our spring range",
        "message": "We would like 400 wool throws in three colours by March. Can you quote?",
        "reference": "",
    }
    data.update(overrides)
    return data


def send(
    client,
    token: str | None = None,
    slug: str = "pennine-textiles",
    ip: str = "203.0.113.5",
    **overrides,
):
    data = enquiry_data(**overrides)
    environ = {"REMOTE_ADDR": ip}
    data["form_token"] = (
        token if token is not None else form_token(client, slug, environ_base=environ)
    )
    return client.post_form(f"/suppliers/{slug}/contact", data, environ_base=environ)


def enquiry_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Enquiry))


def error_beside(html: str, field: str) -> str:
    """The error message shown next to a field (GOV.UK puts it in <p id="<field>-error">)."""
    match = re.search(
        rf'<p id="{field}-error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>\s*(.+?)\s*</p>',
        html,
        re.S,
    )
    assert match, f"no error beside {field}"
    return html_lib.unescape(match.group(1))


def assert_kept(html: str, **values) -> None:
    """What the buyer typed is still in the form."""
    data = enquiry_data(**values)
    for field in ("full_name", "organisation", "email", "subject"):
        assert f'value="{html_lib.escape(data[field], quote=True)}"' in html, field
    assert html_lib.escape(data["message"], quote=False) in html
    assert re.search(rf'<option value="{data["country"]}" selected', html)


# --- sending ---------------------------------------------------------------------------------


def test_enquiry_is_stored_mailed_to_the_company_and_confirmed(client, db, supplier, mailbox):
    response = send(client)
    assert response.status_code == 302
    assert response.location == "/suppliers/pennine-textiles/contact/sent"
    assert "Message sent" in client.get(response.location).get_data(as_text=True)

    enquiry = db.session.scalar(select(Enquiry))
    assert enquiry.company_id == supplier.id
    assert enquiry.email == "ingrid@nordic-interiors.example"
    assert enquiry.subject == "Wool throws for our spring range"
    assert enquiry.country == "NO" and enquiry.sender_ip == "203.0.113.5"
    assert enquiry.status.value == "new"

    [to_company] = mailbox.wait_for("orders@pennine-textiles.example")
    assert to_company["Reply-To"] == "ingrid@nordic-interiors.example"
    assert to_company["Subject"] == "Enquiry from TradeHub: Wool throws for our spring range"
    body = mailbox.body(to_company)
    assert "We would like 400 wool throws" in body
    assert "Ingrid Larsen" in body and "Nordic Interiors AS" in body and "Norway" in body
    assert "http://localhost/suppliers/pennine-textiles" in body

    [confirmation] = mailbox.wait_for("ingrid@nordic-interiors.example")
    assert "Pennine Textiles Ltd" in confirmation["Subject"]
    assert "We would like 400 wool throws" in mailbox.body(confirmation)


def test_contact_form_prefills_a_signed_in_buyer(client, signed_in, supplier):
    buyer = signed_in("buyer", full_name="Kenji Sato")
    page = client.get("/suppliers/pennine-textiles/contact").get_data(as_text=True)
    assert 'value="Kenji Sato"' in page and f'value="{buyer.email}"' in page
    assert "Leave this field blank" in page
    assert re.search(r'<div class="th-honeypot" aria-hidden="true">', page)
    assert 'tabindex="-1"' in page


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"full_name": ""}, "full_name", "Enter your full name"),
        ({"organisation": ""}, "organisation", "Enter your organisation name"),
        ({"country": ""}, "country", "Select your country"),
        ({"country": "XX"}, "country", "Choose country from the list"),
        ({"email": ""}, "email", "Enter your email address"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"industry": ""}, "industry", "Select your industry"),
        ({"subject": ""}, "subject", "Enter a subject"),
        ({"subject": "s" * 201}, "subject", "Subject must be 200 characters or fewer"),
        ({"message": ""}, "message", "Enter your message"),
        ({"message": "m" * 1001}, "message", "Your message must be 1,000 characters or fewer"),
        (
            {"full_name": "Visit https://cheap.example"},
            "full_name",
            "must not contain a web address",
        ),
        ({"full_name": "Bob www.spam.example"}, "full_name", "must not contain a web address"),
        ({"full_name": "Bob bob@spam.example"}, "full_name", "must not contain an email address"),
        (
            {"organisation": "Deals at bargains.com"},
            "organisation",
            "must not contain a web address",
        ),
        ({"organisation": "sales@bargains.example"}, "organisation", "must not contain an email"),
        ({"subject": "See http://x.example/offer"}, "subject", "must not contain a web address"),
        ({"subject": "Write to me@there.example"}, "subject", "must not contain an email address"),
    ],
)
def test_invalid_input_is_refused_beside_the_field_and_kept(
    client, db, supplier, mailbox, overrides, field, message
):
    response = send(client, **overrides)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in error_beside(html, field)
    assert "There is a problem" in html  # the error summary
    if field not in ("country", "message") and overrides.get(field):
        assert f'value="{html_lib.escape(overrides[field], quote=True)}"' in html
    assert enquiry_count(db) == 0
    assert mailbox.messages == []


def test_honeypot_filled_in_is_refused(client, db, supplier, mailbox):
    response = send(client, reference="http://bot.example")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert error_beside(html, "reference") == form_defences.HONEYPOT_MESSAGE
    assert_kept(html)
    assert enquiry_count(db) == 0 and mailbox.messages == []


def test_form_sent_too_fast_is_refused_then_accepted_after_a_while(
    app, client, db, supplier, mailbox
):
    app.config["CONTACT_MIN_FILL_SECONDS"] = 30
    token = form_token(client)
    response = send(client, token)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert error_beside(html, "message") == form_defences.TOO_FAST_MESSAGE
    assert_kept(html)
    # The form keeps the original timestamp: once enough time has passed, sending works.
    assert html_lib.unescape(TOKEN_RE.search(html).group(1)) == token
    older = contact.issue_form_token(supplier, issued_at=time.time() - 31)
    assert send(client, older).status_code == 302
    assert enquiry_count(db) == 1


@pytest.mark.parametrize("token", ["", "forged.token", "eyJjIjoxLCJ0IjoxfQ.tampered"])
def test_form_without_a_genuine_timestamp_is_refused(client, db, supplier, token):
    response = send(client, token)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert error_beside(html, "message") == form_defences.EXPIRED_MESSAGE
    assert_kept(html)
    # A fresh genuine token is issued so the buyer can send again.
    fresh = html_lib.unescape(TOKEN_RE.search(html).group(1))
    assert send(client, fresh).status_code == 302


def test_form_token_for_another_company_or_too_old_is_refused(client, db, supplier):
    other = make_company(slug="other-supplier")
    assert send(client, contact.issue_form_token(other)).status_code == 400
    stale = contact.issue_form_token(supplier, issued_at=time.time() - 2 * 24 * 3600)
    response = send(client, stale)
    assert error_beside(response.get_data(as_text=True), "message") == form_defences.EXPIRED_MESSAGE
    assert enquiry_count(db) == 0


def test_form_without_csrf_token_is_refused(client, supplier, db):
    data = enquiry_data(form_token=form_token(client))
    assert client.post("/suppliers/pennine-textiles/contact", data=data).status_code == 400
    assert enquiry_count(db) == 0


def test_rate_limit_per_ip_address(app, client, db, supplier, mailbox):
    app.config["CONTACT_RATE_LIMIT_IP"] = "2 per hour"
    assert send(client, email="a@buyers.example").status_code == 302
    assert send(client, email="b@buyers.example").status_code == 302
    response = send(client, email="c@buyers.example")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    html = response.get_data(as_text=True)
    assert error_beside(html, "email") == (
        "You have sent too many messages from this connection. Wait 1 hour, then try again."
    )
    assert_kept(html, email="c@buyers.example")
    # Another connection is not affected.
    assert send(client, email="c@buyers.example", ip="198.51.100.9").status_code == 302
    assert enquiry_count(db) == 3


def test_rate_limit_per_sender_email(app, client, db, supplier):
    app.config["CONTACT_RATE_LIMIT_SENDER"] = "2 per hour"
    assert send(client, ip="192.0.2.1").status_code == 302
    assert send(client, ip="192.0.2.2", email="Ingrid@Nordic-Interiors.example").status_code == 302
    response = send(client, ip="192.0.2.3")
    assert response.status_code == 429
    assert error_beside(response.get_data(as_text=True), "email") == (
        "You have sent too many messages from this email address. Wait 1 hour, then try again."
    )
    assert send(client, ip="192.0.2.3", email="someone.else@nordic.example").status_code == 302
    assert enquiry_count(db) == 3


def test_the_limit_answers_429_with_retry_after_and_a_message_matching_its_window(
    app, client, db, supplier
):
    app.config["CONTACT_RATE_LIMIT_IP"] = "2 per 10 minutes;20 per day"
    assert send(client, email="a@buyers.example").status_code == 302
    assert send(client, email="b@buyers.example").status_code == 302
    response = send(client, email="c@buyers.example")
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 540 <= retry_after <= 600
    html = response.get_data(as_text=True)
    assert error_beside(html, "email") == (
        "You have sent too many messages from this connection. Wait 10 minutes, then try again."
    )
    assert_kept(html, email="c@buyers.example")


def test_a_form_token_is_single_use_and_a_resubmission_shows_the_same_sent_page(
    client, db, supplier, mailbox
):
    token = form_token(client)
    first = send(client, token)
    assert first.status_code == 302
    again = send(client, token)  # a double click, or a replay of the same form
    assert again.status_code == 302 and again.location == first.location
    assert enquiry_count(db) == 1
    assert len(mailbox.to("orders@pennine-textiles.example")) == 1
    assert len(mailbox.to("ingrid@nordic-interiors.example")) == 1


def test_a_long_company_name_and_subject_fit_the_email_subject(client, db, mailbox):
    name = ("Anglo-Scandinavian Heritage Woollen Mills and Textile Finishing " * 4)[:255].strip()
    make_company(name=name, slug="long-name", email="orders@long-name.example")
    response = send(client, slug="long-name", subject="S" * 200)
    assert response.status_code == 302
    [to_company] = mailbox.wait_for("orders@long-name.example")
    [confirmation] = mailbox.wait_for("ingrid@nordic-interiors.example")
    for message in (to_company, confirmation):
        assert len(message["Subject"]) <= 255
    assert confirmation["Subject"].startswith("Your message to Anglo-Scandinavian")
    assert confirmation["Subject"].endswith("…")
    assert enquiry_count(db) == 1


# --- blocked senders (staff screen and the refusal) ------------------------------------------


def block(client, kind: str, value: str, reason: str = "Spam"):
    return client.post_form(
        "/staff/blocked-senders/", {"kind": kind, "value": value, "reason": reason}
    )


def test_staff_block_an_address_and_enquiries_from_it_are_refused(
    client, db, signed_in, supplier, mailbox
):
    staff = signed_in("staff")
    response = block(client, "email", " Spammer@Junk.example ", "Sent 40 copies")
    assert response.status_code == 302
    page = client.get("/staff/blocked-senders/").get_data(as_text=True)
    assert "Enquiries from spammer@junk.example will be refused." in page
    assert "Sent 40 copies" in page and str(escape(staff.full_name)) in page

    # A blocked sender sees the normal "sent" page; the message is dropped silently.
    response = send(client, email="spammer@junk.example")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/contact/sent")
    assert "cannot send messages" not in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert enquiry_count(db) == 0
    assert send(client, email="honest@junk.example").status_code == 302
    assert enquiry_count(db) == 1


def test_blocking_a_domain_covers_its_subdomains_and_can_be_lifted(client, db, signed_in, supplier):
    signed_in("staff")
    assert block(client, "domain", "@spam-farm.example").status_code == 302
    for address in ("x@spam-farm.example", "y@mail.spam-farm.example", "Z@SPAM-FARM.EXAMPLE"):
        assert send(client, email=address).status_code == 302
    assert enquiry_count(db) == 0
    assert send(client, email="x@not-spam-farm.example").status_code == 302
    assert enquiry_count(db) == 1

    blocked = db.session.scalar(select(BlockedSender))
    response = client.post_form(f"/staff/blocked-senders/{blocked.id}/remove")
    assert response.status_code == 302
    page = client.get("/staff/blocked-senders/").get_data(as_text=True)
    assert "Enquiries from spam-farm.example are no longer refused." in page
    assert send(client, email="x@spam-farm.example").status_code == 302
    assert enquiry_count(db) == 2


@pytest.mark.parametrize(
    "kind, value, message",
    [
        ("email", "not an address", "Enter an email address in the correct format"),
        ("domain", "no_domain", "Enter a domain in the correct format"),
        ("", "a@b.example", "Select whether to block an email address or a domain"),
        ("email", "", "Enter an email address or domain"),
    ],
)
def test_blocked_sender_form_validates(client, db, signed_in, kind, value, message):
    signed_in("staff")
    response = block(client, kind, value)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(BlockedSender)) == 0


def test_blocking_the_same_sender_twice_is_refused(client, db, signed_in):
    signed_in("staff")
    assert block(client, "domain", "dup.example").status_code == 302
    response = block(client, "domain", "DUP.example")
    assert response.status_code == 400
    assert "dup.example is already blocked." in response.get_data(as_text=True)


def test_removing_a_block_twice_is_a_conflict(client, db, signed_in):
    signed_in("staff")
    block(client, "email", "gone@x.example")
    blocked_id = db.session.scalar(select(BlockedSender.id))
    assert client.post_form(f"/staff/blocked-senders/{blocked_id}/remove").status_code == 302
    assert client.post_form(f"/staff/blocked-senders/{blocked_id}/remove").status_code == 409


def test_blocked_senders_screen_is_staff_only(client, signed_in, db):
    response = client.get("/staff/blocked-senders/")
    assert response.status_code == 302 and "/account/sign-in" in response.location
    signed_in("exporter")
    assert client.get("/staff/blocked-senders/").status_code == 403
    assert block(client, "email", "x@y.example").status_code == 403


def test_staff_home_lists_the_blocked_senders_screen(client, signed_in):
    signed_in("staff")
    page = client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/blocked-senders/"' in page and "Blocked senders" in page


def test_sign_in_helper_is_shared(client, make_user, supplier):
    # A buyer who signs in through the real form can still send (CSRF token follows the session).
    from tradehub.accounts.models import Role

    buyer = make_user(role=Role.BUYER)
    sign_in(client, buyer)
    client.csrf_token(refresh=True)
    assert send(client, email=buyer.email).status_code == 302
