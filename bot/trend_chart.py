"""The weekly trend's picture: four small panels, one above the other, sharing the weeks —
share of clients seen within their contact frequency, visits, notes, plan reviews
overdue — with one line for the team and one per worker shown (eight at most).

Drawn for a phone held upright: a tall picture, one chart in one message, large labels,
one legend for all four panels at the top, each line with its own colour and marker
(told apart without colour too), the team's line thick and black. Weeks whose figure was
not kept leave a gap in the line, never a made-up point. Like the digest's chart
(bot/digest_chart.py): Pillow (bot/chart_canvas.py), drawn in a worker thread. It holds
worker names and counts — never a client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.chart_canvas import AXIS, GRID, Canvas, fit, nice_ticks, text_width

WIDTH, HEIGHT = 700, 1050
MARGIN = 12
TITLE_SIZE, LEGEND_SIZE, PANEL_SIZE, TICK_SIZE = 24, 19, 20, 17
TEAM_COLOUR = "#111111"
# Paul Tol's "vibrant" set, made to be told apart by colour-blind readers (its grey
# darkened to show on white); each line has a marker as well.
COLOURS = ("#0077bb", "#ee7733", "#009988", "#ee3377", "#33bbee", "#cc3311", "#999999")
MARKERS = ("s", "^", "D", "v", "P", "X", "*")
GREEN_LINE = 85  # CommCare's "green" share, drawn faintly on the first panel
GREEN_COLOUR = "#2ca02c"
LEGEND_TOP, LEGEND_ROW = 48, 29
PANEL_TITLE, PANEL_GAP, X_LABELS = 38, 26, 32  # above a plot, under it, under the last


@dataclass(frozen=True, slots=True)
class Series:
    """One line: its label and, per panel, a value per week (None: a gap)."""

    label: str
    team: bool
    panels: tuple[Sequence[float | None], ...]


@dataclass(frozen=True, slots=True)
class _Style:
    colour: str
    marker: str
    width: float
    marker_size: float


def _style(order: int, team: bool) -> _Style:
    """The team first (order 0), then the workers in the order given."""
    if team:
        return _Style(TEAM_COLOUR, "o", 5.0, 13.0)
    return _Style(COLOURS[(order - 1) % len(COLOURS)], MARKERS[(order - 1) % len(MARKERS)], 3, 10)


@dataclass(frozen=True, slots=True)
class _Panel:
    """Where a panel's plot is, in pixels, and the value at its top."""

    top: float
    bottom: float
    highest: float
    percent: bool

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.highest

    def ticks(self) -> list[tuple[int, str]]:
        """Gridlines and their labels: 0 %, 50 %, 100 % on the share, whole numbers else."""
        top = 100 if self.percent else self.highest
        return [(tick, f"{tick}%" if self.percent else str(tick)) for tick in nice_ticks(top, 4)]


def _legend(canvas: Canvas, series: Sequence[Series]) -> float:
    """Two columns, filled down the first, the first as wide as its labels need (the
    team's is long) while the second keeps a third of the width; returns where it ends."""
    rows = (len(series) + 1) // 2
    sample = 46  # a piece of the line with its marker, before the label
    room = WIDTH - 2 * MARGIN
    needed = max(text_width(line.label, LEGEND_SIZE) for line in series[:rows]) + sample + 16
    first = min(max(needed, room / 2), room * 2 / 3) if len(series) > rows else room
    for order, line in enumerate(series):
        style = _style(order, line.team)
        x = MARGIN if order < rows else MARGIN + first
        width = first if order < rows else room - first
        y = LEGEND_TOP + (order % rows) * LEGEND_ROW + LEGEND_ROW / 2
        canvas.line([(x + 2, y), (x + 38, y)], style.colour, style.width)
        canvas.marker(style.marker, x + 20, y, style.marker_size, style.colour)
        label = fit(line.label, LEGEND_SIZE, width - sample - 10)
        canvas.text(x + sample, y, label, LEGEND_SIZE, anchor="lm")
    return LEGEND_TOP + rows * LEGEND_ROW


