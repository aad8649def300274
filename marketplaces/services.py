"""The rules of Selling Online Overseas: loading, drafting, publishing, offers, rates, the finder.

Functions change state, flush, and return; the caller (a view or the CLI) commits once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import wraps
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pycountry
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from marketplaces.models import (
    COMMISSION_BASES,
    FACET_SOURCES,
    FACT_KEYS,
    FEE_FREQUENCIES,
    GLOBAL_MARKER,
    OFFER_KINDS,
    SETUP_REQUIREMENTS,
    TRANSLATION_NEEDS,
    ExchangeRate,
    Marketplace,
    MarketplaceFacet,
    MarketplaceRevision,
    MarketplaceState,
    Offer,
    OfferState,
    RevisionAction,
)
from tradehub.db_types import utcnow
from tradehub.errors import Conflict, NotAllowed, ValidationFailed
from tradehub.extensions import db

DATA_DIR = Path(__file__).parent / "data"
MARKETPLACES_FILE = DATA_DIR / "marketplaces.json"
EXCHANGE_RATES_FILE = DATA_DIR / "exchange_rates.json"
DATA_FILE_SOURCE = "data-file"
UK = ZoneInfo("Europe/London")


def uk_today() -> date:
    """Today's date in the UK: offers start and end on UK dates."""
    return datetime.now(UK).date()


# --- facts: the data-file shape <-> columns ----------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed(f"{value!r} is not a number") from exc


def _number(value: Decimal | None) -> float | int | None:
    """A Decimal as the plain JSON number the data file uses (so diffs compare like with like)."""
    if value is None:
        return None
    return float(value)


def _money_fact(
    amount: Decimal | None,
    currency: str | None,
    frequency: str | None = None,
    with_frequency: bool = False,
) -> dict | None:
    if amount is None:
        return None
    fact: dict[str, Any] = {"amount": _number(amount), "currency": currency}
    if with_frequency:
        fact["frequency"] = frequency
    return fact


def facts_of(marketplace: Marketplace) -> dict[str, Any]:
    """The marketplace's published facts in the data-file shape (the shape drafts and diffs use)."""
    m = marketplace
    commission = None
    if m.commission_low_percent is not None or m.commission_high_percent is not None:
        commission = {
            "low_percent": _number(m.commission_low_percent),
            "high_percent": _number(m.commission_high_percent),
        }
    return {
        "name": m.name,
        "website": m.website,
        "countries": GLOBAL_MARKER if m.is_global else list(m.countries or []),
        "product_categories": list(m.product_categories or []),
        "positioning": list(m.positioning or []),
        "commission": commission,
        "commission_basis": m.commission_basis,
        "one_off_registration_fee": _money_fact(
            m.registration_fee_amount, m.registration_fee_currency
        ),
        "membership_fee": _money_fact(
            m.membership_fee_amount,
            m.membership_fee_currency,
            m.membership_fee_frequency,
            with_frequency=True,
        ),
        "deposit": _money_fact(m.deposit_amount, m.deposit_currency),
        "fee_per_listing": bool(m.fee_per_listing),
        "listing_fee": _money_fact(m.listing_fee_amount, m.listing_fee_currency),
        "payment_days": m.payment_days,
        "payout_currencies": list(m.payout_currencies or []),
        "registered_users_millions": _number(m.registered_users_millions),
        "seller_models": list(m.seller_models or []),
        "fulfilment": list(m.fulfilment or []),
        "upload_methods": list(m.upload_methods or []),
        "customer_support_channels": list(m.customer_support_channels or []),
        "seller_support_channels": list(m.seller_support_channels or []),
        "setup_requirements": list(m.setup_requirements or []),
        "product_exclusivity_required": bool(m.product_exclusivity_required),
        "shipping_tracking_required": bool(m.shipping_tracking_required),
        "translation_required_for": list(m.translation_required_for or []),
        "famous_brands": list(m.famous_brands or []),
    }


def current_facts(marketplace: Marketplace) -> dict[str, Any]:
    """What staff are working on: the draft if there is one, else the published facts."""
    if marketplace.draft_facts is not None:
        return {**facts_of(marketplace), **marketplace.draft_facts}
    return facts_of(marketplace)


def _check_currency(code: Any, where: str) -> str:
    code = str(code or "").strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValidationFailed(
            f"{where}: {code or 'nothing'} is not an ISO 4217 currency code", where
        )
    return code


