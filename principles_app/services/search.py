"""Search over principles, publications, amendments, comments, key points and translations.

One service over two backends: PostgreSQL full text (a ``tsvector`` of the ``simple`` configuration
with ``unaccent``, GIN-indexed) and SQLite FTS5 (``unicode61`` without diacritics). Neither stems,
so English, Spanish, French and Arabic words match alike, accents or not.

The index is kept current in the same transaction as each change: after every flush, the rows of
``search_entry`` for the principles, publications, amendments, comments, key points and
translations the flush wrote are rewritten (``index_flushed``). What a reader may not see is never
written: a hidden or deleted comment has no entry, an anonymous comment's author is left out, and
only publications are public.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import delete, event, func, insert, inspect, select, text, update
from sqlalchemy.orm import Session

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import (
    Amendment,
    Comment,
    Document,
    KeyPoint,
    PointTranslation,
    Principle,
    PrincipleTranslation,
    Publication,
    SearchEntry,
    User,
)
from principles_app.models.search import FTS_TABLE, TEXT_SEARCH_CONFIG, TSV_COLUMN
from principles_app.services.errors import ValidationFailed

# What a reader may filter by; translations cover both principles' and key points' translations.
KINDS = ("principle", "publication", "amendment", "comment", "point", "translation")
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
PER_PAGE = 20
MAX_PER_PAGE = 50
SNIPPET_WORDS = 30
PRINCIPLES_LANGUAGE = "en"

_WORD = re.compile(r"\w+", re.UNICODE)


# ---------------------------------------------------------------------------------------------
# Normalising words: the same folding the database applies (lower case, no accents or diacritics).


def fold(word: str) -> str:
    """Lower-case a text and strip its accents and diacritics (Arabic vowel marks and hamza seats included)."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def query_terms(q: str) -> list[str]:
    """Split a query into folded words, in order, without repeats."""
    terms: list[str] = []
    for word in _WORD.findall(fold(q)):
        word = word.replace("_", "")
        if word and word not in terms:
            terms.append(word)
    return terms


# ---------------------------------------------------------------------------------------------
# Keeping the index current


@dataclass
class Entry:
    """What the index holds for one searchable row."""

    kind: str
    ref_id: int
    document_id: int
    title: str = ""
    body: str = ""
    author: str = ""
    language: str | None = None
    public: bool = False
    parent_type: str | None = None
    parent_id: int | None = None


def _scalar(connection, statement):
    return connection.execute(statement).scalar_one_or_none()


def _principle_entry(connection, principle: Principle) -> Entry | None:
    if principle.number is None or principle.deleted_at is not None:
        return None
    return Entry(
        "principle", principle.id, principle.document_id, principle.title, principle.text, language=PRINCIPLES_LANGUAGE
    )


def _publication_entry(connection, publication: Publication) -> Entry:
    record = publication.record or {}
    parts = [record.get("preamble") or ""]
    for principle in record.get("principles", []):
        parts += [principle.get("title", ""), principle.get("text", "")]
    title = f"{record.get('title', '')} {publication.label}".strip()
    return Entry(
        "publication",
        publication.id,
        publication.document_id,
        title,
        "\n\n".join(part for part in parts if part),
        language=PRINCIPLES_LANGUAGE,
        public=True,
    )


def _amendment_entry(connection, amendment: Amendment) -> Entry:
    title = amendment.proposed_title or amendment.base_title or str(_l("Amendment %(n)d", n=amendment.id))
    body = "\n\n".join(part for part in (amendment.rationale, amendment.proposed_text) if part)
    return Entry("amendment", amendment.id, amendment.document_id, title, body, language=PRINCIPLES_LANGUAGE)


