"""The documents supplier_profiles builds are in the search layer's normalised shape, which is
why the backends' bulk paths trust them without checking each one again."""

from __future__ import annotations

from search_index.document import CheckedDocument, validate_document
from supplier_profiles.models import CaseStudyImage
from supplier_profiles.search_documents import SUPPLIERS, build_document
from tests.factories import CaseStudyFactory, SearchCompanyFactory


def test_built_documents_are_exactly_what_validation_would_make_of_them(db):
    company = SearchCompanyFactory(
        keywords=["whisky", "", "gin"],
        products_services=[],
        languages=["en", "fr"],
        region=None,
        employees=None,
    )
    study = CaseStudyFactory(
        company=company, keywords=["casks", ""], website="https://www.casks.example/"
    )
    CaseStudyFactory(company=company)
    for position, caption in enumerate(["Copper stills", ""], start=1):
        db.session.add(
            CaseStudyImage(
                case_study=study,
                position=position,
                caption=caption,
                content_type="image/png",
                data=b"\x89PNG",
                width=1,
                height=1,
            )
        )
    db.session.commit()

    built = [build_document(company), *SUPPLIERS.iter_all(10)]

    for doc in built:
        assert isinstance(doc, CheckedDocument)
        assert validate_document(dict(doc)) == doc
    assert built[0]["keywords"] == ["whisky", "gin"]
    assert built[0]["case_studies"][0]["keywords"] == ["casks", "Copper stills", "casks.example"]
    assert built[1] == built[0]
