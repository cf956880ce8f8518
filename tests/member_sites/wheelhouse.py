"""A wheelhouse made from the distributions installed in the running environment.

The member-sync distribution test installs into a fresh virtual environment with
``pip install --no-index --find-links <wheelhouse>``: offline, fast, and with exactly the
versions the rest of the suite ran against. Each wheel is repacked from an installed
distribution's own file list (its ``RECORD``), leaving out scripts (pip makes them again
from ``entry_points.txt``), compiled bytecode and the installer's own notes.
"""
import base64
import hashlib
import importlib.metadata
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import parse_tag
from packaging.utils import canonicalize_name

_INSTALLER_NOTES = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def closure(requirements) -> list[importlib.metadata.Distribution]:
    """The installed distributions ``requirements`` need, their dependencies included (no extras)."""
    todo, seen, found = [Requirement(r) for r in requirements], set(), []
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        found.append(importlib.metadata.distribution(requirement.name))
        todo.extend(Requirement(r) for r in found[-1].requires or [])
    return found


def _wheel_tag(dist: importlib.metadata.Distribution) -> str:
    """The compressed tag set of the installed wheel (``py2.py3-none-any``)."""
    tags = [t for line in dist.read_text("WHEEL").splitlines() if line.startswith("Tag:")
            for t in parse_tag(line.split(":", 1)[1].strip())]
    return "-".join(".".join(sorted({getattr(t, part) for t in tags})) for part in ("interpreter", "abi", "platform"))


def repack(dist: importlib.metadata.Distribution, folder: Path) -> Path:
    """One installed distribution as a wheel in ``folder``."""
    info = next(f.parent for f in dist.files if f.name == "METADATA" and f.parent.name.endswith(".dist-info"))
    stem = info.name.removesuffix(".dist-info")
    wheel = folder / f"{stem}-{_wheel_tag(dist)}.whl"
    rows = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for file in dist.files:
            notes = file.parent == info and file.name in _INSTALLER_NOTES
            if notes or ".." in file.parts or "__pycache__" in file.parts:
                continue
            data = file.locate().read_bytes()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            archive.writestr(file.as_posix(), data)
            rows.append(f"{file.as_posix()},sha256={digest},{len(data)}")
        archive.writestr(f"{info.as_posix()}/RECORD", "\n".join(rows + [f"{info.as_posix()}/RECORD,,"]) + "\n")
    return wheel


def build_wheelhouse(requirements, folder: Path) -> list[str]:
    """Wheels of everything ``requirements`` need, in ``folder``; their file names."""
    folder.mkdir(parents=True, exist_ok=True)
    return sorted(repack(dist, folder).name for dist in closure(requirements))
