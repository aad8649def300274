"""Index lifecycle of the Elasticsearch backend.

Concrete indices ``<prefix>-suppliers-<UTC timestamp, microseconds>`` sit behind the alias
``<prefix>-suppliers``. reindex() fills a fresh index, then moves the alias in one atomic
``update_aliases`` call and keeps the newest two indices, so searches never see a half-built
index.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from search_index.document import SupplierDocument
from search_index.elasticsearch import settings
from search_index.elasticsearch.failures import Unavailable

log = logging.getLogger(__name__)

# Concrete indices kept after a reindex (the live one and the one before it).
KEEP_INDICES = 2


class IndexLifecycle:
    """Creating, filling, swapping and dropping indices (mixed into ElasticsearchBackend, which
    provides the client, the alias and the bulk writer)."""

    def new_index_name(self) -> str:
        """A fresh concrete index name: ``<alias>-<UTC timestamp with microseconds>``."""
        return f"{self.alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"

    def _indices(self) -> dict[str, bool]:
        """Concrete indices of this prefix, oldest first (names sort by timestamp), each with
        whether the alias points at it. One light request (no settings or mappings)."""
        with Unavailable("listing indices"):
            found = self.client.indices.get_alias(index=f"{self.alias}-*")
        return {
            name: self.alias in (found[name].get("aliases") or {})
            for name in sorted(found)
            if self._is_own_index(name)
        }

    def _is_own_index(self, name: str) -> bool:
        stamp = name[len(self.alias) + 1 :]
        return name.startswith(f"{self.alias}-") and stamp.isdigit()

    def _concrete_indices(self) -> list[str]:
        """Every concrete index of this prefix, oldest first."""
        return list(self._indices())

    def _alias_targets(self) -> list[str]:
        """Concrete indices the alias points at (empty when there is no alias yet)."""
        return [name for name, live in self._indices().items() if live]

    def ensure_ready(self) -> None:
        """Create a concrete index behind the alias unless the alias already exists."""
        if self._alias_targets():
            return
        name = self.new_index_name()
        body = settings.index_body(shards=self.shards, replicas=self.replicas)
        body["aliases"] = {self.alias: {}}
        with Unavailable("creating the index"):
            self.client.indices.create(index=name, body=body)
        targets = self._alias_targets()
        if len(targets) > 1 and name != min(targets):
            # Another process created one at the same moment: every racer keeps the oldest.
            log.info("dropping %s: %s was created at the same time", name, min(targets))
            with Unavailable("dropping a duplicate index"):
                self.client.indices.delete(index=name, ignore=[404])

    def reindex(self, docs: Iterable[SupplierDocument]) -> str:
        """Fill a fresh index, move the alias to it atomically, keep the newest two indices.

        An index newer than the live one is left over from a reindex that died (or is being
        replaced by this one, as in the embedded backend): it is dropped first, so it can
        neither take this one's place among the kept indices nor keep receiving writes.
        """
        self._drop_unfinished()
        name = self.new_index_name()
        with Unavailable("creating the new index"):
            # Replicas are added after the load: copying finished segments is cheaper than
            # indexing every document twice.
            self.client.indices.create(
                index=name,
                body=settings.index_body(bulk_loading=True, shards=self.shards, replicas=0),
            )
        try:
            self._bulk(self._index_actions(docs, name, upsert=False), parallel=True)
            with Unavailable("preparing the new index"):
                self.client.indices.put_settings(
                    index=name,
                    body={"index": {"refresh_interval": None, "number_of_replicas": self.replicas}},
                )
                self.client.indices.refresh(index=name)
                if self.replicas:
                    # The alias moves only to an index whose copies are all allocated, so the
                    # loss of one node right after a reindex loses nothing.
                    self.client.cluster.health(
                        index=name, wait_for_status="green", timeout="120s", request_timeout=130
                    )
        except BaseException:
            # A half-built index must never be left where the next swap could pick it.
            with Unavailable("dropping the unfinished index"):
                self.client.indices.delete(index=name, ignore=[404])
            raise
        actions: list[dict[str, Any]] = [
            {"remove": {"index": old, "alias": self.alias}} for old in self._alias_targets()
        ]
        actions.append({"add": {"index": name, "alias": self.alias}})
        with Unavailable("moving the alias"):
            self.client.indices.update_aliases(body={"actions": actions})
        log.info("alias %s now points at %s", self.alias, name)
        self._delete_old_indices()
        return name

    def _drop_unfinished(self) -> None:
        """Delete indices newer than the live one (reindexes that never swapped)."""
        indices = self._indices()
        live = [name for name, is_live in indices.items() if is_live]
        if not live:
            return
        unfinished = [name for name in indices if name > max(live)]
        if unfinished:
            log.warning("dropping indices of an unfinished reindex: %s", ", ".join(unfinished))
            with Unavailable("dropping unfinished indices"):
                self.client.indices.delete(index=",".join(unfinished), ignore=[404])

    def _delete_old_indices(self) -> None:
        """Keep the live index and the one before it; delete older ones."""
        indices = self._indices()
        live = [name for name, is_live in indices.items() if is_live]
        if not live:
            return
        settled = [name for name in indices if name <= max(live)]
        stale = [name for name in settled[:-KEEP_INDICES] if not indices[name]]
        if stale:
            with Unavailable("deleting old indices"):
                self.client.indices.delete(index=",".join(stale), ignore=[404])

    def clear(self) -> None:
        """Delete every concrete index of this prefix (and with them the alias)."""
        indices = self._concrete_indices()
        if indices:
            with Unavailable("deleting indices"):
                self.client.indices.delete(index=",".join(indices), ignore=[404])

    def _write_targets(self) -> list[str]:
        """Where changes go: the live index plus any newer index a running reindex is filling."""
        indices = self._indices()
        if not any(indices.values()):
            self.ensure_ready()
            indices = self._indices()
        newest_live = max(name for name, live in indices.items() if live)
        return [name for name, live in indices.items() if live or name > newest_live]