def _check_country(code: Any, where: str) -> str:
    code = str(code or "").strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValidationFailed(
            f"{where}: {code or 'nothing'} is not an ISO 3166 country code", where
        )
    return code


def _string_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed(f"{where} must be a list of text values", where)
    return [v.strip() for v in value if v.strip()]


def normalise_facts(raw: dict[str, Any]) -> dict[str, Any]:
    """Check a facts dict (from the data file or a staff form) and return it in canonical form.

    Raises ValidationFailed naming the fact when a value has the wrong type or an unknown code.
    """
    facts: dict[str, Any] = {}
    name = str(raw.get("name") or "").strip()
    if not name:
        raise ValidationFailed("name is missing", "name")
    facts["name"] = name
    facts["website"] = str(raw.get("website") or "").strip()

    countries = raw.get("countries")
    if isinstance(countries, str) and countries.strip().upper() == GLOBAL_MARKER:
        facts["countries"] = GLOBAL_MARKER
    else:
        codes = [_check_country(c, "countries") for c in _string_list(countries, "countries")]
        facts["countries"] = sorted(set(codes))

    for key in (
        "product_categories",
        "positioning",
        "seller_models",
        "fulfilment",
        "upload_methods",
        "customer_support_channels",
        "seller_support_channels",
        "famous_brands",
    ):
        facts[key] = _string_list(raw.get(key), key)

    commission = raw.get("commission")
    if commission:
        low = _decimal(commission.get("low_percent"))
        high = _decimal(commission.get("high_percent"))
        if low is None or high is None:
            raise ValidationFailed(
                "commission needs both a low and a high percentage", "commission"
            )
        if not (Decimal(0) <= low <= high <= Decimal(100)):
            raise ValidationFailed(
                "commission must be 0–100% with the low end no higher than the high end",
                "commission",
            )
        facts["commission"] = {"low_percent": float(low), "high_percent": float(high)}
    else:
        facts["commission"] = None

    basis = raw.get("commission_basis") or None
    if basis is not None and basis not in COMMISSION_BASES:
        raise ValidationFailed(f"commission_basis: unknown value {basis!r}", "commission_basis")
    facts["commission_basis"] = basis

    for key, with_frequency in (
        ("one_off_registration_fee", False),
        ("membership_fee", True),
        ("deposit", False),
        ("listing_fee", False),
    ):
        fee = raw.get(key)
        if not fee:
            facts[key] = None
            continue
        amount = _decimal(fee.get("amount"))
        if amount is None or amount < 0:
            raise ValidationFailed(f"{key}: the amount must be zero or more", key)
        fact = {"amount": float(amount), "currency": _check_currency(fee.get("currency"), key)}
        if with_frequency:
            frequency = fee.get("frequency")
            if frequency not in FEE_FREQUENCIES:
                raise ValidationFailed(
                    f"{key}: frequency must be one of {', '.join(FEE_FREQUENCIES)}", key
                )
            fact["frequency"] = frequency
        facts[key] = fact

    facts["fee_per_listing"] = bool(raw.get("fee_per_listing")) or bool(facts["listing_fee"])
    days = raw.get("payment_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        raise ValidationFailed("payment_days must be a whole number of days", "payment_days")
    facts["payment_days"] = days
    facts["payout_currencies"] = sorted(
        {
            _check_currency(c, "payout_currencies")
            for c in _string_list(raw.get("payout_currencies"), "payout_currencies")
        }
    )
    users = _decimal(raw.get("registered_users_millions"))
    if users is not None and users < 0:
        raise ValidationFailed(
            "registered_users_millions must be zero or more", "registered_users_millions"
        )
    facts["registered_users_millions"] = None if users is None else float(users)

    setup = _string_list(raw.get("setup_requirements"), "setup_requirements")
    unknown = [s for s in setup if s not in SETUP_REQUIREMENTS]
    if unknown:
        raise ValidationFailed(
            f"setup_requirements: unknown {', '.join(unknown)}", "setup_requirements"
        )
    facts["setup_requirements"] = setup
    translation = _string_list(raw.get("translation_required_for"), "translation_required_for")
    unknown = [t for t in translation if t not in TRANSLATION_NEEDS]
    if unknown:
        raise ValidationFailed(
            f"translation_required_for: unknown {', '.join(unknown)}", "translation_required_for"
        )
    facts["translation_required_for"] = translation
    facts["product_exclusivity_required"] = bool(raw.get("product_exclusivity_required"))
    facts["shipping_tracking_required"] = bool(raw.get("shipping_tracking_required"))
    return {key: facts[key] for key in FACT_KEYS}


def _fee_columns(fee: dict | None) -> tuple[Decimal | None, str | None]:
    if not fee:
        return None, None
    return _decimal(fee["amount"]), fee["currency"]


def apply_facts(
    marketplace: Marketplace, facts: dict[str, Any], facts_as_of: datetime | None = None
) -> None:
    """Write canonical facts into the columns and rebuild the finder's facet rows."""
    m = marketplace
    m.name = facts["name"]
    m.website = facts["website"]
    m.is_global = facts["countries"] == GLOBAL_MARKER
    m.countries = [] if m.is_global else list(facts["countries"])
    m.product_categories = list(facts["product_categories"])
    m.positioning = list(facts["positioning"])
    commission = facts["commission"] or {}
    m.commission_low_percent = _decimal(commission.get("low_percent"))
    m.commission_high_percent = _decimal(commission.get("high_percent"))
    m.commission_basis = facts["commission_basis"]
    m.registration_fee_amount, m.registration_fee_currency = _fee_columns(
        facts["one_off_registration_fee"]
    )
    m.membership_fee_amount, m.membership_fee_currency = _fee_columns(facts["membership_fee"])
    m.membership_fee_frequency = (facts["membership_fee"] or {}).get("frequency")
    m.deposit_amount, m.deposit_currency = _fee_columns(facts["deposit"])
    m.fee_per_listing = facts["fee_per_listing"]
    m.listing_fee_amount, m.listing_fee_currency = _fee_columns(facts["listing_fee"])
    m.payment_days = facts["payment_days"]
    m.payout_currencies = list(facts["payout_currencies"])
    m.registered_users_millions = _decimal(facts["registered_users_millions"])
    for key in (
        "seller_models",
        "fulfilment",
        "upload_methods",
        "customer_support_channels",
        "seller_support_channels",
        "setup_requirements",
        "translation_required_for",
        "famous_brands",
    ):
        setattr(m, key, list(facts[key]))
    m.product_exclusivity_required = facts["product_exclusivity_required"]
    m.shipping_tracking_required = facts["shipping_tracking_required"]
    # Loaded facts are as old as the file says, not as new as the load; staff edits are now.
    m.facts_updated_at = facts_as_of or utcnow()

    wanted = {
        (facet, value)
        for facet, key in FACET_SOURCES.items()
        for value in ([] if facts[key] == GLOBAL_MARKER else facts[key])
    }
    for row in list(m.facets):
        if (row.facet, row.value) not in wanted:
            m.facets.remove(row)
        else:
            wanted.discard((row.facet, row.value))
    for facet, value in sorted(wanted):
        m.facets.append(MarketplaceFacet(facet=facet, value=value))


def _as_of_moment(as_of: str | None) -> datetime | None:
    """The data file's "as of" ("2017-01" or "2017-01-31") as the start of that day or month."""
    if not as_of:
        return None
    text = as_of if len(as_of) > 7 else f"{as_of}-01"
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    except ValueError as exc:
        raise ValidationFailed(f"'as_of' must be YYYY-MM or YYYY-MM-DD, not {as_of!r}") from exc


def diff_facts(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, dict]:
    """{fact: {"from": old, "to": new}} for every fact that differs (all facts when no before)."""
    before = before or {}
    return {
        key: {"from": before.get(key), "to": after.get(key)}
        for key in FACT_KEYS
        if before.get(key) != after.get(key)
    }


def _record(marketplace: Marketplace, action: RevisionAction, changes: dict, author=None) -> None:
    # Added through the session, not `marketplace.revisions`, so the history is never loaded.
    db.session.add(
        MarketplaceRevision(
            marketplace=marketplace,
            action=action,
            changes=changes,
            author_id=getattr(author, "id", None),
        )
    )


# --- loading the data file ---------------------------------------------------------------------


@dataclass
class LoadResult:
    """What `load_marketplaces` did, for the CLI to report."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_unpublished: list[str] = field(default_factory=list)
    offers_created: int = 0
    offers_updated: int = 0
    offers_withdrawn: int = 0
    as_of: str | None = None

    @property
    def total(self) -> int:
        """Marketplaces in the file."""
        return len(self.created) + len(self.updated) + len(self.unchanged)


def read_data_file(path: Path | str = MARKETPLACES_FILE) -> dict[str, Any]:
    """The parsed data file; ValidationFailed if it is not the expected shape."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("marketplaces"), list):
        raise ValidationFailed(f"{path} has no 'marketplaces' list")
    return data


def load_marketplaces(path: Path | str = MARKETPLACES_FILE) -> LoadResult:
    """Create or update (matched on slug) every marketplace in the file, published, with offers.

    A rerun changes only what differs and records a "loaded" revision for it; drafts staff have
    saved are left alone, and a marketplace staff unpublished stays unpublished.
    """
    data = read_data_file(path)
    result = LoadResult(as_of=data.get("as_of"))
    facts_as_of = _as_of_moment(data.get("as_of"))
    seen: set[str] = set()
    for index, entry in enumerate(data["marketplaces"]):
        slug = str(entry.get("slug") or "").strip()
        if not slug:
            raise ValidationFailed(f"entry {index} has no slug")
        if slug in seen:
            raise ValidationFailed(f"slug {slug!r} appears twice in the file")
        seen.add(slug)
        try:
            facts = normalise_facts(entry)
        except ValidationFailed as exc:
            raise ValidationFailed(f"{slug}: {exc}", exc.field) from exc

        marketplace = db.session.scalar(select(Marketplace).where(Marketplace.slug == slug))
        if marketplace is None:
            marketplace = Marketplace(slug=slug, name=facts["name"], state=MarketplaceState.DRAFT)
            db.session.add(marketplace)
            apply_facts(marketplace, facts, facts_as_of)
            _record(marketplace, RevisionAction.LOADED, diff_facts(None, facts))
            result.created.append(slug)
        else:
            changes = diff_facts(facts_of(marketplace), facts)
            if changes:
                apply_facts(marketplace, facts, facts_as_of)
                _record(marketplace, RevisionAction.LOADED, changes)
                result.updated.append(slug)
            else:
                result.unchanged.append(slug)
        # New and never-published marketplaces go live; one staff unpublished stays hidden.
        if marketplace.state == MarketplaceState.DRAFT:
            marketplace.state = MarketplaceState.PUBLISHED
            marketplace.published_at = utcnow()
            _record(marketplace, RevisionAction.PUBLISHED, {})
        elif marketplace.state == MarketplaceState.UNPUBLISHED:
            result.kept_unpublished.append(slug)
        _load_offer(marketplace, entry.get("uk_offer"), result)
    db.session.flush()
    return result


def _load_offer(marketplace: Marketplace, raw: dict | None, result: LoadResult) -> None:
    offer = next((o for o in marketplace.offers if o.source == DATA_FILE_SOURCE), None)
    if not raw:
        if offer is not None and offer.state == OfferState.PUBLISHED:
            offer.state = OfferState.UNPUBLISHED
            result.offers_withdrawn += 1
        return
    kind = raw.get("kind") if raw.get("kind") in OFFER_KINDS else "other"
    summary = str(raw.get("summary") or "").strip()
    if not summary:
        raise ValidationFailed(f"{marketplace.slug}: the UK offer has no summary", "uk_offer")
    badge = f"UK offer: {OFFER_KINDS[kind].lower()}"
    if offer is None:
        marketplace.offers.append(
            Offer(
                kind=kind,
                badge_text=badge,
                summary=summary,
                source=DATA_FILE_SOURCE,
                terms=str(raw.get("terms") or ""),
                eligibility=str(raw.get("eligibility") or ""),
                state=OfferState.PUBLISHED,
                published_at=utcnow(),
            )
        )
        result.offers_created += 1
        return
    # The file owns the offer's wording; staff own whether it is shown, so a rerun never
    # republishes an offer staff unpublished.
    if (offer.kind, offer.summary) != (kind, summary):
        offer.kind, offer.summary, offer.badge_text = kind, summary, badge
        result.offers_updated += 1


# --- exchange rates ----------------------------------------------------------------------------


def load_exchange_rates(path: Path | str = EXCHANGE_RATES_FILE) -> tuple[int, int]:
    """Add the seed rates for currencies that have none; never overwrite a staff-edited rate.

    Returns (added, kept).
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"cannot read {path}: {exc}") from exc
    source = f"{data['source']}, as of {data['as_of']}"
    as_of = date.fromisoformat(data["as_of"])
    existing = {r.currency for r in db.session.scalars(select(ExchangeRate))}
    added = kept = 0
    for code, rate in sorted(data["rates_per_gbp"].items()):
        code = _check_currency(code, "exchange rates")
        if code in existing:
            kept += 1
            continue
        value = _decimal(rate)
        if value is None or value <= 0:
            raise ValidationFailed(f"exchange rate for {code} must be positive")
        db.session.add(ExchangeRate(currency=code, units_per_gbp=value, source=source, as_of=as_of))
        added += 1
    db.session.flush()
    return added, kept


def exchange_rates() -> dict[str, ExchangeRate]:
    """Every stored rate by currency code."""
    return {r.currency: r for r in db.session.scalars(select(ExchangeRate))}


def _stale_guard(obj, expected_version: int | None, what: str) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(
            f"Someone else changed this {what} while you were editing it. "
            "Reload the page to see their changes, then make yours again."
        )


def flush_or_conflict(what: str) -> None:
    """Flush; turn a lost optimistic-lock race (another process committed first) into Conflict."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(
            f"Someone else changed this {what} at the same time. "
            "Reload the page to see their changes, then make yours again."
        ) from exc


