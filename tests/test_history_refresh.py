"""Refreshing library rows over real HTTP: each row through its own gateway, Suno in batches."""

from __future__ import annotations

from lib.gateway.errors import AuthenticationError
from lib.gateway.models import TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library.refresh import refresh_entries
from lib.library.store import HistoryStore
from tests.conftest import API_KEY, PAST_DONE
from tests.test_history import make_task


def test_refresh_groups_by_gateway_and_platform(tmp_path, sandbox, client, clock):
    store = HistoryStore(f"sqlite:///{tmp_path / 'h.db'}")
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    suno = [client.generate(f"song {n}") for n in range(3)]
    udio = client.udio_generate("waltz")
    for task_id, platform in [*((i, "suno") for i in suno), (udio, "udio")]:
        store.record_task(client.fetch_task(task_id, platform), profile)
    store.record_task(make_task("vanished", TaskStatus.QUEUED), profile)
    store.record_task(make_task("far", TaskStatus.QUEUED), GatewayProfile("far", "https://far.example", "k"))
    clock.advance(PAST_DONE)
    sandbox.clear_requests()

    connect = {("env", sandbox.url): (client, profile)}
    report = refresh_entries(store, store.unfinished(), lambda name, url: connect.get((name, url)))

    assert (report.asked, report.found, report.changed) == (5, 4, 4)
    assert report.missing == ["vanished"] and report.unreachable == {"far": 1}
    assert {e.task_id for e in store.unfinished()} == {"vanished", "far"}
    paths = [r["path"] for r in sandbox.requests]
    assert paths.count("/suno/fetch") == 1  # the three Suno tasks and the missing one: one batch
    assert paths.count(f"/udio/fetch/{udio}") == 1
    store.close()


def test_a_refusing_gateway_is_reported_not_raised(tmp_path, sandbox, client):
    store = HistoryStore(f"sqlite:///{tmp_path / 'h.db'}")
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    store.record_task(client.fetch_task(client.generate("x")), profile)
    sandbox.inject("status", status=401, times=None, message="invalid token")
    report = refresh_entries(store, store.unfinished(), lambda name, url: (client, profile))
    assert report.found == 0 and len(report.errors) == 1
    assert isinstance(report.errors[0], AuthenticationError)
    store.close()
