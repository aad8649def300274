"""Verification by post: a 12-letter code generated for the company, printed by staff on a
letter sent to the registered address, and typed in by the exporter.

Letters only (no digits), without I and O, so a code read off paper is never ambiguous.
"""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from sqlalchemy import select

from supplier_profiles.models import (
    VERIFICATION_CODE_LENGTH,
    AuditAction,
    Company,
    CompanyAuditEntry,
)
from tradehub.dates import uk_today
from tradehub.extensions import db

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def generate_code() -> str:
    """A new random 12-letter code (about 55 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What the user typed, without spaces or dashes, in capitals."""
    return re.sub(r"[\s\-]+", "", raw or "").upper()


def format_code(code: str) -> str:
    """ABCD-EFGH-JKLM: easier to read and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_matches(expected: str | None, typed: str) -> bool:
    """Compare in constant time; an unset code never matches."""
    if not expected:
        return False
    return hmac.compare_digest(expected.encode(), normalise_code(typed).encode())


def _latin1(text: str) -> str:
    # The PDF core fonts cover Latin-1 only: fold accents, replace anything else.
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        folded = unicodedata.normalize("NFKD", text)
        return folded.encode("latin-1", "ignore").decode("latin-1") or "?"


def letter_pdf(
    company: Company, verify_url: str, today: date | None = None, contact_email: str = ""
) -> bytes:
    """The printable letter (A4 PDF) to the profile's owner at the company's address, with its
    verification code and how to reach the TradeHub team."""
    if not company.verification_code:
        raise ValueError("the company has no verification code")
    today = today or uk_today()
    pdf = FPDF(format="A4")
    # One short page: left uncompressed so the code can be checked (and found) in the file.
    pdf.set_compression(False)
    pdf.set_title(f"TradeHub verification letter: {_latin1(company.name)}")
    pdf.set_author("TradeHub")
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "TradeHub", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.ln(8)
    owner = company.owner
    recipient = owner.user.full_name.strip() if owner is not None and owner.user else ""
    address = [
        f"For the attention of {recipient}" if recipient else "",
        company.name,
        company.address_line_1,
        company.address_line_2,
        company.locality,
        company.postal_code,
    ]
    for line in address:
        if line:
            pdf.cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.cell(0, 6, today.strftime("%-d %B %Y"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.cell(0, 6, _latin1(f"Dear {recipient}," if recipient else "Dear owner,"))
    pdf.ln(10)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Verify your company profile", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        _latin1(
            f"Someone at {company.name} has created a supplier profile on TradeHub. To show "
            "overseas buyers that the profile really belongs to your business, sign in and "
            "enter the code below at:"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("Courier", size=11)
    pdf.multi_cell(0, 6, _latin1(verify_url), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Courier", "B", 22)
    pdf.cell(
        0, 14, format_code(company.verification_code), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(6)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        _latin1(
            "If you did not expect this letter, nobody can publish a verified profile for your "
            "business without this code. You can ignore it, or tell us"
            + (f" by email at {contact_email}" if contact_email else "")
            + ". Questions about TradeHub go to the same address."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


@dataclass(frozen=True)
class VerificationEvidence:
    """How and when a company's current verification happened, from its audit records."""

    by_code: bool  # the letter code; otherwise TradeHub staff checked it
    at: datetime


def verification_evidence(company: Company) -> VerificationEvidence | None:
    """The audit entry behind the company's current verification, or None when unverified."""
    if not company.is_verified:
        return None
    entry = db.session.scalar(
        select(CompanyAuditEntry)
        .where(
            CompanyAuditEntry.company_id == company.id,
            CompanyAuditEntry.action.in_(
                [AuditAction.VERIFIED_BY_CODE, AuditAction.VERIFIED_BY_STAFF]
            ),
        )
        .order_by(CompanyAuditEntry.created_at.desc(), CompanyAuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return None
    return VerificationEvidence(entry.action is AuditAction.VERIFIED_BY_CODE, entry.created_at)


# Companies House's words for the statuses a published company can have (closed companies are
# unpublished by the re-check), as the profile shows them to buyers.
COMPANIES_HOUSE_STATUS_LABELS = {
    "active": _l("active"),
    "liquidation": _l("in liquidation"),
    "administration": _l("in administration"),
    "receivership": _l("in receivership"),
    "voluntary-arrangement": _l("in a voluntary arrangement"),
    "insolvency-proceedings": _l("in insolvency proceedings"),
}


@dataclass(frozen=True)
class CompaniesHouseCheck:
    """What Companies House last said about the company's status, and when we asked."""

    status: str  # Companies House's code: "active", "liquidation", ...
    at: datetime

    @property
    def label(self) -> str:
        """The status in the reader's language (Companies House's own words otherwise)."""
        label = COMPANIES_HOUSE_STATUS_LABELS.get(self.status)
        return str(label) if label is not None else self.status.replace("-", " ")


def companies_house_check(company: Company) -> CompaniesHouseCheck | None:
    """The company's last Companies House check, or None if it has never been checked."""
    if not company.companies_house_status or company.companies_house_checked_at is None:
        return None
    return CompaniesHouseCheck(company.companies_house_status, company.companies_house_checked_at)
