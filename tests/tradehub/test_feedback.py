"""Feedback (#14): "Report a problem with this page" on every page, "Report this profile" on
supplier profiles, the contact page, and the staff list at /staff/feedback. Every form is
stored, rate-limited per IP, CSRF-protected, keeps what was typed when refused, and only ever
sends people back to a page of this site."""

from __future__ import annotations

import html as html_lib
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub.feedback import services
from tradehub.feedback.models import FeedbackItem, FeedbackKind, FeedbackStatus

TOKEN_RE = re.compile(r'id="form_token" name="form_token" type="hidden" value="([^"]+)"')
IP = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def app_config(app_config):
    """No fill-time wait; a limit the rate-limit test can reach."""
    app_config["CONTACT_MIN_FILL_SECONDS"] = 0
    app_config["FEEDBACK_RATE_LIMIT"] = "3 per 10 minutes"
    app_config["SUPPORT_EMAIL"] = "team@tradehub.example"
    return app_config


@pytest.fixture
def supplier(db):
    return make_company(name="Pennine Textiles Ltd", slug="pennine-textiles")


def token(client, url: str) -> str:
    page = client.get(url, environ_base=IP)
    assert page.status_code == 200
    return html_lib.unescape(TOKEN_RE.search(page.get_data(as_text=True)).group(1))


def items(db) -> list[FeedbackItem]:
    return db.session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)).all()


def report_problem(client, page="/find-a-supplier?q=wool", **changes):
    data = {
        "page": page,
        "what_doing": "Looking for wool suppliers",
        "what_wrong": "The second page of results was empty",
        "reference": "",
        "form_token": token(client, f"/feedback/report?page={page}"),
        **changes,
    }
    return client.post_form("/feedback/report", data, environ_base=IP)


def report_profile(client, slug="pennine-textiles", **changes):
    url = f"/suppliers/{slug}/report"
    data = {
        "reason": "not_a_business",
        "details": "The address is a car park",
        "reference": "",
        "form_token": token(client, url),
        **changes,
    }
    return client.post_form(url, data, environ_base=IP)


def contact(client, **changes):
    data = {
        "name": "Ingrid Larsen",
        "email": "Ingrid@Nordic-Interiors.example",
        "message": "I need a UK maker of wool throws and cannot find one.",
        "reference": "",
        "form_token": token(client, "/contact-us"),
        **changes,
    }
    return client.post_form("/contact-us", data, environ_base=IP)


# --- report a problem with this page ------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/find-a-supplier", "/contact-us", "/account/sign-in", "/privacy", "/no-such-page"]
)
def test_every_page_links_to_report_a_problem_with_itself(client, db, url):
    html = client.get(url).get_data(as_text=True)
    [link] = re.findall(r'href="(/feedback/report\?[^"]*)">Report a problem with this page<', html)
    assert parse_qs(urlsplit(html_lib.unescape(link)).query)["page"] == [url]


def test_a_problem_report_is_stored_and_sends_people_back_to_the_page(client, db):
    response = report_problem(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/find-a-supplier?q=wool"
    [item] = items(db)
    assert (item.kind, item.status, item.page) == (
        FeedbackKind.PROBLEM,
        FeedbackStatus.NEW,
        "/find-a-supplier?q=wool",
    )
    assert item.what_doing == "Looking for wool suppliers"
    assert item.details == "The second page of results was empty"
    assert (item.name, item.email) == ("", "")  # no personal data asked
    back = client.get("/find-a-supplier?q=wool").get_data(as_text=True)
    assert "Thank you for your feedback" in back


@pytest.mark.parametrize(
    "page", ["https://evil.example/phish", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_a_report_never_sends_people_to_another_site(client, db, page):
    form = client.get(f"/feedback/report?page={page}").get_data(as_text=True)
    assert 'id="page" name="page" type="hidden" value=""' in form
    assert "Go back to the page you were on" not in form
    response = report_problem(client, page=page)
    assert response.status_code == 302
    assert response.headers["Location"] == "/feedback/report/sent"
    assert items(db)[0].page == ""
    assert "Thank you for your feedback" in client.get("/feedback/report/sent").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"what_doing": ""}, "Enter what you were doing"),
        ({"what_wrong": "  "}, "Enter what went wrong"),
        ({"what_wrong": "x" * 1201}, "What went wrong must be 1200 characters or fewer"),
        ({"reference": "http://spam.example"}, "Leave the ‘Leave this field blank’ field empty"),
        ({"form_token": "forged"}, "This form has expired"),
    ],
)
def test_a_refused_problem_report_keeps_what_was_typed(client, db, changes, message):
    response = report_problem(client, **changes)
    html = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in html and "There is a problem" in html
    assert "Looking for wool suppliers" in html or changes.get("what_doing") == ""
    assert 'value="/find-a-supplier?q=wool"' in html  # the page is still named
    assert items(db) == []


