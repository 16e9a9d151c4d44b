"""The image and the compose file as the README promises them. No Docker engine runs here,
so the files are read and linted (hadolint, installed from PyPI with the test extras)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

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
    # Exec form, so that the bot is PID 1 and receives docker stop's SIGTERM itself.
    assert ("ENTRYPOINT", '["python", "bot.py"]') in steps
    assert steps[-1] == ("CMD", '["run"]')


def test_dependencies_are_a_layer_of_their_own() -> None:
    """Installed from pyproject.toml alone, before any code is copied: editing the code
    does not reinstall every dependency."""
    steps = instructions()
    deps = next(i for i, (w, rest) in enumerate(steps) if w == "RUN" and "-r /tmp/req" in rest)
    copies = [i for i, (w, rest) in enumerate(steps) if w == "COPY"]
    assert steps[copies[0]] == ("COPY", "pyproject.toml ./") and copies[0] < deps
    assert all(i > deps for i in copies[1:])
    assert any(w == "RUN" and "pip install --no-cache-dir --no-deps ." in r for w, r in steps)


def test_the_health_check_probes_the_health_endpoint() -> None:
    steps = dict(instructions())
    assert "BRIEFING_HEALTH_PORT=8080" in steps["ENV"]
    check = steps["HEALTHCHECK"]
    assert "--start-period=" in check and "http://127.0.0.1:8080/healthz" in check
    command = json.loads(check[check.index("CMD") + 3 :])
    done = subprocess.run(  # the probe itself is valid Python (nothing listens: it fails)
        [sys.executable, "-c", command[-1].replace("8080", "1")], capture_output=True
    )
    assert done.returncode != 0 and b"SyntaxError" not in done.stderr


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_compose_file_deploys_with_the_volume_and_a_graceful_stop() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    bot = compose["services"]["bot"]
    assert bot["build"] == "." and bot["env_file"] == ".env"
    assert bot["volumes"] == ["briefing-data:/app/data"] and "briefing-data" in compose["volumes"]
    assert bot["stop_signal"] == "SIGTERM" and bot["stop_grace_period"] == "15s"
    assert bot["restart"] == "unless-stopped"


def test_every_package_and_the_seed_are_copied() -> None:
    copied = " ".join(rest for word, rest in instructions() if word == "COPY")
    for needed in ("pyproject.toml", "briefing", "cogs", "sandbox", "bot.py", "briefing.yaml"):
        assert needed in copied
