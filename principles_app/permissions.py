"""One named check per action: can_<verb>(user, obj) -> bool."""

from __future__ import annotations

from principles_app.domain.organisations import VOTING_CATEGORY
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


def can_read_threads(user: User | None) -> bool:
    """Comment threads are for signed-in users of any role, never public readers."""
    return _signed_in(user)


def can_comment(user: User | None) -> bool:
    """Every signed-in user, observers included, may comment and reply."""
    return _signed_in(user)


def can_edit_comment(user: User | None, comment) -> bool:
    """Only the author edits their comment."""
    return _signed_in(user) and comment is not None and comment.author_id == user.id


def can_delete_comment(user: User | None, comment) -> bool:
    """The author or the secretariat deletes a comment (a tombstone stays)."""
    return _signed_in(user) and comment is not None and (comment.author_id == user.id or is_secretariat(user))


def can_flag(user: User | None, comment) -> bool:
    """Delegates of member organisations (and the secretariat) flag comments; observers do not."""
    return _signed_in(user) and user.role in (Role.MEMBER, Role.SECRETARIAT)


def can_moderate(user: User | None) -> bool:
    """Only the secretariat hides and restores comments."""
    return is_secretariat(user)


def can_see_author(user: User | None, comment) -> bool:
    """Everyone sees a named author; only the secretariat sees who wrote anonymously."""
    return not comment.anonymous or is_secretariat(user)


# --- Drafts, amendments and rounds ----------------------------------------------------------


def _acts_for_active_organisation(user) -> bool:
    """Members and the secretariat of an active organisation may act on drafts."""
    return (
        _signed_in(user)
        and user.role in (Role.MEMBER, Role.SECRETARIAT)
        and user.organisation is not None
        and user.organisation.active
    )


def can_create_document(user) -> bool:
    """Only the secretariat creates documents."""
    return is_secretariat(user)


def can_manage_rounds(user) -> bool:
    """Only the secretariat creates, opens, closes and extends rounds."""
    return is_secretariat(user)


def can_propose_amendment(user, document=None) -> bool:
    """Members and the secretariat of an active organisation propose; observers never."""
    return _acts_for_active_organisation(user)


def can_revise_amendment(user, amendment) -> bool:
    """Only the proposer's organisation revises its amendment."""
    return _acts_for_active_organisation(user) and user.organisation_id == amendment.organisation_id


def can_withdraw_amendment(user, amendment) -> bool:
    """Only the proposer's organisation withdraws its amendment."""
    return (
        _signed_in(user)
        and user.role in (Role.MEMBER, Role.SECRETARIAT)
        and user.organisation_id == amendment.organisation_id
    )


def can_cosponsor_amendment(user, amendment) -> bool:
    """Another active member organisation may co-sponsor; never the proposer's own."""
    return (
        _signed_in(user)
        and user.role == Role.MEMBER
        and user.organisation is not None
        and user.organisation.active
        and user.organisation.category == VOTING_CATEGORY
        and user.organisation_id != amendment.organisation_id
    )


def can_merge_amendment(user, amendment=None) -> bool:
    """Only the secretariat merges amendments into the working draft."""
    return is_secretariat(user)


def can_reject_amendment(user, amendment=None) -> bool:
    """Only the secretariat rejects amendments."""
    return is_secretariat(user)


def can_recommend_amendment(user, amendment=None) -> bool:
    """Only the secretariat, as drafting committee, recommends on amendments."""
    return is_secretariat(user)


def can_answer_recommendation(user, amendment) -> bool:
    """Only the proposer's organisation answers the recommendation on its amendment."""
    return _acts_for_active_organisation(user) and user.organisation_id == amendment.organisation_id


def can_publish(user: User | None) -> bool:
    """Only the secretariat publishes an adopted version."""
    return is_secretariat(user)


def can_read_meeting_pack(user: User | None) -> bool:
    """Every signed-in user may print the meeting pack of a draft version."""
    return _signed_in(user)


