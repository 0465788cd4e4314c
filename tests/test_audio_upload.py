"""A local audio file through the gateway's upload flow (``lib.studio.audio_upload`` driving
``lib.gateway.audio_upload``) against the sandbox over real HTTP: the checks before sending, the
five steps, the storage stand-in, each step's failure, and the presigned address's guard."""

from __future__ import annotations

import io
import urllib.request
import wave

import numpy as np
import pytest

from lib.gateway import errors
from lib.gateway.audio_upload import AudioUploads, UploadTicket
from lib.gateway.client import GatewayClient
from lib.gateway.models import TaskStatus
from lib.sandbox import SandboxConfig, SandboxGateway
from lib.studio import audio_upload as flow

PAST_DONE = 40.0


def tone_wav(seconds: float = 8.0, rate: int = 22050) -> bytes:
    times = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * 330 * times) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def run(client, clock, audio: flow.AudioFile, **options) -> tuple[flow.Uploaded, list[tuple[str, str]]]:
    """The flow with the sandbox's clock moved by each pause (nothing sleeps)."""
    steps: list[tuple[str, str]] = []
    result = flow.upload(
        AudioUploads(client),
        audio,
        on_step=lambda s, d: steps.append((s, d)),
        sleep=clock.advance,
        clock=clock,
        **options,
    )
    return result, steps


def upload_requests(sandbox) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in sandbox.requests if "/uploads/audio" in r["path"] or "/s3/" in r["path"]]


# --- checks before anything is sent -------------------------------------------------------------


def test_a_wav_passes_the_checks_named_and_typed_by_its_content():
    audio = flow.check_file("My Song.WAV", tone_wav(8.0))
    assert (audio.name, audio.extension, audio.content_type) == ("My Song.wav", "wav", "audio/wav")
    assert audio.duration == pytest.approx(8.0, abs=0.05)
    assert flow.check_file("", tone_wav(7.0)).name == "recording.wav"  # a recording has no name


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("empty.mp3", b"", "empty"),
        ("page.mp3", b"<!doctype html><html>not audio</html>", "not_audio"),
        ("notes.txt", b"just some text, no audio at all", "bad_type"),
        ("short.wav", tone_wav(2.0), "too_short"),
        ("huge.wav", b"RIFF\x00\x00\x00\x00WAVE" + b"\x00" * (flow.MAX_BYTES + 1), "too_large"),
    ],
)
def test_a_file_is_refused_before_anything_is_sent(name, data, code):
    with pytest.raises(flow.FileRefused) as refused:
        flow.check_file(name, data)
    assert refused.value.code == code and code in flow.PROBLEMS


def test_continuing_from_the_end_stays_inside_the_audio():
    assert flow.continue_from(8.0) == 8.0 and flow.continue_from(61.59) == 61.5
    assert flow.continue_from(None) is None


# --- the five steps -----------------------------------------------------------------------------


