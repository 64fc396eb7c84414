"""The demo's General Meeting: Berlin, a month after the demo is loaded, with some organisations checked in and one proxy."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Meeting, Organisation, User
from principles_app.services import drafts as draft_service
from principles_app.services import meetings as meeting_service
from principles_app.services import proxies as proxy_service


def _local(day, clock: str, zone: ZoneInfo) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _secretariat(network: dict[str, Any]) -> User | None:
    email = next((u["email"] for u in network["users"] if u["role"] == "secretariat"), "")
    return db.session.execute(select(User).where(User.email == email.lower())).scalar_one_or_none()


def _organisation(name: str) -> Organisation:
    return db.session.execute(select(Organisation).where(Organisation.name == name)).scalar_one()


def load_meeting(network: dict[str, Any]) -> None:
    """Schedule the demo General Meeting on the demo document once, with its attendance and one proxy."""
    spec = network.get("meeting")
    secretariat = _secretariat(network)
    if spec is None or secretariat is None:
        return
    document = draft_service.get_document(network["document"]["slug"])
    existing = select(Meeting).where(Meeting.document_id == document.id, Meeting.title == spec["title"])
    if db.session.execute(existing).scalar_one_or_none() is not None:
        return
    zone = ZoneInfo(spec["time_zone"])
    day = (utcnow().astimezone(zone) + timedelta(days=spec["starts_in_days"])).date()
    meeting = meeting_service.create_meeting(
        secretariat,
        document,
        title=spec["title"],
        starts_at=_local(day, spec["local_start"], zone),
        ends_at=_local(day, spec["local_end"], zone),
        time_zone=spec["time_zone"],
        place=spec["place"],
        online_url=spec.get("online_url"),
    )
    # The secretariat's sign-in sheet: it records attendance at any time.
    for name, mode in spec["attendance"].items():
        meeting_service.set_attendance(secretariat, meeting, _organisation(name).id, mode)
    proxy = spec["proxy"]
    proxy_service.give_proxy(secretariat, meeting, _organisation(proxy["holder"]).id, _organisation(proxy["giver"]).id)
