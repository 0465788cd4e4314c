"""The Insights page's figures, from the library's rows (``HistoryStore.insight_rows``): tasks per
day by status, success rate and failure reasons per gateway and model, queue and generation time
per gateway and model (median and 90th percentile), songs and minutes made, and what was spent
where the gateway's answers said. Pandas only; no Streamlit, no database.

Definitions (the page's help texts repeat them):
- a task *ended* when it is Succeeded, Failed or Unknown (the gateway's last word); the success
  rate is succeeded / ended. Refused submits and outcome-unknown ones never became tasks the
  gateway ran, so they count as tasks but not in the rate;
- *queue time* is start − submit and *generation time* is finish − start, as the gateway reported
  them (rows without those times, e.g. written before schema version 6, are left out of them);
- *minutes* count each task's songs at its first song's length (the library keeps one length).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

SUCCESS = "SUCCESS"
ENDED_FAILED = ("FAILURE", "UNKNOWN")
NO_MODEL = "—"  # a row whose songs (and so their model) the library has not seen yet
NO_REASON = ""  # a failure the gateway gave no reason for: the view names it
REASON_WIDTH = 120  # failure reasons are grouped by their first characters (ids differ after)
MIN_DAYS = 7  # a chart of one day is one wall-to-wall bar: show at least a week
_COLUMNS = (
    "platform",
    "gateway_name",
    "model",
    "status",
    "fail_reason",
    "submitted_at",
    "started_at",
    "finished_at",
    "duration",
    "song_count",
    "cost",
)


@dataclass(frozen=True)
class Insights:
    tasks: int
    succeeded: int
    ended: int
    songs: int
    minutes: float
    cost: float | None  # None: no row's answer named a price
    timed: int  # rows with a generation time
    per_day: pd.DataFrame  # day ("YYYY-MM-DD"), status, tasks
    days: list[str]  # every day from the first task's to the last's, at least ``MIN_DAYS`` of them
    by_gateway_model: pd.DataFrame  # see ``_per_group``
    by_gateway: pd.DataFrame  # the same, per gateway over all its models
    failure_reasons: pd.DataFrame  # gateway_name, model, reason, tasks

    @property
    def success_rate(self) -> float | None:
        return self.succeeded / self.ended if self.ended else None

    @property
    def empty(self) -> bool:
        return self.tasks == 0


def frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The rows as a typed frame: UTC times, the seconds between them, numbers as floats."""
    data = pd.DataFrame.from_records(list(rows), columns=list(_COLUMNS))
    for name in ("submitted_at", "started_at", "finished_at"):
        data[name] = _times(data[name])
    for name in ("duration", "song_count", "cost"):
        data[name] = pd.to_numeric(data[name], errors="coerce")
    for name in ("model", "gateway_name", "status", "fail_reason"):
        data[name] = [value.strip() if isinstance(value, str) else "" for value in data[name]]
    data["model"] = data["model"].replace("", NO_MODEL)
    queue = (data["started_at"] - data["submitted_at"]).dt.total_seconds()
    generation = (data["finished_at"] - data["started_at"]).dt.total_seconds()
    data["queue_s"] = queue.where(queue >= 0)
    data["generation_s"] = generation.where(generation >= 0)
    return data


def _times(values: pd.Series) -> pd.Series:
    """UTC timestamps from datetimes or SQLite's text (naive means UTC); NaT where there is none."""
    present = values.dropna()
    if len(present) and isinstance(present.iloc[0], str):
        return pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    return pd.to_datetime(values, utc=True, errors="coerce")


def summarize(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> Insights:
    data = rows if isinstance(rows, pd.DataFrame) else frame(rows)
    succeeded = data["status"] == SUCCESS
    ended = succeeded | data["status"].isin(ENDED_FAILED)
    songs = data["song_count"].where(succeeded, 0).fillna(0)
    minutes = float((songs * data["duration"].fillna(0)).sum() / 60)
    costs = data["cost"].dropna()
    return Insights(
        tasks=len(data),
        succeeded=int(succeeded.sum()),
        ended=int(ended.sum()),
        songs=int(songs.sum()),
        minutes=minutes,
        cost=float(costs.sum()) if len(costs) else None,
        timed=int(data["generation_s"].notna().sum()),
        per_day=_per_day(data),
        days=_days(data),
        by_gateway_model=_per_group(data, ["gateway_name", "model"]),
        by_gateway=_per_group(data, ["gateway_name"]),
        failure_reasons=_failure_reasons(data),
    )


def _per_day(data: pd.DataFrame) -> pd.DataFrame:
    if data.empty:
        return pd.DataFrame({"day": [], "status": [], "tasks": []})
    day = data["submitted_at"].dt.floor("D")
    counts = data.assign(day=day).groupby(["day", "status"], sort=True).size().rename("tasks").reset_index()
    counts["day"] = counts["day"].dt.strftime("%Y-%m-%d")  # the few days, not every row
    return counts


def _days(data: pd.DataFrame) -> list[str]:
    submitted = data["submitted_at"].dropna()
    if submitted.empty:
        return []
    last = submitted.max().normalize()
    first = min(submitted.min().normalize(), last - pd.Timedelta(days=MIN_DAYS - 1))
    return [day.strftime("%Y-%m-%d") for day in pd.date_range(first, last, freq="D")]


def _per_group(data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: tasks, ended, succeeded, success_rate (0–1, NaN when none ended), and the median
    and 90th percentile of queue and generation seconds (NaN when no row has them)."""
    columns = [*keys, "tasks", "ended", "succeeded", "success_rate", "queue_p50", "queue_p90", "gen_p50", "gen_p90"]
    if data.empty:
        return pd.DataFrame(columns=columns)
    flags = data[keys].copy()
    flags["tasks"] = 1
    flags["succeeded"] = (data["status"] == SUCCESS).astype(int)
    flags["ended"] = (flags["succeeded"].astype(bool) | data["status"].isin(ENDED_FAILED)).astype(int)
    counts = flags.groupby(keys, sort=True)[["tasks", "ended", "succeeded"]].sum()
    times = data[[*keys, "queue_s", "generation_s"]].groupby(keys, sort=True)
    quantiles = times.quantile([0.5, 0.9]).unstack()  # columns: (measure, quantile)
    found = counts.join(
        pd.DataFrame(
            {
                "queue_p50": quantiles[("queue_s", 0.5)],
                "queue_p90": quantiles[("queue_s", 0.9)],
                "gen_p50": quantiles[("generation_s", 0.5)],
                "gen_p90": quantiles[("generation_s", 0.9)],
            }
        )
    )
    found["success_rate"] = found["succeeded"] / found["ended"].where(found["ended"] > 0)
    return found.reset_index()[columns]


def _failure_reasons(data: pd.DataFrame) -> pd.DataFrame:
    failed = data[data["status"].isin(ENDED_FAILED)]
    columns = ["gateway_name", "model", "reason", "tasks"]
    if failed.empty:
        return pd.DataFrame(columns=columns)
    reason = failed["fail_reason"].str.slice(0, REASON_WIDTH)
    counts = failed.assign(reason=reason).groupby(["gateway_name", "model", "reason"]).size()
    found = counts.rename("tasks").reset_index()
    return found.sort_values(["tasks", "gateway_name", "model"], ascending=[False, True, True], ignore_index=True)
