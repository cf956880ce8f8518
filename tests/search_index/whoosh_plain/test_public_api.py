"""``whoosh_plain`` (and the parts it shares with ``whoosh_fast``) use Whoosh's public API
only: no private name imported from Whoosh, no private attribute of a Whoosh object read."""
import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PUBLIC_ONLY = sorted((REPO / "search_index" / "whoosh_plain").glob("*.py")) + sorted(
    (REPO / "search_index" / "whoosh_common").glob("*.py"))


def private_uses(source: str) -> list[str]:
    """Private names imported from whoosh, and ``x._name`` reads on anything but ``self``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            if any(part.startswith("_") for part in node.module.split(".")):
                found.append(node.module)
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id == "self"):
                found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize("path", PUBLIC_ONLY, ids=lambda p: str(p.relative_to(REPO)))
def test_no_private_whoosh_name_is_used(path):
    assert private_uses(path.read_text(encoding="utf-8")) == []


def test_the_check_catches_private_uses():
    """The check above would see a private import and a private attribute."""
    assert private_uses("from whoosh.codec.whoosh3 import _x\nreader._terms.items()\n") == [
        "whoosh.codec.whoosh3._x", "reader._terms"]
