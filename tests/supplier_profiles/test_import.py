"""`flask suppliers import FILE.jsonl`: validation per line with line numbers, idempotent
reruns (match on number, else normalised name + email), and imported published companies
searchable when the command ends."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from search_index import service
from search_index.base import SearchQuery
from supplier_profiles.importer import normalise_name
from supplier_profiles.models import CaseStudy, Company


def record(**overrides) -> dict:
    data = {
        "number": "01234567",
        "name": "Severn Glassworks Ltd",
        "company_type": "COMPANIES_HOUSE",
        "summary": "Hand-blown glassware for restaurants.",
        "description": "Made in Gloucester since 1982.",
        "website": "https://severn-glass.example",
        "email": "hello@severn-glass.example",
        "employees": "11-50",
        "industries": ["GIFTWARE_JEWELLERY_AND_TABLEWARE"],
        "region": "SOUTH_WEST",
        "export_countries": ["fr", "JP"],
        "languages": ["en", "FR"],
        "keywords": ["glassware", "tableware"],
        "products_services": [],
        "case_studies": [
            {
                "title": "Tumblers for a Tokyo bar",
                "summary": "300 tumblers.",
                "description": "Each one engraved with a crane motif.",
                "industry": "GIFTWARE_JEWELLERY_AND_TABLEWARE",
                "keywords": ["engraving"],
            }
        ],
        "verified": True,
        "published": True,
    }
    data.update(overrides)
    return data


def write_jsonl(tmp_path, lines: list, name: str = "companies.jsonl") -> str:
    path = tmp_path / name
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )
    return str(path)


def run_import(runner, path: str):
    return runner.invoke(args=["suppliers", "import", path])


def companies(db) -> list[Company]:
    db.session.expire_all()
    return list(db.session.scalars(select(Company).order_by(Company.id)))


def search_names(text: str = "", **filters) -> list[str]:
    return [
        hit.name
        for hit in service.search(SearchQuery(text=text, filters=filters, sort="name")).hits
    ]


def test_import_creates_published_companies_that_are_searchable(runner, db, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            record(),
            record(
                number=None,
                company_type="SOLE_TRADER",
                name="Wye Valley Honey",
                email="bees@wye-honey.example",
                industries=["FOOD_AND_DRINK"],
                region="WALES",
                summary="Raw honey.",
                case_studies=[],
            ),
            record(
                number="07654321",
                name="Draft Robotics Ltd",
                email="x@draft.example",
                published=False,
                verified=False,
                case_studies=[],
            ),
        ],
    )
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert "Imported 3 companies (3 new, 0 updated); 0 line(s) refused." in result.output

    glass, honey, draft = companies(db)
    assert glass.number == "01234567" and glass.slug == "severn-glassworks-ltd"
    assert glass.export_countries == ["FR", "JP"] and glass.languages == ["en", "fr"]
    assert glass.is_publishable and honey.is_publishable and not draft.is_publishable
    assert [s.title for s in glass.case_studies] == ["Tumblers for a Tokyo bar"]
    assert honey.number is None and honey.company_type == "SOLE_TRADER"

    # Searchable when the command ends: by a word only in the case study, and by filters.
    assert search_names("crane") == ["Severn Glassworks Ltd"]
    assert search_names(region=["WALES"]) == ["Wye Valley Honey"]
    assert search_names("robotics") == []
    # And through the public pages.
    assert runner.app.test_client().get("/suppliers/severn-glassworks-ltd").status_code == 200


def test_rerun_updates_and_never_duplicates(runner, db, tmp_path):
    first = write_jsonl(
        tmp_path,
        [
            record(),
            record(
                number=None,
                company_type="PARTNERSHIP",
                name="Tyne & Wear Joinery",
                email="Shop@Joinery.example",
                industries=["CONSTRUCTION"],
                case_studies=[],
            ),
        ],
    )
    assert run_import(runner, first).exit_code == 0
    second = write_jsonl(
        tmp_path,
        [
            record(
                summary="Now also stained glass.",
                case_studies=[
                    {"title": "Tumblers for a Tokyo bar", "summary": "500 tumblers."},
                    {"title": "Windows for a chapel"},
                ],
            ),
            # No number: recognised by the normalised name and the email.
            record(
                number=None,
                company_type="PARTNERSHIP",
                name="TYNE AND WEAR JOINERY LTD.",
                email="shop@joinery.example",
                industries=["CONSTRUCTION"],
                region="NORTH_EAST",
                case_studies=[],
            ),
        ],
        name="again.jsonl",
    )
    result = run_import(runner, second)
    assert result.exit_code == 0, result.output
    assert "(0 new, 2 updated)" in result.output
    assert run_import(runner, second).exit_code == 0

    glass, joinery = companies(db)
    assert len(companies(db)) == 2
    assert glass.summary == "Now also stained glass."
    assert sorted(s.title for s in glass.case_studies) == [
        "Tumblers for a Tokyo bar",
        "Windows for a chapel",
    ]
    assert db.session.scalar(select(func.count()).select_from(CaseStudy)) == 2
    assert joinery.region == "NORTH_EAST" and joinery.name == "TYNE AND WEAR JOINERY LTD."
    assert search_names("stained") == ["Severn Glassworks Ltd"]


def test_unpublishing_through_the_import_removes_from_search(runner, db, tmp_path):
    assert run_import(runner, write_jsonl(tmp_path, [record()])).exit_code == 0
    assert search_names("glassware") == ["Severn Glassworks Ltd"]
    assert (
        run_import(runner, write_jsonl(tmp_path, [record(published=False)], "b.jsonl")).exit_code
        == 0
    )
    assert search_names("glassware") == []
    assert runner.app.test_client().get("/suppliers/severn-glassworks-ltd").status_code == 404


@pytest.mark.parametrize(
    "line, reason",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "each line must be a JSON object"),
        (record(name=""), "missing required key(s): name"),
        (
            {k: v for k, v in record().items() if k != "company_type"},
            "missing required key(s): company_type",
        ),
        (record(company_type="LLAMA"), "company_type: unknown code 'LLAMA'"),
        (record(number="12-34"), "number must be a Companies House number"),
        (record(number=None), "number is required when company_type is COMPANIES_HOUSE"),
        (record(name="n" * 256), "name must be 255 characters or fewer"),
        (record(summary="s" * 251), "summary must be 250 characters or fewer"),
        (record(description="d" * 2001), "description must be 2000 characters or fewer"),
        (record(industries=["FOOD", "AEROSPACE"]), "industries: unknown code(s) 'FOOD'"),
        (record(industries="AEROSPACE"), "industries must be a list of strings"),
        (record(region="MARS"), "region: unknown code 'MARS'"),
        (record(export_countries=["XX"]), "export_countries: unknown code(s) 'XX'"),
        (record(languages=["klingon"]), "languages: unknown code(s) 'klingon'"),
        (record(employees="lots"), "employees: unknown band 'lots'"),
        (record(keywords=[f"k{i}" for i in range(11)]), "keywords: Enter no more than 10 keywords"),
        (record(products_services=["Teleportation"]), "products_services: unknown code(s)"),
        (record(email="not-an-email"), "email is not an email address"),
        (record(website="ftp://x.example"), "website must start with http:// or https://"),
        (record(verified="yes"), "verified must be true or false"),
        (record(published=True, verified=False), "published companies must be verified"),
        (record(email=""), "published companies need an email"),
        (record(summary="", description=""), "published companies need a summary or a description"),
        (record(case_studies=[{"summary": "no title"}]), "case_studies[0].title is required"),
        (
            record(case_studies=[{"title": "A", "industry": "NOPE"}]),
            "case_studies[0].industry: unknown code 'NOPE'",
        ),
        (
            record(case_studies=[{"title": "A"}, {"title": "a"}]),
            "case_studies: two case studies have the same title",
        ),
        (record(colour="red"), "unknown key(s): colour"),
    ],
)
def test_bad_lines_are_reported_with_number_and_reason_and_the_rest_imported(
    runner, db, tmp_path, line, reason
):
    path = write_jsonl(
        tmp_path,
        [
            record(number="11111111", name="Good Before Ltd", email="a@good.example"),
            "",
            line,
            record(number="22222222", name="Good After Ltd", email="b@good.example"),
        ],
    )
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"line 3: {reason}" in result.output
    assert "Imported 2 companies (2 new, 0 updated); 1 line(s) refused." in result.output
    assert [c.name for c in companies(db)] == ["Good Before Ltd", "Good After Ltd"]
    assert search_names() == ["Good After Ltd", "Good Before Ltd"]


def test_a_line_clashing_in_the_database_is_reported_and_rolled_back_alone(runner, db, tmp_path):
    # A deleted company that still holds its number: a new line with that number clashes with
    # the unique number in the database. Only that line is refused.
    from tests.supplier_profiles.buyer_fixtures import make_company
    from tradehub.db_types import utcnow

    make_company(number="55555555", name="Gone Ltd", slug="gone", deleted_at=utcnow())
    result = run_import(
        runner,
        write_jsonl(
            tmp_path,
            [
                record(number="66666666", name="Before Clash Ltd", email="a@clash.example"),
                record(number="55555555", name="Reborn Ltd", email="b@clash.example"),
                record(number="77777777", name="After Clash Ltd", email="c@clash.example"),
            ],
        ),
    )
    assert result.exit_code == 1
    assert "line 2: conflicts with an existing company" in result.output
    assert sorted(c.name for c in companies(db)) == [
        "After Clash Ltd",
        "Before Clash Ltd",
        "Gone Ltd",
    ]
    assert search_names() == ["After Clash Ltd", "Before Clash Ltd"]


def test_normalised_name_ignores_case_punctuation_and_suffixes():
    assert normalise_name("The Acme Co. Ltd") == "acme"
    assert normalise_name("ACME COMPANY LIMITED") == "acme"
    assert normalise_name("Café Ñoño") == "cafe nono"
    assert normalise_name("Tyne & Wear Joinery") == normalise_name("tyne and wear joinery plc")
