"""The indexing outbox: rows written in the transaction, applied after commit, kept on failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from search_index import service
from search_index.base import SearchQuery
from search_index.indexing import apply_outbox, outbox_backlog, sync_outbox
from search_index.models import SearchOutbox
from supplier_profiles.models import Company
from supplier_profiles.search_documents import build_document, mark_company_changed
from tests.factories import SearchCaseStudyFactory, SearchCompanyFactory
from tradehub.after_commit import process_after_commit
from tradehub.db_types import utcnow


def found(text: str) -> list[str]:
    """Names the app's search returns for `text`."""
    return [hit.name for hit in service.search(SearchQuery(text=text, per_page=100)).hits]


def outbox_rows(db) -> list[SearchOutbox]:
    return list(db.session.scalars(select(SearchOutbox).order_by(SearchOutbox.id)))


def save(db, company: Company) -> None:
    """What a service and its view do: flush, mark, commit; then the after-commit work runs."""
    db.session.flush()
    mark_company_changed(company.id)
    db.session.commit()
    process_after_commit()


def test_change_is_written_in_the_transaction_and_applied_after_commit(db):
    company = SearchCompanyFactory(name="Quillfeather Stationers")
    mark_company_changed(company.id)
    # Before the commit: the row exists in this transaction, the index has nothing yet.
    assert [(r.document_id, r.op) for r in outbox_rows(db)] == [(company.id, "upsert")]
    assert found("quillfeather") == []
    db.session.commit()
    assert len(outbox_rows(db)) == 1  # committed, not applied until the request ends
    process_after_commit()
    assert outbox_rows(db) == []
    assert found("quillfeather") == ["Quillfeather Stationers"]


def test_rolled_back_change_leaves_no_outbox_row_and_no_index_change(db):
    company = SearchCompanyFactory(name="Alderbrook Mills")
    save(db, company)
    company.name = "Zanzibar Looms"
    mark_company_changed(company.id)
    db.session.rollback()
    assert process_after_commit() == 0
    assert outbox_rows(db) == []
    assert found("zanzibar") == []
    assert found("alderbrook") == ["Alderbrook Mills"]


def test_failed_save_leaves_no_outbox_row_and_no_index_change(db):
    SearchCompanyFactory(name="Taken Slug Ltd", slug="taken")
    company = SearchCompanyFactory(name="Heronsgate Pottery")
    save(db, company)
    company.name = "Kestrel Ceramics"
    company.slug = "taken"  # unique: the commit fails
    with pytest.raises(IntegrityError):
        save(db, company)
    db.session.rollback()
    assert process_after_commit() == 0
    assert outbox_rows(db) == []
    assert found("kestrel") == []
    assert found("heronsgate") == ["Heronsgate Pottery"]
    assert db.session.get(Company, company.id).name == "Heronsgate Pottery"


def test_one_pending_row_per_company(db, engine):
    company = SearchCompanyFactory(name="Marlowe Instruments")
    other = SearchCompanyFactory(name="Penrose Optics")
    mark_company_changed(company.id)
    mark_company_changed(company.id)  # same transaction: reuses the row
    mark_company_changed(other.id)
    assert sorted(r.document_id for r in outbox_rows(db)) == sorted([company.id, other.id])
    engine.down()
    db.session.commit()
    process_after_commit()  # fails: both rows stay
    assert len(outbox_rows(db)) == 2
    company.summary = "Barometers and marine chronometers."
    save(db, company)  # a later transaction replaces the waiting row of this company
    rows = outbox_rows(db)
    assert sorted(r.document_id for r in rows) == sorted([company.id, other.id])
    engine.up()
    assert sync_outbox() == (2, 0)
    assert found("chronometers") == ["Marlowe Instruments"]
    assert found("penrose") == ["Penrose Optics"]


def test_unpublishing_verifying_and_deleting_remove_or_restore_the_document(db):
    company = SearchCompanyFactory(name="Fennimore Textiles")
    save(db, company)
    assert found("fennimore") == ["Fennimore Textiles"]

    company.published = False
    save(db, company)
    assert found("fennimore") == []

    company.published = True
    company.verified_at = None  # verification revoked
    save(db, company)
    assert found("fennimore") == []

    company.verified_at = utcnow()
    save(db, company)
    assert found("fennimore") == ["Fennimore Textiles"]

    company.deleted_at = utcnow()
    db.session.flush()
    mark_company_changed(company.id)
    assert outbox_rows(db)[-1].op == "delete"
    db.session.commit()
    process_after_commit()
    assert found("fennimore") == []


