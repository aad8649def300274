"""Sessions end on the server: sign-out, sign out of all devices, idle and absolute timeouts
(issue 13, M1). A copied session cookie must stop working once the session has ended."""

from __future__ import annotations

from tests.conftest import sign_in
from tradehub.accounts import sessions


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _copy_session_into(app, cookie: str):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_a_copied_cookie_stops_working_after_sign_out(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    stolen = _cookie(client)
    assert _copy_session_into(app, stolen).get("/account/").status_code == 200

    client.post_form("/account/sign-out")

    response = _copy_session_into(app, stolen).get("/account/")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def test_sign_out_of_all_devices_ends_every_session(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    laptop = app.test_client_class(app, app.response_class, use_cookies=True)
    sign_in(laptop, user)
    assert laptop.get("/account/").status_code == 200

    page = client.get("/account/").get_data(as_text=True)
    assert "Sign out of all devices" in page
    response = client.post_form("/account/sign-out-everywhere", follow_redirects=True)
    assert "You have signed out on all your devices" in response.get_data(as_text=True)

    assert laptop.get("/account/").status_code == 302
    assert client.get("/account/").status_code == 302


def test_bumping_the_session_version_signs_the_user_out(app, client, make_user, db):
    user = make_user()
    sign_in(client, user)
    sessions.end_all_sessions(user)
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_an_idle_session_ends_after_the_idle_timeout(app, client, make_user, monkeypatch):
    user = make_user()
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start)
    sign_in(client, user)
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    assert idle == 2 * 3600

    monkeypatch.setattr(sessions, "now", lambda: start + idle - 60)
    assert client.get("/account/").status_code == 200  # activity renews the idle clock
    monkeypatch.setattr(sessions, "now", lambda: start + 2 * idle - 120)
    assert client.get("/account/").status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: start + 3 * idle)
    response = client.get("/account/", follow_redirects=True)
    assert "/account/sign-in" in response.request.path
    assert "signed you out" in response.get_data(as_text=True)


def test_a_session_ends_at_its_absolute_lifetime_even_when_active(
    app, client, make_user, monkeypatch
):
    user = make_user()
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start)
    sign_in(client, user)
    lifetime = app.config["SESSION_LIFETIME"]
    assert lifetime == 30 * 24 * 3600
    step = app.config["SESSION_IDLE_TIMEOUT"] - 60
    moment = start
    while moment + step < start + lifetime:
        moment += step
        monkeypatch.setattr(sessions, "now", lambda moment=moment: moment)
        assert client.get("/account/").status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: start + lifetime + 1)
    assert client.get("/account/").status_code == 302


def test_timeouts_are_configurable(app, client, make_user, monkeypatch):
    app.config["SESSION_IDLE_TIMEOUT"] = 300
    user = make_user()
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start)
    sign_in(client, user)
    monkeypatch.setattr(sessions, "now", lambda: start + 301)
    assert client.get("/account/").status_code == 302
