"""Export packs built from real sandbox tasks over real HTTP: what lands in the ZIP, what is left
out and why, and names that are safe on every OS whatever the gateway calls a song."""

from __future__ import annotations

import io
import json
import re
import time
import uuid
import zipfile

import pytest
import requests

from lib.gateway.client import GatewayClient
from lib.gateway.models import Lyrics, Song, Task, TaskStatus
from lib.studio.audio_tags import read_tags
from lib.studio.export_pack import SIZE_CAP_REACHED, build_pack

PAST_DONE = 40.0
# Distinctive enough that finding it in the ZIP's bytes could not be chance.
SECRET_KEY = "sk-export-pack-secret-7f3a9c"
LRC_LINE = re.compile(r"^\[\d{2}:\d{2}\.\d{2}\]")
FORBIDDEN = set('/\\:*?"<>|')


@pytest.fixture
def gateway(sandbox):
    with GatewayClient(sandbox.url, SECRET_KEY, backoff=0, sleep=lambda _: None) as client:
        yield client


def finished(gateway, clock, task_id: str, platform: str = "suno") -> Task:
    clock.advance(PAST_DONE)
    task = gateway.fetch_task(task_id, platform)
    assert task.status is TaskStatus.SUCCESS
    return task


def suno_task(gateway, clock) -> tuple[Task, dict]:
    task = finished(gateway, clock, gateway.generate("a rainy night in the city"))
    return task, {song.id: gateway.timing(song.id) for song in task.songs}


def unzip(pack) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert tuple(names) == pack.files
        return {name: archive.read(name) for name in names}


def song_stems(task: Task) -> list[str]:
    return [f"{i:02d} - {song.title}" for i, song in enumerate(task.songs, start=1)]


def test_suno_pack_holds_every_song_file_task_json_and_readme(gateway, clock):
    task, timings = suno_task(gateway, clock)
    assert len(task.songs) == 2 and all(s.title and s.lyrics for s in task.songs)
    started = time.perf_counter()
    pack = build_pack(task, timings=timings)
    elapsed = time.perf_counter() - started
    files = unzip(pack)
    print(f"\n2-song pack: {len(pack.data):,} bytes in {elapsed:.2f} s")

    expected = {"task.json", "README.txt"}
    for stem in song_stems(task):
        expected |= {f"{stem}.mp3", f"{stem} - cover.png", f"{stem}.txt", f"{stem}.lrc"}
    assert set(files) == expected and pack.skipped == ()
    assert pack.file_name == f"{task.songs[0].title}-{task.task_id[:8]}.zip"

    for song, stem in zip(task.songs, song_stems(task)):
        assert files[f"{stem}.mp3"][:3] == b"ID3"
        assert files[f"{stem} - cover.png"][:8] == b"\x89PNG\r\n\x1a\n"
        tags = read_tags(files[f"{stem}.mp3"], "mp3")  # what a music player shows
        assert tags["title"] == song.title and tags["album"].endswith(f" · {task.task_id}")
        assert tags["lyrics"] == song.lyrics.strip() and tags["cover"] == files[f"{stem} - cover.png"]
        assert len(tags["synced"]) > 3
        assert files[f"{stem}.txt"].decode() == song.lyrics.rstrip("\n") + "\n"
        lrc = files[f"{stem}.lrc"].decode().splitlines()
        assert lrc[0] == f"[ti:{song.title}]" and lrc[1].startswith("[length:")
        timed = [line for line in lrc if not re.match(r"^\[(ti|length|re):", line)]
        assert len(timed) > 3 and all(LRC_LINE.match(line) for line in timed)

    raw = json.loads(files["task.json"])
    assert raw == task.raw and task.task_id in files["task.json"].decode()
    readme = files["README.txt"].decode()
    assert task.task_id in readme and "suno" in readme and "SUCCESS" in readme
    for name, data in files.items():
        if name != "README.txt":
            assert f"{name}  ({len(data):,} bytes)" in readme
    assert "Not included: nothing" in readme

    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        kinds = {info.filename.rsplit(".", 1)[1]: info.compress_type for info in archive.infolist()}
    assert kinds["mp3"] == kinds["png"] == zipfile.ZIP_STORED
    assert kinds["txt"] == kinds["json"] == kinds["lrc"] == zipfile.ZIP_DEFLATED


def test_the_api_key_never_reaches_the_pack(gateway, clock):
    task, timings = suno_task(gateway, clock)
    pack = build_pack(task, timings=timings)
    assert SECRET_KEY.encode() not in pack.data
    assert all(SECRET_KEY.encode() not in data for data in unzip(pack).values())


