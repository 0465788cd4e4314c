"""Publishing a finished task from the Task page, and the owner's list of what they published.

Publishing stores a snapshot of the songs and, by default, copies of their media in the media
store (only media this session's gateway named, fetched with the players' caps and checked by
content), so the page still plays after the gateway's links expire. Unpublishing removes the
snapshot and the copies at once.
"""

from __future__ import annotations

import logging

import streamlit as st

from lib.gateway.models import Task
from lib.i18n import t
from lib.library.media_store import MediaStoreError
from lib.library.publications import Publication, new_token
from lib.library.store import HistoryStore, HistoryUnavailable
from lib.studio.publishing import make_snapshot, media_prefix, publication_link, publishable, snapshot_json
from lib.text import escape_markdown
from lib.ui import access, resources, session
from lib.ui.media import gateway_fetch

log = logging.getLogger(__name__)

# Why a file was left out of a page, as the owner reads it.
_SKIPPED = {
    "unreachable": "publish.skipped.unreachable",
    "store_failed": "publish.skipped.store_failed",
    "not_http": "publish.skipped.not_http",
}
_KIND = {"image": "publish.kind.image", "audio": "publish.kind.audio", "video": "publish.kind.video"}


def publish_panel(task: Task, lang: str) -> None:
    """A *Publish* popover for a finished task with songs (nothing for anything else)."""
    store = resources.history()
    if not publishable(task) or store is None:
        return
    try:
        existing = store.publications(task_id=task.task_id)
    except HistoryUnavailable:
        return
    label = t("publish.published" if existing else "publish.button", lang)
    with st.popover(label, icon=":material/public:"):
        for publication in existing:
            _published_link(store, publication, lang)
        st.caption(t("publish.help" if _public_links() else "publish.help_signed_in", lang))
        keep = st.checkbox(t("publish.keep_copies", lang), value=True, key=f"publish-keep-{task.task_id}")
        downloads = st.checkbox(t("publish.allow_downloads", lang), key=f"publish-downloads-{task.task_id}")
        go = t("publish.go_again" if existing else "publish.go", lang)
        if st.button(go, key=f"publish-{task.task_id}", type="primary", icon=":material/publish:"):
            with st.spinner(t("publish.working", lang)):
                _publish(store, task, keep=keep, downloads=downloads, lang=lang)
            st.rerun()


def _public_links() -> bool:
    current = resources.settings()
    return not current.sign_in or current.access.public_links


def _publish(store: HistoryStore, task: Task, *, keep: bool, downloads: bool, lang: str) -> None:
    token = new_token()
    media = resources.media_store() if keep else None
    snapshot = make_snapshot(task, token, store=media, fetch=gateway_fetch if media is not None else None)
    try:
        store.publish(
            token,
            platform=task.platform,
            task_id=task.task_id,
            gateway_name=session.current_profile().name,
            title=snapshot.title,
            snapshot=snapshot_json(snapshot),
            allow_downloads=downloads,
            media_copied=media is not None,
        )
    except HistoryUnavailable as error:
        _remove_media(token)
        session.flash(t("publish.failed", lang, detail=access.operator_detail(str(error))), ":material/error:")
        return
    if keep and media is None:
        session.flash(t("publish.no_store", lang), ":material/warning:")
    elif snapshot.skipped:
        left_out = "; ".join(
            f"{number} · {t(_KIND.get(kind, 'publish.kind.audio'), lang)}: "
            f"{t(_SKIPPED.get(reason, 'publish.skipped.not_media'), lang)}"
            for number, kind, reason in snapshot.skipped
        )
        session.flash(t("publish.done_with_gaps", lang, detail=left_out), ":material/warning:")
    else:
        session.flash(t("publish.done", lang))


def _published_link(store: HistoryStore, publication: Publication, lang: str) -> None:
    st.markdown(f"**{t('publish.link', lang)}** · {publication.created_at.strftime('%Y-%m-%d %H:%M')} UTC")
    st.code(publication_link(st.context.url, publication.token), language=None, wrap_lines=True)
    if st.button(t("publish.unpublish", lang), key=f"unpublish-{publication.token}", icon=":material/unpublished:"):
        unpublish(store, publication, lang)
        st.rerun()
    st.divider()


def unpublish(store: HistoryStore, publication: Publication, lang: str) -> None:
    try:
        gone = store.unpublish(publication.token)
    except HistoryUnavailable as error:
        session.flash(t("publish.failed", lang, detail=access.operator_detail(str(error))), ":material/error:")
        return
    if gone:
        _remove_media(publication.token)
    session.flash(t("publish.unpublished", lang))


def _remove_media(token: str) -> None:
    media = resources.media_store()
    if media is None:
        return
    try:
        media.delete_prefix(media_prefix(token))
    except MediaStoreError as error:  # the page is gone already; the copies wait for a later sweep
        log.warning("could not remove a revoked page's media: %s", error)


def my_publications(lang: str) -> None:
    """The Published page: every page this visitor published (all of them, for an operator)."""
    store = resources.history()
    if store is None:
        st.error(t("history.unavailable", lang), icon=":material/database:")
        return
    try:
        found = store.publications()
    except HistoryUnavailable:
        st.error(t("history.unavailable", lang), icon=":material/database:")
        return
    if not found:
        st.info(t("publish.none_yet", lang), icon=":material/public:")
        return
    for publication in found:
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(publication.title or t('publish.untitled', lang))}**")
            st.caption(
                escape_markdown(
                    t(
                        "publish.row",
                        lang,
                        date=publication.created_at.strftime("%Y-%m-%d %H:%M"),
                        task=publication.task_id,
                    )
                )
            )
            link = publication_link(st.context.url, publication.token)
            st.code(link, language=None, wrap_lines=True)
            left, right = st.columns(2)
            left.link_button(t("publish.open", lang), link, icon=":material/open_in_new:")
            if right.button(
                t("publish.unpublish", lang), key=f"unpublish-{publication.token}", icon=":material/unpublished:"
            ):
                unpublish(store, publication, lang)
                st.rerun()
