"""One refusal path: `service_call` commits once or shows the refusal; the global handlers roll
back and answer 403 for PermissionDenied and 409 for NotAllowed, as a page or JSON under /api/."""

from __future__ import annotations

import pytest
from flask import Blueprint, get_flashed_messages, jsonify
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from tradehub.accounts.models import Role, User
from tradehub.errors import Conflict, NotAllowed, PermissionDenied, ValidationFailed
from tradehub.extensions import db as _db
from tradehub.refusals import service_call


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def _add_user(email: str) -> None:
    _db.session.add(User(email=email, full_name="", password_hash="x", role=Role.BUYER))
    _db.session.flush()


REFUSALS = {
    "none": None,
    "validation": ValidationFailed("That name is taken", "name"),
    "validation-no-field": ValidationFailed("Something is wrong"),
    "not-allowed": NotAllowed("It is already published"),
    "conflict": Conflict("Someone else changed it"),
}


@pytest.fixture
def refusing_app(app):
    """The test app plus routes that write a row, then refuse in different ways."""
    bp = Blueprint("refusal_test", __name__)

    @bp.post("/refusal-test/<kind>")
    def form_view(kind: str):
        form = NameForm()
        with service_call(form, field="name") as call:
            _add_user(f"{kind}@example.com")
            if REFUSALS[kind] is not None:
                raise REFUSALS[kind]
        return jsonify(
            ok=call.ok,
            error=type(call.error).__name__ if call.error else None,
            field_errors=list(form.name.errors),
            flashed=get_flashed_messages(),
        )

    @bp.post("/refusal-test/flash")
    def flash_view():
        with service_call() as call:
            raise NotAllowed("Not now")
        return jsonify(ok=call.ok, flashed=get_flashed_messages(with_categories=True))

    @bp.post("/refusal-test/escaped/<kind>")
    @bp.post("/api/refusal-test/escaped/<kind>")
    def escaped(kind: str):
        _add_user(f"escaped-{kind}@example.com")
        raise {"denied": PermissionDenied("Not yours"), "not-allowed": NotAllowed("Closed")}[kind]

    app.register_blueprint(bp)
    return app


def _users(db) -> set[str]:
    db.session.rollback()  # see what the requests committed
    return set(db.session.scalars(select(User.email)))


def test_success_commits_once(refusing_app, client, db):
    body = client.post_form("/refusal-test/none").get_json()
    assert body == {"ok": True, "error": None, "field_errors": [], "flashed": []}
    assert _users(db) == {"none@example.com"}


@pytest.mark.parametrize(
    ("kind", "error", "field_errors", "flashed"),
    [
        ("validation", "ValidationFailed", ["That name is taken"], []),
        ("validation-no-field", "ValidationFailed", ["Something is wrong"], []),
        ("not-allowed", "NotAllowed", ["It is already published"], []),
        ("conflict", "Conflict", ["Someone else changed it"], []),
    ],
)
def test_a_refusal_is_rolled_back_and_shown_on_the_field(
    refusing_app, client, db, kind, error, field_errors, flashed
):
    body = client.post_form(f"/refusal-test/{kind}").get_json()
    assert body == {"ok": False, "error": error, "field_errors": field_errors, "flashed": flashed}
    assert _users(db) == set()


def test_a_refusal_without_a_form_is_flashed(refusing_app, client):
    body = client.post_form("/refusal-test/flash").get_json()
    assert body == {"ok": False, "flashed": [["error", "Not now"]]}


def test_permission_denied_rolls_back_and_answers_403(refusing_app, client, db):
    page = client.post_form("/refusal-test/escaped/denied")
    assert page.status_code == 403
    assert "Not yours" in page.get_data(as_text=True)
    api = client.post_form("/api/refusal-test/escaped/denied")
    assert api.status_code == 403
    assert api.get_json()["error"]["detail"] == "Not yours"
    assert _users(db) == set()


def test_not_allowed_outside_service_call_rolls_back_and_answers_409(refusing_app, client, db):
    page = client.post_form("/refusal-test/escaped/not-allowed")
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "You cannot do that now" in html and "Closed" in html
    api = client.post_form("/api/refusal-test/escaped/not-allowed")
    assert api.status_code == 409
    assert api.get_json()["error"] == {
        "status": 409,
        "title": "You cannot do that now",
        "detail": "Closed",
    }
    assert _users(db) == set()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