def versioned_write(what: str):
    """Run a service without autoflush, then flush once, turning a lost race into Conflict.

    Without this, a lazy load in the middle of a change could flush early and raise SQLAlchemy's
    StaleDataError instead of our Conflict.
    """

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            with db.session.no_autoflush:
                result = func(*args, **kwargs)
            flush_or_conflict(what)
            return result

        return wrapper

    return decorator


@versioned_write("exchange rate")
def update_exchange_rate(
    currency: str,
    units_per_gbp: Decimal,
    source: str,
    as_of: date | None,
    actor,
    expected_version: int | None = None,
) -> ExchangeRate:
    """Add a rate (no `expected_version`) or change one; positive, ISO 4217 code."""
    code = _check_currency(currency, "currency")
    if code == "GBP":
        raise ValidationFailed("Pounds need no exchange rate", "currency")
    if units_per_gbp is None or units_per_gbp <= 0:
        raise ValidationFailed("Enter a rate greater than 0", "units_per_gbp")
    rate = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == code))
    if rate is None:
        rate = ExchangeRate(currency=code)
        db.session.add(rate)
    elif expected_version is None:
        raise ValidationFailed(
            f"There is already a rate for {code}: change that one instead", "currency"
        )
    else:
        _stale_guard(rate, expected_version, "exchange rate")
    rate.units_per_gbp = units_per_gbp
    rate.source = source.strip()
    rate.as_of = as_of
    rate.updated_by_id = getattr(actor, "id", None)
    return rate


