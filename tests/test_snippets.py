""" "Copy as code": the generated Python script and curl snippet run for real against a fast
sandbox gateway, send exactly the previewed body, wait for the task and show its songs."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.gateway import bodies
from lib.gateway.client import GatewayClient
from lib.gateway.errors import InvalidInputError
from lib.sandbox import SandboxConfig, SandboxGateway
from lib.studio.snippets import KEY_VARIABLE, curl_command, python_script
from lib.studio.submit import Submission

CANARY = "canary-key-123"
TRICKY = 'a song with "quotes", $dollars, `backticks` and 中文'
# Everything a shell or a heredoc could trip over, including a line that is just the terminator.
NASTY_LYRICS = "line one\nJSON\n$(echo injected) `id` 'single' \"double\" \\n ${HOME} 中文歌词 ')"


@pytest.fixture
def gw():
    gateway = SandboxGateway(SandboxConfig.fast()).start()
    try:
        yield gateway
    finally:
        gateway.stop()


def inspiration() -> Submission:
    return Submission("suno", "inspiration", "/suno/submit/music", bodies.suno_inspiration(TRICKY))


def udio() -> Submission:
    return Submission(
        "udio", "udio-generate", "/udio/submit/music", bodies.udio_music("sea shanty", lyrics_type="instrumental")
    )


def lyrics(prompt: str = 'a ballad about "rain" on $5 umbrellas, 中文') -> Submission:
    return Submission("suno", "lyrics", "/suno/submit/lyrics", {"prompt": prompt})


def persona(root_clip_id: str) -> Submission:
    return Submission(
        "suno",
        "persona",
        "/suno/persona/create/",
        bodies.suno_persona(root_clip_id=root_clip_id, name='Rain "Singer" 雨', description="warm alto, $weet"),
    )


def a_clip(gw: SandboxGateway) -> str:
    """A generated clip to make a persona from (the sandbox's request log is cleared after)."""
    with GatewayClient(gw.url, "setup-key") as client:
        task_id = client.generate("a clip to sing from")
    gw.clear_requests()
    return gw.engine.task(task_id).clips[0].id


def env(**extra: str) -> dict[str, str]:
    values = {
        **os.environ,
        KEY_VARIABLE: CANARY,
        "POLL_SECONDS": "0.2",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        **extra,
    }
    return {k: v for k, v in values.items() if v is not None}


def run_python(tmp_path, text: str, environ: dict[str, str]) -> subprocess.CompletedProcess:
    path = tmp_path / "submit.py"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(path)],
        env=environ,
        timeout=60,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
    )


def run_bash(tmp_path, text: str, environ: dict[str, str]) -> subprocess.CompletedProcess:
    if not shutil.which("curl"):
        pytest.skip("curl is not installed: the curl snippet cannot be run here")
    if not shutil.which("python3"):
        pytest.skip("python3 is not on PATH: the curl snippet reads the JSON with it")
    return subprocess.run(
        ["bash", "-c", text], env=environ, timeout=60, capture_output=True, text=True, encoding="utf-8", cwd=tmp_path
    )


def posts(gw: SandboxGateway) -> list[dict]:
    return [{"path": r["path"], "body": r["body"]} for r in gw.requests if r["method"] == "POST"]


def fetched(gw: SandboxGateway) -> list[str]:
    return [r["path"] for r in gw.requests if r["method"] == "GET"]


def task_id_in(output: str) -> str:
    match = re.search(r"Task ID: (\S+)", output)
    assert match, output
    return match.group(1)