def test_hard_deleted_company_is_removed_from_the_index(db):
    company = SearchCompanyFactory(name="Wrenfield Joinery")
    save(db, company)
    company_id = company.id
    db.session.delete(company)
    db.session.flush()
    mark_company_changed(company_id)
    db.session.commit()
    process_after_commit()
    assert found("wrenfield") == []
    assert service.get_backend().count() == 0


def test_case_study_text_is_searchable_and_leaves_with_the_case_study(db):
    study = SearchCaseStudyFactory(
        title="Desalination for Oman", company=SearchCompanyFactory(name="Saltmarsh Pumps")
    )
    save(db, study.company)
    assert found("desalination") == ["Saltmarsh Pumps"]
    company = study.company
    db.session.delete(study)
    save(db, company)
    assert found("desalination") == []
    assert found("saltmarsh") == ["Saltmarsh Pumps"]


def test_document_carries_what_buyers_see(db):
    study = SearchCaseStudyFactory(
        title="Harbour cranes",
        keywords=["cranes"],
        company=SearchCompanyFactory(
            name="Ironbridge Hoists",
            keywords=["lifting"],
            products_services=["Marketing"],
            region="WALES",
            export_countries=["DE", "FR"],
            languages=["en", "cy"],
        ),
    )
    db.session.flush()
    doc = build_document(study.company)
    assert doc["id"] == study.company.id
    assert doc["name"] == "Ironbridge Hoists"
    assert doc["keywords"] == ["lifting"]
    assert doc["products_services"] == ["Marketing"]
    assert doc["region"] == "WALES"
    assert doc["countries"] == ["DE", "FR"]
    assert doc["languages"] == ["en", "cy"]
    assert doc["employees"] == "11-50"
    assert doc["verified"] is True
    assert doc["case_study_count"] == 1
    assert doc["case_studies"] == [
        {
            "title": "Harbour cranes",
            "summary": "What we did.",
            "description": "How we did it.",
            "keywords": ["cranes"],
        }
    ]
    assert doc["updated_at"].endswith("Z")
    assert "email" not in doc and "phone" not in doc


def test_failed_rows_back_off_and_sync_retries_them_anyway(db, engine):
    company = SearchCompanyFactory(name="Gullwing Sails")
    engine.down()
    save(db, company)
    (row,) = outbox_rows(db)
    assert row.attempts == 1
    assert "SearchUnavailable" in row.last_error
    assert row.next_attempt_at > utcnow()
    assert apply_outbox() == (0, 0)  # backing off: the regular worker leaves it alone
    assert apply_outbox(due_only=False) == (0, 1)  # still down
    db.session.refresh(row)
    assert row.attempts == 2
    assert row.next_attempt_at - utcnow() > timedelta(seconds=5)
    engine.up()
    assert sync_outbox(due_only=True) == (0, 0)
    assert sync_outbox() == (1, 0)
    assert outbox_rows(db) == []
    assert found("gullwing") == ["Gullwing Sails"]


def test_sync_drains_in_batches(db):
    companies = [SearchCompanyFactory(name=f"Batchworth {n}") for n in range(7)]
    for company in companies:
        mark_company_changed(company.id)
    db.session.commit()  # the after-commit callback is not run: as if the process died
    assert outbox_backlog().pending == 7
    assert sync_outbox(batch_size=3) == (7, 0)
    assert outbox_backlog().pending == 0
    assert service.get_backend().count() == 7
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0


def test_change_marked_inside_a_rolled_back_savepoint_is_marked_again_after_it(db):
    company = SearchCompanyFactory(name="Larkspur Linens")
    db.session.flush()
    savepoint = db.session.begin_nested()
    mark_company_changed(company.id)
    savepoint.rollback()
    assert outbox_rows(db) == []
    mark_company_changed(company.id)  # the savepoint took the first row with it
    assert [r.document_id for r in outbox_rows(db)] == [company.id]
    db.session.commit()
    process_after_commit()
    assert outbox_rows(db) == []
    assert found("larkspur") == ["Larkspur Linens"]