def _comment_entry(connection, comment: Comment) -> Entry | None:
    if comment.deleted_at is not None or comment.hidden_at is not None:
        return None
    target_type = getattr(comment.target_type, "value", comment.target_type)
    model = Principle if target_type == "principle" else Amendment
    document_id = _scalar(connection, select(model.document_id).where(model.id == comment.target_id))
    if document_id is None:
        return None
    author = ""
    if not comment.anonymous:
        author = _scalar(connection, select(User.name).where(User.id == comment.author_id)) or ""
    return Entry(
        "comment",
        comment.id,
        document_id,
        body=comment.body,
        author=author,
        parent_type=target_type,
        parent_id=comment.target_id,
    )


def _point_entry(connection, point: KeyPoint) -> Entry:
    return Entry("point", point.id, point.document_id, body=point.text, language=point.language)


def _principle_translation_entry(connection, translation: PrincipleTranslation) -> Entry | None:
    document_id = _scalar(
        connection,
        select(Principle.document_id).where(Principle.id == translation.principle_id, Principle.number.is_not(None)),
    )
    if document_id is None:  # a deleted principle's translations go with it
        return None
    return Entry(
        "translation",
        translation.id,
        document_id,
        translation.title,
        translation.text,
        language=translation.language,
        parent_type="principle",
        parent_id=translation.principle_id,
    )


def _point_translation_entry(connection, translation: PointTranslation) -> Entry | None:
    document_id = _scalar(connection, select(KeyPoint.document_id).where(KeyPoint.id == translation.point_id))
    if document_id is None:
        return None
    return Entry(
        "translation",
        translation.id,
        document_id,
        body=translation.text,
        language=translation.language,
        parent_type="point",
        parent_id=translation.point_id,
    )


# Each indexed model, the source name its entries carry (ids are unique per source) and its builder.
SOURCES: dict[type, tuple[str, Any]] = {
    Principle: ("principle", _principle_entry),
    Publication: ("publication", _publication_entry),
    Amendment: ("amendment", _amendment_entry),
    Comment: ("comment", _comment_entry),
    KeyPoint: ("point", _point_entry),
    PrincipleTranslation: ("principle_translation", _principle_translation_entry),
    PointTranslation: ("point_translation", _point_translation_entry),
}
_SOURCE_OF_KIND_PARENT = {
    ("translation", "principle"): "principle_translation",
    ("translation", "point"): "point_translation",
}


def _source_of(entry: Entry) -> str:
    return _SOURCE_OF_KIND_PARENT.get((entry.kind, entry.parent_type), entry.kind)


def _remove(connection, source: str, ref_id: int) -> None:
    entry_id = _scalar(
        connection, select(SearchEntry.id).where(SearchEntry.kind == source, SearchEntry.ref_id == ref_id)
    )
    if entry_id is None:
        return
    connection.execute(delete(SearchEntry).where(SearchEntry.id == entry_id))
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": entry_id})


def _write(connection, entry: Entry) -> None:
    # ``kind`` in the table is the source (unique with the id); the reader's kind is derived from it.
    source = _source_of(entry)
    values = {
        "document_id": entry.document_id,
        "parent_type": entry.parent_type,
        "parent_id": entry.parent_id,
        "language": entry.language,
        "public": entry.public,
        "title": entry.title or "",
        "body": entry.body or "",
        "author": entry.author or "",
        "updated_at": utcnow(),
    }
    entry_id = _scalar(
        connection, select(SearchEntry.id).where(SearchEntry.kind == source, SearchEntry.ref_id == entry.ref_id)
    )
    if entry_id is None:
        entry_id = connection.execute(
            insert(SearchEntry).values(kind=source, ref_id=entry.ref_id, **values).returning(SearchEntry.id)
        ).scalar_one()
    else:
        connection.execute(update(SearchEntry).where(SearchEntry.id == entry_id).values(**values))
    # The full-text side holds folded words, so that the query (folded alike) matches in every language.
    folded = {
        "id": entry_id,
        "title": fold(values["title"]),
        "body": fold(values["body"]),
        "author": fold(values["author"]),
    }
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": entry_id})
        connection.execute(
            text(f"INSERT INTO {FTS_TABLE} (rowid, title, body, author) VALUES (:id, :title, :body, :author)"), folded
        )
    else:
        config = f"'{TEXT_SEARCH_CONFIG}'::regconfig"
        connection.execute(
            text(
                f"UPDATE search_entry SET {TSV_COLUMN} = setweight(to_tsvector({config}, :title), 'A') || "
                f"setweight(to_tsvector({config}, :body), 'B') || setweight(to_tsvector({config}, :author), 'C') "
                "WHERE id = :id"
            ),
            folded,
        )


