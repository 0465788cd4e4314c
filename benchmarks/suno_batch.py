"""Inspecting many Suno task IDs behind a slow gateway: ``GatewayClient.fetch_tasks`` (the batch
route, 100 IDs per POST) against one GET per ID."""

from __future__ import annotations

import math
import statistics

from benchmarks.common import API_KEY, Row, timed
from lib.gateway.client import BATCHES_IN_FLIGHT, GatewayClient
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
    many = 5 * count  # 1,000 IDs: ten chunks (BATCHES_IN_FLIGHT at a time)
    clock = ManualClock()
    with SandboxGateway(SandboxConfig(), clock=clock) as gateway:
        ids = submit_finished(gateway, clock, many, "suno")
        gateway.config.latency = latency
        with GatewayClient(gateway.url, API_KEY, batch_size=batch_size) as client:
            client.fetch_task(ids[0], "suno")  # a warm connection, as in the app's session client
            one = single_latency(client, ids[0], "suno")
            client.fetch_tasks(ids[: batch_size * BATCHES_IN_FLIGHT], "suno")  # warm every pooled connection
            gateway.clear_requests()
            wall, found = timed(lambda: client.fetch_tasks(ids[:count], "suno"))
            sent = gateway.requests
            assert len(found) == count, f"the batch returned {len(found)} of {count} tasks"
            if quick:
                sequential, how = one * count, "estimated as IDs × one request's latency"
            else:
                sequential, _ = timed(lambda: [client.fetch_task(i, "suno") for i in ids[:count]])
                how = "measured: a real loop of fetch_task"
            many_rows = _many(gateway, client, ids, batch_size, one)
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
    return rows + many_rows


def _many(gateway: SandboxGateway, client: GatewayClient, ids: list[str], batch_size: int, one: float) -> list[Row]:
    """All ``ids`` (ten chunks), chunks together (the client's way) and one chunk at a time. The
    physical limit: the round trips the bound allows (``waves`` × one request's time) plus the
    chunks' building and parsing, which the GIL keeps serial (a chunk's time beyond one request,
    median of 5: the sandbox runs in this process, so its half of the work counts too)."""
    chunk = statistics.median(timed(lambda: client.fetch_tasks(ids[:batch_size], "suno"))[0] for _ in range(5))
    gateway.clear_requests()
    wall, found = timed(lambda: client.fetch_tasks(ids, "suno"))
    requests = len(gateway.requests)
    assert len(found) == len(ids), f"the batch returned {len(found)} of {len(ids)} tasks"
    with GatewayClient(gateway.url, API_KEY, batch_size=batch_size, batches_in_flight=1) as one_by_one:
        one_by_one.fetch_tasks(ids[:batch_size], "suno")
        sequential, _ = timed(lambda: one_by_one.fetch_tasks(ids, "suno"))
    chunks = math.ceil(len(ids) / batch_size)
    waves = math.ceil(chunks / BATCHES_IN_FLIGHT)
    parse = max(0.0, chunk - one)
    limit = waves * one + chunks * parse
    target = 1.25 * limit
    details = {
        "ids": len(ids),
        "one_request_s": round(one, 4),
        "chunks": chunks,
        "batches_in_flight": BATCHES_IN_FLIGHT,
        "waves": waves,
        "requests": requests,
        "one_chunk_s": round(chunk, 4),
        "physical_limit_s": round(limit, 4),
        "wall_s": round(wall, 4),
        "one_chunk_at_a_time_s": round(sequential, 4),
    }
    label = f"{len(ids)} IDs @ {gateway.config.latency * 1000:.0f} ms"
    return [
        Row(
            NAME,
            f"{label}: wall time, {chunks} chunks {BATCHES_IN_FLIGHT} at a time",
            wall * 1000,
            "ms",
            f"≤ 1.25 × limit = {target * 1000:.0f} ms",
            wall <= target and requests == chunks,
            f"Limit {limit * 1000:.0f} ms = {waves} round trips of {one * 1000:.0f} ms ({chunks} chunks, "
            f"{BATCHES_IN_FLIGHT} in flight) + {chunks} × {parse * 1000:.0f} ms building and parsing a chunk of "
            f"{batch_size} (serial under the GIL; one chunk alone takes {chunk * 1000:.0f} ms)."
            + ("" if requests == chunks else f" Expected {chunks} requests, saw {requests}."),
            details,
        ),
        Row(
            NAME,
            f"{label}: one chunk at a time (before)",
            sequential * 1000,
            "ms",
            note=f"{sequential / wall:.1f}× the time of chunks together.",
            details=details,
        ),
    ]


def _why_slow(wall: float, one: float, requests: int) -> str:
    overhead = wall - requests * one
    return (
        f"{requests} requests × {one * 1000:.0f} ms = {requests * one * 1000:.0f} ms of latency; the other "
        f"{overhead * 1000:.0f} ms is building and parsing the large batch answers (sandbox + client)."
    )
