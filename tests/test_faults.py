"""Every page against every gateway fault (issue 7): a clear message, no traceback, what the user
typed kept, and recovery once the gateway recovers — over real HTTP to a sandbox on a manual clock.

The matrix below is the single source of truth: the tests are parametrized from it (test IDs read
like the table, e.g. ``test_task_page[429-retry-after]``) and ``python -m tests.test_faults --table``
prints it as the Markdown table for the docs.

The gateway is a sandbox that keeps its port and its tasks (on disk), so "connection refused" is the
real thing: the gateway stops (its port closes) and comes back on the same address with its tasks.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.gateway.client import GatewayClient
from lib.gateway.profiles import GatewayProfile
from lib.i18n import t
from lib.library.store import OUTCOME_UNKNOWN
from lib.sandbox import ManualClock, SandboxConfig, SandboxGateway
from tests import apptest
from tests.conftest import API_KEY, PAST_DONE

PAGES = {"task": "app_pages/task.py", "create": "app_pages/create.py", "history": "app_pages/history.py"}
SUBMIT_LABEL = "Submit — spends credits"
# A paid POST waits this long in these tests (GATEWAY_SUBMIT_TIMEOUT); the slow gateway answers later.
SUBMIT_TIMEOUT_S = 1.0
SLOW_ANSWER_S = 2.5
# No knob sets the client's read timeout for GETs yet (30 s, retried 3 times): see read_timeout_knob().
READ_TIMEOUT_ENV = "GATEWAY_READ_TIMEOUT"

# How a cell recovers once the gateway does.
AUTO = "auto"  # Task page: the next polling tick (in AppTest: the next run)
RETRY = "retry"  # Task page: following stopped; the Retry button asks again
REOPEN = "reopen"  # Task page: an unknown task says what to check; opening it again asks again
SUBMIT = "submit"  # Create page: a refusal keeps the form; Submit sends it again
CHECK = "check"  # Create page: outcome unknown; the identical request is held back for 15 s
REFRESH = "refresh"  # History page: the library stays usable; Refresh asks the gateway again
RECOVERY = {
    AUTO: "recovers by itself",
    RETRY: "*Retry* button",
    REOPEN: "what to check, then *Open* again",
    SUBMIT: "*Submit* again",
    CHECK: "check the gateway, then *Submit*",
    REFRESH: "*Refresh* again",
}


@dataclass(frozen=True)
class Fault:
    id: str
    label: str  # the table's row
    kind: str | None  # the sandbox's fault kind; None: the gateway is down (its port is closed)
    options: dict = field(default_factory=dict)
    words: tuple[str, ...] = ()  # what the message quotes: the gateway's words, the HTTP status…


@dataclass(frozen=True)
class Cell:
    message: str  # i18n key of the message's title
    recovery: str
    words: tuple[str, ...] | None = None  # instead of the fault's
    note: str = ""
    needs: str = ""  # an environment knob the page test needs; skipped without it

    @property
    def hint(self) -> str | None:
        """The i18n key of the hint shown under the message (show_error's caption)."""
        kind = self.message.split(".", 1)[1] if self.message.startswith("error.") else None
        return "hint.outcome_unknown" if self.message == "create.outcome_unknown" else kind and f"hint.{kind}"


FAULTS = [
    Fault("refused", "Connection refused (gateway down)", None, words=("connection refused",)),
    Fault("timeout", "Timeout (no answer in time)", "timeout", {"delay": SLOW_ANSWER_S}, words=("no answer in time",)),
    Fault("reset", "Connection reset", "reset", words=("closed the connection",)),
    # One byte every 0.3 s: no single read ever waits long enough to time out.
    Fault("drip", "Answer dripping a byte at a time", "drip", {"delay": 0.3}, words=("no answer in time",)),
    Fault("401", "401 invalid key", "status", {"status": 401}, ("无效的令牌", "HTTP 401")),
    Fault("403", "403 quota exhausted", "status", {"status": 403}, ("用户额度不足", "HTTP 403")),
    Fault("404-task_not_exist", "404 `task_not_exist`", "status", {"status": 404}, ("task_not_exist", "HTTP 404")),
    Fault("400-task_not_exist", "400 `task_not_exist`", "status", {"status": 400}, ("task_not_exist", "HTTP 400")),
    Fault(
        "429-retry-after",
        "429 with `Retry-After: 60`",
        "status",
        {"status": 429, "retry_after": 60},
        ("当前分组上游负载已饱和", "HTTP 429", "wait 60 s"),
    ),
    Fault("500", "500", "status", {"status": 500}, ("请求上游地址失败", "HTTP 500")),
    Fault("502", "502", "status", {"status": 502}, ("upstream returned 502", "HTTP 502")),
    Fault("503", "503", "status", {"status": 503}, ("无可用渠道", "HTTP 503")),
    Fault("html-200", "HTML page with 200", "html", words=("web page instead of JSON", "HTTP 200")),
    Fault("truncated-json", "Truncated JSON", "truncated", words=("not readable JSON", "HTTP 200")),
    Fault(
        "wrong-shape",
        "JSON of the wrong shape (wrong types, missing fields)",
        "wrong_shape",
        words=("answered without a task", "HTTP 200"),
    ),
    Fault("data-null", "`data: null`", "data_null", words=("answered without a task", "HTTP 200")),
    Fault("unknown-status", "Unknown status word", "unknown_status", words=("TELEPORTING",)),
    Fault("large-body", "Very large body (25 MB)", "large", words=("larger than 20 MB", "HTTP 200")),
]
FAULT = {f.id: f for f in FAULTS}

_READ_TIMEOUT_NOTE = (
    f"the page test shortens {READ_TIMEOUT_ENV} (default 30 s; a GET is retried 3 times) so the fault outlasts it"
)
_DEADLINE_NOTE = f"the whole answer must arrive within {READ_TIMEOUT_ENV} (an overall deadline, not per read)"
_FETCH_ONLY = (
    "the submit itself is answered normally (the sandbox distorts fetch answers only); "
    "the Task page it lands on shows this"
)

TASK = {
    "refused": Cell("error.connection", AUTO),
    "timeout": Cell("error.timeout", AUTO, needs=READ_TIMEOUT_ENV, note=_READ_TIMEOUT_NOTE),
    "reset": Cell("error.connection", AUTO),
    "drip": Cell("error.timeout", AUTO, needs=READ_TIMEOUT_ENV, note=_DEADLINE_NOTE),
    "401": Cell("error.authentication", RETRY),
    "403": Cell("error.quota", RETRY),
    # What to check in words (platform, the sidebar's gateway, the account); the code and the HTTP
    # status in a fold below (checked by the page test).
    "404-task_not_exist": Cell("card.not_found.title", REOPEN, ("platform", "sidebar", "account")),
    "400-task_not_exist": Cell("card.not_found.title", REOPEN, ("platform", "sidebar", "account")),
    "429-retry-after": Cell("error.rate_limited", AUTO, note="polls on at its own pace, not after 60 s"),
    "500": Cell("error.server", AUTO),
    "502": Cell("error.server", AUTO),
    "503": Cell("error.server", AUTO),
    "html-200": Cell("error.unsupported_route", RETRY, note="a web page means the route is missing"),
    "truncated-json": Cell("error.protocol", AUTO),
    "wrong-shape": Cell("error.protocol", AUTO),
    "data-null": Cell("error.protocol", AUTO),
    "unknown-status": Cell("task.status_unknown", AUTO, note="shown as running, the word named"),
    "large-body": Cell("error.protocol", AUTO),
}

_UNKNOWN_WORDS = ("no answer from", "may have been accepted")
_SENT_ONCE = (
    "sent once, never retried; recorded as *Outcome unknown* in the library; the identical "
    "request is held back for 15 s"
)
CREATE = {
    "refused": Cell("error.connection", SUBMIT, note="nothing was sent"),
    "timeout": Cell("create.outcome_unknown", CHECK, _UNKNOWN_WORDS, note=_SENT_ONCE),
    "reset": Cell("create.outcome_unknown", CHECK, _UNKNOWN_WORDS, note=_SENT_ONCE),
    "drip": Cell(
        "create.outcome_unknown",
        CHECK,
        _UNKNOWN_WORDS,
        note="the submit timeout is the whole POST's deadline: " + _SENT_ONCE,
    ),
    "401": Cell("error.authentication", SUBMIT),
    "403": Cell("error.quota", SUBMIT),
    "404-task_not_exist": Cell("error.not_found", SUBMIT),
    "400-task_not_exist": Cell("error.not_found", SUBMIT),
    "429-retry-after": Cell("error.rate_limited", SUBMIT, note="a paid POST is never retried"),
    "500": Cell("error.server", SUBMIT),
    "502": Cell("error.server", SUBMIT),
    "503": Cell("error.server", SUBMIT),
    "html-200": Cell("error.unsupported_route", SUBMIT),
    "truncated-json": Cell(
        "create.outcome_unknown",
        CHECK,
        ("could not be read", "not readable JSON", "HTTP 200"),
        note="a 2xx answer that cannot be read may have been billed: " + _SENT_ONCE,
    ),
    "wrong-shape": Cell("error.protocol", AUTO, note=_FETCH_ONLY),
    "data-null": Cell("error.protocol", AUTO, note=_FETCH_ONLY),
    "unknown-status": Cell("task.status_unknown", AUTO, note=_FETCH_ONLY),
    "large-body": Cell("error.protocol", AUTO, note=_FETCH_ONLY),
}
_LANDS_ON_TASK = {fid for fid, cell in CREATE.items() if cell.recovery == AUTO}

_BATCH_TOLERANT = (
    "the batch answer holds no readable task, so the parser reports the row as missing (see the report's parser note)"
)
HISTORY = {
    "refused": Cell("error.connection", REFRESH),
    "timeout": Cell("error.timeout", REFRESH, needs=READ_TIMEOUT_ENV, note=_READ_TIMEOUT_NOTE),
    "reset": Cell("error.connection", REFRESH),
    "drip": Cell("error.timeout", REFRESH, needs=READ_TIMEOUT_ENV, note=_DEADLINE_NOTE),
    "401": Cell("error.authentication", REFRESH),
    "403": Cell("error.quota", REFRESH),
    "404-task_not_exist": Cell("error.not_found", REFRESH),
    "400-task_not_exist": Cell("error.not_found", REFRESH),
    "429-retry-after": Cell("error.rate_limited", REFRESH),
    "500": Cell("error.server", REFRESH),
    "502": Cell("error.server", REFRESH),
    "503": Cell("error.server", REFRESH),
    "html-200": Cell("error.unsupported_route", REFRESH),
    "truncated-json": Cell("error.protocol", REFRESH),
    "wrong-shape": Cell("history.refresh.missing", REFRESH, ("not found on their gateway",), note=_BATCH_TOLERANT),
    "data-null": Cell("history.refresh.missing", REFRESH, ("not found on their gateway",), note=_BATCH_TOLERANT),
    "unknown-status": Cell(
        "",
        REFRESH,
        (),
        note="no message: the row is kept as *In progress* (a guess, reference §5.1); the Task page names the word",
    ),
    "large-body": Cell("error.protocol", REFRESH),
}
MATRIX = {"task": TASK, "create": CREATE, "history": HISTORY}


# --- the gateway -----------------------------------------------------------------------------


class Gateway:
    """A sandbox that can go away and come back on the same address with the same tasks."""

    def __init__(self, clock: ManualClock, state_path: Path) -> None:
        self.clock, self.state_path = clock, state_path
        self.sandbox = SandboxGateway(SandboxConfig(), clock=clock, state_path=state_path).start()
        self.url = self.sandbox.url
        self.port = int(self.url.rsplit(":", 1)[1])
        self.down = False

    def break_with(self, fault: Fault, **route) -> None:
        if fault.kind is None:
            self.sandbox.stop()  # nothing listens on the port now: connection refused
            self.down = True
        else:
            self.sandbox.inject(fault.kind, times=None, **fault.options, **route)

    def recover(self) -> None:
        if self.down:  # back on the same address, with the tasks it had
            self.sandbox = SandboxGateway(
                SandboxConfig(), clock=self.clock, port=self.port, state_path=self.state_path
            ).start()
            self.down = False
        self.sandbox.clear_faults()

    def posts(self, prefix: str = "/suno/submit") -> list[dict]:
        return [r for r in self.sandbox.requests if r["method"] == "POST" and r["path"].startswith(prefix)]


@pytest.fixture
def gateway(clock, tmp_path, monkeypatch):
    gw = Gateway(clock, tmp_path / "sandbox.json")
    monkeypatch.setenv("GATEWAY_BASE_URL", gw.url)
    monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
    monkeypatch.setenv("GATEWAY_SUBMIT_TIMEOUT", str(SUBMIT_TIMEOUT_S))
    try:
        yield gw
    finally:
        gw.sandbox.stop()


@pytest.fixture
def gateway_client(gateway):
    """The test's own client (a separate session from the app's), for tasks that already exist."""
    with GatewayClient(gateway.url, API_KEY, backoff=0, sleep=lambda s: None) as c:
        yield c


def short_reads(fault: Fault, monkeypatch) -> None:
    """For the timeout cells only: reads give up well before the slow gateway answers (set before
    the app's session builds its client; other cells keep the default, so a busy machine cannot
    turn a healthy answer into a timeout)."""
    if fault.kind in ("timeout", "drip"):
        monkeypatch.setenv(READ_TIMEOUT_ENV, "0.5")


def cells(page: str):
    for fault in FAULTS:
        cell = MATRIX[page][fault.id]
        yield pytest.param(fault, cell, id=fault.id)


# --- reading the page ------------------------------------------------------------------------


def open_app(page: str) -> AppTest:
    return apptest.open_app(PAGES[page])


def plain(text: str) -> str:
    return text.replace("\\", "")


def messages(at) -> str:
    return plain("\n".join(e.value for e in [*at.error, *at.warning]))


def captions(at) -> str:
    return plain("\n".join(c.value for c in at.caption))


def rendered(at) -> str:
    """Every element the run drew, as text."""
    return "\n".join(str(proto) for root in (at.main, at.sidebar) for proto in apptest.element_protos(at, root))


def fragment(key: str) -> str:
    """The longest literal part of a message (its placeholders filled at run time)."""
    return max(re.split(r"\{[^}]*\}", t(key, "en")), key=len).strip()


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def assert_explained(at, fault: Fault, cell: Cell) -> None:
    """A clear message naming the problem, its hint, and no traceback."""
    assert not at.exception, at.exception
    shown = messages(at)
    if cell.message:
        assert plain(fragment(cell.message)) in shown, shown
    for word in fault.words if cell.words is None else cell.words:
        assert word in shown, (word, shown)
    if cell.hint:
        assert plain(t(cell.hint, "en")) in captions(at)
    drawn = rendered(at)
    assert not any(sign in drawn for sign in ("Traceback", 'File "', '.py", line')), drawn


# --- Task page -------------------------------------------------------------------------------


@pytest.mark.parametrize("fault, cell", cells("task"))
def test_task_page(fault, cell, gateway, gateway_client, library, monkeypatch):
    task_id = gateway_client.generate("rain on the harbour")
    short_reads(fault, monkeypatch)
    at = open_app("task")
    at.text_area(key="task_input::en").input(task_id)  # typed, as a user would
    gateway.break_with(fault)
    at.form_submit_button[0].click().run()

    assert_explained(at, fault, cell)
    assert at.text_area(key="task_input::en").value == task_id
    retry = [b for b in at.button if b.label == "Retry"]
    assert bool(retry) == (cell.recovery == RETRY)
    if cell.recovery == REOPEN:  # the gateway's own words, folded away
        assert all(word in plain(rendered(at)) for word in fault.words), fault.words

    gateway.recover()
    if cell.recovery == RETRY:
        retry[0].click()
    if cell.recovery == REOPEN:
        at.form_submit_button[0].click()
    at.run()
    assert_task_shown(at, task_id)


def assert_task_shown(at, task_id: str) -> None:
    assert not at.exception and not at.error and not at.warning
    assert_task_on_screen(at, task_id)


def assert_task_on_screen(at, task_id: str) -> None:
    assert task_id in [c.value for c in at.code]
    assert any(":gray-badge[Suno" in m.value for m in at.markdown)


def test_task_page_keeps_the_last_answer_while_the_gateway_fails(gateway, gateway_client, library):
    task_id = gateway_client.generate("rain on the harbour")
    at = open_app("task")
    at.text_area(key="task_input::en").input(task_id)
    at.form_submit_button[0].click().run()
    assert_task_shown(at, task_id)
    gateway.sandbox.inject("status", status=503, retry_after=0, times=None)
    at.run()  # the next polling tick fails…
    assert "HTTP 503" in messages(at)
    assert "Updated" in captions(at)  # …and says how old what is still shown is
    assert_task_on_screen(at, task_id)
    gateway.recover()
    at.run()
    assert_task_shown(at, task_id)


@pytest.mark.parametrize("fault_id", ["401", "truncated-json", "429-retry-after"])
def test_task_table_explains_once_and_recovers(fault_id, gateway, gateway_client, library):
    """Several IDs: one batch request and one message per refresh, then the table fills in."""
    fault, cell = FAULT[fault_id], TASK[fault_id]
    ids = [gateway_client.generate("one"), gateway_client.generate("two")]
    typed = "\n".join(ids)
    at = open_app("task")
    at.text_area(key="task_input::en").input(typed)
    gateway.break_with(fault)
    at.form_submit_button[0].click().run()
    assert_explained(at, fault, cell)
    assert len(at.error) == 1 and len(gateway.posts("/suno/fetch")) == 1
    assert list(at.dataframe[0].value["status"]) == ["loading…", "loading…"]
    assert at.text_area(key="task_input::en").value == typed
    gateway.recover()
    at.run()
    assert not at.exception and not at.error
    assert list(at.dataframe[0].value["status"]) == ["Not started", "Not started"]


# --- Create page -----------------------------------------------------------------------------


@pytest.mark.parametrize("fault, cell", cells("create"))
def test_create_page(fault, cell, gateway, library):
    typed = {
        "lyrics": f"[Verse]\nsalt on the rope, {fault.id} in the sails",
        "tags": "sea shanty, choir",
        "title": "The Long Haul",
        "negative_tags": "metal",
    }
    at = open_app("create")
    at.session_state["cf_mode_suno::en"] = "custom"
    for name, value in typed.items():
        at.session_state[f"cf_suno_{name}::en"] = value
    at.run()
    sent_before = len(gateway.posts())
    # Shape faults only distort fetch answers: break every route and follow the user to the task.
    gateway.break_with(fault, **({} if fault.id in _LANDS_ON_TASK else {"route": "/suno/submit"}))
    apptest.confirm_paid(button(at, SUBMIT_LABEL).click().run())  # a configured gateway asks first

    assert_explained(at, fault, cell)
    assert {name: at.session_state[f"cf_suno_{name}::en"] for name in typed} == typed
    if fault.id in _LANDS_ON_TASK:
        assert at.title[0].value == "Task"
        gateway.recover()
        at.switch_page(PAGES["task"]).run()  # the browser is on the Task page now
        assert_task_shown(at, at.query_params["id"])
        return

    assert at.title[0].value == "Create"  # still on the form, as typed
    assert at.text_area(key="cf_suno_lyrics::en").value == typed["lyrics"]
    assert at.text_input(key="cf_suno_title::en").value == typed["title"]
    assert len(gateway.posts()) == sent_before + (0 if fault.kind is None else 1)  # never retried
    [entry] = library.search()
    assert entry.status == (OUTCOME_UNKNOWN if cell.recovery == CHECK else "REJECTED")

    gateway.recover()
    if cell.recovery == CHECK:
        assert plain(fragment("create.outcome_unknown.next")) in messages(at)
        apptest.confirm_paid(button(at, SUBMIT_LABEL).click().run())
        assert any("was sent a moment ago" in i.value for i in at.info)  # held back: no second charge
        assert len(gateway.posts()) == sent_before + 1
        at.session_state["cf_suno_title::en"] = "The Long Haul (again)"  # checked the log: not created
        at.run()
    apptest.confirm_paid(button(at, SUBMIT_LABEL).click().run())
    assert not at.exception and at.title[0].value == "Task"
    assert gateway.sandbox.engine.task(at.query_params["id"]) is not None


def test_a_client_built_under_other_timeouts_is_not_served_again(gateway, library, monkeypatch):
    """The app keeps a client per session and gateway, and AppTest sessions share one ID: a test
    whose sandbox reused an earlier test's port met that test's client, which waited 150 s for the
    slow answer instead of this test's 1 s (seen in CI as "answered HTTP 200" for a timeout)."""
    monkeypatch.setenv("GATEWAY_SUBMIT_TIMEOUT", "150")
    open_app("create")  # the page reads the gateway's models: this session's client exists now
    monkeypatch.setenv("GATEWAY_SUBMIT_TIMEOUT", str(SUBMIT_TIMEOUT_S))
    timeout = next(fault for fault in FAULTS if fault.id == "timeout")
    at = open_app("create")
    at.session_state["cf_suno_description::en"] = "a slow gateway"
    at.run()
    gateway.break_with(timeout, route="/suno/submit")
    apptest.confirm_paid(button(at, SUBMIT_LABEL).click().run())
    assert_explained(at, timeout, MATRIX["create"]["timeout"])


# --- History page ----------------------------------------------------------------------------


@pytest.mark.parametrize("fault, cell", cells("history"))
def test_history_page(fault, cell, gateway, gateway_client, library, clock, monkeypatch):
    task_id = gateway_client.generate("a slow waltz")
    library.record_task(gateway_client.fetch_task(task_id), GatewayProfile("env", gateway.url, API_KEY))
    clock.advance(PAST_DONE)  # done on the gateway, still "Not started" in the library
    short_reads(fault, monkeypatch)
    at = open_app("history")
    at.text_input(key="hf_text::en").input(task_id[:8]).run()  # the user's filter
    assert list(at.dataframe[0].value["task_id"]) == [task_id]
    gateway.break_with(fault)
    button(at, "Refresh unfinished (1)").click().run()

    assert_explained(at, fault, cell)
    assert at.text_input(key="hf_text::en").value == task_id[:8]
    assert list(at.dataframe[0].value["task_id"]) == [task_id]  # the library stays on screen
    if fault.id == "unknown-status":
        assert not at.error and list(at.dataframe[0].value["status"]) == ["In progress"]
    else:
        assert library.find(task_id).status == "NOT_START"
    if cell.message.startswith("error."):  # nothing was checked: no "Checked 1 task" toast
        assert not any(toast.value.startswith("Checked") for toast in at.toast)

    gateway.recover()
    refresh = next(b for b in at.button if b.label.startswith("Refresh unfinished"))
    assert not refresh.disabled
    refresh.click().run()
    assert not at.exception and not at.error and not at.warning
    assert library.find(task_id).status == "SUCCESS"
    assert list(at.dataframe[0].value["status"]) == ["Succeeded"]
    assert any("Checked 1 task: 1 changed" in toast.value for toast in at.toast)


# --- what no page test can reach quickly -----------------------------------------------------


def test_read_timeout_in_the_client(gateway):
    """The Task and History pages' timeout cells, one level down: a GET (and the free batch POST)
    that gets no answer in time is retried, then raised as a timeout — never as "outcome unknown".
    The pages show a GatewayTimeoutError like any GatewayConnectionError (the refused/reset cells)."""
    from lib.gateway import errors

    slept: list[float] = []
    with GatewayClient(gateway.url, API_KEY, timeout=(1.0, 0.3), backoff=0, sleep=slept.append) as c:
        task_id = c.generate("slow")
        gateway.sandbox.inject("timeout", delay=1.0, times=None, route="/suno/fetch")
        with pytest.raises(errors.GatewayTimeoutError) as single:
            c.fetch_task(task_id)
        with pytest.raises(errors.GatewayTimeoutError) as batch:
            c.fetch_tasks([task_id])
        for error in (single.value, batch.value):
            assert error.kind == "timeout" and "no answer in time" in str(error)
            assert not isinstance(error, errors.OutcomeUnknownError)
        assert slept == [0.0] * 6  # 3 retries each
        gateway.recover()
        assert c.fetch_task(task_id).task_id == task_id


# --- the table -------------------------------------------------------------------------------


def table() -> str:
    """The faults × pages table, from the same data the tests are parametrized with."""
    notes: list[str] = []

    def headline(key: str) -> str:
        if not key:
            return "no message"
        text = t(key, "en", word="TELEPORTING", count=1, ids="<task id>")
        return text.split(". ", 1)[0].rstrip(".") if len(text) > 60 else text

    def describe(fault: Fault, cell: Cell) -> str:
        words = fault.words if cell.words is None else cell.words
        quoted = ", ".join(f"`{w}`" for w in words)
        marker = ""
        if cell.note:
            if cell.note not in notes:
                notes.append(cell.note)
            marker = f" [{notes.index(cell.note) + 1}]"
        return (
            f"**{headline(cell.message)}**"
            + (f" ({quoted})" if quoted else "")
            + f" → {RECOVERY[cell.recovery]}{marker}"
        )

    lines = ["| Fault | Task page | Create page (Submit) | History page (Refresh unfinished) |", "|---|---|---|---|"]
    for fault in FAULTS:
        lines.append(
            f"| {fault.label} | "
            + " | ".join(describe(fault, MATRIX[page][fault.id]) for page in ("task", "create", "history"))
            + " |"
        )
    lines.append("")
    lines += [f"[{n}] {note}" for n, note in enumerate(notes, 1)]
    lines += ["", LEGEND]
    return "\n".join(lines)


LEGEND = """Every cell: no traceback, the message's hint below it, what the user typed kept (the Task page's
IDs, the Create form, the History filter). *Recovers by itself*: the Task page keeps following the task
(every 5 s, slower later) and shows it again with no click. *Retry button*: the error stops following
(wrong key, missing route) until the user asks again. *Open again*: a task the gateway does not know
is explained (the platform, the gateway chosen in the sidebar, the submitting account) with no Retry;
the lookup form stays open to change and open it again. *Submit again*: a refused paid POST
is safe to resend and the form is kept. *Refresh again*: the library stays on screen and usable."""


if __name__ == "__main__":
    if "--table" in sys.argv:
        print(table())
    else:
        print("usage: python -m tests.test_faults --table")
