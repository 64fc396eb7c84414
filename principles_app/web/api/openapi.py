"""Describe each API endpoint once; the OpenAPI document is generated from those descriptions."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from principles_app.domain.text import text_problem
from principles_app.services.errors import BadRequest, Forbidden, Unauthorised, ValidationFailed
from principles_app.services.two_factor import EnrolmentRequired, enrolment_required
from principles_app.web.api.auth import authenticate_request
from principles_app.web.api.field_messages import field_message

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    400: "Malformed request",
    401: "Not signed in, or the token is missing, invalid, expired or revoked",
    403: "The caller's role or organisation may not do this",
    404: "No such object",
    409: "Wrong state or duplicate",
    413: "Request body too large",
    422: "Validation failed",
    429: "Rate limited; see Retry-After",
    503: "The database is not answering; see Retry-After",
}


@dataclass
class Endpoint:
    """What the API promises about one view: who, what in, what out."""

    summary: str
    auth: str = "user"  # "public", "user" or "secretariat" (documentation of who may call)
    body: type[BaseModel] | None = None
    response: type[BaseModel] | dict | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    query: dict[str, dict] = field(default_factory=dict)
    tag: str = "api"
    # A read the site's own pages make with their script: the signed-in browser session is
    # accepted too (GET only; a cross-site page cannot read the answer, and it changes nothing).
    browser_session: bool = False


# Deeper than any body the API takes; a deeper one would only exhaust the parser's recursion.
MAX_JSON_DEPTH = 32
_JSON_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def parse_body(model: type[BaseModel]) -> BaseModel:
    """Validate the JSON body against the model; 400 when malformed, 422 when invalid."""
    if not request.mimetype or request.mimetype != "application/json":
        if request.get_data(cache=True):
            raise BadRequest(_("Send a JSON body with Content-Type: application/json."))
    raw = request.get_data(cache=True) or b"{}"
    try:
        too_deep = _nesting_depth(raw.decode("utf-8")) > MAX_JSON_DEPTH
        parsed = None if too_deep else json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(_("The body is not valid JSON.")) from None
    if too_deep:
        raise BadRequest(_("The JSON body is nested too deeply."))
    if not isinstance(parsed, dict):
        raise BadRequest(_("The body must be a JSON object."))
    problems = _text_problems(parsed, model)
    if problems:
        raise ValidationFailed(
            _("Some fields need attention."), fields={place: _(message) for place, message in problems.items()}
        )
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        fields = {}
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]) or "body"
            fields.setdefault(name, field_message(problem))
        raise ValidationFailed(_("Some fields need attention."), fields=fields) from None


def _nesting_depth(text: str) -> int:
    """Return how deeply arrays and objects nest in a JSON text, without parsing it (no recursion)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRINGS.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _multiline_fields(model: type[BaseModel]) -> set[str]:
    """Name the fields of the model and its parts whose text may have lines (``MULTILINE`` in their schema, from schemas.py)."""
    names = set()
    for name, info in model.model_fields.items():
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("x-multiline"):
            names.add(name)
        for part in _models_in(info.annotation):
            names |= _multiline_fields(part)
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in get_args(annotation) for model in _models_in(argument)]


def _text_problems(value: Any, model: type[BaseModel]) -> dict[str, str]:
    """Name every place in a JSON body whose text cannot be stored or served, with why (untranslated)."""
    multiline = _multiline_fields(model)
    problems: dict[str, str] = {}

    def walk(item: Any, path: str, lines: bool) -> None:
        if isinstance(item, str):
            problem = text_problem(item, lines)
            if problem:
                problems.setdefault(path or "body", problem)
        elif isinstance(item, dict):
            for key, inner in item.items():
                place = f"{path}.{key}".lstrip(".")
                key_problem = text_problem(key, False)
                if key_problem:
                    problems.setdefault(place, key_problem)
                else:
                    walk(inner, place, key in multiline)
        elif isinstance(item, list):
            for index, inner in enumerate(item):
                walk(inner, f"{path}.{index}".lstrip("."), lines)

    walk(value, "", False)
    return problems


