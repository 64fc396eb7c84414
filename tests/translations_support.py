"""Build a draft whose principles change through the real services, for the translation tests."""
from __future__ import annotations

from principles_app.extensions import db
from principles_app.services import amendments as amendment_service
from tests.drafts_helpers import make_document, open_amendments_round, principle

LISTEN = "Partners listen to each other before they decide anything together."
LISTEN_AMENDED = "Partners listen carefully to each other before they decide anything together."
SPANISH_TITLE = "Escuchar primero"
SPANISH = "Los socios se escuchan antes de decidir nada juntos."
SPANISH_AMENDED = "Los socios se escuchan con atención antes de decidir nada juntos."
ARABIC_TITLE = "الإصغاء أولاً"
ARABIC = "يصغي الشركاء بعضهم إلى بعض قبل أن يقرّروا أي شيء معاً."


def draft_in_round():
    """Create a document with an open amendments round and return it."""
    document = make_document()
    open_amendments_round(document)
    return document


def merge_change(proposer, secretariat, document, number: int = 1, text: str = LISTEN_AMENDED) -> int:
    """Propose and merge a change to a principle's text; return the new version number."""
    target = principle(document, number)
    amendment = amendment_service.propose(proposer, document, "modify", "Listening needs care.",
                                          principle_id=target.id, text=text)
    result = amendment_service.merge_amendment(secretariat, amendment)
    db.session.commit()
    return result.version.number
