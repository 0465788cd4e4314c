"""Published song pages through the app (AppTest, a real sandbox over HTTP, a real media store in
a folder): the owner publishes a finished task from the Task page, the link opens a read-only page
with nothing else of the app, Unpublish revokes it, and forged or malformed links are "not
available"."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lib.library.media_store import open_media_store
from lib.studio.publishing import read_snapshot
from tests.apptest import APP, TASK_PAGE, element_protos, open_app
from tests.conftest import PAST_DONE
from tests.test_access_pages import AUTH

LISTEN_PAGE = "app_pages/listen.py"
PUBLISHED_PAGE = "app_pages/published.py"


@pytest.fixture
def media_folder(tmp_path, monkeypatch):
    folder = tmp_path / "media"
    monkeypatch.setenv("MEDIA_STORE_URL", f"file://{folder}")
    return folder


def publish_from_task_page(task_id: str, *, downloads: bool = False) -> AppTest:
    at = open_app(TASK_PAGE, id=task_id)
    if downloads:
        at.checkbox(key=f"publish-downloads-{task_id}").check().run()
    at.button(key=f"publish-{task_id}").click().run()
    assert not at.exception, at.exception
    return at


def open_link(token: str, secrets: dict | None = None) -> AppTest:
    """A fresh visitor opening the link: a new session, no key typed, nobody signed in."""
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in (secrets or {}).items():
        at.secrets[name] = value
    at.query_params["p"] = token
    at.run()
    at.switch_page(LISTEN_PAGE).run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest) -> str:
    return "\n".join(str(proto) for proto in element_protos(at))


@pytest.fixture
def published(on_sandbox, client, clock, library, media_folder):
    task_id = client.generate("rain on the city at night")
    clock.advance(PAST_DONE)
    publish_from_task_page(task_id, downloads=True)
    [publication] = library.publications()
    return task_id, publication


def test_the_owner_publishes_a_finished_task_with_copies_of_its_media(published, library, media_folder):
    task_id, publication = published
    assert publication.task_id == task_id and publication.media_copied and publication.allow_downloads
    store = open_media_store(f"file://{media_folder}")
    songs = read_snapshot(publication.snapshot).songs
    assert len(songs) == 2
    for song in songs:
        for copy, kind in ((song.audio, "audio/"), (song.image, "image/")):
            data, content_type = store.get(copy.key)
            assert copy.key.startswith(f"published/{publication.token}/") and content_type.startswith(kind)
            assert len(data) > 1000


def test_the_link_opens_a_read_only_page_with_nothing_else_of_the_app(published, on_sandbox):
    _, publication = published
    requests_before = len(on_sandbox.requests)
    at = open_link(publication.token)
    assert len(at.get("audio")) == 2 and len(at.image) == 2
    assert [b.label for b in at.get("download_button")].count("Download audio") == 2
    assert len(on_sandbox.requests) == requests_before  # no gateway call: the snapshot and the store
    assert len(at.sidebar) == 0 and not at.text_input and not at.text_area  # no picker, no key field
    text = text_of(at)
    assert "sandbox-demo-key" not in text and "test-key" not in text
    assert "Create" not in [getattr(p, "page_name", "") for p in element_protos(at)]


@pytest.mark.parametrize("token", ["", "x", "A" * 32, "../../etc/passwd", "A" * 500])
def test_a_forged_or_malformed_link_is_not_available(published, token):
    at = open_link(token)
    assert at.title[0].value == "Not available"
    assert not at.get("audio") and not at.image and len(at.sidebar) == 0


def test_unpublish_revokes_the_link_at_once_and_removes_the_copies(published, library, media_folder):
    _, publication = published
    at = open_app(PUBLISHED_PAGE)
    assert any(publication.token in str(proto) for proto in element_protos(at))
    at.button(key=f"unpublish-{publication.token}").click().run()
    assert library.publications() == []
    assert open_link(publication.token).title[0].value == "Not available"
    assert not [path for path in media_folder.rglob("*") if path.is_file()]  # the copies went too


def test_with_sign_in_a_link_opens_without_signing_in_unless_the_operator_says_otherwise(published):
    _, publication = published
    at = open_link(publication.token, {"auth": AUTH})
    assert len(at.get("audio")) == 2
    at = open_link(publication.token, {"auth": AUTH, "access": {"public_links": False}})
    assert not at.get("audio")
    assert any(b.label == "Sign in" for b in at.button)
