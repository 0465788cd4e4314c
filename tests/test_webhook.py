"""The webhook receiver (lib/studio/webhook.py) over real HTTP: a wrong secret, an oversized or
unreadable body, an unknown task are refused; a callback the sandbox itself POSTs when a task
ends (new-api's notify_hook, sunoapi's callBackUrl) finishes the library's row without any fetch."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from datetime import UTC, timedelta

import pytest

from lib.gateway import bodies
from lib.gateway.profiles import GatewayProfile
from lib.library.store import HistoryStore
from lib.sandbox import SandboxConfig, SandboxGateway
from lib.settings import SettingsError, load_settings
from lib.studio import callback_follow
from lib.studio.submit import Submission, submit_recorded
from lib.studio.webhook import MAX_BODY_BYTES, WebhookReceiver
from tests.conftest import API_KEY, PAST_DONE

SECRET = "s3cret-token-for-tests_0123"


@pytest.fixture
def store(tmp_path):
    opened = HistoryStore(f"sqlite:///{tmp_path / 'h.db'}")
    yield opened
    opened.close()


@pytest.fixture
def receiver(store):
    server = WebhookReceiver(store, SECRET).start()
    server.url = f"http://127.0.0.1:{server.port}"
    yield server
    server.stop()


def post(url: str, data: bytes, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def submitted_row(store: HistoryStore, sandbox: SandboxGateway, client, hook: str) -> tuple[int, str]:
    """A task submitted through the sandbox with ``hook`` as its notify_hook, recorded as the app does."""
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    body = bodies.suno_inspiration("a song about lighthouses", notify_hook=hook)
    submission = Submission("suno", "inspiration", "/suno/submit/music", body)
    result = submit_recorded(store, profile, submission, lambda: client.submit_suno_music(body))
    return result.row_id, result.task_id


def wait_for_status(store: HistoryStore, row_id: int, status: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if store.get(row_id).status == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"row {row_id} is {store.get(row_id).status}, not {status}")


def test_a_wrong_or_missing_secret_is_forbidden(receiver):
    body = json.dumps({"task_id": "x", "status": "SUCCESS"}).encode()
    assert post(f"{receiver.url}/callback/wrong-secret-wrong-secret", body)[0] == 403
    assert post(f"{receiver.url}/callback", body)[0] == 403
    assert post(f"{receiver.url}/callback?token=nope", body)[0] == 403
    assert post(f"{receiver.url}/elsewhere/{SECRET}", body)[0] == 404


def test_an_oversized_body_is_refused_unread(receiver, store):
    """Judged on its declared length, before a byte of it is read (nothing is buffered)."""
    connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=10)
    connection.putrequest("POST", f"/callback/{SECRET}")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
    connection.endheaders()
    connection.send(b'{"task_id": "')  # the rest never comes: the answer must not wait for it
    answer = connection.getresponse()
    assert answer.status == 413
    connection.close()
    assert store.count() == 0


def test_unreadable_and_unknown_callbacks_change_nothing(receiver, store):
    assert post(f"{receiver.url}/callback/{SECRET}", b"not json")[0] == 400
    assert post(f"{receiver.url}/callback/{SECRET}", b'{"hello": "world"}')[0] == 422
    unknown = {"task_id": "no-such-task", "status": "SUCCESS", "action": "MUSIC", "data": []}
    assert post(f"{receiver.url}/callback?token={SECRET}", json.dumps(unknown).encode())[0] == 404
    assert store.count() == 0  # a callback never adds a row


def test_the_sandboxs_notify_hook_finishes_the_row_without_a_fetch(receiver, store, sandbox, client, clock):
    row_id, task_id = submitted_row(store, sandbox, client, f"{receiver.url}/callback/{SECRET}")
    sandbox.clear_requests()
    clock.advance(PAST_DONE)
    wait_for_status(store, row_id, "SUCCESS")
    entry = store.get(row_id)
    assert entry.task_id == task_id and entry.song_count == 2 and entry.title
    assert entry.request["notify_hook"].endswith(SECRET)  # the submit's own record is kept
    assert sandbox.requests == []  # no fetch: the callback alone finished it


def test_a_late_intermediate_callback_does_not_reopen_a_finished_row(receiver, store, sandbox, client, clock):
    row_id, task_id = submitted_row(store, sandbox, client, f"{receiver.url}/callback/{SECRET}")
    clock.advance(PAST_DONE)
    wait_for_status(store, row_id, "SUCCESS")
    late = {"task_id": task_id, "status": "IN_PROGRESS", "action": "MUSIC", "progress": "0%", "data": []}
    assert post(f"{receiver.url}/callback/{SECRET}", json.dumps(late).encode()) == (
        200,
        {"ok": True, "message": "already finished"},
    )
    assert store.get(row_id).status == "SUCCESS"


@pytest.mark.parametrize("provider", ["sunoapi", "acedata", "piapi"])
def test_every_providers_callback_finishes_its_row(receiver, store, provider):
    """sunoapi.org's callBackUrl (text / first / complete stages), AceData's callback_url (the
    finished body) and PiAPI's webhook_config (every status change): each finishes the row, and
    the sandbox sees nothing but the submit."""
    from lib.gateway.client import GatewayClient

    with SandboxGateway(SandboxConfig.fast(provider=provider)) as gateway:
        client = GatewayClient(gateway.url, API_KEY, provider=provider)
        profile = GatewayProfile("other", gateway.url, API_KEY, provider=provider)
        canonical = bodies.suno_inspiration("a song about kites", notify_hook=f"{receiver.url}/callback/{SECRET}")
        submission = Submission("suno", "inspiration", "/unused", canonical)
        result = submit_recorded(
            store, profile, submission, lambda: client.submit_mode("suno", "inspiration", canonical)
        )
        wait_for_status(store, result.row_id, "SUCCESS")
        entry = store.get(result.row_id)
        assert entry.song_count == 2
        assert len(gateway.requests) == 1  # the submit: no fetch
        # The Task page reads the finished row (whatever field carried the URL), and fetches nothing.
        assert callback_follow.followed_by_callbacks(entry, f"{receiver.url}/callback/{SECRET}")
        task = callback_follow.task_from_row(entry)
        assert task.status.is_terminal and len(task.songs) == 2 and task.songs[0].audio_url
        client.close()


def test_a_row_is_read_from_the_library_while_callbacks_come_and_fetched_once_they_stop(
    receiver, store, sandbox, client, clock
):
    hook = f"{receiver.url}/callback/{SECRET}"
    row_id, _ = submitted_row(store, sandbox, client, hook)
    running = store.get(row_id)
    assert callback_follow.followed_by_callbacks(running, hook)
    assert not callback_follow.followed_by_callbacks(running, f"{receiver.url}/callback/other")  # not ours
    assert not callback_follow.followed_by_callbacks(running, "")  # the receiver is off
    later = running.updated_at + timedelta(seconds=callback_follow.CALLBACK_GRACE_S + 1)
    assert not callback_follow.followed_by_callbacks(running, hook, now=later.replace(tzinfo=UTC))  # silent: fetch
    clock.advance(PAST_DONE)
    wait_for_status(store, row_id, "SUCCESS")
    done = store.get(row_id)
    assert callback_follow.followed_by_callbacks(done, hook, now=later.replace(tzinfo=UTC))  # finished: kept
    assert len(callback_follow.task_from_row(done).songs) == 2


def test_the_receivers_settings_are_checked():
    assert load_settings({}).webhook is None  # off by default
    on = load_settings({"WEBHOOK_PORT": "8700", "WEBHOOK_SECRET": SECRET})
    assert on.webhook.callback_url == f"http://127.0.0.1:8700/callback/{SECRET}"
    assert SECRET not in repr(on)
    public = load_settings(
        {"WEBHOOK_PORT": "8700", "WEBHOOK_SECRET": SECRET, "WEBHOOK_PUBLIC_URL": "https://studio.example/hooks/"}
    )
    assert public.webhook.callback_url == f"https://studio.example/hooks/callback/{SECRET}"
    for environ, name in (
        ({"WEBHOOK_PORT": "8700"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_PORT": "8700", "WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_PORT": "8700", "WEBHOOK_SECRET": "a/b?c" * 5}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT"),
        ({"WEBHOOK_PORT": "8700", "WEBHOOK_SECRET": SECRET, "WEBHOOK_PUBLIC_URL": "ftp://x"}, "WEBHOOK_PUBLIC_URL"),
        ({"BATCH_INTERVAL_S": "-1"}, "BATCH_INTERVAL_S"),
    ):
        with pytest.raises(SettingsError) as raised:
            load_settings(environ)
        assert raised.value.name == name
        assert "a/b?c" not in str(raised.value)
