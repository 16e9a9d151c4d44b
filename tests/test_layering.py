"""The layers of the house, read from the imports themselves (DESIGN.md §1).

    models <- store <- answers and queries <- cogs <- bot.py
    models <- render <-'
    models <- integrity, typed, import_plan <- store <- editorial, io <- cogs

Every import counts, including those inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (who, what it must not import, why). `who` and `what` are module names or their prefixes.
RULES: list[tuple[str, tuple[str, ...], str]] = [
    ("briefing", ("discord", "cogs", "bot", "sandbox"), "the core never imports discord"),
    (
        "briefing.models",
        ("briefing.store", "briefing.render", "briefing.answers", "briefing.queries"),
        "models render nothing and know no storage",
    ),
    (
        "briefing.seed",
        ("briefing.store", "briefing.render", "briefing.answers", "briefing.queries"),
        "the seed loader hands the store models",
    ),
    (
        "briefing.store",
        (
            "briefing.render",
            "briefing.answers",
            "briefing.queries",
            "briefing.seed",
            "briefing.editorial",
            "briefing.io",
        ),
        "the store is SQL only: it renders nothing and knows nothing above it",
    ),
    (
        "briefing.integrity",
        ("briefing.store", "briefing.render", "briefing.answers", "briefing.editorial"),
        "the integrity rules look at models only, so every writer can apply them",
    ),
    (
        "briefing.typed",
        ("briefing.store", "briefing.render", "briefing.answers", "briefing.editorial"),
        "reading typed input is pure",
    ),
    (
        "briefing.import_plan",
        ("briefing.store", "briefing.render", "briefing.answers", "briefing.io"),
        "an import plan is worked out from models, so the store can repeat it",
    ),
    (
        "briefing.editorial",
        ("briefing.render", "briefing.answers", "briefing.queries"),
        "the desk changes data; how a change reads is rendering's business",
    ),
    (
        "briefing.render",
        ("briefing.store", "briefing.answers", "briefing.queries", "sqlite3", "aiosqlite"),
        "rendering is plain data in, cards out, no I/O",
    ),
    ("cogs", ("sqlite3", "aiosqlite", "briefing.store", "bot"), "cogs never touch the store"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(source: str, module: str, *, package: bool = False) -> set[str]:
    """Every module `source` imports; `from a import b` counts as both a and a.b."""
    found: set[str] = set()
    base = module.split(".") if package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def breaches(module: str, imported: set[str]) -> list[str]:
    out = []
    for who, forbidden, why in RULES:
        if not under(module, who):
            continue
        for name in sorted(imported):
            if any(under(name, f) for f in forbidden):
                out.append(f"{module} imports {name}: {why}")
    return out


def sources() -> list[Path]:
    found = sorted((ROOT / "briefing").rglob("*.py")) + sorted((ROOT / "cogs").rglob("*.py"))
    return [*found, ROOT / "bot.py"]


def test_every_layer_keeps_to_its_rules() -> None:
    problems = []
    for path in sources():
        module = module_name(path)
        source = path.read_text(encoding="utf-8")
        problems += breaches(module, imports(source, module, package=path.name == "__init__.py"))
    assert problems == []


def test_nothing_imports_the_entry_point() -> None:
    for path in sources():
        module = module_name(path)
        if module != "bot":
            assert "bot" not in imports(path.read_text(encoding="utf-8"), module), module


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("briefing.store.claims", "from briefing.render.claim import claim_card", "renders"),
        ("briefing.store.claims", "from ..render import cards", "renders"),
        ("briefing.models", "from briefing import render", "render nothing"),
        ("cogs.health", "import sqlite3", "never touch the store"),
        ("cogs._views", "from briefing.store import Store", "never touch the store"),
        ("cogs._views", "if TYPE_CHECKING:\n    from bot import BriefingBot", "never touch"),
        ("briefing.answers", "def f():\n    import discord", "never imports discord"),
    ],
)
def test_a_breach_is_caught(module: str, source: str, expected: str) -> None:
    found = breaches(module, imports(source, module))
    assert found and expected in found[0], found


def test_allowed_imports_pass() -> None:
    assert breaches("briefing.answers", imports("from briefing.store import Store", "x")) == []
    assert breaches("cogs.briefings", imports("from briefing.answers import Paging", "x")) == []
