"""Published song pages below the page: snapshots of real sandbox tasks with their media copied
into a real media store (checked by content, only what was fetched), the publication rows (an
unguessable token, read by anyone holding it, revoked by its owner), and what a stored snapshot
may hold."""

from __future__ import annotations

import json

import pytest

from lib.gateway.client import GatewayClient
from lib.gateway.errors import GatewayConnectionError
from lib.gateway.models import Song, Task, TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library.media_store import open_media_store
from lib.library.publications import TOKEN_SHAPE, new_token
from lib.library.store import HistoryStore
from lib.studio.media_fetch import fetch_media
from lib.studio.publishing import (
    make_snapshot,
    media_prefix,
    publication_link,
    publishable,
    read_snapshot,
    snapshot_json,
)
from tests.conftest import PAST_DONE
from tests.test_media_store import aws_credentials, s3_endpoint, s3_url, store_url  # noqa: F401 - fixtures

PROFILE = GatewayProfile("team-gw", "https://gw.example.com", "sk-x")


@pytest.fixture
def finished_task(sandbox, clock) -> Task:
    with GatewayClient(sandbox.url, "test-key", backoff=0, sleep=lambda _: None) as client:
        task_id = client.generate("a rainy night in the city")
        clock.advance(PAST_DONE)
        task = client.fetch_task(task_id, "suno")
    assert task.status is TaskStatus.SUCCESS and len(task.songs) == 2
    return task


@pytest.fixture
def media(tmp_path):
    return open_media_store(f"file://{tmp_path / 'media'}")


def test_a_snapshot_copies_every_song_file_checked_by_content(finished_task, media):
    token = new_token()
    snapshot = make_snapshot(finished_task, token, store=media, fetch=fetch_media)
    assert snapshot.skipped == ()
    assert [s.title for s in snapshot.songs] == [s.title for s in finished_task.songs]
    for song in snapshot.songs:
        for kind, mime in (("image", "image/"), ("audio", "audio/")):
            copy = getattr(song, kind)
            assert copy.key.startswith(media_prefix(token)) and not copy.url
            data, stored_type = media.get(copy.key)
            assert stored_type.startswith(mime) and copy.mime == stored_type and len(data) > 1000
    again = read_snapshot(snapshot_json(snapshot))
    assert again == snapshot


def test_copies_land_in_a_folder_and_in_s3_alike_and_unpublish_removes_them(finished_task, store_url):  # noqa: F811
    store = open_media_store(store_url)
    token = new_token()
    snapshot = make_snapshot(finished_task, token, store=store, fetch=fetch_media)
    keys = [song.audio.key for song in snapshot.songs]
    assert all(store.get(key)[1].startswith("audio/") for key in keys)
    assert store.delete_prefix(media_prefix(token)) == 4  # two covers, two songs
    assert all(store.get(key) is None for key in keys)


def test_without_a_store_the_page_points_at_the_gateways_links(finished_task):
    snapshot = make_snapshot(finished_task, new_token(), store=None, fetch=None)
    assert [s.audio.url for s in snapshot.songs] == [s.audio_url for s in finished_task.songs]


def test_what_is_not_media_or_cannot_be_fetched_is_left_out_and_said_so(media):
    task = Task(
        task_id="t",
        platform="suno",
        status=TaskStatus.SUCCESS,
        songs=(
            Song(id="a", title="A", audio_url="https://cdn.example/a.mp3", image_url="javascript:alert(1)"),
            Song(id="b", title="B", audio_url="https://cdn.example/down.mp3"),
        ),
    )

    def fetch(url):
        if "down" in url:
            raise GatewayConnectionError("connection refused")
        return b"<html>an error page served as 200</html>", "audio/mpeg"

    snapshot = make_snapshot(task, new_token(), store=media, fetch=fetch)
    assert sorted(snapshot.skipped) == [
        (1, "audio", "not_media"),
        (1, "image", "not_http"),
        (2, "audio", "unreachable"),
    ]
    assert all(song.audio is None and song.image is None for song in snapshot.songs)
    assert media.delete_prefix("published/") == 0  # nothing that is not media was stored


def test_only_finished_tasks_with_songs_are_publishable(finished_task):
    assert publishable(finished_task)
    assert not publishable(Task(task_id="t", platform="suno", status=TaskStatus.IN_PROGRESS))
    assert not publishable(Task(task_id="t", platform="suno", status=TaskStatus.SUCCESS))
    assert not publishable(None)


@pytest.mark.parametrize(
    "stored",
    [
        "not json",
        "[]",
        json.dumps({"version": 99, "songs": []}),
        json.dumps({"version": 1, "title": "x", "platform": "suno", "songs": "nope"}),
    ],
)
def test_a_damaged_snapshot_reads_as_nothing_or_empty(stored):
    found = read_snapshot(stored)
    assert found is None or found.songs == ()


def test_a_stored_snapshot_cannot_smuggle_a_non_http_url():
    stored = {
        "version": 1,
        "title": "x",
        "platform": "suno",
        "songs": [{"title": "x", "audio": {"url": "file:///etc/passwd"}, "image": {"url": "javascript:x"}}],
    }
    [song] = read_snapshot(json.dumps(stored)).songs
    assert song.audio is None and song.image is None


def test_a_link_holds_the_token_only():
    token = new_token()
    assert TOKEN_SHAPE.match(token) and new_token() != token
    assert (
        publication_link("https://studio.example/app/task?id=1", token)
        == f"https://studio.example/app/listen?p={token}"
    )


def test_a_publication_is_read_by_its_token_and_revoked_by_its_owner_only(history_url):
    base = HistoryStore(history_url)
    ana, bo = base.scoped("ana"), base.scoped("bo")
    token = new_token()
    ana.publish(
        token,
        platform="suno",
        task_id="t-1",
        gateway_name="team-gw",
        title="Neon",
        snapshot="{}",
        allow_downloads=True,
        media_copied=True,
    )
    assert bo.publication(token).title == "Neon"  # the token is the permission
    assert [p.token for p in ana.publications()] == [token] and bo.publications() == []
    assert [p.token for p in ana.publications(task_id="t-1")] == [token] and ana.publications(task_id="t-2") == []
    for forged in ("", "x", token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x", "../../etc/passwd", None):
        assert bo.publication(forged) is None
    assert bo.unpublish(token) is False and bo.publication(token) is not None
    assert ana.unpublish(token) is True and bo.publication(token) is None
    with pytest.raises(ValueError):
        ana.publish(
            "guessable",
            platform="suno",
            task_id="t",
            gateway_name="g",
            title="",
            snapshot="{}",
            allow_downloads=False,
            media_copied=False,
        )
    base.close()


def test_an_operator_sees_and_may_revoke_everyones_pages(history_url):
    base = HistoryStore(history_url)
    token = new_token()
    base.scoped("ana").publish(
        token,
        platform="suno",
        task_id="t",
        gateway_name="g",
        title="",
        snapshot="{}",
        allow_downloads=False,
        media_copied=False,
    )
    operator = base.scoped("ops", sees_all=True)
    assert [p.owner for p in operator.publications()] == ["ana"]
    assert operator.unpublish(token) is True
    base.close()
