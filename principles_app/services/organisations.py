"""Create and change organisations and users."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from principles_app.domain.languages import LANGUAGES
from principles_app.domain.organisations import ROLE_CATEGORIES
from principles_app.domain.text import comparison_key, organisation_name_key, unique_key
from principles_app.extensions import db
from principles_app.labels import ROLE_NAMES, name_of
from principles_app.models import Category, NotificationPreference, Organisation, Role, User
from principles_app.services import audit
from principles_app.services.auth import end_sessions, hash_password, normalise_email, revoke_all_tokens
from principles_app.services.errors import Conflict, NotFound, ValidationFailed

ORGANISATION_FIELDS = ("name", "region", "category", "vote_weight", "active", "credit_opt_out")


def get_organisation(organisation_id: int) -> Organisation:
    """Return the organisation or raise NotFound."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("No such organisation."))
    return organisation


def organisations_query() -> Select:
    """Every organisation, by region and name."""
    return select(Organisation).order_by(Organisation.region, Organisation.name, Organisation.id)


def list_organisations() -> list[Organisation]:
    """Return every organisation, by region and name."""
    return list(db.session.execute(organisations_query()).scalars())


def _name_taken() -> Conflict:
    return Conflict(_l("An organisation with this name exists already."), fields={"name": str(_l("Already taken."))})


def _check_name_free(name: str, keep: Organisation | None = None) -> None:
    """Refuse a name that reads as an existing one: same letters up to case, width, invisible characters or look-alikes."""
    key = unique_key(organisation_name_key(name))
    other = (
        db.session.execute(select(Organisation).where((Organisation.name_key == key) | (Organisation.name == name)))
        .scalars()
        .first()
    )
    if other is not None and other is not keep:
        raise _name_taken()


def _flush_unique(conflict: Callable[[], Conflict]) -> None:
    """Flush; a unique key that a concurrent writer took first is the given 409, not a 500."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise conflict() from None


def _email_taken() -> Conflict:
    return Conflict(_l("A user with this email exists already."), fields={"email": str(_l("Already taken."))})


def _check_weight(weight: Decimal) -> None:
    if weight < 0 or weight != weight.quantize(Decimal("0.0001")) or weight >= Decimal("100000000"):
        raise ValidationFailed(
            fields={"vote_weight": str(_l("A weight is a number of at least 0 with at most 4 decimals."))}
        )


def _snapshot(organisation: Organisation) -> dict[str, Any]:
    return {field: getattr(organisation, field) for field in ORGANISATION_FIELDS}


def create_organisation(actor: User | None, **fields: Any) -> Organisation:
    """Create an organisation and record who did it."""
    name = fields["name"].strip()
    if not name:
        raise ValidationFailed(fields={"name": str(_l("Give a name."))})
    _check_name_free(name)
    weight = Decimal(fields.get("vote_weight", Decimal("0")))
    _check_weight(weight)
    organisation = Organisation(
        name=name,
        region=fields["region"],
        category=fields["category"],
        vote_weight=weight,
        active=fields.get("active", True),
        credit_opt_out=fields.get("credit_opt_out", False),
    )
    db.session.add(organisation)
    _flush_unique(_name_taken)
    audit.record("organisation.create", "organisation", organisation.id, _snapshot(organisation), actor)
    return organisation


def update_organisation(actor: User | None, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation's fields; every change is audited with before and after."""
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if not changes["name"]:
            raise ValidationFailed(fields={"name": str(_l("Give a name."))})
        if changes["name"] == organisation.name:
            # Unchanged: an older look-alike pair, kept by the migration, stays editable.
            del changes["name"]
        else:
            _check_name_free(changes["name"], keep=organisation)
    if "vote_weight" in changes:
        changes["vote_weight"] = Decimal(changes["vote_weight"])
        _check_weight(changes["vote_weight"])
    if "category" in changes and changes["category"] != organisation.category:
        clash = [u.email for u in organisation.users if Category(changes["category"]) not in ROLE_CATEGORIES[u.role]]
        if clash:
            raise Conflict(
                _l("Users of this organisation have roles that do not fit the new category."),
                fields={"category": ", ".join(clash)},
            )
    before = _snapshot(organisation)
    for field, value in changes.items():
        setattr(organisation, field, value)
    if "name" in changes:
        _flush_unique(_name_taken)
    after = _snapshot(organisation)
    diff = {k: {"from": before[k], "to": after[k]} for k in ORGANISATION_FIELDS if before[k] != after[k]}
    if diff:
        action = "organisation.weight" if set(diff) == {"vote_weight"} else "organisation.update"
        audit.record(action, "organisation", organisation.id, diff, actor)
    return organisation


