"""DejaVu Sans, shipped inside Caseline: the one typeface of the charts and the PDF exports.

It covers Latin with every accent of the shipped languages, Greek and Cyrillic (and Hebrew,
Arabic, Armenian, Georgian …), so a worker's or client's name comes out as typed. The two
files are DejaVu Sans 2.37, unchanged (Debian's fonts-dejavu-core 2.37-6), under the
Bitstream Vera licence beside them (LICENSE), which lets them be copied with it: 1.4 MB in
the package instead of a system package to install or a download at run time (README,
Decisions).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont

FOLDER = Path(__file__).parent
FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")


class FontMissing(Exception):
    """The install lost the font files: one line saying what to do."""


def font_files() -> tuple[Path, Path]:
    """(regular, bold), or FontMissing naming the missing file."""
    regular, bold = (FOLDER / name for name in FILES)
    for path in (regular, bold):
        if not path.is_file():
            raise FontMissing(
                f"the font {path} is missing from this install: reinstall Caseline "
                "(pip install -e . in its folder)"
            )
    return regular, bold


@functools.lru_cache(maxsize=32)
def pillow_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The typeface at `size` pixels, for Pillow (read once per size)."""
    from PIL import ImageFont  # here: the PDF export and the CLI need no Pillow to start

    regular, heavy = font_files()
    return ImageFont.truetype(str(heavy if bold else regular), size)