def _session_user() -> bool:
    """Take the signed-in browser session's person as the caller of a GET; True when there is one."""
    if request.method not in ("GET", "HEAD") or not current_user.is_authenticated:
        return False
    user = current_user._get_current_object()
    if enrolment_required(user):
        raise EnrolmentRequired()
    g.api_user, g.api_token_id = user, None
    return True


def endpoint(spec: Endpoint) -> Callable:
    """Authenticate, parse the body and remember the description for the OpenAPI document."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if spec.auth != "public":
                if authenticate_request() is None and not (spec.browser_session and _session_user()):
                    raise Unauthorised(_("Send a valid token: Authorization: Bearer <token>."))
                if spec.auth == "secretariat" and not g.api_user.is_secretariat:
                    raise Forbidden(_("Only the secretariat may do this."))
            else:
                authenticate_request(optional=True)
            if spec.body is not None:
                kwargs["body"] = parse_body(spec.body)
            return view(*args, **kwargs)

        wrapper.api_endpoint = spec
        return wrapper

    return decorate


def _schema_ref(model: type[BaseModel] | dict, components: dict, mode: str) -> dict:
    if isinstance(model, dict):
        return model
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    name = model.__name__
    components.setdefault(name, schema)
    return {"$ref": f"#/components/schemas/{name}"}


def _openapi_path(rule: str) -> tuple[str, list[dict]]:
    parts, parameters = [], []
    for segment in rule.split("/"):
        if segment.startswith("<") and segment.endswith(">"):
            converter, _sep, name = segment[1:-1].rpartition(":")
            parameters.append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
                    if converter == "int"
                    else {"type": "string"},
                }
            )
            parts.append("{" + name + "}")
        else:
            parts.append(segment)
    return "/".join(parts), parameters


def api_routes(app: Flask):
    """Yield (rule, method, view) for every API route in the URL map."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") and rule.rule != "/healthz":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, view


def build_openapi(app: Flask) -> dict[str, Any]:
    """Generate the OpenAPI 3.1 document from the endpoint descriptions."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict] = {}
    for rule, method, view in api_routes(app):
        spec: Endpoint | None = getattr(view, "api_endpoint", None)
        if spec is None:
            continue
        path, parameters = _openapi_path(rule.rule)
        parameters += [
            {"name": name, "in": "query", "required": False, "schema": schema} for name, schema in spec.query.items()
        ]
        operation: dict[str, Any] = {
            "operationId": f"{rule.endpoint}_{method.lower()}",
            "summary": spec.summary,
            "tags": [spec.tag],
            "responses": {},
        }
        if parameters:
            operation["parameters"] = parameters
        if spec.auth != "public":
            operation["security"] = [{"bearerAuth": []}] + ([{"browserSession": []}] if spec.browser_session else [])
        if spec.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema_ref(spec.body, components, "validation")}},
            }
        success: dict[str, Any] = {"description": "Success"}
        if spec.response is not None:
            success["content"] = {
                "application/json": {"schema": _schema_ref(spec.response, components, "serialization")}
            }
        operation["responses"][str(spec.status)] = success
        errors = set(spec.errors)
        if spec.auth != "public":
            errors |= {401}
        if spec.auth == "secretariat":
            errors |= {403}
        if spec.body is not None:
            errors |= {400, 413, 422}
        if parameters:
            errors |= {404}
        for status in sorted(errors):
            operation["responses"][str(status)] = {
                "description": ERROR_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Principles for Collaboration API",
            "version": "1.0.0",
            "description": "Draft, amend, debate, vote on and publish a network's shared principles. "
            "Decimals travel as strings; times are ISO 8601 in UTC.",
        },
        "servers": [{"url": app.config["PUBLIC_URL"].rstrip("/") + "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "browserSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": app.config["SESSION_COOKIE_NAME"],
                    "description": "The site's own pages, signed in: accepted on the reads that say so",
                },
            },
        },
    }
