"""The index on the cluster: its settings, its mapping, its name, and the content version
kept in the mapping's ``_meta``.

Text fields hold our terms one per line and are indexed by an analyser that splits at line
breaks only (nothing is lowercased, stemmed or split again: the terms are already what
``search_index.analysis`` made, and a phrase's shingle ``"open sourc"`` holds a space);
term frequencies only, like the Whoosh schema (queries are word sets, phrases are shingles).
Facet values are keywords of one field, ``facet``, each ``<facet>=<value>`` (``member=M2``,
``year=1990``): filters are terms of it, and one terms aggregation counts every facet at
once (a pass over each matching work's values instead of one pass per facet: at a million
works seven aggregations cost a broad search about five times as much). The exact-title keys
are keywords under ``exact``; the result body is kept in ``_source`` (the analysed texts and
keys are left out of it: nothing reads them back).
"""
import datetime as dt

from search_index import documents, facets, ports, versioning
from search_index.whoosh_common import version as whoosh_version

# Fields holding analysed terms (the Whoosh schema's text fields, same names).
TERM_FIELDS = ("title", "authors", "subjects", "text", "spell", "isbn", "clc")
ANALYZER = "daodu_terms"
# The keys a query equal to a title matches (``documents.exact_keys``): keywords that
# score only through the exact-title boost (``query.to_dsl``).
EXACT_FIELD = "exact"
# What separates the terms of a text field's value (never inside a term).
TERM_SEPARATOR = "\n"
# Raise when the way documents are laid out on the cluster changes (rebuilds the index).
# 2: terms one per line (shingles hold a space), exact-title keys. 4: facets in one field.
# 5: ties of relevance by ``tie_order``.
LAYOUT_VERSION = 5


FACET_FIELD = "facet"
# Between a facet's name and its value in ``FACET_FIELD`` (no facet's name holds it).
FACET_JOIN = "="


def facet_term(name: str, value: str) -> str:
    """The ``FACET_FIELD`` term of one facet value."""
    return f"{name}{FACET_JOIN}{value}"


def split_facet_term(term: str) -> tuple[str, str]:
    name, _, value = term.partition(FACET_JOIN)
    return name, value


def mappings() -> dict:
    """The mapping of the works index (facet names read at call time)."""
    text = {"type": "text", "analyzer": ANALYZER, "index_options": "freqs"}
    properties = {name: dict(text) for name in TERM_FIELDS}
    properties["spell"] = dict(text, norms=False)
    properties.update({
        "id": {"type": "long"},
        "year": {"type": "integer"},
        "acquired": {"type": "integer"},
        "first_seen": {"type": "long"},  # seconds since 1970: when the consortium first saw the work
        "title_sort": {"type": "keyword"},
        # the order of works scoring alike (``documents.tie_order``: the most held, the newest)
        "tie_order": {"type": "long"},
        EXACT_FIELD: {"type": "keyword", "norms": False},
        FACET_FIELD: {"type": "keyword", "norms": False},
        "payload": {"type": "keyword", "index": False, "doc_values": False},
    })
    return {"dynamic": "strict", "_source": {"excludes": [*TERM_FIELDS, EXACT_FIELD, FACET_FIELD]},
            "_meta": {"content_version": content_version()}, "properties": properties}


def index_settings(shards: int, replicas: int, result_window: int, building: bool = False,
                   replication: str = "document") -> dict:
    """Settings of a new index; ``building``: no replicas and no refreshes while a rebuild
    fills it (both are set to the live values before it is swapped in); ``replication``:
    ``segment`` for replicas that copy segments (``connection.REPLICATION_TYPES``)."""
    settings = {
        "number_of_shards": shards,
        "number_of_replicas": 0 if building else replicas,
        "refresh_interval": "-1" if building else "1s",
        "max_result_window": result_window,
        # the segments of a shard searched in parallel when a search aggregates (the facets):
        # a broad search's counting shared among the node's cores (OpenSearch 2.17+)
        "search": {"concurrent_segment_search": {"mode": "auto"}},
        # fsynced per request when live; a rebuild that dies is started again anyway
        "translog": {"durability": "async" if building else "request"},
        "analysis": {
            # a module of the distribution (analysis-common), no plugin
            "tokenizer": {ANALYZER: {"type": "char_group", "tokenize_on_chars": [TERM_SEPARATOR],
                                     "max_token_length": 1024}},
            "analyzer": {ANALYZER: {"type": "custom", "tokenizer": ANALYZER}},
        },
    }
    if replication == "segment":  # a static setting: fixed when the index is made
        settings["replication"] = {"type": "SEGMENT"}
    return settings


def live_settings(replicas: int) -> dict:
    return {"index": {"number_of_replicas": replicas, "refresh_interval": "1s", "translog.durability": "request"}}


def new_index_name(prefix: str) -> str:
    """A versioned name beside the alias: ``<prefix>works-<content version>-<UTC time>``."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S%f")
    return f"{prefix}works-{content_version()}-{stamp}"


def index_pattern(prefix: str) -> str:
    """Every versioned index of this prefix (the live one and any left by a failed rebuild)."""
    return f"{prefix}works-*"


def content_parts() -> dict:
    """What the content version digests: the Whoosh schema's fields and their analyzer chains
    (the terms come from them), the analysis version and its libraries, the facet layout, the
    stored result body, and this backend's own layout (module attributes read at call time)."""
    return {
        "terms": whoosh_version.content_parts(),
        "layout": {"version": LAYOUT_VERSION, "term_fields": list(TERM_FIELDS), "exact": EXACT_FIELD,
                   "facet_field": [FACET_FIELD, FACET_JOIN],
                   "facets": list(ports.FACET_NAMES), "multi_valued": list(facets.MULTI_VALUED),
                   "result": list(documents.RESULT_FIELDS)},
    }


def content_version() -> str:
    """The content version this code writes."""
    return versioning.digest(content_parts())
