"""Every interface string is translated into Spanish, French and Arabic: none missing, empty or fuzzy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from principles_app.domain.languages import TRANSLATION_LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "principles_app" / "translations"


@pytest.fixture(scope="module")
def extracted_ids(tmp_path_factory) -> set[tuple[str, str]]:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "-k",
            "N_",
            "-o",
            str(pot),
            str(ROOT),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    with open(pot, "rb") as fh:
        return {_key(m) for m in read_po(fh) if m.id}


def _key(message) -> tuple[str, str]:
    # The context is part of the key: "open" as a round's state and as an amendment's status differ.
    return message.context or "", message.id if isinstance(message.id, str) else message.id[0]


@pytest.mark.parametrize("language", TRANSLATION_LANGUAGES)
def test_every_message_is_translated(extracted_ids, language):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalogue = read_po(fh, locale=language)
    translated = {}
    for message in catalogue:
        if not message.id:
            continue
        key = _key(message)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[key] = (all(s.strip() for s in strings), message.fuzzy)
    missing = sorted(i for i in extracted_ids if i not in translated)
    empty = sorted(i for i in extracted_ids if i in translated and not translated[i][0])
    fuzzy = sorted(i for i in extracted_ids if i in translated and translated[i][1])
    assert not missing, f"{language}: {len(missing)} messages missing, e.g. {missing[:5]}"
    assert not empty, f"{language}: {len(empty)} messages untranslated, e.g. {empty[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy messages, e.g. {fuzzy[:5]}"


def test_every_fixed_export_label_is_extracted(extracted_ids):
    # The domain stays free of Flask, so its labels are only marked (N_) and translated by the web layer.
    from principles_app.domain.publication import DEFAULT_LABELS

    missing = sorted(label for label in DEFAULT_LABELS.values() if ("", label) not in extracted_ids)
    assert not missing, f"export labels not extracted: {missing}"
