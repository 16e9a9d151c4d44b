"""The guards for what Discord should not send, on their own (the e2e suite drives them
through the real bot: tests/e2e/test_odd_input.py)."""

from __future__ import annotations

import pytest

from cogs._odd_input import guard_parsers, has_lone_surrogate, no_choices_on_error


async def test_a_failing_autocomplete_answers_no_choices_and_logs_the_bug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Cog:
        @no_choices_on_error
        async def choices(self, interaction: object, current: str) -> list[str]:
            if current == "boom":
                raise RuntimeError("the store went away")
            return [current]

    assert await Cog().choices(None, "kursk") == ["kursk"]
    assert await Cog().choices(None, "boom") == []
    assert "autocomplete choices failed; answered with no choices" in caplog.text
    assert "RuntimeError: the store went away" in caplog.text  # the traceback, for the bug


def test_lone_surrogates_are_found_anywhere_in_the_data() -> None:
    assert has_lone_surrogate({"options": [{"value": "a\ud800b"}]})
    assert has_lone_surrogate(["\udfff"])
    assert not has_lone_surrogate({"options": [{"value": "북한 Курськ 😀", "n": 3}]})


def test_a_malformed_event_is_skipped_and_others_still_parse(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[object] = []

    def role_create(data: dict[str, str]) -> None:
        seen.append(data["role"])

    parsers = {"GUILD_ROLE_CREATE": role_create, "READY": role_create}
    guard_parsers(parsers)
    parsers["GUILD_ROLE_CREATE"]({})
    parsers["GUILD_ROLE_CREATE"]({"role": "r"})
    assert seen == ["r"]
    assert "skipped a malformed GUILD_ROLE_CREATE event" in caplog.text
    with pytest.raises(KeyError):  # READY is left alone: without it nothing can go on
        parsers["READY"]({})