def index_object(connection, obj) -> None:
    """Write (or remove) the entry of one principle, publication, amendment, comment, point or translation."""
    source, build = SOURCES[type(obj)]
    entry = build(connection, obj)
    if entry is None:
        _remove(connection, source, obj.id)
    else:
        _write(connection, entry)
    if isinstance(obj, Principle) and entry is None:
        translations = connection.execute(
            select(PrincipleTranslation.id).where(PrincipleTranslation.principle_id == obj.id)
        ).scalars()
        for translation_id in list(translations):
            _remove(connection, "principle_translation", translation_id)


def _renamed(session: Session) -> list[int]:
    """The users whose name this flush changed."""
    renamed = []
    for obj in session.dirty:
        if isinstance(obj, User) and inspect(obj).attrs.name.history.has_changes():
            renamed.append(obj.id)
    return renamed


def _reindex_named_comments(connection, user_ids: list[int]) -> None:
    """Rewrite the entries of the named (never the anonymous) comments of renamed users."""
    rows = connection.execute(
        select(Comment.__table__).where(Comment.author_id.in_(user_ids), Comment.anonymous.is_(False))
    ).all()
    for row in rows:
        entry = _comment_entry(connection, row)
        if entry is None:
            _remove(connection, "comment", row.id)
        else:
            _write(connection, entry)


def index_flushed(session: Session, flush_context) -> None:
    """After each flush, bring the entries of the rows it wrote up to date, on the flush's connection."""
    changed = [obj for obj in session.new if type(obj) in SOURCES]
    changed += [obj for obj in session.dirty if type(obj) in SOURCES and session.is_modified(obj)]
    gone = [obj for obj in session.deleted if type(obj) in SOURCES]
    renamed = _renamed(session)
    if not changed and not gone and not renamed:
        return
    connection = session.connection()
    if renamed:
        _reindex_named_comments(connection, renamed)
    for obj in changed:
        if obj.id is not None:
            index_object(connection, obj)
    for obj in gone:
        _remove(connection, SOURCES[type(obj)][0], obj.id)


def start_indexing() -> None:
    """Keep the index current from every session (done once, when the app is built)."""
    if not event.contains(Session, "after_flush", index_flushed):
        event.listen(Session, "after_flush", index_flushed)


