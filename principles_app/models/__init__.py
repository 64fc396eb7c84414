"""ORM classes; importing this package registers every table."""

from principles_app.models.audit import AuditChainHead, AuditEntry
from principles_app.models.blocks import MotionAmendment
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
    Recommendation,
    Version,
)
from principles_app.models.endorsements import Endorsement
from principles_app.models.notifications import OutboxMessage
from principles_app.models.organisation import (
    ApiToken,
    Category,
    Invitation,
    NotificationPreference,
    Organisation,
    PasswordResetLink,
    Region,
    Role,
    SignInLink,
    User,
    UserSession,
)
from principles_app.models.participation import ParticipationInvitation
from principles_app.models.points import (
    KeyPoint,
    KeyPointRevision,
    PointSupport,
    PointTranslation,
    PrincipleSource,
    Theme,
)
from principles_app.models.publications import ExportCache, GeneratedFile, Publication
from principles_app.models.rounds import Round
from principles_app.models.translations import PrincipleTranslation
from principles_app.models.two_factor import Passkey, RecoveryCode, TotpCredential
from principles_app.models.voting import Ballot, BallotChange, ElectorateMember, Motion, MotionReminder

__all__ = [
    "Amendment",
    "Ballot",
    "BallotChange",
    "ElectorateMember",
    "Motion",
    "MotionAmendment",
    "AmendmentCosponsor",
    "AmendmentRevision",
    "Document",
    "Principle",
    "Recommendation",
    "PrincipleTranslation",
    "ExportCache",
    "GeneratedFile",
    "Publication",
    "Round",
    "Version",
    "ApiToken",
    "UserSession",
    "AuditChainHead",
    "AuditEntry",
    "Category",
    "Comment",
    "CommentActivityVisit",
    "CommentFlag",
    "CommentRevision",
    "HiddenCategory",
    "Invitation",
    "NotificationPreference",
    "Organisation",
    "OutboxMessage",
    "PasswordResetLink",
    "Region",
    "Role",
    "SignInLink",
    "Stance",
    "TargetType",
    "User",
    "Endorsement",
    "ParticipationInvitation",
    "KeyPoint",
    "KeyPointRevision",
    "PointSupport",
    "PointTranslation",
    "PrincipleSource",
    "Theme",
    "MotionReminder",
    "TotpCredential",
    "RecoveryCode",
    "Passkey",
]

from principles_app.models.search import SearchEntry

__all__ += ["SearchEntry"]

from principles_app.models.calendar import CalendarFeed  # noqa: E402

__all__ += ["CalendarFeed"]

from principles_app.models.meetings import Attendance, Meeting, MeetingProxy  # noqa: E402

__all__ += ["Attendance", "Meeting", "MeetingProxy"]
