"""Key points of a consultation: raise, record from a session, edit, support, theme, translate, trace to principles.

A document's consultation round (kind ``consultation``) takes key points while it is open. The
secretariat groups them into themes and links each principle to the points it draws on; a link
holds from the version it was made in until the secretariat removes it, so an amended principle
keeps its sources (domain/points.sources_apply_to). Every list here is built with a fixed number
of queries whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain.languages import LANGUAGES
from principles_app.domain.organisations import AuthorCategory
from principles_app.domain.points import (
    MAX_POINT_LENGTH,
    MAX_SESSION_LENGTH,
    MAX_THEME_LENGTH,
    POINTS_PER_PAGE,
    Page,
    chosen_language,
    point_text_problem,
)
from principles_app.domain.rounds import RoundKind, accepts_input
from principles_app.extensions import db
from principles_app.labels import author_category
from principles_app.models import (
    Category,
    Document,
    KeyPoint,
    KeyPointRevision,
    Organisation,
    PointSupport,
    PointTranslation,
    Principle,
    PrincipleSource,
    Publication,
    Region,
    Round,
    Theme,
    User,
    Version,
)
from principles_app.services import anonymity, audit
from principles_app.services import rounds as round_service
from principles_app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed

# --- Finding things ---------------------------------------------------------------------------


def get_point(point_id: int) -> KeyPoint:
    """Return the key point or raise NotFound."""
    point = db.session.get(KeyPoint, point_id)
    if point is None:
        raise NotFound(_l("No such key point."))
    return point


def get_theme(theme_id: int) -> Theme:
    """Return the theme or raise NotFound."""
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        raise NotFound(_l("No such theme."))
    return theme


def themes_of(document: Document) -> list[Theme]:
    """Return a document's themes by name."""
    return list(
        db.session.execute(select(Theme).where(Theme.document_id == document.id).order_by(Theme.name)).scalars()
    )


def consultation_of(document: Document, now: datetime | None = None) -> Round | None:
    """Return the document's consultation round that takes points right now, by the server's clock."""
    current = round_service.open_round_of(document)
    if current is None or current.kind != RoundKind.CONSULTATION:
        return None
    return current if accepts_input(current.state, current.closes_at, now or utcnow()) else None


