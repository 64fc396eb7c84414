"""The commit signal: every commit changes it, in every process that maps the same file."""

from __future__ import annotations

import subprocess
import sys

from principles_app.extensions import db
from principles_app.services import commit_signal
from tests.factories import make_user


def test_every_commit_changes_the_signal_and_a_read_alone_does_not(app):
    before = commit_signal.current()
    assert commit_signal.current() == before
    make_user("member")  # commits
    after = commit_signal.current()
    assert after != before
    db.session.commit()
    assert commit_signal.current() != after


def test_another_process_raising_the_signal_is_seen_here(app, tmp_path):
    path = str(tmp_path / "signal")
    seen = commit_signal.SIGNAL.read(path)
    code = "import sys; from principles_app.services.commit_signal import SIGNAL; SIGNAL.raise_signal(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, path], check=True)
    assert commit_signal.SIGNAL.read(path) != seen


def test_without_a_writable_file_nothing_is_ever_taken_as_unchanged(app, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where a folder should be")
    path = str(blocked / "signal")
    commit_signal.SIGNAL.raise_signal(path)  # no error: the commit it follows stands
    assert commit_signal.SIGNAL.read(path) != commit_signal.SIGNAL.read(path)
