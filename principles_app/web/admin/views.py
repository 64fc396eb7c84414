"""Secretariat pages: organisations, weights, users and the audit log."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.services import audit_listing, erasure
from principles_app.services import invitations as invitation_service
from principles_app.services import organisations as org_service
from principles_app.web.admin.forms import EraseForm, InvitationForm, OrganisationForm, UserForm
from principles_app.web.auth.two_factor_forms import ConfirmButtonForm
from principles_app.web.auth.views import keep_this_session
from principles_app.web.choices import options
from principles_app.web.paging import paginate
from principles_app.web.submitting import act, done, submit

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _secretariat_only():
    if not permissions.is_secretariat(current_user):
        abort(403)


@bp.get("/organisations")
def organisations():
    paged = paginate(org_service.organisations_query())
    return render_template(
        "admin/organisations.html", organisations=paged.items, page=paged.page, page_url=paged.page_url
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    form = OrganisationForm()
    outcome = submit(form, lambda: org_service.create_organisation(current_user, **_organisation_fields(form)))
    if outcome.succeeded:
        return done(_("Organisation created."), url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=None), outcome.status


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    organisation = org_service.get_organisation(organisation_id)
    form = OrganisationForm(obj=organisation)
    outcome = submit(
        form, lambda: org_service.update_organisation(current_user, organisation, **_organisation_fields(form))
    )
    if outcome.succeeded:
        return done(_("Organisation saved."), url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=organisation), outcome.status


def _organisation_fields(form: OrganisationForm) -> dict:
    return {
        "name": form.name.data,
        "region": form.region.data,
        "category": form.category.data,
        "vote_weight": form.vote_weight.data or Decimal("0"),
        "active": form.active.data,
        "credit_opt_out": form.credit_opt_out.data,
    }


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user)
    form.organisation_id.choices = options((o.id, o.name) for o in org_service.list_organisations())
    return form


@bp.get("/users")
def users():
    paged = paginate(org_service.users_query())
    return render_template("admin/users.html", users=paged.items, page=paged.page, page_url=paged.page_url)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """New people are invited: they choose their own password, which the secretariat never sets nor sees."""
    return redirect(url_for("admin.new_invitation"))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = org_service.get_user(user_id)
    form = _user_form(user)

    def save():
        return org_service.update_user(
            current_user,
            user,
            name=form.name.data,
            role=form.role.data,
            organisation=org_service.get_organisation(form.organisation_id.data),
            active=form.active.data,
        )

    outcome = submit(form, save)
    if outcome.succeeded:
        if user.id == current_user.id and user.active:
            keep_this_session(
                current_user._get_current_object()
            )  # changing one's own role ends other sessions, not this one
        return done(_("User saved."), url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), outcome.status


@bp.get("/audit")
def audit_log():
    paged = paginate(audit_listing.listed_query())
    return render_template("admin/audit.html", entries=paged.items, page=paged.page, page_url=paged.page_url)


@bp.get("/invitations")
def invitations():
    return render_template("admin/invitations.html", invitations=invitation_service.list_pending(), now=utcnow())


@bp.route("/invitations/new", methods=["GET", "POST"])
def new_invitation():
    form = InvitationForm()
    form.organisation_id.choices = options((o.id, o.name) for o in org_service.list_organisations())
    outcome = submit(
        form,
        lambda: invitation_service.create_invitation(
            current_user,
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            organisation=org_service.get_organisation(form.organisation_id.data),
            language=form.language.data,
        ),
    )
    if outcome.succeeded:
        return done(_("Invitation sent."), url_for("admin.invitations"))
    return render_template("admin/invitation_form.html", form=form), outcome.status


@bp.post("/invitations/<int:invitation_id>/resend")
def resend_invitation(invitation_id: int):
    act(
        ConfirmButtonForm(),
        lambda: invitation_service.resend_invitation(current_user, invitation_service.get_pending(invitation_id)),
    )
    return done(_("A new link was sent; the old one no longer works."), url_for("admin.invitations"))


@bp.post("/invitations/<int:invitation_id>/cancel")
def cancel_invitation(invitation_id: int):
    act(
        ConfirmButtonForm(),
        lambda: invitation_service.cancel_invitation(current_user, invitation_service.get_pending(invitation_id)),
    )
    return done(_("Invitation cancelled."), url_for("admin.invitations"))


@bp.route("/users/<int:user_id>/erase", methods=["GET", "POST"])
def erase_user(user_id: int):
    user = org_service.get_user(user_id)
    if erasure.is_erased(user):
        abort(404)
    form = EraseForm()

    def erase():
        erasure.check_confirmation(user, form.confirm.data)
        erasure.erase_user(current_user, user)

    outcome = submit(form, erase)
    if outcome.succeeded:
        return done(_("The person is erased. What they wrote stays, as by a former member."), url_for("admin.users"))
    return render_template("admin/erase_user.html", form=form, user=user), outcome.status
