"""The live view of a General Meeting over JSON, validated by a strong ETag (SPEC §11)."""

from __future__ import annotations

from datetime import datetime

from flask import Response, g, jsonify, request
from flask_babel import get_locale
from pydantic import BaseModel, Field

from principles_app import permissions
from principles_app.domain.languages import DEFAULT_LANGUAGE
from principles_app.services import live as live_service
from principles_app.web.api import bp
from principles_app.web.api.core import require
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.voting_schemas import WEIGHT, MotionResult


class LiveMeetingOut(BaseModel):
    """The meeting the live view belongs to; times in UTC."""

    id: int
    document: str
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str


class LiveRegionOut(BaseModel):
    """Turnout in one region: organisations that have voted and their weight, never a choice."""

    region: str
    count: int
    weight: str = WEIGHT


class LiveParticipationOut(BaseModel):
    """Turnout on the motion overall and by region."""

    count: int
    weight: str = WEIGHT
    eligible_count: int
    eligible_weight: str = WEIGHT
    by_region: list[LiveRegionOut]


class LiveRecommendationOut(BaseModel):
    """What the secretariat recommends on an amendment of the motion, and the proposer's answer."""

    amendment_id: int
    procedure: str
    reason: str
    text: str | None = None
    covered_by_id: int | None = None
    answer: str | None = None


class LiveMotionOut(BaseModel):
    """The motion on the floor (open) or the last one decided."""

    id: int
    round_id: int
    round_title: str
    position: int
    title: str
    state: str = Field(description="open while ballots are taken, closed once decided")
    amendment_ids: list[int]
    version_number: int | None
    redline_html: str = Field(description="the redline in the numbered lines it changes, escaped HTML")
    recommendation: LiveRecommendationOut | None = Field(
        default=None, description="the first recommendation among the motion's amendments"
    )
    recommendations: list[LiveRecommendationOut]
    closes_at: datetime
    participation: LiveParticipationOut
    result: MotionResult | None = Field(default=None, description="the result as /motions/{id}/result gives it")


class LiveOut(BaseModel):
    """What the meeting's live view shows; `motion` is null until a motion is put."""

    meeting: LiveMeetingOut
    motion: LiveMotionOut | None


def redline_html(state: live_service.LiveMotion) -> str:
    """Join the motion's redlines, each line with its number, as one escaped HTML fragment."""
    parts = []
    for amendment in state.amendments:
        lines = "".join(
            f'<li><span class="line-number">{number}</span><span class="line-text">{html}</span></li>'
            for number, html in amendment.lines
        )
        parts.append(f'<ol class="numbered-lines live-redline" data-amendment="{amendment.id}">{lines}</ol>')
    return "".join(parts)


def live_out(state: live_service.LiveState) -> LiveOut:
    """Describe the live state for the API."""
    meeting = state.meeting
    motion_out = None
    found = state.motion
    if found is not None:
        recommendations = [
            LiveRecommendationOut(amendment_id=a.id, **a.recommendation)
            for a in found.amendments
            if a.recommendation is not None
        ]
        motion_out = LiveMotionOut(
            id=found.motion.id,
            round_id=found.round.id,
            round_title=found.round.title,
            position=found.motion.position,
            title=found.title,
            state="open" if found.result is None else "closed",
            amendment_ids=[a.id for a in found.amendments],
            version_number=found.version_number,
            redline_html=redline_html(found),
            recommendation=recommendations[0] if recommendations else None,
            recommendations=recommendations,
            closes_at=found.closes_at,
            participation=LiveParticipationOut.model_validate(found.participation),
            result=MotionResult.model_validate(found.result) if found.result is not None else None,
        )
    return LiveOut(
        meeting=LiveMeetingOut(
            id=meeting.id,
            document=meeting.document.slug,
            title=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            time_zone=meeting.time_zone,
            place=meeting.place,
        ),
        motion=motion_out,
    )


def _etag_matches(etag: str) -> bool:
    return etag in request.if_none_match


def _revalidate(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    # Read with a token or, from the site's own page, with its session (Endpoint.browser_session).
    response.headers["Vary"] = "Authorization, Cookie, Accept-Language"
    return response


@bp.get("/meetings/<int:meeting_id>/live")
@endpoint(
    Endpoint(
        "The meeting's live view: the motion on the floor, its redline, countdown and turnout, and its result "
        "once closed. Send the ETag back in If-None-Match: 304 while nothing changed",
        response=LiveOut,
        tag="meetings",
        browser_session=True,
    )
)
def meeting_live(meeting_id: int):
    require(permissions.can_read_drafts(g.api_user))
    language = str(get_locale() or DEFAULT_LANGUAGE)
    # The cheap path: one aggregate query, nothing rendered, when the client is up to date.
    etag = live_service.live_fingerprint(meeting_id, "api", language)
    if _etag_matches(etag):
        return _revalidate(Response(status=304), etag)

    def build() -> tuple[str, bytes]:
        state = live_service.live_state(meeting_id, "api", language)
        return state.fingerprint, jsonify(live_out(state).model_dump(mode="json", exclude_unset=True)).get_data()

    etag, body = live_service.RENDERED.get_or_build(etag, build)
    return _revalidate(Response(body, mimetype="application/json"), etag)