def test_a_problem_report_sent_too_fast_is_refused(client, db, app):
    app.config["CONTACT_MIN_FILL_SECONDS"] = 30
    response = report_problem(client)
    assert response.status_code == 400
    assert "You sent the form very quickly" in html_lib.unescape(response.get_data(as_text=True))
    assert items(db) == []


def test_feedback_forms_need_the_csrf_token(client, db, supplier):
    for url in ("/feedback/report", "/contact-us", "/suppliers/pennine-textiles/report"):
        response = client.post(url, data={"what_doing": "x", "what_wrong": "y"}, environ_base=IP)
        assert response.status_code == 400
    assert items(db) == []


def test_feedback_is_rate_limited_per_ip_address_across_the_forms(client, db, supplier):
    assert report_problem(client).status_code == 302
    assert contact(client).status_code == 302
    assert report_profile(client).status_code == 302
    refused = report_problem(client)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    html = html_lib.unescape(refused.get_data(as_text=True))
    assert "You have sent too many messages from this connection. Wait 10 minutes" in html
    assert "The second page of results was empty" in html  # what was typed is kept
    assert len(items(db)) == 3
    # Another address is not held back.
    other = client.post_form(
        "/feedback/report",
        {
            "page": "/",
            "what_doing": "a",
            "what_wrong": "b",
            "form_token": services.issue_form_token("problem", time.time() - 60),
        },
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert other.status_code == 302


# --- report this profile ------------------------------------------------------------------------


def test_a_profile_links_to_report_this_profile(client, db, supplier):
    html = client.get("/suppliers/pennine-textiles").get_data(as_text=True)
    assert 'href="/suppliers/pennine-textiles/report"' in html and "Report this profile" in html


def test_a_profile_report_is_stored_against_the_company(client, db, supplier):
    response = report_profile(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/suppliers/pennine-textiles/report/sent"
    [item] = items(db)
    assert (item.kind, item.subject_type, item.subject_id) == (
        FeedbackKind.PROFILE,
        "company",
        supplier.id,
    )
    assert (item.subject_label, item.page, item.reason) == (
        "Pennine Textiles Ltd",
        "/suppliers/pennine-textiles",
        "not_a_business",
    )
    sent = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for your report" in sent and 'href="/suppliers/pennine-textiles"' in sent


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reason": ""}, "Select why you are reporting this profile"),
        ({"reason": "made-up"}, "Choose one of the answers offered"),
        ({"details": ""}, "Enter what is wrong with this profile"),
    ],
)
def test_a_refused_profile_report_keeps_what_was_typed(client, db, supplier, changes, message):
    response = report_profile(client, **changes)
    html = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and message in html
    if "details" not in changes:
        assert "The address is a car park" in html
    assert items(db) == []


def test_only_published_profiles_can_be_reported(client, db):
    assert client.get("/suppliers/nobody-here/report").status_code == 404


# --- contact us ---------------------------------------------------------------------------------


def test_a_contact_message_is_stored_and_mailed_to_the_team(client, db, mailbox):
    response = contact(client)
    assert response.status_code == 302 and response.headers["Location"] == "/contact-us/sent"
    [item] = items(db)
    assert (item.kind, item.name, item.email) == (
        FeedbackKind.CONTACT,
        "Ingrid Larsen",
        "ingrid@nordic-interiors.example",
    )
    [mail] = mailbox.wait_for("team@tradehub.example")
    assert mail["Reply-To"] == "ingrid@nordic-interiors.example"
    assert "cannot find one" in mailbox.body(mail)
    assert "/staff/feedback?kind=contact" in mailbox.body(mail)
    assert "Message sent" in client.get("/contact-us/sent").get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "Enter your name"),
        ({"email": "not-an-address"}, "Enter an email address in the correct format"),
        ({"message": ""}, "Enter your message"),
        ({"message": "x" * 3001}, "Your message must be 3000 characters or fewer"),
    ],
)
def test_a_refused_contact_message_keeps_what_was_typed(client, db, changes, message):
    response = contact(client, **changes)
    html = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and message in html
    for field, value in (("name", "Ingrid Larsen"), ("message", "cannot find one")):
        if field not in changes:
            assert value in html
    assert items(db) == []


def test_contact_messages_are_personal_data(client, db, make_user):
    user = make_user(email="ingrid@nordic-interiors.example")
    contact(client)
    assert services.export_contact_messages(user)[0]["name"] == "Ingrid Larsen"
    services.erase_contact_messages(user)
    db.session.commit()
    assert items(db) == []