# --- what the public may see -------------------------------------------------------------------


def live_offer_clause(today: date):
    """SQL condition: the offer is published and valid on `today`."""
    return and_(
        Offer.state == OfferState.PUBLISHED,
        or_(Offer.valid_from.is_(None), Offer.valid_from <= today),
        or_(Offer.valid_until.is_(None), Offer.valid_until >= today),
    )


def live_offers(marketplace: Marketplace, today: date | None = None) -> list[Offer]:
    """The marketplace's offers the public may see today (none if it is not published)."""
    if not marketplace.is_published:
        return []
    today = today or uk_today()
    return [o for o in marketplace.offers if o.is_live(today)]


def published_marketplaces() -> Sequence[Marketplace]:
    """Every published marketplace, by name."""
    return db.session.scalars(
        select(Marketplace)
        .where(Marketplace.state == MarketplaceState.PUBLISHED)
        .options(selectinload(Marketplace.offers))
        .order_by(func.lower(Marketplace.name))
    ).all()


def get_published(slug: str) -> Marketplace | None:
    """A published marketplace by slug, or None."""
    return db.session.scalar(
        select(Marketplace)
        .where(Marketplace.slug == slug, Marketplace.state == MarketplaceState.PUBLISHED)
        .options(selectinload(Marketplace.offers))
    )


