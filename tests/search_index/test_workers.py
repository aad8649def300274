"""Several workers draining the outbox at once: every change applied once, nothing lost."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from search_index import service
from search_index.indexing import sync_outbox
from search_index.models import SearchOutbox
from supplier_profiles.search_documents import mark_company_changed
from tests.factories import bulk_insert_companies
from tradehub.extensions import db as _db


def test_concurrent_syncs_share_the_work_without_losing_or_repeating_any(app, db):
    rows = bulk_insert_companies(60)
    for row in rows:
        mark_company_changed(row["id"])
    db.session.commit()  # no after-commit run: the workers below do the work
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        with app.app_context():
            try:
                results.append(sync_outbox(batch_size=7))
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(applied for applied, _ in results) == 60
    assert sum(failed for _, failed in results) == 0
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    assert service.get_backend().count() == 60
