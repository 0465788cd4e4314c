"""Sing along and A/B in Chromium against the app's own sandbox: the karaoke view replaces a song
card's lyrics, lights the line being sung as the card's own player plays, seeks that same player
from a line or the waveform, and the A/B switch moves playback between the takes at the same
moment. Expected lines come from the gateway's timeline read here, not from the page."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from lib.gateway.errors import GatewayConnectionError
from lib.studio.lyrics_sync import synced_lines
from tests.e2e.conftest import ARTIFACTS, open_finished_task, open_lyrics, wait_for_app

PROMPT = "neon rain over the harbour"
# The line a player at `t` is on, computed in the page from the gateway's line starts (not the view's).
EXPECTED_AT = """([a, starts, texts]) => {
  let text = null;
  starts.forEach((s, i) => { if (s <= a.currentTime) text = texts[i]; });
  return text;
}"""


def finished_task(page, studio):
    page.goto(studio.url)
    wait_for_app(page)
    client = GatewayClient(studio.sandbox_url, "e2e-key")
    # The app's first run starts its sandbox, which a fresh server may not have begun yet: a
    # refused connection means nothing was sent, so asking again is safe.
    deadline = time.monotonic() + 30
    while True:
        try:
            task_id = client.generate(PROMPT)
            break
        except GatewayConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    main = open_finished_task(page, studio.url, task_id)
    return client, client.fetch_task(task_id), main


def sung_lines(client, song) -> list[tuple[float, str]]:
    return [
        (line.start_s, line.text) for line in synced_lines(client.timing(song.id), song.lyrics) if not line.is_heading
    ]


def track_seeks(player) -> None:
    """Remember where each seek of ``player`` goes (its currentTime moves on once it plays)."""
    player.evaluate(
        "a => { a.seekTargets = []; a.addEventListener('seeking', () => a.seekTargets.push(a.currentTime)); }"
    )


def last_seek(page, player, count: int) -> float:
    handle = player.element_handle()
    page.wait_for_function("([a, n]) => a.seekTargets.length >= n", arg=[handle, count], timeout=15_000)
    return player.evaluate("a => a.seekTargets[a.seekTargets.length - 1]")


# Counts each <audio>'s timeupdate listeners, added less removed: a view that rebinds on every rerun
# without letting go of the old listeners would pile them up.
COUNT_LISTENERS = """(() => {
  const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, options) {
    if (this instanceof HTMLMediaElement && type === "timeupdate") this.timeupdates = (this.timeupdates || 0) + 1;
    return add.call(this, type, fn, options);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, options) {
    if (this instanceof HTMLMediaElement && type === "timeupdate") this.timeupdates = (this.timeupdates || 0) - 1;
    return remove.call(this, type, fn, options);
  };
})();"""


def listeners(player) -> int:
    return player.evaluate("a => a.timeupdates || 0")


def expected_line(page, player, starts, texts) -> str:
    return page.evaluate(EXPECTED_AT, [player.element_handle(), starts, texts])


def test_sing_along_follows_and_seeks_the_cards_own_player(page, studio):
    page.add_init_script(COUNT_LISTENERS)
    client, task, main = finished_task(page, studio)
    key = f"{task.task_id}-0"
    card = main.locator(f".st-key-song-{key}")
    lines = sung_lines(client, task.songs[0])
    assert len(lines) >= 5
    players_before = page.locator("audio").count()
    assert players_before == len(task.songs)

    open_lyrics(card)  # the card's lyrics fold, where Sing along is
    card.get_by_role("button", name="Sing along").click()
    wait_for_app(page)
    karaoke = card.locator(".karaoke")
    expect(karaoke.locator("button.line")).to_have_count(len(lines), timeout=15_000)
    expect(card.get_by_role("button", name="Sing along")).to_have_count(0)
    # The lyrics are replaced, not repeated below: no Markdown of the card holds a sung line.
    expect(card.get_by_test_id("stMarkdownContainer").filter(has_text=lines[1][1])).to_have_count(0)
    expect(karaoke.locator(".heading").first).to_be_visible()
    expect(karaoke.locator(".section").first).to_be_visible()
    # One player per song, still: the view drives the card's own.
    expect(page.locator("audio")).to_have_count(players_before)
    player = card.locator("audio")
    expect(player).to_have_count(1)
    track_seeks(player)
    starts, texts = [s for s, _ in lines], [text for _, text in lines]

    # A rerun (the other song's Sing along) leaves this view following its player once, not twice.
    following = listeners(player)
    other = main.locator(f".st-key-song-{task.task_id}-1")
    open_lyrics(other)
    other.get_by_role("button", name="Sing along").click()
    wait_for_app(page)
    expect(other.locator(".karaoke button.line").first).to_be_visible(timeout=15_000)
    assert listeners(player) == following
    expect(karaoke.locator("button.line")).to_have_count(len(lines))

    # Playing: the lit line is the one the gateway's timeline puts at the player's time, and it moves on.
    player.evaluate("a => { a.muted = true; return a.play(); }")
    page.wait_for_function(
        "([a, box, starts, texts]) => { const lit = box.querySelector('button.line.is-current');"
        f" const expected = ({EXPECTED_AT})([a, starts, texts]);"
        " return !a.paused && a.currentTime > starts[1] && lit !== null && lit.textContent === expected; }",
        arg=[player.element_handle(), karaoke.element_handle(), starts, texts],
        timeout=30_000,
    )
    first_lit = karaoke.locator("button.line.is-current").text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "karaoke-playing.png"))

    # Later in the song (a seek just before a later line, then playing across its start).
    later = next(i for i in range(3, len(lines)) if texts[i] != first_lit)
    player.evaluate("(a, at) => { a.currentTime = at; return a.play(); }", max(0.0, starts[later] - 0.4))
    page.wait_for_function(
        "([a, at]) => !a.paused && a.currentTime > at", arg=[player.element_handle(), starts[later] + 0.1]
    )
    player.evaluate("a => a.pause()")
    expected = expected_line(page, player, starts, texts)
    expect(karaoke.locator("button.line.is-current")).to_have_text(expected)
    assert expected != first_lit

    # Clicking a line seeks the same player to the line's start and plays from there.
    seeks = player.evaluate("a => a.seekTargets.length")
    target = len(lines) - 2
    karaoke.locator("button.line").nth(target).click()
    assert abs(last_seek(page, player, seeks + 1) - starts[target]) <= 0.5
    page.wait_for_function("a => !a.paused", arg=player.element_handle(), timeout=15_000)
    player.evaluate("a => a.pause()")
    expect(karaoke.locator("button.line.is-current")).to_have_text(expected_line(page, player, starts, texts))

    # Clicking the middle of the waveform seeks to the middle of the song.
    player.evaluate("a => a.pause()")
    bars = karaoke.locator(".bars")
    box = bars.bounding_box()
    bars.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    duration = player.evaluate("a => a.duration")
    assert abs(last_seek(page, player, seeks + 2) - duration / 2) <= max(0.5, duration * 0.01)

    expect(page.locator("audio")).to_have_count(players_before)
    with page.expect_download() as download:
        card.get_by_role("button", name="Download synced lyrics (.lrc)").click()
    lrc = download.value.path().read_text(encoding="utf-8").splitlines()
    assert download.value.suggested_filename.endswith(".lrc")
    assert lrc[0].startswith("[ti:") and sum(1 for line in lrc if re.match(r"\[\d\d:\d\d\.\d\d\]", line)) == len(lines)
    assert page.js_errors == []


def test_ab_switch_moves_playback_to_the_other_take_at_the_same_moment(page, studio):
    client, task, main = finished_task(page, studio)
    a_player = main.locator(f".st-key-song-{task.task_id}-0 audio")
    b_player = main.locator(f".st-key-song-{task.task_id}-1 audio")
    switch = main.locator(".ab")
    expect(switch.locator("button.take")).to_have_count(2)
    expect(switch.locator("button.take").first).to_contain_text(task.songs[0].title)
    for player in (a_player, b_player):
        player.evaluate(
            "a => { a.muted = true; a.pausedAt = [];"
            " a.addEventListener('pause', () => a.pausedAt.push(a.currentTime)); }"
        )
    track_seeks(b_player)

    a_player.evaluate("a => a.play()")
    page.wait_for_function("a => !a.paused && a.currentTime > 2", arg=a_player.element_handle(), timeout=30_000)
    switch.locator("button.take[data-take='B']").click()
    page.wait_for_function(
        "([a, b]) => a.paused && !b.paused && b.currentTime > 0",
        arg=[a_player.element_handle(), b_player.element_handle()],
        timeout=15_000,
    )
    paused_at = a_player.evaluate("a => a.pausedAt[a.pausedAt.length - 1]")
    assert paused_at > 2
    assert abs(last_seek(page, b_player, 1) - paused_at) <= 0.5
    expect(switch.locator("button.take[data-take='B']")).to_have_attribute("aria-pressed", "true")

    # And back: A takes over where B is now, and B stops.
    switch.locator("button.take[data-take='A']").click()
    page.wait_for_function(
        "([a, b]) => b.paused && !a.paused", arg=[a_player.element_handle(), b_player.element_handle()], timeout=15_000
    )
    b_paused_at = b_player.evaluate("a => a.pausedAt[a.pausedAt.length - 1]")
    assert b_paused_at >= paused_at
    expect(page.locator("audio")).to_have_count(len(task.songs))
    assert page.js_errors == []
