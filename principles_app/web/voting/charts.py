"""Server-rendered SVG bar charts of results; every chart has a table next to it."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from markupsafe import Markup, escape

from principles_app.domain.voting import Choice
from principles_app.labels import CHOICE_NAMES

COLOURS = {Choice.YES: "#1b7837", Choice.NO: "#b2182b", Choice.ABSTAIN: "#767676"}
WIDTH = Decimal(300)
ROW = 22


def _share(part: Decimal, whole: Decimal) -> Decimal:
    """Return part/whole as a fraction of the chart width, exactly enough for drawing."""
    if whole <= 0:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole) * WIDTH).quantize(Decimal("0.1"))


def choice_bars(tally: dict, eligible_weight: str, eligible_count: int, title_id: str) -> Markup:
    """Draw yes/no/abstain as shares of the eligible weight and of the eligible organisations."""
    rows = []
    for choice in Choice:
        figure, name = tally[choice], CHOICE_NAMES[choice]
        rows.append(
            (
                _("%(choice)s · weight", choice=name),
                _share(Decimal(figure["weight"]), Decimal(eligible_weight)),
                COLOURS[choice],
                figure["weight"],
            )
        )
        rows.append(
            (
                _("%(choice)s · organisations", choice=name),
                _share(Decimal(figure["count"]), Decimal(eligible_count)),
                COLOURS[choice],
                str(figure["count"]),
            )
        )
    return _svg(rows, title_id)


def participation_bars(groups: dict[str, dict], names: dict, title_id: str) -> Markup:
    """Draw turnout per region as a share of the region's eligible weight."""
    rows = []
    for key, group in groups.items():
        share = _share(Decimal(group["weight"]), Decimal(group["eligible_weight"]))
        rows.append(
            (
                str(names.get(key, key)),
                share,
                "#2166ac" if group["count"] else "#b2182b",
                f"{group['count']}/{group['eligible_count']}",
            )
        )
    return _svg(rows, title_id)


def _svg(rows: list[tuple[str, Decimal, str, str]], title_id: str) -> Markup:
    label_width = 190
    height = ROW * len(rows) + 4
    parts = [
        (
            f'<svg class="chart" role="img" aria-labelledby="{escape(title_id)}" '
            f'viewBox="0 0 {label_width + int(WIDTH) + 70} {height}" width="100%" '
            f'xmlns="http://www.w3.org/2000/svg">'
        )
    ]
    for i, (label, bar, colour, figure) in enumerate(rows):
        y = i * ROW + 2
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{WIDTH}" height="14" fill="#eeeeee"/>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{bar}" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{label_width + int(WIDTH) + 6}" y="{y + 15}" font-size="12">{escape(figure)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
