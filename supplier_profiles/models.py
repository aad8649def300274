"""Supplier profiles: companies, their members, case studies, verification and enquiries.

Lists (industries, countries, keywords ...) are JSON columns: they are read whole with the
company and filtered by the search index, never by SQL. Image bytes live in the database in
deferred columns, so listing companies never loads them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from tradehub.accounts.models import User
from tradehub.db_types import utcnow
from tradehub.extensions import db

# Limits shared by forms, services, the importer and the API.
NAME_MAX = 255
SUMMARY_MAX = 250
DESCRIPTION_MAX = 2000
KEYWORDS_MAX = 10
KEYWORD_MAX = 50
CASE_STUDY_TITLE_MAX = 100
CASE_STUDY_SUMMARY_MAX = 250
CASE_STUDY_DESCRIPTION_MAX = 2000
CASE_STUDY_IMAGES_MAX = 3
CAPTION_MAX = 200
TESTIMONIAL_MAX = 1000
ENQUIRY_SUBJECT_MAX = 200
ENQUIRY_MESSAGE_MAX = 1000
VERIFICATION_CODE_LENGTH = 12


def _enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        enum_cls, name=name, values_callable=lambda e: [m.value for m in e], validate_strings=True
    )


class MemberRole(enum.StrEnum):
    """What a member may do: owners manage members and delete; editors edit."""

    OWNER = "owner"
    EDITOR = "editor"


class EnquiryStatus(enum.StrEnum):
    """Where a buyer's enquiry is in the company's inbox."""

    NEW = "new"
    REPLIED = "replied"
    ARCHIVED = "archived"


class BlockedSenderKind(enum.StrEnum):
    """A blocked sender is one address or a whole domain."""

    EMAIL = "email"
    DOMAIN = "domain"


class AuditAction(enum.StrEnum):
    """Events on a company that must be traceable (verification and moderation)."""

    CODE_ISSUED = "code_issued"
    LETTER_PRINTED = "letter_printed"
    VERIFIED_BY_CODE = "verified_by_code"
    VERIFIED_BY_STAFF = "verified_by_staff"
    VERIFICATION_REQUESTED = "verification_requested"
    VERIFICATION_DECLINED = "verification_declined"
    REVOKED = "revoked"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    UNPUBLISHED_BY_STAFF = "unpublished_by_staff"
    DELETED = "deleted"


# The profile details an editor may change (services.companies.update_profile).
EDITABLE_PROFILE_FIELDS = (
    "name",
    "summary",
    "description",
    "website",
    "email",
    "phone",
    "employees",
    "region",
    "industries",
    "export_countries",
    "languages",
    "products_services",
    "keywords",
    "twitter_url",
    "facebook_url",
    "linkedin_url",
)
# The details an import line sets as given (importer.upsert_company): the editable ones, the
# type of business and the address lines an import carries.
IMPORTED_PROFILE_FIELDS = (*EDITABLE_PROFILE_FIELDS, "company_type", "locality", "postal_code")
# Everything the profile holds, as "Download your data" gives it to the owner
# (personal_data.export_companies).
ALL_PROFILE_FIELDS = (
    *IMPORTED_PROFILE_FIELDS,
    "number",
    "address_line_1",
    "address_line_2",
    "country",
    "published",
    "verified_at",
    "created_at",
    "updated_at",
    "deleted_at",
)


class Company(db.Model):
    """A UK business with a supplier profile; public at /suppliers/<slug> once publishable."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # Companies House number; None for sole traders, partnerships, charities and the like.
    number: Mapped[str | None] = mapped_column(String(8), unique=True)
    company_type: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    employees: Mapped[str] = mapped_column(String(20), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    export_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    products_services: Mapped[list[str]] = mapped_column(JSON, default=list)
    twitter_url: Mapped[str] = mapped_column(String(255), default="")
    facebook_url: Mapped[str] = mapped_column(String(255), default="")
    linkedin_url: Mapped[str] = mapped_column(String(255), default="")
    address_line_1: Mapped[str] = mapped_column(String(255), default="")
    address_line_2: Mapped[str] = mapped_column(String(255), default="")
    locality: Mapped[str] = mapped_column(String(255), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    date_of_creation: Mapped[date | None]
    sic_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Logo: re-encoded image bytes, loaded only when served.
    logo_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_content_type: Mapped[str | None] = mapped_column(String(40))
    logo_updated_at: Mapped[datetime | None]
    # Verification by posted letter (or by staff).
    verification_code: Mapped[str | None] = mapped_column(String(VERIFICATION_CODE_LENGTH))
    verification_code_issued_at: Mapped[datetime | None]
    verification_failures: Mapped[int] = mapped_column(default=0)
    verified_at: Mapped[datetime | None]
    # A business that Companies House does not register (sole trader, partnership, charity,
    # other) asked staff to verify it: the staff queue, oldest first (cleared once verified).
    verification_requested_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    # What Companies House last said about the company's status ("active", "dissolved", ...)
    # and when; the re-check (supplier_profiles.recheck) takes the oldest first, skipping
    # companies whose next check is not due (after an error it backs off).
    companies_house_status: Mapped[str | None] = mapped_column(String(40))
    companies_house_checked_at: Mapped[datetime | None]
    companies_house_next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    companies_house_failures: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Buyers' requests for quotation are offered to the company unless it opts out.
    accepts_buying_requests: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Indexed: the search API's Last-Modified is the newest of these (supplier_profiles/api.py).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    # Deleted companies are kept (enquiries, audit) but vanish everywhere; number is released.
    deleted_at: Mapped[datetime | None]

    members: Mapped[list[CompanyMember]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyMember.id"
    )
    case_studies: Mapped[list[CaseStudy]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CaseStudy.id"
    )
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    @hybrid_property
    def is_verified(self) -> bool:
        """Verified by letter code or by staff, and not revoked since."""
        return self.verified_at is not None

    @is_verified.inplace.expression
    @classmethod
    def _is_verified_expression(cls) -> ColumnElement[bool]:
        return cls.verified_at.is_not(None)

    @hybrid_property
    def is_deleted(self) -> bool:
        """Removed by its owner: never shown anywhere again."""
        return self.deleted_at is not None

    @is_deleted.inplace.expression
    @classmethod
    def _is_deleted_expression(cls) -> ColumnElement[bool]:
        return cls.deleted_at.is_not(None)

    @hybrid_property
    def is_publishable(self) -> bool:
        """The one rule for "shown to buyers and in search": published, verified, not deleted.

        Works on an instance and in SQL: ``select(Company).where(Company.is_publishable)``.
        """
        return bool(self.published) and self.is_verified and not self.is_deleted

    @is_publishable.inplace.expression
    @classmethod
    def _is_publishable_expression(cls) -> ColumnElement[bool]:
        return and_(cls.published.is_(True), cls.verified_at.is_not(None), cls.deleted_at.is_(None))

    @property
    def has_logo(self) -> bool:
        """Whether a logo has been uploaded."""
        return self.logo_updated_at is not None

    @property
    def owner(self) -> CompanyMember | None:
        """The owning membership."""
        return next((m for m in self.members if m.role is MemberRole.OWNER), None)

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.slug}>"


class CompanyMember(db.Model):
    """A user who may edit a company. One company per user; one owner per company."""

    __tablename__ = "company_members"
    __table_args__ = (
        Index(
            "uq_company_members_one_owner",
            "company_id",
            unique=True,
            sqlite_where=text("role = 'owner'"),
            postgresql_where=text("role = 'owner'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "company_member_role"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    company: Mapped[Company] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    @property
    def is_owner(self) -> bool:
        """Owners manage members and may delete the company."""
        return self.role is MemberRole.OWNER

    def __repr__(self) -> str:
        return f"<CompanyMember company={self.company_id} user={self.user_id} {self.role.value}>"


class CompanyInvitation(db.Model):
    """An emailed invitation to become an editor; the link's token names this row."""

    __tablename__ = "company_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    company: Mapped[Company] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        """Not yet accepted or cancelled."""
        return self.accepted_at is None and self.cancelled_at is None


class CaseStudy(db.Model):
    """A piece of work the company is proud of; its text is searchable."""

    __tablename__ = "case_studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    title: Mapped[str] = mapped_column(String(CASE_STUDY_TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(CASE_STUDY_SUMMARY_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    industry: Mapped[str] = mapped_column(String(60), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    testimonial: Mapped[str] = mapped_column(Text, default="")
    testimonial_source: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Indexed: the search API's Last-Modified is the newest of these (supplier_profiles/api.py).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    company: Mapped[Company] = relationship(back_populates="case_studies")
    images: Mapped[list[CaseStudyImage]] = relationship(
        back_populates="case_study",
        cascade="all, delete-orphan",
        order_by="CaseStudyImage.position",
    )

    def __repr__(self) -> str:
        return f"<CaseStudy {self.id} {self.slug}>"


class CaseStudyImage(db.Model):
    """One of up to three images of a case study, with its caption."""

    __tablename__ = "case_study_images"
    __table_args__ = (
        UniqueConstraint("case_study_id", "position", name="uq_case_study_images_position"),
        CheckConstraint("position BETWEEN 1 AND 3", name="position_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = mapped_column(
        ForeignKey("case_studies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    caption: Mapped[str] = mapped_column(String(CAPTION_MAX), default="")
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case_study: Mapped[CaseStudy] = relationship(back_populates="images")


class Enquiry(db.Model):
    """A message a buyer sent to a company through the contact form."""

    __tablename__ = "enquiries"
    __table_args__ = (Index("ix_enquiries_company_created", "company_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    email: Mapped[str] = mapped_column(String(320), index=True)
    industry: Mapped[str] = mapped_column(String(60), default="")
    subject: Mapped[str] = mapped_column(String(ENQUIRY_SUBJECT_MAX))
    message: Mapped[str] = mapped_column(String(ENQUIRY_MESSAGE_MAX))
    status: Mapped[EnquiryStatus] = mapped_column(
        _enum(EnquiryStatus, "enquiry_status"), default=EnquiryStatus.NEW
    )
    sender_ip: Mapped[str] = mapped_column(String(45), default="", index=True)
    # The contact form's single-use token id: a resubmitted form finds this enquiry instead of
    # storing and mailing it again (unique, so two racing submissions cannot both be stored).
    form_token_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    replied_at: Mapped[datetime | None]

    company: Mapped[Company] = relationship()

    def __repr__(self) -> str:
        return f"<Enquiry {self.id} company={self.company_id} {self.status.value}>"


class BlockedSender(db.Model):
    """An email address or a whole domain whose enquiries are refused (staff-managed)."""

    __tablename__ = "blocked_senders"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_blocked_senders_kind_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[BlockedSenderKind] = mapped_column(_enum(BlockedSenderKind, "blocked_sender_kind"))
    # Lower-cased address ("a@b.com") or domain ("b.com").
    value: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()


class CompanyAuditEntry(db.Model):
    """Who verified, revoked, published or moderated a company, when, and why."""

    __tablename__ = "company_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction, "company_audit_action"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Lets an entry be added for a company not flushed yet (the importer writes both at once).
    company: Mapped[Company] = relationship()
    actor: Mapped[User | None] = relationship()
