"""A task's export pack: built on the server when asked, with a progress bar, then downloaded."""

from __future__ import annotations

import streamlit as st

from lib.gateway.errors import GatewayError
from lib.gateway.models import AlignedWord, Task
from lib.i18n import t
from lib.studio.capabilities import MISSING
from lib.studio.export_pack import build_pack
from lib.studio.song_jobs import TimingFetched
from lib.text import escape_markdown
from lib.ui import session
from lib.ui.media import gateway_fetch


def render_export(task: Task, lang: str) -> None:
    if not task.is_terminal or not (task.songs or task.lyrics):
        return
    with st.container(border=True, key=f"export-{task.task_id}"):
        left, right = st.columns([3, 2], vertical_alignment="center")
        left.markdown(f"**{t('export.title', lang)}**")
        left.caption(t("export.help", lang))
        build = right.button(
            t("export.build", lang), key=f"export-build-{task.task_id}", icon=":material/folder_zip:", width="stretch"
        )
        if build:
            bar = st.progress(0.0, text=t("export.preparing", lang))
            timings = _timings(task, lambda label: bar.progress(0.0, text=escape_markdown(label)), lang)
            pack = build_pack(
                task,
                fetch=gateway_fetch,
                timings=timings,
                progress=lambda fraction, _label: bar.progress(
                    min(1.0, fraction), text=t("export.building", lang, percent=int(fraction * 100))
                ),
            )
            bar.empty()
            session.export_packs()[task.task_id] = pack
        pack = session.export_packs().get(task.task_id)
        if pack is None:
            return
        size_mb = len(pack.data) / 2**20
        st.download_button(
            t("export.download", lang, size=f"{size_mb:.1f}"),
            pack.data,
            file_name=pack.file_name,
            mime="application/zip",
            type="primary",
            key=f"export-download-{task.task_id}",
            icon=":material/download:",
            on_click="ignore",
        )
        st.caption(t("export.contents", lang, count=len(pack.files)))
        if pack.skipped:
            st.warning(
                "\n".join(f"- {escape_markdown(what)}: {escape_markdown(why)}" for what, why in pack.skipped),
                icon=":material/warning:",
            )


def _timings(task: Task, say, lang: str) -> dict[str, list[AlignedWord]]:
    """Word timings for the ``.lrc`` files: free GETs, skipped on gateways known to lack them."""
    if task.platform != "suno" or session.capabilities().get("timing") == MISSING:
        return {}
    try:
        client = session.get_client()
    except GatewayError:
        return {}
    found: dict[str, list[AlignedWord]] = {}
    for index, song in enumerate(task.songs, start=1):
        if not song.lyrics.strip() or not song.id:
            continue
        cached = session.tool_jobs().get((session.profile_key(), "timing", song.id))
        if isinstance(cached, TimingFetched):  # Sing along already fetched these words
            found[song.id] = cached.words
            continue
        say(t("export.timing", lang, index=index))
        try:
            found[song.id] = client.timing(song.id)
        except GatewayError as error:
            if error.kind == "unsupported_route":
                session.learn_capability("timing", False)
                break
    return found
