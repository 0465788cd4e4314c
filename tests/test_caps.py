"""Sizes with caps (issue 12, finding 9), through AppTest over real HTTP: 10,000 pasted IDs open
the first ``MAX_TASK_IDS`` with a message saying how many were left out, in a handful of
requests; megabytes of lyrics, prompt, failure or pasted JSON are drawn in part, the whole a
download. Counted in requests and in what is rendered, never in seconds."""

from __future__ import annotations

import json

from lib.i18n import t
from lib.studio.task_lookup import MAX_TASK_IDS, TEXT_LIMIT, parse_lookup
from lib.ui import history_view
from tests.apptest import TASK_PAGE, gateway_work, open_app
from tests.conftest import PAST_DONE
from tests.hostile_gateway import HostileGateway

MANY = 10_000
BIG = 5 * 1024 * 1024  # characters


def many_ids(real: list[str]) -> list[str]:
    return real + [f"not-a-task-{i:05d}" for i in range(MANY - len(real))]


def warnings(at) -> str:
    return "\n".join(w.value for w in at.warning)


def test_one_cap_for_the_task_page_and_history_import():
    assert history_view.IMPORT_LIMIT == MAX_TASK_IDS == 100
    lookup = parse_lookup(" ".join(many_ids([])))
    assert len(lookup.ids) == MAX_TASK_IDS and lookup.dropped == MANY - MAX_TASK_IDS
    assert parse_lookup("a, b, a").dropped == 0  # repeats are one ID, not a drop


def test_ten_thousand_pasted_ids_open_the_first_hundred_with_a_message(on_sandbox, client, clock, library):
    real = [client.generate(f"song {i}") for i in range(3)]
    clock.advance(PAST_DONE)
    on_sandbox.clear_requests()
    at = open_app(TASK_PAGE)
    at.text_area(key="task_input::en").input("\n".join(many_ids(real)))
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception

    assert "the first 100 of the 10,000 IDs are open and 9,900 were left out" in warnings(at)
    link = at.code[0].value  # the share link holds what is open
    assert len(link.split("id=", 1)[1].split("&")[0].split(",")) == MAX_TASK_IDS
    frame = at.dataframe[0].value
    assert len(frame) == MAX_TASK_IDS and list(frame["task_id"][:3]) == real
    # One Suno batch for the hundred; IDs Suno does not know are tried on Udio, one GET each,
    # at most the hundred (before the cap: 100 batches and 10,000 GETs).
    batches = [r for r in gateway_work(on_sandbox.requests) if r["path"] == "/suno/fetch"]
    assert len(batches) == 1 and len(batches[0]["body"]["ids"]) == MAX_TASK_IDS
    assert len(gateway_work(on_sandbox.requests)) <= 1 + MAX_TASK_IDS
    assert library.count() <= MAX_TASK_IDS

    on_sandbox.clear_requests()
    at.run()  # the table's own reruns ask about the hundred only
    assert all(len(r["body"]["ids"]) <= MAX_TASK_IDS for r in on_sandbox.requests if r["path"] == "/suno/fetch")


def test_a_link_with_ten_thousand_ids_is_capped_too(on_sandbox, client, clock):
    real = [client.generate("linked")]
    clock.advance(PAST_DONE)
    on_sandbox.clear_requests()
    at = open_app(TASK_PAGE, id=",".join(many_ids(real)), platform="suno")
    assert "9,900 were left out" in warnings(at)
    assert [len(r["body"]["ids"]) for r in gateway_work(on_sandbox.requests)] == [MAX_TASK_IDS]  # one request in all
    assert len(at.dataframe[0].value) == MAX_TASK_IDS


def test_a_hundred_ids_open_without_a_message(on_sandbox):
    at = open_app(TASK_PAGE, id=",".join(f"t-{i}" for i in range(MAX_TASK_IDS)), platform="suno")
    assert "left out" not in warnings(at)
    assert len(gateway_work(on_sandbox.requests)) == 1


# --- very long text ---------------------------------------------------------------------------------


def big_text(label: str) -> str:
    line = f"{label} line that goes on and on\n"
    return (line * (BIG // len(line) + 1))[:BIG]


def test_five_megabytes_of_lyrics_and_prompt_are_drawn_in_part_with_a_download(monkeypatch):
    gateway = HostileGateway()
    try:
        lyrics = "[Verse]\n" + big_text("lyric")
        gateway.add_task("long", metadata={"prompt": lyrics, "gpt_description_prompt": big_text("prompt")})
        monkeypatch.setenv("GATEWAY_BASE_URL", gateway.url)
        monkeypatch.setenv("GATEWAY_API_KEY", "k")
        at = open_app(TASK_PAGE, id="long", platform="suno")
    finally:
        gateway.stop()
    drawn = sum(len(m.value) for m in at.markdown) + sum(len(c.value) for c in at.caption)
    drawn += sum(len(c.value) for c in at.code)
    assert TEXT_LIMIT < drawn < 4 * TEXT_LIMIT + 10_000  # lyrics, prompt and the JSON: each in part
    notes = [c.value for c in at.caption if "characters" in c.value]
    assert f"Showing the first 20,000 of {len(lyrics):,} characters." in notes
    assert f"Showing the first 20,000 of {BIG:,} characters." in notes  # the prompt
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download the full text") == 3  # lyrics, prompt, raw JSON
    assert t("song.download_lyrics", "en") in labels  # the song's own download keeps the whole as well
    [raw] = [c for c in at.code if c.language == "json"]
    assert len(raw.value) == TEXT_LIMIT and raw.value.startswith("{")
    assert not at.json  # no JSON tree of megabytes


def test_a_long_failure_reason_and_a_long_pasted_response_are_cut_too(on_sandbox):
    body = {
        "code": "success",
        "data": {"task_id": "pasted-long", "status": "FAILURE", "fail_reason": big_text("reason"), "data": []},
    }
    at = open_app(TASK_PAGE)
    at.text_area(key="task_input::en").input(json.dumps(body))
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert "no request was made" in at.info[0].value and not gateway_work(on_sandbox.requests)
    [error] = at.error
    assert len(error.value) < 1.1 * TEXT_LIMIT  # the cut text, with Markdown's escapes and line breaks
    assert f"Showing the first 20,000 of {BIG:,} characters." in [c.value for c in at.caption]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download the full text") == 2  # the reason and the raw JSON
