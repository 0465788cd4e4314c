"""A process's memory (and CPU time) from /proc (Linux), no dependency: VmRSS / VmHWM from
``status``, the proportional and private figures from ``smaps_rollup``, CPU time from ``stat``."""

from __future__ import annotations

import os
from pathlib import Path

_STATUS_KEYS = {"VmRSS": "rss_mb", "VmHWM": "hwm_mb", "RssAnon": "anon_mb", "RssFile": "file_mb"}
_ROLLUP_KEYS = {"Pss": "pss_mb", "Private_Clean": "private_mb", "Private_Dirty": "private_mb"}


def _kib_fields(path: Path) -> dict[str, int]:
    fields: dict[str, int] = {}
    for line in path.read_text().splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            fields[name.strip()] = int(parts[0])
    return fields


def rss_mb(pid: int) -> float | None:
    """Resident set size in MiB, or None when the process is gone or /proc is not there."""
    try:
        kib = _kib_fields(Path(f"/proc/{pid}/status")).get("VmRSS")
    except OSError:
        return None
    return None if kib is None else kib / 1024


def memory(pid: int) -> dict[str, float]:
    """rss_mb, hwm_mb (peak RSS since the process started), anon_mb (heap: Python objects, malloc
    arenas) and file_mb (mapped files: shared libraries); pss_mb and private_mb when the kernel
    offers smaps_rollup. Empty when the process is gone."""
    result: dict[str, float] = {}
    try:
        status = _kib_fields(Path(f"/proc/{pid}/status"))
    except OSError:
        return result
    for key, name in _STATUS_KEYS.items():
        if key in status:
            result[name] = round(status[key] / 1024, 1)
    try:
        rollup = _kib_fields(Path(f"/proc/{pid}/smaps_rollup"))
    except OSError:
        return result
    for key, name in _ROLLUP_KEYS.items():
        if key in rollup:
            result[name] = round(result.get(name, 0.0) + rollup[key] / 1024, 1)
    return result


class PeakSampler:
    """``sampler.sample()`` as often as you like; ``peak`` is the largest RSS seen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[float] = []

    def sample(self) -> float | None:
        value = rss_mb(self.pid)
        if value is not None:
            self.samples.append(value)
        return value

    @property
    def peak(self) -> float | None:
        return max(self.samples) if self.samples else None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used so far, in seconds."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren, …), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_cpu_seconds(pids: list[int]) -> float:
    """CPU seconds used so far by these processes (those that have gone count as zero)."""
    return sum(cpu_seconds(pid) or 0.0 for pid in pids)


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy (every core, every process) since boot."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
