"""Case studies: add, edit, delete, limits; their text reaches search."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from supplier_profiles.models import CaseStudy, CaseStudyImage


def _study(**changes) -> dict:
    data = {
        "title": "Landing gear brackets for Airbus",
        "summary": "Titanium brackets on a two-week lead time",
        "description": "We re-engineered the fixture and cut machining time by a third.",
        "industry": "AEROSPACE",
        "website": "https://example.com/brackets",
        "keywords": "titanium, brackets",
        "testimonial": "Always on time.",
        "testimonial_source": "Jane Roe, Buyer, Example Aero",
    }
    data.update(changes)
    return data


def _jpeg() -> tuple:
    out = io.BytesIO()
    Image.new("RGB", (50, 40), (10, 120, 10)).save(out, "JPEG")
    return (io.BytesIO(out.getvalue()), "photo.jpg", "image/jpeg")


def test_add_edit_and_delete_a_case_study(client, exporter, db):
    _, company = exporter
    response = client.post_form("/profile/case-studies/new", _study())
    assert response.status_code == 302
    study = db.session.query(CaseStudy).one()
    assert study.company_id == company.id
    assert study.slug == "landing-gear-brackets-for-airbus"
    assert study.keywords == ["titanium", "brackets"]
    assert study.testimonial_source == "Jane Roe, Buyer, Example Aero"
    assert "Landing gear brackets for Airbus" in client.get("/profile/case-studies").get_data(
        as_text=True
    )

    edit = client.post_form(
        f"/profile/case-studies/{study.id}/edit",
        _study(title="Brackets, revised", keywords="titanium"),
    )
    assert edit.status_code == 302
    db.session.refresh(study)
    assert study.title == "Brackets, revised" and study.keywords == ["titanium"]
    assert study.slug == "landing-gear-brackets-for-airbus"  # links keep working

    confirm = client.get(f"/profile/case-studies/{study.id}/delete")
    assert "Delete “Brackets, revised”?" in confirm.get_data(as_text=True)
    assert client.post_form(f"/profile/case-studies/{study.id}/delete").status_code == 302
    assert db.session.query(CaseStudy).count() == 0


def test_the_longest_industry_code_is_stored(client, exporter, db):
    code = "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING"
    assert client.post_form("/profile/case-studies/new", _study(industry=code)).status_code == 302
    assert db.session.query(CaseStudy).one().industry == code


def test_images_can_be_added_recaptioned_and_removed(client, exporter, db):
    client.post_form(
        "/profile/case-studies/new",
        _study(image_1=_jpeg(), caption_1="Before", image_3=_jpeg(), caption_3="After"),
        content_type="multipart/form-data",
    )
    study = db.session.query(CaseStudy).one()
    assert [(i.position, i.caption) for i in study.images] == [(1, "Before"), (3, "After")]
    client.post_form(
        f"/profile/case-studies/{study.id}/edit",
        _study(caption_1="Before machining", remove_image_3="y", caption_3=""),
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    images = db.session.query(CaseStudyImage).all()
    assert [(i.position, i.caption) for i in images] == [(1, "Before machining")]


def test_caption_without_image_is_refused(client, exporter, db):
    html = client.post_form(
        "/profile/case-studies/new",
        _study(caption_2="Orphan caption"),
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert 'id="image_2-error"' in html and "Choose an image for this caption" in html
    assert db.session.query(CaseStudy).count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"title": "x" * 101}, "title", "Title must be 100 characters or fewer"),
        ({"summary": "x" * 251}, "summary", "Summary must be 250 characters or fewer"),
        ({"description": ""}, "description", "Enter a description"),
        ({"industry": ""}, "industry", "Select an industry"),
        ({"keywords": ",".join(str(i) for i in range(11))}, "keywords", "no more than 10 keywords"),
        ({"website": "ftp://example.com"}, "website", "Enter a web address in the correct format"),
        ({"testimonial_source": ""}, "testimonial_source", "Enter who gave the testimonial"),
    ],
)
def test_invalid_case_studies_are_refused_next_to_the_field(
    client, exporter, db, changes, field, message
):
    html = client.post_form("/profile/case-studies/new", _study(**changes)).get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert db.session.query(CaseStudy).count() == 0


def test_case_study_of_another_company_is_not_found(client, exporter, db):
    from tests.factories import CaseStudyFactory

    theirs = CaseStudyFactory()
    db.session.commit()
    assert client.get(f"/profile/case-studies/{theirs.id}/edit").status_code == 404
    assert client.post_form(f"/profile/case-studies/{theirs.id}/delete").status_code == 404
    assert db.session.get(CaseStudy, theirs.id) is not None


def test_case_study_text_makes_a_published_company_findable(client, signed_in, db):
    from search_index.base import SearchQuery
    from search_index.service import search
    from tests.factories import PublishedCompanyFactory

    user = signed_in("exporter")
    company = PublishedCompanyFactory(owner=user)
    db.session.commit()
    client.post_form("/profile/case-studies/new", _study(description="Cryogenic flanges."))
    assert [h.slug for h in search(SearchQuery(text="cryogenic")).hits] == [company.slug]
    study = db.session.query(CaseStudy).one()
    client.post_form(f"/profile/case-studies/{study.id}/delete")
    assert search(SearchQuery(text="cryogenic")).hits == []
