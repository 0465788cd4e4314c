"""Settings: gateway profiles from the environment and secrets, and the one settings object."""

import platform

import pytest
from streamlit.testing.v1 import AppTest

from lib.gateway.profiles import GatewayProfile, load_profiles
from lib.settings import SettingsError, load_settings
from tests.apptest import APP


def test_environment_profile_comes_first():
    profiles = load_profiles(
        {"GATEWAY_BASE_URL": "https://api.uniapi.io/", "GATEWAY_API_KEY": " sk-1 "},
        {"gateways": {"bltcy": {"base_url": "https://api.bltcy.ai", "api_key": "sk-2"}}},
    )
    assert [(p.name, p.base_url, p.api_key) for p in profiles] == [
        ("env", "https://api.uniapi.io/", "sk-1"),
        ("bltcy", "https://api.bltcy.ai", "sk-2"),
    ]


def test_named_sections_and_single_gateway_section():
    secrets = {
        "gateways": {
            "a": {"base_url": "https://a.example"},
            "broken": {"api_key": "x"},
            "sandbox": {"base_url": "https://s.example"},
        },
        "gateway": {"base_url": "https://d.example", "api_key": "k"},
    }
    names = [p.name for p in load_profiles({}, secrets)]
    assert names == ["a", "sandbox-2", "default"]  # no base_url: skipped; reserved names renamed


def test_nothing_configured():
    assert load_profiles({}, {}) == []
    assert load_profiles({"GATEWAY_API_KEY": "sk-only-key"}, {"gateways": "not a table"}) == []


def test_key_is_hidden_from_repr_and_fingerprinted():
    profile = GatewayProfile("p", "https://x", "sk-secret-value")
    assert "sk-secret-value" not in repr(profile)
    assert len(profile.key_fingerprint) == 10 and "secret" not in profile.key_fingerprint
    assert GatewayProfile("p", "https://x").key_fingerprint == ""


# --- The settings object: read once, checked, the bad setting named ----------------------------


def test_defaults_with_nothing_configured(tmp_path):
    settings = load_settings({"MUSIC_TASK_STUDIO_DATA_DIR": str(tmp_path)}, {})
    assert settings.gateways == ()
    assert (settings.read_timeout_s, settings.submit_timeout_s) == (30.0, 150.0)
    assert settings.database_url == f"sqlite:///{tmp_path / 'history.db'}"
    assert settings.data_dir == tmp_path
    assert (settings.sandbox_port, settings.sandbox_port_chosen, settings.sandbox_fast) == (8599, False, False)
    assert settings.log_level is None  # Python's default: warnings and errors
    assert settings.media_store_url == (tmp_path / "media").as_uri()
    assert settings.media_cache_mb == 64.0
    assert settings.task_poll_s == 5.0


def test_every_setting_is_read():
    settings = load_settings(
        {
            "GATEWAY_BASE_URL": "https://api.example.com",
            "GATEWAY_API_KEY": "sk-1",
            "GATEWAY_READ_TIMEOUT": "12.5",
            "GATEWAY_SUBMIT_TIMEOUT": "60",
            "HISTORY_DATABASE_URL": "postgresql+psycopg://u@db/mts",
            "SANDBOX_PORT": "9100",
            "SANDBOX_FAST": "yes",
            "MUSIC_TASK_STUDIO_LOG_LEVEL": "debug",
            "MEDIA_STORE_URL": " s3://media/studio?endpoint_url=http://127.0.0.1:9000 ",
            "MEDIA_CACHE_MB": "16.5",
            "TASK_POLL_S": "2",
        },
        {"gateways": {"bltcy": {"base_url": "https://api.bltcy.ai"}}},
    )
    assert [p.name for p in settings.gateways] == ["env", "bltcy"]
    assert (settings.read_timeout_s, settings.submit_timeout_s) == (12.5, 60.0)
    assert settings.database_url == "postgresql+psycopg://u@db/mts"
    assert (settings.sandbox_port, settings.sandbox_port_chosen, settings.sandbox_fast) == (9100, True, True)
    assert settings.log_level == "DEBUG"
    assert settings.media_store_url == "s3://media/studio?endpoint_url=http://127.0.0.1:9000"
    assert settings.media_cache_mb == 16.5
    assert settings.task_poll_s == 2.0


@pytest.mark.parametrize(
    ("environ", "secrets", "named"),
    [
        ({"GATEWAY_READ_TIMEOUT": "thirty"}, {}, "GATEWAY_READ_TIMEOUT"),
        ({"GATEWAY_READ_TIMEOUT": "0"}, {}, "GATEWAY_READ_TIMEOUT"),
        ({"GATEWAY_SUBMIT_TIMEOUT": "-5"}, {}, "GATEWAY_SUBMIT_TIMEOUT"),
        ({"SANDBOX_PORT": "http"}, {}, "SANDBOX_PORT"),
        ({"SANDBOX_PORT": "70000"}, {}, "SANDBOX_PORT"),
        ({"SANDBOX_FAST": "maybe"}, {}, "SANDBOX_FAST"),
        ({"MUSIC_TASK_STUDIO_LOG_LEVEL": "LOUD"}, {}, "MUSIC_TASK_STUDIO_LOG_LEVEL"),
        ({"HISTORY_DATABASE_URL": "history.db"}, {}, "HISTORY_DATABASE_URL"),
        ({"MEDIA_STORE_URL": "/srv/media"}, {}, "MEDIA_STORE_URL"),
        ({"MEDIA_STORE_URL": "s3://Not_A_Bucket"}, {}, "MEDIA_STORE_URL"),
        ({"MEDIA_CACHE_MB": "lots"}, {}, "MEDIA_CACHE_MB"),
        ({"MEDIA_CACHE_MB": "-1"}, {}, "MEDIA_CACHE_MB"),
        ({"TASK_POLL_S": "0.1"}, {}, "TASK_POLL_S"),  # a gateway is not hammered ten times a second
        ({"TASK_POLL_S": "often"}, {}, "TASK_POLL_S"),
        ({"GATEWAY_BASE_URL": "api.example.com"}, {}, "GATEWAY_BASE_URL"),
        ({}, {"gateways": {"bltcy": {"base_url": "ftp://api.bltcy.ai"}}}, "gateway 'bltcy': base_url"),
    ],
)
def test_a_bad_setting_is_named(environ, secrets, named):
    with pytest.raises(SettingsError) as caught:
        load_settings(environ, secrets)
    assert caught.value.name == named
    assert str(caught.value).startswith(named)


