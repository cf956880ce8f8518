"""The content version digests what decides an index's content, and only that: it is stable
across processes, and changes with an analyzer chain, the analysis version, the facet layout
or the stored body's fields."""
import subprocess
import sys

from whoosh.analysis import LowercaseFilter, StemFilter

from search_index import analysis, documents, ports, versioning
from search_index.whoosh_common import analyzers, facet_key
from search_index.whoosh_common.version import content_version


def test_the_version_is_the_same_in_every_process():
    """No set order, address or hash seed leaks into it (string hashing is seeded per process)."""
    code = "from search_index.whoosh_common.version import content_version; print(content_version())"
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2", "3")}
    assert seen == {content_version()}


def test_a_changed_analyzer_chain_changes_the_version(monkeypatch):
    """A filter added to the text analyzer (here: no stop filter) is a different index."""
    before = content_version()
    monkeypatch.setattr(analyzers, "text_analyzer",
                        lambda: analyzers.MixedTokenizer() | LowercaseFilter() | StemFilter(cachesize=50000))
    assert content_version() != before


def test_the_analysis_version_and_its_libraries_are_part_of_it(monkeypatch):
    before = content_version()
    monkeypatch.setattr(analysis, "ANALYSIS_VERSION", analysis.ANALYSIS_VERSION + 1)
    assert content_version() != before
    monkeypatch.undo()
    monkeypatch.setattr(versioning, "library_versions", lambda *names: {name: "9.9" for name in names})
    assert content_version() != before


def test_a_facet_added_or_reordered_changes_the_version(monkeypatch):
    before = content_version()
    monkeypatch.setattr(ports, "FACET_NAMES", ports.FACET_NAMES + ("publisher",))
    added = content_version()
    monkeypatch.undo()
    monkeypatch.setattr(facet_key, "KEY_PARTS", tuple(reversed(facet_key.KEY_PARTS)))
    assert len({before, added, content_version()}) == 3


def test_the_stored_body_fields_are_part_of_it(monkeypatch):
    before = content_version()
    monkeypatch.setattr(documents, "RESULT_FIELDS", documents.RESULT_FIELDS + ("summary",))
    assert content_version() != before


def test_describe_gives_plain_deterministic_data():
    """Objects as their class and attributes, sets sorted, functions by name."""
    class Filter:
        def __init__(self):
            self.stops = frozenset({"b", "a"})
            self.fn = sorted

    assert versioning.describe(Filter()) == {"class": f"{__name__}.{Filter.__qualname__}", "fn": "builtins.sorted",
                                             "stops": ["a", "b"]}
