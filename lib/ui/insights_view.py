"""The Insights page's parts: the History filters, a row of metrics, tasks per day by status,
success rate and generation time per gateway (a table anyone can read, and charts), the gateway ×
model detail and the failure reasons. The figures are ``lib.studio.insights``'; this draws them.

Gateway and model names and failure reasons come from gateways: escaped wherever Markdown renders
(``st.table`` does), plain text in charts and data frames (which render none).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.i18n.labels import STATUS_LABEL
from lib.library.insight_queries import INSIGHT_LIMIT
from lib.library.store import HistoryFilter, HistoryStore
from lib.studio import insights
from lib.text import escape_markdown
from lib.ui.history_view import shared_filters

# Status colours of the per-day chart: finished well, badly, and still on its way.
_STATUS_COLOURS = {
    "SUCCESS": "#2e9e5b",
    "FAILURE": "#d64545",
    "UNKNOWN": "#a05a5a",
    "REJECTED": "#e08a3c",
    "OUTCOME_UNKNOWN": "#c9a227",
    "SENDING": "#9aa5b1",
    "NOT_START": "#b8c2cc",
    "SUBMITTED": "#7fa7d9",
    "QUEUED": "#5b8fd1",
    "IN_PROGRESS": "#3f6fb5",
}


def show_insights(store: HistoryStore, lang: str) -> None:
    # Folded under one line, so a phone's first screen shows the figures; History's filters and values.
    filters = shared_filters(store, lang)
    if filters != HistoryFilter():
        st.caption(t("insights.filtered", lang), help=t("insights.filtered.help", lang))
    rows = store.insight_rows(filters)
    found = insights.summarize(rows)
    if found.empty:
        everything = store.count()
        st.info(t("insights.no_match" if everything else "insights.empty", lang), icon=":material/insights:")
        if not everything:
            st.page_link("app_pages/create.py", label=t("insights.empty.create", lang), icon=":material/edit_note:")
        return
    if len(rows) >= INSIGHT_LIMIT:
        st.caption(t("insights.limited", lang, count=INSIGHT_LIMIT))
    _metrics(found, lang)
    _per_day(found, lang)
    _per_gateway(found, lang)
    _detail(found, lang)
    _failures(found, lang)


def format_seconds(seconds: float | None) -> str:
    """45 s, 3m 05s, 1h 02m; "–" when there is no figure."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return f"{whole // 3600}h {whole % 3600 // 60:02d}m"


def _percent(rate: float | None) -> str:
    return "–" if rate is None or (isinstance(rate, float) and math.isnan(rate)) else f"{rate:.0%}"


_METRIC_WIDTH = "stretch"


def _metrics(found: insights.Insights, lang: str) -> None:
    # A row that wraps: two or three to a line on a phone, not five cards stacked one by one.
    row = st.container(horizontal=True, gap="small", key="insights-metrics")
    cells = [row] * 5
    daily = found.per_day.groupby("day")["tasks"].sum().tolist()
    cells[0].metric(
        t("insights.metric.tasks", lang),
        f"{found.tasks:,}",
        chart_data=daily if len(daily) > 1 else None,
        chart_type="bar",
        border=True,
        width=_METRIC_WIDTH,
    )
    cells[1].metric(
        t("insights.metric.success", lang),
        _percent(found.success_rate),
        help=t("insights.metric.success.help", lang, ended=found.ended),
        border=True,
        width=_METRIC_WIDTH,
    )
    cells[2].metric(t("insights.metric.songs", lang), f"{found.songs:,}", border=True, width=_METRIC_WIDTH)
    cells[3].metric(
        t("insights.metric.minutes", lang),
        f"{found.minutes:,.1f}",
        help=t("insights.metric.minutes.help", lang),
        border=True,
        width=_METRIC_WIDTH,
    )
    if found.cost is not None:
        cells[4].metric(
            t("insights.metric.spent", lang),
            f"${found.cost:,.2f}",
            help=t("insights.metric.spent.help", lang),
            border=True,
            width=_METRIC_WIDTH,
        )


def _per_day(found: insights.Insights, lang: str) -> None:
    st.subheader(t("insights.per_day", lang), divider="gray")
    data = found.per_day.assign(label=[t(STATUS_LABEL.get(s, "status.UNKNOWN"), lang) for s in found.per_day["status"]])
    present = [s for s in _STATUS_COLOURS if s in set(found.per_day["status"])]
    labels = [t(STATUS_LABEL[s], lang) for s in present]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "day:O",
                title=t("insights.axis.day", lang),
                scale=alt.Scale(domain=found.days),
                axis=alt.Axis(labelAngle=-45, labelOverlap=True),
            ),
            y=alt.Y("sum(tasks):Q", title=t("insights.axis.tasks", lang), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "label:N",
                title=t("insights.axis.status", lang),
                scale=alt.Scale(domain=labels, range=[_STATUS_COLOURS[s] for s in present]),
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            tooltip=[
                alt.Tooltip("day:O", title=t("insights.axis.day", lang)),
                alt.Tooltip("label:N", title=t("insights.axis.status", lang)),
                alt.Tooltip("tasks:Q", title=t("insights.axis.tasks", lang)),
            ],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")


def _per_gateway(found: insights.Insights, lang: str) -> None:
    st.subheader(t("insights.by_gateway", lang), divider="gray")
    st.caption(t("insights.by_gateway.help", lang))
    per = found.by_gateway
    table = pd.DataFrame(
        {
            t("insights.col.gateway", lang): [escape_markdown(g) for g in found.by_gateway["gateway_name"]],
            t("insights.col.tasks", lang): found.by_gateway["tasks"].astype(int),
            t("insights.col.success", lang): [
                f"{_percent(r)} ({s}/{e})" for r, s, e in zip(per["success_rate"], per["succeeded"], per["ended"])
            ],
            t("insights.col.queue_p50", lang): [format_seconds(v) for v in found.by_gateway["queue_p50"]],
            t("insights.col.gen_p50", lang): [format_seconds(v) for v in found.by_gateway["gen_p50"]],
            t("insights.col.gen_p90", lang): [format_seconds(v) for v in found.by_gateway["gen_p90"]],
        }
    )
    st.table(table, hide_index=True, border="horizontal")
    groups = found.by_gateway_model.assign(
        group=[f"{g} · {m}" for g, m in zip(found.by_gateway_model["gateway_name"], found.by_gateway_model["model"])]
    )
    left, right = st.columns(2)
    with left:
        rated = groups.dropna(subset=["success_rate"])
        if len(rated):
            chart = (
                alt.Chart(rated)
                .mark_bar(color="#2e9e5b")
                .encode(
                    y=alt.Y("group:N", title=None, sort="-x", axis=alt.Axis(labelLimit=180)),
                    x=alt.X(
                        "success_rate:Q",
                        title=t("insights.axis.success", lang),
                        scale=alt.Scale(domain=[0, 1]),
                        axis=alt.Axis(format="%"),
                    ),
                    tooltip=[
                        alt.Tooltip("group:N", title=t("insights.col.gateway_model", lang)),
                        alt.Tooltip("success_rate:Q", title=t("insights.axis.success", lang), format=".0%"),
                        alt.Tooltip("ended:Q", title=t("insights.col.ended", lang)),
                    ],
                )
                .properties(title=t("insights.chart.success", lang), height=alt.Step(26))
            )
            st.altair_chart(chart, width="stretch")
    with right:
        timed = groups.dropna(subset=["gen_p50"])
        if len(timed):
            long = timed.melt(id_vars=["group"], value_vars=["gen_p50", "gen_p90"], var_name="measure")
            names = {"gen_p50": t("insights.measure.median", lang), "gen_p90": t("insights.measure.p90", lang)}
            long["measure"] = long["measure"].map(names)
            chart = (
                alt.Chart(long)
                .mark_bar()
                .encode(
                    y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=180)),
                    yOffset=alt.YOffset("measure:N", sort=list(names.values())),
                    x=alt.X("value:Q", title=t("insights.axis.seconds", lang)),
                    color=alt.Color(
                        "measure:N",
                        title=None,
                        scale=alt.Scale(domain=list(names.values()), range=["#3f6fb5", "#a9c1e6"]),
                        legend=alt.Legend(orient="bottom"),
                    ),
                    tooltip=[
                        alt.Tooltip("group:N", title=t("insights.col.gateway_model", lang)),
                        alt.Tooltip("measure:N", title=t("insights.axis.measure", lang)),
                        alt.Tooltip("value:Q", title=t("insights.axis.seconds", lang), format=".0f"),
                    ],
                )
                .properties(title=t("insights.chart.generation", lang))
            )
            st.altair_chart(chart, width="stretch")


