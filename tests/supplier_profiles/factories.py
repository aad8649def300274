"""factory_boy factories for supplier profiles."""

from __future__ import annotations

import factory

from supplier_profiles.models import (
    CaseStudy,
    Company,
    CompanyMember,
    Enquiry,
    EnquiryStatus,
    MemberRole,
)
from tests.factories import BaseFactory, UserFactory
from tradehub.db_types import utcnow


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


class CaseStudyFactory(BaseFactory):
    class Meta:
        model = CaseStudy

    company = factory.SubFactory(CompanyFactory)
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    title = factory.Sequence(lambda n: f"Landing gear brackets {n}")
    summary = "Brackets for a regional aircraft programme"
    description = "We cut lead times by a third."
    industry = "AEROSPACE"
    keywords = factory.LazyFunction(lambda: ["brackets"])


class EnquiryFactory(BaseFactory):
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


__all__ = [
    "CaseStudyFactory",
    "CompanyFactory",
    "EnquiryFactory",
    "PublishedCompanyFactory",
    "UserFactory",
    "VerifiedCompanyFactory",
]
