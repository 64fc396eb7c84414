"""A wheel built from the checkout serves the whole app on its own, in every language.

The wheel is built with `pip wheel .` from a copy of the tree that holds no compiled catalogue, so
the `.mo` files in it can only come from the build hook (build_hooks.py). It is installed, not
editable, into a new virtual environment, and everything runs from an empty folder outside the
checkout, so nothing of the checkout can be imported or read: `flask db upgrade` must find the
migrations inside the package, gunicorn the templates and static files, and Flask-Babel the
compiled Spanish catalogue.

Marked `wheel`: the installed app runs on a SQLite file of its own and never touches the suite's
database, so `make test` runs it once, in its SQLite half (the PostgreSQL half deselects it);
building and installing take a minute that a second run would spend proving nothing new.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pypdf
import pytest

from tests.live_server import free_port

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parent.parent
DEMO_PUBLICATION = "/principles/principles-for-collaboration/1.0/"
# Neither part of a fresh clone nor anything the wheel may take from the checkout.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.py[co]",
    "*.mo",
    "instance",
    "test-artifacts",
    ".pytest_cache",
    ".hypothesis",
    ".cache",
)


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the checkout without any compiled catalogue."""
    source = tmp_path_factory.mktemp("wheel") / "source"
    shutil.copytree(ROOT, source, ignore=NOT_IN_A_CLONE)
    assert not list(source.rglob("*.mo"))
    out = source.parent / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        cwd=source,
        timeout=600,
    )
    (built,) = out.glob("principles_app-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """Install the wheel into a new virtual environment; return the environment to run it with."""
    place = tmp_path_factory.mktemp("installed")
    environment = place / "venv"
    # The suite's pip installs into the new environment (`--python`), which saves seeding one there.
    venv.create(environment, with_pip=False)
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(environment / "bin" / "python"),
            "install",
            "--quiet",
            str(wheel),
        ],
        timeout=900,
    )
    workdir = place / "elsewhere"
    workdir.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "FLASK_APP", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        {
            "PATH": f"{environment / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "DATABASE_URL": f"sqlite:///{place / 'principles.sqlite'}",
            "SECRET_KEY": "wheel-test-secret",
            "SESSION_COOKIE_SECURE": "0",
            # The demo's accounts are hashed with small argon2 parameters to keep `demo load` quick.
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_COST": "1024",
            "ARGON2_PARALLELISM": "1",
        }
    )
    return {"venv": environment, "bin": environment / "bin", "cwd": workdir, "env": env}


@pytest.fixture(scope="module")
def served(installed):
    """Migrate, load the demo and serve the installed app with gunicorn; stop it afterwards."""
    flask = [str(installed["bin"] / "flask"), "--app", "principles_app"]
    _run(flask + ["db", "upgrade"], cwd=installed["cwd"], env=installed["env"], timeout=300)
    _run(flask + ["demo", "load"], cwd=installed["cwd"], env=installed["env"], timeout=300)
    port = free_port()
    server = subprocess.Popen(
        [
            str(installed["bin"] / "gunicorn"),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "principles_app:create_app()",
        ],
        cwd=installed["cwd"],
        env=installed["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the installed app did not start: " + _stop(server)) from None
                time.sleep(0.2)
        yield base
    finally:
        _stop(server)


def _stop(server: subprocess.Popen) -> str:
    """Stop gunicorn (it stops its workers) and return the end of what it wrote."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return server.stderr.read().decode(errors="replace")[-3000:]


def _get(url: str, language: str = "es") -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200, url
        return response.read(), response.headers.get("Content-Type", "")


def test_the_wheel_carries_templates_static_files_migrations_and_compiled_catalogues(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates", "static", "migrations"):
        in_checkout = {
            f"principles_app/{folder}/{path.relative_to(ROOT / folder).as_posix()}"
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        }
        assert in_checkout, folder
        assert in_checkout <= names, f"missing from the wheel: {sorted(in_checkout - names)[:5]}"
    for language in ("es", "fr", "ar"):
        assert f"principles_app/translations/{language}/LC_MESSAGES/messages.mo" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_installed_app_reads_only_the_installed_package(installed):
    probe = (
        "import principles_app; app = principles_app.create_app(); "
        "print(principles_app.__file__); print(app.template_folder); print(app.static_folder); "
        "print(principles_app.MIGRATIONS_DIR)"
    )
    result = _run([str(installed["bin"] / "python"), "-c", probe], cwd=installed["cwd"], env=installed["env"])
    places = result.stdout.split()
    assert len(places) == 4
    for place in places:
        assert Path(place).resolve().is_relative_to(installed["venv"].resolve()), place


def test_the_installed_app_serves_a_spanish_page_and_its_stylesheet(served):
    page, content_type = _get(served + "/principles/")
    html = page.decode()
    assert content_type.startswith("text/html")
    assert 'lang="es"' in html
    assert "Principios publicados" in html  # "Published principles", from the compiled catalogue
    assert DEMO_PUBLICATION.rstrip("/").rsplit("/", 1)[0] in html
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    css, css_type = _get(served + stylesheet)
    assert css_type.startswith("text/css")
    assert css == (ROOT / "static" / "style.css").read_bytes()


def test_the_installed_app_exports_a_publication_as_a_spanish_pdf(served):
    pdf, content_type = _get(served + DEMO_PUBLICATION + "export.pdf")
    assert content_type == "application/pdf"
    assert pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Aprobada el" in text  # the export's "Approved on" label in Spanish
