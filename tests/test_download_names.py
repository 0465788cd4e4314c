"""Download names (issue 12, finding 10): a safe stem from the title and an extension from an
allow-list, chosen by the content's real type when the bytes are known, else by the kind of
download — a gateway's URL ending ``.exe``, ``.hta`` or ``.html`` never names the file."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.studio.file_names import ALLOWED_EXTENSIONS, KIND_EXTENSIONS, NAME_BYTES, safe_stem
from lib.studio.media_check import verify
from lib.studio.task_lookup import download_name
from tests.hostile_gateway import HTML_PAGE, jpeg, png, wav

FORBIDDEN = set('/\\:*?"<>|')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}
DANGEROUS = ("exe", "hta", "html", "htm", "js", "bat", "cmd", "scr", "svg", "lnk", "ps1", "msi", "jar", "vbs")


def assert_safe(name: str, kind: str | None = None) -> None:
    stem, dot, ext = name.rpartition(".")
    assert dot and stem, name
    assert ext in ALLOWED_EXTENSIONS, name
    if kind is not None:
        assert ext in KIND_EXTENSIONS[kind][1], (name, kind)
    assert not FORBIDDEN & set(name), name
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs") for c in name), repr(name)
    assert not name.startswith((".", " ")) and name == name.strip(), repr(name)
    assert not stem.endswith((".", " ")), repr(name)
    assert len(stem.encode("utf-8")) <= NAME_BYTES
    assert stem.split(".", 1)[0].strip().upper() not in RESERVED, name
    # Nothing that reads as a second extension where a file manager hides the real one.
    assert stem.rpartition(".")[2].lower() not in DANGEROUS or "." not in stem, name


@pytest.mark.parametrize(
    "kind, url, expected",
    [
        ("audio", "https://cdn.example.com/song.exe", "Rain.mp3"),
        ("audio", "https://cdn.example.com/song.hta?x=1", "Rain.mp3"),
        ("audio", "https://cdn.example.com/song.html#.mp3", "Rain.mp3"),
        ("audio", "https://cdn.example.com/song.wav", "Rain.wav"),  # allowed and fits
        ("audio", "https://cdn.example.com/song.png", "Rain.mp3"),  # allowed, but not audio
        ("audio", "https://cdn.example.com/play?file=song.exe", "Rain.mp3"),
        ("audio", "https://cdn.example.com/a.mp3/evil.exe", "Rain.mp3"),
        ("audio", "https://[::1", "Rain.mp3"),  # unparseable
        ("audio", None, "Rain.mp3"),
        ("wav", "https://cdn.example.com/x", "Rain.wav"),
        ("video", "https://cdn.example.com/clip.html", "Rain.mp4"),
        ("video", "https://cdn.example.com/clip.webm", "Rain.webm"),
        ("cover", "https://cdn2.suno.ai/image_large_1.jpeg", "Rain.jpg"),
        ("cover", "https://cdn.example.com/c.PNG", "Rain.png"),
        ("cover", "https://cdn.example.com/c.svg", "Rain.jpg"),
        ("lyrics", "https://cdn.example.com/x.exe", "Rain.txt"),
        ("lrc", None, "Rain.lrc"),
    ],
)
def test_the_url_picks_an_extension_only_when_allowed_and_fitting(kind, url, expected):
    assert download_name("Rain", "id", kind, url=url) == expected


def test_the_sniffed_type_of_known_bytes_wins_over_the_url():
    for data, kind, ext in ((wav(), "audio", "wav"), (png(), "image", "png"), (jpeg(), "image", "jpg")):
        sniffed = verify(data, kind).ext
        name_kind = "cover" if kind == "image" else "audio"
        assert download_name("Rain", "id", name_kind, sniffed=sniffed, url="https://x/a.exe") == f"Rain.{ext}"
    assert verify(HTML_PAGE, "audio").ext == ""  # nothing sniffed: the kind decides
    assert download_name("Rain", "id", "audio", sniffed="", url="https://x/a.html") == "Rain.mp3"
    assert download_name("Rain", "id", "audio", sniffed="exe") == "Rain.mp3"  # never off the list


@pytest.mark.parametrize(
    "title, expected",
    [
        ("../../etc/passwd", "etc passwd.mp3"),
        ("..", "songid12.mp3"),
        ("   ", "songid12.mp3"),
        (".bashrc", "bashrc.mp3"),
        ("CON", "_CON.mp3"),
        ("nul.txt", "nul_txt.mp3"),
        ("lpt1", "_lpt1.mp3"),
        ("COM3.backup.old", "_COM3.backup_old.mp3"),
        ("Song.exe", "Song_exe.mp3"),
        ("evil\u202egnp.exe", "evil gnp_exe.mp3"),  # the bidi override that fakes "exe.png"
        ("tab\there\nnew\x00line\x7f", "tab here new line.mp3"),
        ('a:b*?"<>|c', "a b c.mp3"),
        ("雨夜的城市 · 第一首", "雨夜的城市 · 第一首.mp3"),
        ("Mr. Blue Sky", "Mr. Blue Sky.mp3"),
    ],
)
def test_hostile_titles_give_safe_stems(title, expected):
    name = download_name(title, "songid1234567", "audio", url="https://cdn.example.com/x.exe")
    assert name == expected
    assert_safe(name, "audio")


def test_long_titles_are_capped_in_characters_and_bytes():
    assert len(download_name("x" * 10_000, "id", "audio")) <= 84
    chinese = download_name("雨" * 500, "id", "audio")
    assert len(chinese.encode()) <= NAME_BYTES + 4
    assert_safe(chinese, "audio")


def test_a_hostile_song_id_is_made_safe_too():
    assert download_name("", "../../x", "lyrics") == "x.txt"
    assert download_name("", "", "lyrics") == "song.txt"
    assert safe_stem("", "CON") == "_CON"


@settings(max_examples=400, deadline=None)
@given(
    title=st.text(max_size=300),
    fallback=st.text(max_size=40),
    kind=st.sampled_from(sorted(KIND_EXTENSIONS)),
    url=st.one_of(st.none(), st.text(max_size=200), st.builds(lambda p: f"https://cdn.example.com/{p}", st.text())),
    sniffed=st.one_of(st.none(), st.sampled_from(sorted(ALLOWED_EXTENSIONS) + ["exe", "html", ""])),
)
def test_any_title_url_and_type_give_a_safe_name(title, fallback, kind, url, sniffed):
    name = download_name(title, fallback, kind, sniffed=sniffed, url=url)
    # A sniffed type is what the bytes are (allowed or not used); otherwise the kind's own list.
    assert_safe(name, None if sniffed in ALLOWED_EXTENSIONS else kind)
    if sniffed not in ALLOWED_EXTENSIONS:
        assert name.rpartition(".")[2] in KIND_EXTENSIONS[kind][1]
