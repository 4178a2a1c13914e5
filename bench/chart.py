"""The digest's and the trend's charts: drawn by two revisions side by side in one run.

    python -m bench.chart [--before REV] [--rounds 20] [--starts 3] [--save DIR] [--language de]

BEFORE is the charts' code at REV (default: the last matplotlib one, ad2c3b6), AFTER the
working tree's. Each is imported in a fresh interpreter (its import time, the first chart a
bot draws after starting), then both draw the same digest chart (14 days) and the same
trend chart (8 weeks, the team and 7 workers named in Latin with accents, Greek and
Cyrillic) ROUNDS times, alternated so that load on a shared machine falls on both. Prints
milliseconds per chart, the memory the first charts add to a process, and AFTER ÷ BEFORE.
The BEFORE revision's imports must be installed (`pip install matplotlib` for ad2c3b6).
With --save, writes both revisions' PNGs to DIR.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import textwrap
import time
import types
from datetime import date, timedelta
from pathlib import Path

from bench.common import ROOT

MODULES = ("bot/digest_chart.py", "bot/trend_chart.py")
LAST_MATPLOTLIB = "ad2c3b6"
WORKERS = (
    "José Müller-Łukasiewicz",
    "Ελένη Παπαδοπούλου",
    "Дмитрий Иванов",
    "François Léger",
    "Nguyễn Thị Ánh",
    "Zoë Ørsted",
    "Wanda Worker",
)


def _load(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = name
    sys.modules[name] = module  # dataclasses look their module up while being made
    exec(compile(source, name, "exec"), module.__dict__)
    return module


def _sources(revision: str | None) -> dict[str, str]:
    if revision is None:
        return {path: (ROOT / path).read_text() for path in MODULES}
    return {
        path: subprocess.run(
            ["git", "show", f"{revision}:{path}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for path in MODULES
    }


def _history() -> list[tuple[date, int, int]]:
    start = date(2026, 2, 17)
    days = [start + timedelta(days=number) for number in range(14)]
    return [
        (day, 0, 1) if day.isoweekday() >= 6 else (day, 6 + (number * 7) % 11, 4 + number % 9)
        for number, day in enumerate(days)
    ]


def _series(module: types.ModuleType) -> list:
    from ui import texts

    def wave(seed: int, scale: float, gap: bool) -> list[float | None]:
        values: list[float | None] = [
            round(((seed * 7 + week * 3) % 10) * scale) for week in range(8)
        ]
        if gap:
            values[0] = values[1] = None  # weeks without a snapshot: a gap in the line
        return values

    team = module.Series(
        texts.TREND_TEAM_LINE,
        True,
        (
            [None, None, 0.71, 0.74, 0.78, 0.8, 0.83, 0.86],
            wave(0, 1.1, False),
            wave(1, 0.9, False),
            [None, None, 1.2, 1.0, 0.8, 0.9, 0.5, 0.4],
        ),
    )
    workers = [
        module.Series(
            name,
            False,
            (
                [None, None, *[0.4 + ((number + week) % 6) / 10 for week in range(6)]],
                wave(number + 1, 1.2, False),
                wave(number + 2, 1.0, False),
                wave(number + 3, 0.3, True),
            ),
        )
        for number, name in enumerate(WORKERS)
    ]
    return [team, *workers]


def _draw(digest: types.ModuleType, trend: types.ModuleType) -> tuple[bytes, bytes, float, float]:
    from ui import texts
    from ui.timefmt import day_label, month_day

    history = _history()
    started = time.perf_counter()
    digest_png = digest.chart_png(history, texts.digest_chart_title("North & Co · $5 club"))
    middle = time.perf_counter()
    weeks = [date(2026, 1, 5) + timedelta(weeks=number) for number in range(8)]
    trend_png = trend.chart_png(
        texts.trend_chart_title("North & Co", day_label(weeks[-1] + timedelta(days=6))),
        [month_day(week) for week in weeks],
        texts.TREND_PANELS,
        _series(trend),
        texts.TREND_NOT_KEPT,
    )
    ended = time.perf_counter()
    return digest_png, trend_png, (middle - started) * 1000, (ended - middle) * 1000


def _rss_kb(field: str = "VmHWM") -> int:
    """This process's peak (VmHWM) or present (VmRSS) resident memory, from /proc: not
    getrusage's ru_maxrss, which a child started from a large parent inherits (Linux)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith(field)).split()[1])