def get_user(user_id: int) -> User:
    """Return the user or raise NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    return user


def users_query() -> Select:
    """Every user, by name."""
    return select(User).order_by(User.name, User.id)


def list_users() -> list[User]:
    """Return every user, by name."""
    return list(db.session.execute(users_query()).scalars())


def _check_role_fits(role: Role, organisation: Organisation) -> None:
    if organisation.category not in ROLE_CATEGORIES[role]:
        raise ValidationFailed(
            _l("The role “%(role)s” belongs to another kind of organisation.", role=name_of(ROLE_NAMES, role)),
            fields={
                "role": str(_l("This role does not fit the organisation's category.")),
                "organisation_id": str(_l("Choose a fitting organisation.")),
            },
        )


def check_preferences(language: str | None = None, time_zone: str | None = None) -> None:
    """Refuse an unknown language or time zone."""
    fields = {}
    if language is not None and language not in LANGUAGES:
        fields["language"] = str(_l("Choose one of en, es, fr, ar."))
    if time_zone is not None and time_zone not in available_timezones():
        fields["time_zone"] = str(_l("Give an IANA time zone such as Africa/Nairobi."))
    if fields:
        raise ValidationFailed(fields=fields)


def create_user(
    actor: User | None,
    *,
    email: str,
    name: str,
    password: str,
    role: Role | str,
    organisation: Organisation,
    language: str | None = None,
    time_zone: str | None = None,
) -> User:
    """Create a user in an organisation that fits the role, and record it."""
    role = Role(role)
    email = normalise_email(email)
    if not name.strip():
        raise ValidationFailed(fields={"name": str(_l("Give a name."))})
    _check_role_fits(role, organisation)
    check_preferences(language, time_zone)
    key = unique_key(comparison_key(email))
    if db.session.execute(select(User.id).where((User.email_key == key) | (User.email == email))).first() is not None:
        raise _email_taken()
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
        organisation=organisation,
        language=language,
        time_zone=time_zone,
    )
    db.session.add(user)
    _flush_unique(_email_taken)
    audit.record(
        "user.create", "user", user.id, {"email": email, "role": role.value, "organisation_id": organisation.id}, actor
    )
    return user


def update_user(
    actor: User | None,
    user: User,
    *,
    name: str | None = None,
    role: Role | str | None = None,
    organisation: Organisation | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User:
    """Change a user's name, role, organisation, active flag or password, audited.

    A change of role, organisation or password, or a deactivation, ends the user's browser
    sessions; a view that changed the signed-in user's own account signs them in again. A new
    password or a deactivation also revokes every API token of the user.
    """
    new_role = Role(role) if role is not None else user.role
    new_org = organisation or user.organisation
    _check_role_fits(new_role, new_org)
    diff: dict[str, Any] = {}
    if name is not None and name.strip() and name.strip() != user.name:
        diff["name"] = {"from": user.name, "to": name.strip()}
        user.name = name.strip()
    if new_role != user.role:
        diff["role"] = {"from": user.role.value, "to": new_role.value}
        user.role = new_role
    if new_org.id != user.organisation_id:
        diff["organisation_id"] = {"from": user.organisation_id, "to": new_org.id}
        user.organisation = new_org
    if active is not None and active != user.active:
        diff["active"] = {"from": user.active, "to": active}
        user.active = active
        if not active:
            revoke_all_tokens(user)
    if password:
        user.password_hash = hash_password(password)
        diff["password"] = "changed"
        revoke_all_tokens(user)  # a reset password often means a leaked one: its tokens go with it
    if diff.keys() & {"role", "organisation_id", "active", "password"}:
        end_sessions(user)
    if diff:
        audit.record("user.update", "user", user.id, diff, actor)
    return user


def update_preferences(
    user: User, *, language: str | None = None, time_zone: str | None = None, notifications: str | None = None
) -> User:
    """Save a user's own language, time zone and notification choice."""
    check_preferences(language, time_zone)
    if notifications is not None:
        try:
            user.notifications = NotificationPreference(notifications)
        except ValueError:
            raise ValidationFailed(fields={"notifications": str(_l("Choose immediate, digest or none."))}) from None
    if language is not None:
        user.language = language
    if time_zone is not None:
        user.time_zone = time_zone
    return user
