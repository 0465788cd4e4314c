"""Bodies from every provider's public documentation (tests/fixtures/providers/), pasted on the Task
page as a visitor would: the songs render with their titles and players, the provider is named, a
moderation failure is explained, and a "succeeded" answer with no songs says so instead of showing
an empty page (issue 16)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, ROOT, wait_for_app

FIXTURES = ROOT / "tests" / "fixtures" / "providers"
PASTE_LABEL = "Task IDs, or a pasted fetch response"

# fixture -> (a song title it shows, how many players, the provider as the details name it)
SONGS = {
    "sunoapi/record_info_success_two_songs.json": ("Iron Man", 2, "sunoapi.org / kie.ai"),
    "acedata/tasks_retrieve_success.json": ("Holiday Wishes", 2, "AceDataCloud"),
    "piapi/task_completed_udio.json": ("Night Breeze", 2, "PiAPI / GoAPI"),
    "suno-api/get_complete.json": ("Silent Battlegrounds", 2, "suno-api (self-hosted)"),
    # A vocal-removal record has files, not songs: each stem plays under its name.
    "sunoapi/vocal_removal_record_info.json": ("Vocals", 2, "sunoapi.org / kie.ai"),
}


def paste(page, url: str, body: object):
    page.goto(f"{url}/task")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label(PASTE_LABEL).fill(json.dumps(body, ensure_ascii=False))
    main.get_by_role("button", name="Open", exact=True).click()
    wait_for_app(page)
    return main


@pytest.mark.parametrize("name", sorted(SONGS))
def test_a_pasted_provider_body_renders_its_songs(page, app_server, name):
    title, players, provider = SONGS[name]
    main = paste(page, app_server.url, json.loads((FIXTURES / name).read_text()))
    expect(main.get_by_text("Succeeded").first).to_be_visible(timeout=30_000)
    expect(main.get_by_role("heading", name=title).first).to_be_visible()
    expect(main.locator("audio")).to_have_count(players)
    main.get_by_test_id("stExpander").filter(has_text="Task details").get_by_text("Task details").click()
    expect(main.get_by_text(f"Read as an answer from {provider}.")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert page.js_errors == []


def test_a_moderation_failure_is_explained(page, app_server):
    body = json.loads((FIXTURES / "sunoapi/record_info_sensitive_word_error.json").read_text())
    main = paste(page, app_server.url, body)
    expect(main.get_by_text("Failed").first).to_be_visible(timeout=30_000)
    expect(main.get_by_text("Rephrase", exact=False)).to_be_visible()  # the moderation hint
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_succeeded_answer_without_songs_says_so(page, app_server):
    body = json.loads((FIXTURES / "sunoapi/record_info_success_two_songs.json").read_text())
    body["data"]["response"]["sunoData"] = []
    main = paste(page, app_server.url, body)
    expect(main.get_by_text("Succeeded").first).to_be_visible(timeout=30_000)
    expect(main.get_by_text("its answer holds no songs", exact=False)).to_be_visible()
    expect(main.get_by_test_id("stJson")).to_be_visible()  # the raw answer, opened
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pasted-songless.png"), full_page=True)
