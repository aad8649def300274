"""`flask search sync | reindex | status` through the real CLI runner."""

from __future__ import annotations

from sqlalchemy import select

from search_index import service
from search_index.base import SearchQuery
from search_index.models import SearchOutbox
from supplier_profiles.search_documents import mark_company_changed
from tests.factories import SearchCompanyFactory, bulk_insert_companies
from tradehub.after_commit import process_after_commit


def test_every_command_has_one_line_help(runner):
    result = runner.invoke(args=["search", "--help"])
    assert result.exit_code == 0
    for command, words in (
        ("sync", "Apply every pending change from the outbox."),
        ("reindex", "Rebuild the index and swap it in atomically."),
        ("status", "Index vs database, and the outbox backlog."),
    ):
        listed = [line.split(None, 1) for line in result.output.splitlines()]
        assert [command, words] in listed  # the whole line, not cut short
        assert words in runner.invoke(args=["search", command, "--help"]).output


def test_status_compares_the_index_with_the_database(db, runner):
    bulk_insert_companies(3)  # straight into the database: nothing indexed yet
    SearchCompanyFactory(name="Hidden Draft", published=False)
    db.session.commit()
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 0, result.output
    assert "Backend: embedded (ok)" in result.output
    assert "Documents indexed: 0" in result.output
    assert "Publishable companies in the database: 3" in result.output
    assert "Outbox backlog: 0 pending" in result.output
    assert "run `flask search reindex`" in result.output


def test_status_shows_the_backlog(db, runner):
    company = SearchCompanyFactory(name="Pending Pumps")
    mark_company_changed(company.id)
    db.session.commit()  # the process "dies" before its after-commit work
    result = runner.invoke(args=["search", "status"])
    assert "Outbox backlog: 1 pending (1 due now, 0 failed at least once; oldest " in result.output
    assert "Run `flask search sync` to apply the backlog." in result.output


def test_sync_applies_what_is_left_in_the_outbox(db, runner):
    companies = [SearchCompanyFactory(name=f"Leftover Looms {n}") for n in range(3)]
    for company in companies:
        mark_company_changed(company.id)
    db.session.commit()
    assert service.get_backend().count() == 0
    result = runner.invoke(args=["search", "sync", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "Applied 3 change(s); 0 failed; 0 left in the outbox." in result.output
    assert service.search(SearchQuery(text="leftover looms")).total == 3
    assert db.session.scalars(select(SearchOutbox)).all() == []
    again = runner.invoke(args=["search", "sync"])
    assert "Applied 0 change(s); 0 failed; 0 left in the outbox." in again.output


def test_reindex_rebuilds_from_the_database_without_unpublishable_companies(db, runner):
    bulk_insert_companies(25)
    SearchCompanyFactory(name="Unverified Umbrellas", verified_at=None)
    SearchCompanyFactory(name="Unpublished Urns", published=False)
    db.session.commit()
    result = runner.invoke(args=["search", "reindex", "--batch-size", "10"])
    assert result.exit_code == 0, result.output
    assert "Reindexed 25 companies into " in result.output
    assert service.get_backend().count() == 25
    assert service.search(SearchQuery(text="unverified")).total == 0
    assert service.search(SearchQuery(text="unpublished")).total == 0
    status = runner.invoke(args=["search", "status"])
    assert "Documents indexed: 25" in status.output
    assert "The index is level with the database." in status.output


def test_reindex_replaces_documents_the_database_no_longer_has(db, runner):
    stale = SearchCompanyFactory(name="Vanished Vases")
    mark_company_changed(stale.id)
    db.session.commit()
    process_after_commit()
    assert service.search(SearchQuery(text="vanished")).total == 1
    db.session.delete(stale)  # removed behind the outbox's back
    db.session.commit()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert service.search(SearchQuery(text="vanished")).total == 0
    assert service.get_backend().count() == 0


def test_reindex_refuses_cleanly_when_the_engine_is_down(db, runner, engine):
    bulk_insert_companies(2)
    engine.down()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 1
    assert "Search engine unavailable; nothing changed" in result.output
