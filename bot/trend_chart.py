"""The weekly trend's picture: four small panels, one above the other, sharing the weeks —
share of clients seen within their contact frequency, visits, notes, plan reviews
overdue — with one line for the team and one per worker shown (eight at most).

Drawn for a phone held upright: a tall picture, one chart in one message, large labels,
one legend for all four panels at the top, each line with its own colour and marker
(told apart without colour too), the team's line thick and black. Weeks whose figure was
not kept leave a gap in the line, never a made-up point. Like the digest's chart
(bot/digest_chart.py): matplotlib's object-oriented `Figure` on the Agg canvas, never
pyplot, drawn in a worker thread. It holds worker names and counts — never a client.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, PercentFormatter

# 7 × 10.5 inches at 100 dpi: 700 × 1050 px, shown at a phone's full width.
SIZE_INCHES = (7.0, 10.5)
DPI = 100
FONT_SIZE = 15
TEAM_COLOUR = "#111111"
# Tableau's colour-blind-friendly set without its black-ish grey; a marker each as well.
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
MARKERS = ("s", "^", "D", "v", "P", "X", "*")
GREEN_LINE = 85  # CommCare's "green" share, drawn faintly on the first panel
NAME_MAX = 18  # a worker's name in the legend (two columns of them fit)
TITLE_MAX = 40


@dataclass(frozen=True, slots=True)
class Series:
    """One line: its label and, per panel, a value per week (None: a gap)."""

    label: str
    team: bool
    panels: tuple[Sequence[float | None], ...]


def _plain(text: str, limit: int) -> str:
    """Shortened, and literal: matplotlib reads text between two `$` as mathematics."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def _values(values: Sequence[float | None]) -> list[float]:
    return [math.nan if value is None else value for value in values]


def chart_png(
    title: str,
    weeks: Sequence[str],
    panel_titles: Sequence[str],
    series: Sequence[Series],
    empty: str,
) -> bytes:
    """A PNG of len(panel_titles) panels (the first a percentage), `weeks` labelling the
    x axis; `empty` is written on a panel that has no value at all."""
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes_list = figure.subplots(len(panel_titles), 1, sharex=True)
    positions = list(range(len(weeks)))
    handles: list[Line2D] = []
    for number, (axes, panel_title) in enumerate(zip(axes_list, panel_titles, strict=True)):
        highest = 1.0
        drawn = False
        for index, line in enumerate(reversed(series)):  # the team's drawn last, on top
            values = _values(line.panels[number])
            if number == 0:
                values = [value * 100 for value in values]
            known = [value for value in values if not math.isnan(value)]
            drawn = drawn or bool(known)
            highest = max([highest, *known])
            order = len(series) - 1 - index
            colour = TEAM_COLOUR if line.team else COLOURS[(order - 1) % len(COLOURS)]
            (handle,) = axes.plot(
                positions,
                values,
                color=colour,
                linewidth=3.6 if line.team else 2.0,
                marker="o" if line.team else MARKERS[(order - 1) % len(MARKERS)],
                markersize=8 if line.team else 6,
                label=_plain(line.label, TITLE_MAX if line.team else NAME_MAX),
                zorder=3 if line.team else 2,
            )
            if number == 0:
                handles.insert(0, handle)
        if number == 0:
            axes.axhline(GREEN_LINE, color="#2ca02c", linewidth=1, linestyle=":", zorder=1)
            axes.set_ylim(0, 105)
            axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        else:
            axes.set_ylim(0, highest * 1.15)
            axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        if not drawn:
            axes.text(
                0.5,
                0.5,
                _plain(empty, 60),
                transform=axes.transAxes,
                ha="center",
                va="center",
                fontsize=FONT_SIZE - 2,
                color="#777777",
            )
        axes.set_title(_plain(panel_title, TITLE_MAX * 2), fontsize=FONT_SIZE, loc="left")
        axes.tick_params(axis="both", labelsize=FONT_SIZE - 2)
        axes.grid(axis="y", color="#dddddd", zorder=0)
        axes.spines[["top", "right"]].set_visible(False)
    last = axes_list[-1]
    last.set_xticks(positions, list(weeks), fontsize=FONT_SIZE - 2, rotation=0)
    last.set_xlim(-0.4, len(weeks) - 0.6)
    # The title heads the legend: above every panel, never over a line.
    figure.legend(
        handles=handles,
        loc="outside upper center",
        ncols=2,
        fontsize=FONT_SIZE - 1,
        frameon=False,
        title=_plain(title, TITLE_MAX),
        title_fontproperties=FontProperties(size=FONT_SIZE + 3, weight="bold"),
    )
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