def test_a_file_becomes_a_clip_that_plays_its_own_audio_and_extends_into_songs(client, sandbox, clock):
    audio = flow.check_file("my tune.wav", tone_wav(8.0))
    result, steps = run(client, clock, audio)

    assert list(dict.fromkeys(s for s, _ in steps)) == list(flow.STEPS)
    assert ("process", "processing") in steps  # the gateway's word while it works
    assert result.name == "my tune.wav" and result.title == "my tune" and result.duration == pytest.approx(8.0, 0.01)
    sent = upload_requests(sandbox)
    upload_id = result.upload_id
    assert sent[:3] == [
        ("POST", "/suno/uploads/audio"),
        ("POST", "/s3/suno-uploads/"),
        ("POST", f"/suno/uploads/audio/{upload_id}/upload-finish"),
    ]
    assert sent[-1] == ("POST", f"/suno/uploads/audio/{upload_id}/initialize-clip")
    bodies = {r["path"]: r["body"] for r in sandbox.requests}
    assert bodies["/suno/uploads/audio"] == {"extension": "wav"}
    assert bodies[f"/suno/uploads/audio/{upload_id}/upload-finish"] == {
        "upload_type": "file_upload",
        "upload_filename": "my tune.wav",
    }
    storage = bodies["/s3/suno-uploads/"]
    assert storage["file_bytes"] == len(audio.data) and storage["authorization"] is False  # no key to S3
    assert storage["fields"] == ["AWSAccessKeyId", "Content-Type", "key", "policy", "signature"]

    # The clip's audio is the uploaded audio (decoded), not made-up music.
    with urllib.request.urlopen(f"{sandbox.url}/media/{result.clip_id}.wav", timeout=10) as answer:
        with wave.open(io.BytesIO(answer.read()), "rb") as served:
            assert served.getnframes() / served.getframerate() == pytest.approx(8.0, abs=0.05)
    clips = client.fetch_clips([result.clip_id])
    assert clips[0].id == result.clip_id and clips[0].title == "my tune"

    task_id = client.upload_extend(clip_id=result.clip_id, continue_at=flow.continue_from(result.duration))
    submitted = [r["body"] for r in sandbox.requests if r["path"] == "/suno/submit/music"][-1]
    assert submitted["task"] == "upload_extend" and submitted["continue_clip_id"] == result.clip_id
    clock.advance(PAST_DONE)
    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.SUCCESS and len(task.songs) == 2
    cover_id = client.cover(clip_id=result.clip_id)
    clock.advance(PAST_DONE)
    assert len(client.fetch_task(cover_id).songs) == 2


def test_a_presigned_put_sends_the_bytes_themselves(clock):
    with SandboxGateway(SandboxConfig(storage="put"), clock=clock) as sandbox:
        with GatewayClient(sandbox.url, "k", backoff=0) as client:
            result, _ = run(client, clock, flow.check_file("take.wav", tone_wav(6.5)))
            assert result.clip_id
            put = [r for r in sandbox.requests if r["method"] == "PUT"]
            assert len(put) == 1 and put[0]["path"].startswith("/s3/suno-uploads/raw_uploads/")
            assert put[0]["body"]["file_bytes"] == len(tone_wav(6.5))


# --- each step's failure ------------------------------------------------------------------------


def test_a_gateway_without_uploads_fails_at_the_first_step(clock):
    offered = SandboxConfig().offered - {"upload"}
    with SandboxGateway(SandboxConfig(offered=offered), clock=clock) as sandbox:
        with GatewayClient(sandbox.url, "k", backoff=0) as client:
            with pytest.raises(flow.UploadFailed) as failed:
                run(client, clock, flow.check_file("a.wav", tone_wav()))
    assert failed.value.step == "request"
    assert isinstance(failed.value.error, errors.UnsupportedRouteError)


def test_storage_refusing_the_file_fails_the_send_step_in_its_own_words(client, sandbox, clock):
    sandbox.inject("status", status=403, route="/s3/", message="Request has expired")
    with pytest.raises(flow.UploadFailed) as failed:
        run(client, clock, flow.check_file("a.wav", tone_wav()))
    assert failed.value.step == "send" and failed.value.upload_id
    assert failed.value.error.status == 403 and failed.value.error.gateway_message == "Request has expired"
    assert not [p for _, p in upload_requests(sandbox) if p.endswith(("upload-finish", "initialize-clip"))]


def test_a_forged_ticket_is_refused_by_storage_with_s3s_code(client, sandbox):
    uploads = AudioUploads(client)
    ticket = uploads.request_upload("wav")
    forged = UploadTicket(ticket.upload_id, ticket.url, {**ticket.fields, "signature": "0" * 64})
    with pytest.raises(errors.BadRequestError) as refused:
        uploads.send_file(forged, "a.wav", tone_wav(), "audio/wav")
    assert refused.value.status == 403 and refused.value.code == "AccessDenied"
    assert "Policy" in refused.value.gateway_message


def test_a_failed_finish_is_sent_once_and_nothing_follows_it(client, sandbox, clock):
    sandbox.inject("status", status=502, route="/suno/uploads/audio/", method="POST")
    with pytest.raises(flow.UploadFailed) as failed:
        run(client, clock, flow.check_file("a.wav", tone_wav()))
    assert failed.value.step == "finish" and isinstance(failed.value.error, errors.ServerError)
    finishes = [p for _, p in upload_requests(sandbox) if p.endswith("upload-finish")]
    assert len(finishes) == 1  # a free POST still goes once: the person decides to try again
    assert not [p for _, p in upload_requests(sandbox) if p.endswith("initialize-clip")]


