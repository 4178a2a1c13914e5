"""The digest's picture: a team's visits and notes per day over the last two weeks.

Drawn with Pillow (bot/chart_canvas.py) in a worker thread (`asyncio.to_thread`, so the
event loop never waits on drawing), sized for a phone: Telegram shows the 800 px width at
about 390, so no text is smaller than 15 px. Blue and orange stay apart for colour-blind
readers too. The chart holds counts and dates only — never a client's name.
"""

from __future__ import annotations

from datetime import date

from bot.chart_canvas import AXIS, GRID, Canvas, fit, nice_ticks, text_width
from ui import texts
from ui.timefmt import weekday

WIDTH, HEIGHT = 800, 400
MARGIN = 14
VISITS_COLOUR = "#2f7ebc"
NOTES_COLOUR = "#f28e2b"
DAY_OFF_SHADE = "#f0f0f0"
BAR_WIDTH = 0.4  # of a day's width, each of its two bars
TITLE_SIZE, LEGEND_SIZE, TICK_SIZE, COUNT_SIZE = 22, 18, 17, 15
PLOT_TOP, PLOT_BOTTOM = 84, HEIGHT - 54  # under the title and legend; above two tick lines
HEADROOM = 1.18  # above the highest bar: its count


def chart_png(history: list[tuple[date, int, int]], title: str) -> bytes:
    """A PNG of grouped bars, visits and notes per day, weekends shaded, counts on the bars."""
    canvas = Canvas(WIDTH, HEIGHT)
    visits = [row[1] for row in history]
    notes = [row[2] for row in history]
    top = max([*visits, *notes, 1]) * HEADROOM
    ticks = nice_ticks(top, 6)
    left = MARGIN + max(text_width(str(tick), TICK_SIZE) for tick in ticks) + 8
    right = WIDTH - MARGIN
    day_width = (right - left) / len(history)

    def y_of(value: float) -> float:
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / top

    # The longer title gives way: the caption under the photo has the full name.
    canvas.text(MARGIN, 10, fit(title, TITLE_SIZE, WIDTH - 2 * MARGIN), TITLE_SIZE)
    x = float(MARGIN)
    for label, colour in (
        (texts.DIGEST_CHART_VISITS, VISITS_COLOUR),
        (texts.DIGEST_CHART_NOTES, NOTES_COLOUR),
    ):
        canvas.rectangle(x, 46, x + 16, 62, colour)
        canvas.text(x + 22, 54, label, LEGEND_SIZE, anchor="lm")
        x += 22 + text_width(label, LEGEND_SIZE) + 28

    for number, (day, _, _) in enumerate(history):
        if day.isoweekday() >= 6:
            start = left + number * day_width
            canvas.rectangle(start, PLOT_TOP, start + day_width, PLOT_BOTTOM, DAY_OFF_SHADE)
    for tick in ticks:
        canvas.line([(left, y_of(tick)), (right, y_of(tick))], GRID, 1)
        canvas.text(left - 8, y_of(tick), str(tick), TICK_SIZE, anchor="rm")
    canvas.line([(left, PLOT_BOTTOM), (right, PLOT_BOTTOM)], AXIS, 1.5)

    bar = day_width * BAR_WIDTH
    widest = str(max([*visits, *notes, 1]))
    count_size = COUNT_SIZE
    while count_size > 11 and text_width(widest, count_size) > bar + 2:
        count_size -= 1  # counts of 100 or more still sit on their own bars
    for number, (day, visit_count, note_count) in enumerate(history):
        centre = left + (number + 0.5) * day_width
        for start, value, colour in (
            (centre - bar, visit_count, VISITS_COLOUR),
            (centre, note_count, NOTES_COLOUR),
        ):
            if value:
                canvas.rectangle(start, y_of(value), start + bar, PLOT_BOTTOM, colour)
                canvas.text(start + bar / 2, y_of(value) - 3, str(value), count_size, anchor="md")
        canvas.text(centre, PLOT_BOTTOM + 6, weekday(day), TICK_SIZE, anchor="ma")
        canvas.text(centre, PLOT_BOTTOM + 27, str(day.day), TICK_SIZE, anchor="ma")
    return canvas.png()
