"""Inspecting many Suno task IDs behind a slow gateway: ``GatewayClient.fetch_tasks`` (the batch
route, 100 IDs per POST) against one GET per ID."""

from __future__ import annotations

import math
import statistics

from benchmarks.common import API_KEY, Row, timed
from lib.gateway.client import GatewayClient
from lib.sandbox import ManualClock, SandboxConfig, SandboxGateway

NAME = "suno"
LATENCY_S = 0.1


def submit_finished(gateway: SandboxGateway, clock: ManualClock, count: int, platform: str) -> list[str]:
    """``count`` finished two-song tasks, submitted before any latency is switched on."""
    with GatewayClient(gateway.url, API_KEY) as client:
        submit = client.generate if platform == "suno" else client.udio_generate
        ids = [submit(f"benchmark song {n}, synthwave") for n in range(count)]
    clock.advance(60)
    return ids


def single_latency(client: GatewayClient, task_id: str, platform: str, samples: int = 5) -> float:
    return statistics.median(timed(lambda: client.fetch_task(task_id, platform))[0] for _ in range(samples))


def run(quick: bool) -> list[Row]:
    count, latency, batch_size = (20, 0.02, 10) if quick else (200, LATENCY_S, 100)
    clock = ManualClock()
    with SandboxGateway(SandboxConfig(), clock=clock) as gateway:
        ids = submit_finished(gateway, clock, count, "suno")
        gateway.config.latency = latency
        with GatewayClient(gateway.url, API_KEY, batch_size=batch_size) as client:
            client.fetch_task(ids[0], "suno")  # a warm connection, as in the app's session client
            one = single_latency(client, ids[0], "suno")
            gateway.clear_requests()
            wall, found = timed(lambda: client.fetch_tasks(ids, "suno"))
            sent = gateway.requests
            assert len(found) == count, f"the batch returned {len(found)} of {count} tasks"
            if quick:
                sequential, how = one * count, "estimated as IDs × one request's latency"
            else:
                sequential, _ = timed(lambda: [client.fetch_task(i, "suno") for i in ids])
                how = "measured: a real loop of fetch_task"
    expected = math.ceil(count / batch_size)
    routes = sorted({f"{r['method']} {r['path']}" for r in sent})
    max_requests = 3
    wall_target = 3 * one
    label = f"{count} IDs @ {latency * 1000:.0f} ms"
    details = {
        "ids": count,
        "latency_s": latency,
        "batch_size": batch_size,
        "requests": len(sent),
        "routes": routes,
        "wall_s": round(wall, 4),
        "single_request_s": round(one, 4),
        "sequential_s": round(sequential, 3),
        "sequential_how": how,
    }
    rows = [
        Row(
            NAME,
            f"{label}: requests (batch route)",
            len(sent),
            "requests",
            f"≤ {max_requests}",
            len(sent) <= max_requests and len(sent) == expected,
            "" if len(sent) == expected else f"expected {expected} POST /suno/fetch, saw {routes}",
            details,
        ),
        Row(
            NAME,
            f"{label}: wall time, batch",
            wall * 1000,
            "ms",
            f"< 3 × one request = {wall_target * 1000:.0f} ms",
            wall < wall_target,
            "" if wall < wall_target else _why_slow(wall, one, len(sent)),
            details,
        ),
        Row(NAME, f"{label}: one request (median of 5)", one * 1000, "ms", details=details),
        Row(
            NAME,
            f"{label}: sequential, one GET per ID",
            sequential * 1000,
            "ms",
            note=f"sequential {how}.",
            details=details,
        ),
        Row(NAME, f"{label}: speed-up batch vs sequential", sequential / wall, "x", details=details),
    ]
    return rows


def _why_slow(wall: float, one: float, requests: int) -> str:
    overhead = wall - requests * one
    return (
        f"{requests} requests × {one * 1000:.0f} ms = {requests * one * 1000:.0f} ms of latency; the other "
        f"{overhead * 1000:.0f} ms is building and parsing the large batch answers (sandbox + client)."
    )
