"""The one AppTest helper: open the app as a browser would (always through ``app.py``, the frame),
and find widgets by the keys the session module gives them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CREATE_PAGE = "app_pages/create.py"
TASK_PAGE = "app_pages/task.py"
HISTORY_PAGE = "app_pages/history.py"
# What any page may ask a gateway besides its work: the sidebar's balance and the Create page's
# model list (lib.gateway.account), read once per gateway and key and kept a while.
ACCOUNT_PATHS = ("/v1/models", "/v1/dashboard/billing/")


def gateway_work(requests: list[dict]) -> list[dict]:
    """A sandbox's request log without the account reads."""
    return [r for r in requests if not r["path"].startswith(ACCOUNT_PATHS)]


def open_app(
    page: str | None = None,
    locale: str = "en-US",
    *,
    check: bool = True,
    secrets: dict[str, Any] | None = None,
    user: dict[str, Any] | None = None,
    **query: str,
) -> AppTest:
    """The app at ``page`` (the default page when None) with ``query`` in its URL, after its first
    runs; asserts it raised nothing unless ``check`` is False. ``secrets``: what secrets.toml
    would hold (``[auth]`` turns sign-in on); ``user``: what ``st.user`` holds (the sign-in's
    claims, with ``is_logged_in``)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = locale
    if secrets is not None:
        at.secrets = secrets
    if user is not None:
        at.user = user
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page).run()
    if check:
        assert not at.exception, at.exception
    return at


def wkey(name: str, lang: str = "en") -> str:
    """The widget key of kept value ``name`` drawn in ``lang`` (see ``lib.ui.session.widget_key``)."""
    return f"{name}::{lang}"


def api_key_field(at: Any) -> Any:
    """The sidebar's key field: one per gateway, so its key names the gateway."""
    fields = [ti for ti in at.sidebar.text_input if str(ti.key or "").startswith("api_key|")]
    assert len(fields) == 1, [ti.key for ti in at.sidebar.text_input]
    return fields[0]


def has_api_key_field(at: Any) -> bool:
    return any(str(ti.key or "").startswith("api_key|") for ti in at.sidebar.text_input)


def element_protos(at: Any, root: Any = None) -> list[Any]:
    """Every element's protobuf the last run drew (below ``root``, else the whole tree), as the
    server sends them to the browser."""
    protos: list[Any] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            protos.append(proto)
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree if root is None else root)
    return protos


def dialogs(at: Any) -> list[Any]:
    """The dialogs the last run opened (Streamlit draws them outside the main area)."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if getattr(node, "type", None) == "dialog":
            found.append(node)
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return found


def confirm_paid(at: Any, *, send: bool = True) -> Any:
    """Answer the paid-action dialog the last run opened (lib/ui/paid_confirm.py): *Send*, or
    *Cancel* when ``send`` is False. Asserts exactly one is open; returns ``at`` after the run."""
    [dialog] = dialogs(at)
    wanted = "paid_send" if send else "paid_cancel"
    [button] = [b for b in dialog.button if b.key == wanted]
    return button.click().run()
