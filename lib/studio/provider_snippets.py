""" "Copy as code" for a provider other than the new-api family: its exact submit (URL, auth
header, body) as curl or a Python script, and its task read to repeat until the task is done.

As in ``lib.studio.snippets``, the key is never written: it is read from ``$GATEWAY_API_KEY`` at
run time (the self-hosted suno-api takes no key at all). Pure functions, no Streamlit.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from lib.gateway import providers
from lib.gateway.errors import InvalidInputError
from lib.gateway.providers import Provider
from lib.gateway.transport import normalise_base_url
from lib.studio.submit import Submission

KEY_VARIABLE = "GATEWAY_API_KEY"
_ID_MARK = "TASK_ID"  # stands for the task ID in the read request; a valid ID, replaced afterwards


def request_parts(base_url: str, submission: Submission, provider: str | None = None) -> dict[str, Any]:
    """What the snippets show, as data: the submit's method, URL, auth header name and body, and
    the task read's method, URL and body with ``TASK_ID`` where the ID goes (None: no task)."""
    given = providers.get(provider or submission.provider)
    route = given.submit_routes().get(submission.route)
    if route is None:
        raise InvalidInputError(f"{submission.route} is not a submit route of {given.name}")
    base = normalise_base_url(base_url)
    body = json.loads(json.dumps(dict(submission.body), ensure_ascii=False, allow_nan=False))
    read = None
    if submission.route not in given.no_task_routes:
        call = given.fetch_call(_ID_MARK, submission.platform)
        read = {"method": call.route.method, "url": base + call.path, "body": call.json}
    return {
        "provider": given.name,
        "method": route.method,
        "url": base + route.path,
        "auth_header": given.auth.header,
        "auth_prefix": given.auth.prefix,
        "body": body,
        "read": read,
        "clip_separator": getattr(given, "clip_separator", ""),  # a task ID made of clip IDs
    }


def curl_command(base_url: str, submission: Submission, provider: str | None = None) -> str:
    parts = request_parts(base_url, submission, provider)
    given = providers.get(parts["provider"])
    auth = _curl_auth(given)
    head = f"#!/usr/bin/env bash\n# {_label(submission, parts)} (Music Task Studio).\n"
    if auth:
        head += (
            f"# First: export {KEY_VARIABLE}=<your key>   (never paste the key in here)\n"
            f"set -euo pipefail\n"
            f': "${{{KEY_VARIABLE}:?export {KEY_VARIABLE}=<your key> first}}"\n\n'
        )
    else:
        head += "# This provider takes no key (the server holds the Suno cookie).\nset -euo pipefail\n\n"
    payload = json.dumps(parts["body"], ensure_ascii=False, indent=2)
    text = (
        head + "# 1. Submit (paid: run it once).\n"
        f'curl -sS -X {parts["method"]} "{_dq(parts["url"])}" \\\n'
        + auth
        + '  -H "Content-Type: application/json" \\\n'
        + f"  --data-binary @- <<'JSON'\n{payload}\nJSON\necho\n"
    )
    read = parts["read"]
    if read is None:
        return text + "# The answer is the result (a persona ID): there is no task to read.\n"
    hint = _ID_HINT.get(given.name, "the task ID from the answer above")
    url = _dq(read["url"]).replace(_ID_MARK, "$TASK_ID")
    if parts["clip_separator"]:  # suno-api: the query takes the clip IDs with commas
        url = url.replace("$TASK_ID", "${TASK_ID//" + parts["clip_separator"] + "/,}")
    text += f"\n# 2. Read the task (free; repeat until it is done). TASK_ID is {hint}.\n"
    text += 'TASK_ID="${1:?give the task ID}"\n'
    text += f'curl -sS -X {read["method"]} "{url}" \\\n' + auth
    if read["body"] is not None:
        body = json.dumps(read["body"]).replace(f'"{_ID_MARK}"', '"\'"$TASK_ID"\'"')
        text += f"  -H \"Content-Type: application/json\" \\\n  -d '{body}'\n"
    else:
        text = text.rstrip(" \\\n") + "\n"
    return text + "echo\n"


