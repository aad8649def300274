"""factory_boy factories for every model the tests make: one module, one CompanyFactory.

Company variants are subclasses: `VerifiedCompanyFactory` and `PublishedCompanyFactory` for the
publish states, `SearchCompanyFactory` for the search tests' engineering exporter in London, and
`ApplicantCompanyFactory` for a registered company that applies to marketplaces.
"""

from __future__ import annotations

import random
from datetime import timedelta

import factory
import pyotp
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import insert, text

from marketplaces.applications.deadlines import response_due_at
from marketplaces.applications.models import Application, ApplicationStatus, PartnerAccount
from marketplaces.facts import apply_facts, normalise_facts
from marketplaces.models import Marketplace, MarketplaceState, Offer, OfferState
from supplier_profiles.buyers.models import (
    BuyingRequest,
    BuyingRequestResponse,
    RequestStatus,
    ResponseNotice,
)
from supplier_profiles.models import (
    CaseStudy,
    Company,
    CompanyMember,
    Enquiry,
    EnquiryStatus,
    MemberRole,
)
from tradehub.accounts.models import SECOND_FACTOR_ROLES, Role, User
from tradehub.accounts.passwords import TESTING_HASHER
from tradehub.db_types import utcnow
from tradehub.extensions import db

_PASSWORD_HASH: dict[str, str] = {}


def password_hash(password: str = "correct horse battery staple") -> str:  # noqa: S107
    """Hash once per password per run, with the cheap test parameters (what TESTING apps use)."""
    if password not in _PASSWORD_HASH:
        _PASSWORD_HASH[password] = TESTING_HASHER.hash(password)
    return _PASSWORD_HASH[password]


class BaseFactory(SQLAlchemyModelFactory):
    """Adds to the app's session and flushes; tests commit when they need to."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


# --- accounts --------------------------------------------------------------------------------


class UserFactory(BaseFactory):
    """A confirmed exporter whose password is the shared test password."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name", locale="en_GB")
    password_hash = factory.LazyFunction(password_hash)
    role = Role.EXPORTER
    email_confirmed_at = factory.LazyFunction(utcnow)
    # Staff, partners and admins must have a second factor: they get an authenticator app
    # (tests compute its codes with pyotp; `tests.conftest.sign_in` does so).
    totp_secret = factory.LazyAttribute(
        lambda user: pyotp.random_base32(32) if user.role in SECOND_FACTOR_ROLES else None
    )
    totp_enabled_at = factory.LazyAttribute(lambda user: utcnow() if user.totp_secret else None)


# --- supplier profiles -----------------------------------------------------------------------


class CompanyFactory(BaseFactory):
    """A company without a Companies House number; pass owner=user to make them its owner."""

    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Pennine Precision {n} Ltd")
    slug = factory.Sequence(lambda n: f"pennine-precision-{n}")
    company_type = "SOLE_TRADER"
    summary = "Precision-machined parts for aerospace and rail"
    description = "We machine small batches of complex parts to tight tolerances."
    email = factory.Sequence(lambda n: f"sales{n}@pennine.example")
    region = "YORKSHIRE_AND_HUMBER"
    industries = factory.LazyFunction(lambda: ["AEROSPACE"])
    export_countries = factory.LazyFunction(lambda: ["FR", "DE"])
    languages = factory.LazyFunction(lambda: ["en"])
    verification_code = "ABCDEFGHJKLM"
    verification_code_issued_at = factory.LazyFunction(utcnow)
    owner = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        owner = kwargs.pop("owner", None)
        company = super()._create(model_class, *args, **kwargs)
        if owner is not None:
            company.members.append(CompanyMember(user_id=owner.id, role=MemberRole.OWNER))
            cls._meta.sqlalchemy_session_factory().flush()
        return company


class VerifiedCompanyFactory(CompanyFactory):
    """Verified and ready to publish."""

    verified_at = factory.LazyFunction(utcnow)
    verification_code = None


class PublishedCompanyFactory(VerifiedCompanyFactory):
    """Verified and published: buyers and search see it."""

    published = True
    published_at = factory.LazyFunction(utcnow)


