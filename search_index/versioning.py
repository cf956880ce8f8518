"""Content versions: a stable digest of everything that decides what an index holds (pure).

A backend describes its content — its schema with each field's declared analyzer chain, the
analysis version, the facet layout, the stored body's fields — as plain data (``describe``)
and digests it (``digest``); the digest is written beside the index when it is created, and
an index whose stored digest differs from the code's is rebuilt.
"""
import hashlib
import inspect
import json
from functools import lru_cache
from importlib import metadata

# Dicts bigger than this (character maps) are described by a digest of their items.
_BIG = 64
_DEPTH = 8


def describe(value, depth: int = 0):
    """Plain, deterministic data for ``value``: objects as their class and attributes,
    classes and functions by name, sets sorted; nothing that varies between processes."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.hex()
    if inspect.isclass(value) or inspect.isroutine(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}"
    if depth >= _DEPTH:
        return _qualname(type(value))
    if isinstance(value, dict):
        items = {str(key): describe(item, depth + 1) for key, item in value.items()}
        return _digest_json(items) if len(items) > _BIG else items
    if isinstance(value, (list, tuple)):
        return [describe(item, depth + 1) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((describe(item, depth + 1) for item in value), key=_canonical)
    attributes = getattr(value, "__dict__", None)
    if attributes is None:
        return _qualname(type(value))
    return {"class": _qualname(type(value)),
            **{name: describe(item, depth + 1) for name, item in sorted(attributes.items())}}


@lru_cache(maxsize=8)
def library_versions(*distributions: str) -> dict[str, str]:
    """The installed versions of libraries whose behaviour decides terms (a new jieba
    dictionary segments differently); looked up once per process."""
    versions = {}
    for name in distributions:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def digest(parts: dict) -> str:
    """A short, stable digest of described parts."""
    return _digest_json(parts)[:16]


def _digest_json(data) -> str:
    return hashlib.sha256(_canonical(data).encode()).hexdigest()


def _canonical(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _qualname(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"
