"""The write port of ``opensearch``: the consortium's index as versioned indices behind one
alias (``<prefix>works`` → ``<prefix>works-<content version>-<time>``).

``apply`` sends a batch as bulk requests to the alias (``require_alias``: a missing alias is
an error, never an index created by accident), so the batch is durable (the translog is
synced per request) when it returns; it is searchable within the index's refresh interval
(a second), and at once after ``close`` (a writer that wrote refreshes the alias: one
refresh per indexer pass, not one per batch, which made many small segments to merge). ``rebuild`` fills a new
index beside the live one — no replicas and no refreshes while it fills — sets the live
replicas, waits for them, and swaps the alias in one atomic request, so readers never see a
gap; the old index is then deleted. The content version is the mapping's ``_meta``.

The writer lock here is a file lock in the settings' ``index_dir``: one writer per machine.
Across machines the consortium elects one indexer leader (a PostgreSQL advisory lock in
``consortium.search.leader``) before it opens a writer.
"""
import fcntl
import logging
import os
import time

from opensearchpy import exceptions as engine

from search_index.documents import fingerprint_text
from search_index.errors import IndexBusy, SearchIndexError
from search_index.opensearch import bulk, fields, mapping, rebuild
from search_index.opensearch.connection import Options, cluster_errors, make_client, with_retries
from search_index.opensearch.helpers import Helpers
from search_index.ports import BackendSettings, IndexStatus, apply_here

LOCK_FILE = "opensearch-writer.lock"
# Documents read per request by ``fingerprints`` (at most the result window).
SCAN_STEP = 5000
# Seconds a rebuild waits for the new index's segments to be merged.
MERGE_WAIT = 1800
# Seconds a writer closing waits for replicas to copy its last segments (segment replication).
SEGMENT_COPY_WAIT = 10.0
# Seconds a rebuilt index is given to allocate its replicas before it is swapped in anyway
# (searches are answered from primaries meanwhile).
REPLICA_WAIT = 120
log = logging.getLogger(__name__)