def test_audio_the_gateway_cannot_process_fails_the_processing_step(client, sandbox, clock):
    damaged = b"RIFF\x24\x00\x01\x00WAVEfmt " + bytes(range(256)) * 40  # a WAV's magic, then junk
    audio = flow.check_file("broken.wav", damaged)  # its length cannot be read here: the gateway judges
    assert audio.duration is None
    with pytest.raises(flow.UploadFailed) as failed:
        run(client, clock, audio)
    assert failed.value.step == "process" and failed.value.error.code == "error"
    assert "Unable to process the audio file" in failed.value.error.gateway_message


def test_processing_that_never_ends_gives_up_after_its_timeout(client, sandbox, clock):
    now = [0.0]

    def pause(seconds: float) -> None:  # time passes for the flow, not for the sandbox
        now[0] += seconds

    steps: list[str] = []
    with pytest.raises(flow.UploadFailed) as failed:
        flow.upload(
            AudioUploads(client),
            flow.check_file("a.wav", tone_wav()),
            on_step=lambda s, d: steps.append(s),
            sleep=pause,
            clock=lambda: now[0],
            timeout_s=10.0,
        )
    assert failed.value.step == "process" and isinstance(failed.value.error, errors.GatewayTimeoutError)
    assert steps.count("process") == 6  # every 2 s for 10 s, then no more


def test_a_dialect_without_uploads_is_refused_before_any_request(sandbox):
    with GatewayClient(sandbox.url, "k", provider="sunoapi") as client:
        with pytest.raises(errors.UnsupportedRouteError):
            AudioUploads(client)
    assert sandbox.requests == []


# --- where the file may go ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, refused",
    [
        ("file:///etc/passwd", errors.ProtocolError),
        ("ftp://storage.example.com/upload", errors.ProtocolError),
        ("http://10.1.2.3/bucket/", errors.AddressRefusedError),
        ("http://169.254.169.254/latest/", errors.AddressRefusedError),
    ],
)
def test_storage_addresses_are_checked_like_redirect_targets(client, sandbox, url, refused):
    with pytest.raises(refused):
        AudioUploads(client).send_file(UploadTicket("u-1", url, {"key": "k"}), "a.wav", b"RIFF", "audio/wav")
    assert sandbox.requests == []


def test_a_typed_gateway_may_send_the_file_only_to_a_public_address(sandbox):
    client = GatewayClient("https://gateway.example.com", "k", public_only=True)
    loopback = UploadTicket("u-1", f"{sandbox.url}/s3/suno-uploads/", {"key": "k"})
    with pytest.raises(errors.AddressRefusedError):
        AudioUploads(client).send_file(loopback, "a.wav", b"RIFF", "audio/wav")
    assert sandbox.requests == []


def test_an_uploaded_clip_still_plays_its_own_audio_after_the_sandbox_restarts(tmp_path, clock):
    state = tmp_path / "sandbox.json"
    with SandboxGateway(SandboxConfig(), clock=clock, state_path=state) as sandbox:
        with GatewayClient(sandbox.url, "k", backoff=0) as client:
            result, _ = run(client, clock, flow.check_file("kept.wav", tone_wav(9.0)))
    with SandboxGateway(SandboxConfig(), clock=clock, state_path=state) as restarted:
        with urllib.request.urlopen(f"{restarted.url}/media/{result.clip_id}.wav", timeout=10) as answer:
            with wave.open(io.BytesIO(answer.read()), "rb") as served:
                assert served.getnframes() / served.getframerate() == pytest.approx(9.0, abs=0.05)
        with GatewayClient(restarted.url, "k", backoff=0) as client:
            task_id = client.upload_extend(clip_id=result.clip_id, continue_at=9.0)
            clock.advance(PAST_DONE)
            assert len(client.fetch_task(task_id).songs) == 2
