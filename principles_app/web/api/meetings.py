"""General Meetings (SPEC §11) over JSON: scheduling, attendance, proxies."""

from __future__ import annotations

from flask import g

from principles_app import permissions
from principles_app.extensions import db
from principles_app.models import Meeting, Organisation
from principles_app.services import drafts as draft_service
from principles_app.services import meetings as meeting_service
from principles_app.services import proxies as proxy_service
from principles_app.web.api import bp
from principles_app.web.api.core import ok, require
from principles_app.web.api.meetings_schemas import (
    AttendanceIn,
    AttendanceOut,
    AttendanceSummaryOut,
    MeetingCreate,
    MeetingList,
    MeetingOut,
    MeetingPatch,
    ProxyIn,
    ProxyList,
    ProxyOut,
)
from principles_app.web.api.openapi import Endpoint, endpoint


def _summary(meeting: Meeting) -> AttendanceSummaryOut:
    s = meeting_service.summary(meeting)
    return AttendanceSummaryOut(
        present_count=s.present_count,
        present_weight=s.present_weight,
        represented_count=s.represented_count,
        represented_weight=s.represented_weight,
        eligible_count=s.eligible_count,
        eligible_weight=s.eligible_weight,
        quorum=s.quorum,
        quorum_reached=s.quorum_reached,
    )


def _out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.id,
        document=meeting.document.slug,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        time_zone=meeting.time_zone,
        place=meeting.place,
        online_url=meeting.online_url,
        quorum=meeting.quorum,
        proxy_limit=meeting.proxy_limit,
        proxies_close_at=meeting.proxies_close_at,
        attendance_summary=_summary(meeting),
    )


def _proxies(meeting: Meeting) -> ProxyList:
    rows = []
    for p in meeting_service.proxies_of(meeting):
        giver = db.session.get(Organisation, p.giver_organisation_id)
        holder = db.session.get(Organisation, p.holder_organisation_id)
        rows.append(
            ProxyOut(
                giver_organisation_id=giver.id,
                giver=giver.name,
                holder_organisation_id=holder.id,
                holder=holder.name,
                given_at=p.given_at,
            )
        )
    return ProxyList(rows)


@bp.post("/documents/<slug>/meetings")
@endpoint(
    Endpoint(
        "Schedule a General Meeting of a document",
        auth="secretariat",
        body=MeetingCreate,
        response=MeetingOut,
        status=201,
        tag="meetings",
    )
)
def create_meeting(slug: str, body: MeetingCreate):
    require(permissions.is_secretariat(g.api_user))
    document = draft_service.get_document(slug)
    meeting = meeting_service.create_meeting(g.api_user, document, **body.model_dump())
    db.session.commit()
    return ok(_out(meeting), 201)


@bp.get("/documents/<slug>/meetings")
@endpoint(Endpoint("A document's General Meetings, earliest first", response=MeetingList, tag="meetings"))
def list_meetings(slug: str):
    require(permissions.can_read_drafts(g.api_user))
    document = draft_service.get_document(slug)
    return ok(MeetingList([_out(m) for m in meeting_service.meetings_of(document)]))


@bp.get("/meetings/<int:meeting_id>")
@endpoint(Endpoint("A General Meeting with its attendance summary and quorum", response=MeetingOut, tag="meetings"))
def get_meeting(meeting_id: int):
    require(permissions.can_read_drafts(g.api_user))
    response = ok(_out(meeting_service.get_meeting(meeting_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.patch("/meetings/<int:meeting_id>")
@endpoint(
    Endpoint(
        "Change a General Meeting's details; the proxy deadline cannot move once it has passed",
        auth="secretariat",
        body=MeetingPatch,
        response=MeetingOut,
        errors=(409,),
        tag="meetings",
    )
)
def update_meeting(meeting_id: int, body: MeetingPatch):
    require(permissions.is_secretariat(g.api_user))
    meeting = meeting_service.get_meeting(meeting_id)
    meeting_service.update_meeting(g.api_user, meeting, **body.model_dump(exclude_unset=True))
    db.session.commit()
    return ok(_out(meeting))


@bp.put("/meetings/<int:meeting_id>/attendance/<int:organisation_id>")
@endpoint(
    Endpoint(
        "Check an organisation in (in_room or online) or out (absent): a member for its own organisation "
        "from 2 hours before the start to the end, the secretariat for anyone at any time",
        body=AttendanceIn,
        response=AttendanceOut,
        errors=(403, 404, 409),
        tag="meetings",
    )
)
def set_attendance(meeting_id: int, organisation_id: int, body: AttendanceIn):
    require(permissions.can_read_drafts(g.api_user))
    meeting = meeting_service.get_meeting(meeting_id)
    mode = meeting_service.set_attendance(g.api_user, meeting, organisation_id, body.mode)
    db.session.commit()
    return ok(AttendanceOut(organisation_id=organisation_id, mode=mode, attendance_summary=_summary(meeting)))


@bp.get("/meetings/<int:meeting_id>/proxies")
@endpoint(Endpoint("The meeting's standing proxies", response=ProxyList, tag="meetings"))
def list_proxies(meeting_id: int):
    require(permissions.can_read_drafts(g.api_user))
    return ok(_proxies(meeting_service.get_meeting(meeting_id)))


@bp.post("/meetings/<int:meeting_id>/proxies")
@endpoint(
    Endpoint(
        "Give one's organisation's proxy for the meeting to another eligible member organisation",
        body=ProxyIn,
        response=ProxyOut,
        status=201,
        errors=(403, 404, 409),
        tag="meetings",
    )
)
def give_proxy(meeting_id: int, body: ProxyIn):
    require(permissions.can_read_drafts(g.api_user))
    meeting = meeting_service.get_meeting(meeting_id)
    proxy = proxy_service.give_proxy(g.api_user, meeting, body.holder_organisation_id, body.giver_organisation_id)
    db.session.commit()
    giver = db.session.get(Organisation, proxy.giver_organisation_id)
    holder = db.session.get(Organisation, proxy.holder_organisation_id)
    return ok(
        ProxyOut(
            giver_organisation_id=giver.id,
            giver=giver.name,
            holder_organisation_id=holder.id,
            holder=holder.name,
            given_at=proxy.given_at,
        ),
        201,
    )


@bp.delete("/meetings/<int:meeting_id>/proxies/<int:giver_organisation_id>")
@endpoint(Endpoint("Revoke an organisation's proxy before proxies close", errors=(403, 404, 409), tag="meetings"))
def revoke_proxy(meeting_id: int, giver_organisation_id: int):
    require(permissions.can_read_drafts(g.api_user))
    meeting = meeting_service.get_meeting(meeting_id)
    proxy_service.revoke_proxy(g.api_user, meeting, giver_organisation_id)
    db.session.commit()
    return "", 204
