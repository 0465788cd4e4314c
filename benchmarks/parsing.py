"""Parsing: what ``lib.parser.parse_task`` costs per task next to decoding the same body with
``json.loads``, on finished two-song Suno and Udio answers fetched once from a sandbox."""

from __future__ import annotations

import json
import timeit

import requests

from benchmarks.common import API_KEY, Row
from lib.gateway.client import GatewayClient
from lib.gateway.parser import parse_task
from lib.sandbox import ManualClock, SandboxConfig, SandboxGateway

NAME = "parsing"


def sandbox_bodies() -> dict[str, str]:
    """The raw text of a finished Suno and a finished Udio fetch answer."""
    clock = ManualClock()
    with SandboxGateway(SandboxConfig(), clock=clock) as gateway:
        with GatewayClient(gateway.url, API_KEY) as client:
            suno = client.generate("rain on the city at night, jazz piano")
            udio = client.udio_generate("a sea shanty with fiddles and a stomping crowd")
        clock.advance(60)  # past every default timeline: both finished, two songs each
        headers = {"Authorization": f"Bearer {API_KEY}"}
        bodies = {}
        for platform, task_id in (("suno", suno), ("udio", udio)):
            response = requests.get(f"{gateway.url}/{platform}/fetch/{task_id}", headers=headers, timeout=10)
            response.raise_for_status()
            bodies[platform] = response.text
    return bodies


def per_call_us(fn, number: int, repeat: int) -> float:
    """Best of ``repeat`` runs of ``number`` calls, in µs per call (timeit's advice: the minimum)."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def run(quick: bool) -> list[Row]:
    number, repeat = (200, 3) if quick else (2000, 7)
    rows = []
    for platform, text in sandbox_bodies().items():
        decoded = json.loads(text)
        task = parse_task(decoded, platform)
        assert len(task.songs) == 2 and task.is_terminal, task
        loads_us = per_call_us(lambda text=text: json.loads(text), number, repeat)
        parse_us = per_call_us(lambda decoded=decoded, platform=platform: parse_task(decoded, platform), number, repeat)
        label = platform.capitalize()
        details = {
            "body_bytes": len(text.encode()),
            "json_loads_us": round(loads_us, 1),
            "parse_task_us": round(parse_us, 1),
            "ratio": round(parse_us / loads_us, 2),
            "calls": number,
            "repeats": repeat,
        }
        rows.append(
            Row(NAME, f"{label}: json.loads ({len(text.encode()):,} B body)", loads_us, "µs/task", details=details)
        )
        rows.append(Row(NAME, f"{label}: parse_task", parse_us, "µs/task", details=details))
        rows.append(Row(NAME, f"{label}: parse_task / json.loads", parse_us / loads_us, "x", details=details))
    return rows
