"""Secretariat pages: organisations, weights, users and the audit log."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from principles_app import permissions
from principles_app.extensions import db
from principles_app.services import audit_listing
from principles_app.services import organisations as org_service
from principles_app.services.errors import ServiceError
from principles_app.web.admin.forms import OrganisationForm, UserForm
from principles_app.web.choices import options

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _secretariat_only():
    if not permissions.is_secretariat(current_user):
        abort(403)


def _attach_errors(form, refusal: ServiceError) -> None:
    for name, message in (refusal.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
    if not refusal.fields:
        flash(str(refusal.message), "error")


@bp.get("/organisations")
def organisations():
    return render_template("admin/organisations.html", organisations=org_service.list_organisations())


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org_service.create_organisation(
                current_user, name=form.name.data, region=form.region.data, category=form.category.data,
                vote_weight=form.vote_weight.data or Decimal("0"), active=form.active.data,
                credit_opt_out=form.credit_opt_out.data)
        except ServiceError as refusal:
            db.session.rollback()
            _attach_errors(form, refusal)
            return render_template("admin/organisation_form.html", form=form, organisation=None), refusal.status
        db.session.commit()
        flash(_("Organisation created."), "success")
        return redirect(url_for("admin.organisations"))
    status = 422 if form.errors else 200
    return render_template("admin/organisation_form.html", form=form, organisation=None), status


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    organisation = org_service.get_organisation(organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            org_service.update_organisation(
                current_user, organisation, name=form.name.data, region=form.region.data,
                category=form.category.data, vote_weight=form.vote_weight.data or Decimal("0"),
                active=form.active.data, credit_opt_out=form.credit_opt_out.data)
        except ServiceError as refusal:
            db.session.rollback()
            _attach_errors(form, refusal)
            return render_template("admin/organisation_form.html", form=form, organisation=organisation), refusal.status
        db.session.commit()
        flash(_("Organisation saved."), "success")
        return redirect(url_for("admin.organisations"))
    status = 422 if form.errors else 200
    return render_template("admin/organisation_form.html", form=form, organisation=organisation), status


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user)
    form.organisation_id.choices = options((o.id, o.name) for o in org_service.list_organisations())
    return form


@bp.get("/users")
def users():
    return render_template("admin/users.html", users=org_service.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors = [_("Give a password for the new user.")]
            return render_template("admin/user_form.html", form=form, user=None), 422
        try:
            user = org_service.create_user(
                current_user, email=form.email.data, name=form.name.data, password=form.password.data,
                role=form.role.data, organisation=org_service.get_organisation(form.organisation_id.data))
            if not form.active.data:
                org_service.update_user(current_user, user, active=False)
        except ServiceError as refusal:
            db.session.rollback()
            _attach_errors(form, refusal)
            return render_template("admin/user_form.html", form=form, user=None), refusal.status
        db.session.commit()
        flash(_("User created."), "success")
        return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = org_service.get_user(user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            org_service.update_user(
                current_user, user, name=form.name.data, role=form.role.data,
                organisation=org_service.get_organisation(form.organisation_id.data),
                active=form.active.data, password=form.password.data or None)
        except ServiceError as refusal:
            db.session.rollback()
            _attach_errors(form, refusal)
            return render_template("admin/user_form.html", form=form, user=user), refusal.status
        db.session.commit()
        if user.id == current_user.id and user.active:
            login_user(user)  # changing one's own password or role ends other sessions, not this one
        flash(_("User saved."), "success")
        return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.get("/audit")
def audit_log():
    return render_template("admin/audit.html", entries=audit_listing.listed_entries(200))
