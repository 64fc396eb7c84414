"""Say what is wrong with a field of a JSON body, in the caller's language.

Pydantic reports each problem with a stable ``type`` and its limits in ``ctx``; its own ``msg`` is
English only. The API's error body names each field with a message from this table instead.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# One message per pydantic error type; limits are filled in from the problem's ctx.
MESSAGES = {
    "missing": _l("This field is required."),
    "extra_forbidden": _l("This field is not accepted here."),
    "string_type": _l("Give text here."),
    "empty": _l("This field cannot be empty."),
    "string_too_short": _l("Give at least %(min_length)s characters."),
    "string_too_long": _l("Give at most %(max_length)s characters."),
    "string_pattern_mismatch": _l("This does not have the expected form."),
    "int_type": _l("Give a whole number."),
    "int_parsing": _l("Give a whole number."),
    "int_from_float": _l("Give a whole number."),
    "float_type": _l("Give a number."),
    "float_parsing": _l("Give a number."),
    "bool_type": _l("Give true or false."),
    "bool_parsing": _l("Give true or false."),
    "greater_than": _l("Give a number greater than %(gt)s."),
    "greater_than_equal": _l("Give a number of at least %(ge)s."),
    "less_than": _l("Give a number less than %(lt)s."),
    "less_than_equal": _l("Give a number of at most %(le)s."),
    "literal_error": _l("Give one of: %(expected)s."),
    "enum": _l("Give one of: %(expected)s."),
    "list_type": _l("Give a list."),
    "tuple_type": _l("Give a list."),
    "too_short": _l("Give at least %(min_length)s items."),
    "too_long": _l("Give at most %(max_length)s items."),
    "dict_type": _l("Give an object."),
    "model_type": _l("Give an object."),
    "model_attributes_type": _l("Give an object."),
    "date_type": _l("Give a date as YYYY-MM-DD."),
    "date_parsing": _l("Give a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": _l("Give a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": _l("Give a date as YYYY-MM-DD."),
    "datetime_type": _l("Give a date and time in ISO 8601, with its time zone."),
    "datetime_parsing": _l("Give a date and time in ISO 8601, with its time zone."),
    "datetime_from_date_parsing": _l("Give a date and time in ISO 8601, with its time zone."),
    "timezone_aware": _l("Give a date and time in ISO 8601, with its time zone."),
    "none_required": _l("Leave this field empty."),
}


def field_message(problem: dict[str, Any]) -> str:
    """Return the translated message for one pydantic problem; unknown kinds get a general one."""
    kind = problem.get("type", "")
    context = problem.get("ctx") or {}
    if kind == "value_error" and "error" in context:
        return str(context["error"])  # our own validators raise already translated messages
    if kind in ("string_too_short", "too_short") and context.get("min_length") == 1:
        kind = "empty"
    message = MESSAGES.get(kind)
    if message is None:
        return _("This value is not accepted.")
    values = dict(context)
    if isinstance(values.get("expected"), str):
        values["expected"] = values["expected"].replace(" or ", ", ")  # the list, without an English "or"
    try:
        return str(message) % values
    except (KeyError, TypeError, ValueError):
        return _("This value is not accepted.")
