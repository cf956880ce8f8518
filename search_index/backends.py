"""The registry of search backends: a name (``SEARCH_BACKEND``) → the module that builds it.

A backend is loaded only when chosen, so a deployment never imports an engine it does not
use. A backend is a folder with a ``backend.open_backend(name, settings)`` and a line here.
"""
from importlib import import_module

from search_index.errors import UnknownBackend
from search_index.ports import BackendSettings, SearchBackend

BACKENDS = {
    "whoosh": "search_index.whoosh_fast.backend",
    "whoosh-plain": "search_index.whoosh_plain.backend",
    "opensearch": "search_index.opensearch.backend",
}
DEFAULT = "whoosh"


def open_backend(name: str, settings: BackendSettings) -> SearchBackend:
    """The backend registered as ``name``; ``UnknownBackend`` names the choices."""
    module_name = BACKENDS.get(name)
    if module_name is None:
        raise UnknownBackend(f"Unknown search backend {name!r} (SEARCH_BACKEND); "
                             f"choose one of: {', '.join(sorted(BACKENDS))}.")
    return import_module(module_name).open_backend(name, settings)
