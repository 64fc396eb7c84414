"""Command line: users create, demo load, audit verify (db upgrade comes from Flask-Migrate)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from sqlalchemy import select

from principles_app.demo import load_demo
from principles_app.domain.organisations import Role
from principles_app.extensions import db
from principles_app.models import Organisation
from principles_app.services import audit
from principles_app.services import organisations as org_service
from principles_app.services.closing import close_due_rounds
from principles_app.services.errors import ServiceError
from principles_app.services.notifications import remind_closing_rounds
from principles_app.services.outbox import send_outbox


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def register_commands(app: Flask) -> None:
    """Attach the project's command groups to the Flask CLI."""

    @app.cli.group("users")
    def users_group():
        """Manage user accounts."""

    @users_group.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--password", required=True)
    @click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
    @click.option("--organisation", required=True, help="Organisation name or id.")
    def create_user(email, name, password, role, organisation):
        """Create a user in an existing organisation."""
        query = select(Organisation).where(Organisation.name == organisation)
        if organisation.isdigit():
            query = select(Organisation).where(Organisation.id == int(organisation))
        org = db.session.execute(query).scalar_one_or_none()
        if org is None:
            _fail(f"no organisation named {organisation!r}")
        try:
            user = org_service.create_user(None, email=email, name=name, password=password, role=role, organisation=org)
        except ServiceError as refusal:
            db.session.rollback()
            details = "; ".join(f"{k}: {v}" for k, v in (refusal.fields or {}).items())
            _fail(f"{refusal.message}{' (' + details + ')' if details else ''}")
        db.session.commit()
        click.echo(f"Created {user.role.value} {user.email} in {org.name}.")

    @app.cli.group("demo")
    def demo_group():
        """The demo network."""

    @demo_group.command("load")
    def demo_load():
        """Create the demo network (safe to run again)."""
        network = load_demo()
        click.echo("Demo network loaded. Demo accounts:")
        for user in network["users"]:
            click.echo(
                f"  {user['role']:<12} {user['email']:<32} password: {user['password']}  ({user['organisation']})"
            )

    @app.cli.group("audit")
    def audit_group():
        """The hash-chained audit log."""

    @audit_group.command("verify")
    def audit_verify():
        """Check every entry of the chain; exit 1 naming the first broken one."""
        report = audit.verify_chain()
        if report.ok:
            click.echo(f"Audit chain intact: {report.checked} entries checked.")
            return
        click.echo(f"Audit chain broken after {report.checked} good entries: {report.problem}", err=True)
        sys.exit(1)

    @app.cli.group("notifications")
    def notifications_group():
        """Email notifications (the outbox)."""

    @notifications_group.command("send")
    def notifications_send():
        """Queue reminders, build daily digests and deliver due email; safe from cron and concurrently."""
        report = send_outbox()
        click.echo(
            f"Sent {report.sent}, failed {report.failed} (gave up on {report.gave_up}), digests built {report.digests}."
        )
        for problem in report.errors:
            click.echo(f"  {problem}", err=True)

    @notifications_group.command("remind")
    def notifications_remind():
        """Queue reminders for organisations that have not voted in a round closing within 24 hours."""
        queued = remind_closing_rounds()
        db.session.commit()
        click.echo(f"Queued {queued} reminders.")

    @app.cli.group("rounds")
    def rounds_group():
        """Rounds of documents."""

    @rounds_group.command("close-due")
    def rounds_close_due():
        """Close every round past its closing time and apply its votes; safe from cron and concurrently."""
        closed = close_due_rounds()
        db.session.commit()
        click.echo(f"Closed {len(closed)} round(s){': ' + ', '.join(map(str, closed)) if closed else ''}.")

    @app.cli.group("search")
    def search_group():
        """The search index."""

    @search_group.command("reindex")
    def search_reindex():
        """Rebuild the search index from every principle, publication, amendment, comment, point and translation."""
        from principles_app.services.search import reindex

        written = reindex()
        db.session.commit()
        click.echo(f"Indexed {written} entries.")