def data_last_updated() -> datetime | None:
    """When the published marketplace facts last changed."""
    return db.session.scalar(
        select(func.max(Marketplace.facts_updated_at)).where(
            Marketplace.state == MarketplaceState.PUBLISHED
        )
    )


def featured_marketplaces(limit: int = 3) -> Sequence[Marketplace]:
    """A few published marketplaces to show first: those with a live UK offer, most users first."""
    has_offer = exists().where(
        Offer.marketplace_id == Marketplace.id, live_offer_clause(uk_today())
    )
    return db.session.scalars(
        select(Marketplace)
        .where(Marketplace.state == MarketplaceState.PUBLISHED)
        .options(selectinload(Marketplace.offers))
        .order_by(
            case((has_offer, 0), else_=1),
            Marketplace.registered_users_millions.desc().nulls_last(),
            func.lower(Marketplace.name),
        )
        .limit(limit)
    ).all()


# --- the finder --------------------------------------------------------------------------------

SORTS = {
    "relevance": "Relevance",
    "users": "Registered users (most first)",
    "commission": "Commission (lowest first)",
    "name": "Name (A to Z)",
}


@dataclass
class FinderQuery:
    """The finder's filters: OR within a group, AND across groups."""

    categories: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    positioning: list[str] = field(default_factory=list)
    fulfilment: list[str] = field(default_factory=list)
    seller_models: list[str] = field(default_factory=list)
    uk_offer: bool = False
    no_local_company: bool = False
    no_local_bank_account: bool = False
    sort: str = "relevance"


