"""The supplier rules that have exactly one implementation: "may be shown to buyers"
(Company.is_publishable, in Python and in SQL), the keyword rule, and the importer going
through the publishing transitions (checklist and audit)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from supplier_profiles.keywords import clean_keywords
from supplier_profiles.models import AuditAction, Company, CompanyAuditEntry
from tests.factories import CompanyFactory, PublishedCompanyFactory, VerifiedCompanyFactory
from tradehub.db_types import utcnow
from tradehub.errors import ValidationFailed


def test_is_publishable_is_the_same_rule_on_instances_and_in_sql(db):
    shown = PublishedCompanyFactory()
    draft = VerifiedCompanyFactory()  # verified, not published
    unverified = CompanyFactory(published=True)
    deleted = PublishedCompanyFactory(deleted_at=utcnow())
    db.session.commit()
    in_sql = set(db.session.scalars(select(Company.id).where(Company.is_publishable)))
    in_python = {c.id for c in (shown, draft, unverified, deleted) if c.is_publishable}
    assert in_sql == in_python == {shown.id}
    hidden = set(db.session.scalars(select(Company.id).where(~Company.is_publishable)))
    assert hidden == {draft.id, unverified.id, deleted.id}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("machining, brackets, Machining, titanium", ["machining", "brackets", "titanium"]),
        (["ISO 9001", "iso 9001", "  CNC   machining "], ["ISO 9001", "CNC machining"]),
        (", ,", []),
        (None, []),
    ],
)
def test_keywords_keep_the_first_spelling_and_repeat_case_blind(raw, expected):
    assert clean_keywords(raw) == expected


def test_keywords_refuse_too_many_or_too_long():
    with pytest.raises(ValidationFailed, match="no more than 10 keywords") as too_many:
        clean_keywords([f"word{i}" for i in range(11)])
    assert too_many.value.field == "keywords"
    with pytest.raises(ValidationFailed, match="50 characters or fewer"):
        clean_keywords(["x" * 51])


def _import(runner, tmp_path, records: list[dict]):
    path = tmp_path / "companies.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return runner.invoke(args=["suppliers", "import", str(path)])


def _record(**overrides) -> dict:
    data = {
        "number": "1234567",  # zero-padded by the one Companies House number rule
        "name": "Severn Glassworks Ltd",
        "company_type": "COMPANIES_HOUSE",
        "summary": "Hand-blown glassware.",
        "email": "hello@severn-glass.example",
        "keywords": ["Glassware", "glassware", "  stained   glass "],
        "case_studies": [{"title": "Tumblers", "keywords": ["Engraving", "engraving"]}],
        "verified": True,
        "published": True,
    }
    data.update(overrides)
    return data


def test_the_importer_cleans_keywords_like_the_profile_form(runner, db, tmp_path):
    assert _import(runner, tmp_path, [_record()]).exit_code == 0
    company = db.session.scalar(select(Company))
    assert company.number == "01234567"
    assert company.keywords == ["Glassware", "stained glass"]
    assert company.case_studies[0].keywords == ["Engraving"]


def test_the_importer_verifies_and_publishes_through_the_audited_transitions(runner, db, tmp_path):
    assert _import(runner, tmp_path, [_record()]).exit_code == 0
    company = db.session.scalar(select(Company))
    assert company.is_publishable and company.verification_code is None
    assert _import(runner, tmp_path, [_record(published=False, verified=False)]).exit_code == 0
    db.session.expire_all()
    assert not company.is_verified and not company.published
    trail = [
        (entry.action, entry.reason)
        for entry in db.session.scalars(
            select(CompanyAuditEntry)
            .where(CompanyAuditEntry.company_id == company.id)
            .order_by(CompanyAuditEntry.id)
        )
    ]
    assert [action for action, _ in trail] == [
        AuditAction.VERIFIED_BY_STAFF,
        AuditAction.PUBLISHED,
        AuditAction.REVOKED,
    ]
    assert all(reason.startswith("Set by import of ") for _, reason in trail)


def test_the_importer_refuses_publishing_what_the_checklist_refuses(runner, db, tmp_path):
    result = _import(runner, tmp_path, [_record(email="")])
    assert result.exit_code == 1
    assert "line 1: published companies need an email" in result.output
    assert db.session.scalar(select(Company)) is None
