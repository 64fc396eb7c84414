"""Search: ranking, what each reader may see, anonymity, four languages, the index kept current (SPEC §15)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from principles_app.extensions import db
from principles_app.models import SearchEntry
from principles_app.services import comments as comment_service
from principles_app.services import search
from principles_app.services import translations as translation_service
from principles_app.services.errors import ValidationFailed
from tests.factories import (
    ARABIC,
    ARABIC_TITLE,
    adopted_document,
    draft_in_round,
    make_organisation,
    make_user,
    principle,
    propose,
    publish,
)


def find(q: str, reader=None, **filters):
    """Search as the reader; return (kind, id) of every result, best first."""
    args = MultiDict({"q": q, **filters})
    results = search.search(search.parse(args, reader), reader)
    return [(hit.kind, hit.id) for hit in results.hits]


def comment(author, target, body: str, anonymous: bool = False, target_type: str = "principle"):
    posted = comment_service.post_comment(
        author, target_type=target_type, target_id=target.id, body=body, anonymous=anonymous
    )
    db.session.commit()
    return posted


@pytest.fixture
def member():
    return make_user("member")


def test_principles_amendments_and_comments_are_found_and_ranked(member):
    document = draft_in_round()
    listen = principle(document, 1)
    amendment = propose(member, document, 1, text="Partners listen with patience.", rationale="Patience builds trust.")
    note = comment(member, listen, "Patience matters, and patience again, patience above all.")
    found = find("patience", member)
    assert set(found) == {("amendment", amendment.id), ("comment", note.id)}
    # A word in a title weighs more than a word in the body of a long comment.
    share = principle(document, 2)
    other = comment(member, listen, "We spoke about many things today, and one of them was credit for the work.")
    assert find("credit", member) == [("principle", share.id), ("comment", other.id)]
    assert ("principle", listen.id) in find("LISTEN", member)


def test_words_are_highlighted_and_the_text_escaped(member):
    document = draft_in_round()
    comment(member, principle(document, 1), "<script>alert(1)</script> a safety <b>plan</b> for everyone")
    results = search.search(search.parse(MultiDict({"q": "safety plan"})), member)
    snippet = str(results.hits[0].snippet)
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert "<mark>safety</mark>" in snippet and "<mark>plan</mark>" in snippet
    assert "<b>" not in snippet


def test_the_public_finds_publications_only(member):
    scenario = adopted_document()
    publication = publish(scenario)
    comment(member, principle(scenario.document, 1), "Text of principle discussed in the thread")
    public = find("principle", None)
    assert public == [("publication", publication.id)]
    assert ("publication", publication.id) in find("principle", member)
    assert {kind for kind, _id in find("principle", member)} >= {"principle", "comment", "publication"}
    # Asking for comments signed out finds nothing, rather than an error.
    assert find("thread", None, kind="comment") == []


def test_hidden_and_deleted_comments_are_not_found_until_restored(member):
    document = draft_in_round()
    note = comment(member, principle(document, 1), "Harassment of journalists must be reported")
    staff = make_user("secretariat")
    comment_service.hide_comment(staff, note, "Off topic", "off_topic")
    db.session.commit()
    assert find("harassment", member) == []
    assert find("harassment", staff) == []  # the secretariat reads hidden bodies in the thread, never in search
    comment_service.restore_comment(staff, note)
    db.session.commit()
    assert find("harassment", member) == [("comment", note.id)]
    comment_service.delete_comment(member, note)
    db.session.commit()
    assert find("harassment", member) == []


def test_an_anonymous_author_is_never_found_by_name(member):
    document = draft_in_round()
    author = make_user("member", region="mena")
    author.name = "Zaynab Qasimi"
    db.session.commit()
    comment(author, principle(document, 1), "We must protect sources", anonymous=True)
    staff = make_user("secretariat")
    assert find("Zaynab", member) == [] and find("Qasimi", staff) == []
    results = search.search(search.parse(MultiDict({"q": "protect sources"})), staff)
    assert results.hits[0].author is None
    named = comment(author, principle(document, 2), "Credit the reporters")
    assert find("Zaynab", member) == [("comment", named.id)]


def test_accents_do_not_matter_in_spanish_and_french(member):
    document = draft_in_round()
    listen = principle(document, 1)
    spanish = translation_service.put_translation(
        member, listen, "es", "Resúmen de la escucha", "Los socios se escuchan antes de decidir."
    )
    french = translation_service.put_translation(
        member, principle(document, 2), "fr", "Partager le mérite", "Chaque organisation est créditée."
    )
    db.session.commit()
    assert find("resumen", member) == [("translation", spanish.id)]
    assert find("RESÚMEN", member) == [("translation", spanish.id)]
    assert find("merite", member) == [("translation", french.id)]
    assert find("créditée", member) == find("creditee", member) == [("translation", french.id)]


def test_arabic_words_match(member):
    document = draft_in_round()
    arabic = translation_service.put_translation(member, principle(document, 1), "ar", ARABIC_TITLE, ARABIC)
    db.session.commit()
    assert find("الشركاء", member) == [("translation", arabic.id)]
    assert find("الإصغاء", member) == [("translation", arabic.id)]
    results = search.search(search.parse(MultiDict({"q": "الشركاء"})), member)
    assert "<mark>الشركاء</mark>" in str(results.hits[0].snippet)
    assert results.hits[0].language == "ar"


def test_filters_by_kind_and_document(member):
    first = draft_in_round()
    amendment = propose(member, first, 1, text="Partners listen with care.", rationale="Care matters.")
    note = comment(member, principle(first, 1), "Care for each other.")
    assert find("care", member, kind="comment") == [("comment", note.id)]
    assert set(find("care", member, kind="comment,amendment")) == {("comment", note.id), ("amendment", amendment.id)}
    assert find("care", member, document="charter", kind="amendment") == [("amendment", amendment.id)]


def test_results_are_paginated(member):
    document = draft_in_round()
    for n in range(5):
        comment(member, principle(document, 1), f"Solidarity note {n}")
    args = MultiDict({"q": "solidarity", "per_page": "2", "page": "3"})
    results = search.search(search.parse(args), member)
    assert (results.total, results.pages, results.page, len(results.hits)) == (5, 3, 3, 1)


@pytest.mark.parametrize(
    "args, field",
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "!!! ??"}, "q"),
        ({"q": " ".join(f"w{n}" for n in range(13))}, "q"),
        ({"q": "care", "kind": "ballot"}, "kind"),
        ({"q": "care", "document": "nowhere"}, "document"),
        ({"q": "care", "page": "0"}, "page"),
        ({"q": "care", "page": "two"}, "page"),
        ({"q": "care", "per_page": "51"}, "per_page"),
    ],
)
def test_bad_requests_are_refused_with_the_field(args, field):
    with pytest.raises(ValidationFailed) as refusal:
        search.parse(MultiDict(args))
    assert field in refusal.value.fields


def test_query_syntax_is_only_words(member):
    document = draft_in_round()
    note = comment(member, principle(document, 1), "Trust and safety")
    for q in ('"trust', "trust*", "trust & | ! :*", "(trust", "-trust", "trust^", "{trust}"):
        assert ("comment", note.id) in find(q, member), q


def test_reindex_rebuilds_what_the_changes_wrote(member):
    document = draft_in_round()
    comment(member, principle(document, 1), "Rebuilt index")
    before = find("rebuilt", member)
    written = search.reindex()
    db.session.commit()
    assert written == db.session.execute(select(func.count()).select_from(SearchEntry)).scalar_one() > 0
    assert find("rebuilt", member) == before != []


def test_a_merge_reindexes_the_principle(member):
    document = draft_in_round()
    staff = make_user("secretariat")
    make_organisation()
    amendment = propose(member, document, 1, text="Partners consult widely before they decide.")
    from principles_app.services import amendments as amendment_service

    amendment_service.merge_amendment(staff, amendment)
    db.session.commit()
    assert ("principle", principle(document, 1).id) in find("widely", member)


def test_the_reindex_command_rebuilds_an_emptied_index(app, member):
    document = draft_in_round()
    note = comment(member, principle(document, 1), "Command line rebuild")
    db.session.execute(delete(SearchEntry))
    db.session.commit()
    assert find("rebuild", member) == []
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and result.output.startswith("Indexed ")
    assert find("rebuild", member) == [("comment", note.id)]


def test_a_renamed_author_is_found_by_the_new_name_only(member):
    document = draft_in_round()
    named = comment(member, principle(document, 1), "Named voice")
    comment(member, principle(document, 2), "Quiet voice", anonymous=True)
    member.name = "Amaru Quispe"
    db.session.commit()
    assert find("Quispe", member) == [("comment", named.id)]
    assert find("Amaru voice", member) == [("comment", named.id)]


def test_a_deleted_principle_and_its_translations_leave_the_index(member):
    from principles_app.services import amendments as amendment_service

    document = draft_in_round()
    target = principle(document, 3)
    translation = translation_service.put_translation(member, target, "fr", "Protéger", "Personne ne publie rien.")
    db.session.commit()
    assert find("protéger", member) == [("translation", translation.id)]
    amendment = propose(member, document, 3, kind="delete")
    amendment_service.merge_amendment(make_user("secretariat"), amendment)
    db.session.commit()
    assert find("protéger", member) == []
    assert ("principle", target.id) not in find("publishes", member)


def test_a_page_past_the_last_still_counts_the_matches(member):
    document = draft_in_round()
    for n in range(3):
        comment(member, principle(document, 1), f"Counted note {n}")
    results = search.search(search.parse(MultiDict({"q": "counted", "per_page": "2", "page": "5"}), member), member)
    assert (results.total, results.pages, results.hits) == (3, 2, [])