def assert_ok(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert CANARY not in done.stdout + done.stderr


# --- the Python script ---------------------------------------------------------------------


@pytest.mark.parametrize("make", [inspiration, udio], ids=["suno", "udio"])
def test_the_python_script_submits_the_exact_body_and_prints_every_song(gw, tmp_path, make):
    submission = make()
    done = run_python(tmp_path, python_script(gw.url, submission), env())
    assert_ok(done)
    assert posts(gw) == [{"path": submission.route, "body": dict(submission.body)}]
    task_id = task_id_in(done.stdout)
    assert set(fetched(gw)) == {f"/{submission.platform}/fetch/{task_id}"}
    task = gw.engine.task(task_id)
    assert len(task.clips) == 2
    for clip in task.clips:
        assert f"{clip.title}: {gw.url}/media/{clip.id}.mp3" in done.stdout


def test_the_python_script_prints_the_lyrics(gw, tmp_path):
    submission = lyrics()
    done = run_python(tmp_path, python_script(gw.url, submission), env())
    assert_ok(done)
    assert posts(gw) == [{"path": "/suno/submit/lyrics", "body": dict(submission.body)}]
    written = gw.engine.task(task_id_in(done.stdout)).lyrics
    assert f"Title: {written['title']}" in done.stdout
    assert written["text"] in done.stdout


def test_the_python_script_prints_the_persona_id_and_polls_nothing(gw, tmp_path):
    clip_id = a_clip(gw)
    submission = persona(clip_id)
    done = run_python(tmp_path, python_script(gw.url, submission), env())
    assert_ok(done)
    assert posts(gw) == [{"path": "/suno/persona/create/", "body": dict(submission.body)}]
    assert fetched(gw) == []
    assert re.search(r"Persona ID: [0-9a-f-]{36}\s*$", done.stdout)


def test_a_failed_task_ends_the_python_script_with_its_reason(gw, tmp_path):
    submission = Submission(
        "suno", "inspiration", "/suno/submit/music", bodies.suno_inspiration("sandbox:fail=moderation please")
    )
    done = run_python(tmp_path, python_script(gw.url, submission), env())
    assert done.returncode == 1
    assert "The task failed:" in done.stderr and gw.engine.task(task_id_in(done.stdout)).fail_reason in done.stderr


def test_without_the_key_the_python_script_explains_and_sends_nothing(gw, tmp_path):
    done = run_python(tmp_path, python_script(gw.url, inspiration()), env(**{KEY_VARIABLE: None}))
    assert done.returncode != 0
    assert f"export {KEY_VARIABLE}=" in done.stderr
    assert gw.requests == []


def test_a_refused_submit_ends_the_python_script_with_the_gateways_words(gw, tmp_path):
    gw.inject("status", status=400, message="prompt is too long", route="/suno/submit")
    done = run_python(tmp_path, python_script(gw.url, inspiration()), env())
    assert done.returncode != 0
    assert "HTTP 400" in done.stderr and "prompt is too long" in done.stderr
    assert fetched(gw) == []


@pytest.mark.parametrize(
    "make",
    [inspiration, udio, lyrics, lambda: lyrics(NASTY_LYRICS), lambda: persona("clip-1")],
    ids=["suno", "udio", "lyrics", "nasty", "persona"],
)
def test_the_scripts_body_is_exactly_the_submission_body(gw, tmp_path, make):
    submission = make()
    path = tmp_path / "as_module.py"
    path.write_text(python_script(gw.url, submission), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("as_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # main() only runs as __main__
    assert module.BODY == dict(submission.body)
    assert module.BASE_URL == gw.url and module.SUBMIT_ROUTE == submission.route
    assert gw.requests == []


def test_the_python_script_reads_udios_flat_answer_too(tmp_path):
    with SandboxGateway(SandboxConfig.fast(udio_dialect="flat")) as flat:
        done = run_python(tmp_path, python_script(flat.url, udio()), env())
        assert_ok(done)
        for clip in flat.engine.task(task_id_in(done.stdout)).clips:
            assert f"{clip.title}: {flat.url}/media/{clip.id}.mp3" in done.stdout


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), JSON_VALUES, max_size=6))
def test_any_json_body_becomes_the_same_python_literal(body):
    script = python_script("https://gw.example", Submission("suno", "custom", "/suno/submit/music", body))
    [assignment] = [
        node
        for node in ast.parse(script).body
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["BODY"]
    ]
    assert ast.literal_eval(assignment.value) == body