def _facet_exists(facet: str, values: Iterable[str]):
    return exists().where(
        MarketplaceFacet.marketplace_id == Marketplace.id,
        MarketplaceFacet.facet == facet,
        MarketplaceFacet.value.in_(list(values)),
    )


def finder_select(query: FinderQuery, today: date | None = None):
    """The SELECT for published marketplaces matching `query`, in the chosen order."""
    today = today or uk_today()
    stmt = select(Marketplace).where(Marketplace.state == MarketplaceState.PUBLISHED)
    if query.categories:
        stmt = stmt.where(_facet_exists("category", query.categories))
    if query.countries:
        stmt = stmt.where(
            or_(Marketplace.is_global.is_(True), _facet_exists("country", query.countries))
        )
    if query.positioning:
        stmt = stmt.where(_facet_exists("positioning", query.positioning))
    if query.fulfilment:
        stmt = stmt.where(_facet_exists("fulfilment", query.fulfilment))
    if query.seller_models:
        stmt = stmt.where(_facet_exists("seller_model", query.seller_models))
    has_offer = exists().where(Offer.marketplace_id == Marketplace.id, live_offer_clause(today))
    if query.uk_offer:
        stmt = stmt.where(has_offer)
    if query.no_local_company:
        stmt = stmt.where(~_facet_exists("setup", ["local_company"]))
    if query.no_local_bank_account:
        stmt = stmt.where(~_facet_exists("setup", ["local_bank_account"]))

    users = Marketplace.registered_users_millions.desc().nulls_last()
    if query.sort == "name":
        order = [func.lower(Marketplace.name)]
    elif query.sort == "users":
        order = [users, func.lower(Marketplace.name)]
    elif query.sort == "commission":
        order = [
            Marketplace.commission_low_percent.asc().nulls_last(),
            Marketplace.commission_high_percent.asc().nulls_last(),
            func.lower(Marketplace.name),
        ]
    else:
        # Relevance: marketplaces matching more of the chosen categories and countries first
        # (a marketplace selling in the very country ranks above a global one), then those with
        # a UK offer, then the biggest audiences.
        score = []
        for value in query.categories:
            score.append(case((_facet_exists("category", [value]), 1), else_=0))
        for value in query.countries:
            score.append(case((_facet_exists("country", [value]), 1), else_=0))
        order = []
        if score:
            total = score[0]
            for term in score[1:]:
                total = total + term
            order.append(total.desc())
        order += [case((has_offer, 0), else_=1), users, func.lower(Marketplace.name)]
    return stmt.options(selectinload(Marketplace.offers)).order_by(*order)


def find_marketplaces(query: FinderQuery, page: int = 1, per_page: int = 10):
    """One page of matching published marketplaces (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(
        finder_select(query), page=page, per_page=per_page, error_out=False, max_per_page=100
    )


def facet_choices(facet: str) -> list[str]:
    """The values of one facet that published marketplaces use, for the finder's options."""
    return list(
        db.session.scalars(
            select(MarketplaceFacet.value)
            .join(Marketplace)
            .where(Marketplace.state == MarketplaceState.PUBLISHED, MarketplaceFacet.facet == facet)
            .distinct()
            .order_by(MarketplaceFacet.value)
        )
    )


def country_name(code: str) -> str:
    """The English short name of an ISO 3166 alpha-2 code (the code itself if unknown)."""
    if code == GLOBAL_MARKER:
        return "Worldwide"
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


MAX_COMPARE = 4


