"""The shape of the use cases: each module stands alone, none reaches up into the web layer, no cycles,
and closing a round tallies it whoever imports what."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import principles_app

PACKAGE = Path(principles_app.__file__).parent
ROOT = PACKAGE.parent
SERVICES = sorted(p.stem for p in (PACKAGE / "services").glob("*.py") if p.stem != "__init__")


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run Python code in a fresh interpreter, with this tree first on the path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Return every principles_app module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("principles_app"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("principles_app"))
    return found


def test_closing_a_round_tallies_and_applies_it_without_the_voting_module_imported(tmp_path):
    # A cron script or a shell session that imports only what it calls: no web layer, no voting module.
    script = f"""
import sys
from datetime import timedelta
from decimal import Decimal

from flask import Flask

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import AuditEntry, Motion
from principles_app.services import closing, drafts, organisations, rounds

app = Flask("script")
app.config.update(SQLALCHEMY_DATABASE_URI="sqlite:///{tmp_path / "script.sqlite"}")
db.init_app(app)
with app.app_context():
    db.create_all()
    organisations.create_organisation(None, name="Sahel Network", region="africa", category="member",
                                      vote_weight=Decimal("1"))
    document = drafts.create_document(None, "charter", "Charter", None, [{{"title": "One", "text": "We meet."}}])
    adoption = rounds.create_round(None, document, "adoption", "Adopt", utcnow() + timedelta(days=1))
    closing.open_round(None, adoption)
    closing.close_round(None, adoption)
    db.session.commit()
    motion = db.session.execute(db.select(Motion)).scalar_one()
    decided = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "motion.decided")).scalars().all()
    print(motion.outcome, motion.effect, motion.result["participation_count"], len(decided))
    print(sorted(m for m in sys.modules if m.startswith(("principles_app.web", "principles_app.services.voting"))))
"""
    done = _run(script, tmp_path)
    assert done.returncode == 0, done.stderr
    outcome, imported = done.stdout.strip().splitlines()
    # Nobody voted: the quorum fails, and closing says so once, in the motion and in the log.
    assert outcome == "failed not_adoptable 0 1"
    assert imported == "[]"


def test_each_service_module_imports_alone_in_a_fresh_interpreter(tmp_path):
    modules = [f"principles_app.services.{name}" for name in SERVICES] + ["principles_app.demo"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    failed = {}
    for start in range(0, len(modules), 4):
        batch = {
            module: subprocess.Popen(
                [sys.executable, "-c", f"import {module}"],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for module in modules[start : start + 4]
        }
        for module, process in batch.items():
            _out, err = process.communicate(timeout=120)
            if process.returncode != 0:
                failed[module] = err.strip().splitlines()[-1]
    assert len(modules) >= 20 and failed == {}


def test_no_use_case_or_domain_module_imports_the_web_layer():
    reaching_up = {
        _module_name(path): sorted(m for m in _imports(path) if m.startswith("principles_app.web"))
        for folder in ("services", "domain", "demo")
        for path in (PACKAGE / folder).rglob("*.py")
    }
    assert {name: found for name, found in reaching_up.items() if found} == {}


def test_the_services_import_each_other_without_a_cycle():
    graph = {
        _module_name(path): {m for m in _imports(path) if m.startswith("principles_app.services.")}
        for path in (PACKAGE / "services").glob("*.py")
    }
    graph = {name: {m for m in imported if m in graph and m != name} for name, imported in graph.items()}
    cycles = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for imported in sorted(graph[name]):
            if state.get(imported) == "open":
                cycles.append(path[path.index(imported) :] + [imported])
            elif imported not in state:
                visit(imported, path + [imported])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
