"""Build step of the daodu distribution (everything else is declared in setup.cfg).

The message catalogues are compiled (``.po`` → ``.mo``, with Babel) into the build, so an
installed wheel serves both languages from a package directory nobody may write to. A source
checkout (``pip install -e``) compiles them at start instead (``consortium.i18n``).
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    """``build_py``, then every ``consortium/i18n/**/*.po`` of the build compiled beside it."""

    def run(self):
        super().run()
        for po_path in sorted(Path(self.build_lib, "consortium", "i18n").rglob("*.po")):
            with open(po_path, "rb") as fh:
                catalog = read_po(fh)
            with open(po_path.with_suffix(".mo"), "wb") as fh:
                write_mo(fh, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
