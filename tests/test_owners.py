"""Private libraries: every task, persona and paid-call count has an owner, each user reads and
changes only their own, operators see all, and an older library is upgraded with every row kept
(as the local user's). On SQLite and on a real PostgreSQL server when one is given."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lib.gateway.models import TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library import store as history
from lib.library.refresh import refresh_entries
from lib.library.store import LOCAL_OWNER, HistoryFilter, HistoryStore
from tests.old_libraries import create_old_library
from tests.test_history import T0, make_task

PROFILE = GatewayProfile("team-gw", "https://gw.example.com", "sk-operator-key")
ANA, BO = "https://idp.example#ana", "https://idp.example#bo"
DAY = date(2026, 12, 2)


@pytest.fixture
def stores(history_url):
    base = HistoryStore(history_url)
    yield base, base.scoped(ANA), base.scoped(BO)
    base.close()


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_library_is_upgraded_with_every_row_kept_as_the_local_users(history_url, version):
    create_old_library(history_url, version)
    local = HistoryStore(history_url)
    [kept] = local.search()
    assert (kept.task_id, kept.title, kept.owner) == ("kept", "Kept song", LOCAL_OWNER)
    if version == 2:
        assert [p.persona_id for p in local.personas(PROFILE)] == ["p-old"]
    # A signed-in user does not see the local rows; an operator (sees_all) does.
    assert local.scoped(ANA).search() == [] and local.scoped(ANA).personas(PROFILE) == []
    assert [e.task_id for e in local.scoped("ops", sees_all=True).search()] == ["kept"]
    # The widened unique key: another owner may hold the same task.
    local.scoped(ANA).record_task(make_task("kept"), GatewayProfile("team-gw", "https://gw.example.com"))
    assert len(local.scoped("ops", sees_all=True).search()) == 2
    with local.engine.connect() as conn:
        versions = sorted(conn.execute(sa.select(history.schema_info.c.version)).scalars())
    assert versions == list(range(1, history.SCHEMA_VERSION + 1))
    local.close()
    HistoryStore(history_url).close()  # a second start changes nothing


def test_each_user_reads_only_their_own_tasks(stores):
    base, ana, bo = stores
    ana.record_task(make_task("shared", title="Ana's take"), PROFILE, now=T0)
    ana.record_task(make_task("ana-only"), PROFILE, now=T0)
    bo.record_task(make_task("shared", title="Bo's take"), PROFILE, now=T0 + timedelta(minutes=1))
    assert sorted(e.task_id for e in ana.search()) == ["ana-only", "shared"]
    assert [e.task_id for e in bo.search()] == ["shared"]
    assert bo.find("shared").title == "Bo's take" and ana.find("shared").title == "Ana's take"
    assert bo.find("ana-only") is None
    assert bo.count() == 1 and bo.count(HistoryFilter(text="ana")) == 0
    assert [e.task_id for e in bo.recent()] == ["shared"]
    assert [e.task_id for e in bo.unfinished()] == ["shared"] and bo.count_unfinished() == 1
    # The whole library, for the local user and operators, with each row's owner.
    assert sorted((e.owner, e.task_id) for e in base.search()) == [(ANA, "ana-only"), (ANA, "shared"), (BO, "shared")]
    assert base.owners() == sorted([ANA, BO]) and bo.owners() == [BO]


def test_a_user_cannot_read_or_change_another_users_row_by_its_id(stores):
    base, ana, bo = stores
    ana.record_task(make_task("ana-1"), PROFILE)
    [row] = ana.search()
    assert bo.get(row.id) is None
    assert bo.set_starred([row.id], True) == 0
    assert bo.set_note(row.id, "mine now") is False
    assert bo.delete([row.id]) == 0
    after = ana.get(row.id)
    assert (after.starred, after.note) == (False, "")
    assert bo.gateway_names() == [] and ana.gateway_names() == ["team-gw"]
    with pytest.raises(PermissionError):
        bo.record_task(make_task("ana-1"), PROFILE, owner=ANA)
    assert base.delete([row.id]) == 1  # the operator's view may


def test_a_submit_never_touches_another_users_row_of_the_same_task(stores):
    _, ana, bo = stores
    ana.record_task(make_task("t-9"), PROFILE)
    row_id = bo.begin_submit(PROFILE, platform="suno", action="MUSIC", route="/suno/submit/music", body={"prompt": "x"})
    assert bo.complete_submit(row_id, "t-9") is True
    assert [e.task_id for e in ana.search()] == ["t-9"]  # Ana's row survived Bo's answer
    assert [(e.task_id, e.origin) for e in bo.search()] == [("t-9", "submitted")]
    # Nor can Ana complete or end Bo's submit by guessing its row id.
    assert ana.complete_submit(row_id, "t-10") is False
    assert ana.mark_rejected(row_id, "no") is False and ana.mark_outcome_unknown(row_id, "?") is False
    assert bo.find("t-9").status == TaskStatus.NOT_START.value


def test_personas_are_per_user(stores):
    base, ana, bo = stores
    ana.add_persona(PROFILE, persona_id="p-1", name="Ana's voice")
    bo.add_persona(PROFILE, persona_id="p-1", name="Bo's voice")
    assert [p.name for p in ana.personas(PROFILE)] == ["Ana's voice"]
    assert [p.name for p in bo.personas(PROFILE)] == ["Bo's voice"]
    assert bo.delete_persona(PROFILE, "p-1") is True
    assert [p.name for p in ana.personas(PROFILE)] == ["Ana's voice"]
    assert len(base.personas(PROFILE)) == 1


class _Gateway:
    def __init__(self, tasks):
        self.tasks = {task.task_id: task for task in tasks}

    def fetch_tasks(self, ids, platform):
        return {i: self.tasks[i] for i in ids if i in self.tasks}


def test_an_operators_refresh_updates_each_users_row_in_place(stores):
    base, ana, bo = stores
    ana.record_task(make_task("t-1", TaskStatus.IN_PROGRESS), PROFILE)
    bo.record_task(make_task("t-1", TaskStatus.IN_PROGRESS), PROFILE)
    gateway = _Gateway([make_task("t-1", TaskStatus.SUCCESS, marker=1)])
    report = refresh_entries(base, base.search(), lambda name, url: (gateway, PROFILE))
    assert report.changed == 2
    assert sorted((e.owner, e.status) for e in base.search()) == [(ANA, "SUCCESS"), (BO, "SUCCESS")]
    assert base.scoped("ops", sees_all=True).owners() == sorted([ANA, BO])  # no operator copies


def test_the_daily_paid_call_limit_counts_per_user_and_day(stores):
    _, ana, bo = stores
    assert [ana.take_paid_call(2, action="MUSIC", day=DAY) for _ in range(3)] == [True, True, False]
    assert ana.paid_calls(day=DAY) == 2
    assert bo.take_paid_call(2, action="MUSIC", day=DAY) is True  # Bo has his own count
    assert ana.take_paid_call(2, action="MUSIC", day=DAY + timedelta(days=1)) is True  # a new day
    assert ana.paid_calls(day=DAY) == 2 and bo.paid_calls(day=DAY) == 1


def test_tabs_racing_for_the_last_paid_calls_get_exactly_the_limit(history_url):
    HistoryStore(history_url).close()  # the schema first, so the racers only count
    results: list[bool] = []
    lock = threading.Lock()

    def take() -> None:
        store = HistoryStore(history_url).scoped(ANA)
        taken = store.take_paid_call(3, action="MUSIC", day=DAY)
        with lock:
            results.append(taken)
        store.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False] * 5 + [True] * 3
