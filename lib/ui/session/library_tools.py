"""Session records of the History's library tools: the bulk export built last (a ZIP on disk) and
the queue player's songs and position."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

_BULK = "bulk_export"
_QUEUE = "queue_player"


@dataclass
class BulkExportState:
    pack: Any = None  # lib.studio.bulk_export.BulkPack: the last one built, its file on disk


@dataclass
class QueueState:
    songs: list[Any] = field(default_factory=list)  # lib.studio.bulk_export.QueueSong
    index: int = 0
    autoplay: bool = False  # set when the queue moves on by itself or by a click: the next one plays


def bulk_export_state() -> BulkExportState:
    if _BULK not in st.session_state:
        st.session_state[_BULK] = BulkExportState()
    return st.session_state[_BULK]


def queue_state() -> QueueState:
    if _QUEUE not in st.session_state:
        st.session_state[_QUEUE] = QueueState()
    return st.session_state[_QUEUE]
