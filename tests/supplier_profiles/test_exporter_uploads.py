"""Logo and case-study image uploads: what is accepted, what is refused, how they are served."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from tests.conftest import sign_in
from tests.factories import CompanyFactory


def image_bytes(fmt: str, size=(800, 600), mode="RGB", color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    return (io.BytesIO(data), name, content_type)


@pytest.mark.parametrize(
    ("fmt", "name", "mime"),
    [
        ("PNG", "logo.png", "image/png"),
        ("JPEG", "logo.jpg", "image/jpeg"),
        ("WEBP", "logo.webp", "image/webp"),
    ],
)
def test_png_jpeg_and_webp_logos_are_reencoded_resized_and_served(
    client, exporter, db, fmt, name, mime
):
    _, company = exporter
    response = client.post_form(
        "/profile/logo",
        {"logo": upload(image_bytes(fmt), name, mime)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(company)
    stored = Image.open(io.BytesIO(company.logo_data))
    assert stored.format == "JPEG" and company.logo_content_type == "image/jpeg"
    assert stored.size == (400, 300)  # fits the 400 x 400 box, keeps its shape

    page = client.get("/profile/logo").get_data(as_text=True)
    assert f"/media/suppliers/logo/{company.id}?v=" in page
    served = client.get(f"/media/suppliers/logo/{company.id}")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.data == company.logo_data


def test_transparent_png_stays_png(client, exporter, db):
    _, company = exporter
    data = image_bytes("PNG", (100, 100), "RGBA", (0, 0, 0, 0))
    client.post_form(
        "/profile/logo",
        {"logo": upload(data, "logo.png", "image/png")},
        content_type="multipart/form-data",
    )
    db.session.refresh(company)
    assert company.logo_content_type == "image/png"


@pytest.mark.parametrize(
    ("data", "name", "mime", "message"),
    [
        (image_bytes("GIF"), "logo.gif", "image/gif", "must be a PNG, JPEG or WebP image"),
        (
            b"<html><script>alert(1)</script></html>",
            "logo.png",
            "image/png",
            "must be a PNG, JPEG or WebP image",
        ),  # lies about its type
        (
            b"%PDF-1.4\n" + b"0" * 1000,
            "logo.jpg",
            "image/jpeg",
            "must be a PNG, JPEG or WebP image",
        ),
        (image_bytes("PNG")[:200], "logo.png", "image/png", "must be a PNG, JPEG or WebP image"),
        (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024 + 10),
            "big.png",
            "image/png",
            "must be smaller than 2MB",
        ),
        (b"", "empty.png", "image/png", "The selected file is empty"),
    ],
)
def test_bad_logos_are_refused_with_a_message_and_nothing_stored(
    client, exporter, db, data, name, mime, message
):
    _, company = exporter
    response = client.post_form(
        "/profile/logo", {"logo": upload(data, name, mime)}, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="logo-error"' in html and message in html
    db.session.refresh(company)
    assert company.logo_data is None and not company.has_logo


def test_no_file_chosen_is_an_error(client, exporter):
    html = client.post_form("/profile/logo", {}, content_type="multipart/form-data").get_data(
        as_text=True
    )
    assert "Select an image to upload" in html


def test_logo_can_be_removed(client, exporter, db):
    _, company = exporter
    client.post_form(
        "/profile/logo",
        {"logo": upload(image_bytes("PNG"), "l.png")},
        content_type="multipart/form-data",
    )
    assert client.post_form("/profile/logo/remove").status_code == 302
    db.session.refresh(company)
    assert not company.has_logo
    assert client.get(f"/media/suppliers/logo/{company.id}").status_code == 404


def test_logo_of_an_unpublished_company_is_hidden_from_the_public(client, exporter, db, app):
    _, company = exporter
    client.post_form(
        "/profile/logo",
        {"logo": upload(image_bytes("PNG"), "l.png")},
        content_type="multipart/form-data",
    )
    anonymous = app.test_client()
    assert anonymous.get(f"/media/suppliers/logo/{company.id}").status_code == 404
    company.verified_at = company.created_at
    company.published = True
    db.session.commit()
    public = anonymous.get(f"/media/suppliers/logo/{company.id}")
    assert public.status_code == 200 and "public" in public.headers["Cache-Control"]


def test_case_study_images_are_checked_per_slot(client, exporter, db):
    from supplier_profiles.models import CaseStudy

    _, company = exporter
    data = {
        "title": "Brackets",
        "summary": "Brackets for aircraft",
        "description": "We made them.",
        "industry": "AEROSPACE",
        "keywords": "brackets",
        "image_1": upload(image_bytes("JPEG", (2400, 1200)), "a.jpg", "image/jpeg"),
        "caption_1": "Finished brackets",
        "image_2": upload(b"GIF89a not really", "b.png", "image/png"),
        "caption_2": "Fake",
    }
    response = client.post_form(
        "/profile/case-studies/new", data, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert 'id="image_2-error"' in html and "must be a PNG, JPEG or WebP image" in html
    assert 'value="Brackets"' in html  # typed text kept
    assert db.session.query(CaseStudy).count() == 0  # nothing half-made

    data["image_1"] = upload(image_bytes("JPEG", (2400, 1200)), "a.jpg", "image/jpeg")
    data["image_2"] = upload(image_bytes("WEBP", (300, 300)), "b.webp", "image/webp")
    assert (
        client.post_form(
            "/profile/case-studies/new", data, content_type="multipart/form-data"
        ).status_code
        == 302
    )
    study = db.session.query(CaseStudy).one()
    assert [(i.position, i.caption) for i in study.images] == [
        (1, "Finished brackets"),
        (2, "Fake"),
    ]
    assert (study.images[0].width, study.images[0].height) == (1600, 800)
    served = client.get(f"/media/suppliers/case-study-images/{study.images[0].id}")
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_small_file_that_decodes_to_a_huge_image_is_refused(client, exporter, db):
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")  # tiny file, 64 million pixels
    assert len(out.getvalue()) < 2 * 1024 * 1024
    html = client.post_form(
        "/profile/logo",
        {"logo": upload(out.getvalue(), "bomb.png")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "The selected image has too many pixels" in html
    _, company = exporter
    db.session.refresh(company)
    assert not company.has_logo


# --- issue 13, H2: images refused by their header before any decoding -----------------------


def sliver_png() -> bytes:
    """The probe's file: a 1 x 39,000,000 pixel PNG of about 76 KB (under the old 40 M cap)."""
    out = io.BytesIO()
    Image.new("1", (1, 39_000_000)).save(out, "PNG")
    return out.getvalue()


