"""Staff screens of search (#9): search insights (/staff/search-insights, CSV export) and
search synonyms (/staff/search-synonyms: add, change, remove groups, audited)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from sqlalchemy import select
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length

from search_index import insights, synonyms
from search_index.models import SearchSynonymAudit, SearchSynonymGroup
from tradehub.accounts.models import Role, User
from tradehub.extensions import db
from tradehub.permissions import guard_blueprint
from tradehub.refusals import service_call

staff_bp = Blueprint("search_staff", __name__, url_prefix="/staff")
guard_blueprint(staff_bp, Role.STAFF)

PERIODS = (7, 30)


class SynonymGroupForm(FlaskForm):
    """One group of words and phrases that mean the same to a buyer."""

    entries = StringField(
        "Words and phrases that mean the same",
        widget=GovTextArea(),
        description="Separate them with commas, for example: sneakers, trainers, running shoes",
        validators=[
            InputRequired("Enter at least two words or phrases, separated by commas"),
            Length(max=500, message="Enter 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Save synonym group", widget=GovSubmitInput())


class RemoveSynonymGroupForm(FlaskForm):
    """A CSRF-protected button to remove a group."""

    submit = SubmitField("Remove")


def _days() -> int:
    days = request.args.get("days", type=int) or PERIODS[0]
    if days not in PERIODS:
        abort(404)
    return days


@staff_bp.route("/search-insights")
def search_insights():
    """What buyers searched for in the last 7 or 30 days, and where search failed them."""
    days = _days()
    return render_template(
        "search_index/staff_insights.html",
        report=insights.report(days),
        periods=PERIODS,
        retention=insights.retention_days(),
    )


@staff_bp.route("/search-insights.csv")
def search_insights_csv():
    """Every search of the period with its clicks, as CSV."""
    days = _days()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=insights.CSV_COLUMNS)
    writer.writeheader()
    for row in insights.export_rows(days):
        # A leading =, +, - or @ would make a spreadsheet run the text as a formula.
        if str(row["text"])[:1] in ("=", "+", "-", "@"):
            row["text"] = "'" + row["text"]
        writer.writerow(row)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=search-insights-{days}-days.csv"},
    )


def _synonyms_url() -> str:
    return url_for("search_staff.search_synonyms")


@staff_bp.route("/search-synonyms", methods=["GET", "POST"])
def search_synonyms():
    """The staff synonym groups, and a form to add one."""
    form = SynonymGroupForm()
    if form.validate_on_submit():
        with service_call(form=form, field="entries") as call:
            group = synonyms.add_group(form.entries.data, current_user)
        if call.ok:
            flash(f"Searches now treat {group.entries} as the same.", "success")
            return redirect(_synonyms_url())
    groups = db.session.scalars(
        select(SearchSynonymGroup).order_by(SearchSynonymGroup.id.desc())
    ).all()
    history = db.session.execute(
        select(SearchSynonymAudit, User)
        .outerjoin(User, User.id == SearchSynonymAudit.actor_id)
        .order_by(SearchSynonymAudit.at.desc(), SearchSynonymAudit.id.desc())
        .limit(20)
    ).all()
    status = 400 if form.errors else 200
    return render_template(
        "search_index/staff_synonyms.html",
        form=form,
        groups=groups,
        history=history,
        remove_form=RemoveSynonymGroupForm(),
    ), status


@staff_bp.route("/search-synonyms/<int:group_id>", methods=["GET", "POST"])
def edit_search_synonyms(group_id: int):
    """Change one group."""
    group = db.get_or_404(SearchSynonymGroup, group_id)
    form = SynonymGroupForm(data={"entries": group.entries})
    if form.validate_on_submit():
        with service_call(form=form, field="entries") as call:
            changed = synonyms.change_group(group_id, form.entries.data, current_user)
        if call.ok:
            flash(f"Searches now treat {changed.entries} as the same.", "success")
            return redirect(_synonyms_url())
    status = 400 if form.errors else 200
    return render_template("search_index/staff_synonym_edit.html", form=form, group=group), status


@staff_bp.route("/search-synonyms/<int:group_id>/remove", methods=["POST"])
def remove_search_synonyms(group_id: int):
    """Remove one group (CSRF-protected button)."""
    form = RemoveSynonymGroupForm()
    if not form.validate_on_submit():
        abort(400)
    with service_call() as call:
        entries = synonyms.remove_group(group_id, current_user)
    if not call.ok:
        raise call.error  # removed already: the 409 page says so
    flash(f"Removed the synonym group {entries}.", "success")
    return redirect(_synonyms_url())
