"""The operator's policy and private libraries as the pages show them (AppTest, signed-in users
given as ``st.user``): whose tasks a page lists, which gateways a user may pick, another user's
task IDs, and the server details only operators see."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from lib.gateway.profiles import GatewayProfile
from tests.apptest import APP, HISTORY_PAGE, TASK_PAGE, element_protos

ISSUER = "http://127.0.0.1:9400"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-thirty-two-bytes",
    "client_id": "music-task-studio",
    "client_secret": "test-secret",
    "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration",
}


def user(sub: str) -> dict[str, Any]:
    return {"is_logged_in": True, "sub": sub, "email": f"{sub}@example.com", "name": sub.title(), "iss": ISSUER}


def owner(sub: str) -> str:
    return f"{ISSUER}#{sub}"


def signed_in_app(sub: str, access: dict[str, Any] | None = None, page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = AUTH
    if access is not None:
        at.secrets["access"] = access
    at.user = user(sub)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    return "\n".join(str(proto) for proto in element_protos(at))


def gateway_options(at: AppTest) -> list[str]:
    [picker] = [box for box in at.sidebar.selectbox if str(box.key or "").startswith("gateway")]
    return list(picker.options)


@pytest.fixture
def two_libraries(library, on_sandbox):
    """Ana submitted "ana-task" through the operator's gateway and inspected "ana-seen"; Bo has
    "bo-task". Titles and prompts say whose they are."""
    profile = GatewayProfile("env", on_sandbox.url, "sk-operator")
    ana, bo = library.scoped(owner("ana")), library.scoped(owner("bo"))
    row = ana.begin_submit(
        profile,
        platform="suno",
        action="MUSIC",
        route="/suno/submit/music",
        body={"title": "Ana secret song", "prompt": "ana private prompt"},
    )
    ana.complete_submit(row, "ana-task")
    row = bo.begin_submit(
        profile,
        platform="suno",
        action="MUSIC",
        route="/suno/submit/music",
        body={"title": "Bo song", "prompt": "bo prompt"},
    )
    bo.complete_submit(row, "bo-task")
    return library


def test_each_user_sees_only_their_own_tasks_on_history_and_in_the_sidebar(two_libraries):
    at = signed_in_app("bo", page=HISTORY_PAGE)
    text = page_text(at)
    assert "Bo song" in text
    assert "Ana secret song" not in text and "ana private prompt" not in text and "ana-task" not in text
    assert "1 task in your library" in text
    assert "library.db" not in text and "SQLite" not in text  # where the database lives: operators only


def test_an_operator_sees_every_library_and_where_it_lives(two_libraries):
    at = signed_in_app("ops", {"operators": ["ops@example.com"]}, page=HISTORY_PAGE)
    text = page_text(at)
    assert "Bo song" in text and "Ana secret song" in text
    assert "tasks in the library" in text and "Kept in SQLite" in text  # the path in a fold
    [table] = at.dataframe
    assert sorted(table.value["owner"]) == ["ana", "bo"]  # whose each row is


def test_another_users_task_link_on_the_shared_key_shows_nothing_of_theirs(two_libraries):
    at = signed_in_app("bo", page=TASK_PAGE, id="ana-task")
    text = page_text(at)
    assert "belongs to another user" in text
    assert "Ana secret song" not in text and "ana private prompt" not in text
    at = signed_in_app("ana", page=TASK_PAGE, id="ana-task")  # its owner opens it as usual
    assert "another user" not in page_text(at)


def test_the_policy_decides_which_gateways_a_user_may_pick(on_sandbox, library):
    policy = {"allow_custom_gateways": False, "gateways": {"env": ["band"]}, "groups": {"band": ["ana@example.com"]}}
    sandbox, custom = "Sandbox (offline demo)", "Custom gateway…"
    assert gateway_options(signed_in_app("ana", policy)) == ["env", sandbox]
    assert gateway_options(signed_in_app("bo", policy)) == [sandbox]
    assert gateway_options(signed_in_app("ops", {**policy, "operators": ["ops"]})) == ["env", sandbox, custom]
    assert gateway_options(signed_in_app("bo", {})) == ["env", sandbox, custom]


def test_a_limited_user_sees_how_many_paid_calls_are_left_today(on_sandbox, library):
    from datetime import UTC, datetime

    library.scoped(owner("bo")).take_paid_call(5, action="MUSIC", day=datetime.now(UTC).date())
    at = signed_in_app("bo", {"daily_paid_limit": 5})
    assert any("1 of 5" in caption.value for caption in at.sidebar.caption)
    at = signed_in_app("ops", {"daily_paid_limit": 5, "operators": ["ops"]})  # operators are not limited
    assert not any("of 5" in caption.value for caption in at.sidebar.caption)