def _first_chart(sources: dict[str, str]) -> tuple[float, float, float]:
    """A fresh interpreter imports the chart modules and draws one of each: what the first
    digest after a start costs (Python's own start and `ui` are left out), in ms, and the
    memory that adds to the process: at its peak, and what it keeps after (MB of RSS)."""
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        import ui.texts, ui.timefmt
        from bench.chart import _draw, _load, _rss_kb
        sources = {sources!r}
        peak, kept = _rss_kb(), _rss_kb("VmRSS")
        started = time.perf_counter()
        digest = _load("digest_chart", sources["bot/digest_chart.py"])
        trend = _load("trend_chart", sources["bot/trend_chart.py"])
        _draw(digest, trend)
        elapsed = (time.perf_counter() - started) * 1000
        print(elapsed, (_rss_kb() - peak) / 1024, (_rss_kb("VmRSS") - kept) / 1024)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True
    )
    elapsed, peak, kept = done.stdout.strip().splitlines()[-1].split()
    return float(elapsed), float(peak), float(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=LAST_MATPLOTLIB)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--starts", type=int, default=3, help="fresh interpreters per side")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--language", default="en")
    options = parser.parse_args()

    from ui import i18n

    i18n.use_language(options.language)
    sides = {"before": _sources(options.before), "after": _sources(None)}
    modules = {
        label: (
            _load(f"{label}_digest_chart", sources["bot/digest_chart.py"]),
            _load(f"{label}_trend_chart", sources["bot/trend_chart.py"]),
        )
        for label, sources in sides.items()
    }
    timings: dict[str, dict[str, list[float]]] = {
        label: {"digest": [], "trend": [], "first": [], "peak": [], "kept": []} for label in sides
    }
    for _ in range(options.starts):
        for label, sources in sides.items():
            elapsed, peak, kept = _first_chart(sources)
            timings[label]["first"].append(elapsed)
            timings[label]["peak"].append(peak)
            timings[label]["kept"].append(kept)
    for label in sides:  # a warm-up each: font caches, lazy imports
        _draw(*modules[label])
    for _ in range(options.rounds):
        for label in sides:
            _, _, digest_ms, trend_ms = _draw(*modules[label])
            timings[label]["digest"].append(digest_ms)
            timings[label]["trend"].append(trend_ms)
    if options.save:
        options.save.mkdir(parents=True, exist_ok=True)
        for label in sides:
            digest_png, trend_png, _, _ = _draw(*modules[label])
            (options.save / f"digest-{label}.png").write_bytes(digest_png)
            (options.save / f"trend-{label}.png").write_bytes(trend_png)

    print(f"BEFORE {options.before}, AFTER the working tree; {options.rounds} rounds, medians\n")
    print("| | before | after | after ÷ before |")
    print("|---|---|---|---|")
    for key, what in (
        ("first", "import + first digest and trend chart, ms (fresh interpreter)"),
        ("peak", "memory those add to the process at its peak, MB"),
        ("kept", "memory they leave in it after, MB (RSS)"),
        ("digest", "digest chart, ms"),
        ("trend", "trend chart, ms"),
    ):
        before = statistics.median(timings["before"][key])
        after = statistics.median(timings["after"][key])
        print(f"| {what} | {before:.1f} | {after:.1f} | {after / before:.2f} |")
    if options.save:
        print(f"\nPNGs in {options.save}: digest-before.png, digest-after.png, trend-*.png")


if __name__ == "__main__":
    main()
