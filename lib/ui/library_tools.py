"""What the History page offers for the selected rows' songs: one ZIP of them all (tagged audio,
covers, lyrics; built on disk with a progress bar) and the queue player.

The rows come from the library, which an imported file may have written: their media addresses
are vouched for only when they sit on a gateway the operator runs (the sandbox or a configured
one). Those are loaded through this server like any gateway's media; the others go to the browser
as they are (players) or are fetched from public addresses only (the ZIP).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from lib.gateway.models import AlignedWord, Song
from lib.gateway.profiles import SANDBOX
from lib.i18n import t
from lib.library.store import HistoryEntry
from lib.studio.bulk_export import (
    BulkItem,
    build_bulk,
    items_from_entries,
    media_fetcher,
    origin_of,
    queue_songs,
    song_count,
    sweep,
)
from lib.text import escape_markdown
from lib.ui import resources, session
from lib.ui.queue_player import render_queue, start_queue

EXPORT_DIR = Path(tempfile.gettempdir()) / "music-task-studio-exports"
SHOWN_PROBLEMS = 200  # failures listed on the page; the README in the ZIP has them all


def library_tools(chosen: list[HistoryEntry], lang: str) -> None:
    """The panel under the selection: *Export songs as ZIP* and *Play in a queue*; then the queue."""
    items, skipped = items_from_entries(chosen)
    songs = song_count(items)
    with st.container(border=True, key="library-tools"):
        st.markdown(f"**{t('bulk.title', lang)}**")
        st.caption(t("bulk.help", lang, songs=songs, tasks=len(items)))
        left, right = st.columns(2)
        build = left.button(
            t("bulk.build", lang, songs=songs),
            key="bulk-build",
            icon=":material/folder_zip:",
            disabled=not items,
            width="stretch",
        )
        playable = queue_songs(items)
        right.button(
            t("queue.play", lang, songs=len(playable)),
            key="queue-start",
            icon=":material/queue_music:",
            disabled=not playable,
            width="stretch",
            on_click=start_queue,
            args=(playable, _trusted_origins(items)),
        )
        if build:
            _build(items, skipped, lang)
        _offer_pack(lang)
    render_queue(lang)


def _trusted_origins(items: list[BulkItem]) -> set[str]:
    """Origins of the gateways the operator runs: their media may live on loopback or a private
    network (the sandbox does). The sandbox counts only when a row came from it: asking for its
    address starts it."""
    profiles = list(resources.configured_profiles())
    if any(item.gateway[0] == SANDBOX for item in items):
        profiles.append(resources.sandbox_profile())
    return {origin_of(p.base_url) for p in profiles if p.base_url}


def _build(items: list[BulkItem], skipped: list[tuple[str, str]], lang: str) -> None:
    state = session.bulk_export_state()
    if state.pack is not None:  # one export per session on disk: the new one replaces it
        state.pack.path.unlink(missing_ok=True)
        state.pack = None
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    sweep(EXPORT_DIR)
    bar = st.progress(0.0, text=t("bulk.preparing", lang))
    state.pack = build_bulk(
        items,
        fetch=media_fetcher(_trusted_origins(items)),
        timings=_timings_of(items),
        skipped=skipped,
        directory=EXPORT_DIR,
        progress=lambda fraction, done, total: bar.progress(
            min(1.0, fraction), text=t("bulk.building", lang, done=done, total=total)
        ),
    )
    bar.empty()


def _timings_of(items: list[BulkItem]) -> Callable[[BulkItem, Song], list[AlignedWord]]:
    """Each song's word timings for its synced lyrics: a free GET to the gateway its row came from,
    when this session can reach it (else no ``.lrc`` and no synced tag, nothing more). The clients
    are looked up here, on the script's thread: the export asks from its download threads, where
    the session cannot be read. They ask one at a time: a client's requests.Session is not made
    to be used by several threads at once."""
    clients = {gateway: session.client_for(*gateway) for gateway in {item.gateway for item in items}}
    one_at_a_time = threading.Lock()

    def timings(item: BulkItem, song: Song) -> list[AlignedWord]:
        connection = clients.get(item.gateway)
        if connection is None:
            return []
        with one_at_a_time:
            return connection[0].timing(song.id)

    return timings


def _offer_pack(lang: str) -> None:
    pack = session.bulk_export_state().pack
    if pack is None or not pack.path.exists():
        return
    path = pack.path

    def data() -> bytes:
        # Read when clicked, on Streamlit's thread; the file may be gone if a newer export replaced it.
        try:
            return path.read_bytes()
        except OSError:
            return b""

    st.download_button(
        t("bulk.download", lang, size=f"{pack.size / 2**20:.1f}"),
        data,
        file_name=pack.file_name,
        mime="application/zip",
        type="primary",
        key="bulk-download",
        icon=":material/download:",
        on_click="ignore",
    )
    st.caption(t("bulk.contents", lang, songs=pack.songs, files=pack.files))
    if pack.skipped:
        with st.expander(t("bulk.skipped", lang, count=len(pack.skipped)), icon=":material/warning:"):
            st.markdown(
                "\n".join(
                    f"- {escape_markdown(what)}: {escape_markdown(why)}" for what, why in pack.skipped[:SHOWN_PROBLEMS]
                )
            )
            if len(pack.skipped) > SHOWN_PROBLEMS:
                st.caption(t("bulk.skipped_more", lang, count=len(pack.skipped) - SHOWN_PROBLEMS))
