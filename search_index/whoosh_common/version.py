"""The content version of the Whoosh index both Whoosh backends write (``versioning``):
the schema with every field's declared analyzer chain, the analysis version and the
libraries it runs, the facet layout and the stored result body's fields."""
from search_index import analysis, documents, facets, ports, versioning
from search_index.whoosh_common import facet_key, fields
from search_index.whoosh_common.schema import build_schema

# Libraries whose versions decide the terms: jieba's dictionary, OpenCC's tables, Whoosh's
# stemmer and stop words.
ANALYSIS_LIBRARIES = ("jieba", "opencc-python-reimplemented", "whoosh-reloaded")


def content_parts() -> dict:
    """What the content version digests (module attributes are read at call time)."""
    schema = build_schema()
    return {
        "schema": {name: versioning.describe(schema[name]) for name in sorted(schema.names())},
        "analysis": {"version": analysis.ANALYSIS_VERSION,
                     "libraries": versioning.library_versions(*ANALYSIS_LIBRARIES)},
        "facets": {"names": list(ports.FACET_NAMES), "multi_valued": list(facets.MULTI_VALUED),
                   "key": [list(facet_key.KEY_PARTS), facet_key.SEPARATOR, facet_key.VALUE_SEPARATOR]},
        "result": {"fields": list(documents.RESULT_FIELDS), "holding": list(documents.HOLDING_FIELDS),
                   "extra": list(documents.PAYLOAD_EXTRAS)},
        "document": fields.DOCUMENT_VERSION,
    }


def content_version() -> str:
    """The content version this code writes."""
    return versioning.digest(content_parts())
