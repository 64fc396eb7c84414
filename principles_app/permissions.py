"""One named check per action: can_<verb>(user, obj) -> bool."""
from __future__ import annotations

from principles_app.models import Role, User


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.active


def is_secretariat(user: User | None) -> bool:
    """Tell whether the user is active network staff."""
    return _signed_in(user) and user.role == Role.SECRETARIAT


def can_read_drafts(user: User | None) -> bool:
    """Drafts, threads and rounds are for signed-in users of any role."""
    return _signed_in(user)


def can_list_organisations(user: User | None) -> bool:
    """Any signed-in user sees the network's organisations."""
    return _signed_in(user)


def can_manage_organisations(user: User | None) -> bool:
    """Only the secretariat creates and edits organisations and weights."""
    return is_secretariat(user)


def can_manage_users(user: User | None) -> bool:
    """Only the secretariat creates and edits users."""
    return is_secretariat(user)


def can_read_audit_log(user: User | None) -> bool:
    """Only the secretariat reads the audit log."""
    return is_secretariat(user)
