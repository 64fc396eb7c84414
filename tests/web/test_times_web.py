"""Readers see times in their own zone, deadlines as time remaining, and type times in their zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import render_template_string
from flask_babel import force_locale
from flask_login import login_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired

from principles_app.extensions import db
from principles_app.formatting import deadline, time_remaining
from principles_app.web.forms_common import LocalDateTimeField
from tests.factories import make_user

UTC = UTC
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


class ClosingForm(FlaskForm):
    closes_at = LocalDateTimeField("Closes at", validators=[InputRequired()], zone="Europe/Berlin")


def test_a_deadline_says_how_long_remains_in_two_units_in_the_readers_language(app):
    closes = NOW + timedelta(days=3, hours=4, minutes=10)
    with app.test_request_context():
        with force_locale("en"):
            assert time_remaining(closes, NOW) == "in 3 days and 4 hours"
            assert time_remaining(NOW - timedelta(hours=2), NOW) == "2 hours ago"
            shown = deadline(closes, "America/Santiago", NOW)
            assert "Saturday, June 13, 2026" in shown and "America/Santiago" in shown and "in 3 days" in shown
        with force_locale("es"):
            assert "3 días y 4 horas" in time_remaining(closes, NOW)
        with force_locale("fr"):
            assert "3\u00a0jours et 4\u00a0heures" in time_remaining(closes, NOW)
        with force_locale("ar"):
            assert "ساعات" in time_remaining(closes, NOW)


def test_the_deadline_filter_uses_the_signed_in_readers_zone_or_their_regions(app):
    chose = make_user("member", region="africa")
    chose.time_zone = "Asia/Kathmandu"
    did_not_choose = make_user("member", region="americas")
    db.session.commit()
    moment = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    # Each block is its own request with its own app context, as on a real server.
    with app.app_context(), app.test_request_context():
        login_user(chose)
        assert "(Asia/Kathmandu)" in render_template_string("{{ t|deadline }}", t=moment)
        assert "5:45" in render_template_string("{{ t|local_time }}", t=moment)  # UTC+05:45
    with app.app_context(), app.test_request_context():
        login_user(did_not_choose)
        assert "(America/Bogota)" in render_template_string("{{ t|local_time }}", t=moment)
    with app.app_context(), app.test_request_context():
        assert "(UTC)" in render_template_string("{{ t|local_time }}", t=moment)


def test_a_typed_time_is_read_in_the_readers_zone_and_stored_in_utc(app):
    with app.test_request_context(method="POST"):
        form = ClosingForm(formdata=MultiDict({"closes_at": "2026-06-15T14:00"}))
        assert form.validate()
        assert form.closes_at.data == datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
        assert form.closes_at.note is None


def test_a_time_skipped_by_the_clocks_is_a_form_error_not_a_crash(app):
    with app.test_request_context(method="POST"):
        form = ClosingForm(formdata=MultiDict({"closes_at": "2026-03-29T02:30"}))
        assert not form.validate()
        assert form.closes_at.data is None
        assert "does not exist in Europe/Berlin" in form.closes_at.errors[0]


def test_a_time_that_happens_twice_takes_the_first_and_says_so(app):
    with app.test_request_context(method="POST"):
        form = ClosingForm(formdata=MultiDict({"closes_at": "2026-10-25T02:30"}))
        assert form.validate()
        assert form.closes_at.data == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        assert "happens twice" in form.closes_at.note


def test_nonsense_in_the_field_is_a_form_error(app):
    with app.test_request_context(method="POST"):
        for text in ("tomorrow", "2026-02-30T10:00", "<script>"):
            form = ClosingForm(formdata=MultiDict({"closes_at": text}))
            assert not form.validate()
            assert form.closes_at.errors == ["Give a date and time."]


def test_a_stored_time_fills_the_input_in_the_readers_zone(app):
    class ReaderForm(FlaskForm):
        closes_at = LocalDateTimeField("Closes at")

    reader = make_user("member", region="americas")  # America/Bogota by default, UTC-5
    with app.app_context(), app.test_request_context():
        login_user(reader)
        form = ReaderForm(closes_at=datetime(2026, 6, 15, 12, 0, tzinfo=UTC))
        assert form.closes_at.zone_name == "America/Bogota"
        assert 'type="datetime-local"' in form.closes_at()
        assert 'value="2026-06-15T07:00"' in form.closes_at()
