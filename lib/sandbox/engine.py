"""The sandbox's task store: what was submitted, and where each task is in its lifecycle.

Status is computed from the clock at read time (NOT_START → SUBMITTED → QUEUED → IN_PROGRESS →
SUCCESS/FAILURE), so a test can drive time with a manual clock and nothing runs in the background.
The task and clip records are in ``lib.sandbox.task_records``, Suno's music and stem clips are made
in ``lib.sandbox.clip_making``; this module files, times, looks up and saves them.
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lib.sandbox import content, persistence, score, video
from lib.sandbox.clip_making import fitting, music_clip, stem_clip
from lib.sandbox.media import song_duration_for

# Clip, SandboxTask, stable_seed and the fail marker are re-exported: routes, shapes and tests import them from here.
from lib.sandbox.task_records import FAIL_MARKER as FAIL_MARKER
from lib.sandbox.task_records import FAIL_REASONS as FAIL_REASONS
from lib.sandbox.task_records import Clip, SandboxTask, clip_from, fail_reason, stable_seed, task_from
from lib.sandbox.uploads import UploadDesk

FEATURES = (
    *("udio", "lyrics", "concat", "upload", "persona", "batch", "wav", "mp4", "timing", "stems", "midi", "feed"),
    *("models", "billing"),  # new-api's account routes (lib.sandbox.account)
)
# The music video needs PyAV; without it the sandbox answers /suno/act/mp4 like a gateway that
# lacks the route rather than offering a video it cannot make.
DEFAULT_OFFERED = frozenset(FEATURES) if video.available() else frozenset(FEATURES) - {"mp4"}
# The dialects one sandbox process can speak (docs/providers.md); "newapi" is the seeds' family and
# "newapi-v1" the same family with only its v1 routes (``routes="v1"``, lib.sandbox.v1_routes).
PROVIDERS = ("newapi", "newapi-v1", "sunoapi", "acedata", "piapi", "suno-api")
ROUTE_SETS = ("", "v1")  # "": every route; "v1": the v1 routes and the clip tools, the rest a 404


@dataclass
class SandboxConfig:
    # Seconds after submit at which a task becomes SUBMITTED, QUEUED, IN_PROGRESS and done.
    timeline: tuple[float, float, float, float] = (1.0, 4.0, 10.0, 30.0)
    lyrics_seconds: float = 3.0
    conversion_seconds: float = 3.0  # wav / mp4 / midi / stems-by-GET
    udio_dialect: str = "nested"  # "nested": data.data.songs (gpt-best); "flat": data.songs (UniAPI)
    offered: frozenset[str] = DEFAULT_OFFERED
    latency: float = 0.0
    error_rate: float = 0.0
    public_url: str | None = None  # media URLs; default: the address the request came to
    provider: str = "newapi"  # whose routes, auth header and shapes it answers in (lib.sandbox.providers)
    routes: str = ""  # "v1": a new-api gateway with only its v1 routes (provider "newapi-v1" says the same)
    storage: str = "post"  # how an upload's file reaches storage: "post" (S3's form) or "put" (lib.sandbox.uploads)

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ValueError(f"unknown provider {self.provider!r}; the sandbox speaks {', '.join(PROVIDERS)}")
        if self.routes not in ROUTE_SETS:
            raise ValueError(f"unknown route set {self.routes!r}: leave it out, or 'v1'")
        if self.provider == "newapi-v1":
            self.routes = "v1"
        if self.routes == "v1" and self.provider not in ("newapi", "newapi-v1"):
            raise ValueError("the v1 routes belong to the new-api family (provider newapi)")

    @classmethod
    def fast(cls, **overrides: Any) -> SandboxConfig:
        """Seconds instead of minutes, for tests and quick demos."""
        values = dict(timeline=(0.0, 0.1, 0.2, 1.0), lyrics_seconds=0.3, conversion_seconds=0.3)
        values.update(overrides)
        return cls(**values)


class SandboxEngine:
    def __init__(self, config: SandboxConfig, clock: Callable[[], float], state_path: Path | None = None) -> None:
        self.config = config
        self.clock = clock
        self.state_path = Path(state_path) if state_path is not None else None
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._tasks: dict[str, SandboxTask] = {}
        self._clips: dict[str, Clip] = {}
        self._conversions: dict[tuple[str, str], float] = {}
        self._counter = 0
        # Local audio uploads; an uploaded clip's audio is kept beside the state file, if any.
        self.uploads = UploadDesk(self.state_path.with_suffix(".uploads") if self.state_path else None)
        if self.state_path is not None:
            self._load()

    # --- lookup ---------------------------------------------------------------------------

    def task(self, task_id: str) -> SandboxTask | None:
        with self._lock:
            return self._tasks.get(task_id)

    def clip(self, clip_id: str) -> Clip | None:
        with self._lock:
            return self._clips.get(clip_id)

    def all_tasks(self) -> list[SandboxTask]:
        with self._lock:
            return list(self._tasks.values())

    def all_clips(self) -> list[Clip]:
        with self._lock:
            return list(self._clips.values())

    def task_of_clip(self, clip_id: str) -> SandboxTask | None:
        with self._lock:
            return next((t for t in self._tasks.values() if any(c.id == clip_id for c in t.clips)), None)

    def elapsed(self, task: SandboxTask) -> float:
        return self.clock() - task.submitted

    def phase(self, task: SandboxTask) -> str:
        """NOT_START, SUBMITTED, QUEUED, IN_PROGRESS, SUCCESS or FAILURE for this moment."""
        elapsed = self.elapsed(task)
        if elapsed >= task.finish_after:
            return "FAILURE" if task.fail_reason else "SUCCESS"
        if task.action == "LYRICS":
            return "IN_PROGRESS"
        submitted, queued, started, _ = self._scaled_timeline(task)
        if elapsed >= started:
            return "IN_PROGRESS"
        if elapsed >= queued:
            return "QUEUED"
        if elapsed >= submitted:
            return "SUBMITTED"
        return "NOT_START"

    def phase_times(self, task: SandboxTask) -> tuple[float | None, float | None, float | None]:
        """Absolute submit, start and finish times as far as they have happened."""
        _, _, started, _ = self._scaled_timeline(task)
        now = self.clock()
        start = task.submitted + (0 if task.action == "LYRICS" else started)
        finish = task.submitted + task.finish_after
        return task.submitted, (start if now >= start else None), (finish if now >= finish else None)

    def stream_fraction(self, task: SandboxTask) -> float:
        _, _, started, _ = self._scaled_timeline(task)
        span = max(task.finish_after - started, 1e-6)
        return max(0.0, min(1.0, (self.elapsed(task) - started) / span))

    def _scaled_timeline(self, task: SandboxTask) -> tuple[float, float, float, float]:
        scale = task.finish_after / max(self.config.timeline[3], 1e-6)
        return tuple(t * scale for t in self.config.timeline)  # type: ignore[return-value]

    # --- submits --------------------------------------------------------------------------

    def submit_suno(self, body: dict[str, Any]) -> SandboxTask:
        task = self._new_task("suno", "MUSIC", body)
        kind = body.get("task") or "gen"
        if kind == "gen_stem":
            source = self._clips[body["continue_clip_id"]]
            task.clips = [stem_clip(source, part, task.submitted) for part in ("vocals", "instrumental")]
        else:
            task.clips = [music_clip(task, body, index) for index in range(2)]
        return self._store(task)

    def submit_lyrics(self, body: dict[str, Any]) -> SandboxTask:
        task = self._new_task("suno", "LYRICS", body, finish_after=self.config.lyrics_seconds)
        prompt = str(body.get("prompt", ""))
        seed = stable_seed("lyrics", prompt, task.task_id)
        title = content.make_title(seed, prompt)
        task.lyrics = {
            "id": task.task_id,
            "title": title,
            "status": "complete",
            "text": content.make_lyrics(seed, prompt, title),
            "tags": content.make_tags(seed, prompt),
            "error_message": "",
        }
        return self._store(task)

    def submit_concat(self, body: dict[str, Any]) -> SandboxTask:
        last = self._clips[body["clip_id"]]
        chain = self._ancestry(last)
        task = self._new_task("suno", "MUSIC", body)
        total = sum(c.duration for c in chain)
        task.clips = [
            Clip(
                id=str(uuid.uuid4()),
                seed=chain[0].seed,
                title=last.title,
                tags=last.tags,
                lyrics="\n\n".join(c.lyrics for c in chain if c.lyrics),
                description=chain[0].description,
                duration=round(min(total, 240.0), 2),
                model=last.model,
                kind="concat",
                parent=last.id,
                created_at=task.submitted,
            )
        ]
        return self._store(task)

    def submit_upload(self, url: str) -> SandboxTask:
        task = self._new_task("suno", "MUSIC", {"url": url}, finish_after=max(self.config.conversion_seconds, 0.0))
        name = url.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0] or "upload"
        seed = stable_seed("upload", url)
        task.clips = [
            Clip(
                id=str(uuid.uuid4()),
                seed=seed,
                title=name,
                tags=[],
                lyrics="",
                description="",
                duration=song_duration_for(seed),
                model="",
                kind="upload",
                created_at=task.submitted,
            )
        ]
        return self._store(task)

    def submit_udio(self, body: dict[str, Any]) -> SandboxTask:
        params = body.get("gen_params") or {}
        task = self._new_task("udio", "udio-generate", body)
        model = str(params.get("model_type") or "udio32-v1.5")
        length = (28.0, 36.0) if "32" in model else (30.0, 40.0)
        prompt = str(params.get("prompt", ""))
        words = stable_seed("udio", task.task_id, prompt, params.get("seed"))  # one title and lyrics a task
        takes = [stable_seed("udio", task.task_id, index, prompt, params.get("seed")) for index in range(2)]
        title = content.make_title(words, prompt)
        tags = content.make_tags(words, prompt, count=5)
        style = ", ".join(tags)
        if params.get("lyrics_type") == "instrumental":
            lyrics = ""
        elif params.get("lyrics_type") == "user":
            lyrics = str(params.get("lyrics") or "")
        else:
            lyrics = content.make_lyrics(words, prompt, title, fits=fitting(takes, style))
        written = params.get("lyrics_type") != "user"  # lyrics the sandbox wrote (or none)
        for seed in takes:
            task.clips.append(
                Clip(
                    id=str(uuid.uuid4()),
                    seed=seed,
                    title=title,
                    tags=list(tags),
                    lyrics=lyrics,
                    description=prompt,
                    duration=_udio_duration(seed, lyrics, style, length, own_lyrics=written),
                    model=model,
                    created_at=task.submitted,
                )
            )
        return self._store(task)

    def submit_conversion(self, kind: str, body: dict[str, Any]) -> SandboxTask:
        """A conversion that is a task of its own (a provider's WAV or video task): it makes no clips
        and is done ``conversion_seconds`` after submit."""
        return self._store(self._new_task("suno", kind, body, finish_after=max(self.config.conversion_seconds, 0.0)))

    def create_persona(self, body: dict[str, Any]) -> dict[str, Any]:
        root = self._clips[body["root_clip_id"]]
        persona_id = str(uuid.uuid4())
        return {
            "id": persona_id,
            "name": body.get("name", ""),
            "description": body.get("description", ""),
            "root_clip_id": root.id,
            "clip": {"id": root.id, "title": root.title},
            "persona_clips": [{"clip": {"id": root.id, "title": root.title}, "id": self._next()}],
            "user_display_name": "Sandbox",
            "user_handle": "sandbox",
            "user_image_url": "",
            "is_public": bool(body.get("is_public", True)),
        }

    def add_stem_clips(self, source: Clip) -> list[Clip]:
        """The older GET stems route: two clips without a task, followed through the feed route."""
        now = self.clock()
        clips = [stem_clip(source, part, now) for part in ("vocals", "instrumental")]
        with self._lock:
            for clip in clips:
                self._clips[clip.id] = clip
        self._save()
        return clips

    def add_clip(self, clip: Clip) -> Clip:
        """A clip without a task: an uploaded file's (``lib.sandbox.uploads``)."""
        with self._lock:
            self._clips[clip.id] = clip
        self._save()
        return clip

    def conversion_ready(self, kind: str, clip_id: str) -> bool:
        """First call starts the conversion; later calls see it finish after a few seconds."""
        with self._lock:
            started = self._conversions.setdefault((kind, clip_id), self.clock())
        return self.clock() - started >= self.config.conversion_seconds

    # --- helpers --------------------------------------------------------------------------

    def _new_task(
        self, platform: str, action: str, body: dict[str, Any], finish_after: float | None = None
    ) -> SandboxTask:
        task_id = str(uuid.uuid4())
        seed = stable_seed(task_id)
        jitter = 0.8 + 0.4 * (int(seed[:4], 16) / 0xFFFF)  # 24–36 s around the 30 s default
        finish = self.config.timeline[3] * jitter if finish_after is None else finish_after
        task = SandboxTask(
            task_id=task_id, platform=platform, action=action, body=body, submitted=self.clock(), finish_after=finish
        )
        task.fail_reason = fail_reason(body)
        return task

    def _store(self, task: SandboxTask) -> SandboxTask:
        with self._lock:
            self._tasks[task.task_id] = task
            for clip in task.clips:
                self._clips[clip.id] = clip
        self._save()
        return task

    def _ancestry(self, clip: Clip) -> list[Clip]:
        chain = [clip]
        while chain[0].parent and chain[0].parent in self._clips and len(chain) < 20:
            chain.insert(0, self._clips[chain[0].parent])
        return chain

    # --- persistence (only with a state_path) ---------------------------------------------

    def _load(self) -> None:
        assert self.state_path is not None
        state = persistence.load(self.state_path)
        if state is None:
            return
        try:
            clips = {c.id: c for c in map(clip_from, state["clips"])}
            tasks = sorted(map(task_from, state["tasks"]), key=lambda t: t.submitted)
            counter = int(state.get("counter") or 0)
        except (TypeError, ValueError, KeyError, AttributeError):
            persistence.set_aside(self.state_path)
            return
        for task in tasks:  # one Clip object per id, shared by the task and the clip index
            task.clips = [clips.setdefault(c.id, c) for c in task.clips]
        self._tasks = {t.task_id: t for t in tasks}
        self._clips, self._counter = clips, counter

    def _save(self) -> None:
        if self.state_path is None:
            return
        with self._save_lock:  # snapshot and write in one go, so files land in order
            with self._lock:
                tasks = sorted(self._tasks.values(), key=lambda t: t.submitted)
                kept, dropped = tasks[-persistence.MAX_TASKS :], tasks[: -persistence.MAX_TASKS]
                gone = {c.id for t in dropped for c in t.clips}
                state = {
                    "counter": self._counter,
                    "tasks": [dataclasses.asdict(t) for t in kept],
                    "clips": [dataclasses.asdict(c) for c in self._clips.values() if c.id not in gone],
                }
            try:
                persistence.save(self.state_path, state)
            except OSError as exc:  # log it and keep serving from memory
                persistence.log.warning("could not save sandbox state to %s: %s", self.state_path, exc)

    def _next(self) -> int:
        with self._lock:
            self._counter += 1
            return 11288924 + self._counter


def _udio_duration(seed: str, lyrics: str, style: str, length: tuple[float, float], *, own_lyrics: bool) -> float:
    """A take's length in its model's range; only a user's own lyrics may stretch it (to be sung
    whole). Lyrics the sandbox wrote that a short take cannot hold lose their last lines instead,
    so a udio32 song never runs past 36 s."""
    duration = score.duration_to_sing(seed, lyrics, style, song_duration_for(seed, *length))
    return min(duration, length[1]) if own_lyrics else duration