class SearchCompanyFactory(PublishedCompanyFactory):
    """A publishable London engineering exporter with no keywords: what the search tests vary."""

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    company_type = "COMPANIES_HOUSE"
    summary = "Precision engineering for export markets."
    description = "Family firm since 1965."
    email = ""
    employees = "11-50"
    region = "LONDON"
    industries = factory.LazyFunction(lambda: ["MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING"])
    export_countries = factory.LazyFunction(lambda: ["FR"])
    keywords = factory.LazyFunction(list)
    products_services = factory.LazyFunction(list)
    verification_code_issued_at = None


class ApplicantCompanyFactory(CompanyFactory):
    """A registered company whose owner is `owner` (an exporter made for it unless given)."""

    name = factory.Sequence(lambda n: f"Harbour Knitwear {n} Ltd")
    slug = factory.Sequence(lambda n: f"harbour-knitwear-{n}")
    company_type = "COMPANIES_HOUSE"
    number = factory.Sequence(lambda n: f"{n:08d}")
    website = "https://knitwear.example"
    employees = "11-50"
    postal_code = "TR18 4AA"
    owner = factory.SubFactory(UserFactory, role=Role.EXPORTER)
    # A bare registration: applying needs none of the profile a draft company has.
    summary = ""
    description = ""
    email = ""
    region = ""
    industries = factory.LazyFunction(list)
    export_countries = factory.LazyFunction(list)
    languages = factory.LazyFunction(list)
    verification_code = None
    verification_code_issued_at = None


class CaseStudyFactory(BaseFactory):
    """A case study of a (draft) company."""

    class Meta:
        model = CaseStudy

    company = factory.SubFactory(CompanyFactory)
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    title = factory.Sequence(lambda n: f"Landing gear brackets {n}")
    summary = "Brackets for a regional aircraft programme"
    description = "We cut lead times by a third."
    industry = "AEROSPACE"
    keywords = factory.LazyFunction(lambda: ["brackets"])


class SearchCaseStudyFactory(BaseFactory):
    """A case study of a publishable company, with neutral text for the search tests."""

    class Meta:
        model = CaseStudy

    company = factory.SubFactory(SearchCompanyFactory)
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    title = factory.Sequence(lambda n: f"Case study {n}")
    summary = "What we did."
    description = "How we did it."
    keywords = factory.LazyFunction(list)


class EnquiryFactory(BaseFactory):
    """A new enquiry from a French buyer."""

    class Meta:
        model = Enquiry

    company = factory.SubFactory(CompanyFactory)
    full_name = "Marie Dubois"
    organisation = "Aéro Composants SA"
    country = "FR"
    email = factory.Sequence(lambda n: f"buyer{n}@aero.example")
    industry = "AEROSPACE"
    subject = "Quotation for machined brackets"
    message = "Could you quote for 500 brackets a month?"
    status = EnquiryStatus.NEW
    sender_ip = "203.0.113.7"


# --- buyers (#11) ----------------------------------------------------------------------------


class BuyerFactory(UserFactory):
    """A confirmed overseas buyer account."""

    role = Role.BUYER
    email = factory.Sequence(lambda n: f"buyer{n}@importer.example")


class BuyingRequestFactory(BaseFactory):
    """An approved, open request for cheese, due in 30 days; pass buyer=user."""

    class Meta:
        model = BuyingRequest

    buyer = factory.SubFactory(BuyerFactory)
    title = "Farmhouse cheddar for delicatessens"
    description = "Mature farmhouse cheddar in 2 kg truckles, for 12 delicatessens in Paris."
    industry = "FOOD_AND_DRINK"
    quantity = 400
    unit = "kilograms"
    destination_country = "FR"
    deadline = factory.LazyFunction(lambda: utcnow().date() + timedelta(days=30))
    response_notice = ResponseNotice.EACH
    status = RequestStatus.OPEN
    approved_at = factory.LazyFunction(utcnow)


class BuyingRequestResponseFactory(BaseFactory):
    """A supplier's answer; pass request= and company=."""

    class Meta:
        model = BuyingRequestResponse

    message = "We make 2 kg truckles of mature cheddar and ship to France every week."
    price = "£14.50 a kilogram, delivered"
    lead_time = "2 weeks"
    minimum_order = "100 kilograms"


