"""The font Caseline ships (bot/fonts): it covers what teams write, every install carries
it, and an install that lost it says so in one line (issue 21)."""

from __future__ import annotations

import asyncio
import fnmatch
import os
import sys
import tomllib
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

from bot import fonts
from tests.harness import TOKEN
from ui import i18n

ROOT = Path(__file__).resolve().parent.parent
# Latin with the accents of Western, Central and Eastern Europe (Latin-1, Extended-A),
# Vietnamese, modern Greek and Cyrillic (Russian, Ukrainian, Serbian, Bulgarian ...).
LETTERS = (
    [chr(code) for code in range(0x00C0, 0x0180) if code not in (0x00D7, 0x00F7)]
    + [chr(code) for code in range(0x1EA0, 0x1EFA)]
    + [chr(code) for code in range(0x0386, 0x03CF) if unicodedata.category(chr(code))[0] == "L"]
    + [chr(code) for code in range(0x0400, 0x0460)]
)


def _catalog_letters() -> set[str]:
    """Every letter and accent of the shipped translations (what the charts' titles and
    legends and the PDF's headings are written in)."""
    found = set()
    for language in i18n.LANGUAGES:
        catalog = ROOT / "ui" / "locale" / language / "LC_MESSAGES" / "caseline.po"
        if catalog.exists():
            text = catalog.read_text(encoding="utf-8")
            found |= {char for char in text if unicodedata.category(char)[0] in "LM"}
    return found


def test_the_font_covers_latin_greek_cyrillic_and_every_shipped_language():
    for path in fonts.font_files():
        with TTFont(str(path), lazy=True) as font:
            covered = set(map(chr, font.getBestCmap()))
        wanted = set(LETTERS) | _catalog_letters()
        assert len(wanted) > 300
        assert wanted - covered == set(), path.name


def test_every_install_carries_the_font_files():
    """Editable installs read the checkout; a built one carries only what package-data
    names, so every file beside the font module must match it."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = settings["tool"]["setuptools"]["package-data"]["bot"]
    shipped = [path for path in fonts.FOLDER.iterdir() if path.suffix != ".py" and path.is_file()]
    assert {path.name for path in shipped} >= {*fonts.FILES, "LICENSE"}
    for path in shipped:
        relative = path.relative_to(ROOT / "bot").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


async def test_an_install_without_its_font_says_so_in_one_line_when_it_starts(tmp_path):
    """`caseline run` with the font folder emptied (the only change: bot.fonts.FOLDER)."""
    script = (
        "import sys; from pathlib import Path; import bot.fonts as fonts; "
        f"fonts.FOLDER = Path({str(tmp_path)!r}); "
        "from bot.cli import main; sys.exit(main(['run']))"
    )
    env = {
        **os.environ,
        "CASELINE_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
        "CASELINE_BOT_TOKEN": TOKEN,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    [line] = output.decode().strip().splitlines()
    assert process.returncode == 2
    assert line == (
        f"caseline: the font {tmp_path / 'DejaVuSans.ttf'} is missing from this install: "
        "reinstall Caseline (pip install -e . in its folder)"
    )
