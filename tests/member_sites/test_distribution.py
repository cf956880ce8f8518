"""member-sync installs on its own: ``pip install ./member_sites`` into a fresh virtual
environment brings the readers, harvester and push client without the consortium's stack
(Flask, SQLModel, Whoosh, jieba, numpy), and the installed command pushes records into a
live consortium."""
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import requests
from sqlmodel import select

from consortium.catalogue.models import Holding
from tests.conftest import skip_or_fail
from tests.member_sites.wheelhouse import build_wheelhouse

pytestmark = pytest.mark.slow

PACKAGE = Path(__file__).resolve().parents[2] / "member_sites"
# setuptools and wheel build the distribution (pip's isolated build, offline like the rest).
BUILD_REQUIREMENTS = ["setuptools", "wheel"]
CONSORTIUM_STACK = ["flask", "sqlmodel", "whoosh", "jieba", "numpy", "marshmallow", "sqlalchemy", "psycopg"]


def _run(args, cwd, **kwargs) -> subprocess.CompletedProcess:
    """A process of the fresh environment, away from the repository and its PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def member_sync_env(tmp_path_factory) -> Path:
    """A fresh venv (no system site-packages) with ``pip install ./member_sites`` done offline."""
    root = tmp_path_factory.mktemp("member-sync")
    project = tomllib.loads((PACKAGE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    try:
        build_wheelhouse(project["dependencies"] + BUILD_REQUIREMENTS, root / "wheelhouse")
    except ModuleNotFoundError as exc:
        skip_or_fail(f"the test environment lacks {exc.name}; install the test extra (pip install -e '.[test]')")
    source = root / "source" / "member_sites"  # a copy: the in-tree build leaves build/ behind
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    venv = root / "venv"
    done = _run([sys.executable, "-m", "venv", str(venv)], root)
    assert done.returncode == 0, done.stderr
    done = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "--find-links",
                 str(root / "wheelhouse"), "--disable-pip-version-check", str(source)], root)
    assert done.returncode == 0, done.stdout + done.stderr
    return venv


def test_the_distribution_brings_no_part_of_the_consortiums_stack(member_sync_env, tmp_path):
    """Each of the consortium's heavy dependencies fails to import; member_sites is installed
    (not the repository's copy), without the embed kit's server side."""
    names = CONSORTIUM_STACK + ["member_sites.embed", "member_sites.record.checks", "member_sites.harvester"]
    probe = ("import importlib, json, member_sites\n"
             "found = {}\n"
             f"for name in {names!r}:\n"
             "    try:\n        importlib.import_module(name); found[name] = True\n"
             "    except ImportError:\n        found[name] = False\n"
             "print(json.dumps({'found': found, 'file': member_sites.__file__}))\n")
    done = _run([str(member_sync_env / "bin" / "python"), "-c", probe], tmp_path)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert not any(answer["found"][name] for name in CONSORTIUM_STACK + ["member_sites.embed"]), answer
    assert answer["found"]["member_sites.record.checks"] and answer["found"]["member_sites.harvester"]
    assert Path(answer["file"]).is_relative_to(member_sync_env)


def test_member_sync_from_its_own_distribution_pushes_into_a_live_consortium(
        member_sync_env, live_server, keys, members, session, tmp_path):
    """``member-sync --help`` works; ``member-sync push`` of a small CSV stores its records,
    which the read API then serves with the member's holding."""
    command = str(member_sync_env / "bin" / "member-sync")
    helped = _run([command, "--help"], tmp_path)
    assert helped.returncode == 0 and "push" in helped.stdout, helped.stderr
    export = tmp_path / "new.csv"
    export.write_text("local_id,title,authors,isbns,year,clc\n"
                      "ms-1,独立安装之书,作者甲,7-02-000220-X,2001,I242.4\n"
                      "ms-2,A Book Pushed From Its Own Venv,\"Writer, B.\",,1999,\n", encoding="utf-8")
    pushed = _run([command, "--url", live_server.url, "--member", "A", "--key", keys["A"], "--quiet",
                   "push", str(export), "--format", "csv"], tmp_path)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "read 2 · pushed 2 · unchanged 0 · rejected 0" in pushed.stdout
    holdings = dict(session.exec(select(Holding.local_id, Holding.work_id)
                                 .where(Holding.member_id == members["A"].id)).all())
    assert set(holdings) == {"ms-1", "ms-2"}
    work = requests.get(f"{live_server.url}/api/v1/works/{holdings['ms-1']}", timeout=30).json()
    assert work["title"] == "独立安装之书" and work["isbns"] == ["9787020002207"]
    assert [h["member"] for h in work["holdings"]] == ["A"]