def reindex() -> int:
    """Rebuild the whole index from the tables; return the number of entries written."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DELETE FROM {FTS_TABLE}"))
    connection.execute(delete(SearchEntry))
    for model in SOURCES:
        for obj in db.session.execute(select(model).execution_options(yield_per=500)).scalars():
            index_object(connection, obj)
    return connection.execute(select(func.count()).select_from(SearchEntry)).scalar_one()


# ---------------------------------------------------------------------------------------------
# Searching


@dataclass
class Hit:
    """One result as the reader may see it."""

    kind: str
    id: int
    document: str
    document_title: str
    title: Markup
    snippet: Markup
    author: str | None
    language: str | None
    parent_type: str | None
    parent_id: int | None
    score: float
    label: str | None = None  # a publication's label


@dataclass
class Results:
    """One page of results."""

    q: str
    hits: list[Hit]
    page: int
    pages: int
    per_page: int
    total: int
    kinds: list[str]
    document: str | None


_KIND_OF_SOURCE = {"principle_translation": "translation", "point_translation": "translation"}
_SOURCES_OF_KIND = {
    "principle": ["principle"],
    "publication": ["publication"],
    "amendment": ["amendment"],
    "comment": ["comment"],
    "point": ["point"],
    "translation": ["principle_translation", "point_translation"],
}


def _whole_number(raw: str | None, name: str, default: int, maximum: int) -> int:
    raw = (raw or "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= maximum:
        raise ValidationFailed(fields={name: _l("Give a whole number from 1 to %(maximum)d.", maximum=maximum)})
    return int(raw)


@dataclass
class Query:
    """A checked search request."""

    q: str
    terms: list[str]
    kinds: list[str]
    document: Document | None
    page: int
    per_page: int


def documents_for(reader) -> list[tuple[str, str]]:
    """The (slug, title) of the documents a reader may narrow a search to: published ones only for the public."""
    query = select(Document.slug, Document.title).order_by(Document.title, Document.slug)
    if not permissions.can_search_members_texts(reader):
        query = query.where(select(Publication.id).where(Publication.document_id == Document.id).exists())
    return [(row.slug, row.title) for row in db.session.execute(query)]


def parse(args, reader=None) -> Query:
    """Check the query string's q, kind, document, page and per_page; raise ValidationFailed (422).

    A signed-out reader names only published documents: a draft's address is not theirs to learn.
    """
    fields: dict[str, str] = {}
    q = (args.get("q") or "").strip()
    terms = query_terms(q)
    if not q:
        fields["q"] = str(_l("Type what to search for."))
    elif len(q) > MAX_QUERY_LENGTH:
        fields["q"] = str(_l("Search for at most %(n)d characters.", n=MAX_QUERY_LENGTH))
    elif not terms:
        fields["q"] = str(_l("Search for at least one word."))
    elif len(terms) > MAX_TERMS:
        fields["q"] = str(_l("Search for at most %(n)d words.", n=MAX_TERMS))
    kinds: list[str] = []
    for value in args.getlist("kind"):
        for kind in (part.strip() for part in value.split(",")):
            if not kind:
                continue
            if kind not in KINDS:
                fields["kind"] = str(_l("Choose among: %(kinds)s.", kinds=", ".join(KINDS)))
            elif kind not in kinds:
                kinds.append(kind)
    document = None
    slug = (args.get("document") or "").strip()
    if slug:
        document = db.session.execute(select(Document).where(Document.slug == slug[:100])).scalar_one_or_none()
        if document is not None and not permissions.can_search_members_texts(reader):
            published = select(Publication.id).where(Publication.document_id == document.id).limit(1)
            document = document if db.session.execute(published).first() is not None else None
        if document is None or len(slug) > 100:
            fields["document"] = str(_l("There is no document with this address."))
    page = per_page = 1
    try:
        page = _whole_number(args.get("page"), "page", 1, 10_000)
    except ValidationFailed as refusal:
        fields.update(refusal.fields)
    try:
        per_page = _whole_number(args.get("per_page"), "per_page", PER_PAGE, MAX_PER_PAGE)
    except ValidationFailed as refusal:
        fields.update(refusal.fields)
    if fields:
        raise ValidationFailed(fields={name: str(message) for name, message in fields.items()})
    return Query(q, terms, kinds, document, page, per_page)


def _filters(query: Query, reader) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    if not permissions.can_search_members_texts(reader):
        clauses.append("e.public = :public")
        params["public"] = True
    if query.kinds:
        sources = [source for kind in query.kinds for source in _SOURCES_OF_KIND[kind]]
        names = []
        for number, source in enumerate(sources):
            names.append(f":source{number}")
            params[f"source{number}"] = source
        clauses.append(f"e.kind IN ({', '.join(names)})")
    if query.document is not None:
        clauses.append("e.document_id = :document_id")
        params["document_id"] = query.document.id
    return "".join(f" AND {clause}" for clause in clauses), params


def _matches(query: Query, reader) -> tuple[list[tuple[int, float]], int]:
    """Return the page's (entry id, score) best first, and how many entries match in all."""
    connection = db.session.connection()
    where, params = _filters(query, reader)
    params.update(limit=query.per_page, offset=(query.page - 1) * query.per_page)
    if connection.dialect.name == "postgresql":
        # Words only (\w+), so nothing in them is a tsquery operator; ":*" matches word beginnings.
        params["q"] = " & ".join(f"{term}:*" for term in query.terms)
        source = (
            f"FROM search_entry e, to_tsquery('{TEXT_SEARCH_CONFIG}', :q) query WHERE e.{TSV_COLUMN} @@ query{where}"
        )
        score = f"ts_rank(e.{TSV_COLUMN}, query)"
        order = "score DESC, e.id DESC"
    else:
        params["q"] = " ".join(f'"{term}"*' for term in query.terms)
        source = f"FROM {FTS_TABLE} JOIN search_entry e ON e.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH :q{where}"
        score = f"-bm25({FTS_TABLE}, 10.0, 1.0, 1.0)"
        order = "score DESC, e.id DESC"
    # On PostgreSQL one pass gives the page and the number of matches (the window is counted before
    # LIMIT); FTS5's bm25() cannot run beside a window function, so SQLite counts on its own.
    window = ", count(*) OVER () AS total" if connection.dialect.name == "postgresql" else ""
    rows = connection.execute(
        text(f"SELECT e.id, {score} AS score{window} {source} ORDER BY {order} LIMIT :limit OFFSET :offset"), params
    ).all()
    if rows and window:
        total = rows[0][2]
    elif not rows and query.page == 1:
        total = 0
    else:
        total = connection.execute(text(f"SELECT count(*) {source}"), params).scalar_one()
    return [(row[0], float(row[1])) for row in rows], total


