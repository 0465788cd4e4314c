"""Media checked by content (issue 12, finding 4): an SVG, an HTML page sent with status 200, a
decompression-bomb PNG or a cut-off JPEG served as a cover or a song becomes a refusal (a
placeholder with a note on the page, a reason in the export pack), never an exception; real media
from the sandbox is accepted. Hostile files come over real HTTP from ``tests.hostile_gateway``."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.gateway.models import Song, Task, TaskStatus
from lib.studio import media_check
from lib.studio.export_pack import TIME_LIMIT_REACHED, build_pack
from lib.studio.media_check import DAMAGED, NOT_MEDIA, TOO_MANY_PIXELS, sniff, verify
from lib.studio.media_fetch import fetch_media
from tests.apptest import TASK_PAGE, open_app
from tests.conftest import PAST_DONE
from tests.hostile_gateway import HTML_PAGE, SVG, HostileGateway, bomb_png, jpeg, png, wav


@pytest.fixture
def hostile():
    gateway = HostileGateway()
    gateway.files.update(
        {
            "/cover.svg": ("image/svg+xml", SVG),
            "/cover.jpg": ("image/jpeg", HTML_PAGE),  # a CDN's error page, sent with 200
            "/bomb.png": ("image/png", bomb_png()),
            "/cut.jpg": ("image/jpeg", jpeg()[:3000]),
            "/song.mp3": ("audio/mpeg", HTML_PAGE),
            "/video.mp4": ("video/mp4", HTML_PAGE),
            "/real.wav": ("audio/wav", wav()),
            "/real.png": ("image/png", png()),
        }
    )
    yield gateway
    gateway.stop()


@pytest.fixture
def on_hostile(hostile, monkeypatch):
    """The app configured with the hostile gateway (an operator's choice: its loopback media is
    fetched by the server, as the sandbox's is)."""
    monkeypatch.setenv("GATEWAY_BASE_URL", hostile.url)
    monkeypatch.setenv("GATEWAY_API_KEY", "k")
    return hostile


# --- the check itself ------------------------------------------------------------------------------


def test_hostile_images_are_refused_with_a_reason():
    assert verify(bomb_png(), "image").problem == TOO_MANY_PIXELS  # Pillow's own bomb limit
    big = png((5000, 5000), "L")  # under Pillow's limit, over the page's
    assert verify(big, "image").problem == TOO_MANY_PIXELS
    assert verify(SVG, "image").problem == NOT_MEDIA
    assert verify(b'<?xml version="1.0"?>\n' + SVG, "image").problem == NOT_MEDIA
    assert verify(HTML_PAGE, "image").problem == NOT_MEDIA
    assert verify(jpeg()[:3000], "image").problem == DAMAGED
    assert verify(png()[:-20], "image").problem == DAMAGED
    assert verify(wav(), "image").problem == NOT_MEDIA
    assert verify(b"", "image").problem == NOT_MEDIA
    for verdict in (verify(bomb_png(), "image"), verify(SVG, "image"), verify(jpeg()[:3000], "image")):
        assert not verdict.ok and verdict.reason and not verdict.ext


def test_real_images_are_accepted_with_their_real_type():
    assert verify(png(), "image") == media_check.Verdict("png", "image/png")
    assert verify(jpeg(), "image") == media_check.Verdict("jpg", "image/jpeg")
    for fmt, ext in (("WEBP", "webp"), ("GIF", "gif")):
        buffer = io.BytesIO()
        media_check.Image.new("RGB", (32, 32), "teal").save(buffer, fmt)
        assert verify(buffer.getvalue(), "image").ext == ext


def test_audio_and_video_are_recognised_by_their_magic_bytes():
    assert verify(wav(), "audio").ext == "wav"
    assert verify(b"ID3\x04\x00" + bytes(100), "audio").ext == "mp3"
    assert verify(b"\xff\xfb\x90\x00" + bytes(100), "audio").ext == "mp3"  # an MPEG frame, no tag
    assert verify(b"OggS\x00\x02" + bytes(50), "audio").ext == "ogg"
    assert verify(b"fLaC\x00\x00\x00\x22" + bytes(50), "audio").ext == "flac"
    assert verify(b"\x00\x00\x00\x20ftypM4A " + bytes(50), "audio") == media_check.Verdict("m4a", "audio/mp4")
    assert verify(b"\x00\x00\x00\x20ftypisom" + bytes(50), "video") == media_check.Verdict("mp4", "video/mp4")
    assert verify(b"\x1a\x45\xdf\xa3" + bytes(50), "video").ext == "webm"
    for data in (HTML_PAGE, SVG, png(), b"MZ\x90\x00" + bytes(60), b"", b"\xff\xd8\xff\xe0"):
        assert verify(data, "audio").problem == NOT_MEDIA
    assert verify(wav(), "video").problem == NOT_MEDIA and verify(HTML_PAGE, "video").problem == NOT_MEDIA


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=512), kind=st.sampled_from(media_check.KINDS))
def test_no_bytes_make_the_check_raise(data, kind):
    verdict = verify(data, kind)
    assert verdict.ok == (verdict.ext != "") and (verdict.problem in ("", NOT_MEDIA, TOO_MANY_PIXELS, DAMAGED))
    assert sniff(data) is None or len(sniff(data)) == 2


