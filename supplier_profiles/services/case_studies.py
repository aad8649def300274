"""Case studies: pieces of work a company shows buyers, each with up to three captioned
images."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supplier_profiles import taxonomies
from supplier_profiles.images import CASE_STUDY_BOX, UNCONFIRMED, process_image
from supplier_profiles.keywords import clean_keywords
from supplier_profiles.models import CASE_STUDY_IMAGES_MAX, CaseStudy, CaseStudyImage, Company
from supplier_profiles.permissions import can_upload_images
from supplier_profiles.services.common import mark_changed, require_editor, unique_slug
from tradehub.accounts.models import User
from tradehub.db_types import utcnow
from tradehub.errors import ValidationFailed
from tradehub.extensions import db

CASE_STUDY_FIELDS = (
    "title",
    "summary",
    "description",
    "industry",
    "website",
    "keywords",
    "testimonial",
    "testimonial_source",
)


@dataclass
class ImageChange:
    """What to do with one image slot of a case study (position 1..3)."""

    position: int
    upload: object | None = None  # a new file replaces the slot
    caption: str = ""
    remove: bool = False


def _apply_images(study: CaseStudy, user: User, changes: Sequence[ImageChange]) -> None:
    existing = {image.position: image for image in study.images}
    for change in changes:
        if not 1 <= change.position <= CASE_STUDY_IMAGES_MAX:
            raise ValueError(f"image position {change.position} out of range")
        field = f"image_{change.position}"
        current = existing.get(change.position)
        if change.remove and current is not None:
            study.images.remove(current)
            continue
        if change.upload is not None:
            if not can_upload_images(user):
                raise ValidationFailed(UNCONFIRMED, field)
            processed = process_image(change.upload, field, CASE_STUDY_BOX)
            if current is None:
                current = CaseStudyImage(position=change.position)
                study.images.append(current)
            current.data = processed.data
            current.content_type = processed.content_type
            current.width = processed.width
            current.height = processed.height
            current.created_at = utcnow()
        if current is not None:
            current.caption = (change.caption or "").strip()
        elif change.caption.strip():
            raise ValidationFailed("Choose an image for this caption", field)


def case_study_values(fields: dict) -> dict:
    """Checked, cleaned case-study fields (see CASE_STUDY_FIELDS)."""
    unknown = set(fields) - set(CASE_STUDY_FIELDS)
    if unknown:
        raise ValueError(f"not case study fields: {', '.join(sorted(unknown))}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if "title" in values and not values["title"]:
        raise ValidationFailed("Enter a title", "title")
    if "keywords" in values:
        values["keywords"] = clean_keywords(values["keywords"])
    if values.get("industry") and not taxonomies.is_valid("industry", values["industry"]):
        raise ValidationFailed("Select an industry from the list", "industry")
    return values


def add_case_study(
    company: Company, user: User, images: Sequence[ImageChange] = (), **fields
) -> CaseStudy:
    """Add a case study with up to three captioned images."""
    require_editor(user, company)
    values = case_study_values(fields)
    study = CaseStudy(
        company=company, slug=unique_slug(CaseStudy, values.get("title", "")), **values
    )
    db.session.add(study)
    _apply_images(study, user, images)
    company.updated_at = utcnow()
    mark_changed(company)
    return study


def update_case_study(
    study: CaseStudy, user: User, images: Sequence[ImageChange] = (), **fields
) -> CaseStudy:
    """Change a case study's text and images (the slug stays, so links keep working)."""
    require_editor(user, study.company)
    for key, value in case_study_values(fields).items():
        setattr(study, key, value)
    _apply_images(study, user, images)
    study.updated_at = utcnow()
    study.company.updated_at = utcnow()
    mark_changed(study.company)
    return study


def delete_case_study(study: CaseStudy, user: User) -> None:
    """Remove a case study and its images."""
    company = study.company
    require_editor(user, company)
    company.case_studies.remove(study)
    company.updated_at = utcnow()
    mark_changed(company)
