"""/metrics, scraped as Prometheus would and read with the client library's own parser:
what members asked, how fast, what went wrong, digests, the gateway and the store."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import free_port
from tests.e2e.newsroom import newsroom

MANAGE_GUILD = 1 << 5


async def test_metrics_count_what_happened(tmp_path: Path) -> None:
    port = free_port()
    async with newsroom(tmp_path, BRIEFING_HEALTH_PORT=str(port)) as room:
        await room.run("claim", room.member, id="kursk-recaptured")
        await room.run("claim", room.member, id="no-such-claim")  # a clear error, no bug
        await room.run("troops", room.member)
        admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
        general = room.home.channel("general")
        await room.run("digest subscribe", admin, channel=general)
        await room.run("digest send-now", admin, channel=general)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("text/plain; version=")
                text = await response.text()

    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }

    def value(name: str, **labels: str) -> float:
        return samples.get((name, tuple(sorted(labels.items()))), 0.0)

    assert value("briefing_interactions_total", kind="application_command", command="claim") == 2
    assert value("briefing_commands_answered_total", command="claim") == 1
    assert value("briefing_commands_answered_total", command="troops") == 1
    assert value("briefing_command_seconds_count", command="claim") == 1
    assert value("briefing_command_seconds_bucket", command="claim", le="+Inf") == 1
    assert value("briefing_errors_total", kind="expected") == 1
    assert value("briefing_errors_total", kind="bug") == 0
    assert value("briefing_digest_deliveries_total", outcome="sent") == 1
    assert value("briefing_gateway_connected") == 1
    assert 0 < value("briefing_gateway_latency_seconds") < 1
    assert value("briefing_store_claims") > 20
    assert value("briefing_store_bytes") > 100_000
