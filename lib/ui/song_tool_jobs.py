"""The song tools' jobs, one per gateway, tool and song, kept in the session so a running WAV
conversion or a followed stems task survives reruns and page visits. The panel advances them and
each tool's tab reads and replaces its own."""

from __future__ import annotations

from lib.gateway.models import Song
from lib.ui import session


def _job_key(tool: str, song: Song) -> tuple[str, str, str]:
    return session.profile_key(), tool, song.id


def current_job(tool: str, song: Song):
    return session.tool_jobs().get(_job_key(tool, song))


def set_job(tool: str, song: Song, job) -> None:
    session.tool_jobs()[_job_key(tool, song)] = job


def drop_job(tool: str, song: Song) -> None:
    session.tool_jobs().pop(_job_key(tool, song), None)


def any_running(song: Song, tools: tuple[str, ...]) -> bool:
    return any(job is not None and job.running for job in (current_job(tool, song) for tool in tools))