@settings(max_examples=60, deadline=None)
@given(fraction=st.floats(min_value=0.0, max_value=1.0), fmt=st.sampled_from(["PNG", "JPEG"]))
def test_an_image_cut_anywhere_in_its_pixels_is_refused_not_raised(fraction, fmt):
    whole = _noise(fmt)
    cut = int(fraction * (len(whole) - 40))  # the last bytes are end markers, not pixels
    assert verify(whole[:cut], "image").problem in (NOT_MEDIA, DAMAGED)


def _noise(fmt: str) -> bytes:
    buffer = io.BytesIO()
    media_check.Image.effect_noise((48, 48), 80).convert("RGB").save(buffer, fmt)
    return buffer.getvalue()


# --- over real HTTP: fetched, then checked ----------------------------------------------------------


def test_an_error_page_sent_with_200_is_fetched_but_refused(hostile):
    data, content_type = fetch_media(f"{hostile.url}/cover.jpg")
    assert content_type == "image/jpeg" and data == HTML_PAGE  # the server's word for it…
    assert verify(data, "image").problem == NOT_MEDIA  # …and what it really is
    assert verify(fetch_media(f"{hostile.url}/song.mp3")[0], "audio").problem == NOT_MEDIA
    assert verify(fetch_media(f"{hostile.url}/bomb.png")[0], "image").problem == TOO_MANY_PIXELS


def test_real_media_from_the_sandbox_is_accepted(client, clock):
    task_id = client.generate("a real song, checked")
    clock.advance(13)  # streaming: a partial WAV still starts as one
    streaming = client.fetch_task(task_id).songs[0]
    assert verify(fetch_media(streaming.audio_url)[0], "audio").ext == "wav"
    clock.advance(PAST_DONE)
    for song in client.fetch_task(task_id).songs:
        assert verify(fetch_media(song.audio_url)[0], "audio") == media_check.Verdict("mp3", "audio/mpeg")
        assert verify(fetch_media(song.image_url)[0], "image") == media_check.Verdict("png", "image/png")


# --- the Task page ----------------------------------------------------------------------------------


