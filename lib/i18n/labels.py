"""Catalog keys of values several modules show: a task's status and its platform.

Written out so every key appears literally in the source (a test checks no key is unused).
"""

from __future__ import annotations

# TaskStatus values plus the history library's submit states (lib.library.store.ALL_STATUSES).
STATUS_LABEL = {
    "NOT_START": "status.NOT_START",
    "SUBMITTED": "status.SUBMITTED",
    "QUEUED": "status.QUEUED",
    "IN_PROGRESS": "status.IN_PROGRESS",
    "SUCCESS": "status.SUCCESS",
    "FAILURE": "status.FAILURE",
    "UNKNOWN": "status.UNKNOWN",
    "SENDING": "status.SENDING",
    "OUTCOME_UNKNOWN": "status.OUTCOME_UNKNOWN",
    "REJECTED": "status.REJECTED",
}
# lib.gateway.models.PLATFORMS plus the Task page's "auto".
PLATFORM_LABEL = {"auto": "task.platform.auto", "suno": "task.platform.suno", "udio": "task.platform.udio"}