def _segments(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The runs of known points: a week not kept breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def chart_png(
    title: str,
    weeks: Sequence[str],
    panel_titles: Sequence[str],
    series: Sequence[Series],
    empty: str,
) -> bytes:
    """A PNG of len(panel_titles) panels (the first a percentage), `weeks` labelling the
    x axis; `empty` is written on a panel that has no value at all."""
    canvas = Canvas(WIDTH, HEIGHT)
    canvas.text(
        WIDTH / 2, 10, fit(title, TITLE_SIZE, WIDTH - 2 * MARGIN, bold=True), TITLE_SIZE,
        anchor="ma", bold=True,
    )  # fmt: skip
    panels_top = _legend(canvas, series) + 10
    # Each panel: its title, its plot, a gap (under the last: the weeks' labels instead).
    panel_height = (HEIGHT - X_LABELS - panels_top + PANEL_GAP) / len(panel_titles)
    panels = []
    for number in range(len(panel_titles)):
        top = panels_top + number * panel_height
        known = [value for line in series for value in line.panels[number] if value is not None]
        highest = 105.0 if number == 0 else max([1.0, *known]) * 1.15
        panels.append(
            _Panel(top + PANEL_TITLE, top + panel_height - PANEL_GAP, highest, number == 0)
        )
    left = MARGIN + 8 + max(text_width(label, TICK_SIZE) for p in panels for _, label in p.ticks())
    right = WIDTH - MARGIN
    # The first and last week's labels stay within the picture.
    inset = max(12.0, text_width(weeks[0], TICK_SIZE) / 2, text_width(weeks[-1], TICK_SIZE) / 2)
    step = (right - left - 2 * inset) / max(1, len(weeks) - 1)
    xs = [left + inset + number * step for number in range(len(weeks))]

    for number, (panel, panel_title) in enumerate(zip(panels, panel_titles, strict=True)):
        canvas.text(
            MARGIN,
            panel.top - PANEL_TITLE,
            fit(panel_title, PANEL_SIZE, WIDTH - 2 * MARGIN),
            PANEL_SIZE,
        )
        for tick, label in panel.ticks():
            canvas.line([(left, panel.y(tick)), (right, panel.y(tick))], GRID, 1)
            canvas.text(left - 8, panel.y(tick), label, TICK_SIZE, anchor="rm")
        canvas.line([(left, panel.bottom), (right, panel.bottom)], AXIS, 1.5)
        for x in xs:
            canvas.line([(x, panel.bottom), (x, panel.bottom + 5)], AXIS, 1.5)
        if panel.percent:
            green = panel.y(GREEN_LINE)
            canvas.line([(left, green), (right, green)], GREEN_COLOUR, 2, dotted=True)
        drawn = False
        # The team's line is drawn last, on top of the workers'.
        for order in reversed(range(len(series))):
            line = series[order]
            style = _style(order, line.team)
            points = [
                None if value is None else (x, panel.y(value * 100 if panel.percent else value))
                for x, value in zip(xs, line.panels[number], strict=True)
            ]
            for run in _segments(points):
                drawn = True
                if len(run) > 1:
                    canvas.line(run, style.colour, style.width)
                for x, y in run:
                    canvas.marker(style.marker, x, y, style.marker_size, style.colour)
        if not drawn:
            canvas.text(
                (left + right) / 2, (panel.top + panel.bottom) / 2,
                fit(empty, PANEL_SIZE - 2, right - left), PANEL_SIZE - 2, "#777777", "mm",
            )  # fmt: skip
    for x, week in zip(xs, weeks, strict=True):
        canvas.text(x, HEIGHT - X_LABELS + 8, week, TICK_SIZE, anchor="ma")
    return canvas.png()
