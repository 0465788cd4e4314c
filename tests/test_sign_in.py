"""The sign-in gate through AppTest: with ``[auth]`` configured, a visitor who is not let in sees
the sign-in screen on every page and nothing of the app; one who is sees the app and, in the
sidebar, who they are and how to sign out. Without ``[auth]`` the app says it is single-user.

``st.user`` is set with ``AppTest.user``, as Streamlit's sign-in would set it from its cookie.
(The browser journey through a real provider is tests/e2e/test_sign_in.py.)"""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

import lib.settings as settings_module
from lib.gateway.models import TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.i18n import t
from lib.settings import SettingsError, load_settings
from tests.apptest import CREATE_PAGE, HISTORY_PAGE, TASK_PAGE, element_protos, open_app
from tests.test_history import make_task

PAGES = {CREATE_PAGE: "page.create.title", TASK_PAGE: "page.task.title", HISTORY_PAGE: "page.history.title"}
SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-cookie-secret-for-tests-only-0123456789",
        "client_id": "music-task-studio",
        "client_secret": "test-client-secret",
        # Never asked in these tests: AppTest sets st.user without a provider.
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    },
    "access": {"allowed": ["ana@example.com", "ops@example.com"], "operators": ["ops@example.com"], "session_hours": 1},
}
PRIVATE_TITLE = "Private Song Nobody Signed Out May See"


def claims(sub: str = "ana-sub", email: str = "ana@example.com", name: str = "Ana", age_s: float = 60) -> dict:
    """What Streamlit puts in ``st.user`` after a sign-in ``age_s`` seconds ago."""
    return {
        "is_logged_in": True,
        "iss": "http://127.0.0.1:9",
        "sub": sub,
        "email": email,
        "name": name,
        "iat": int(time.time() - age_s),
    }


# Each way of not being let in: the user, the one button offered, and what the screen says.
NOT_ADMITTED = {
    "signed_out": ({"is_logged_in": False}, "signin.sign_in", None),
    "expired": (claims(age_s=2 * 3600), "signin.sign_in", "signin.expired"),
    "refused": (claims("bo-sub", "bo@example.com", "Bo"), "signin.sign_out", "signin.refused"),
    "unreadable": ({"is_logged_in": True, "email": "nosub@example.com"}, "signin.sign_out", "signin.unreadable"),
}


@pytest.fixture
def private_row(library):
    """A task in the library, which no one who is not let in may see a trace of."""
    task = make_task("private-1", TaskStatus.SUCCESS, title=PRIVATE_TITLE)
    library.record_task(task, GatewayProfile("env", "http://127.0.0.1:1", "k"))
    return task


def open_as(user: dict, page: str | None = None, secrets: dict | None = SECRETS, locale: str = "en-US") -> AppTest:
    at = open_app(locale=locale, secrets=secrets, user=user)
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def everything_drawn(at: AppTest) -> str:
    return "\n".join(str(proto) for proto in element_protos(at))


def sidebar_text(at: AppTest) -> str:
    return "\n".join(str(proto) for proto in element_protos(at, at.sidebar))


@pytest.mark.parametrize("case", sorted(NOT_ADMITTED))
@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_visitor_not_let_in_sees_only_the_sign_in_screen(page, case, private_row):
    user, button, message = NOT_ADMITTED[case]
    at = open_as(user, page)
    assert [title.value for title in at.title] == [t("signin.app_name")]
    assert t("signin.why") in [m.value for m in at.markdown]
    assert [b.label for b in at.button] == [t(button)]
    assert not at.sidebar.children  # no sidebar at all: no gateway, no recent tasks, no pages
    assert not (at.text_input or at.text_area or at.selectbox or at.dataframe or at.tabs or at.expander)
    drawn = everything_drawn(at)
    assert PRIVATE_TITLE not in drawn and private_row.task_id not in drawn
    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    if message is None:
        assert shown == []
    else:
        assert len(shown) == 1 and shown[0].startswith(t(message).split("{")[0])


