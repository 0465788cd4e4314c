"""The media store (issue 14): one behaviour suite run against the local folder store and against
S3 on a real S3-compatible server on loopback (moto's server mode), plus what each kind adds: URL
checks, two replicas on one folder, an S3 server that is not there or never answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.library import media_store
from lib.library.media_store import (
    MAX_OBJECT_BYTES,
    FolderLocation,
    FolderMediaStore,
    MediaStoreError,
    S3Location,
    check_key,
    open_media_store,
    parse_media_store_url,
)

ROOT = Path(__file__).resolve().parents[1]
MP3 = b"ID3\x04\x00" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3-compatible server on a free loopback port for this module's tests."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws_credentials(monkeypatch, tmp_path):
    """Fake credentials for this test only; the developer's own AWS settings are hidden, and boto3
    never asks the cloud metadata address for a role."""
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-never-shown")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def s3_url(s3_endpoint, aws_credentials):
    """A fresh bucket on the loopback server, as a store URL with a prefix."""
    import boto3

    bucket = f"media-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    return f"s3://{bucket}/studio/media?endpoint_url={s3_endpoint}&region=us-east-1"


@pytest.fixture(params=["folder", "s3"])
def store_url(request, tmp_path):
    if request.param == "folder":
        return (tmp_path / "media").as_uri()
    return request.getfixturevalue("s3_url")


@pytest.fixture
def store(store_url):
    return open_media_store(store_url)


# --- the behaviour every store shares --------------------------------------------------------------


def test_put_and_get_keep_the_bytes_and_the_content_type(store):
    store.put("published/tok1/song-1.mp3", MP3, "audio/mpeg")
    store.put("published/tok1/song-1.png", bytearray(PNG), "Image/PNG ")  # normalised
    store.put("published/tok1/song-1.mp4", memoryview(b"\x00\x00\x00\x18ftypmp42"), "video/mp4")
    assert store.get("published/tok1/song-1.mp3") == (MP3, "audio/mpeg")
    assert store.get("published/tok1/song-1.png") == (PNG, "image/png")
    assert store.get("published/tok1/song-1.mp4") == (b"\x00\x00\x00\x18ftypmp42", "video/mp4")
    store.put("empty.wav", b"", "audio/wav")
    assert store.get("empty.wav") == (b"", "audio/wav")


def test_a_missing_key_is_none(store):
    assert store.get("published/nobody/none.mp3") is None
    store.put("published/tok1/song.mp3", MP3, "audio/mpeg")
    assert store.get("published/tok1") is None  # a folder of keys is not an object
    assert store.get("published/tok1/song.mp3/more") is None


def test_a_put_replaces_the_object_and_its_type(store):
    store.put("published/t/song.bin", MP3, "audio/mpeg")
    store.put("published/t/song.bin", PNG, "image/png")
    assert store.get("published/t/song.bin") == (PNG, "image/png")


def test_delete_prefix_removes_what_starts_with_it_and_counts(store):
    for key in ("published/a/1.mp3", "published/a/2.png", "published/a/deep/3.mp4", "published/ab/4.mp3"):
        store.put(key, MP3, "audio/mpeg")
    store.put("published/b/5.mp3", MP3, "audio/mpeg")
    assert store.delete_prefix("published/a/") == 3
    assert store.get("published/a/1.mp3") is None and store.get("published/a/deep/3.mp4") is None
    assert store.get("published/ab/4.mp3") is not None  # "a/" is a folder: "ab" is another one
    assert store.delete_prefix("published/a") == 1  # a plain prefix, as S3 has it: "ab" too
    assert store.delete_prefix("published/a") == 0
    assert store.get("published/b/5.mp3") == (MP3, "audio/mpeg")
    assert store.delete_prefix("published/b/5.mp3") == 1  # a whole key is a prefix of itself
    with pytest.raises(MediaStoreError):  # a folder's prefix is no key
        store.put("published/a/", MP3, "audio/mpeg")
    store.put("published/a/again.mp3", MP3, "audio/mpeg")  # a deleted folder can be written again
    assert store.get("published/a/again.mp3") == (MP3, "audio/mpeg")


BAD_KEYS = [
    "",
    "/etc/passwd",
    "../outside.mp3",
    "published/../../outside.mp3",
    "published/./song.mp3",
    "published//song.mp3",
    "published\\..\\song.mp3",
    "C:/song.mp3",
    "c:song.mp3",
    ".hidden.mp3",
    "published/.tmp",
    "song.",
    "a song.mp3",
    "sóng.mp3",
    "song\x00.mp3",
    "song\n.mp3",
    "~/song.mp3",
    "%2e%2e/song.mp3",
    "nul.mp3",
    "published/COM1",
    "x" * 129,
    "/".join(["abcdefgh"] * 60),
]


@pytest.mark.parametrize("key", BAD_KEYS, ids=range(len(BAD_KEYS)))
def test_a_bad_key_is_refused_before_anything_is_touched(store, key):
    with pytest.raises(MediaStoreError):
        store.put(key, MP3, "audio/mpeg")
    with pytest.raises(MediaStoreError):
        store.get(key)
    with pytest.raises(MediaStoreError):
        store.delete_prefix(key)


@pytest.mark.parametrize("prefix", ["", "/", "published//", "../"])
def test_a_prefix_that_would_empty_the_store_or_leave_it_is_refused(store, prefix):
    store.put("published/t/song.mp3", MP3, "audio/mpeg")
    with pytest.raises(MediaStoreError):
        store.delete_prefix(prefix)
    assert store.get("published/t/song.mp3") is not None


def test_an_object_over_the_size_cap_is_refused(store):
    with pytest.raises(MediaStoreError, match="at most 200 MB"):
        store.put("published/t/huge.mp4", bytes(MAX_OBJECT_BYTES + 1), "video/mp4")
    assert store.get("published/t/huge.mp4") is None


@pytest.mark.parametrize(
    "content_type",
    ["text/html", "application/octet-stream", "audio/mpeg\r\nX-Evil: 1", "audio/mpeg; codecs=mp3", "audio/", "", None],
)
def test_only_media_types_are_stored(store, content_type):
    with pytest.raises(MediaStoreError, match="only media"):
        store.put("published/t/page.html", b"<html>", content_type)
    assert store.get("published/t/page.html") is None


def test_two_stores_on_one_place_see_each_others_objects(store_url):
    first, second = open_media_store(store_url), open_media_store(store_url)
    first.put("published/t/song.mp3", MP3, "audio/mpeg")
    assert second.get("published/t/song.mp3") == (MP3, "audio/mpeg")
    second.put("published/t/song.mp3", PNG, "image/png")
    assert first.get("published/t/song.mp3") == (PNG, "image/png")
    assert second.delete_prefix("published/") == 1
    assert first.get("published/t/song.mp3") is None


def test_the_description_says_where_and_nothing_secret(store, store_url):
    assert "testing-secret" not in store.description
    assert ("local folder" in store.description) == store_url.startswith("file:")


# --- the local folder -------------------------------------------------------------------------------


def test_the_folder_store_writes_one_file_per_key_and_leaves_no_temporary_files(tmp_path):
    store = FolderMediaStore(tmp_path / "media")
    store.put("published/t/song.mp3", MP3, "audio/mpeg")
    store.put("published/t/song.mp3", MP3, "audio/mpeg")
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["media/published/t/song.mp3"]
    assert store.delete_prefix("published/t/") == 1
    assert [p for p in (tmp_path / "media").iterdir()] == []  # the emptied folders went too
    assert (tmp_path / "media").is_dir()  # the root stays


def test_a_file_the_store_did_not_write_is_an_error_not_media(tmp_path):
    store = FolderMediaStore(tmp_path)
    (tmp_path / "stray.mp3").write_bytes(b"not written by the store")
    with pytest.raises(MediaStoreError, match="not a file this store wrote"):
        store.get("stray.mp3")


def test_an_unwritable_folder_is_a_media_store_error(tmp_path):
    (tmp_path / "taken").write_bytes(b"a file where a folder should be")
    store = FolderMediaStore(tmp_path)
    with pytest.raises(MediaStoreError, match="could not write taken"):
        store.put("taken/t/song.mp3", MP3, "audio/mpeg")


def test_a_folder_that_cannot_be_listed_fails_the_delete_rather_than_undercount(tmp_path, monkeypatch):
    store = FolderMediaStore(tmp_path)
    store.put("published/t/song.mp3", MP3, "audio/mpeg")
    scandir = os.scandir

    def refusing(path):  # root ignores permission bits, so the refusal is made here
        if Path(path).name == "t":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    with pytest.raises(MediaStoreError, match="could not delete published/ in local folder .*: Permission denied"):
        store.delete_prefix("published/")


_WRITER = textwrap.dedent(
    """
    import sys
    from lib.library.media_store import FolderMediaStore
    store = FolderMediaStore(sys.argv[1])
    letter = sys.argv[2].encode()
    content_type = "audio/mpeg" if letter == b"a" else "image/png"
    for round in range(150):
        store.put("shared/song.bin", letter * (1000 + round), content_type)
        store.put(f"churn/{sys.argv[2]}/{round}.bin", letter, content_type)
        if round % 10 == 0:
            store.delete_prefix("churn/")
    """
)


def test_two_processes_on_one_folder_never_show_half_an_object(tmp_path):
    """Two replicas write the same key with different bytes and types, and delete and recreate
    folders under each other, while this process reads: every read is one whole write."""
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), letter], cwd=ROOT, stderr=subprocess.PIPE)
        for letter in "ab"
    ]
    store = FolderMediaStore(tmp_path)
    while any(writer.poll() is None for writer in writers):
        found = store.get("shared/song.bin")
        if found is not None:
            data, content_type = found
            assert len(set(data)) == 1 and 1000 <= len(data) < 1150
            assert content_type == {b"a": "audio/mpeg", b"b": "image/png"}[data[:1]]
    for writer in writers:
        assert writer.wait(timeout=60) == 0, writer.stderr.read().decode()
    assert store.get("shared/song.bin") is not None
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file left behind


# Keys from a hostile alphabet, and paths built of tricky names: whatever passes the check stays
# under the root, on this platform's own path rules.
_hostile = st.text(alphabet="./\\:~%a-_Z0\x00 é", max_size=40)
_names = st.sampled_from(["..", ".", "", "a", "b.mp3", "...", "a..b", "~", "C:", "%2e", "_", "-"])
_paths = st.lists(_names, min_size=1, max_size=6).map("/".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.one_of(_hostile, _paths))
def test_no_accepted_key_resolves_outside_the_root(tmp_path, key):
    root = (tmp_path / "media").resolve()
    try:
        check_key(key)
    except MediaStoreError:
        return
    path = FolderMediaStore(root).path_of(key).resolve()
    assert path != root and root in path.parents, key


def test_the_property_is_not_vacuous():
    assert check_key("a/b.mp3") and check_key("a..b/_/-") and check_key("published/x1/song-2.mp3")


# --- S3 ---------------------------------------------------------------------------------------------


def test_s3_sets_the_content_type_and_keeps_under_the_prefix(s3_url, s3_endpoint):
    import boto3

    store = open_media_store(s3_url)
    store.put("published/t/song.mp3", MP3, "audio/mpeg")
    bucket = s3_url.split("/")[2]
    raw = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    head = raw.head_object(Bucket=bucket, Key="studio/media/published/t/song.mp3")
    assert head["ContentType"] == "audio/mpeg" and head["ContentLength"] == len(MP3)
    raw.put_object(Bucket=bucket, Key="elsewhere/song.mp3", Body=b"x")
    assert store.delete_prefix("published") == 1
    assert [o["Key"] for o in raw.list_objects_v2(Bucket=bucket)["Contents"]] == ["elsewhere/song.mp3"]


def test_s3_delete_prefix_goes_through_every_page(s3_url):
    from lib.library.media_store_s3 import PAGE_SIZE, S3MediaStore

    assert PAGE_SIZE == 1000  # S3's own maximum per listing and per DeleteObjects
    store = S3MediaStore(parse_media_store_url(s3_url), page_size=7)
    for number in range(23):
        store.put(f"published/many/{number:03d}.png", PNG, "image/png")
    store.put("published/other/keep.png", PNG, "image/png")
    assert store.delete_prefix("published/many/") == 23
    assert store.delete_prefix("published/many/") == 0
    assert store.get("published/other/keep.png") is not None


def test_s3_a_missing_bucket_is_an_error_in_the_services_words(s3_endpoint, aws_credentials):
    store = open_media_store(f"s3://no-such-bucket-here?endpoint_url={s3_endpoint}")
    with pytest.raises(MediaStoreError, match="NoSuchBucket") as caught:
        store.get("published/t/song.mp3")
    assert "no-such-bucket-here" in str(caught.value) and "testing-secret" not in str(caught.value)


def test_s3_an_unreachable_endpoint_fails_fast(aws_credentials):
    store = open_media_store(f"s3://media?endpoint_url=http://127.0.0.1:{free_port()}")
    for call in (
        lambda: store.put("published/t/song.mp3", MP3, "audio/mpeg"),
        lambda: store.get("published/t/song.mp3"),
        lambda: store.delete_prefix("published/t/"),
    ):
        started = time.monotonic()
        with pytest.raises(MediaStoreError, match="could not") as caught:
            call()
        assert time.monotonic() - started < 10
        assert "testing-secret" not in str(caught.value)


def test_s3_a_silent_server_cannot_hang_a_page(aws_credentials):
    """A server that takes the connection and never answers: the read timeout ends the call."""
    from lib.library.media_store_s3 import S3MediaStore

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # never accepted: the kernel completes the handshake, nobody answers
        url = f"s3://media?endpoint_url=http://127.0.0.1:{silent.getsockname()[1]}"
        store = S3MediaStore(parse_media_store_url(url), connect_timeout=1, read_timeout=1)
        started = time.monotonic()
        with pytest.raises(MediaStoreError, match="timeout|timed out"):
            store.get("published/t/song.mp3")
        assert time.monotonic() - started < 10


def test_s3_without_credentials_says_so(s3_endpoint, aws_credentials, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    store = open_media_store(f"s3://media?endpoint_url={s3_endpoint}")
    with pytest.raises(MediaStoreError, match="credentials"):
        store.get("published/t/song.mp3")


# --- URLs -------------------------------------------------------------------------------------------


def test_urls_are_read_into_locations(tmp_path):
    assert parse_media_store_url((tmp_path / "a b").as_uri()) == FolderLocation(tmp_path / "a b")
    assert parse_media_store_url("file://localhost/srv/media") == FolderLocation(Path("/srv/media"))
    assert parse_media_store_url("s3://my.bucket") == S3Location("my.bucket")
    assert parse_media_store_url(
        "s3://media-1/a/b/?endpoint_url=https://r2.example.com&region=auto&addressing_style=virtual"
    ) == S3Location("media-1", "a/b", "https://r2.example.com", "auto", "virtual")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "not a media store URL"),
        ("/srv/media", "not a media store URL"),
        ("http://example.com/media", "not a media store URL"),
        ("file://media", "on this machine"),
        ("file://server/share/media", "on this machine"),
        ("file:///srv/media?x=1", "no options"),
        ("s3://", "bucket name"),
        ("s3://Bad_Bucket", "bucket name"),
        ("s3://media:9000", "bucket name"),
        ("s3://media/../x", "prefix"),
        ("s3://media?endpoint=http://x", "unknown s3:// option 'endpoint'"),
        ("s3://media?region=a&region=b", "given twice"),
        ("s3://media?region=EU WEST", "region"),
        ("s3://media?addressing_style=sideways", "addressing_style"),
        ("s3://media?endpoint_url=ftp://x", "http"),
        ("s3://media?endpoint_url=http://h:port", "port"),
        ("s3://[media", "can be read"),
        ("s3://media?endpoint_url=http://[::1", "can be read"),
    ],
)
def test_a_bad_url_is_refused_with_its_problem_named(url, problem):
    with pytest.raises(MediaStoreError, match=problem):
        parse_media_store_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "s3://AKIAEXAMPLE:hunter2-secret@media/prefix",
        "s3://hunter2-secret@media",
        "s3://media?endpoint_url=http://admin:hunter2-secret@127.0.0.1:9000",
    ],
)
def test_credentials_in_the_url_are_refused_and_never_repeated(url):
    with pytest.raises(MediaStoreError, match="credentials") as caught:
        open_media_store(url)
    assert "hunter2" not in str(caught.value)


def test_a_folder_user_never_loads_boto3(tmp_path):
    script = f"import sys; from lib.library.media_store import open_media_store as o; o({tmp_path.as_uri()!r})"
    script += "\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))"
    shown = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


def test_the_size_cap_is_the_documented_one():
    assert media_store.MAX_OBJECT_BYTES == 200 * 1024 * 1024


def test_a_store_is_usable_from_many_threads(tmp_path):
    store = FolderMediaStore(tmp_path)
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for round in range(20):
                store.put(f"t{number % 2}/{round}.mp3", MP3, "audio/mpeg")
                if round % 5 == 0:
                    store.delete_prefix(f"t{number % 2}/")
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
