"""Library rows with known times on two gateways, for the Insights tests: what each gateway's
success rate and generation times must come out as is worked out here by hand, not by the code
under test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lib.gateway.models import Song, Task, TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library.store import HistoryStore

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
# (gateway, status, queue seconds, generation seconds or None, model, fail reason)
ROWS = [
    ("Acme", TaskStatus.SUCCESS, 10, 60, "chirp-v4", ""),
    ("Acme", TaskStatus.SUCCESS, 10, 90, "chirp-v4", ""),
    ("Acme", TaskStatus.SUCCESS, 10, 120, "chirp-auk", ""),
    ("Acme", TaskStatus.FAILURE, 10, None, "chirp-v4", "moderation: lyrics refused"),
    ("Bolt", TaskStatus.SUCCESS, 5, 30, "chirp-crow", ""),
    ("Bolt", TaskStatus.SUCCESS, 5, 50, "chirp-crow", ""),
]
# By hand: Acme ended 4, succeeded 3 → 75 %; generation times 60, 90, 120 → median 90 s, p90
# (linear between the 2nd and 3rd) 90 + 0.8 × 30 = 114 s. Bolt: 2/2 → 100 %; 30, 50 → median
# 40 s, p90 30 + 0.9 × 20 = 48 s.
EXPECTED = {
    "Acme": {"success": "75% (3/4)", "gen_p50": "1m 30s", "gen_p90": "1m 54s", "queue_p50": "10 s"},
    "Bolt": {"success": "100% (2/2)", "gen_p50": "40 s", "gen_p90": "48 s", "queue_p50": "5 s"},
}
SONG_SECONDS = 120.0
QUOTA = 50_000  # new-api quota per task: $0.10


def seed(store: HistoryStore) -> None:
    for number, (gateway, status, queue, generation, model, reason) in enumerate(ROWS):
        submitted = DAY + timedelta(hours=number)
        started = submitted + timedelta(seconds=queue)
        finished = started + timedelta(seconds=generation) if generation is not None else None
        songs = (
            tuple(Song(f"clip-{number}-{i}", title=f"Song {i}", duration=SONG_SECONDS, model=model) for i in (0, 1))
            if status is TaskStatus.SUCCESS
            else ()
        )
        task = Task(
            f"task-{number}",
            "suno",
            status,
            fail_reason=reason,
            submitted_at=submitted,
            started_at=started if generation is not None else None,
            finished_at=finished,
            songs=songs,
            raw={"code": "success", "data": {"task_id": f"task-{number}", "quota": QUOTA}},
        )
        store.record_task(task, GatewayProfile(gateway, f"https://{gateway.lower()}.example.com", "k"), now=submitted)
