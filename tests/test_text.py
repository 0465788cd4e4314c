import pytest

from lib.gateway.errors import InvalidInputError
from lib.gateway.ids import split_ids, validate_id
from lib.text import escape_markdown, inline_code, is_http_url


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "![img](http://evil/x.png)",
        "<img src=x onerror=alert(1)>",
        ":red[boom] :material/home:",
        "$x^2$",
        "**bold** _it_ `code`",
        "# heading",
        "drum]n[bass",
    ],
)
def test_escaped_text_has_no_unescaped_markup(text):
    escaped = escape_markdown(text)
    # every punctuation character is preceded by a backslash
    for index, char in enumerate(escaped):
        if char in "[]()!<>:*_`#$":
            assert escaped[index - 1] == "\\", (text, escaped)


def test_line_breaks_survive():
    assert escape_markdown("a\nb") == "a  \nb"
    assert escape_markdown(None) == ""


def test_http_urls_only():
    assert is_http_url("https://cdn1.suno.ai/x.mp3") and is_http_url("HTTP://a")
    for bad in ("javascript:alert(1)", "data:audio/wav;base64,xx", "/media/x", "", None, 3, "http://"):
        assert not is_http_url(bad)


def test_ids():
    assert validate_id("  task_AbC123  ") == "task_AbC123"
    assert validate_id("736a6f88-bd29-4b1e-b110-37132a5325ac")
    for bad in ("", "a b", "../etc", "x/y", "id?x=1", "x" * 200, "<script>"):
        with pytest.raises(InvalidInputError):
            validate_id(bad)
    assert split_ids("a, b\nc；d  a") == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bo@example.com", "` bo@example.com `"),
        ("a`b", "`` a`b ``"),
        ("``x` y", "``` ``x` y ```"),
        ("two\nlines", "` two lines `"),
        (None, "`  `"),
    ],
)
def test_inline_code_keeps_any_text_inside_one_code_span(text, expected):
    assert inline_code(text) == expected