class ClusterWriter:
    """``search_index.ports.SearchWriter`` over the alias of the consortium's index."""

    def __init__(self, name: str, settings: BackendSettings, options: Options, client=None):
        self.name = name
        self.settings = settings
        self.options = options
        self.client = client or make_client(options)
        self._lock = None
        self._written = False
        self._helpers = Helpers(settings.rebuild_procs)

    def open(self) -> None:
        os.makedirs(self.settings.index_dir, exist_ok=True)
        handle = open(os.path.join(self.settings.index_dir, LOCK_FILE), "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise IndexBusy("Another process is writing the search index; try again later.") from None
        self._lock = handle

    def close(self) -> None:
        self._helpers.close()
        if self._written:
            self._written = False
            self._refresh()
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def apply(self, changed, deleted, before_commit=None) -> None:
        self._require_lock()
        if not changed and not deleted:
            return
        self._before_sending(before_commit)
        bulk.send(self.client, fields.actions(changed, deleted, self.options.alias), self.options)

    def apply_batch(self, batch, before_commit=None) -> tuple[int, int]:
        """A large batch read, analysed and sent by helper processes once they are ready
        (``helpers``); a small one, or one while they start, here."""
        self._require_lock()
        if not self._helpers.take(len(batch.work_ids)) or not self._helpers.ready(start=batch):
            return apply_here(self, batch, before_commit)
        self._before_sending(before_commit)
        return self._helpers.apply(batch, self.options, self.options.alias)

    def reads_in_helpers(self, works: int) -> bool:
        return self._helpers.take(works)

    def _before_sending(self, before_commit) -> None:
        self._ensure_index()
        if before_commit:
            before_commit()
        self._written = True

    def _refresh(self) -> None:
        """What was written made searchable now, on every copy (with segment replication the
        refresh is the primaries' and the replicas copy it after: wait for them); a cluster
        that cannot is left to its own refresh interval (the batches are durable already;
        ``close`` must not raise)."""
        try:
            with_retries(lambda: self.client.indices.refresh(index=self.options.alias), "refresh the index",
                         min(10.0, self.options.retry_seconds))
            if self.options.copies_segments:
                self._await_segment_copies()
        except SearchIndexError as exc:
            log.warning("search index not refreshed: %s", exc.message)

    def _await_segment_copies(self) -> None:
        """Until every replica has copied the primaries' last refresh (checkpoints behind: 0),
        up to ``SEGMENT_COPY_WAIT`` seconds; then they catch up on their own (logged)."""
        deadline = time.monotonic() + SEGMENT_COPY_WAIT
        while True:
            with cluster_errors("see the replicas' copies"):
                rows = self.client.cat.segment_replication(index=self.options.alias, params={"format": "json"})
            behind = [row.get("shardId") for row in rows if str(row.get("checkpoints_behind", "0")) != "0"]
            if not behind:
                return
            if time.monotonic() > deadline:
                log.warning("search index replicas still copying after %s s: %s", SEGMENT_COPY_WAIT,
                            ", ".join(map(str, behind)))
                return
            time.sleep(0.05)

    def _ensure_index(self) -> None:
        """The alias and a live index behind it (the first batch of a new deployment)."""
        alias = self.options.alias
        if with_retries(lambda: self.client.indices.exists_alias(name=alias), "find the index",
                        self.options.retry_seconds):
            return
        body = {"settings": mapping.index_settings(self.options.shards, self.options.replicas,
                                                   self.options.result_window,
                                                   replication=self.options.replication),
                "mappings": mapping.mappings(), "aliases": {alias: {}}}
        name = mapping.new_index_name(self.options.prefix)

        def create():
            try:
                self.client.indices.create(index=name, body=body)
            except engine.RequestError as exc:
                # a try whose answer timed out made it (the name is this call's own)
                if exc.error != "resource_already_exists_exception":
                    raise

        with_retries(create, "create the index", self.options.retry_seconds)

    def rebuild(self, source, progress=None) -> int:
        self._require_lock()
        options = self.options
        with cluster_errors("rebuild the index"):
            self._drop_unused()
            name = mapping.new_index_name(options.prefix)
            self.client.indices.create(index=name, body={
                "settings": mapping.index_settings(options.shards, options.replicas, options.result_window,
                                                   building=True, replication=options.replication),
                "mappings": mapping.mappings()})
            try:
                count = rebuild.fill(options, name, source, self.settings.rebuild_procs, progress)
                self.client.indices.refresh(index=name)
                self._merge(name)
                self.client.indices.put_settings(index=name, body=mapping.live_settings(options.replicas))
                self._await_replicas(name)
                self._swap(name)
            except BaseException:
                self._delete_quietly(name)
                raise
        return count

    def _merge(self, name: str) -> None:
        """The filled index merged to ``merge_segments`` segments a shard before it has
        replicas (which then copy the merged files) and before readers use it: searches
        visit fewer segments, and do not share the cluster with the merges a fresh index
        would otherwise run in the background. The merge runs as a task of the cluster, asked
        after by short requests ever less often, up to once a second (one long request would
        be repeated on another node when it timed out); a merge that outlasts ``MERGE_WAIT``
        goes on there, and the rebuild goes on."""
        if self.options.merge_segments <= 0:
            return
        task = self.client.indices.forcemerge(index=name, params={"max_num_segments": self.options.merge_segments,
                                                                  "wait_for_completion": "false"})["task"]
        deadline, pause = time.monotonic() + MERGE_WAIT, 0.05
        while True:
            answer = self.client.tasks.get(task_id=task)
            if answer.get("completed"):
                if answer.get("error"):
                    log.warning("rebuilt index %s not merged: %s", name, answer["error"].get("reason"))
                return
            if time.monotonic() > deadline:
                log.warning("rebuilt index %s still merging after %s s; going on", name, MERGE_WAIT)
                return
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def _await_replicas(self, name: str) -> None:
        health = self.client.cluster.health(index=name, wait_for_status="green", timeout=f"{REPLICA_WAIT}s",
                                            params={"request_timeout": REPLICA_WAIT + 30})
        if health.get("timed_out"):
            log.warning("rebuilt index %s is %s (replicas not all allocated); swapping it in", name,
                        health.get("status"))

    def _swap(self, name: str) -> None:
        """The alias moved to ``name`` in one request; the indices it left deleted."""
        old = self._aliased()
        actions = [{"remove": {"index": index, "alias": self.options.alias}} for index in old]
        self.client.indices.update_aliases(body={"actions": actions + [
            {"add": {"index": name, "alias": self.options.alias}}]})
        for index in old:
            self._delete_quietly(index)

    def _aliased(self) -> list[str]:
        # no alias yet (no index) is an answer, not a failed request for the client to log
        # (its warning would land in ``index status --json``'s output)
        found = self.client.indices.get_alias(name=self.options.alias, ignore=404)
        return sorted(index for index, info in found.items() if isinstance(info, dict) and "aliases" in info)

    def _drop_unused(self) -> None:
        """Versioned indices of this prefix the alias does not point at (a rebuild that died)."""
        found = self.client.indices.get_alias(index=mapping.index_pattern(self.options.prefix))
        for index, info in found.items():
            if self.options.alias not in info.get("aliases", {}):
                self._delete_quietly(index)

    def _delete_quietly(self, index: str) -> None:
        try:
            self.client.indices.delete(index=index)
        except engine.TransportError as exc:  # cleaning up; the next rebuild drops it
            log.warning("could not delete search index %s: %s", index, exc)

    def fingerprints(self) -> dict[int, str]:
        found: dict[int, str] = {}
        body = {"size": min(SCAN_STEP, self.options.result_window), "sort": [{"id": "asc"}],
                "_source": ["payload"], "query": {"match_all": {}}, "track_total_hits": False}
        with cluster_errors("read the indexed works"):
            while True:
                try:
                    rows = self.client.search(index=self.options.alias, body=body)["hits"]["hits"]
                except engine.NotFoundError:
                    return found
                if not rows:
                    return found
                for row in rows:
                    found[int(row["_id"])] = fingerprint_text(row["_source"]["payload"])
                body["search_after"] = rows[-1]["sort"]

    def status(self) -> IndexStatus:
        options = self.options
        with cluster_errors("report the index's status"):
            names = self._aliased()
            if not names:
                return IndexStatus(backend=self.name, location=options.location(), exists=False, documents=None,
                                   content_version=None, expected_version=mapping.content_version())
            name = names[0]
            found = self.client.indices.get(index=name)[name]
            meta = found["mappings"].get("_meta", {})
            documents = self.client.count(index=name)["count"]
            health = self.client.cluster.health(index=name)
        replication = found["settings"]["index"].get("replication", {}).get("type", "DOCUMENT")
        details = {"generation": name, "index": name, "health": health["status"],
                   "shards": health["active_primary_shards"], "copies": health["active_shards"],
                   "replication": replication.lower()}
        return IndexStatus(backend=self.name, location=options.location(), exists=True, documents=documents,
                           content_version=meta.get("content_version"), expected_version=mapping.content_version(),
                           details=details)

    def _require_lock(self) -> None:
        if self._lock is None:
            raise RuntimeError("open() the search index writer before writing")
