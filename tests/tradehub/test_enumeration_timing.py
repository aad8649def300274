"""Registration and forgot-password take as long for a known address as for an unknown one,
so response times do not reveal who has an account (issue 13, M2).

The issue asks for this as a timing test: medians of interleaved tries within 20%. Each time
is measured up to the response, as a visitor sees it; work queued to run after the response
has been sent is not part of it. Registration uses the production Argon2 parameters here,
because the password hash is the work that differed.
"""

from __future__ import annotations

import statistics
import time

from tests.conftest import PASSWORD
from tradehub.accounts import passwords


def timed_post(client, url: str, data: dict) -> float:
    data = {**data, "csrf_token": client.csrf_token()}
    started = time.perf_counter()
    response = client.post(url, data=data, buffered=False)
    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 302)
    response.close()  # runs the after-response work, outside the measured time
    return elapsed


# Below this, a difference is scheduler noise on a shared machine, not a signal (the finding was
# 43 against 22 ms for forgot-password, 51 against 728 ms for registration).
NOISE_SECONDS = 0.002


def assert_medians_within_20_percent(known: list[float], unknown: list[float]) -> None:
    a, b = statistics.median(known), statistics.median(unknown)
    assert abs(a - b) <= max(0.2 * max(a, b), NOISE_SECONDS), (
        f"known {a * 1000:.1f} ms, unknown {b * 1000:.1f} ms"
    )


def test_registration_takes_as_long_for_a_taken_address(app, client, make_user, monkeypatch):
    monkeypatch.setattr(passwords, "current_hasher", lambda: passwords.PRODUCTION_HASHER)
    taken = make_user(email="taken@example.com")
    form = {"full_name": "Ada", "role": "exporter", "password": PASSWORD, "confirm": PASSWORD}
    # Warm up both paths (templates, connections), then alternate which goes first, so a
    # burst of load from other processes falls on both alike.
    timed_post(client, "/account/register", {**form, "email": taken.email})
    timed_post(client, "/account/register", {**form, "email": "warm@example.com"})
    known, unknown = [], []
    # 25 pairs, as for forgot-password: with 10, a burst of load on the other test worker moved
    # one median by 60 ms on PostgreSQL (CI, session 4) while the quiet medians were level.
    for i in range(25):
        pair = [
            (known, {**form, "email": taken.email}),
            (unknown, {**form, "email": f"new{i}@example.com"}),
        ]
        for samples, data in pair if i % 2 == 0 else pair[::-1]:
            samples.append(timed_post(client, "/account/register", data))
    assert_medians_within_20_percent(known, unknown)


def test_forgot_password_takes_as_long_for_a_known_address(app, client, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    user = make_user(email="known@example.com")
    for _ in range(3):  # warm up: templates compiled, connections open
        timed_post(client, "/account/forgot-password", {"email": user.email})
        timed_post(client, "/account/forgot-password", {"email": "nobody@example.com"})
    known, unknown = [], []
    for i in range(25):
        pair = [(known, user.email), (unknown, f"nobody{i}@example.com")]
        for samples, email in pair if i % 2 == 0 else pair[::-1]:
            samples.append(timed_post(client, "/account/forgot-password", {"email": email}))
    assert_medians_within_20_percent(known, unknown)