def python_script(base_url: str, submission: Submission, provider: str | None = None) -> str:
    """A standalone script (``requests`` only): ``python3 it.py`` submits once and prints the
    answer; ``python3 it.py <task ID>`` reads that task."""
    parts = request_parts(base_url, submission, provider)
    literal = repr(parts["body"])
    if ast.literal_eval(literal) != parts["body"]:
        raise InvalidInputError("the request body cannot be written as a Python literal")
    read = parts["read"] or {"method": None, "url": None, "body": None}
    values = {
        "LABEL": _label(submission, parts),
        "KEY": KEY_VARIABLE,
        "HEADER": repr(parts["auth_header"]),
        "PREFIX": repr(parts["auth_prefix"]),
        "METHOD": repr(parts["method"]),
        "URL": repr(parts["url"]),
        "BODY": literal,
        "READ_METHOD": repr(read["method"]),
        "READ_URL": repr(read["url"]),
        "READ_BODY": repr(read["body"]),
        "MARK": repr(_ID_MARK),
        "SEPARATOR": repr(parts["clip_separator"]),
    }
    pattern = r"__(LABEL|KEY|HEADER|PREFIX|METHOD|URL|BODY|READ_METHOD|READ_URL|READ_BODY|MARK|SEPARATOR)__"
    return re.sub(pattern, lambda match: values[match.group(1)], _PY_SCRIPT)


_ID_HINT = {
    "sunoapi": 'data.taskId in the answer ("code": 200)',
    "acedata": "task_id in the answer",
    "piapi": "data.task_id in the answer",
    "suno-api": "the clips' ids joined with ':' or ','",
}


def _curl_auth(given: Provider) -> str:
    if not given.auth.header:
        return ""
    return f'  -H "{given.auth.header}: {given.auth.prefix}${KEY_VARIABLE}" \\\n'


def _label(submission: Submission, parts: dict[str, Any]) -> str:
    text = f"{parts['provider']} · {submission.platform} · {submission.action} · {parts['method']} {parts['url']}"
    return re.sub(r"[^\w .·/:-]", "", text)


def _dq(text: str) -> str:
    return re.sub(r'([\\"$`])', r"\\\1", text)


_PY_SCRIPT = '''#!/usr/bin/env python3
"""__LABEL__ (Music Task Studio).

    pip install requests
    export __KEY__=<your key>      # never write the key into this file
    python3 this_script.py          # submits once (paid) and prints the answer
    python3 this_script.py TASK_ID  # reads that task (free; repeat until it is done)
"""
import json
import os
import sys

import requests

AUTH_HEADER, AUTH_PREFIX = __HEADER__, __PREFIX__
METHOD, URL, BODY = __METHOD__, __URL__, __BODY__
READ_METHOD, READ_URL, READ_BODY = __READ_METHOD__, __READ_URL__, __READ_BODY__
CLIP_SEPARATOR = __SEPARATOR__  # set when a task ID is its clips' IDs joined with it


def headers():
    if not AUTH_HEADER:
        return {"Accept": "application/json"}
    key = os.environ.get("__KEY__", "").strip()
    if not key:
        sys.exit("Set the __KEY__ environment variable to your key first.")
    return {AUTH_HEADER: AUTH_PREFIX + key, "Accept": "application/json"}


def fill(value, task_id):
    if isinstance(value, str):
        return value.replace(__MARK__, task_id)
    if isinstance(value, dict):
        return {k: fill(v, task_id) for k, v in value.items()}
    return value


def main():
    if len(sys.argv) > 1:
        if READ_URL is None:
            sys.exit("This request answers with its result: there is no task to read.")
        task_id = sys.argv[1].strip()
        if CLIP_SEPARATOR:  # the query takes the clip IDs joined with commas
            task_id = task_id.replace(CLIP_SEPARATOR, ",")
        url = fill(READ_URL, requests.utils.quote(task_id, safe=","))
        answer = requests.request(READ_METHOD, url, json=fill(READ_BODY, task_id), headers=headers(), timeout=60)
    else:
        answer = requests.request(METHOD, URL, json=BODY, headers=headers(), timeout=(10, 300))  # paid: once
    print(f"HTTP {answer.status_code}")
    try:
        print(json.dumps(answer.json(), ensure_ascii=False, indent=2))
    except ValueError:
        print(answer.text[:2000])
    return 0 if answer.ok else 1


if __name__ == "__main__":
    sys.exit(main())
'''
