"""Buyer pages (blueprint supplier_profiles): Find a Supplier, company and case-study pages,
contacting a supplier, and the taxonomy label helpers templates use.

Searching goes through search_index only: the results page renders the index's hits and never
queries the companies table, so it costs no query per result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup, escape
from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from search_index import insights, service
from search_index.base import SearchQuery
from search_index.errors import SearchUnavailable
from supplier_profiles import contact, taxonomies, verification
from supplier_profiles.buyer_forms import (
    FILTER_LABELS,
    MAX_PAGE,
    SORT_CHOICES,
    ContactSupplierForm,
    SearchForm,
    filter_choices,
    filter_label,
)
from supplier_profiles.models import CaseStudy, Company
from tradehub import form_defences
from tradehub.companies_house import normalise_company_number
from tradehub.extensions import db
from tradehub.i18n import N_, count_formatter
from tradehub.refusals import service_call

bp = Blueprint("supplier_profiles", __name__)

# Facet groups with many values show the biggest ones first; the rest are one "show all N"
# away (a link without JavaScript, expanding in place with it). Selected values always show.
FACET_LIMIT = 15
# What "show all N ..." calls a group's values.
FACET_PLURALS = {
    "industry": "industries",
    "region": "regions",
    "country": "export markets",
    "language": "languages",
    "employees": "sizes",
    "verified": "values",
}

# --- helpers ---------------------------------------------------------------------------------


def run_search(form: SearchForm, per_page: int | None = None):
    """Ask the search index for what the validated form describes."""
    text, alternatives = taxonomies.cross_language_search(form.text)
    query = SearchQuery(
        text=text,
        alternatives=alternatives,
        filters=form.filters(),
        sort=form.sort_value,
        page=form.page_value,
        per_page=per_page or form.per_page_value,
    )
    return service.search(query, source="page")


def args_with(**changes) -> dict[str, list[str]]:
    """The current query string as lists, with `changes` applied (None removes a key)."""
    # Find a Supplier keeps only the parts of a hand-edited link it understood (g.search_args).
    args = g.get("search_args", request.args).to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [str(value)]
    return args


def page_url(number: int) -> str:
    """This search with another page number: filters stay in the shareable URL."""
    return url_for(
        request.endpoint, **args_with(page=None if number == 1 else number), **request.view_args
    )


class FacetItem(NamedTuple):
    """One checkbox of a filter group: its element id, value, label, count and state."""

    id: str
    value: str
    label: str
    count: int
    checked: bool


@dataclass
class FacetGroup:
    """One filter group as the page shows it: `items` first, `more` behind "show all"."""

    name: str
    title: str
    items: list[FacetItem]
    selected: int
    # Values behind "show all": not on the page (see facet_groups).
    more: int = 0
    show_all_url: str = ""
    plural: str = ""

    @property
    def size(self) -> int:
        """How many values the group has in all."""
        return len(self.items) + self.more

    @property
    def items_html(self) -> Markup:
        return checkboxes_html(self.name, self.items)


def checkboxes_html(name: str, items: list[FacetItem]) -> Markup:
    """The govukCheckboxes markup of a filter group's items, written here, not in the template.

    A results page offers every value of every group (about 500 checkboxes): as a template
    loop (autoescaping five values an item) or the govukCheckboxes macro this was most of the
    page's time (#14, #15); one f-string an item with its parts escaped costs a tenth.
    """
    name, format_count = escape(name), count_formatter()
    parts = []
    for item in items:
        item_id, value, label = escape(item.id), escape(item.value), escape(item.label)
        count = escape(format_count(item.count))
        checked = " checked" if item.checked else ""
        parts.append(
            '<div class="govuk-checkboxes__item">'
            f'<input class="govuk-checkboxes__input" id="{item_id}" name="{name}" '
            f'type="checkbox" value="{value}"{checked}>'
            f'<label class="govuk-label govuk-checkboxes__label" for="{item_id}">{label} '
            f'<span class="th-facet-count">({count})</span></label></div>'
        )
    return Markup("\n".join(parts))  # noqa: S704 (every part escaped above)


def facet_groups(form: SearchForm, result, show_all: frozenset[str] = frozenset()) -> list:
    """Checkbox items with counts for the filter groups' values.

    Every value the group accepts is offered, also those with no match in this search (count
    0), so a buyer can always reach it without editing the URL. Values are ordered by count,
    then by name (company sizes keep their natural order); the first FACET_LIMIT show and the
    rest are one "show all N" link away unless the group is in `show_all`. Selected values
    always show. The link reloads the page with the group whole (its `show_all_url`); with
    JavaScript it fetches that page and adds the rest of the group in place. The rest is not
    sent hidden in every page: it was 125 of a page's 177 KB and a fifth of its time (#15).
    """
    groups = []
    for name in SearchForm.GROUPS:
        selected = list(getattr(form, name).data or [])
        counts = {facet.value: facet.count for facet in result.facets.get(name, [])}
        choices = filter_choices(name)
        labels = dict(choices)
        if name == "employees":
            values = [code for code, _ in choices]
        else:
            values = sorted(labels, key=lambda v: (-counts.get(v, 0), labels[v].casefold()))
        shown, more = values, []
        if len(values) > FACET_LIMIT and name not in show_all:
            shown = values[:FACET_LIMIT] + [v for v in values[FACET_LIMIT:] if v in selected]
            more = [v for v in values[FACET_LIMIT:] if v not in selected]
        groups.append(
            FacetGroup(
                name,
                FILTER_LABELS[name],
                [
                    FacetItem(
                        f"filter-{name}" if i == 1 else f"filter-{name}-{i}",
                        v,
                        labels[v],
                        counts.get(v, 0),
                        v in selected,
                    )
                    for i, v in enumerate(shown, start=1)
                ],
                len(selected),
                more=len(more),
                show_all_url=url_for(
                    "supplier_profiles.find_a_supplier",
                    **args_with(show=sorted(show_all | {name})),
                    _anchor=f"facet-{name}",
                )
                if more
                else "",
                plural=FACET_PLURALS[name],
            )
        )
    return groups


def selected_filters(form: SearchForm) -> list[dict]:
    """Each chosen filter with a link that removes just that one."""
    chips = []
    for name in SearchForm.GROUPS:
        values = list(getattr(form, name).data or [])
        for value in values:
            rest = [v for v in values if v != value]
            href = url_for(
                "supplier_profiles.find_a_supplier",
                **args_with(**{name: rest or None, "page": None}),
            )
            chips.append(
                {"group": FILTER_LABELS[name], "label": filter_label(name, value), "href": href}
            )
    return chips


def publishable_company(slug: str) -> Company:
    """The publishable company at exactly `slug`, or 404."""
    company = db.session.scalar(select(Company).where(Company.slug == slug))
    if company is None or not company.is_publishable:
        abort(404)
    return company


def canonical_slug(slug: str) -> str | None:
    """The canonical slug for a URL that names a company another way, or None.

    Accepted: a slug in other letter case or with stray characters ("Acme-Ltd", "acme_ltd"),
    and the Companies House number ("01234567"). Only publishable companies are named.
    """
    candidates = {slugify(slug)}
    number = normalise_company_number(slug)
    stmt = (
        select(Company.slug)
        .where(
            Company.is_publishable,
            (Company.slug.in_(candidates)) | (Company.number == number),
        )
        .limit(1)
    )
    found = db.session.scalar(stmt)
    return found if found and found != slug else None


def company_or_redirect(slug: str, endpoint: str, **kwargs):
    """(company, None) at the canonical slug, or (None, 301 response) to it."""
    company = db.session.scalar(
        select(Company)
        .where(Company.slug == slug)
        # The page shows every case study and its images: two IN queries, never one per row.
        .options(selectinload(Company.case_studies).selectinload(CaseStudy.images))
    )
    if company is not None:
        if not company.is_publishable:
            abort(404)
        return company, None
    canonical = canonical_slug(slug)
    if canonical is None:
        abort(404)
    target = url_for(endpoint, slug=canonical, **kwargs)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return None, redirect(target, code=301)


# --- Find a Supplier ---------------------------------------------------------------------------


# What a link's unknown filter value is called, per group (whole sentences, for translators).
IGNORED_VALUE = {
    "industry": N_("We ignored ‘%(value)s’ because it is not an industry we list."),
    "region": N_("We ignored ‘%(value)s’ because it is not a UK region we list."),
    "country": N_("We ignored ‘%(value)s’ because it is not an export market we list."),
    "language": N_("We ignored ‘%(value)s’ because it is not a language we list."),
    "employees": N_("We ignored ‘%(value)s’ because it is not a number of employees we list."),
    "verified": N_("We ignored ‘%(value)s’ because it is not a verification we list."),
}


def forgiving_search_args(args) -> tuple[MultiDict, list[str]]:
    """The page's query string with what a hand-edited or old URL got wrong left out.

    Unknown filter values and sorts are dropped (the valid ones stay) and a page that is not a
    whole number from 1 is page 1; each change is returned as a short notice for the page. The
    JSON API does not use this: it stays strict and names the parameter in a 400.
    """
    cleaned = MultiDict()
    notices = []
    for key, values in args.lists():
        if key in SearchForm.GROUPS:
            allowed = dict(filter_choices(key))
            for value in values:
                if value in allowed:
                    cleaned.add(key, value)
                else:
                    notices.append(gettext(IGNORED_VALUE[key], value=value[:60]))
        elif key == "sort":
            if values[0] in dict(SORT_CHOICES):
                cleaned.add(key, values[0])
            else:
                notices.append(
                    gettext("We ignored the sort order in the link and sorted by relevance.")
                )
        elif key == "page":
            number = values[0].strip()
            if number.isdigit() and int(number) >= 1:
                cleaned.add(key, str(min(int(number), MAX_PAGE)))
            else:
                notices.append(
                    gettext("We ignored the page number in the link and showed the first page.")
                )
        elif key == "per_page":
            continue  # the page always shows 20; only the API takes per_page
        else:
            for value in values:
                cleaned.add(key, value)
    return cleaned, notices


@bp.route("/find-a-supplier")
def find_a_supplier():
    """Search UK suppliers by words and filters; browse them all with no words.

    A hand-edited or old link never gives an error page: what it gets wrong is left out with a
    short notice, and a page past the end shows the last page."""
    args, notices = forgiving_search_args(request.args)
    g.search_args = args
    form = SearchForm(formdata=args)
    if not form.validate():
        return render_template(
            "supplier_profiles/find_a_supplier.html",
            form=form,
            search_form=form,
            result=None,
            groups=[],
            chips=[],
            sort_choices=SORT_CHOICES,
        ), 400
    try:
        result = run_search(form, per_page=20)
    except SearchUnavailable:
        current_app.logger.warning("Find a Supplier: search engine unavailable")
        return (
            render_template("supplier_profiles/search_unavailable.html", query=form.text),
            503,
            {"Retry-After": "60"},
        )
    if result.total and form.page_value > result.pages:
        return redirect(page_url(result.pages))
    return render_template(
        "supplier_profiles/find_a_supplier.html",
        notices=notices,
        form=None,
        search_form=form,
        result=result,
        groups=facet_groups(form, result, show_all=frozenset(request.args.getlist("show"))),
        filter_groups=SearchForm.GROUPS,
        chips=selected_filters(form),
        sort_choices=SORT_CHOICES,
        page_url=page_url,
        suggestion_url=(
            url_for(
                "supplier_profiles.find_a_supplier", **args_with(q=result.suggestion, page=None)
            )
            if result.suggestion
            else None
        ),
        clear_url=url_for(
            "supplier_profiles.find_a_supplier", **({"q": form.text} if form.text else {})
        ),
    )


# --- company and case-study pages --------------------------------------------------------------


@bp.route("/suppliers/<slug>")
def company_profile(slug: str):
    """A supplier's public profile with its case studies. A visit from a results page
    (?sid=<search>&pos=<n>) is recorded as a click for the staff search insights."""
    if "sid" in request.args:
        insights.record_click(request.args.get("sid"), request.args.get("pos"))
    company, redirect_response = company_or_redirect(slug, "supplier_profiles.company_profile")
    if redirect_response is not None:
        return redirect_response
    return render_template(
        "supplier_profiles/company.html",
        company=company,
        evidence=verification.verification_evidence(company),
        companies_house=verification.companies_house_check(company),
    )


@bp.route("/suppliers/<slug>/case-studies/<case_slug>")
def case_study(slug: str, case_slug: str):
    """One case study of a supplier, at its canonical URL."""
    company, redirect_response = company_or_redirect(
        slug, "supplier_profiles.case_study", case_slug=case_slug
    )
    if redirect_response is not None:
        return redirect_response
    study = next((s for s in company.case_studies if s.slug == case_slug), None)
    if study is None:
        canonical = slugify(case_slug)
        study = next((s for s in company.case_studies if s.slug == canonical), None)
        if study is None:
            abort(404)
        return redirect(
            url_for("supplier_profiles.case_study", slug=company.slug, case_slug=study.slug),
            code=301,
        )
    return render_template("supplier_profiles/case_study.html", company=company, study=study)


# --- contact a supplier ------------------------------------------------------------------------


@bp.route("/suppliers/<slug>/contact", methods=["GET", "POST"])
def contact_supplier(slug: str):
    """Send a supplier a message; it is stored, mailed to them and confirmed to the buyer."""
    company, redirect_response = company_or_redirect(slug, "supplier_profiles.contact_supplier")
    if redirect_response is not None:
        return redirect_response
    form = ContactSupplierForm()
    if request.method == "GET":
        form.form_token.data = contact.issue_form_token(company)
        if current_user.is_authenticated:
            form.full_name.data = current_user.full_name
            form.email.data = current_user.email
    elif form.validate_on_submit():
        details = contact.EnquiryDetails(
            full_name=form.full_name.data,
            organisation=form.organisation.data,
            country=form.country.data,
            email=form.email.data,
            industry=form.industry.data,
            subject=form.subject.data,
            message=form.message.data,
        )
        with service_call(form=form, field="message") as call:
            contact.send_enquiry(
                company,
                details,
                form_token=form.form_token.data,
                honeypot=form.reference.data,
                sender_ip=request.remote_addr or "",
            )
        if call.ok:
            return redirect(url_for("supplier_profiles.contact_sent", slug=company.slug))
        if str(call.error) == gettext(form_defences.EXPIRED_MESSAGE):
            form.form_token.data = contact.issue_form_token(company)
        if isinstance(call.error, form_defences.RateLimited):
            page = render_template("supplier_profiles/contact.html", company=company, form=form)
            return page, 429, {"Retry-After": str(call.error.retry_after)}
    status = 400 if form.errors else 200
    return render_template("supplier_profiles/contact.html", company=company, form=form), status


@bp.route("/suppliers/<slug>/contact/sent")
def contact_sent(slug: str):
    """Confirmation that the message went."""
    company = publishable_company(slug)
    return render_template("supplier_profiles/contact_sent.html", company=company)


# --- template helpers --------------------------------------------------------------------------


@bp.app_template_global()
def label_for(group: str, code: str | None) -> str:
    """The words for a taxonomy code (industry, region, country, language, company_type ...),
    in the reader's language (from the group's labels kept per language: a results page
    labels about 150 codes)."""
    if code and group in taxonomies.GROUPS:
        known = taxonomies.display_labels(group).get(code)
        if known is not None:
            return known
    return taxonomies.display_label(group, code)


@bp.app_template_global()
def labels_for(group: str, codes) -> str:
    """Several codes' words, comma-separated, in the reader's language."""
    return ", ".join(label_for(group, code) for code in codes or [])
