"""Inspecting many Udio task IDs behind a slow gateway (Udio has no batch route):
``GatewayClient.fetch_tasks`` sends parallel GETs (``max_workers``) against a sequential loop."""

from __future__ import annotations

import math
import os
import statistics

from benchmarks.common import API_KEY, Row, timed
from benchmarks.suno_batch import LATENCY_S, single_latency, submit_finished
from lib.gateway.client import GatewayClient
from lib.sandbox import ManualClock, SandboxConfig, SandboxGateway

NAME = "udio"
TARGET = 6.0


def parallel_wall(gateway: SandboxGateway, ids: list[str], workers: int, runs: int) -> float:
    with GatewayClient(gateway.url, API_KEY, max_workers=workers) as client:
        client.fetch_tasks(ids[:workers], "udio")  # warm the connection pool, as a live session has
        times = []
        for _ in range(runs):
            wall, found = timed(lambda: client.fetch_tasks(ids, "udio"))
            assert len(found) == len(ids), f"fetched {len(found)} of {len(ids)} Udio tasks"
            times.append(wall)
    return statistics.median(times)


def run(quick: bool) -> list[Row]:
    count, latency, runs = (12, 0.02, 1) if quick else (50, LATENCY_S, 3)
    clock = ManualClock()
    with SandboxGateway(SandboxConfig(), clock=clock) as gateway:
        ids = submit_finished(gateway, clock, count, "udio")
        gateway.config.latency = latency
        with GatewayClient(gateway.url, API_KEY) as client:
            workers = client.max_workers
            client.fetch_task(ids[0], "udio")
            one = single_latency(client, ids[0], "udio")
            gateway.clear_requests()
            sequential, _ = timed(lambda: [client.fetch_task(i, "udio") for i in ids])
        parallel = parallel_wall(gateway, ids, workers, runs)
        speedup = sequential / parallel
        ceiling = count / math.ceil(count / workers)
        note = (
            f"with max_workers={workers}, {count} IDs go out in {math.ceil(count / workers)} waves: "
            f"at most {ceiling:.1f}× in theory."
        )
        better = None
        if speedup < TARGET:
            needed = math.ceil(count / math.floor(count / TARGET))  # fewest workers whose waves allow the target
            more = max(16, 2 * workers)
            better = (more, sequential / parallel_wall(gateway, ids, more, runs))
            if workers < needed:
                note += f" The target needs max_workers ≥ {needed} even in theory."
            else:
                note += (
                    f" The waves allow it, so the shortfall is per-request overhead on top of the "
                    f"{latency * 1000:.0f} ms (threads, connections, JSON) on {os.cpu_count()} CPUs."
                )
            note += (
                f" Measured with max_workers={more}: {better[1]:.1f}× "
                f"({'meets' if better[1] >= TARGET else 'still misses'} the target). lib/gateway/client.py unchanged."
            )
    label = f"{count} IDs @ {latency * 1000:.0f} ms"
    details = {
        "ids": count,
        "latency_s": latency,
        "max_workers": workers,
        "single_request_s": round(one, 4),
        "sequential_s": round(sequential, 3),
        "parallel_s": round(parallel, 4),
        "speedup": round(speedup, 2),
        "theoretical_ceiling": round(ceiling, 2),
        "with_more_workers": better,
    }
    return [
        Row(NAME, f"{label}: one request (median of 5)", one * 1000, "ms", details=details),
        Row(NAME, f"{label}: sequential, measured", sequential * 1000, "ms", details=details),
        Row(NAME, f"{label}: parallel fetch_tasks (max_workers={workers})", parallel * 1000, "ms", details=details),
        Row(
            NAME,
            f"{label}: speed-up parallel vs sequential",
            speedup,
            "x",
            f"≥ {TARGET:.0f}×",
            speedup >= TARGET,
            note,
            details,
        ),
    ]