def test_progress_is_monotonic_labelled_and_ends_at_one(gateway, clock):
    task, _ = suno_task(gateway, clock)
    calls: list[tuple[float, str]] = []
    build_pack(task, progress=lambda fraction, label: calls.append((fraction, label)))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and len(set(fractions)) == len(fractions)
    assert fractions[-1] == 1.0 and all(0.0 <= f < 1.0 for f in fractions[:-1])
    assert [label for _, label in calls[:-1]] == ["Song 1 audio", "Song 1 cover", "Song 2 audio", "Song 2 cover"]


def test_a_file_over_the_per_file_cap_is_skipped_and_others_kept(gateway, clock):
    task, _ = suno_task(gateway, clock)
    stems = song_stems(task)
    media = {}  # label -> (name in the pack, size as served)
    for i, (song, stem) in enumerate(zip(task.songs, stems), start=1):
        media[f"Song {i} audio"] = (f"{stem}.mp3", len(requests.get(song.audio_url, timeout=30).content))
        media[f"Song {i} cover"] = (f"{stem} - cover.png", len(requests.get(song.image_url, timeout=30).content))
    # The cap sits between the smallest and the largest file (MP3s and covers are both ~200-400 kB).
    cap = sorted(size for _, size in media.values())[1]
    pack = build_pack(task, max_file_bytes=cap)
    files = unzip(pack)
    too_big = [label for label, (_, size) in media.items() if size > cap]
    assert too_big and len(too_big) < len(media)
    assert [what for what, _ in pack.skipped] == too_big
    assert all(name in files for label, (name, _) in media.items() if label not in too_big)
    cap_text = f"{cap:,} bytes"
    assert all(reason == f"larger than the {cap_text} per-file limit" for _, reason in pack.skipped)
    assert f"{too_big[0]}: larger than the {cap_text} per-file limit" in files["README.txt"].decode()


def test_total_cap_skips_remaining_media_but_keeps_texts(gateway, clock):
    task, timings = suno_task(gateway, clock)
    audio_size = len(requests.get(task.songs[0].audio_url, timeout=30).content)  # as served, before tags
    pack = build_pack(task, timings=timings, max_total_bytes=audio_size + 10)
    files = unzip(pack)
    stems = song_stems(task)
    assert f"{stems[0]}.mp3" in files
    assert pack.skipped == (
        ("Song 1 cover", SIZE_CAP_REACHED),
        ("Song 2 audio", SIZE_CAP_REACHED),
        ("Song 2 cover", SIZE_CAP_REACHED),
    )
    for stem in stems:
        assert f"{stem}.txt" in files and f"{stem}.lrc" in files
    assert "task.json" in files and "README.txt" in files
    assert "Song 2 cover: size cap reached" in files["README.txt"].decode()


def test_missing_media_and_non_http_urls_are_skipped_with_reasons(sandbox):
    gone = f"{sandbox.url}/media/{uuid.uuid4()}.wav"
    task = Task(
        "manual-task-1",
        "suno",
        TaskStatus.SUCCESS,
        songs=(
            Song("a1", title="Gone", lyrics="la la", audio_url=gone, image_url="file:///etc/passwd"),
            Song("b2", title="Local", audio_url="javascript:alert(1)", image_url=None),
        ),
    )
    pack = build_pack(task)
    files = unzip(pack)
    assert set(files) == {"01 - Gone.txt", "task.json", "README.txt"}
    reasons = dict(pack.skipped)
    assert reasons["Song 1 audio"].startswith("download failed: ") and "404" in reasons["Song 1 audio"]
    assert reasons["Song 1 cover"] == reasons["Song 2 audio"] == "not an http(s) URL"
    assert reasons["Song 2 cover"] == "the song has no cover URL"
    readme = files["README.txt"].decode()
    assert all(f"{what}: {reason}" in readme for what, reason in pack.skipped)
    # Without a raw body, task.json is the parsed task.
    parsed = json.loads(files["task.json"])
    assert parsed["task_id"] == "manual-task-1" and parsed["status"] == "SUCCESS"
    assert [s["title"] for s in parsed["songs"]] == ["Gone", "Local"]


def test_a_streaming_song_keeps_its_cover_but_not_its_partial_audio(gateway, clock):
    task_id = gateway.generate("a song still being sung")
    clock.advance(13)  # IN_PROGRESS: clips stream
    task = gateway.fetch_task(task_id)
    assert task.songs and all(s.is_streaming for s in task.songs)
    pack = build_pack(task)
    files = unzip(pack)
    assert not any(name.endswith(".mp3") for name in files)
    audio = [reason for what, reason in pack.skipped if what.endswith("audio")]
    assert len(audio) == 2 and all("streaming" in reason for reason in audio)


def test_hostile_titles_give_safe_unique_names(gateway, clock):
    real, _ = suno_task(gateway, clock)
    audio, cover = real.songs[0].audio_url, real.songs[0].image_url
    titles = [
        "../../etc/passwd",
        'a:b*?"<>|',
        "  ",
        "x" * 300,
        "雨夜的城市 · 第一首",
        "..",
        "CON",
        "evil\u202egnp.exe",
        "tab\tand\nnewline",
        "Rain",
        "rain",
        "Rain",
    ]
    songs = tuple(Song(f"id{i}", title=t, lyrics="la", audio_url=audio, image_url=cover) for i, t in enumerate(titles))
    task = Task("hostile", "suno", TaskStatus.SUCCESS, songs=songs)
    pack = build_pack(task, timings={"id0": [], "id4": gateway.timing(real.songs[0].id)})
    files = unzip(pack)
    names = list(files)
    assert len({n.lower() for n in names}) == len(names)  # unique even on case-insensitive disks
    for name in names:
        assert not name.startswith("/") and "/" not in name and "\\" not in name
        assert ".." not in name.split("/") and not name.startswith(".")
        assert not FORBIDDEN & set(name) and all(ord(c) >= 32 for c in name)
        assert "\u202e" not in name and len(name.encode()) <= 200 and name == name.strip()
    assert "01 - etc passwd.mp3" in names
    assert "02 - a b.mp3" in names
    assert "03 - id2.mp3" in names  # a blank title falls back to the song id
    assert f"04 - {'x' * 80}.mp3" in names
    assert "05 - 雨夜的城市 · 第一首.mp3" in names and "05 - 雨夜的城市 · 第一首.lrc" in names
    assert "06 - id5.mp3" in names and "07 - CON.mp3" in names
    assert "09 - tab and newline.mp3" in names
    assert {"10 - Rain.mp3", "11 - rain.mp3", "12 - Rain.mp3"} <= set(names)
    assert not any(n.endswith(".lrc") and n.startswith("01") for n in names)  # empty timeline
    assert pack.skipped == ()
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:  # Chinese names are flagged UTF-8
        assert all(info.flag_bits & 0x800 for info in archive.infolist() if not info.filename.isascii())


def test_pack_file_name_is_safe(sandbox):
    task = Task("a:b/c", "suno", TaskStatus.SUCCESS, songs=(Song("s", title='../雨: "night"?'),))
    assert build_pack(task).file_name == "雨 night-a b c.zip"
    bare = Task("1234567890abcdef", "udio", TaskStatus.FAILURE, fail_reason="moderation")
    pack = build_pack(bare)
    assert pack.file_name == "1234567890abcdef-12345678.zip"
    assert set(unzip(pack)) == {"task.json", "README.txt"}
    assert "Failure:  moderation" in unzip(pack)["README.txt"].decode()


def test_udio_pack(gateway, clock):
    task = finished(gateway, clock, gateway.udio_generate("萨克斯, 抒情, 夜晚, 城镇"), "udio")
    pack = build_pack(task)
    files = unzip(pack)
    assert pack.skipped == ()
    for stem, song in zip(song_stems(task), task.songs):
        assert files[f"{stem}.mp3"][:3] == b"ID3"
        assert files[f"{stem} - cover.png"][:4] == b"\x89PNG"
        assert (f"{stem}.txt" in files) == bool(song.lyrics.strip())
    assert json.loads(files["task.json"]) == task.raw
    assert "Platform: udio" in files["README.txt"].decode()


def test_lyrics_task_pack(gateway, sandbox, clock):
    task_id = gateway.submit_lyrics("dance all night")
    clock.advance(sandbox.config.lyrics_seconds)
    task = gateway.fetch_task(task_id)
    assert task.is_lyrics and task.lyrics.title
    pack = build_pack(task)
    files = unzip(pack)
    assert set(files) == {f"{task.lyrics.title}.txt", "task.json", "README.txt"}
    assert files[f"{task.lyrics.title}.txt"].decode().startswith(task.lyrics.text.strip()[:20])
    assert pack.file_name == f"{task.lyrics.title}-{task_id[:8]}.zip"
    assert json.loads(files["task.json"]) == task.raw and task_id in files["task.json"].decode()


def test_programming_errors_propagate_but_gateway_errors_do_not(sandbox):
    task = Task("t1", "suno", TaskStatus.SUCCESS, songs=(Song("s", title="x", audio_url=f"{sandbox.url}/media/x.wav"),))

    def broken(url, *, max_bytes, max_seconds):
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        build_pack(task, fetch=broken)
    assert dict(build_pack(task).skipped)["Song 1 audio"].startswith("download failed")
    assert build_pack(Task("t2", "suno", TaskStatus.SUCCESS, lyrics=Lyrics("", "words"))).files == (
        "lyrics.txt",
        "task.json",
        "README.txt",
    )
