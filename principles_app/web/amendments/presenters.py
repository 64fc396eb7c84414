"""What the amendment pages show: headings, redlines and line ranges, computed once per page."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from principles_app.domain.diffing import render_redline, word_diff
from principles_app.models import Amendment
from principles_app.services import amendments as amendment_service
from principles_app.services.amendment_headings import heading, lines_label


def redline(diff) -> Markup:
    """Render a diff as safe HTML with screen-reader labels in the reader's language."""
    return Markup(render_redline(diff, _("deleted:"), _("inserted:")))


@dataclass
class AmendmentView:
    """An amendment with everything its summary or page needs."""

    amendment: Amendment
    heading: str
    lines: tuple[int, int] | None
    lines_label: str
    proposer: dict[str, str]
    competing_with: list[int]

    @property
    def redline(self) -> Markup:
        """Return the text redline."""
        return redline(amendment_service.amendment_diff(self.amendment))

    @property
    def on_older_text(self) -> bool:
        """Tell whether the recommendation was made before the amendment was rebased, revised or conflicted."""
        return amendment_service.recommended_on_older_text(self.amendment)

    @property
    def title_redline(self) -> Markup | None:
        """Return the title redline when the title changes."""
        a = self.amendment
        if a.proposed_title == a.base_title:
            return None
        return redline(word_diff(a.base_title, a.proposed_title))


def describe(amendment: Amendment, competing: list[int] | None = None, viewer=None) -> AmendmentView:
    """Build the view of one amendment."""
    lines = amendment_service.amendment_lines(amendment)
    if competing is None:
        competing = amendment_service.competing_with(amendment)
    return AmendmentView(
        amendment,
        heading(amendment, lines),
        lines,
        lines_label(lines),
        amendment_service.proposer_label(amendment, viewer),
        competing,
    )


def describe_all(amendments: list[Amendment], viewer=None) -> list[AmendmentView]:
    """Build the views of many amendments with one competition pass."""
    competing = amendment_service.competing_map(amendments)
    return [describe(a, competing.get(a.id, []), viewer) for a in amendments]


def competing_groups(views: list[AmendmentView]) -> list[list[AmendmentView]]:
    """Group amendments that compete (touch the same principle and lines), keeping the list's order.

    An amendment that competes with none is a group of its own; competition is followed through, so
    when A competes with B and B with C, the three are one group.
    """
    by_id = {view.amendment.id: view for view in views}
    seen: set[int] = set()
    groups: list[list[AmendmentView]] = []
    for view in views:
        if view.amendment.id in seen:
            continue
        group, waiting = [], [view.amendment.id]
        while waiting:
            current = waiting.pop()
            if current in seen or current not in by_id:
                continue
            seen.add(current)
            group.append(by_id[current])
            waiting.extend(by_id[current].competing_with)
        groups.append(sorted(group, key=lambda v: views.index(v)))
    return groups
