"""ORM classes; importing this package registers every table."""
from principles_app.models.audit import AuditChainHead, AuditEntry
from principles_app.models.organisation import (
    ApiToken,
    Category,
    NotificationPreference,
    Organisation,
    Region,
    Role,
    User,
)

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditEntry",
    "Category",
    "NotificationPreference",
    "Organisation",
    "Region",
    "Role",
    "User",
]