def test_the_refused_and_expired_screens_name_the_account_as_text():
    at = open_as(claims("mal-sub", "**mal**:red[x]`@example.com", "Mal"))
    assert at.error[0].value == t("signin.refused", who="`` **mal**:red[x]`@example.com ``")
    at = open_as(claims(age_s=2 * 3600))
    assert "` ana@example.com `" in at.warning[0].value


def test_the_sign_in_screen_follows_the_browser_language():
    at = open_as({"is_logged_in": False}, locale="zh-CN")
    assert [title.value for title in at.title] == [t("signin.app_name", "zh")]
    assert [b.label for b in at.button] == [t("signin.sign_in", "zh")]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_signed_in_visitor_sees_the_page_and_who_is_signed_in(page):
    at = open_as(claims(), page)
    assert [title.value for title in at.title][:1] == [t(PAGES[page])]
    assert [x.value for x in at.sidebar.text][:2] == ["Ana", "ana@example.com"]
    assert t("signin.sign_out") in [b.label for b in at.sidebar.button]
    assert t("signin.operator") not in sidebar_text(at)
    assert t("signin.single_user") not in everything_drawn(at)


def test_an_operator_is_marked_as_such():
    at = open_as(claims("ops-sub", "ops@example.com", "Olga"))
    assert t("signin.operator") in sidebar_text(at)


def test_a_name_from_the_identity_provider_renders_as_text():
    name = "**Boss** :red[alarm] <b>x</b> [link](http://evil.example) www.evil.example"
    at = open_as(claims(name=name))
    assert [x.value for x in at.sidebar.text][:1] == [name]  # st.text: no Markdown, no links
    assert "Boss" not in "".join(m.value for m in at.sidebar.markdown)


def test_sign_out_from_the_sidebar_returns_to_the_sign_in_screen():
    at = open_as(claims(), HISTORY_PAGE)
    next(b for b in at.sidebar.button if b.label == t("signin.sign_out")).click().run()
    assert at.user == {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == [t("signin.sign_in")]
    assert not at.sidebar.children


def test_a_refused_visitor_signs_out_and_may_sign_in_with_another_account():
    at = open_as(claims("bo-sub", "bo@example.com", "Bo"))
    at.button(key="signin-logout").click().run()
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == [t("signin.sign_in")]
    assert not at.error


def test_without_sign_in_the_library_says_it_is_single_user():
    at = open_as({}, HISTORY_PAGE, secrets=None)
    assert t("signin.single_user") in [c.value for c in at.caption]
    assert t("signin.sign_out") not in [b.label for b in at.button]
    assert t("signin.app_name") not in [title.value for title in at.title]


# --- [auth] in the settings ---------------------------------------------------------------------


def test_auth_settings_name_the_provider_or_the_missing_entry():
    auth = dict(SECRETS["auth"])
    assert (load_settings({}, {"auth": auth}).sign_in, load_settings({}, {}).sign_in) == (True, False)
    named = {key: auth.pop(key) for key in ("client_id", "client_secret", "server_metadata_url")}
    assert load_settings({}, {"auth": {**auth, "google": named}}).sign_in_provider == "google"
    for broken, name in [
        ({**auth, "google": named, "okta": named}, "auth"),
        ({**auth, "redirect_uri": "http://localhost:8501/"}, "auth.redirect_uri"),
        ({key: value for key, value in auth.items() if key != "cookie_secret"}, "auth.cookie_secret"),
        ({**auth, "google": {**named, "client_secret": ""}}, "auth.google.client_secret"),
    ]:
        with pytest.raises(SettingsError) as caught:
            load_settings({}, {"auth": broken})
        assert caught.value.name == name


def test_sign_in_without_authlib_is_named_when_the_app_starts(monkeypatch):
    monkeypatch.setattr(settings_module, "find_spec", lambda name: None)
    with pytest.raises(SettingsError) as caught:
        load_settings({}, SECRETS)
    assert caught.value.name == "auth" and "Authlib" in caught.value.problem
    assert load_settings({}, {}).sign_in is False  # without [auth] Authlib is not needed