# Words for bulk-generated profiles: every company gets one of each list, chosen deterministically.
_ADJECTIVES = (
    "Northern",
    "Coastal",
    "Highland",
    "Valley",
    "Harbour",
    "Meadow",
    "Granite",
    "Riverside",
    "Summit",
    "Copper",
    "Oakwood",
    "Silver",
)
_TRADES = (
    "Engineering",
    "Foods",
    "Textiles",
    "Robotics",
    "Ceramics",
    "Logistics",
    "Brewing",
    "Optics",
    "Furniture",
    "Marine",
    "Software",
    "Packaging",
)
_INDUSTRIES = (
    "AEROSPACE",
    "FOOD_AND_DRINK",
    "CLOTHING_FOOTWEAR_AND_FASHION",
    "CREATIVE_AND_MEDIA",
    "SOFTWARE_AND_COMPUTER_SERVICES",
    "MARINE",
)
_REGIONS = ("LONDON", "SCOTLAND", "WALES", "NORTH_WEST", "SOUTH_WEST", "NORTHERN_IRELAND")
_COUNTRIES = ("FR", "DE", "US", "JP", "AE", "IN", "BR", "CN")
_BANDS = ("1-10", "11-50", "51-200", "201-500")


def company_rows(count: int, start: int = 1, seed: int = 7) -> list[dict]:
    """`count` publishable companies as column dicts (ids from `start`), deterministic."""
    rng = random.Random(seed)
    now = utcnow()
    rows = []
    for number in range(start, start + count):
        trade = _TRADES[number % len(_TRADES)]
        rows.append(
            {
                "id": number,
                "slug": f"bulk-company-{number}",
                "name": f"{_ADJECTIVES[number % len(_ADJECTIVES)]} {trade} {number}",
                "company_type": "COMPANIES_HOUSE",
                "summary": f"{trade} exporters serving {rng.choice(_COUNTRIES)} and beyond.",
                "description": f"Established {1950 + number % 70}; specialists in {trade.lower()}.",
                "employees": _BANDS[number % len(_BANDS)],
                "region": _REGIONS[number % len(_REGIONS)],
                "industries": [_INDUSTRIES[number % len(_INDUSTRIES)]],
                "export_countries": sorted(
                    {_COUNTRIES[number % len(_COUNTRIES)], rng.choice(_COUNTRIES)}
                ),
                "languages": ["en"],
                "keywords": [trade.lower(), "export"],
                "products_services": [],
                "sic_codes": [],
                "published": True,
                "published_at": now,
                "verified_at": now,
                "created_at": now,
                "updated_at": now - timedelta(minutes=number),
            }
        )
    return rows


def bulk_insert_companies(count: int, start: int = 1) -> list[dict]:
    """Insert `count` publishable companies in one executemany per 1,000; commits."""
    rows = company_rows(count, start)
    for offset in range(0, len(rows), 1000):
        db.session.execute(insert(Company), rows[offset : offset + 1000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Explicit ids leave the sequence behind; move it so later inserts do not collide.
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('companies', 'id'),"
                " (SELECT max(id) FROM companies))"
            )
        )
        db.session.commit()
    return rows


# --- marketplaces ----------------------------------------------------------------------------


def marketplace_facts(**overrides) -> dict:
    """A complete, publishable set of facts in the data-file shape."""
    facts = {
        "name": "Example Market",
        "website": "https://market.example",
        "countries": ["FR", "DE"],
        "product_categories": ["Clothing and accessories", "Home and lifestyle"],
        "positioning": ["Mid-Range"],
        "commission": {"low_percent": 8.0, "high_percent": 15.0},
        "commission_basis": "category_dependent",
        "one_off_registration_fee": None,
        "membership_fee": None,
        "deposit": None,
        "fee_per_listing": False,
        "listing_fee": None,
        "payment_days": 14,
        "payout_currencies": ["EUR", "GBP"],
        "registered_users_millions": 10.0,
        "seller_models": ["Seller"],
        "fulfilment": ["Fulfilled by seller"],
        "upload_methods": ["API"],
        "customer_support_channels": ["Email"],
        "seller_support_channels": ["Email", "Telephone"],
        "setup_requirements": [],
        "product_exclusivity_required": False,
        "shipping_tracking_required": True,
        "translation_required_for": ["product_content"],
        "famous_brands": [],
    }
    facts.update(overrides)
    return facts


