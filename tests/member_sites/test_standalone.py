"""member_sites stands alone: it talks to the consortium over HTTP only, so no module of it
imports the consortium's packages, its third-party imports are the member-sync
distribution's dependencies, and its imports go one way (no cycle, not even one hidden
inside a function)."""
import ast
import sys
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "member_sites"
LEAVING = PACKAGE / "embed"  # the embed kit's server side moves into the consortium
FORBIDDEN = {"consortium", "search_index", "feeds", "bench"}
IMPORT_NAMES = {"python-stdnum": "stdnum"}  # distribution name → import name, where they differ


def modules() -> dict[str, Path]:
    """Every module of member_sites (leaving the embed kit out), by dotted name; folders that
    are not packages (a build's leftovers) are not part of it."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        folders = path.relative_to(PACKAGE).parents
        if LEAVING in path.parents or not all((PACKAGE / f / "__init__.py").exists() for f in folders):
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, path: Path) -> set[str]:
    """Dotted names a module imports anywhere in its body (functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from .x import y, from .. import z
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_no_module_imports_the_consortium_search_index_or_feeds():
    offenders = {f"{name}: {target}" for name, path in modules().items() for target in imported(name, path)
                 if target.split(".")[0] in FORBIDDEN}
    assert not offenders


def test_nothing_outside_the_embed_kit_depends_on_it():
    """The embed kit's server side leaves member_sites; only its widget.js (static) stays."""
    assert not {f"{name}: {target}" for name, path in modules().items() for target in imported(name, path)
                if target.startswith("member_sites.embed")}
    assert (PACKAGE / "static" / "embed" / "widget.js").is_file()


def _third_party(names) -> set[str]:
    tops = {target.split(".")[0] for target in names}
    return {top for top in tops if top not in sys.stdlib_module_names and top != "member_sites"}


def test_third_party_imports_are_the_distributions_dependencies():
    """A member library installs exactly what member_sites imports."""
    project = tomllib.loads((PACKAGE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = set()
    for requirement in project["dependencies"]:
        dist = requirement.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
        declared.add(IMPORT_NAMES.get(dist, dist.replace("-", "_")))
    used = set().union(*(_third_party(imported(name, path)) for name, path in modules().items()))
    assert used == declared


def test_the_record_package_needs_only_stdnum_and_pycountry():
    """Both sides share member_sites.record: it imports nothing of member_sites outside itself."""
    record = {name: path for name, path in modules().items() if name.startswith("member_sites.record")}
    targets = set().union(*(imported(name, path) for name, path in record.items()))
    assert _third_party(targets) == {"stdnum", "pycountry"}
    assert all(t.startswith("member_sites.record") for t in targets if t.startswith("member_sites"))


def _edges() -> dict[str, set[str]]:
    """Module → the member_sites modules it makes Python run (``import a.b.c`` runs a, a.b, a.b.c)."""
    known = modules()
    graph = {}
    for name, path in known.items():
        targets = set()
        for target in imported(name, path):
            parts = target.split(".")
            targets.update(".".join(parts[:n]) for n in range(1, len(parts) + 1) if ".".join(parts[:n]) in known)
        graph[name] = targets - {name}
    return graph


def test_imports_form_no_cycle():
    graph, state, cycles = _edges(), {}, []

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(" → ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles
