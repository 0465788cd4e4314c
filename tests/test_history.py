"""The task library on SQLite and on a real PostgreSQL server (when ``HISTORY_TEST_POSTGRES_URL``
names one): schema, one write per change, submits that are never lost, filters, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from lib.gateway.models import Lyrics, Song, Task, TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library import store as history
from lib.library.store import HistoryFilter, HistoryStore, HistoryUnavailable
from tests.conftest import PAST_DONE

CANARY_KEY = "sk-CANARY-7f3a9d1e5b2c4a6f8e0d"
PROFILE = GatewayProfile("team-gw", "https://gw.example.com", CANARY_KEY)
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def make_task(
    task_id: str = "t-1",
    status: TaskStatus = TaskStatus.IN_PROGRESS,
    *,
    title: str = "Neon Rain",
    platform: str = "suno",
    submitted: datetime = T0,
    songs: int = 2,
    marker: int = 0,
) -> Task:
    clips = tuple(
        Song(
            id=f"{task_id}-c{i}",
            title=title,
            tags=("synthwave", "female vocals"),
            lyrics="[Verse]\nlights",
            description="city rain at night",
            audio_url=f"https://cdn.example.com/{task_id}-{i}.mp3",
            image_url=f"https://cdn.example.com/{task_id}-{i}.png",
            duration=121.5,
            model="chirp-v4",
        )
        for i in range(songs)
    )
    raw = {"task_id": task_id, "status": status.value, "marker": marker}
    return Task(
        task_id=task_id,
        platform=platform,
        status=status,
        action="MUSIC",
        submitted_at=submitted,
        songs=clips,
        fail_reason="flagged" if status is TaskStatus.FAILURE else "",
        raw=raw,
    )


@pytest.fixture
def store(history_url):
    opened = HistoryStore(history_url)
    yield opened
    opened.close()


def test_schema_is_created_once_and_versioned(history_url):
    HistoryStore(history_url).close()
    again = HistoryStore(history_url)  # a second start finds the schema and changes nothing
    with again.engine.connect() as conn:
        versions = conn.execute(sa.select(history.schema_info.c.version)).scalars().all()
    assert versions == [history.SCHEMA_VERSION]
    again.close()


def test_a_newer_schema_is_refused_with_a_clear_message(history_url):
    store = HistoryStore(history_url)
    with store.engine.begin() as conn:
        conn.execute(history.schema_info.insert().values(version=99, applied_at=T0))
    store.close()
    with pytest.raises(HistoryUnavailable, match="schema version 99"):
        HistoryStore(history_url)


def test_a_fetch_is_recorded_with_what_the_library_shows(store):
    assert store.record_task(make_task(), PROFILE)
    [entry] = store.search()
    assert (entry.platform, entry.task_id, entry.status, entry.origin) == ("suno", "t-1", "IN_PROGRESS", "inspected")
    assert (entry.gateway_name, entry.gateway_url) == ("team-gw", "https://gw.example.com")
    assert entry.key_fingerprint == PROFILE.key_fingerprint and len(entry.key_fingerprint) == 10
    assert (entry.title, entry.song_count, entry.model, entry.duration) == ("Neon Rain", 2, "chirp-v4", 121.5)
    assert entry.cover_url == "https://cdn.example.com/t-1-0.png"
    assert entry.tags == "synthwave, female vocals" and entry.prompt == "city rain at night"
    assert entry.submitted_at == T0 and entry.first_seen.tzinfo is not None
    assert 0 < entry.progress < 100
    assert json.loads(entry.last_body)["marker"] == 0


def test_one_write_per_change_not_per_poll(store, history_url):
    task = make_task()
    assert store.record_task(task, PROFILE) is True
    assert store.record_task(task, PROFILE) is False  # the same answer again: nothing written
    first = store.search()[0].updated_at
    # Another process (a fresh store) that sees the same answer does not write either.
    other = HistoryStore(history_url)
    assert other.record_task(task, PROFILE) is False
    assert other.record_task(make_task(status=TaskStatus.SUCCESS, marker=1), PROFILE) is True
    other.close()
    entry = store.search()[0]
    assert entry.status == "SUCCESS" and entry.progress == 100 and entry.updated_at >= first
    assert store.count() == 1


def test_star_and_note_survive_later_fetches(store):
    store.record_task(make_task(), PROFILE)
    row = store.search()[0].id
    store.set_starred([row], True)
    store.set_note(row, "demo for Friday")
    store.record_task(make_task(status=TaskStatus.SUCCESS, title="Final Title", marker=2), PROFILE)
    entry = store.get(row)
    assert entry.starred and entry.note == "demo for Friday" and entry.title == "Final Title"
    store.set_starred([row], False)
    assert not store.get(row).starred


def test_a_submit_is_written_before_the_post_and_completed_after(store):
    body = {"gpt_description_prompt": "a lullaby for robots", "mv": "chirp-v4", "make_instrumental": False}
    row = store.begin_submit(PROFILE, platform="suno", action="generate", route="/suno/submit/music", body=body)
    entry = store.get(row)
    assert (entry.status, entry.task_id, entry.origin) == (history.SENDING, None, "submitted")
    assert entry.request == body and entry.prompt == "a lullaby for robots"
    store.complete_submit(row, "new-task")
    assert (store.get(row).task_id, store.get(row).status) == ("new-task", "NOT_START")
    # Later fetches update the same row and keep what was sent.
    store.record_task(make_task("new-task", TaskStatus.SUCCESS), PROFILE)
    [entry] = store.search()
    assert entry.id == row and entry.status == "SUCCESS" and entry.request == body
    assert entry.origin == "submitted" and entry.action == "generate"


def test_unknown_and_rejected_submits_are_kept_with_their_reason(store):
    unknown = store.begin_submit(
        PROFILE,
        platform="udio",
        action="udio-generate",
        route="/udio/submit/music",
        body={"gen_params": {"prompt": "sea shanty"}},
    )
    store.mark_outcome_unknown(unknown, "no answer within 60 s after sending")
    rejected = store.begin_submit(
        PROFILE,
        platform="suno",
        action="custom",
        route="/suno/submit/music",
        body={"prompt": "[Verse]", "tags": "rock", "title": "Loud"},
    )
    store.mark_rejected(rejected, "HTTP 400: prompt too long")
    assert store.get(unknown).status == history.OUTCOME_UNKNOWN
    assert store.get(unknown).submit_error.startswith("no answer")
    assert store.get(unknown).prompt == "sea shanty"
    assert (store.get(rejected).status, store.get(rejected).title) == (history.REJECTED, "Loud")
    assert store.unfinished() == []  # neither has a task to fetch
    assert store.count(HistoryFilter(statuses=(history.OUTCOME_UNKNOWN,))) == 1


def test_an_answer_racing_a_fetch_leaves_one_row(store):
    row = store.begin_submit(PROFILE, platform="suno", action="generate", route="/suno/submit/music", body={})
    store.record_task(make_task("raced"), PROFILE)
    store.complete_submit(row, "raced")
    assert [e.id for e in store.search()] == [row]


def test_the_same_task_id_on_two_gateways_is_two_rows(store):
    other = GatewayProfile("other-gw", "https://other.example.com", "k2")
    store.record_task(make_task("same"), PROFILE)
    store.record_task(make_task("same"), other)
    assert store.count() == 2
    assert store.gateway_names() == ["other-gw", "team-gw"]


def test_filters_and_free_text_search(store):
    udio = GatewayProfile("udio-gw", "https://u.example.com", "k")
    store.record_task(make_task("a-1", TaskStatus.SUCCESS, title="Morning Coffee", submitted=T0), PROFILE)
    store.record_task(
        make_task("b-2", TaskStatus.FAILURE, title="Night Drive", submitted=T0 + timedelta(days=3)), PROFILE
    )
    store.record_task(
        make_task(
            "c-3", TaskStatus.IN_PROGRESS, title="100% Pure_Joy", platform="udio", submitted=T0 + timedelta(days=6)
        ),
        udio,
    )

    def ids(**kw):
        return [e.task_id for e in store.search(HistoryFilter(**kw))]

    assert ids() == ["c-3", "b-2", "a-1"]  # newest first
    assert ids(platforms=("udio",)) == ["c-3"]
    assert ids(statuses=("SUCCESS", "FAILURE")) == ["b-2", "a-1"]
    assert ids(gateways=("team-gw",)) == ["b-2", "a-1"]
    assert ids(since=date(2026, 11, 4)) == ["c-3", "b-2"]
    assert ids(until=date(2026, 11, 4)) == ["b-2", "a-1"]
    assert ids(since=date(2026, 11, 4), until=date(2026, 11, 4)) == ["b-2"]
    assert ids(text="coffee") == ["a-1"]  # title, any case
    assert ids(text="B-2") == ["b-2"]  # task ID
    assert ids(text="synthwave") == ["c-3", "b-2", "a-1"]  # tags
    assert ids(text="city rain") == ["c-3", "b-2", "a-1"]  # prompt
    assert ids(text="100%") == ["c-3"] and ids(text="_") == ["c-3"]  # LIKE wildcards are literal
    row = store.search(HistoryFilter(text="night drive"))[0].id
    store.set_note(row, "client liked it")
    store.set_starred([row], True)
    assert ids(text="client liked") == ["b-2"]
    assert ids(starred_only=True) == ["b-2"]
    assert store.count(HistoryFilter(platforms=("suno",))) == 2


def test_pages_unfinished_find_and_delete(store):
    for n in range(25):
        status = TaskStatus.SUCCESS if n % 5 else TaskStatus.QUEUED
        store.record_task(make_task(f"p-{n:02}", status, submitted=T0 + timedelta(minutes=n)), PROFILE)
    page1 = [e.task_id for e in store.search(limit=10)]
    page3 = [e.task_id for e in store.search(offset=20, limit=10)]
    assert page1[0] == "p-24" and len(page1) == 10 and page3 == [f"p-{n:02}" for n in range(4, -1, -1)]
    assert sorted(e.task_id for e in store.unfinished()) == ["p-00", "p-05", "p-10", "p-15", "p-20"]
    assert store.count_unfinished() == 5 and store.count_unfinished(HistoryFilter(text="p-05")) == 1
    assert store.find("p-07").platform == "suno" and store.find("p-07", "udio") is None
    assert store.find("nope") is None
    doomed = [e.id for e in store.search(limit=3)]
    assert store.delete(doomed) == 3 and store.count() == 22
    # A task deleted and then fetched again comes back (its digest is forgotten too).
    assert store.record_task(make_task("p-24", TaskStatus.SUCCESS, submitted=T0 + timedelta(minutes=24)), PROFILE)


def test_the_key_appears_nowhere_in_the_database(store, history_url, tmp_path):
    store.record_task(make_task(), PROFILE)
    row = store.begin_submit(
        PROFILE, platform="suno", action="generate", route="/suno/submit/music", body={"gpt_description_prompt": "x"}
    )
    store.mark_outcome_unknown(row, "timeout")
    with store.engine.connect() as conn:
        dump = json.dumps([dict(r) for r in conn.execute(sa.select(history.tasks)).mappings()], default=str)
    assert PROFILE.key_fingerprint in dump
    assert CANARY_KEY not in dump and CANARY_KEY[3:] not in dump
    if history_url.startswith("sqlite"):
        store.close()
        for path in tmp_path.glob("history.db*"):  # the file, its WAL and shared memory
            assert CANARY_KEY.encode() not in path.read_bytes()


def test_lyrics_tasks_and_tasks_without_songs(store):
    lyrics = Task(
        task_id="ly-1",
        platform="suno",
        status=TaskStatus.SUCCESS,
        action="LYRICS",
        lyrics=Lyrics(title="Paper Moon", text="[Verse]\npaper", tags=("folk",)),
        raw={"x": 1},
    )
    store.record_task(lyrics, PROFILE)
    store.record_task(Task(task_id="empty", platform="suno", status=TaskStatus.NOT_START, raw=None), PROFILE)
    by_id = {e.task_id: e for e in store.search()}
    assert (by_id["ly-1"].title, by_id["ly-1"].tags, by_id["ly-1"].song_count) == ("Paper Moon", "folk", 0)
    assert by_id["empty"].cover_url is None and by_id["empty"].last_body is None


def test_tasks_fetched_from_the_sandbox_over_http(store, client, clock):
    task_id = client.generate("rain on a tin roof")
    store.record_task(client.fetch_task(task_id), PROFILE)
    clock.advance(PAST_DONE)
    done = client.fetch_task(task_id)
    assert store.record_task(done, PROFILE)
    [entry] = store.search()
    assert entry.status == "SUCCESS" and entry.song_count == 2 and entry.title == done.songs[0].title
    assert entry.cover_url == done.songs[0].image_url


def test_unreachable_or_malformed_databases_raise_history_unavailable(tmp_path, free_port):
    with pytest.raises(HistoryUnavailable):
        HistoryStore(f"postgresql+psycopg://nobody@127.0.0.1:{free_port}/none?connect_timeout=2")
    with pytest.raises(HistoryUnavailable):
        HistoryStore("not a database url")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(HistoryUnavailable):
        HistoryStore(f"sqlite:///{blocker}/history.db")  # its folder is a file


def test_default_location_follows_the_environment(tmp_path):
    env = {"MUSIC_TASK_STUDIO_DATA_DIR": str(tmp_path)}
    assert history.default_database_url(env) == f"sqlite:///{tmp_path / 'history.db'}"
    assert (
        history.default_database_url({**env, "HISTORY_DATABASE_URL": "postgresql+psycopg://h/db"})
        == "postgresql+psycopg://h/db"
    )
    assert history.data_dir({}).name == "music-task-studio"


def test_display_url_hides_the_password():
    store = HistoryStore.__new__(HistoryStore)
    store.engine = sa.create_engine("postgresql+psycopg://user:s3cret@db.example.com/lib")
    assert "s3cret" not in store.display_url and "db.example.com" in store.display_url


# --- concurrency ---------------------------------------------------------------------------------


def _write_many(url: str, prefix: str, count: int) -> None:
    """One writer: inspected tasks updated twice each, and submits with their answers."""
    store = HistoryStore(url)
    try:
        for n in range(count):
            task_id = f"{prefix}-{n}"
            store.record_task(make_task(task_id, TaskStatus.QUEUED), PROFILE)
            store.record_task(make_task(task_id, TaskStatus.SUCCESS, marker=1), PROFILE)
            row = store.begin_submit(
                PROFILE, platform="udio", action="udio-generate", route="/udio/submit/music", body={"n": n}
            )
            store.complete_submit(row, f"{prefix}-sub-{n}")
    finally:
        store.close()


def test_threads_and_processes_writing_one_library_lose_nothing(history_url):
    HistoryStore(history_url).close()  # schema first, so the writers race on rows only
    count = 30
    threads = [threading.Thread(target=_write_many, args=(history_url, f"thread{i}", count)) for i in range(6)]
    spawn = multiprocessing.get_context("spawn")
    processes = [spawn.Process(target=_write_many, args=(history_url, f"proc{i}", count)) for i in range(2)]
    for worker in [*threads, *processes]:
        worker.start()
    for thread in threads:
        thread.join(timeout=300)
    for process in processes:
        process.join(timeout=300)
        assert process.exitcode == 0
    store = HistoryStore(history_url)
    writers = 6 + 2
    assert store.count() == writers * count * 2
    assert store.count(HistoryFilter(statuses=("SUCCESS",))) == writers * count
    assert store.count(HistoryFilter(statuses=("NOT_START",))) == writers * count
    assert store.count(HistoryFilter(statuses=(history.SENDING,))) == 0
    store.close()


def test_ten_thousand_rows_page_and_filter(store):
    rows = [
        {
            "platform": "suno" if n % 3 else "udio",
            "task_id": f"bulk-{n:05}",
            "gateway_name": "team-gw",
            "gateway_url": "https://gw.example.com",
            "origin": "inspected",
            "submitted_at": T0 + timedelta(seconds=n),
            "status": "SUCCESS" if n % 7 else "FAILURE",
            "progress": 100,
            "title": f"Song {n}",
            "first_seen": T0,
            "updated_at": T0,
        }
        for n in range(10_000)
    ]
    with store.engine.begin() as conn:
        conn.execute(history.tasks.insert(), rows)
    assert store.count() == 10_000
    assert [e.task_id for e in store.search(offset=100, limit=3)] == ["bulk-09899", "bulk-09898", "bulk-09897"]
    failures = HistoryFilter(statuses=("FAILURE",), platforms=("udio",))
    assert store.count(failures) == len([n for n in range(10_000) if n % 7 == 0 and n % 3 == 0])
    assert [e.title for e in store.search(HistoryFilter(text="song 9999"))] == ["Song 9999"]
