"""What the digest's and the trend's charts are drawn on: Pillow, in final pixels.

Pillow draws shapes without anti-aliasing, so lines, bars and markers go on a canvas
SCALE times larger that is reduced at the end (their edges come out smooth); text is
drawn after that, at the final size, where FreeType smooths and hints it itself. Text is
DejaVu Sans (bot/fonts), so a worker's name comes out in whatever script it was typed.
A chart is drawn in a worker thread (`asyncio.to_thread`): nothing here is shared.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageDraw

from bot.fonts import pillow_font

SCALE = 3
INK = "#222222"
GRID = "#dddddd"
AXIS = "#555555"
Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class _Text:
    x: float
    y: float
    text: str
    size: int
    colour: str
    anchor: str
    bold: bool


def text_width(text: str, size: int, bold: bool = False) -> float:
    return pillow_font(size, bold).getlength(text)


def fit(text: str, size: int, width: float, bold: bool = False) -> str:
    """`text`, shortened with "…" until it is at most `width` pixels wide."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def nice_ticks(top: float, most: int) -> list[int]:
    """Whole numbers from 0, a step of 1, 2 or 5 × 10ⁿ, at most `most` steps up to `top`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if math.floor(top / (step * factor)) <= most:
                return list(range(0, int(top) + 1, step * factor))
        step *= 10


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._image = Image.new("RGB", (width * SCALE, height * SCALE), "#ffffff")
        self._pen = ImageDraw.Draw(self._image)
        self._texts: list[_Text] = []

    @staticmethod
    def _at(points: Sequence[Point]) -> list[Point]:
        return [(x * SCALE, y * SCALE) for x, y in points]

    def rectangle(self, left: float, top: float, right: float, bottom: float, colour: str) -> None:
        self._pen.rectangle(self._at([(left, top), (right, bottom)]), fill=colour)

    def line(
        self, points: Sequence[Point], colour: str, width: float, dotted: bool = False
    ) -> None:
        """A polyline `width` pixels wide; dotted: dots of its width, two widths apart."""
        if dotted:
            (x0, y0), (x1, y1) = points[0], points[-1]
            length = math.hypot(x1 - x0, y1 - y0)
            dots = max(1, int(length / (width * 3)))
            for number in range(dots + 1):
                share = number / dots
                self.marker("o", x0 + (x1 - x0) * share, y0 + (y1 - y0) * share, width, colour)
            return
        scaled = self._at(points)
        self._pen.line(scaled, fill=colour, width=round(width * SCALE), joint="curve")
        for x, y in (scaled[0], scaled[-1]):  # round ends, as the joints are
            self._dot(x, y, width * SCALE / 2, colour)

    def _dot(self, x: float, y: float, radius: float, colour: str) -> None:
        self._pen.ellipse([(x - radius, y - radius), (x + radius, y + radius)], fill=colour)

    def marker(self, kind: str, x: float, y: float, size: float, colour: str) -> None:
        """A marker `size` pixels across centred on (x, y); matplotlib's letters:
        o circle, s square, D diamond, ^ v triangles, P plus, X cross, * star."""
        radius = size / 2
        shape: list[Point]
        if kind == "o":
            self._dot(x * SCALE, y * SCALE, radius * SCALE, colour)
            return
        if kind == "s":
            shape = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
            radius *= 0.85
        elif kind == "D":
            shape = [(0, -1), (1, 0), (0, 1), (-1, 0)]
        elif kind in "^v":
            flip = 1 if kind == "^" else -1
            shape = [(0, -flip), (0.9, 0.7 * flip), (-0.9, 0.7 * flip)]
        elif kind in "PX":
            arm = 0.36
            shape = [
                (-arm, -1), (arm, -1), (arm, -arm), (1, -arm), (1, arm), (arm, arm),
                (arm, 1), (-arm, 1), (-arm, arm), (-1, arm), (-1, -arm), (-arm, -arm),
            ]  # fmt: skip
            if kind == "X":
                turn = math.sqrt(0.5)
                shape = [(turn * (a - b), turn * (a + b)) for a, b in shape]
        elif kind == "*":
            shape = [
                (math.sin(step * math.pi / 5) * (1 if step % 2 == 0 else 0.45),
                 -math.cos(step * math.pi / 5) * (1 if step % 2 == 0 else 0.45))
                for step in range(10)
            ]  # fmt: skip
            radius *= 1.2
        else:
            raise ValueError(f"no marker {kind!r}")
        self._pen.polygon(
            self._at([(x + a * radius, y + b * radius) for a, b in shape]), fill=colour
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: int,
        colour: str = INK,
        anchor: str = "la",
        bold: bool = False,
    ) -> None:
        """One line at (x, y); `anchor` is Pillow's: l/m/r across, a/m/s/d up and down
        (ascender, middle, baseline, descender)."""
        self._texts.append(_Text(x, y, text, size, colour, anchor, bold))

    def png(self) -> bytes:
        image = self._image.reduce(SCALE)
        pen = ImageDraw.Draw(image)
        for item in self._texts:
            pen.text(
                (item.x, item.y),
                item.text,
                fill=item.colour,
                font=pillow_font(item.size, item.bold),
                anchor=item.anchor,
            )
        buffer = BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
