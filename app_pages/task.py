"""Task page: open any task by ID (or a pasted response), follow it live, see and hear its songs."""

import streamlit as st

from lib.gateway.errors import GatewayError
from lib.gateway.models import PLATFORMS
from lib.i18n import t
from lib.i18n.labels import PLATFORM_LABEL
from lib.studio.task_lookup import MAX_TASK_IDS, parse_lookup, share_link
from lib.ui import access, session
from lib.ui.errors import show_error
from lib.ui.live_task import show_task
from lib.ui.task_detail import render_task
from lib.ui.task_table import show_tasks_table

CHOICES = ["auto", *PLATFORMS]

lang = session.language()
st.title(t("page.task.title", lang))

url_ids = st.query_params.get("id", "")
url_platform = st.query_params.get("platform") if st.query_params.get("platform") in PLATFORMS else None
input_key = session.widget_key("task_input", url_ids.replace(",", "\n"))
platform_key = session.widget_key("task_platform", url_platform or "auto")

# Once a task is shown the form folds to one line, so a phone sees the songs first; it stays open
# while there is nothing to show, or when the task could not be opened (to change and re-open it).
linked_ids = [i for i in url_ids.split(",") if i]
showing = bool(linked_ids or session.pasted_task()) and not any(i in session.stopped_errors() for i in linked_ids)
lookup_box = st.expander(t("card.lookup", lang), icon=":material/search:") if showing else st.container()
with lookup_box, st.form("task_lookup", border=False, enter_to_submit=False):
    st.text_area(t("task.input.label", lang), key=input_key, height=100, placeholder=t("task.input.placeholder", lang))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.segmented_control(
        t("task.input.platform", lang),
        CHOICES,
        key=platform_key,
        required=True,
        format_func=lambda p: t(PLATFORM_LABEL[p], lang),
    )
    opened = right.form_submit_button(t("task.open", lang), type="primary", icon=":material/search:", width="stretch")

dropped = 0  # IDs beyond what one page holds: left out, and said so on the run that drops them
if opened:
    chosen = session.value("task_platform")
    chosen = None if chosen == "auto" else chosen
    try:
        lookup = parse_lookup(str(session.value("task_input") or ""), chosen)
    except GatewayError as error:
        show_error(error, lang)
        st.stop()
    session.set_pasted_task(lookup.pasted)
    for task_id in lookup.ids:  # opening again is asking again, whatever the last answer was
        session.stopped_errors().pop(task_id, None)
    session.missing_tasks().difference_update(lookup.ids)
    dropped = lookup.dropped
    query = {"id": ",".join(lookup.ids)} if lookup.ids else {}
    if lookup.ids and chosen:
        query["platform"] = chosen
    st.query_params.from_dict(query)
    url_ids, url_platform = query.get("id", ""), query.get("platform")

pasted = session.pasted_task()
ids = [i for i in url_ids.split(",") if i]
if pasted is not None and not ids:
    st.info(t("task.pasted_note", lang), icon=":material/content_paste:")
    render_task(pasted, lang)
elif ids:
    try:
        linked = parse_lookup(",".join(ids))
    except GatewayError as error:  # a hand-edited link
        show_error(error, lang)
        st.stop()
    ids, dropped = list(linked.ids), dropped or linked.dropped
    # Another user's task, on a gateway whose key they share with this visitor, stays theirs.
    withheld = access.withheld_tasks(ids, session.current_profile())
    if withheld:
        ids = [i for i in ids if i not in withheld]
        st.warning(t("task.withheld", lang, count=len(withheld)), icon=":material/lock:")  # one: "This task…"
    if dropped:
        st.warning(
            t("task.ids_capped", lang, limit=MAX_TASK_IDS, dropped=f"{dropped:,}", total=f"{len(ids) + dropped:,}"),
            icon=":material/content_cut:",
        )
    if not ids:
        st.stop()  # nothing left to show or share

    def share() -> None:
        with st.popover(t("task.copy_link", lang), icon=":material/link:"):
            st.caption(t("task.copy_link.help", lang))
            st.code(share_link(st.context.url, ids, url_platform), language=None, wrap_lines=True)

    if len(ids) == 1:
        show_task(ids[0], url_platform, lang, share)
    else:
        share()
        selected = show_tasks_table(ids, url_platform, lang)
        if selected:
            st.divider()
            show_task(selected, url_platform, lang)
else:
    st.info(t("task.empty", lang), icon=":material/manage_search:")
