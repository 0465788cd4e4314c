"""What every benchmark shares: a result row, timing helpers, the printed table, the machine."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
APP = str(ROOT / "app.py")
API_KEY = "bench-key"


@dataclass
class Row:
    """One measured figure. ``ok`` is None when there is no target (reported only)."""

    benchmark: str
    figure: str
    value: float | None
    unit: str
    target: str = "—"
    ok: bool | None = None
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "MISS", None: "report"}[self.ok]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit in ("requests", "sessions", "rows", "errors"):
        return f"{value:.0f} {unit}"
    if unit == "x":
        return f"{value:.1f}×"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    if abs(value) >= 10:
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"


def table(rows: list[Row]) -> str:
    """The rows as a plain-text table, each note numbered underneath."""
    header = ("Benchmark", "Figure", "Measured", "Target", "Result")
    notes: list[str] = []
    lines = []
    for row in rows:
        verdict = row.verdict
        if row.note:
            notes.append(row.note)
            verdict += f" [{len(notes)}]"
        lines.append((row.benchmark, row.figure, fmt(row.value, row.unit), row.target, verdict))
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    out = [" | ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header]]
    out.append("-+-".join("-" * w for w in widths))
    out += [" | ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in lines]
    if notes:
        out.append("")
        out += [f"[{n}] {text}" for n, text in enumerate(notes, 1)]
    return "\n".join(out)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    times = [timed(fn)[0] for _ in range(max(1, runs))]
    return statistics.median(times), times


@contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """Set (or, with None, remove) environment variables for a block; restored afterwards."""
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        import streamlit

        info["streamlit"] = streamlit.__version__
    except ImportError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        info["load_average"] = [round(v, 2) for v in os.getloadavg()]
    except OSError:
        pass
    return info
