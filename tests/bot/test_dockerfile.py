"""The image as the README promises it (no Docker engine here, so the file is read)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_slim_python_base_non_root_volume_and_command() -> None:
    steps = instructions()
    assert steps[0][0] == "FROM" and "python:3.11-slim" in steps[0][1]
    users = [rest for word, rest in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("VOLUME", '["/app/data"]') in steps
    assert steps[-1] == ("CMD", '["python", "bot.py", "run"]')
    assert any(word == "RUN" and "pip install ." in rest for word, rest in steps)


def test_every_package_and_the_seed_are_copied() -> None:
    copied = " ".join(rest for word, rest in instructions() if word == "COPY")
    for needed in ("pyproject.toml", "briefing", "cogs", "sandbox", "bot.py", "briefing.yaml"):
        assert needed in copied
