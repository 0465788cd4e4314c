"""Fault injection and the error bodies real gateways send (reference §6.2).

A fault matches API routes by prefix and fires ``times`` times (``None``: until cleared). Kinds:
``status`` (an HTTP error in the gateway's own shape), ``html`` (a web page with 200, as vanilla
new-api answers unknown routes), ``timeout`` (answer only after ``delay`` seconds), ``reset``
(close the connection), ``truncated`` (cut the JSON), ``large`` (a huge valid body),
``wrong_shape`` (valid JSON with nothing task-like), ``data_null`` (success envelope, null data),
``unknown_status`` (a task whose status word nobody knows), ``drip`` (a 200 answer whose body
comes one byte every ``delay`` seconds: no single read ever times out, only an overall deadline
ends it).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "status",
    "html",
    "timeout",
    "reset",
    "truncated",
    "large",
    "wrong_shape",
    "data_null",
    "unknown_status",
    "drip",
)

NEW_API_HTML = """<!doctype html><html lang="zh"><head><meta charset="utf-8" />
<title>New API</title></head><body><noscript>You need to enable JavaScript to run this app.
</noscript><div id="root"></div></body></html>"""


def request_id() -> str:
    return uuid.uuid4().hex[:20]


def openai_error(message: str, code: str = "", rid: str | None = None) -> dict[str, Any]:
    """The auth/routing layer's error shape; its message ends with the request id."""
    return {
        "error": {"message": f"{message} (request id: {rid or request_id()})", "type": "new_api_error", "code": code}
    }


def task_error(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "data": None}


def error_body(status: int, message: str | None = None, rid: str | None = None) -> dict[str, Any]:
    """What a new-api-derived gateway answers for this HTTP status."""
    if status == 401:
        return openai_error(message or "无效的令牌", rid=rid)
    if status == 403:
        return task_error("insufficient_user_quota", message or "用户额度不足, 剩余额度: ＄0.000000")
    if status in (400, 404):
        return task_error("task_not_exist", message or "task_not_exist")
    if status == 429:
        return task_error("upstream_error", message or "当前分组上游负载已饱和，请稍后再试")
    if status == 503:
        return openai_error(
            message or "当前分组 default 下对于模型 suno_music 无可用渠道", code="model_not_found", rid=rid
        )
    if status == 502:
        return task_error("fail_to_fetch_task", message or "bad gateway: upstream returned 502")
    return task_error("do_request_failed", message or "请求上游地址失败")


@dataclass
class Fault:
    kind: str = "status"
    status: int = 500
    route: str = ""  # prefix of the path; "" matches every API route
    times: int | None = 1
    retry_after: float | None = None
    message: str | None = None
    delay: float = 5.0  # for "timeout"; for "drip", the pause between bytes
    method: str | None = None  # only this HTTP method, when given

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {', '.join(KINDS)}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        allowed = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in allowed})


@dataclass
class FaultPlan:
    faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching this request, counting it as used."""
        with self._lock:
            for fault in self.faults:
                if path.startswith(fault.route) and (fault.method in (None, method)):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None
