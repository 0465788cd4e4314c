""" "Copy as code": the exact submit of a ``Submission`` as a bash/curl snippet or a standalone
Python script, each of which also waits for the task and shows its result.

Neither function takes the API key: the snippets read it from ``$GATEWAY_API_KEY`` at run time,
so a key can never end up in copied text. Pure functions, no streamlit.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from lib.gateway import routes
from lib.gateway.errors import InvalidInputError
from lib.gateway.providers import DEFAULT
from lib.gateway.routes import NO_TASK_ROUTES, SUBMIT_ROUTES
from lib.gateway.transport import normalise_base_url
from lib.studio import provider_snippets
from lib.studio.submit import Submission

KEY_VARIABLE = "GATEWAY_API_KEY"
POLL_VARIABLE = "POLL_SECONDS"  # both snippets poll every 5 s unless this says otherwise


def curl_command(base_url: str, submission: Submission) -> str:
    """A bash snippet: the submit as curl with the body in a quoted heredoc (no shell quoting of
    lyrics), then, for task routes, polling the fetch route until SUCCESS or FAILURE. A submission
    built for another provider (``provider_modes.build_for``) gets ``provider_snippets``' snippet."""
    if submission.provider != DEFAULT:
        return provider_snippets.curl_command(base_url, submission)
    base, route, fetch, body = _parts(base_url, submission)
    payload = json.dumps(body, ensure_ascii=False, indent=2)
    submit = (
        f'curl -sS -X {routes.SUBMITS[route].method} "{_dq(base + route)}" \\\n'
        f'  -H "Authorization: Bearer ${KEY_VARIABLE}" \\\n'
        f'  -H "Content-Type: application/json" \\\n'
        f"  --data-binary @- <<'JSON'"
    )
    head = (
        f"#!/usr/bin/env bash\n# {_label(submission)} (Music Task Studio).\n"
        f"# First: export {KEY_VARIABLE}=<your gateway key>   (never paste the key in here)\n"
        f"set -euo pipefail\n"
        f': "${{{KEY_VARIABLE}:?export {KEY_VARIABLE}=<your gateway key> first}}"\n\n'
    )
    if fetch is None:
        return (
            head + '# Submit (paid: run it once). The answer\'s top-level "id" is the persona ID;\n'
            "# there is no task to poll.\n" + f"{submit}\n{payload}\nJSON\necho\n"
        )
    return head + _CURL_TASK.format(
        submit=f'{submit} | tee "$ANSWER"',
        payload=payload,
        key=KEY_VARIABLE,
        poll=POLL_VARIABLE,
        fetch=_dq(base + fetch),
        extract_id=_PY_TASK_ID,
        extract_status=_PY_STATUS,
    )


def python_script(base_url: str, submission: Submission) -> str:
    """A standalone Python 3 script (``requests`` only) that submits the exact body, waits for
    the task and prints each song's title and audio URL (the persona ID for the persona route)."""
    if submission.provider != DEFAULT:
        return provider_snippets.python_script(base_url, submission)
    base, route, fetch, body = _parts(base_url, submission)
    literal = _py_literal(body)
    if ast.literal_eval(literal) != body:  # a guard: the script must send exactly this body
        raise InvalidInputError("the request body cannot be written as a Python literal")
    values = {
        "LABEL": _label(submission),
        "KEY": KEY_VARIABLE,
        "POLL": POLL_VARIABLE,
        "BASE_URL": repr(base),
        "ROUTE": repr(route),
        "FETCH": repr(fetch),
        "BODY": literal,
    }
    # One pass, so nothing substituted (a lyric saying "__KEY__") is ever substituted again.
    return re.sub(r"__(LABEL|KEY|POLL|BASE_URL|ROUTE|FETCH|BODY)__", lambda match: values[match.group(1)], _PY_SCRIPT)


# --- helpers ---------------------------------------------------------------------------------


def _parts(base_url: str, submission: Submission) -> tuple[str, str, str | None, dict[str, Any]]:
    route = submission.route
    if route not in SUBMIT_ROUTES:
        raise InvalidInputError(f"{route} is not a submit route")
    # JSON round trip: plain dicts/lists as the client would send them; NaN/inf are refused.
    body = json.loads(json.dumps(dict(submission.body), ensure_ascii=False, allow_nan=False))
    # The fetch route follows the submit route's platform; the persona route answers at once (§2.8).
    fetch = None if route in NO_TASK_ROUTES else routes.FETCH[routes.SUBMITS[route].platform].prefix
    return normalise_base_url(base_url), route, fetch, body


