"""Register the shared formatting (principles_app/formatting.py) and label tables with the templates."""

from __future__ import annotations

from flask import Flask, current_app, url_for

from principles_app import formatting, labels
from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
from principles_app.domain.languages import LANGUAGE_NAMES, SOURCE_LANGUAGE, direction_of
from principles_app.domain.procedure import Answer, Procedure
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.domain.text import xml_characters
from principles_app.domain.voting import MotionEffect, MotionOutcome, Secrecy


def public_url_for(endpoint: str, **values) -> str:
    """Return the absolute address of a page on PUBLIC_URL, never on the Host the request named."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def register_template_helpers(app: Flask) -> None:
    """Make the shared filters and globals available to every template."""
    for name in ("local_time", "deadline", "time_remaining", "language_list", "named"):
        app.jinja_env.filters[name] = getattr(formatting, name)
    app.jinja_env.filters["xml_characters"] = xml_characters
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["direction_of"] = direction_of
    app.jinja_env.globals["SOURCE_LANGUAGE"] = SOURCE_LANGUAGE
    # Templates compare stored values with the domain's enums, never with spelt-out strings.
    for vocabulary in (
        AmendmentKind,
        AmendmentStatus,
        RoundKind,
        RoundState,
        Secrecy,
        MotionOutcome,
        MotionEffect,
        Procedure,
        Answer,
    ):
        app.jinja_env.globals[vocabulary.__name__] = vocabulary
    app.jinja_env.globals["public_url_for"] = public_url_for
    for names in (
        "REGION_NAMES",
        "CATEGORY_NAMES",
        "ROLE_NAMES",
        "AMENDMENT_STATUS_NAMES",
        "ROUND_KIND_NAMES",
        "ROUND_STATE_NAMES",
        "CHOICE_NAMES",
        "MOTION_EFFECT_NAMES",
        "MAJORITY_NAMES",
        "PROCEDURE_NAMES",
        "ANSWER_NAMES",
    ):
        app.jinja_env.globals[names] = getattr(labels, names)
