"""People's own data: "Download your data" (JSON and a readable page) and "Delete your account".

What each feature holds comes from the `tradehub.personal_data` registry, so these pages show
every registered section and never name a feature.
"""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from tradehub import personal_data
from tradehub.accounts import bp
from tradehub.accounts.forms import PasswordCheckForm
from tradehub.refusals import service_call


@bp.route("/your-data")
@login_required
def your_data():
    """Everything the service holds about you, on one page."""
    data = personal_data.export_user_data(current_user)
    titles = {section.key: section.title for section in personal_data.sections()}
    return render_template("accounts/your_data.html", data=data, titles=titles)


@bp.route("/your-data.json")
@login_required
def your_data_json():
    """The same data as a JSON file to download."""
    data = personal_data.export_user_data(current_user)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="tradehub-your-data.json"'},
    )


def _delete_page(form: PasswordCheckForm, status: int = 200):
    return render_template(
        "accounts/delete_account.html",
        form=form,
        blockers=personal_data.deletion_blockers(current_user),
        sections=[s for s in personal_data.sections() if s.on_deletion],
    ), status


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Explain what deleting does, then do it after the password."""
    form = PasswordCheckForm()
    if form.validate_on_submit():
        with service_call(form, "password") as call:
            personal_data.delete_account(current_user, form.password.data)
        if call.ok:
            logout_user()
            flash("Your account has been deleted.", "success")
            return redirect(url_for("main.home"))
    return _delete_page(form)