def _label(submission: Submission) -> str:
    method = routes.SUBMITS[submission.route].method  # _parts has checked it is a submit route
    text = f"{submission.platform} · {submission.action} · {method} {submission.route}"
    return re.sub(r"[^\w .·/:-]", "", text)  # it goes into comments and a docstring


def _dq(text: str) -> str:
    """``text`` made safe inside a bash double-quoted string."""
    return re.sub(r'([\\"$`])', r"\\\1", text)


def _py_literal(value: Any, level: int = 0) -> str:
    """A Python literal for JSON data, indented like the JSON preview (``repr`` for scalars)."""
    pad, end = "    " * (level + 1), "    " * level
    if isinstance(value, dict) and value:
        items = "".join(f"{pad}{k!r}: {_py_literal(v, level + 1)},\n" for k, v in value.items())
        return "{\n" + items + end + "}"
    if isinstance(value, list) and value:
        items = "".join(f"{pad}{_py_literal(v, level + 1)},\n" for v in value)
        return "[\n" + items + end + "]"
    return repr(value)


# Inside bash single quotes: these must never contain a single quote.
_PY_TASK_ID = """import json, sys
try:
    b = json.load(sys.stdin)
except ValueError:
    sys.exit("the gateway did not answer JSON")
b = b if isinstance(b, dict) else {}
if str(b.get("code", "success")).lower() not in ("success", "200", "0", "1"):
    sys.exit("the gateway refused the request (see its answer above)")
d = b.get("data")
ids = [str(v).strip() for v in (d, d.get("task_id") if isinstance(d, dict) else None,
       b.get("result"), b.get("task_id"), b.get("id"))
       if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).strip()]
if not ids:
    sys.exit("no task ID in the answer (see above)")
print(ids[0])"""

_PY_STATUS = """import json, sys
try:
    b = json.load(sys.stdin)
except ValueError:
    b = {}
b = b if isinstance(b, dict) else {}
t = b["data"] if isinstance(b.get("data"), dict) else b
s = str(t.get("status") or b.get("status") or "").upper()
done = {"SUCCEEDED", "COMPLETE", "COMPLETED"}
failed = {"FAILED", "FAIL", "ERROR", "UNKNOWN"}
print("SUCCESS" if s in done else "FAILURE" if s in failed else s)"""

_CURL_TASK = """ANSWER=$(mktemp)
trap 'rm -f "$ANSWER"' EXIT

# 1. Submit (paid: run it once). Prints the answer: {{"code":"success","data":"<task ID>"}}.
{submit}
{payload}
JSON
echo

# 2. The task ID from the answer (python3 reads the JSON: jq is not always installed).
TASK_ID=$(python3 -c '{extract_id}' < "$ANSWER")
echo "Task ID: $TASK_ID" >&2

# 3. Poll every ${{{poll}:-5}} seconds until the task is SUCCESS or FAILURE (at most 20 minutes),
#    then print the task's JSON: the songs' audio_url / song_path are in it.
DEADLINE=$((SECONDS + 1200))
while :; do
  TASK=$(curl -sS "{fetch}$TASK_ID" -H "Authorization: Bearer ${key}" || true)
  STATUS=$(printf '%s' "$TASK" | python3 -c '{extract_status}')
  echo "Status: ${{STATUS:-?}}" >&2
  case "$STATUS" in SUCCESS | FAILURE) break ;; esac
  if [ "$SECONDS" -ge "$DEADLINE" ]; then
    echo "Still running after 20 minutes: fetch task $TASK_ID later." >&2
    exit 1
  fi
  sleep "${{{poll}:-5}}"
done
printf '%s\\n' "$TASK"
[ "$STATUS" = SUCCESS ]
"""

