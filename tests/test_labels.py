"""Every value of every enum a reader is shown has a name in labels.py, translated into es, fr and ar."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from enum import StrEnum
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

import principles_app.domain
from principles_app.domain.languages import TRANSLATION_LANGUAGES
from principles_app.labels import LABEL_TABLES

CATALOGUES = Path(principles_app.domain.__file__).resolve().parent.parent / "translations"

# The domain's enums that no reader sees named, each with the reason.
NOT_NAMED = {
    "Language": "each language is shown by its own name (domain.languages.LANGUAGE_NAMES), never translated",
    "TargetType": "a thread's target is shown as the principle or amendment itself",
    "AuthorCategory": "readers see an anonymous author's phrase (threads.anonymous_display), the API the value",
    "MotionOutcome": "a template says passed or failed beside the result",
    "AmendmentNews": "each is told by a notification subject of its own (services.notifications.SUBJECTS)",
    "EndorsementState": "readers see approved endorsements only, the secretariat's queue verified ones; "
    "the endorser hears of each state by an e-mail of its own",
    "Refusal": "each is told by a sentence of its own (services.merging.refusal_message), never by its name",
    "ProxyRefusal": "each is told by a sentence of its own (services.meetings), never by its name",
    "Mode": "the meeting page and the minutes say how each organisation attends in a sentence that also names "
    "the holder of a proxy (meetings.mode_choices and the templates), which no single label could",
}


def _domain_enums() -> dict[str, type[StrEnum]]:
    found = {}
    for module_info in pkgutil.iter_modules(principles_app.domain.__path__):
        module = importlib.import_module(f"principles_app.domain.{module_info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, StrEnum) and value.__module__ == module.__name__:
                found[name] = value
    return found


def _message_key(label) -> tuple[str | None, str]:
    """Return (context, msgid) of a lazy label made by lazy_gettext or lazy_pgettext."""
    args = label._args
    return (None, args[0]) if len(args) == 1 else (args[0], args[1])


def test_every_enum_a_reader_sees_has_a_label_table():
    named = {type(next(iter(members))).__name__ for members, _table in LABEL_TABLES.values()}
    unaccounted = sorted(set(_domain_enums()) - named - set(NOT_NAMED))
    assert not unaccounted, f"domain enums with no label table in labels.py: {unaccounted}"


@pytest.mark.parametrize("table_name", sorted(LABEL_TABLES))
def test_every_label_table_names_exactly_its_enum_values(table_name):
    members, table = LABEL_TABLES[table_name]
    assert sorted(table) == sorted(members), table_name
    assert all(isinstance(key, StrEnum) for key in table), f"{table_name} must be keyed by the domain enum"


@pytest.mark.parametrize("language", TRANSLATION_LANGUAGES)
def test_every_label_is_translated(app, language):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalogue = read_po(fh, locale=language)
    untranslated = []
    for table_name, (members, table) in LABEL_TABLES.items():
        for member in members:
            label = table[member]
            context, msgid = _message_key(label)
            entry = catalogue.get(msgid, context=context)
            with force_locale("en"):
                english = str(label)
            with force_locale(language):
                shown = str(label)
            in_catalogue = entry is not None and bool(entry.string) and not entry.fuzzy and shown == entry.string
            if not shown.strip() or not (shown != english or in_catalogue):
                untranslated.append(f"{table_name}[{member.value}]: {english!r}")
    assert not untranslated, f"{language}: labels shown untranslated: {untranslated}"