def latest_consultation(document: Document) -> Round | None:
    """Return the document's most recent consultation round, open or closed."""
    return db.session.execute(
        select(Round)
        .where(Round.document_id == document.id, Round.kind == RoundKind.CONSULTATION)
        .order_by(Round.created_at.desc(), Round.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def takes_input(point: KeyPoint) -> bool:
    """Tell whether the point's consultation still takes edits and supports, by the server's clock."""
    target = db.session.get(Round, point.round_id)
    return target is not None and accepts_input(target.state, target.closes_at, utcnow())


def _require_open(document: Document) -> Round:
    current = consultation_of(document)
    if current is None:
        raise Conflict(_l("Key points are taken only while a consultation of this document is open."))
    return current


# --- Raising and editing ------------------------------------------------------------------------


def _clean_text(text: str | None, field_name: str = "text") -> str:
    problem = point_text_problem(text)
    if problem == "empty":
        raise ValidationFailed(fields={field_name: str(_l("Write the key point."))})
    if problem == "too_long":
        raise ValidationFailed(
            fields={field_name: str(_l("A key point has at most %(count)d characters.", count=MAX_POINT_LENGTH))}
        )
    return text.strip()


def _check_language(language: str | None) -> str | None:
    if language in (None, ""):
        return None
    if language not in LANGUAGES:
        raise ValidationFailed(
            fields={"language": str(_l("Choose one of: %(languages)s.", languages=", ".join(LANGUAGES)))}
        )
    return language


def theme_named(actor: User | None, document: Document, theme: str | int | None) -> Theme | None:
    """Return the document's theme given by id or name; a new name makes a new theme."""
    if theme is None or theme == "":
        return None
    if isinstance(theme, int):
        found = db.session.get(Theme, theme)
        if found is None or found.document_id != document.id:
            raise ValidationFailed(fields={"theme": str(_l("Choose a theme of this document."))})
        return found
    name = theme.strip()
    if not name or len(name) > MAX_THEME_LENGTH:
        raise ValidationFailed(
            fields={"theme": str(_l("Name a theme in at most %(count)d characters.", count=MAX_THEME_LENGTH))}
        )
    found = db.session.execute(
        select(Theme).where(Theme.document_id == document.id, func.lower(Theme.name) == name.lower())
    ).scalar_one_or_none()
    return found if found is not None else create_theme(actor, document, name)


@dataclass(frozen=True)
class Session:
    """A live engagement session a point was raised in."""

    name: str
    held_on: date


def _session_of(name: str | None, held_on: date | None) -> Session | None:
    if name is None and held_on is None:
        return None
    name = (name or "").strip()
    if not name or len(name) > MAX_SESSION_LENGTH:
        raise ValidationFailed(
            fields={"session": str(_l("Name the session in at most %(count)d characters.", count=MAX_SESSION_LENGTH))}
        )
    return Session(name, held_on or utcnow().date())


def submit_point(
    actor: User,
    document: Document,
    text: str | None,
    *,
    theme: str | int | None = None,
    anonymous: bool = False,
    language: str | None = None,
    session: str | None = None,
    session_date: date | None = None,
    organisation_id: int | None = None,
) -> KeyPoint:
    """Raise a key point for the actor's organisation, or record one from an engagement session (secretariat)."""
    recording = session is not None or session_date is not None or organisation_id is not None
    if recording and not permissions.can_record_session_point(actor):
        raise Forbidden(_l("Only the secretariat records points raised in an engagement session."))
    if not permissions.can_raise_point(actor):
        raise Forbidden()
    current = _require_open(document)
    text = _clean_text(text)
    language = chosen_language(_check_language(language), text)
    held = _session_of(session, session_date) if recording else None
    organisation = actor.organisation
    if recording:
        if held is None:
            raise ValidationFailed(fields={"session": str(_l("Name the engagement session the point was raised in."))})
        organisation = db.session.get(Organisation, organisation_id) if organisation_id is not None else None
        if organisation is None or not organisation.active:
            raise ValidationFailed(
                fields={"organisation_id": str(_l("Choose the active organisation that raised the point."))}
            )
    point = KeyPoint(
        document_id=document.id,
        round_id=current.id,
        organisation_id=organisation.id,
        author_id=actor.id,
        text=text,
        language=language,
        theme=theme_named(actor, document, theme),
        anonymous=bool(anonymous),
        session_name=held.name if held else None,
        session_date=held.held_on if held else None,
        recorded_by_id=actor.id if held else None,
    )
    db.session.add(point)
    db.session.flush()
    payload: dict[str, Any] = {"document": document.slug, "round_id": current.id, "language": language}
    if held:
        payload |= {"organisation_id": organisation.id, "session": held.name, "session_date": held.held_on}
    audit.record("point.recorded" if held else "point.raised", "key_point", point.id, payload, actor)
    return point


def edit_point(
    actor: User, point: KeyPoint, text: str | None, *, language: str | None = None, theme: str | int | None = None
) -> KeyPoint:
    """Change a point's wording while its consultation is open; the earlier wording is kept."""
    if not permissions.can_edit_point(actor, point):
        raise Forbidden(_l("Only whoever wrote a key point edits it."))
    if not takes_input(point):
        raise Conflict(_l("The consultation is closed; key points can no longer be edited."))
    text = _clean_text(text)
    language = chosen_language(_check_language(language), text)
    if text != point.text or language != point.language:
        db.session.add(KeyPointRevision(point_id=point.id, text=point.text, language=point.language, user_id=actor.id))
        point.text, point.language, point.edited_at = text, language, utcnow()
    if theme is not None:
        point.theme = theme_named(actor, point.document, theme)
    db.session.flush()
    audit.record("point.edited", "key_point", point.id, {"language": language}, actor)
    return point


def revisions_of(point: KeyPoint) -> list[KeyPointRevision]:
    """Return a point's earlier wordings, oldest first."""
    return list(
        db.session.execute(
            select(KeyPointRevision).where(KeyPointRevision.point_id == point.id).order_by(KeyPointRevision.id)
        ).scalars()
    )


# --- Supports -----------------------------------------------------------------------------------


def support_point(actor: User, point: KeyPoint) -> PointSupport:
    """Back another organisation's point, once per organisation, while the consultation is open."""
    if not permissions.can_support_point(actor, point):
        raise Forbidden()
    if not takes_input(point):
        raise Conflict(_l("The consultation is closed; supports can no longer change."))
    if point.organisation_id == actor.organisation_id:
        raise Conflict(_l("Your organisation raised this point; support points of other organisations."))
    support = PointSupport(point_id=point.id, organisation_id=actor.organisation_id, user_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(support)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Your organisation already supports this point.")) from None
    audit.record("point.supported", "key_point", point.id, {"organisation_id": actor.organisation_id}, actor)
    return support


def withdraw_support(actor: User, point: KeyPoint) -> None:
    """Take back the actor's organisation's support while the consultation is open."""
    if not permissions.can_support_point(actor, point):
        raise Forbidden()
    if not takes_input(point):
        raise Conflict(_l("The consultation is closed; supports can no longer change."))
    support = db.session.execute(
        select(PointSupport).where(
            PointSupport.point_id == point.id, PointSupport.organisation_id == actor.organisation_id
        )
    ).scalar_one_or_none()
    if support is None:
        raise Conflict(_l("Your organisation does not support this point."))
    db.session.delete(support)
    db.session.flush()
    audit.record("point.support_withdrawn", "key_point", point.id, {"organisation_id": actor.organisation_id}, actor)


# --- Themes -------------------------------------------------------------------------------------


def _theme_name(document: Document, name: str | None, exclude_id: int | None = None) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_THEME_LENGTH:
        raise ValidationFailed(
            fields={"name": str(_l("Name a theme in at most %(count)d characters.", count=MAX_THEME_LENGTH))}
        )
    taken = db.session.execute(
        select(Theme.id).where(
            Theme.document_id == document.id, func.lower(Theme.name) == name.lower(), Theme.id != (exclude_id or 0)
        )
    ).first()
    if taken is not None:
        raise Conflict(_l("This document already has a theme of that name; merge them instead."))
    return name


def create_theme(actor: User | None, document: Document, name: str | None) -> Theme:
    """Add a theme to a document."""
    theme = Theme(document_id=document.id, name=_theme_name(document, name))
    db.session.add(theme)
    db.session.flush()
    audit.record("theme.created", "point_theme", theme.id, {"document": document.slug, "name": theme.name}, actor)
    return theme


def rename_theme(actor: User, theme: Theme, name: str | None) -> Theme:
    """Rename a theme (secretariat)."""
    if not permissions.can_manage_themes(actor):
        raise Forbidden()
    document = db.session.get(Document, theme.document_id)
    previous, theme.name = theme.name, _theme_name(document, name, exclude_id=theme.id)
    db.session.flush()
    audit.record("theme.renamed", "point_theme", theme.id, {"from": previous, "to": theme.name}, actor)
    return theme


def merge_themes(actor: User, source: Theme, target: Theme) -> Theme:
    """Move every point of one theme into another and remove the first (secretariat)."""
    if not permissions.can_manage_themes(actor):
        raise Forbidden()
    if source.id == target.id or source.document_id != target.document_id:
        raise ValidationFailed(fields={"into": str(_l("Choose another theme of the same document."))})
    moved = db.session.execute(select(KeyPoint).where(KeyPoint.theme_id == source.id)).scalars().all()
    for point in moved:
        point.theme_id = target.id
    db.session.flush()
    audit.record(
        "theme.merged", "point_theme", target.id, {"from": source.id, "name": source.name, "points": len(moved)}, actor
    )
    db.session.delete(source)
    db.session.flush()
    return target


def theme_counts(document: Document) -> dict[int, int]:
    """Count the points under each theme of a document."""
    return dict(
        db.session.execute(
            select(KeyPoint.theme_id, func.count())
            .where(KeyPoint.document_id == document.id, KeyPoint.theme_id.is_not(None))
            .group_by(KeyPoint.theme_id)
        ).all()
    )


def set_point_theme(actor: User, point: KeyPoint, theme: Theme | None) -> KeyPoint:
    """Put a point under a theme, or under none (secretariat)."""
    if not permissions.can_manage_themes(actor):
        raise Forbidden()
    if theme is not None and theme.document_id != point.document_id:
        raise ValidationFailed(fields={"theme": str(_l("Choose a theme of this document."))})
    point.theme_id = theme.id if theme is not None else None
    db.session.flush()
    audit.record("point.themed", "key_point", point.id, {"theme_id": point.theme_id}, actor)
    return point


# --- Translations -------------------------------------------------------------------------------


def put_point_translation(actor: User, point: KeyPoint, language: str, text: str | None) -> PointTranslation:
    """Add or replace a point's translation into another of the four languages (members, secretariat)."""
    if not permissions.can_translate_point(actor, point):
        raise Forbidden()
    if language not in LANGUAGES or language == point.language:
        others = [code for code in LANGUAGES if code != point.language]
        raise ValidationFailed(
            fields={"language": str(_l("Choose one of: %(languages)s.", languages=", ".join(others)))}
        )
    text = _clean_text(text)
    translation = db.session.execute(
        select(PointTranslation).where(PointTranslation.point_id == point.id, PointTranslation.language == language)
    ).scalar_one_or_none()
    if translation is None:
        translation = PointTranslation(point_id=point.id, language=language)
        db.session.add(translation)
    translation.text, translation.source_text = text, point.text
    translation.translated_by_id, translation.updated_at = actor.id, utcnow()
    db.session.flush()
    audit.record("point.translated", "key_point", point.id, {"language": language}, actor)
    return translation


def translations_of(point: KeyPoint) -> dict[str, PointTranslation]:
    """Return a point's translations keyed by language."""
    rows = db.session.execute(select(PointTranslation).where(PointTranslation.point_id == point.id)).scalars()
    return {row.language: row for row in rows}


# --- Describing points to a reader ---------------------------------------------------------------


@dataclass
class PointView:
    """A key point as one reader may see it: who raised it only when they may know."""

    id: int
    text: str
    language: str
    theme_id: int | None
    theme: str | None
    organisation_id: int | None
    organisation: Any
    region: str | None
    category: str | None
    anonymous: bool
    session_name: str | None
    session_date: date | None
    supports: int
    created_at: datetime
    edited_at: datetime | None
    author_id: int
    own: bool = False
    supported: bool = False
    translations: list[str] = field(default_factory=list)
    principle_ids: list[int] = field(default_factory=list)


def _group_sizes() -> anonymity.GroupSizes:
    """Count the anonymity groups once per request (or per call outside one): a page asks in one query."""
    if has_request_context():
        if "point_group_sizes" not in g:
            g.point_group_sizes = anonymity.group_sizes()
        return g.point_group_sizes
    return anonymity.group_sizes()


class _Labeller:
    """Say who raised a point for one reader; a reader who may not see everyone has the groups counted once."""

    def __init__(self, viewer: User | None) -> None:
        self.viewer = viewer
        self.sees_all = permissions.is_secretariat(viewer)
        # Counted whether or not this page holds an anonymous point, so every page takes as many queries.
        self._sizes: anonymity.GroupSizes | None = None if self.sees_all else _group_sizes()

    def who(self, anonymous: bool, organisation_id: int, name: str, region: Any, category: Any):
        """Return (organisation id, display, region, category) as this reader may know them."""
        region_value = getattr(region, "value", region)
        author = author_category(category)
        if not anonymous or self.sees_all:
            return organisation_id, name, region_value, author
        label = anonymity.protective_label(author, region_value, self._sizes)
        display = str(label.display) if has_request_context() else label.display
        return None, display, label.region, label.category


def _point_columns():
    supports = (
        select(func.count(PointSupport.id))
        .where(PointSupport.point_id == KeyPoint.id)
        .correlate(KeyPoint)
        .scalar_subquery()
        .label("supports")
    )
    return supports, (
        KeyPoint,
        Organisation.name,
        Organisation.region,
        Organisation.category,
        Theme.name.label("theme_name"),
        supports,
    )


def _views(rows, viewer: User | None) -> list[PointView]:
    """Turn (point, organisation name, region, category, theme name, supports) rows into views with 3 more queries."""
    labeller = _Labeller(viewer)
    views = []
    for point, name, region, category, theme_name, supports in rows:
        organisation_id, display, shown_region, shown_category = labeller.who(
            point.anonymous, point.organisation_id, name, region, category
        )
        views.append(
            PointView(
                id=point.id,
                text=point.text,
                language=point.language,
                theme_id=point.theme_id,
                theme=theme_name,
                organisation_id=organisation_id,
                organisation=display,
                region=shown_region,
                category=shown_category,
                anonymous=point.anonymous,
                session_name=point.session_name,
                session_date=point.session_date,
                supports=supports or 0,
                created_at=point.created_at,
                edited_at=point.edited_at,
                author_id=point.author_id,
                own=viewer is not None and getattr(viewer, "organisation_id", None) == point.organisation_id,
            )
        )
    ids = [view.id for view in views]
    if not ids:
        return views
    by_id = {view.id: view for view in views}
    for point_id, language in db.session.execute(
        select(PointTranslation.point_id, PointTranslation.language)
        .where(PointTranslation.point_id.in_(ids))
        .order_by(PointTranslation.language)
    ):
        by_id[point_id].translations.append(language)
    for point_id, principle_id in db.session.execute(
        select(PrincipleSource.point_id, PrincipleSource.principle_id)
        .join(Principle, Principle.id == PrincipleSource.principle_id)
        .where(
            PrincipleSource.point_id.in_(ids), PrincipleSource.until_version.is_(None), Principle.number.is_not(None)
        )
        .order_by(Principle.number)
    ):
        by_id[point_id].principle_ids.append(principle_id)
    organisation_id = getattr(viewer, "organisation_id", None)
    if organisation_id is not None:
        for (point_id,) in db.session.execute(
            select(PointSupport.point_id).where(
                PointSupport.point_id.in_(ids), PointSupport.organisation_id == organisation_id
            )
        ):
            by_id[point_id].supported = True
    return views


def _hidden_groups_condition(viewer: User | None):
    """Match anonymous points whose group is too small to be named: a region or category filter must skip them."""
    if permissions.is_secretariat(viewer):
        return None
    sizes = _group_sizes()
    organisation_categories = {
        AuthorCategory.MEMBER.value: [Category.MEMBER],
        AuthorCategory.OBSERVER.value: [Category.ALLY, Category.DONOR],
    }
    small = []
    for author in organisation_categories:
        for region in Region:
            if not anonymity.names_group(author, region.value, sizes):
                small.append(
                    and_(Organisation.region == region, Organisation.category.in_(organisation_categories[author]))
                )
    return and_(KeyPoint.anonymous.is_(True), or_(*small)) if small else None


def unlinked_condition():
    """Match points no live principle currently draws on."""
    return ~exists(
        select(PrincipleSource.id)
        .join(Principle, Principle.id == PrincipleSource.principle_id)
        .where(
            PrincipleSource.point_id == KeyPoint.id,
            PrincipleSource.until_version.is_(None),
            Principle.number.is_not(None),
        )
    )


@dataclass(frozen=True)
class PointFilters:
    """What a reader narrows a list of points by."""

    theme: int | None = None
    region: str | None = None
    category: str | None = None
    language: str | None = None
    min_support: int | None = None
    unlinked: bool = False


def parse_filters(args: dict[str, Any]) -> PointFilters:
    """Read list filters from query arguments; anything unknown is a 422 naming the argument."""
    problems: dict[str, str] = {}

    def number(name: str, minimum: int) -> int | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        if not raw.isdigit() or int(raw) < minimum or len(raw) > 9:
            problems[name] = str(_l("Give a whole number of at least %(minimum)d.", minimum=minimum))
            return None
        return int(raw)

    def choice(name: str, allowed: list[str]) -> str | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        if raw not in allowed:
            problems[name] = str(_l("Choose one of: %(languages)s.", languages=", ".join(allowed)))
            return None
        return raw

    unlinked = (args.get("unlinked") or "false").strip().lower()
    if unlinked not in ("true", "false", "1", "0", "on", ""):
        problems["unlinked"] = str(_l("Give true or false."))
    filters = PointFilters(
        theme=number("theme", 1),
        region=choice("region", [region.value for region in Region]),
        category=choice("category", [author.value for author in AuthorCategory]),
        language=choice("language", list(LANGUAGES)),
        min_support=number("min_support", 0),
        unlinked=unlinked in ("true", "1", "on"),
    )
    if problems:
        raise ValidationFailed(fields=problems)
    return filters


def page_number(raw: Any) -> int:
    """Return a page number from a query argument (1 when missing); anything else is a 422."""
    raw = str(raw or "1").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 10**6:
        raise ValidationFailed(fields={"page": str(_l("Give a whole number of at least %(minimum)d.", minimum=1))})
    return int(raw)


_CATEGORY_OF_AUTHOR = {
    AuthorCategory.MEMBER.value: [Category.MEMBER],
    AuthorCategory.OBSERVER.value: [Category.ALLY, Category.DONOR],
    AuthorCategory.SECRETARIAT.value: [Category.SECRETARIAT],
}


def list_points(
    document: Document,
    viewer: User | None,
    filters: PointFilters = PointFilters(),
    page: int = 1,
    per_page: int = POINTS_PER_PAGE,
    by_region: bool = False,
) -> tuple[list[PointView], Page]:
    """Return one page of a document's points, most supported first (by region first if asked), and the page."""
    supports, columns = _point_columns()
    conditions = [KeyPoint.document_id == document.id]
    if filters.theme is not None:
        conditions.append(KeyPoint.theme_id == filters.theme)
    if filters.region is not None:
        conditions.append(Organisation.region == filters.region)
    if filters.category is not None:
        conditions.append(Organisation.category.in_(_CATEGORY_OF_AUTHOR[filters.category]))
    if filters.language is not None:
        conditions.append(KeyPoint.language == filters.language)
    if filters.min_support:
        conditions.append(supports >= filters.min_support)
    if filters.unlinked:
        conditions.append(unlinked_condition())
    if filters.region is not None or filters.category is not None:
        hidden = _hidden_groups_condition(viewer)
        if hidden is not None:
            conditions.append(~hidden)
    base = (
        select(*columns)
        .join(Organisation, Organisation.id == KeyPoint.organisation_id)
        .outerjoin(Theme, Theme.id == KeyPoint.theme_id)
    )
    total = db.session.scalar(
        select(func.count())
        .select_from(KeyPoint)
        .join(Organisation, Organisation.id == KeyPoint.organisation_id)
        .where(*conditions)
    )
    shown = Page(page, per_page, total or 0)
    order = [supports.desc(), KeyPoint.id]
    if by_region:
        order = [Organisation.region, *order]
        hidden = _hidden_groups_condition(viewer)
        if hidden is not None:
            # Points whose region may not be named come last, together, never among their region's.
            order = [case((hidden, 1), else_=0), *order]
    rows = db.session.execute(base.where(*conditions).order_by(*order).offset(shown.offset).limit(per_page)).all()
    return _views(rows, viewer), shown


def point_view(point: KeyPoint, viewer: User | None) -> PointView:
    """Describe one point to a reader."""
    _supports, columns = _point_columns()
    row = db.session.execute(
        select(*columns)
        .join(Organisation, Organisation.id == KeyPoint.organisation_id)
        .outerjoin(Theme, Theme.id == KeyPoint.theme_id)
        .where(KeyPoint.id == point.id)
    ).one()
    return _views([row], viewer)[0]


def unlinked_counts_by_region(document: Document, viewer: User | None) -> dict[str | None, int]:
    """Count the points no principle draws on, by the region each reader may know (None: not said)."""
    counts: dict[str | None, int] = defaultdict(int)
    labeller = _Labeller(viewer)
    rows = db.session.execute(
        select(KeyPoint.anonymous, Organisation.region, Organisation.category, func.count())
        .join(Organisation, Organisation.id == KeyPoint.organisation_id)
        .where(KeyPoint.document_id == document.id, unlinked_condition())
        .group_by(KeyPoint.anonymous, Organisation.region, Organisation.category)
    )
    for anonymous, region, category, count in rows:
        _id, _display, shown_region, _category = labeller.who(anonymous, 0, "", region, category)
        counts[shown_region] += count
    return dict(counts)


# --- Principles and the points behind them ------------------------------------------------------


def set_sources(actor: User, principle: Principle, point_ids: list[int]) -> list[PrincipleSource]:
    """Say which points a principle draws on, from the document's current version on (secretariat)."""
    if not permissions.can_link_sources(actor):
        raise Forbidden()
    if principle.is_deleted:
        raise Conflict(_l("This principle was deleted; its sources can no longer change."))
    wanted = set(point_ids)
    if wanted:
        found = dict(db.session.execute(select(KeyPoint.id, KeyPoint.document_id).where(KeyPoint.id.in_(wanted))).all())
        foreign = sorted(pid for pid in wanted if found.get(pid) != principle.document_id)
        if foreign:
            raise ValidationFailed(
                fields={
                    "point_ids": str(
                        _l(
                            "These are not key points of this document: %(ids)s.",
                            ids=", ".join(str(pid) for pid in foreign),
                        )
                    )
                }
            )
    version = _effective_version(principle.document)
    current = (
        db.session.execute(
            select(PrincipleSource).where(
                PrincipleSource.principle_id == principle.id, PrincipleSource.until_version.is_(None)
            )
        )
        .scalars()
        .all()
    )
    held = {link.point_id for link in current}
    for link in current:
        if link.point_id in wanted:
            continue
        if link.from_version == version:
            db.session.delete(link)  # never held in any other version: nothing to keep
        else:
            link.until_version = version
    db.session.flush()
    for point_id in sorted(wanted - held):
        db.session.add(
            PrincipleSource(principle_id=principle.id, point_id=point_id, from_version=version, linked_by_id=actor.id)
        )
    db.session.flush()
    audit.record(
        "principle.sources_set",
        "principle",
        principle.id,
        {
            "version": version,
            "point_ids": sorted(wanted),
            "added": sorted(wanted - held),
            "removed": sorted(held - wanted),
        },
        actor,
    )
    return sources_rows(principle)


def _effective_version(document: Document) -> int:
    """Return the first version an edit of sources made now applies to.

    The current version, unless it is published: a publication never changes, so the edit then
    applies from the next version on (and to the working draft).
    """
    version = document.current_version
    published = db.session.execute(
        select(Publication.id).where(Publication.document_id == document.id, Publication.version_number == version)
    ).first()
    return version + 1 if published is not None else version


def sources_of_version(document_id: int, version_number: int, viewer: User | None) -> dict[int, list[PointView]]:
    """Return the points each principle of a version drew on, keyed by the principle's number in that version."""
    version = db.session.execute(
        select(Version).where(Version.document_id == document_id, Version.number == version_number)
    ).scalar_one_or_none()
    if version is None:
        return {}
    numbers = {entry["id"]: entry["number"] for entry in version.snapshot.get("principles", [])}
    by_id = sources_by_principle(list(numbers), viewer, version_number)
    return {numbers[principle_id]: views for principle_id, views in by_id.items()}


def sources_rows(principle: Principle) -> list[PrincipleSource]:
    """Return the principle's current links to points."""
    return list(
        db.session.execute(
            select(PrincipleSource)
            .where(PrincipleSource.principle_id == principle.id, PrincipleSource.until_version.is_(None))
            .order_by(PrincipleSource.point_id)
        ).scalars()
    )


def _version_condition(version: int | None):
    if version is None:
        return PrincipleSource.until_version.is_(None)
    return and_(
        PrincipleSource.from_version <= version,
        or_(PrincipleSource.until_version.is_(None), PrincipleSource.until_version > version),
    )


def sources_by_principle(
    principle_ids: list[int], viewer: User | None, version: int | None = None
) -> dict[int, list[PointView]]:
    """Return the points each principle draws on (now, or in a version), as this reader may see them."""
    if not principle_ids:
        return {}
    _supports, columns = _point_columns()
    rows = db.session.execute(
        select(PrincipleSource.principle_id, *columns)
        .join(KeyPoint, KeyPoint.id == PrincipleSource.point_id)
        .join(Organisation, Organisation.id == KeyPoint.organisation_id)
        .outerjoin(Theme, Theme.id == KeyPoint.theme_id)
        .where(PrincipleSource.principle_id.in_(principle_ids), _version_condition(version))
        .order_by(PrincipleSource.principle_id, KeyPoint.id)
    ).all()
    views = _views([row[1:] for row in rows], viewer)
    grouped: dict[int, list[PointView]] = defaultdict(list)
    for row, view in zip(rows, views):
        grouped[row[0]].append(view)
    return dict(grouped)


def regions_of(views: list[PointView]) -> list[str]:
    """Return the regions a list of points may be said to come from, each once, in order."""
    return sorted({view.region for view in views if view.region})


# --- Counts for voices (SPEC §14) ---------------------------------------------------------------


@dataclass
class PointCounts:
    """What one organisation did in a document's consultations."""

    raised: int = 0
    supported: int = 0
    taken_up: int = 0


def point_counts_by_organisation(document: Document) -> dict[int, PointCounts]:
    """Count, per organisation, the points it raised, the points it supported and its points taken up, in 3 queries.

    Anonymous points count for their organisation here: callers that show organisations must
    fold those into their region, as voices does for anonymous comments.
    """
    counts: dict[int, PointCounts] = defaultdict(PointCounts)
    for organisation_id, count in db.session.execute(
        select(KeyPoint.organisation_id, func.count())
        .where(KeyPoint.document_id == document.id)
        .group_by(KeyPoint.organisation_id)
    ):
        counts[organisation_id].raised = count
    for organisation_id, count in db.session.execute(
        select(PointSupport.organisation_id, func.count())
        .join(KeyPoint, KeyPoint.id == PointSupport.point_id)
        .where(KeyPoint.document_id == document.id)
        .group_by(PointSupport.organisation_id)
    ):
        counts[organisation_id].supported = count
    for organisation_id, count in db.session.execute(
        select(KeyPoint.organisation_id, func.count())
        .where(KeyPoint.document_id == document.id, ~unlinked_condition())
        .group_by(KeyPoint.organisation_id)
    ):
        counts[organisation_id].taken_up = count
    return dict(counts)