# --- Voting -----------------------------------------------------------------------------------


def can_put_motion(user: User | None) -> bool:
    """Only the secretariat puts amendments to the vote."""
    return is_secretariat(user)


def can_remove_motion(user: User | None) -> bool:
    """Only the secretariat takes a motion off a scheduled round."""
    return is_secretariat(user)


def can_vote(user: User | None) -> bool:
    """Only delegates of an active member organisation cast its ballot (the round checks the electorate)."""
    return (
        _signed_in(user)
        and user.role == Role.MEMBER
        and user.organisation is not None
        and user.organisation.active
        and user.organisation.category == VOTING_CATEGORY
    )


def can_read_results(user: User | None) -> bool:
    """Every signed-in user sees participation, and results once a round is closed."""
    return _signed_in(user)


# --- Translations -----------------------------------------------------------------------------


def can_translate(user, principle=None) -> bool:
    """Members and the secretariat of an active organisation translate principles; observers never."""
    return _acts_for_active_organisation(user)


# --- Endorsements (SPEC §17) --------------------------------------------------------------------


def can_moderate_endorsements(user: User | None) -> bool:
    """Only the secretariat sees the verified endorsements and approves or rejects them."""
    return is_secretariat(user)


# --- Voices ---------------------------------------------------------------------------------


def can_read_voices(user: User | None) -> bool:
    """Every signed-in user sees who shaped a draft and who took part."""
    return _signed_in(user)


def can_invite_quiet_members(user: User | None) -> bool:
    """Only the secretariat sees the quiet members of a round and invites them."""
    return is_secretariat(user)


# --- Key points of a consultation (SPEC §16) --------------------------------------------------


def _speaks_for_active_organisation(user) -> bool:
    """Members, observers and the secretariat of an active organisation take part in a consultation."""
    return _signed_in(user) and user.organisation is not None and user.organisation.active


def can_raise_point(user) -> bool:
    """Members, observers and the secretariat raise key points for their own organisation."""
    return _speaks_for_active_organisation(user)


def can_record_session_point(user) -> bool:
    """Only the secretariat records a point raised by an organisation in a live engagement session."""
    return is_secretariat(user)


def can_edit_point(user, point) -> bool:
    """Whoever wrote a key point (the secretariat for a session point) edits it."""
    return _signed_in(user) and point is not None and point.author_id == user.id


def can_support_point(user, point=None) -> bool:
    """Members and observers back points on behalf of their active organisation; the secretariat only listens."""
    return _speaks_for_active_organisation(user) and user.role in (Role.MEMBER, Role.OBSERVER)


def can_manage_themes(user) -> bool:
    """Only the secretariat renames and merges themes and sorts points into them."""
    return is_secretariat(user)


def can_link_sources(user) -> bool:
    """Only the secretariat says which key points a principle draws on."""
    return is_secretariat(user)


def can_translate_point(user, point=None) -> bool:
    """Members and the secretariat translate key points, as they translate principles."""
    return _acts_for_active_organisation(user)


def can_follow_participation(user: User | None) -> bool:
    """Only the secretariat sees which organisations have voted on a motion (never what they chose)."""
    return is_secretariat(user)


def can_send_reminders(user: User | None) -> bool:
    """Only the secretariat reminds the organisations that have not voted."""
    return is_secretariat(user)


def can_enter_paper_ballots(user: User | None) -> bool:
    """Only the secretariat records a ballot from an organisation's paper form."""
    return is_secretariat(user)


def can_reset_second_factor(user: User | None) -> bool:
    """Only the secretariat removes a person's second factors (a lost phone)."""
    return is_secretariat(user)


# --- Search (SPEC §15) --------------------------------------------------------------------------


def can_search_members_texts(user: User | None) -> bool:
    """Signed-in users search drafts, amendments, threads and key points; everyone searches publications."""
    return _signed_in(user)