# --- the curl snippet ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [inspiration, udio, lyrics, lambda: lyrics(NASTY_LYRICS)], ids=["suno", "udio", "lyrics", "nasty"]
)
def test_the_curl_snippet_submits_the_exact_body_and_waits_for_the_task(gw, tmp_path, make):
    submission = make()
    done = run_bash(tmp_path, curl_command(gw.url, submission), env())
    assert_ok(done)
    assert posts(gw) == [{"path": submission.route, "body": dict(submission.body)}]
    task_id = task_id_in(done.stderr)
    assert set(fetched(gw)) == {f"/{submission.platform}/fetch/{task_id}"}
    assert "Status: SUCCESS" in done.stderr
    assert f'"task_id": "{task_id}"' in done.stdout and '"status": "SUCCESS"' in done.stdout
    assert not (tmp_path / "injected").exists()


def test_the_curl_snippet_for_a_persona_only_submits(gw, tmp_path):
    clip_id = a_clip(gw)
    submission = persona(clip_id)
    done = run_bash(tmp_path, curl_command(gw.url, submission), env())
    assert_ok(done)
    assert posts(gw) == [{"path": "/suno/persona/create/", "body": dict(submission.body)}]
    assert fetched(gw) == [] and f'"root_clip_id": "{clip_id}"' in done.stdout


def test_without_the_key_the_curl_snippet_explains_and_sends_nothing(gw, tmp_path):
    done = run_bash(tmp_path, curl_command(gw.url, inspiration()), env(**{KEY_VARIABLE: None}))
    assert done.returncode != 0 and f"export {KEY_VARIABLE}=" in done.stderr
    assert gw.requests == []


def test_a_failed_task_ends_the_curl_snippet_non_zero(gw, tmp_path):
    submission = Submission("suno", "inspiration", "/suno/submit/music", bodies.suno_inspiration("sandbox:fail please"))
    done = run_bash(tmp_path, curl_command(gw.url, submission), env())
    assert done.returncode == 1 and "Status: FAILURE" in done.stderr
    assert '"status": "FAILURE"' in done.stdout


# --- what the snippets contain -------------------------------------------------------------


@pytest.mark.parametrize("snippet", [curl_command, python_script])
def test_the_snippets_name_the_variable_and_never_take_a_key(snippet):
    assert list(inspect.signature(snippet).parameters) == ["base_url", "submission"]
    for submission in (inspiration(), udio(), lyrics(), persona("clip-1")):
        text = snippet("http://gw.example", submission)
        assert KEY_VARIABLE in text and CANARY not in text and "sk-" + "x" not in text


def test_the_base_url_is_normalised_like_the_client_does():
    text = curl_command("  https://gw.example/v1/ ", inspiration())
    assert 'curl -sS -X POST "https://gw.example/suno/submit/music"' in text
    assert '"https://gw.example/suno/fetch/$TASK_ID"' in text
    assert "BASE_URL = 'https://gw.example'" in python_script("https://gw.example/v1", inspiration())


def test_the_curl_body_is_pretty_json_in_a_quoted_heredoc():
    text = curl_command("https://gw.example", inspiration())
    assert "--data-binary @- <<'JSON'" in text
    assert '  "gpt_description_prompt": "a song with \\"quotes\\", $dollars, `backticks` and 中文",' in text
    ast.parse(python_script("https://gw.example", inspiration()))  # valid Python, whatever the body


def test_only_submit_routes_become_snippets():
    with pytest.raises(InvalidInputError):
        curl_command("https://gw.example", Submission("suno", "x", "/suno/fetch/abc", {}))
    with pytest.raises(InvalidInputError):
        python_script("https://gw.example", Submission("suno", "x", "/admin/delete", {}))
    with pytest.raises(InvalidInputError):
        python_script("ftp://gw.example", inspiration())
