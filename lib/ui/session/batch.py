"""The Batch page's record: the batch being reviewed (its lines built, or why not), whether its
confirmation is open, and the batch being sent and followed (``lib.studio.batch.BatchJob``,
written by its sending thread)."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from lib.studio.batch import BatchJob, LineProblem
from lib.studio.submit import Submission


@dataclass
class BatchState:
    labels: list[str] = field(default_factory=list)  # each line's own words, in order
    submissions: list[Submission] = field(default_factory=list)  # built, ready to confirm
    problems: list[LineProblem] = field(default_factory=list)
    input_error: tuple[str, dict] | None = None  # (BatchInvalid.code, its params)
    confirming: bool = False  # the confirmation dialog is open
    profile: str = ""  # profile_key() the batch was built for: another gateway never sends it
    job: BatchJob | None = None
    polled_at: float = 0.0  # when the followed rows were last fetched from their gateway


def batch_state() -> BatchState:
    if "batch_page" not in st.session_state:
        st.session_state["batch_page"] = BatchState()
    return st.session_state["batch_page"]
