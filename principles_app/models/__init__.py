"""ORM classes; importing this package registers every table."""
from principles_app.models.audit import AuditChainHead, AuditEntry
from principles_app.models.comments import (
    Comment,
    CommentActivityVisit,
    CommentFlag,
    CommentRevision,
    HiddenCategory,
    Stance,
    TargetType,
)
from principles_app.models.drafts import (
    Amendment,
    AmendmentCosponsor,
    AmendmentRevision,
    Document,
    Principle,
    Version,
)
from principles_app.models.organisation import (
    ApiToken,
    Category,
    NotificationPreference,
    Organisation,
    Region,
    Role,
    User,
)
from principles_app.models.rounds import Round

__all__ = [
    "Amendment",
    "AmendmentCosponsor",
    "AmendmentRevision",
    "Document",
    "Principle",
    "Round",
    "Version",
    "ApiToken",
    "AuditChainHead",
    "AuditEntry",
    "Category",
    "Comment",
    "CommentActivityVisit",
    "CommentFlag",
    "CommentRevision",
    "HiddenCategory",
    "NotificationPreference",
    "Organisation",
    "Region",
    "Role",
    "Stance",
    "TargetType",
    "User",
]
