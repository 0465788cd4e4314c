"""Showing third-party text (titles, tags, lyrics, gateway errors) as text, never as markup."""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all
# also disarms Streamlit's own syntax (:colour[...] directives, :emoji:, $math$).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: object) -> str:
    escaped = _PUNCTUATION.sub(r"\\\1", str(text or ""))
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")  # keep line breaks as breaks


def inline_code(text: object) -> str:
    """``text`` as a Markdown code span: shown verbatim, and, unlike escaped text, never turned
    into a link (GitHub-flavoured Markdown links bare emails and www./http addresses)."""
    flat = " ".join(str(text or "").split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    return f"{fence} {flat} {fence}"


def is_http_url(value: object) -> bool:
    return isinstance(value, str) and re.match(r"https?://[^\s/]", value, re.IGNORECASE) is not None