_PY_SCRIPT = '''#!/usr/bin/env python3
"""__LABEL__ (Music Task Studio).

Submits the request below once, waits for the task and prints each song's title and audio URL.

    pip install requests
    export __KEY__=<your gateway key>   # never write the key into this file
    python3 this_script.py              # __POLL__=<seconds> changes the poll interval (5 s)
"""
import json
import os
import sys
import time

import requests

BASE_URL = __BASE_URL__
SUBMIT_ROUTE = __ROUTE__
FETCH_ROUTE = __FETCH__  # None: the answer is the result, there is no task to poll
BODY = __BODY__

POLL_SECONDS = float(os.environ.get("__POLL__") or 5)
TIMEOUT_SECONDS = 20 * 60
DONE = {"SUCCESS", "SUCCEEDED", "COMPLETE", "COMPLETED"}
FAILED = {"FAILURE", "FAILED", "FAIL", "ERROR", "UNKNOWN"}


def call(method, route, key, body=None):
    """The JSON answer; None for a passing problem while polling (tried again later)."""
    try:
        response = requests.request(method, BASE_URL + route, json=body, timeout=(10, 300),
                                    headers={"Authorization": "Bearer " + key,
                                             "Accept": "application/json"})
    except requests.RequestException as error:
        if method == "GET":
            print("Network problem, trying again:", error, file=sys.stderr)
            return None
        sys.exit(f"No answer to the submit ({error}). It may still have been accepted: "
                 "check the gateway before sending it again.")
    if method == "GET" and (response.status_code == 429 or response.status_code >= 500):
        print(f"HTTP {response.status_code}, trying again", file=sys.stderr)
        return None
    try:
        answer = response.json()
    except ValueError:
        answer = None
    refused = isinstance(answer, dict) and \
        str(answer.get("code", "success")).lower() not in ("success", "200", "0", "1")
    if response.status_code >= 400 or not isinstance(answer, dict) or refused:
        sys.exit(f"{method} {route} failed: HTTP {response.status_code}\\n{response.text[:2000]}")
    return answer


def task_id_of(answer):
    data = answer.get("data")
    nested = data.get("task_id") if isinstance(data, dict) else None
    for value in (data, nested, answer.get("result"), answer.get("task_id"), answer.get("id")):
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    sys.exit("No task ID in the answer:\\n" + json.dumps(answer, ensure_ascii=False, indent=2))


def task_of(answer):
    return answer["data"] if isinstance(answer.get("data"), dict) else answer


def show(answer):
    task = task_of(answer)
    payload = task.get("data")
    if isinstance(payload, dict) and "text" in payload:  # lyrics
        print("Title:", payload.get("title") or "(untitled)")
        print(payload.get("text") or "")
        return
    songs = task.get("songs")  # Udio, flat
    if not isinstance(songs, list):
        songs = payload.get("songs") if isinstance(payload, dict) else payload  # Udio / Suno
    lines = [f"{song.get('title') or '(untitled)'}: "
             f"{song.get('audio_url') or song.get('song_path') or '(no audio URL)'}"
             for song in songs or [] if isinstance(song, dict)]
    print("\\n".join(lines) if lines else json.dumps(answer, ensure_ascii=False, indent=2))


def main():
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # titles may be Chinese
    key = os.environ.get("__KEY__", "").strip()
    if not key:
        sys.exit("Set the __KEY__ environment variable to your gateway key first, e.g.\\n"
                 "    export __KEY__=sk-...")
    answer = call("POST", SUBMIT_ROUTE, key, BODY)  # paid: sent once, never retried
    if FETCH_ROUTE is None:
        print("Persona ID:", task_id_of(answer))
        return 0
    task_id = task_id_of(answer)
    print("Task ID:", task_id)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    status = ""
    while True:
        answer = call("GET", FETCH_ROUTE + requests.utils.quote(task_id, safe=""), key)
        if answer is not None:
            task = task_of(answer)
            status = str(task.get("status") or answer.get("status") or "").upper()
            print("Status:", status or "?", file=sys.stderr)
            if status in DONE:
                show(answer)
                return 0
            if status in FAILED:
                reason = task.get("fail_reason") or task.get("failReason") or "no reason given"
                print(f"The task failed: {reason}", file=sys.stderr)
                return 1
        if time.monotonic() + POLL_SECONDS > deadline:
            print(f"Still {status or 'running'} after 20 minutes: fetch task {task_id} later.",
                  file=sys.stderr)
            return 1
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    sys.exit(main())
'''
