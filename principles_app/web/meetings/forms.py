"""The secretariat's form to schedule or change a General Meeting; its times are typed in the meeting's zone."""

from __future__ import annotations

from flask import g, request
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from principles_app.domain import meetings as rules
from principles_app.domain.times import is_known_zone
from principles_app.web.forms_common import LocalDateTimeField, TextSafeForm


def meeting_zone() -> str:
    """Return the zone the meeting's times are read in: the zone typed in the form, else the meeting's own."""
    typed = (request.form.get("time_zone") or "").strip()
    if is_known_zone(typed):
        return typed
    return g.get("meeting_zone") or "UTC"


class MeetingForm(TextSafeForm):
    """Schedule or change a General Meeting."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=rules.MAX_TITLE)])
    time_zone = StringField(
        _l("Time zone where it is held"),
        default="Europe/Berlin",
        validators=[DataRequired(), Length(max=64)],
        description=_l("An IANA name such as Europe/Berlin or Africa/Nairobi; the times below are in this zone."),
    )
    starts_at = LocalDateTimeField(_l("Starts at"), validators=[InputRequired()], zone=meeting_zone)
    ends_at = LocalDateTimeField(_l("Ends at"), validators=[InputRequired()], zone=meeting_zone)
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=rules.MAX_PLACE)])
    online_url = StringField(
        _l("Online link"),
        validators=[Optional(), Length(max=rules.MAX_URL)],
        description=_l("Optional; starts with https://."),
    )
    quorum = StringField(
        _l("Quorum"),
        default="0.5",
        validators=[DataRequired(), Length(max=12)],
        description=_l("Fraction of the eligible weight that must be present or represented, e.g. 0.5."),
    )
    proxy_limit = IntegerField(
        _l("Proxies one organisation may hold"),
        default=rules.DEFAULT_PROXY_LIMIT,
        validators=[InputRequired(), NumberRange(min=1, max=1000)],
    )
    proxies_close_at = LocalDateTimeField(
        _l("Proxies close at"),
        validators=[Optional()],
        zone=meeting_zone,
        description=_l("Optional; when empty, proxies close when the meeting starts."),
    )
    submit = SubmitField(_l("Save the meeting"))

    def values(self) -> dict:
        """Return the fields as the meetings service takes them."""
        return {
            "title": self.title.data or "",
            "starts_at": self.starts_at.data,
            "ends_at": self.ends_at.data,
            "time_zone": (self.time_zone.data or "").strip(),
            "place": self.place.data or "",
            "online_url": (self.online_url.data or "").strip() or None,
            "quorum": (self.quorum.data or "").strip(),
            "proxy_limit": self.proxy_limit.data,
            "proxies_close_at": self.proxies_close_at.data,
        }
