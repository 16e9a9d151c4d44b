from tests.e2e.conftest import Live


async def test_troops(live: Live) -> None:
    result = await live.run("troops")
    print(result.embeds)
    assert result.embeds
