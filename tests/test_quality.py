"""Lint, format and type checks run as part of the one test command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],  # the core, the cogs and bot.py, strictly (pyproject [tool.mypy])
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_is_clean(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


# A module past this is split by concern first (DESIGN.md §1: "about 400 lines").
MODULE_LINES_MAX = 420


def test_no_module_of_the_core_or_the_cogs_is_too_long() -> None:
    paths = [*(ROOT / "briefing").rglob("*.py"), *(ROOT / "cogs").rglob("*.py")]
    long = {
        str(p.relative_to(ROOT)): n
        for p in paths
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MODULE_LINES_MAX
    }
    assert long == {}