def test_the_app_stops_at_start_with_the_bad_setting_named(monkeypatch):
    monkeypatch.setenv("GATEWAY_READ_TIMEOUT", "thirty")
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "zh-CN"
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    assert "GATEWAY_READ_TIMEOUT" in at.error[0].value and "设置" in at.error[0].value
    assert not at.sidebar.selectbox  # nothing that would use the setting is drawn


# --- Issue 12: private custom gateways, and base URLs that would swallow the app's routes ------


def test_private_custom_gateways_are_off_unless_the_operator_allows_them(tmp_path):
    environ = {"MUSIC_TASK_STUDIO_DATA_DIR": str(tmp_path)}
    assert load_settings(environ, {}).allow_private_custom_gateways is False
    for value, allowed in (("1", True), ("yes", True), ("off", False), ("", False)):
        settings = load_settings({**environ, "ALLOW_PRIVATE_CUSTOM_GATEWAYS": value}, {})
        assert settings.allow_private_custom_gateways is allowed, value
    with pytest.raises(SettingsError) as caught:
        load_settings({**environ, "ALLOW_PRIVATE_CUSTOM_GATEWAYS": "sometimes"}, {})
    assert caught.value.name == "ALLOW_PRIVATE_CUSTOM_GATEWAYS"


@pytest.mark.parametrize(
    ("environ", "secrets", "named"),
    [
        ({"GATEWAY_BASE_URL": "https://api.example.com/?x="}, {}, "GATEWAY_BASE_URL"),
        ({"GATEWAY_BASE_URL": "https://api.example.com/#"}, {}, "GATEWAY_BASE_URL"),
        ({"GATEWAY_BASE_URL": "https://me:pw@api.example.com"}, {}, "GATEWAY_BASE_URL"),
        ({}, {"gateways": {"b": {"base_url": "https://b.example/?"}}}, "gateway 'b': base_url"),
    ],
)
def test_a_configured_base_url_with_a_query_fragment_or_user_is_named(environ, secrets, named):
    with pytest.raises(SettingsError) as caught:
        load_settings(environ, secrets)
    assert caught.value.name == named and "carries" in str(caught.value)


# --- Issue 14: where published songs' media is kept ---------------------------------------------


def test_the_media_store_defaults_to_a_folder_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings({"MUSIC_TASK_STUDIO_DATA_DIR": "data dir"}, {})  # relative, with a space
    assert settings.media_store_url == (tmp_path / "data dir" / "media").as_uri()
    assert settings.media_store_url.startswith("file:///") and "%20" in settings.media_store_url
    folder = load_settings({"MEDIA_STORE_URL": "file:///srv/shared/media"}, {}).media_store_url
    assert folder == "file:///srv/shared/media"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("media", "not a media store URL"),
        ("file://media", "on this machine"),
        ("s3://media?endpoint=http://127.0.0.1:9000", "unknown s3:// option"),
        ("s3://media?endpoint_url=localhost:9000", "http(s) address"),
    ],
)
def test_a_bad_media_store_url_is_named_with_its_problem(url, problem):
    with pytest.raises(SettingsError) as caught:
        load_settings({"MEDIA_STORE_URL": url}, {})
    assert caught.value.name == "MEDIA_STORE_URL" and problem in caught.value.problem


def test_credentials_in_the_media_store_url_are_refused_and_never_repeated():
    with pytest.raises(SettingsError) as caught:
        load_settings({"MEDIA_STORE_URL": "s3://AKIAEXAMPLE:hunter2-secret@media/studio"}, {})
    assert caught.value.name == "MEDIA_STORE_URL" and "credentials" in str(caught.value)
    assert "hunter2" not in str(caught.value) and "AKIAEXAMPLE" not in str(caught.value)


# --- Issue 14: glibc keeps handing large freed blocks back (benchmarks/capacity.py) -------------


def test_the_allocator_is_tuned_once_and_only_where_the_operator_did_not():
    from lib import settings as settings_module

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        assert settings_module._fix_thresholds({}) is False  # other C libraries are left alone
    else:
        assert settings_module._fix_thresholds({}) is True
    assert settings_module._fix_thresholds({"MALLOC_MMAP_THRESHOLD_": "65536"}) is False
    assert settings_module._fix_thresholds({"MALLOC_TRIM_THRESHOLD_": "0"}) is False
    assert settings_module._fix_thresholds({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"}) is False
    first = settings_module.configure_allocator()
    assert settings_module.configure_allocator() is first and len(settings_module._allocator) == 1