def test_old_contact_messages_are_pruned(app, db):
    contact_item = FeedbackItem(kind=FeedbackKind.CONTACT, name="A", email="a@b.example")
    problem = FeedbackItem(kind=FeedbackKind.PROBLEM, page="/")
    db.session.add_all([contact_item, problem])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["feedback", "prune"])
    assert "Deleted 0 contact messages" in result.output
    app.config["FEEDBACK_RETENTION_DAYS"] = -1  # everything is older than "tomorrow"
    result = app.test_cli_runner().invoke(args=["feedback", "prune"])
    assert "Deleted 1 contact message older" in result.output
    assert [item.kind for item in items(db)] == [FeedbackKind.PROBLEM]


# --- staff ----------------------------------------------------------------------------------


def test_staff_see_every_kind_and_filter_by_kind_and_status(client, db, supplier, signed_in):
    report_problem(client)
    report_profile(client)
    contact(client)
    signed_in("staff")
    assert "/staff/feedback" in client.get("/staff/").get_data(as_text=True)
    html = client.get("/staff/feedback").get_data(as_text=True)
    assert "3 items" in html
    assert 'href="/find-a-supplier?q=wool"' in html
    assert 'href="/suppliers/pennine-textiles">Pennine Textiles Ltd</a>' in html
    assert "It is not a real business" in html and "Ingrid Larsen" in html
    only_profiles = client.get("/staff/feedback?kind=profile").get_data(as_text=True)
    assert "1 item" in only_profiles and "The address is a car park" in only_profiles
    assert "cannot find one" not in only_profiles
    assert "0 items" in client.get("/staff/feedback?status=resolved").get_data(as_text=True)
    assert client.get("/staff/feedback?kind=nonsense").status_code == 400


def test_staff_change_the_status_and_a_stale_page_is_refused(client, db, signed_in):
    report_problem(client)
    [item] = items(db)
    signed_in("staff")
    prefix = f"item-{item.id}-"
    url = f"/staff/feedback/{item.id}/status?kind=problem"
    response = client.post_form(url, {prefix + "status": "in_progress", prefix + "version": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/feedback?kind=problem")
    db.session.expire_all()
    assert items(db)[0].status == FeedbackStatus.IN_PROGRESS
    assert items(db)[0].updated_by_id is not None
    # A second change from the same, now out-of-date page is refused.
    stale = client.post_form(url, {prefix + "status": "resolved", prefix + "version": "1"})
    assert stale.status_code == 302
    assert "Someone else changed this item" in client.get("/staff/feedback").get_data(as_text=True)
    db.session.expire_all()
    assert items(db)[0].status == FeedbackStatus.IN_PROGRESS
    # Without the CSRF token nothing changes.
    plain = client.post(url, data={prefix + "status": "resolved", prefix + "version": "2"})
    assert plain.status_code == 400


@pytest.mark.parametrize("role", ["exporter", "buyer"])
def test_only_staff_see_or_change_feedback(client, db, signed_in, role):
    report_problem(client)
    [item] = items(db)
    signed_in(role)
    assert client.get("/staff/feedback").status_code == 403
    prefix = f"item-{item.id}-"
    refused = client.post_form(
        f"/staff/feedback/{item.id}/status",
        {prefix + "status": "resolved", prefix + "version": "1"},
    )
    assert refused.status_code == 403
    db.session.expire_all()
    assert items(db)[0].status == FeedbackStatus.NEW


def test_signed_out_people_are_sent_to_sign_in(client, db):
    response = client.get("/staff/feedback")
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(FeedbackItem)) == 0


# --- every page has the link ---------------------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EXTENDS_RE = re.compile(r'{%-?\s*extends\s+"([^"]+)"')
# Only the feedback pages themselves drop the link (reporting a problem with the report form).
MAY_DROP_THE_LINK = {
    "feedback/report_problem.html",
    "feedback/report_profile.html",
    "feedback/sent.html",
}


def page_templates() -> list[str]:
    """Every template that is a page: not a partial (_name.html), an email or GOV.UK's own."""
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if not path.name.startswith("_")
        and path.relative_to(TEMPLATES).parts[0] not in ("email", "govuk_frontend_jinja")
    )


def test_every_page_template_gets_the_report_link_from_the_layout():
    layout = (TEMPLATES / "layout.html").read_text()
    assert "{% block report_problem %}" in layout and "Report a problem with this page" in layout
    assert len(page_templates()) > 100
    for name in page_templates():
        if name == "layout.html":
            continue
        current = name
        while current != "layout.html":
            source = (TEMPLATES / current).read_text()
            parent = EXTENDS_RE.search(source)
            assert parent, f"{current} does not extend layout.html, so it has no report link"
            if name not in MAY_DROP_THE_LINK:
                assert "block report_problem" not in source, f"{current} drops the report link"
            current = parent.group(1)
