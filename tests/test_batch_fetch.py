"""Issue 14: many Suno task IDs are fetched in chunks of 100 sent together (``BATCHES_IN_FLIGHT``
at a time), so 1,000 IDs cost about one round trip, not ten — with the same answers, errors and
deadline as when the chunks went one by one.

Concurrency is proved without timing: a loopback gateway holds every batch request until the
number the test expects are in flight at once, so the test passes only if the chunks overlap.
If they never do, the gateway gives up after ``HANG_GUARD_S`` and refuses, and the test fails
instead of hanging. Nothing here asserts how fast anything was.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from lib.gateway import errors
from lib.gateway.client import BATCHES_IN_FLIGHT, GatewayClient
from tests.conftest import API_KEY
from tests.loopback_gateway import LoopbackGateway, Request, default_answer, task_json

HANG_GUARD_S = 60.0  # how long the gateway waits for overlap: a hang guard, never a rate
GENEROUS_S = 10.0


def ids_of(count: int) -> list[str]:
    return [f"task-{n:04d}" for n in range(count)]


def asked(request: Request) -> list[str]:
    return json.loads(request.body)["ids"]


def batch_answer(request: Request, missing: frozenset[str] = frozenset()) -> tuple[int, dict, bytes]:
    """A finished task per asked ID, titled after it, in reverse order (as a database might)."""
    rows = [task_json(i, title=f"song {i}")["data"] for i in reversed(asked(request)) if i not in missing]
    return 200, {}, json.dumps({"code": "success", "message": "", "data": rows}).encode()


def refusal(status: int, code: str, message: str) -> tuple[int, dict, bytes]:
    return status, {}, json.dumps({"code": code, "message": message, "data": None}).encode()


class Overlap:
    """Holds each batch request until ``needed`` are in flight together (then lets every later one
    through at once). ``peak`` is the most seen at once: a request counts from its arrival until
    its answer is decided, before that answer is written, so the client cannot have sent the next
    chunk while the last one still counts."""

    def __init__(self, needed: int, answer=batch_answer) -> None:
        self.needed, self.answer = needed, answer
        self.lock = threading.Lock()
        self.in_flight = self.peak = 0
        self.overlapped = threading.Event()

    def __call__(self, request: Request) -> tuple[int, dict, bytes]:
        if request.method != "POST":
            return default_answer(request)
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            if self.in_flight >= self.needed:
                self.overlapped.set()
        try:
            if not self.overlapped.wait(HANG_GUARD_S):
                return refusal(400, "invalid_request", f"only {self.peak} chunks were ever in flight together")
            return self.answer(request)
        finally:
            with self.lock:
                self.in_flight -= 1


def client_for(gateway: LoopbackGateway, slept: list[float] | None = None, **options) -> GatewayClient:
    recorder = [] if slept is None else slept
    return GatewayClient(gateway.url, API_KEY, backoff=0, sleep=recorder.append, **options)


@pytest.mark.parametrize(
    ("count", "in_flight", "needed"),
    [(1000, BATCHES_IN_FLIGHT, min(BATCHES_IN_FLIGHT, 10)), (200, BATCHES_IN_FLIGHT, 2), (1000, 3, 3)],
    ids=["1000-ids", "200-ids", "1000-ids-3-at-a-time"],
)
def test_chunks_go_out_together_and_every_task_lands_under_its_id(count, in_flight, needed):
    ids = ids_of(count)
    missing = frozenset(ids[::7])  # IDs the gateway does not know are left out, as before
    overlap = Overlap(needed, lambda request: batch_answer(request, missing))
    with LoopbackGateway(overlap) as gateway, client_for(gateway, batches_in_flight=in_flight) as client:
        found = client.fetch_tasks(ids)
    assert overlap.peak == needed  # together, and never more than the client's bound
    posts = gateway.requests
    assert len(posts) == -(-count // 100) and all(p.method == "POST" and p.path == "/suno/fetch" for p in posts)
    chunks = sorted((asked(p) for p in posts), key=lambda chunk: ids.index(chunk[0]))
    assert [i for chunk in chunks for i in chunk] == ids and all(len(c) <= 100 for c in chunks)
    # Every request carried the key in its header only, whichever thread sent it.
    assert all(p.headers.get("Authorization") == f"Bearer {API_KEY}" for p in posts)
    assert not any(API_KEY.encode() in p.body or API_KEY in p.path for p in posts)
    # In ID order, each task under its own ID, none missing but the unknown ones.
    assert list(found) == [i for i in ids if i not in missing]
    assert all(found[i].task_id == i and found[i].songs[0].title == f"song {i}" for i in found)


def test_a_failing_chunk_fails_the_call_and_chunks_after_it_are_not_sent():
    """One at a time, as before: chunk 4 of 10 refuses (quota, final), so the call raises that
    refusal, returns nothing, and chunks 5–10 never go out."""
    ids = ids_of(1000)

    def answer(request: Request):
        if ids[300] in asked(request):
            return refusal(403, "insufficient_user_quota", "用户额度不足")
        return batch_answer(request)

    with LoopbackGateway(answer) as gateway, client_for(gateway, batches_in_flight=1) as client:
        with pytest.raises(errors.QuotaError):
            client.fetch_tasks(ids)
    assert [asked(p)[0] for p in gateway.requests] == [ids[0], ids[100], ids[200], ids[300]]


def test_the_earliest_failing_chunk_decides_the_error_whichever_fails_first():
    """Chunks 3 and 7 of 10 fail, chunk 7 first (chunk 3's answer waits for it): the call raises
    chunk 3's error, as the one-by-one fetch would have, and returns nothing."""
    ids = ids_of(1000)
    seventh_answered = threading.Event()

    def answer(request: Request):
        chunk = asked(request)
        if ids[600] in chunk:
            seventh_answered.set()
            return refusal(401, "", "无效的令牌")
        if ids[200] in chunk:
            seventh_answered.wait(HANG_GUARD_S)
            return refusal(403, "insufficient_user_quota", "用户额度不足")
        return batch_answer(request)

    with LoopbackGateway(Overlap(BATCHES_IN_FLIGHT, answer)) as gateway, client_for(gateway) as client:
        with pytest.raises(errors.QuotaError) as info:
            client.fetch_tasks(ids)
    assert "用户额度不足" in str(info.value)
    assert seventh_answered.is_set()


def test_a_chunk_that_fails_once_is_retried_and_no_result_is_lost():
    ids = ids_of(1000)
    failed: list[str] = []
    lock = threading.Lock()

    def answer(request: Request):
        with lock:
            first_time = ids[500] in asked(request) and not failed
            if first_time:
                failed.append(ids[500])
        return refusal(503, "", "无可用渠道") if first_time else batch_answer(request)

    slept: list[float] = []
    with LoopbackGateway(Overlap(BATCHES_IN_FLIGHT, answer)) as gateway, client_for(gateway, slept) as client:
        found = client.fetch_tasks(ids)
    assert list(found) == ids and failed == [ids[500]] and slept == [0.0]
    assert len(gateway.requests) == 11  # ten chunks, one of them twice


def test_without_the_batch_route_every_id_is_fetched_one_get_each():
    """A gateway answering its web page to the batch POST (every chunk of it) still answers one
    GET per task: the same fallback as before, now after chunks that went out together."""
    ids = ids_of(150)

    def answer(request: Request):
        if request.method == "POST":
            return 200, {"Content-Type": "text/html"}, b"<!doctype html><html><body>new-api</body></html>"
        return default_answer(request)

    with LoopbackGateway(answer) as gateway, client_for(gateway) as client:
        found = client.fetch_tasks(ids)
    assert list(found) == ids
    gets = sorted(p.path for p in gateway.requests if p.method == "GET")
    assert gets == sorted(f"/suno/fetch/{i}" for i in ids)
    assert sum(p.method == "POST" for p in gateway.requests) == 2


def test_the_whole_batch_ends_within_one_calls_deadline():
    """Chunks one at a time, each answered in 0.4 s (well within the 1 s read timeout): twenty
    would take 8 s, the call's deadline is 3 s, so the call ends with "no answer in time" and the
    chunks left are not sent. (The budget is set below its 10 s floor to keep the test short.)"""
    ids = ids_of(2000)

    def answer(request: Request):
        time.sleep(0.4)
        return batch_answer(request)

    started = time.monotonic()
    with LoopbackGateway(answer) as gateway, client_for(gateway, timeout=(2.0, 1.0), batches_in_flight=1) as client:
        client._transport.call_budget = 3.0
        with pytest.raises(errors.GatewayTimeoutError) as info:
            client.fetch_tasks(ids)
    assert time.monotonic() - started < 3.0 + GENEROUS_S
    assert "no answer in time" in str(info.value)
    assert len(gateway.requests) < 20


def test_the_connection_pool_holds_every_chunk_in_flight():
    with GatewayClient("http://127.0.0.1:9", API_KEY, batches_in_flight=16) as client:
        adapter = client._transport._session.get_adapter("http://127.0.0.1:9/")
        assert adapter._pool_maxsize >= 16