def highlight(text_: str, terms: list[str], words: int | None = SNIPPET_WORDS) -> Markup:
    """Escape a text and mark the words beginning with a search term; cut it to a window around the first."""
    pieces = re.split(r"(\w+)", text_ or "")
    marked = [index for index in range(1, len(pieces), 2) if any(fold(pieces[index]).startswith(t) for t in terms)]
    start, end, before, after = 0, len(pieces), "", ""
    if words is not None and len(pieces) // 2 > words:
        first = marked[0] if marked else 1
        start = max(0, first - words)  # about words/2 words before the first match (two pieces a word)
        start -= start % 2
        end = min(len(pieces), start + 2 * words)
        before = "… " if start > 0 else ""
        after = " …" if end < len(pieces) else ""
    out = [escape(before)]
    for index in range(start, end):
        piece = escape(pieces[index])
        out.append(Markup("<mark>%s</mark>") % piece if index in marked else piece)
    out.append(escape(after))
    return Markup("").join(out)


def search(query: Query, reader) -> Results:
    """Return one page of what the reader may see matching the query, best first, with highlighted snippets."""
    ranked, total = _matches(query, reader)
    entries = {}
    if ranked:
        rows = db.session.execute(
            select(SearchEntry, Document.slug, Document.title)
            .join(Document, Document.id == SearchEntry.document_id)
            .where(SearchEntry.id.in_([entry_id for entry_id, _score in ranked]))
        ).all()
        entries = {row[0].id: row for row in rows}
    hits = []
    for entry_id, score in ranked:
        if entry_id not in entries:
            continue
        entry, slug, document_title = entries[entry_id]
        hits.append(
            Hit(
                kind=_KIND_OF_SOURCE.get(entry.kind, entry.kind),
                id=entry.ref_id,
                document=slug,
                document_title=document_title,
                title=highlight(entry.title, query.terms, None),
                snippet=highlight(entry.body, query.terms),
                author=entry.author or None,
                language=entry.language,
                parent_type=entry.parent_type,
                parent_id=entry.parent_id,
                score=round(score, 6),
            )
        )
    publications = [hit.id for hit in hits if hit.kind == "publication"]
    if publications:
        labels = dict(
            db.session.execute(select(Publication.id, Publication.label).where(Publication.id.in_(publications))).all()
        )
        for hit in hits:
            if hit.kind == "publication":
                hit.label = labels.get(hit.id)
    pages = max(1, math.ceil(total / query.per_page))
    return Results(
        query.q,
        hits,
        query.page,
        pages,
        query.per_page,
        total,
        query.kinds,
        query.document.slug if query.document is not None else None,
    )