class MarketplaceFactory(BaseFactory):
    """A published marketplace; pass `facts={...}` to change any fact in the data-file shape."""

    class Meta:
        model = Marketplace

    slug = factory.Sequence(lambda n: f"market-{n}")
    name = factory.Sequence(lambda n: f"Market {n}")
    state = MarketplaceState.PUBLISHED
    published_at = factory.LazyFunction(utcnow)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        facts = marketplace_facts(name=kwargs["name"])
        facts.update(kwargs.pop("facts", None) or {})
        obj = model_class(*args, **kwargs)
        apply_facts(obj, normalise_facts(facts))
        session = cls._meta.sqlalchemy_session_factory()
        session.add(obj)
        session.flush()
        return obj


class OfferFactory(BaseFactory):
    """A published UK offer with no end date."""

    class Meta:
        model = Offer

    marketplace = factory.SubFactory(MarketplaceFactory)
    kind = "commission_reduction"
    badge_text = "UK offer: reduced commission"
    summary = factory.Sequence(lambda n: f"Commission 2 points lower for UK sellers ({n})")
    terms = "For new sellers only."
    eligibility = "UK-registered companies."
    state = OfferState.PUBLISHED
    valid_from = None
    valid_until = None


# Timestamps each state implies, so an application made in any state is consistent.
_SUBMITTED_STATES = set(ApplicationStatus) - {ApplicationStatus.DRAFT}
_REFERRED_STATES = {ApplicationStatus.REFERRED, ApplicationStatus.ACCEPTED}


class ApplicationFactory(BaseFactory):
    """A complete application (all four steps answered) in `status` (draft by default).

    `applicant` is the company's owner. Pass `referred=True` for a declined or withdrawn
    application that had reached the marketplace.
    """

    class Meta:
        model = Application

    marketplace = factory.SubFactory(MarketplaceFactory)
    company = factory.SubFactory(ApplicantCompanyFactory)
    applicant_id = factory.LazyAttribute(lambda o: o.company.members[0].user_id)
    status = ApplicationStatus.DRAFT
    contact_name = "Morwenna Trevithick"
    contact_job_title = "Director"
    contact_email = factory.Sequence(lambda n: f"morwenna{n}@knitwear.example")
    contact_phone = "01632 960 001"
    business_name = factory.LazyAttribute(lambda o: o.company.name)
    company_number = factory.LazyAttribute(lambda o: o.company.number or "")
    company_type = "COMPANIES_HOUSE"
    website = "https://knitwear.example"
    employees = "11-50"
    turnover = "500k_1m"
    postcode = "TR18 4AA"
    sku_count = 120
    has_trademarks = True
    trademarks = "HARBOUR (UK00003123456, EU 018123456)"
    product_description = "Hand-finished wool jumpers and scarves knitted in Cornwall."
    product_categories = factory.LazyFunction(lambda: ["Clothing and accessories"])
    export_experience = "offline"
    marketplaces_used = ""
    pitch = "Our jumpers sell well to visitors from France and Germany; we ship within 2 days."
    steps_completed = 4
    referred = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        referred = kwargs.pop("referred", False)
        status = kwargs.get("status", ApplicationStatus.DRAFT)
        now = utcnow()
        if status in _SUBMITTED_STATES:
            kwargs.setdefault("submitted_at", now)
            kwargs.setdefault("last_submitted_at", now)
        if status in {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW}:
            kwargs.setdefault("response_due_at", response_due_at(now))
        if status in _REFERRED_STATES or referred:
            kwargs.setdefault("referred_at", now)
        if status.is_closed:
            kwargs.setdefault("closed_at", now)
        return super()._create(model_class, *args, **kwargs)


class PartnerAccountFactory(BaseFactory):
    """A partner user linked to `marketplace`."""

    class Meta:
        model = PartnerAccount

    user = factory.SubFactory(UserFactory, role=Role.PARTNER)
    marketplace = factory.SubFactory(MarketplaceFactory)
