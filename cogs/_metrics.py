"""What an operator's Prometheus scrapes from `/metrics` (served with `/healthz`).

One registry per bot (not the library's global one), filled where things happen: each
interaction as it arrives, each command's time to its answer, each error by kind, each
digest delivery by outcome; the gateway and the store are read when scraped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# From a quick answer to one that waited on a busy store; Discord's deadline is 3 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.interactions = Counter(
            "briefing_interactions",
            "Interactions received, by kind and command",
            ["kind", "command"],
            registry=self.registry,
        )
        self.answered = Counter(
            "briefing_commands_answered",
            "Commands that ran to their answer, by command",
            ["command"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "briefing_command_seconds",
            "From the interaction's creation to its command's answer, by command",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "briefing_errors",
            "Errors answered to members: expected (bad input, refusals), discord (Discord "
            "failed), bug (a reference id was given)",
            ["kind"],
            registry=self.registry,
        )
        self.deliveries = Counter(
            "briefing_digest_deliveries",
            "Digest slots handled, by outcome (sent, skipped, done, busy, paused, failed)",
            ["outcome"],
            registry=self.registry,
        )

    def watch(self, state: Callable[[], dict[str, float]]) -> None:
        """Gauges read at each scrape: `state()` gives name → value (gateway, store)."""
        self.registry.register(_Gauges(state))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _Gauges(Collector):
    def __init__(self, state: Callable[[], dict[str, float]]) -> None:
        self.state = state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, value in self.state().items():
            yield GaugeMetricFamily(f"briefing_{name}", GAUGES.get(name, name), value=value)


GAUGES = {
    "gateway_connected": "1 while connected to Discord's gateway",
    "gateway_latency_seconds": "The gateway's heartbeat round trip",
    "store_claims": "Claims in the store",
    "store_bytes": "Size of the database file and its write-ahead log",
}
