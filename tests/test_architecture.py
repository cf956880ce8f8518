"""The house's shape: the import contracts in setup.cfg hold, and they would catch a circle.

The contracts are checked with import-linter's own command (``lint-imports``), as a developer
runs it by hand.
"""
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def lint_imports(config: Path, cwd: Path, extra_path: Path | None = None) -> subprocess.CompletedProcess:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    env = dict(os.environ)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    return subprocess.run([command, str(config), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_import_contracts_of_the_project_hold():
    """No circles at any depth, member_sites alone, feeds a library, pure cores, Flask-free services."""
    done = lint_imports(REPO / "setup.cfg", REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No import circles" in done.stdout and "BROKEN" not in done.stdout
    assert done.stdout.count(" KEPT") >= 5


def test_the_circle_contract_fails_on_a_circle_hidden_in_a_function(tmp_path):
    """Two sibling packages importing each other (one import inside a function) break the contract."""
    pkg = tmp_path / "circlepkg"
    for part in ("left", "right"):
        (pkg / part).mkdir(parents=True)
        (pkg / part / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "left" / "a.py").write_text("from circlepkg.right import b\n")
    (pkg / "right" / "b.py").write_text("def f():\n    from circlepkg.left import a\n    return a\n")
    config = tmp_path / "contracts.ini"
    config.write_text(textwrap.dedent("""\
        [importlinter]
        root_package = circlepkg

        [importlinter:contract:no-circles]
        name = No import circles among sibling modules or packages, at any depth
        type = acyclic_siblings
        ancestors = circlepkg
        """))
    done = lint_imports(config, tmp_path, extra_path=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BROKEN" in done.stdout and ".left" in done.stdout and ".right" in done.stdout