def compare_marketplaces(slugs: list[str]) -> list[Marketplace]:
    """The published marketplaces named, in the order given; unknown or unpublished ones dropped."""
    slugs = list(dict.fromkeys(slugs))  # the same marketplace twice counts once
    if len(slugs) > MAX_COMPARE:
        raise ValidationFailed(
            f"You can compare up to {MAX_COMPARE} marketplaces at a time. "
            f"You chose {len(slugs)}: remove "
            f"{len(slugs) - MAX_COMPARE} to continue.",
            "slug",
        )
    found = {
        m.slug: m
        for m in db.session.scalars(
            select(Marketplace)
            .where(Marketplace.slug.in_(slugs), Marketplace.state == MarketplaceState.PUBLISHED)
            .options(selectinload(Marketplace.offers))
        )
    }
    ordered: list[Marketplace] = []
    for slug in slugs:
        if slug in found and found[slug] not in ordered:
            ordered.append(found[slug])
    return ordered


# --- staff: drafts, publishing, offers ---------------------------------------------------------

REQUIRED_AT_PUBLISH = {
    "name": "a name",
    "website": "a website address",
    "countries": "at least one country (or worldwide)",
    "product_categories": "at least one product category",
    "positioning": "at least one market positioning",
    "commission": "a commission range (0% to 0% if it charges none)",
    "payment_days": "how many days until sellers are paid",
    "payout_currencies": "at least one payout currency",
    "seller_models": "at least one seller model",
    "fulfilment": "at least one fulfilment model",
    "upload_methods": "at least one way to upload products",
    "seller_support_channels": "at least one seller support channel",
}


def missing_for_publication(facts: dict[str, Any]) -> list[str]:
    """What a marketplace still needs before it can be published, in words staff understand."""
    missing = []
    for key, words in REQUIRED_AT_PUBLISH.items():
        value = facts.get(key)
        if value is None or value == "" or value == []:
            missing.append(words)
    fee = facts.get("membership_fee")
    if fee and not fee.get("frequency"):
        missing.append("how often the membership fee is charged")
    return missing


class PublishBlocked(ValidationFailed):
    """Publishing was refused; `missing` lists the facts still needed."""

    def __init__(self, missing: list[str]):
        super().__init__(
            "The marketplace cannot be published until it has: " + "; ".join(missing) + "."
        )
        self.missing = missing


def create_marketplace(name: str, slug: str, actor) -> Marketplace:
    """A new draft marketplace with only a name and a slug; staff fill in the facts."""
    slug = slug.strip().lower()
    if db.session.scalar(select(Marketplace.id).where(Marketplace.slug == slug)) is not None:
        raise ValidationFailed("A marketplace with this web address name already exists", "slug")
    marketplace = Marketplace(slug=slug, name=name.strip(), state=MarketplaceState.DRAFT)
    db.session.add(marketplace)
    facts = facts_of(marketplace) | {
        "name": name.strip(),
        "website": "",
        "countries": [],
        "fee_per_listing": False,
        "product_exclusivity_required": False,
        "shipping_tracking_required": False,
    }
    for key in (
        "product_categories",
        "positioning",
        "payout_currencies",
        "seller_models",
        "fulfilment",
        "upload_methods",
        "customer_support_channels",
        "seller_support_channels",
        "setup_requirements",
        "translation_required_for",
        "famous_brands",
    ):
        facts[key] = []
    marketplace.draft_facts = facts
    _record(marketplace, RevisionAction.CREATED, diff_facts(None, facts), actor)
    db.session.flush()
    return marketplace


@versioned_write("marketplace")
def save_draft(
    marketplace: Marketplace, raw_facts: dict[str, Any], actor, expected_version: int
) -> Marketplace:
    """Keep staff edits as a draft (the public page is unchanged until published)."""
    _stale_guard(marketplace, expected_version, "marketplace")
    facts = normalise_facts(raw_facts)
    before = current_facts(marketplace)
    changes = diff_facts(before, facts)
    if not changes:
        return marketplace
    published = facts_of(marketplace)
    marketplace.draft_facts = None if (marketplace.is_published and facts == published) else facts
    _record(marketplace, RevisionAction.DRAFT_SAVED, changes, actor)
    return marketplace


@versioned_write("marketplace")
def discard_draft(marketplace: Marketplace, actor, expected_version: int) -> Marketplace:
    """Throw away unpublished edits, going back to the published facts."""
    _stale_guard(marketplace, expected_version, "marketplace")
    if marketplace.draft_facts is None:
        raise NotAllowed("There is no draft to discard.")
    if marketplace.published_at is None:
        raise NotAllowed("This marketplace has never been published, so its draft is all it has.")
    changes = diff_facts(marketplace.draft_facts, facts_of(marketplace))
    marketplace.draft_facts = None
    _record(marketplace, RevisionAction.DRAFT_DISCARDED, changes, actor)
    return marketplace


