"""Request and response shapes of the API; the OpenAPI document is generated from them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal

from flask_babel import gettext as _
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from principles_app.domain.languages import Language
from principles_app.domain.organisations import Category, NotificationPreference, Region, Role
from principles_app.domain.times import within_calendar


def literal_of(members: Iterable[StrEnum]) -> Any:
    """Return the Literal of a domain enum's values (or some of them), in its order.

    A Literal validates to a plain string and is documented inline as an "enum" of strings, so the
    API reads exactly as before while the domain enum stays the only place the values are written.
    """
    return Literal[tuple(member.value for member in members)]


REGIONS = literal_of(Region)
CATEGORIES = literal_of(Category)
ROLES = literal_of(Role)
LANGUAGES = literal_of(Language)
NOTIFICATIONS = literal_of(NotificationPreference)


def _decimal_from_string(value):
    # Decimals travel as strings; a JSON float would already have lost exactness.
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(_('Give the number as a string, e.g. "1.5".'))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("Give a number.")) from None
    if not number.is_finite():
        raise ValueError(_("Give a finite number."))
    if number < 0:
        raise ValueError(_("Give 0 or more."))
    if number >= Decimal("100000000") or number != number.quantize(Decimal("0.0001")):
        raise ValueError(_("Give at most 4 decimal places and less than 100000000."))
    return number.quantize(Decimal("0.0001"))


# Marks a text field that may hold tabs and line breaks; every other text is one line (openapi.parse_body).
MULTILINE = {"x-multiline": True}

# Ids the database can hold; anything larger is a validation error, not a driver overflow.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]

WeightString = Annotated[
    Decimal,
    BeforeValidator(_decimal_from_string),
    PlainSerializer(lambda value: str(value.quantize(Decimal("0.0001"))), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,8}(\.\d{1,4})?$", "examples": ["1", "2.5"]}),
]


def _within_calendar(moment: datetime) -> datetime:
    try:
        return within_calendar(moment)
    except ValueError:
        raise ValueError(_("Give a date and time between the years 0001 and 9999 in every time zone.")) from None


# A date and time with its zone, kept in UTC; the calendar's edges (where no zone can show it) are refused.
UtcDateTime = Annotated[AwareDatetime, AfterValidator(_within_calendar)]


class StrictModel(BaseModel):
    """Refuse unknown fields and values of the wrong type."""

    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=20_000)


class TokenRequest(StrictModel):
    """Credentials for a new API token."""

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    expires_in: int | None = Field(
        default=None, description="Lifetime in seconds (60 to 31536000); none = until revoked"
    )
    code: str | None = Field(
        default=None,
        max_length=64,
        description="With two-factor sign-in on: the code from the authenticator app, or a recovery code",
    )
    name: str | None = Field(
        default=None, min_length=1, max_length=100, description="A name to tell the token apart in the list"
    )


class TokenResponse(BaseModel):
    """A new token; keep it secret, it is shown once."""

    token: str
    expires_at: datetime | None
    id: int
    name: str | None


class TokenOut(BaseModel):
    """One of my API tokens that still works (never the token itself)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str | None
    created_at: datetime
    last_used_at: datetime | None


class TokenList(BaseModel):
    """My API tokens that still work, the newest first."""

    tokens: list[TokenOut]


class OrganisationOut(BaseModel):
    """An organisation as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    region: REGIONS
    category: CATEGORIES
    vote_weight: WeightString
    active: bool
    credit_opt_out: bool


class OrganisationList(BaseModel):
    """Every organisation of the network."""

    organisations: list[OrganisationOut]


class OrganisationCreate(StrictModel):
    """A new organisation."""

    name: str = Field(min_length=1, max_length=200)
    region: REGIONS
    category: CATEGORIES
    vote_weight: WeightString = Decimal("0")
    active: bool = True
    credit_opt_out: bool = False


class OrganisationPatch(StrictModel):
    """Changes to an organisation; only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    region: REGIONS | None = None
    category: CATEGORIES | None = None
    vote_weight: WeightString | None = None
    active: bool | None = None
    credit_opt_out: bool | None = None


class UserCreate(StrictModel):
    """A new user of an organisation."""

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=8, max_length=1024)
    role: ROLES
    organisation_id: Id
    language: LANGUAGES | None = None
    time_zone: str | None = Field(default=None, max_length=64)


class OrganisationBrief(BaseModel):
    """The organisation a user belongs to."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    region: REGIONS
    category: CATEGORIES


class UserOut(BaseModel):
    """A user as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: ROLES
    active: bool
    organisation: OrganisationBrief
    language: LANGUAGES | None
    time_zone: str | None
    notifications: NOTIFICATIONS


class PasswordChange(StrictModel):
    """The signed-in user's current password and the new one (at least 12 characters, not easy to guess)."""

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class MePatch(StrictModel):
    """The signed-in user's own preferences."""

    language: LANGUAGES | None = None
    time_zone: str | None = Field(default=None, max_length=64)
    notifications: NOTIFICATIONS | None = None


class Health(BaseModel):
    """Whether the service and its database answer."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]