def _detail(found: insights.Insights, lang: str) -> None:
    with st.expander(t("insights.detail", lang), icon=":material/table_chart:"):
        data = found.by_gateway_model
        st.dataframe(
            data,
            hide_index=True,
            width="stretch",
            column_config={
                "gateway_name": st.column_config.TextColumn(t("insights.col.gateway", lang)),
                "model": st.column_config.TextColumn(t("insights.col.model", lang)),
                "tasks": st.column_config.NumberColumn(t("insights.col.tasks", lang)),
                "ended": st.column_config.NumberColumn(t("insights.col.ended", lang)),
                "succeeded": st.column_config.NumberColumn(t("insights.col.succeeded", lang)),
                "success_rate": st.column_config.ProgressColumn(
                    t("insights.col.success", lang), min_value=0.0, max_value=1.0, format="percent"
                ),
                "queue_p50": st.column_config.NumberColumn(t("insights.col.queue_p50", lang), format="%.0f s"),
                "queue_p90": st.column_config.NumberColumn(t("insights.col.queue_p90", lang), format="%.0f s"),
                "gen_p50": st.column_config.NumberColumn(t("insights.col.gen_p50", lang), format="%.0f s"),
                "gen_p90": st.column_config.NumberColumn(t("insights.col.gen_p90", lang), format="%.0f s"),
            },
        )
        st.caption(t("insights.detail.help", lang))


def _failures(found: insights.Insights, lang: str) -> None:
    st.subheader(t("insights.failures", lang), divider="gray")
    reasons = found.failure_reasons
    if reasons.empty:
        st.caption(t("insights.failures.none", lang))
        return
    shown = reasons.assign(reason=reasons["reason"].replace(insights.NO_REASON, t("insights.failures.no_reason", lang)))
    st.dataframe(
        shown.head(200),
        hide_index=True,
        width="stretch",
        column_config={
            "gateway_name": st.column_config.TextColumn(t("insights.col.gateway", lang)),
            "model": st.column_config.TextColumn(t("insights.col.model", lang)),
            "reason": st.column_config.TextColumn(t("insights.col.reason", lang), width="large"),
            "tasks": st.column_config.NumberColumn(t("insights.col.tasks", lang)),
        },
    )
