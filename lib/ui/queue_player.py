"""The queue player: library songs played one after another, with the current song's cover, title
and lyrics, and the list of what comes next.

The song plays in an ordinary st.audio (its media loaded under the same rules as a song card's);
a st.components.v2 component beside it (lib/ui/karaoke_assets/queue_player.*) shows the lyrics and
the list and tells Python when that player ends, so the next song is drawn and starts by itself.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import streamlit as st

from lib.i18n import t
from lib.studio.bulk_export import QueueSong, origin_of
from lib.text import escape_markdown
from lib.ui import resources, session
from lib.ui.media import load_media, refusal_note

_ASSETS = Path(__file__).parent / "karaoke_assets"
PLAYER_KEY = "queue-player"  # the container; Streamlit marks it with the class "st-key-queue-player"
MAX_LISTED = 500  # songs sent to the browser's list; the queue itself may hold more


def _asset(*names: str) -> str:
    return "\n".join((_ASSETS / name).read_text(encoding="utf-8") for name in names)


_QUEUE_VIEW = st.components.v2.component(
    "mts_queue_player",
    html='<div class="queue-root"></div>',
    css=_asset("queue_player.css"),
    js=_asset("players.js", "queue_player.js"),
)


def start_queue(songs: list[QueueSong], trusted_origins: Collection[str]) -> None:
    """The *Play in a queue* button's callback. Media on an operator's gateway are loaded through
    this server like a song card's (the sandbox's loopback files need it); the rest go to the
    browser as they are."""
    vouched = [u for s in songs for u in (s.audio_url, s.image_url) if u and origin_of(u) in trusted_origins]
    if vouched:  # an operator's gateway named them: any operator profile vouches the same way
        profiles = resources.configured_profiles()
        session.remember_media_urls(vouched, profiles[0] if profiles else resources.sandbox_profile())
    queue = session.queue_state()
    queue.songs, queue.index, queue.autoplay = list(songs), 0, True


def render_queue(lang: str) -> None:
    queue = session.queue_state()
    if not queue.songs:
        return
    queue.index = max(0, min(queue.index, len(queue.songs) - 1))
    song = queue.songs[queue.index]
    with st.container(border=True, key=PLAYER_KEY):
        st.markdown(
            f"**{t('queue.title', lang)}** · {t('queue.position', lang, index=queue.index + 1, total=len(queue.songs))}"
        )
        cover, body = st.columns([1, 3])
        image = load_media(song.image_url, "image")
        if image.source:
            cover.image(image.source, width="stretch")
        with body:
            st.markdown(f"#### {escape_markdown(song.title)}")
            st.caption(escape_markdown(song.album))
            audio = load_media(song.audio_url, "audio")
            if audio.source:
                st.audio(audio.source, format=audio.mime or "audio/mpeg", autoplay=queue.autoplay)
            else:
                st.caption(refusal_note(audio, lang) or t("queue.unplayable", lang))
            _controls(len(queue.songs), lang)
        result = _QUEUE_VIEW(
            key="queue-view",
            data={
                "player": f"st-key-{PLAYER_KEY}",
                "index": queue.index,
                "lyrics": song.lyrics,
                "songs": [{"title": s.title, "album": s.album} for s in queue.songs[:MAX_LISTED]],
                "labels": {
                    "lyrics": t("queue.lyrics", lang),
                    "up_next": t("queue.list", lang),
                    "none": t("queue.no_lyrics", lang),
                },
            },
            on_ended_change=lambda: None,
            on_jump_change=lambda: None,
        )
    _follow(result, len(queue.songs))


def _controls(count: int, lang: str) -> None:
    previous, following, stop = st.columns(3)
    queue = session.queue_state()
    previous.button(
        t("queue.previous", lang),
        key="queue-previous",
        icon=":material/skip_previous:",
        disabled=queue.index == 0,
        on_click=_move,
        args=(-1,),
        width="stretch",
    )
    following.button(
        t("queue.next", lang),
        key="queue-next",
        icon=":material/skip_next:",
        disabled=queue.index >= count - 1,
        on_click=_move,
        args=(1,),
        width="stretch",
    )
    stop.button(t("queue.stop", lang), key="queue-stop", icon=":material/stop:", on_click=_stop, width="stretch")


def _move(step: int) -> None:
    queue = session.queue_state()
    queue.index = max(0, min(queue.index + step, len(queue.songs) - 1))
    queue.autoplay = True


def _stop() -> None:
    queue = session.queue_state()
    queue.songs, queue.index, queue.autoplay = [], 0, False


def _follow(result, count: int) -> None:
    """The browser's word: the song at ``ended`` finished (move on, unless it was the last), or the
    listener picked the song at ``jump``. A stale ``ended`` (another index) is ignored."""
    queue = session.queue_state()
    ended, jump = getattr(result, "ended", None), getattr(result, "jump", None)
    if isinstance(ended, int) and ended == queue.index:
        if queue.index + 1 < count:
            queue.index += 1
        else:
            queue.autoplay = False  # the end of the queue: the last song stays, paused
        st.rerun()
    elif isinstance(jump, int) and 0 <= jump < count and jump != queue.index:
        queue.index, queue.autoplay = jump, True
        st.rerun()
