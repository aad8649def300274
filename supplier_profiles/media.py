"""Company logos and case-study images (/media/suppliers/...), and the URLs pages and the API
use for them. Public once the profile is publishable; members and staff see them before."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, make_response, request, url_for
from flask_login import current_user

from supplier_profiles.models import CaseStudyImage, Company
from supplier_profiles.permissions import can_view_company_media
from tradehub.extensions import db

media_bp = Blueprint("supplier_profiles_media", __name__, url_prefix="/media/suppliers")


def company_logo_url(company: Company | None, external: bool = False) -> str | None:
    """URL of the company's logo, changing whenever the logo does (so it can be cached)."""
    if company is None or not company.has_logo:
        return None
    return url_for(
        "supplier_profiles_media.logo",
        company_id=company.id,
        v=int(company.logo_updated_at.timestamp()),
        _external=external,
    )


def case_study_image_url(image: CaseStudyImage, external: bool = False) -> str:
    """URL of one case-study image."""
    return url_for(
        "supplier_profiles_media.case_study_image",
        image_id=image.id,
        v=int(image.created_at.timestamp()),
        _external=external,
    )


def _image_response(data: bytes, content_type: str, public: bool):
    etag = hashlib.sha256(data).hexdigest()[:32]
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.set_etag(etag)
    if public:
        # URLs carry the upload time (?v=), so a new image gets a new URL.
        response.headers["Cache-Control"] = "public, max-age=86400"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response.make_conditional(request)


@media_bp.route("/logo/<int:company_id>")
def logo(company_id: int):
    """A company's logo: public once the profile is, to members and staff before."""
    company = db.session.get(Company, company_id)
    if company is None or not company.has_logo or not can_view_company_media(current_user, company):
        abort(404)
    return _image_response(company.logo_data, company.logo_content_type, company.is_publishable)


@media_bp.route("/case-study-images/<int:image_id>")
def case_study_image(image_id: int):
    """One case-study image, with the same visibility as the company."""
    image = db.session.get(CaseStudyImage, image_id)
    if image is None:
        abort(404)
    company = image.case_study.company
    if not can_view_company_media(current_user, company):
        abort(404)
    return _image_response(image.data, image.content_type, company.is_publishable)