def test_a_one_pixel_wide_39_million_pixel_png_is_refused_in_well_under_a_second(
    client, exporter, db
):
    data = sliver_png()
    assert len(data) < 200 * 1024
    started = time.perf_counter()
    response = client.post_form(
        "/profile/logo", {"logo": upload(data, "sliver.png")}, content_type="multipart/form-data"
    )
    elapsed = time.perf_counter() - started
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The selected image must be at most 8000 pixels wide and 8000 pixels high" in html
    assert elapsed < 0.5, f"refusal took {elapsed:.2f} s"
    _, company = exporter
    db.session.refresh(company)
    assert not company.has_logo


def test_the_sliver_is_refused_as_a_case_study_image_too(client, exporter, db):
    data = {
        "title": "Rope",
        "summary": "Very long rope",
        "description": "We made it.",
        "industry": "AEROSPACE",
        "keywords": "rope",
        "image_1": upload(sliver_png(), "a.png", "image/png"),
        "caption_1": "Rope",
    }
    html = client.post_form(
        "/profile/case-studies/new", data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert 'id="image_1-error"' in html and "at most 8000 pixels wide" in html


def test_an_extreme_aspect_ratio_is_refused(client, exporter):
    html = client.post_form(
        "/profile/logo",
        {"logo": upload(image_bytes("PNG", (4000, 100)), "banner.png", "image/png")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "The selected image must not be more than 20 times as wide as it is high" in html


def test_logos_have_a_much_lower_pixel_cap_than_case_study_images(client, exporter):
    out = io.BytesIO()
    Image.new("1", (3000, 3000)).save(out, "PNG")  # 9 million pixels: fine for a case study
    html = client.post_form(
        "/profile/logo",
        {"logo": upload(out.getvalue(), "big.png")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "The selected logo must be at most 4 million pixels" in html


def test_an_unconfirmed_account_cannot_upload(client, make_user, db):
    user = make_user(email_confirmed_at=None)
    company = CompanyFactory(owner=user)
    db.session.commit()
    sign_in(client, user)
    html = client.post_form(
        "/profile/logo",
        {"logo": upload(image_bytes("PNG"), "logo.png", "image/png")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Confirm your email address before you upload images" in html
    db.session.refresh(company)
    assert not company.has_logo


def test_uploads_are_rate_limited_per_user(client, exporter, app):
    app.config["UPLOAD_RATE_LIMIT"] = "3 per hour"
    for _ in range(3):
        response = client.post_form(
            "/profile/logo",
            {"logo": upload(image_bytes("PNG", (50, 50)), "logo.png", "image/png")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    blocked = client.post_form(
        "/profile/logo",
        {"logo": upload(image_bytes("PNG", (50, 50)), "logo.png", "image/png")},
        content_type="multipart/form-data",
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "You have uploaded too many images" in blocked.get_data(as_text=True)
