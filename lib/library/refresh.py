"""Re-fetching library rows: each through the gateway it came from, Suno in batch calls."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lib.gateway.errors import GatewayError
from lib.gateway.profiles import GatewayProfile
from lib.library.store import HistoryEntry, HistoryStore

# (gateway name, base URL) -> a client and the profile rows are recorded under, or None when this
# session cannot reach that gateway (not configured, no key).
Connect = Callable[[str, str], tuple[Any, GatewayProfile] | None]


@dataclass
class RefreshReport:
    asked: int = 0
    found: int = 0
    changed: int = 0
    missing: list[str] = field(default_factory=list)
    unreachable: dict[str, int] = field(default_factory=dict)  # gateway name -> rows skipped
    errors: list[GatewayError] = field(default_factory=list)
    expired: int = 0  # Sending rows no POST waits for any more, now Outcome unknown


def refresh_entries(
    store: HistoryStore, entries: Iterable[HistoryEntry], connect: Connect, *, sending_timeout_s: float | None = None
) -> RefreshReport:
    """``sending_timeout_s``: the submit timeout (and connect time); *Sending* rows older than
    that were left by a process killed mid-POST, and a refresh turns them *Outcome unknown*."""
    report = RefreshReport()
    if sending_timeout_s is not None:
        report.expired = store.expire_sending(sending_timeout_s)
    groups: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    # Whose rows hold each task: an operator's refresh updates every user's row in place, never
    # copies them into the operator's own library.
    owners: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for entry in entries:
        if entry.task_id:
            ids = groups[(entry.gateway_name, entry.gateway_url)][entry.platform]
            if entry.task_id not in ids:
                ids.append(entry.task_id)
            owners[(entry.gateway_name, entry.platform, entry.task_id)].add(entry.owner)
    for (name, url), by_platform in groups.items():
        count = sum(len(ids) for ids in by_platform.values())
        connection = connect(name, url)
        if connection is None:
            report.unreachable[name] = report.unreachable.get(name, 0) + count
            continue
        client, profile = connection
        for platform, ids in by_platform.items():
            report.asked += len(ids)
            try:
                found = client.fetch_tasks(ids, platform)
            except GatewayError as error:
                report.errors.append(error)
                continue
            report.found += len(found)
            report.missing += [task_id for task_id in ids if task_id not in found]
            for task in found.values():
                for owner in sorted(owners[(name, platform, task.task_id)] or {store.owner}):
                    if store.record_task(task, profile, owner=owner):
                        report.changed += 1
    return report