def changes_since_publication(marketplace: Marketplace) -> dict[str, dict]:
    """What the draft changes compared with the published page ({} when nothing)."""
    if marketplace.draft_facts is None:
        return {}
    if marketplace.published_at is None:
        return diff_facts(None, current_facts(marketplace))
    return diff_facts(facts_of(marketplace), current_facts(marketplace))


@versioned_write("marketplace")
def publish_marketplace(marketplace: Marketplace, actor, expected_version: int) -> Marketplace:
    """Check the required facts, then make the draft (or the current facts) public."""
    _stale_guard(marketplace, expected_version, "marketplace")
    facts = current_facts(marketplace)
    missing = missing_for_publication(facts)
    if missing:
        raise PublishBlocked(missing)
    if marketplace.is_published and marketplace.draft_facts is None:
        raise NotAllowed("This marketplace is already published and has no unpublished changes.")
    changes = diff_facts(None if marketplace.published_at is None else facts_of(marketplace), facts)
    apply_facts(marketplace, facts)
    marketplace.draft_facts = None
    marketplace.state = MarketplaceState.PUBLISHED
    marketplace.published_at = utcnow()
    marketplace.published_by_id = getattr(actor, "id", None)
    _record(marketplace, RevisionAction.PUBLISHED, changes, actor)
    return marketplace


@versioned_write("marketplace")
def unpublish_marketplace(marketplace: Marketplace, actor, expected_version: int) -> Marketplace:
    """Hide a marketplace (and so its offers) from every public page and the API."""
    _stale_guard(marketplace, expected_version, "marketplace")
    if not marketplace.is_published:
        raise NotAllowed("This marketplace is not published.")
    marketplace.state = MarketplaceState.UNPUBLISHED
    _record(marketplace, RevisionAction.UNPUBLISHED, {}, actor)
    return marketplace


def _check_offer_dates(valid_from: date | None, valid_until: date | None) -> None:
    if valid_from and valid_until and valid_until <= valid_from:
        raise ValidationFailed("The end date must be after the start date", "valid_until")


@versioned_write("offer")
def save_offer(
    marketplace: Marketplace,
    offer: Offer | None,
    actor,
    *,
    kind: str,
    badge_text: str,
    summary: str,
    terms: str,
    eligibility: str,
    valid_from: date | None,
    valid_until: date | None,
    expected_version: int | None = None,
) -> Offer:
    """Create an offer as a draft, or change one (a published offer stays published)."""
    if kind not in OFFER_KINDS:
        raise ValidationFailed("Choose what kind of offer this is", "kind")
    _check_offer_dates(valid_from, valid_until)
    if offer is None:
        offer = Offer(state=OfferState.DRAFT)
        marketplace.offers.append(offer)
    else:
        if offer.marketplace_id != marketplace.id:
            raise NotAllowed("This offer belongs to another marketplace.")
        _stale_guard(offer, expected_version, "offer")
    offer.kind = kind
    offer.badge_text = badge_text.strip()
    offer.summary = summary.strip()
    offer.terms = terms.strip()
    offer.eligibility = eligibility.strip()
    offer.valid_from = valid_from
    offer.valid_until = valid_until
    offer.updated_by_id = getattr(actor, "id", None)
    return offer


@versioned_write("offer")
def publish_offer(offer: Offer, actor, expected_version: int) -> Offer:
    """Make an offer public (it shows only between its valid-from and valid-until dates)."""
    _stale_guard(offer, expected_version, "offer")
    if offer.state == OfferState.PUBLISHED:
        raise NotAllowed("This offer is already published.")
    _check_offer_dates(offer.valid_from, offer.valid_until)
    if offer.valid_until is not None and offer.valid_until < uk_today():
        raise ValidationFailed(
            f"This offer ended on {offer.valid_until:%-d %B %Y}: change its end date to publish it",
            "valid_until",
        )
    offer.state = OfferState.PUBLISHED
    offer.published_at = utcnow()
    offer.updated_by_id = getattr(actor, "id", None)
    return offer


@versioned_write("offer")
def unpublish_offer(offer: Offer, actor, expected_version: int) -> Offer:
    """Hide an offer from every public page and the API."""
    _stale_guard(offer, expected_version, "offer")
    if offer.state != OfferState.PUBLISHED:
        raise NotAllowed("This offer is not published.")
    offer.state = OfferState.UNPUBLISHED
    offer.updated_by_id = getattr(actor, "id", None)
    return offer
