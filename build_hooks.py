"""The build hook that makes a wheel self-contained (declared in pyproject.toml, never installed).

In the checkout, the templates, the static files and the migrations live at the top level beside
the package, and the translation catalogues are committed as `.po` files only. A wheel built with
`pip wheel .` must carry all of them inside the package, so `build_py` copies the three folders to
`principles_app/<folder>` in the build tree and compiles every catalogue to
`principles_app/translations/<language>/LC_MESSAGES/messages.mo` there (nothing compiled is
written to the checkout). `principles_app._shipped_folder` then finds them inside the package.

An editable install (`make install`) is left exactly as setuptools makes it: the package reads the
checkout's top-level folders, and `make translations` compiles the catalogues in place.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools.command.build_py import build_py as _build_py
from setuptools.errors import SetupError

ROOT = Path(__file__).resolve().parent
PACKAGE = "principles_app"
# Top-level folders that an installed package needs inside itself.
SHIPPED_FOLDERS = ("templates", "static", "migrations")
CATALOGUES = Path(PACKAGE, "translations")


def _is_build_litter(path: Path) -> bool:
    return "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo", ".mo"}


def shipped_files(build_lib: str) -> dict[str, str]:
    """Return {file in the build tree: file in the checkout} for the copied top-level folders."""
    mapping = {}
    for name in SHIPPED_FOLDERS:
        folder = ROOT / name
        for source in sorted(folder.rglob("*")):
            relative = source.relative_to(folder)
            if source.is_file() and not _is_build_litter(relative):
                mapping[os.path.join(build_lib, PACKAGE, name, *relative.parts)] = str(source)
    return mapping


def compiled_catalogues(build_lib: str) -> dict[str, str]:
    """Return {compiled .mo in the build tree: its .po in the checkout}."""
    return {
        os.path.join(build_lib, *po.relative_to(ROOT).with_suffix(".mo").parts): str(po)
        for po in sorted((ROOT / CATALOGUES).glob("*/LC_MESSAGES/*.po"))
    }


def compile_catalogue(po_file: str, mo_file: str) -> None:
    """Compile one catalogue as `pybabel compile` does, failing where it would report an error."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    language = Path(po_file).parent.parent.name
    with open(po_file, "rb") as fh:
        catalogue = read_po(fh, locale=language)
    if catalogue.fuzzy:
        raise SetupError(f"{po_file} is marked fuzzy as a whole; the wheel would ship no {language} interface")
    problems = [f"{po_file}:{message.lineno}: {error}" for message, errors in catalogue.check() for error in errors]
    if problems:
        raise SetupError("catalogue errors:\n" + "\n".join(problems))
    with open(mo_file, "wb") as fh:
        write_mo(fh, catalogue, use_fuzzy=False)


class build_py(_build_py):
    """setuptools' build_py, plus the top-level folders and the compiled catalogues (wheels only)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for target, source in shipped_files(self.build_lib).items():
            self.mkpath(os.path.dirname(target))
            self.copy_file(source, target)
        for target, source in compiled_catalogues(self.build_lib).items():
            self.mkpath(os.path.dirname(target))
            self.announce(f"compiling catalogue {source} to {target}", level=2)
            compile_catalogue(source, target)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        return outputs + list(shipped_files(self.build_lib)) + list(compiled_catalogues(self.build_lib))
