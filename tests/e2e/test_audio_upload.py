"""Your own audio, in Chromium against the app's sandbox: a WAV made here is uploaded on the Create
page's Extend mode (request → storage → finish → processing → clip), extended into two playable
songs; and a storage failure names its step, keeps the file chosen, a second try succeeds, and the
clip is offered for Cover too."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
from playwright.sync_api import expect

from lib.sandbox import control
from tests.e2e.conftest import ARTIFACTS, wait_for_app

EXTEND = {"en": "Extend — continue a song", "zh": "续写 — 接着唱下去"}


def tone_wav(seconds: float = 8.0, rate: int = 22050) -> bytes:
    """A short melody (not silence, so a decoder has something to keep)."""
    times = np.arange(int(seconds * rate)) / rate
    pitch = 220 * 2 ** (np.floor(times * 2) % 5 / 12)
    samples = (0.3 * np.sin(2 * np.pi * pitch * times) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


@pytest.fixture
def wav_file(tmp_path):
    path = tmp_path / "my tune.wav"
    path.write_bytes(tone_wav())
    return path


def open_upload_panel(page, url: str):
    page.goto(url)
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=EXTEND["en"]).click()
    wait_for_app(page)
    main.get_by_text("Use your own audio").click()
    wait_for_app(page)
    return main


def uploaded_requests(sandbox_url: str) -> list[dict]:
    return [r for r in control(sandbox_url, "requests") if "/uploads/audio" in r["path"] or "/s3/" in r["path"]]


def test_a_local_file_is_uploaded_and_extended_into_two_playable_songs(page, studio, wav_file):
    control(studio.sandbox_url, "requests", method="DELETE")
    main = open_upload_panel(page, studio.url)
    main.locator("input[type=file]").set_input_files(str(wav_file))
    wait_for_app(page)
    expect(main.get_by_text("my tune.wav · 345 kB · 0:08")).to_be_visible()
    main.get_by_role("button", name="Upload", exact=True).click()
    expect(main.get_by_text("Uploaded: clip")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "audio-upload-done.png"), full_page=True)

    # The five steps went out in order; the file went to storage without the key.
    steps = [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in uploaded_requests(studio.sandbox_url)]
    assert steps[0] == ("POST", "audio") and steps[1] == ("POST", "")
    assert steps[2][1] == "upload-finish" and steps[-1] == ("POST", "initialize-clip")
    storage = [r for r in uploaded_requests(studio.sandbox_url) if "/s3/" in r["path"]]
    assert storage[0]["body"]["file_bytes"] == wav_file.stat().st_size
    assert storage[0]["body"]["authorization"] is False

    # The clip is filled into the Extend form, continued from the audio's end.
    clip_id = main.locator("code").filter(has_text="-").first.inner_text().strip()
    expect(main.get_by_role("textbox", name="Song ID *")).to_have_value(clip_id)
    expect(main.get_by_role("spinbutton", name="Continue at (seconds) *")).to_have_value("8.00")
    main.get_by_role("button", name="Preview request").click()
    wait_for_app(page)
    json_view = main.get_by_test_id("stJson")
    expect(json_view).to_contain_text("upload_extend")
    expect(json_view).to_contain_text(clip_id)

    main.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=60_000)
    wait_for_app(page)  # the players of the finished songs, not those of the stream before them
    expect(main.locator("audio")).to_have_count(2, timeout=30_000)
    durations = page.evaluate("""async () => {
        const main = document.querySelector('[data-testid="stMainBlockContainer"]');
        const audios = [...main.querySelectorAll('audio')];
        await Promise.all(audios.map(a => a.readyState >= 1 ? null :
            new Promise(ok => { a.onloadedmetadata = ok; a.onerror = ok; a.load(); })));
        return audios.map(a => a.duration);
    }""")
    assert all(d and d > 10 for d in durations), durations
    submit = [r for r in control(studio.sandbox_url, "requests") if r["path"] == "/suno/submit/music"][-1]
    assert submit["body"]["task"] == "upload_extend" and submit["body"]["continue_clip_id"] == clip_id
    assert submit["body"]["continue_at"] == 8.0 and "task_id" not in submit["body"]
    page.screenshot(path=str(ARTIFACTS / "audio-upload-extended.png"), full_page=True)
    assert page.js_errors == []


def test_a_failed_step_is_named_and_the_file_stays_chosen(page, studio, wav_file):
    control(studio.sandbox_url, "requests", method="DELETE")
    control(
        studio.sandbox_url,
        "faults",
        {"kind": "status", "status": 403, "route": "/s3/", "message": "Request has expired", "times": 1},
    )
    main = open_upload_panel(page, studio.url)
    main.locator("input[type=file]").set_input_files(str(wav_file))
    wait_for_app(page)
    main.get_by_role("button", name="Upload", exact=True).click()
    expect(main.get_by_text("The upload stopped at step 2 of 5: Send the file to storage")).to_be_visible(
        timeout=60_000
    )
    expect(main.get_by_text("Request has expired")).to_be_visible()  # storage's own words
    expect(main.get_by_text("HTTP 403")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "audio-upload-failed.png"), full_page=True)
    # Nothing past the failed step was sent.
    paths = [r["path"] for r in uploaded_requests(studio.sandbox_url)]
    assert not any(p.endswith(("upload-finish", "initialize-clip")) for p in paths), paths
    # The file is still chosen: trying again needs no new pick.
    expect(main.get_by_test_id("stFileUploader")).to_contain_text("my tune.wav")
    main.get_by_role("button", name="Try the upload again").click()
    expect(main.get_by_text("Uploaded: clip")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    # The same clip is offered for Cover: one click switches the mode with the clip filled in.
    clip_id = main.locator("code").filter(has_text="-").first.inner_text().strip()
    main.get_by_role("button", name="Cover it instead").click()
    wait_for_app(page)
    expect(main.get_by_role("combobox", name="What to make")).to_have_value("Cover version — restyle a song")
    expect(main.get_by_role("textbox", name="Song ID *")).to_have_value(clip_id)
    main.get_by_role("button", name="Preview request").click()
    wait_for_app(page)
    expect(main.get_by_test_id("stJson")).to_contain_text("cover_clip_id")
    assert page.js_errors == []
