"""One way for a page to submit a form to a use case: call, commit, or show the refusal on the form.

Usage (a view of any area)::

    from principles_app.web.submitting import done, submit

    form = OrganisationForm()
    outcome = submit(form, lambda: org_service.create_organisation(current_user, name=form.name.data, ...))
    if outcome.succeeded:
        return done(_("Organisation created."), url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form), outcome.status

``submit`` validates the form; a valid form is passed to the service call, and the request is
committed once when the call returns. A ``ServiceError`` rolls the request back and is put on the
form (see ``refuse``), so the page shows the user's input again with the reason beside the field it
names. The status of the page says what happened: 200 for a form not yet submitted, 422 for input
the form itself refused, the refusal's own status (403, 409, 422 ...) for a refusal of the service.

A button that only confirms an action (withdraw, open a round) has no input to show again: ``act``
runs it, and a refusal becomes the error page with its status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect
from flask_wtf import FlaskForm

from principles_app.extensions import db
from principles_app.services.errors import ServiceError

HIDDEN_TYPES = {"HiddenField", "CSRFTokenField"}


@dataclass(frozen=True)
class Outcome:
    """What came of a submission: the service's result, or the status the form page is shown with."""

    status: int
    succeeded: bool = False
    result: Any = None
    refusal: ServiceError | None = None


def submit(form: FlaskForm, call: Callable[[], Any], *, raise_for: tuple[int, ...] = ()) -> Outcome:
    """Validate the form, run the service call and commit; on a refusal roll back and put it on the form.

    A refusal whose status is in ``raise_for`` (say 404: the thing the form is about is gone)
    is raised again, to become the error page instead of the form.
    """
    if not form.is_submitted():
        return Outcome(200)
    if not form.validate():
        return Outcome(422 if form.errors else 400)
    try:
        result = call()
    except ServiceError as refusal:
        db.session.rollback()
        if refusal.status in raise_for:
            raise
        refuse(form, refusal)
        return Outcome(refusal.status, refusal=refusal)
    db.session.commit()
    return Outcome(200, succeeded=True, result=result)


def refuse(form: FlaskForm, refusal: ServiceError) -> None:
    """Put a service's refusal on the form, each message where the user can see and act on it.

    A message for a field the form shows goes beside that field ("principles.2.title" belongs to
    ``principles``); one for a field it does not show (hidden, or not on this form) goes to the
    top of the form. The refusal's own message goes to the top too, unless the field messages
    say it all (it is only the generic "Some fields need attention.").
    """
    for name, message in (refusal.fields or {}).items():
        field = _shown_field(form, name)
        if field is None:
            form.form_errors.append(str(message))
        else:
            field.errors = [*field.errors, str(message)]
    if not refusal.fields or refusal.message is not type(refusal).default_message:
        form.form_errors.append(str(refusal.message))


def _shown_field(form: FlaskForm, name: str):
    key = name.split(".")[0]
    field = form[key] if key in form else None
    return None if field is None or field.type in HIDDEN_TYPES else field


def done(message: str, url: str):
    """Say what was done and go to the page that shows it (after a successful submission)."""
    flash(message, "success")
    return redirect(url)


def act(form: FlaskForm, call: Callable[[], Any]) -> Any:
    """Run a confirmed action (a button with no input) and commit; a refusal becomes the error page.

    A form that does not validate (no or a stale CSRF token) is a bad request.
    """
    if not form.validate_on_submit():
        abort(400)
    result = call()  # a ServiceError reaches the error page, which rolls the request back
    db.session.commit()
    return result
