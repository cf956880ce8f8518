"""``search_index`` is a library: it imports nothing of the application, and importing any of
its modules is cheap and side-effect free; the consortium reaches engines only through the
ports and the registry."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LIBRARY = REPO / "search_index"
FORBIDDEN = ("consortium", "feeds", "member_sites")
ALLOWED = ("member_sites.record",)  # the shared record contract, once it lands


def modules(package: Path) -> list[Path]:
    return sorted(package.rglob("*.py"))


def imported_names(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")


@pytest.mark.parametrize("path", modules(LIBRARY), ids=lambda p: str(p.relative_to(REPO)))
def test_the_library_imports_nothing_of_the_application(path):
    """No module of ``search_index`` imports ``consortium``, ``feeds`` or ``member_sites``
    (save the shared record contract), at module level or inside a function."""
    bad = [name for name in imported_names(path)
           if name.split(".")[0] in FORBIDDEN and not name.startswith(ALLOWED)]
    assert bad == []


def loaded_after_importing(names: list[str], cwd: Path) -> str:
    """Which of jieba, OpenCC and the application's packages a fresh interpreter holds after
    importing ``names``."""
    code = ("import importlib, sys\n"
            f"for name in {names!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in ('jieba', 'opencc', 'consortium', 'feeds', 'flask') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, check=True)
    return result.stdout.strip()


def test_importing_every_library_module_loads_no_dictionary_and_opens_nothing(tmp_path):
    """Importing all of ``search_index`` (every backend included) loads neither jieba nor
    OpenCC and writes no file — but for the module whose import is the loading of the
    dictionaries (the helpers' fork server imports it: ``analysis.processes``)."""
    from search_index.analysis.processes import PRELOAD
    names = [module_name(path) for path in modules(LIBRARY) if module_name(path) not in PRELOAD]
    assert loaded_after_importing(names, tmp_path) == "[]" and list(tmp_path.iterdir()) == []
    assert loaded_after_importing(list(PRELOAD), tmp_path) == "['jieba', 'opencc']"


def test_the_consortium_imports_no_backend_until_the_app_is_built():
    """The consortium's modules know the ports only; ``create_app`` loads the configured
    backend and no other."""
    code = ("import sys\n"
            "import consortium, consortium.cli, consortium.ports, consortium.search\n"
            "before = sorted(m for m in sys.modules if m.startswith('search_index.whoosh'))\n"
            "import tempfile; from consortium import create_app\n"
            "create_app({'SECRET_KEY': 'x', 'SEARCH_BACKEND': 'whoosh-plain'}, instance_path=tempfile.mkdtemp())\n"
            "after = {m.split('.')[1] for m in sys.modules if m.startswith('search_index.whoosh')}\n"
            "print(before, sorted(after))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[] ['whoosh_common', 'whoosh_plain']"


@pytest.mark.parametrize("path", modules(LIBRARY) + modules(REPO / "consortium" / "search"),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_modules_stay_small(path):
    """Modules stay under ~400 lines (split by concept when they grow)."""
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
