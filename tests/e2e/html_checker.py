"""The Nu HTML Checker (npm package vnu-jar) run over pages the browser tests collected."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from tests.live_server import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(pages: dict[str, str]) -> list[str]:
    """Return the checker's errors for every page ({address: html}), each prefixed with its address."""
    if not pages:
        return []
    if not VNU.exists():
        raise RuntimeError("vnu-jar is missing; `make browser-deps` installs it with npm")
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        files = {}
        for number, (address, html) in enumerate(pages.items()):
            path = Path(folder) / f"page-{number}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = address
        run = subprocess.run(
            ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files_in(folder)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    return [
        f"{files.get(str(m.get('url', '')).rsplit('/', 1)[-1], m.get('url'))} line {m.get('lastLine')}: {m.get('message')} "
        f"[{m.get('extract', '').strip()[:80]}]"
        for m in report["messages"]
    ]


def files_in(folder: str) -> list[str]:
    """List the HTML files of a folder in a stable order."""
    return sorted(str(path) for path in Path(folder).glob("*.html"))
