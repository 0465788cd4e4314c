"""Keeping the API key out of text: what the key is once a pasted ``Bearer`` prefix is dropped, every
spelling a gateway might echo it in (plain, JSON-escaped, ``\\u``-escaped, percent-encoded, base64 at
any alignment), and ``KeyScrubber``, which blanks those spellings out of answers, errors and log
records. It decides nothing about when to call or retry; ``lib.gateway.transport`` owns that and
runs everything it reads or logs through a ``KeyScrubber``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|[\"\\/bfnrt])")
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def bare_key(api_key: str | None) -> str:
    key = (api_key or "").strip()
    if key[:7].lower() == "bearer ":
        key = key[7:].strip()  # a pasted "Bearer sk-…": keep the bare key so scrubbing finds it
    return key


class KeyScrubber:
    """Replaces the key with ``***`` in text, in every spelling a gateway might echo it in."""

    def __init__(self, key: str) -> None:
        self._forms = key_spellings(key)
        self._found = re.compile("|".join(map(re.escape, self._forms))) if self._forms else None
        # The JSON escapes that spell one of the key's characters: only they can hide it from __call__.
        units = "|".join(sorted({f"{unit:04x}" for unit in _utf16_units(key)}))
        simple = "".join(f"|{re.escape(esc)}" for char, esc in _JSON_ESCAPES.items() if char in key)
        self._hiding = re.compile(rf"\\u(?:{units}){simple}", re.IGNORECASE)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, "***")
        return text

    def may_hide_in(self, json_text: str) -> bool:
        """Whether decoding this JSON could spell the key out of escapes the text scrub missed."""
        return self._found is not None and self._hiding.search(json_text) is not None

    def scrub_escaped(self, text: str) -> str:
        """Text that is not JSON (a cut-off answer, an error page) but may spell the key with JSON
        escapes, in part or whole: when decoding the escapes spells the key, the decoded text,
        scrubbed; else the text as it is."""
        if self._found is None or not self._hiding.search(text):
            return text
        decoded = _ESCAPE.sub(lambda m: _SIMPLE.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), text)
        decoded = decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")  # join pairs
        return self(decoded) if self._found.search(decoded) else text

    def scrub_data(self, data: Any) -> bool:
        """Scrub every string of decoded JSON in place (no recursion); whether anything changed."""
        found, changed, stack = self._found, False, [data]
        while found is not None and stack:
            item = stack.pop()
            if isinstance(item, dict):
                if any(isinstance(k, str) and found.search(k) for k in item):
                    pairs = [(self(k) if isinstance(k, str) else k, v) for k, v in item.items()]
                    item.clear()
                    item.update(pairs)
                    changed = True
                slots: Iterable[tuple[Any, Any]] = item.items()
            elif isinstance(item, list):
                slots = enumerate(item)
            else:
                continue
            for slot, value in list(slots):
                if isinstance(value, str):
                    if found.search(value):
                        item[slot], changed = self(value), True
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        return changed


def key_spellings(key: str) -> tuple[str, ...]:
    """The key as text may carry it: plain, JSON-escaped (with or without ``\\/``), fully
    ``\\u``-escaped, percent-encoded and base64 (at any alignment inside a longer encoded blob);
    longest first. Keys shorter than 4 characters are not scrubbed (they would blank out words)."""
    if len(key) < 4:
        return ()
    escaped = json.dumps(key)[1:-1]
    units = _utf16_units(key)
    raw = key.encode()
    forms = {
        key,
        escaped,
        escaped.replace("/", "\\/"),
        key.replace("/", "\\/"),
        json.dumps(key, ensure_ascii=False)[1:-1],
        "".join(f"\\u{u:04x}" for u in units),
        "".join(f"\\u{u:04X}" for u in units),
        "".join(f"%{b:02X}" for b in raw),
        "".join(f"%{b:02x}" for b in raw),
    }
    for encoded in (quote(key, safe=""), quote(key), quote_plus(key, safe="")):
        forms |= {encoded, re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), encoded)}
    for core in _base64_cores(raw):
        forms |= {core, core.translate(str.maketrans("+/", "-_")), core.replace("/", "\\/")}
    return tuple(sorted((f for f in forms if len(f) >= 4), key=len, reverse=True))


def _utf16_units(text: str) -> list[int]:
    """What JSON's ``\\uXXXX`` escapes spell ``text`` with (surrogate pairs beyond the BMP)."""
    data = text.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def _base64_cores(raw: bytes) -> set[str]:
    """For each of the 3 alignments, the base64 characters that depend on the key's bytes only."""
    cores = set()
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + raw).decode()
        cores.add(encoded[-(-8 * offset // 6) : 8 * (offset + len(raw)) // 6])
    return cores
