"""The test suite's wall time at two revisions, side by side on this machine.

    python -m bench.suite_time BEFORE AFTER [--rounds 2]

Both revisions are checked out into temporary git worktrees; the test files that exist at
BEFORE are run at both (so new tests do not count against the change), on SQLite, alternated
BEFORE, AFTER, BEFORE, AFTER … so that load on a shared machine falls on both. Prints each run
and the ratio AFTER ÷ BEFORE per round. Uses this interpreter and its installed packages.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _run(tree: Path, files: list[str]) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("CASELINE_TEST_POSTGRES_URL", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "(no output)"
    if done.returncode != 0:
        raise SystemExit(f"{tree.name}: tests failed: {last}")
    return elapsed, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="suite-time-") as scratch:
        trees = {}
        for label in ("before", "after"):
            tree = Path(scratch) / label
            _git("worktree", "add", "--detach", str(tree), getattr(options, label))
            trees[label] = tree
        try:
            files = [
                name
                for name in _git("ls-tree", "-r", "--name-only", options.before, "tests").split()
                if Path(name).name.startswith("test_") and name.endswith(".py")
            ]
            for round_ in range(1, options.rounds + 1):
                times = {}
                for label, tree in trees.items():
                    times[label], last = _run(tree, files)
                    print(f"round {round_} {label:6} {times[label]:7.1f} s  {last}", flush=True)
                print(f"round {round_} after ÷ before = {times['after'] / times['before']:.2f}")
        finally:
            for tree in trees.values():
                _git("worktree", "remove", "--force", str(tree))


if __name__ == "__main__":
    main()
