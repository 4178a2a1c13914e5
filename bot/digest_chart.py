"""The digest's picture: a team's visits and notes per day over the last two weeks.

Drawn with matplotlib's object-oriented `Figure` and the Agg canvas, never pyplot: pyplot
keeps global state and picks a GUI backend, neither of which belongs in a bot that renders
from worker threads (`asyncio.to_thread`, so the event loop never waits on drawing). The
chart holds counts and dates only — never a client's name.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ui import texts
from ui.timefmt import weekday

# 8 × 4 inches at 100 dpi: 800 × 400 px, a phone shows it at full width without zooming.
SIZE_INCHES = (8.0, 4.0)
DPI = 100
VISITS_COLOUR = "#2f7ebc"
NOTES_COLOUR = "#f28e2b"
DAY_OFF_SHADE = "#f0f0f0"
BAR_WIDTH = 0.4
FONT_SIZE = 11
# Longer titles would run into the legend; the caption under the photo has the full name.
TITLE_MAX = 48


def _plain(text: str) -> str:
    """Shortened to fit beside the legend, and literal: matplotlib reads text between two
    `$` as mathematics, and a team called "$5 club" must come out as typed."""
    if len(text) > TITLE_MAX:
        text = text[: TITLE_MAX - 1] + "…"
    return text.replace("$", r"\$")


def chart_png(history: list[tuple[date, int, int]], title: str) -> bytes:
    """A PNG of grouped bars, visits and notes per day, weekends shaded, counts on the bars."""
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(history))
    visits = [row[1] for row in history]
    notes = [row[2] for row in history]
    for position, (day, _, _) in zip(positions, history, strict=True):
        if day.isoweekday() >= 6:
            axes.axvspan(position - 0.5, position + 0.5, color=DAY_OFF_SHADE, zorder=0)
    visit_bars = axes.bar(
        [p - BAR_WIDTH / 2 for p in positions],
        visits,
        BAR_WIDTH,
        label=texts.DIGEST_CHART_VISITS,
        color=VISITS_COLOUR,
        zorder=2,
    )
    note_bars = axes.bar(
        [p + BAR_WIDTH / 2 for p in positions],
        notes,
        BAR_WIDTH,
        label=texts.DIGEST_CHART_NOTES,
        color=NOTES_COLOUR,
        zorder=2,
    )
    for bars, values in ((visit_bars, visits), (note_bars, notes)):
        axes.bar_label(
            bars, labels=[str(v) if v else "" for v in values], fontsize=FONT_SIZE - 2, padding=1
        )
    axes.set_xticks(
        list(positions),
        [f"{weekday(day)}\n{day.day}" for day, _, _ in history],
        fontsize=FONT_SIZE - 1,
    )
    axes.set_xlim(-0.6, len(history) - 0.4)
    axes.set_ylim(0, max([*visits, *notes, 1]) * 1.18)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="y", labelsize=FONT_SIZE - 1)
    axes.grid(axis="y", color="#dddddd", zorder=1)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(_plain(title), fontsize=FONT_SIZE + 2, loc="left")
    # Above the plot, right of the title: never over a bar.
    axes.legend(
        loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=FONT_SIZE - 1, frameon=False, ncols=2
    )
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