def test_hostile_media_becomes_placeholders_on_the_task_page(on_hostile):
    on_hostile.add_task(
        "svg-html",
        image_url=f"{on_hostile.url}/cover.svg",
        audio_url=f"{on_hostile.url}/song.mp3",
        video_url=f"{on_hostile.url}/video.mp4",
    )
    on_hostile.add_task("bomb", image_url=f"{on_hostile.url}/bomb.png", audio_url=f"{on_hostile.url}/real.wav")
    on_hostile.add_task("cut", image_url=f"{on_hostile.url}/cut.jpg", audio_url=f"{on_hostile.url}/real.wav")
    on_hostile.add_task("error-page", image_url=f"{on_hostile.url}/cover.jpg", audio_url=f"{on_hostile.url}/real.wav")

    at = open_app(TASK_PAGE, check=False)
    at.sidebar.toggle(key="media_proxy::en").set_value(True).run()  # "Load media through this server"
    at.query_params["platform"] = "suno"
    for task_id, words in [
        ("svg-html", "not a file of this kind"),
        ("bomb", "too many pixels"),
        ("cut", "damaged or cut off"),
        ("error-page", "not a file of this kind"),
    ]:
        at.query_params["id"] = task_id
        at.run()
        assert not at.exception, (task_id, at.exception)
        assert "Succeeded" in "\n".join(m.value for m in at.markdown)
        captions = [c.value for c in at.caption]
        assert any(words in c for c in captions), (task_id, captions)
        assert len(at.image) == 0  # no cover at all rather than a broken one
    at.query_params["id"] = "svg-html"
    at.run()
    assert at.get("audio") == [] and at.get("video") == []
    # Cover and audio on the card, and the video in the song tools' music-video tab (where a Suno
    # song's video lives: the card does not show it a second time).
    assert sum("not a file of this kind" in c.value for c in at.caption) == 3, [c.value for c in at.caption]
    at.query_params["id"] = "bomb"
    at.run()
    [audio] = at.get("audio")  # the real song still plays, with its real type
    assert audio.proto.url.startswith("/mock/media/") and audio.proto.url.endswith(".wav")


def test_a_real_file_behind_a_hostile_url_is_shown_as_what_it_is(on_hostile):
    on_hostile.files["/song.exe"] = ("application/x-msdownload", wav())
    on_hostile.files["/cover.hta"] = ("application/hta", png())
    on_hostile.add_task("odd-urls", image_url=f"{on_hostile.url}/cover.hta", audio_url=f"{on_hostile.url}/song.exe")
    at = open_app(TASK_PAGE, id="odd-urls", platform="suno")
    assert len(at.image) == 1 and len(at.get("audio")) == 1
    assert not any("Not shown" in c.value for c in at.caption)


# --- the export pack --------------------------------------------------------------------------------


def test_the_export_pack_skips_what_is_not_media(hostile):
    song = Song(
        "s1",
        title="Hostile",
        audio_url=f"{hostile.url}/song.mp3",
        image_url=f"{hostile.url}/cover.svg",
        video_url=f"{hostile.url}/video.mp4",
    )
    bomb = Song("s2", title="Bomb", audio_url=f"{hostile.url}/real.wav", image_url=f"{hostile.url}/bomb.png")
    pack = build_pack(Task("hostile", "suno", TaskStatus.SUCCESS, songs=(song, bomb)))
    reasons = dict(pack.skipped)
    assert set(reasons) == {"Song 1 audio", "Song 1 cover", "Song 1 video", "Song 2 cover"}
    assert all("not a media file" in reasons[f"Song 1 {what}"] for what in ("audio", "cover", "video"))
    assert "pixels" in reasons["Song 2 cover"]
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        names = archive.namelist()
        assert names == ["02 - Bomb.wav", "task.json", "README.txt"]  # the real WAV, named by its bytes
        assert b"<html" not in b"".join(archive.read(n) for n in names if n != "task.json")


def test_the_export_pack_stops_at_its_overall_deadline(hostile):
    """A host answering slower than the pack may wait: what is left is skipped with the reason."""
    hostile.files["/slow.wav"] = ("audio/wav", wav())
    slow = HostileGateway.reply

    def crawl(handler, status, content_type, data):
        if handler.path == "/slow.wav":
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            for byte in data[:40]:  # a byte every 0.1 s: the 1 s budget runs out on the first file
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.1)
            return None
        return slow(handler, status, content_type, data)

    hostile.reply = crawl  # the server's behaviour, not the app's: this is the hostile host
    songs = tuple(
        Song(f"s{i}", title=f"Slow {i}", audio_url=f"{hostile.url}/slow.wav", image_url=f"{hostile.url}/real.png")
        for i in range(3)
    )
    pack = build_pack(Task("slow", "suno", TaskStatus.SUCCESS, songs=songs), max_seconds=1.0)
    reasons = dict(pack.skipped)
    assert reasons["Song 1 audio"].startswith("download failed")
    assert reasons["Song 3 audio"] == reasons["Song 3 cover"] == TIME_LIMIT_REACHED
