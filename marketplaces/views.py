"""Public Selling Online Overseas pages: landing, finder, marketplace, compare, cost estimate.

Every page is a GET with shareable URLs and works without JavaScript. Only published
marketplaces and live (published, in-date) offers are ever shown.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from marketplaces import costs
from marketplaces.catalogue import (
    data_last_updated,
    featured_marketplaces,
    get_published,
    live_offers,
    published_marketplaces,
)
from marketplaces.exchange_rates import exchange_rates
from marketplaces.finder import MAX_COMPARE, compare_marketplaces, find_marketplaces
from marketplaces.forms import CostEstimateForm, FinderForm
from tradehub.dates import uk_today
from tradehub.errors import ValidationFailed

bp = Blueprint("marketplaces", __name__, url_prefix="/selling-online-overseas")

PER_PAGE = 10


def _page_number() -> int:
    page = request.args.get("page", default=1, type=int)
    return page if page and page > 0 else 1


@bp.route("/")
def landing():
    """How the service helps, how many marketplaces it covers, and a few to start with."""
    marketplaces = published_marketplaces()
    today = uk_today()
    return render_template(
        "marketplaces/landing.html",
        count=len(marketplaces),
        featured=featured_marketplaces(today=today),
        last_updated=data_last_updated(),
        today=today,
    )


@bp.route("/find")
def finder():
    """Filter, sort and page through the published marketplaces."""
    form = FinderForm(request.args)
    pagination = None
    if form.validate():
        pagination = find_marketplaces(form.to_query(), page=_page_number(), per_page=PER_PAGE)
    return render_template(
        "marketplaces/finder.html",
        form=form,
        pagination=pagination,
        today=uk_today(),
        chosen=list(dict.fromkeys(s for s in request.args.getlist("slug") if s)),
    )


@bp.route("/<slug>")
def marketplace(slug: str):
    """Every fact about one published marketplace, its live UK offers, and how to apply."""
    found = get_published(slug)
    if found is None:
        abort(404)
    return render_template(
        "marketplaces/marketplace.html", marketplace=found, offers=live_offers(found)
    )


@bp.route("/compare")
def compare():
    """Up to four marketplaces side by side: `?slug=a&slug=b`."""
    slugs = [s for s in request.args.getlist("slug") if s]
    error = None
    chosen = []
    try:
        chosen = compare_marketplaces(slugs)
    except ValidationFailed as exc:
        error = str(exc)
    status = 400 if error else 200
    today = uk_today()
    offers = {m.id: live_offers(m, today) for m in chosen}
    return render_template(
        "marketplaces/compare.html",
        marketplaces=chosen,
        offers=offers,
        error=error,
        requested=slugs,
        max_compare=MAX_COMPARE,
    ), status


@bp.route("/cost-estimate")
def cost_estimate():
    """Estimated monthly cost on each marketplace, in pounds, with the assumptions shown."""
    published = published_marketplaces()
    form = CostEstimateForm(request.args)
    form.slug.choices = [(m.slug, m.name) for m in published]
    rates = exchange_rates()
    estimates = None
    # A first visit shows the empty form; any submission is validated and explained.
    if ("monthly_sales" in request.args or "listings" in request.args) and form.validate():
        chosen = set(form.slug.data or [])
        estimates = costs.estimate_all(
            [m for m in published if not chosen or m.slug in chosen],
            form.monthly_sales.data,
            form.listings.data,
            {code: rate.units_per_gbp for code, rate in rates.items()},
        )
    return render_template(
        "marketplaces/cost_estimate.html",
        form=form,
        estimates=estimates,
        rates=sorted(rates.values(), key=lambda r: r.currency),
    )
