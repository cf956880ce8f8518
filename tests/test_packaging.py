"""The daodu wheel installs into a fresh virtual environment (offline, not editable) and serves
both languages with its package directory read-only: the message catalogues are compiled
when the wheel is built, not when the app starts."""
import configparser
import importlib.metadata
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
import requests
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO, free_port, skip_or_fail
from tests.member_sites.wheelhouse import repack

pytestmark = pytest.mark.slow

SOURCES = ["setup.py", "setup.cfg", "pyproject.toml", "README.md", "consortium", "search_index", "feeds",
           "member_sites"]
AS_ROOT = os.geteuid() == 0


def install_requires() -> list[str]:
    """The distribution's own requirements, read from setup.cfg (comments dropped)."""
    parser = configparser.ConfigParser()
    parser.read(REPO / "setup.cfg", encoding="utf-8")
    lines = (line.split("#")[0].strip() for line in parser["options"]["install_requires"].splitlines())
    return [line for line in lines if line]


def closure(requirements) -> list[importlib.metadata.Distribution]:
    """Installed distributions the requirements need, following requested extras (psycopg[binary])."""
    todo, seen, found = [Requirement(r) for r in requirements], set(), {}
    while todo:
        requirement = todo.pop()
        key = (canonicalize_name(requirement.name), tuple(sorted(requirement.extras)))
        if key in seen:
            continue
        seen.add(key)
        dist = found.setdefault(key[0], importlib.metadata.distribution(requirement.name))
        extras = ["", *requirement.extras]
        for line in dist.requires or []:
            needed = Requirement(line)
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in extras):
                needed.marker = None
                todo.append(needed)
    return list(found.values())


def _run(args, cwd, confined: bool = False, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(_confine(args) if confined else args, cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=900, **kwargs)


def _confine(args: list[str]) -> list[str]:
    """Root without capabilities: file modes bind it like any owner (root may otherwise write
    anywhere, and the interpreter lives in root's private home, so another user cannot run it)."""
    return ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--", *args] if AS_ROOT else list(args)


def _env() -> dict:
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") + tuple(k for k in os.environ if k.startswith("CONSORTIUM_"))
    return {k: v for k, v in os.environ.items() if k not in drop}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel built from a clean copy of the sources (no .mo files), installed offline into a
    fresh venv whose site-packages is then made read-only; an instance folder beside it."""
    root = Path(tempfile.mkdtemp(prefix="daodu-wheel-"))
    try:
        source, wheelhouse = root / "source", root / "wheelhouse"
        source.mkdir()
        wheelhouse.mkdir()
        skip = shutil.ignore_patterns("__pycache__", "*.mo", "build", "*.egg-info")
        for name in SOURCES:
            if (REPO / name).is_dir():
                shutil.copytree(REPO / name, source / name, ignore=skip)
            else:
                shutil.copy(REPO / name, source / name)
        assert not list(source.rglob("*.mo"))
        try:
            for dist in closure(install_requires()):
                repack(dist, wheelhouse)
        except importlib.metadata.PackageNotFoundError as exc:
            skip_or_fail(f"the test environment lacks {exc}; install the project first (make install)")
        built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                      "--disable-pip-version-check", "-w", str(root / "dist"), str(source)], root)
        assert built.returncode == 0, built.stdout + built.stderr
        (wheel,) = (root / "dist").glob("daodu-*.whl")
        venv = root / "venv"
        assert _run([sys.executable, "-m", "venv", str(venv)], root).returncode == 0
        done = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "--find-links",
                     str(wheelhouse), "--disable-pip-version-check", str(wheel)], root)
        assert done.returncode == 0, done.stdout + done.stderr
        (site,) = venv.glob("lib/python3*/site-packages")
        for path in [site, *site.rglob("*")]:
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        instance = root / "instance"
        instance.mkdir()
        yield {"root": root, "wheel": wheel, "venv": venv, "site": site, "instance": instance}
    finally:
        for path in root.rglob("*"):
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
        shutil.rmtree(root, ignore_errors=True)


def test_the_wheel_carries_compiled_catalogues(installed):
    """Every .po of the sources has its .mo in the wheel, compiled by the build step."""
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    catalogues = [n for n in names if n.startswith("consortium/i18n/") and n.endswith(".po")]
    assert catalogues and all(n[:-3] + ".mo" in names for n in catalogues)


def test_the_installed_package_serves_both_languages_from_a_read_only_directory(installed):
    """``consortium init`` and ``serve`` from the venv (not the repository); the home page in
    Chinese by default and in English with ?lang=en; the package directory cannot be written."""
    venv, site, instance = installed["venv"], installed["site"], installed["instance"]
    probe = _run(["touch", str(site / "consortium" / "written-at-runtime")], installed["root"], confined=True)
    assert probe.returncode != 0, "the site-packages directory must be read-only for the server"
    consortium = str(venv / "bin" / "consortium")
    init = _run([consortium, "--instance", str(instance), "init"], instance, confined=True)
    assert init.returncode == 0, init.stdout + init.stderr
    port = free_port()
    server = subprocess.Popen(_confine([consortium, "--instance", str(instance), "serve", "--port", str(port)]),
                              cwd=instance, env={**_env(), "CONSORTIUM_BACKGROUND_JOBS": "false"},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/healthz", server)
        chinese = requests.get(base + "/", headers={"Accept-Language": "zh-CN"}, timeout=30)
        english = requests.get(base + "/?lang=en", timeout=30)
        module = _run([str(venv / "bin" / "python"), "-c", "import consortium; print(consortium.__file__)"],
                      instance, confined=True)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert chinese.status_code == 200 and '<html lang="zh-CN">' in chinese.text and "检索" in chinese.text
    assert english.status_code == 200 and '<html lang="en">' in english.text and "Search" in english.text
    assert "检索" not in english.text
    assert Path(module.stdout.strip()).is_relative_to(site), module.stdout + module.stderr
    assert "could not compile" not in output and "Traceback" not in output, output
    assert not list(site.rglob("written-at-runtime"))


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {server.communicate()[0]}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")
