"""Every gateway endpoint the studio calls, as data: one frozen ``Route`` each (reference §2–§3).

A route's ``paid`` flag is what the transport's retry rule reads: a paid POST is sent exactly once,
everything free (GETs and the batch fetch POST) may be repeated. The Create forms, the song tools,
the submit record and the "copy as code" snippets take their paths and methods from here, so a
route is spelled in one place only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Route:
    name: str  # what logs and errors call it, e.g. "suno.submit.music"
    method: str  # "GET" or "POST"
    path: str  # a template: "/suno/fetch/{task_id}"; placeholders are whole path segments
    paid: bool = False  # billed by the gateway: sent once, never retried

    @property
    def platform(self) -> str:
        """ "suno" or "udio": the path's first segment."""
        return self.path.split("/")[1]

    @property
    def prefix(self) -> str:
        """The path up to its first placeholder ("/suno/fetch/" for the fetch route)."""
        return self.path.split("{", 1)[0]

    def format(self, **params: str | Sequence[str]) -> str:
        """The path with each placeholder filled, percent-encoded as one segment; a sequence is
        joined with commas (the feed route takes several clip IDs)."""

        def segment(value: str | Sequence[str]) -> str:
            if isinstance(value, str):
                return quote(value, safe="")
            return ",".join(quote(item, safe="") for item in value)

        return self.path.format(**{key: segment(value) for key, value in params.items()})


# --- Suno submits (paid) ---------------------------------------------------------------------
SUNO_MUSIC = Route("suno.submit.music", "POST", "/suno/submit/music", paid=True)
SUNO_LYRICS = Route("suno.submit.lyrics", "POST", "/suno/submit/lyrics", paid=True)
SUNO_CONCAT = Route("suno.submit.concat", "POST", "/suno/submit/concat", paid=True)
SUNO_UPLOAD = Route("suno.uploads.audio-url", "POST", "/suno/uploads/audio-url", paid=True)
# Answers with the persona at once: there is no task to follow (reference §2.8).
SUNO_PERSONA = Route("suno.persona.create", "POST", "/suno/persona/create/", paid=True)

# --- Udio submit (paid) ----------------------------------------------------------------------
UDIO_MUSIC = Route("udio.submit.music", "POST", "/udio/submit/music", paid=True)

# --- fetching (free) -------------------------------------------------------------------------
SUNO_FETCH = Route("suno.fetch", "GET", "/suno/fetch/{task_id}")
UDIO_FETCH = Route("udio.fetch", "GET", "/udio/fetch/{task_id}")
SUNO_BATCH_FETCH = Route("suno.fetch.batch", "POST", "/suno/fetch")  # free: safe to repeat
SUNO_FEED = Route("suno.feed", "GET", "/suno/feed/{clip_ids}")  # clips without a task (stems)

# --- Suno song tools on a finished clip (free GETs; the gateway converts on first call) --------
SUNO_WAV = Route("suno.act.wav", "GET", "/suno/act/wav/{clip_id}")
SUNO_MP4 = Route("suno.act.mp4", "GET", "/suno/act/mp4/{clip_id}")
SUNO_TIMING = Route("suno.act.timing", "GET", "/suno/act/timing/{clip_id}")
SUNO_STEMS = Route("suno.act.stems", "GET", "/suno/act/stems/{clip_id}")
SUNO_MIDI = Route("suno.act.midi", "GET", "/suno/act/midi/{clip_id}")

# --- the key's account (free GETs of new-api's OpenAI-compatible routes; a gateway may lack them) --
MODELS = Route("openai.models", "GET", "/v1/models")
BILLING_SUBSCRIPTION = Route("openai.billing.subscription", "GET", "/v1/dashboard/billing/subscription")
BILLING_USAGE = Route("openai.billing.usage", "GET", "/v1/dashboard/billing/usage")

# --- Suno local audio upload (reference §2.6; not billed). The POSTs are still sent once: a step is
# repeated by the person, not behind their back (lib.gateway.audio_upload). The file itself goes
# to the storage URL step 1 answers with, not to the gateway.
SUNO_UPLOAD_REQUEST = Route("suno.uploads.audio", "POST", "/suno/uploads/audio")
SUNO_UPLOAD_FINISH = Route("suno.uploads.audio.finish", "POST", "/suno/uploads/audio/{upload_id}/upload-finish")
SUNO_UPLOAD_STATUS = Route("suno.uploads.audio.status", "GET", "/suno/uploads/audio/{upload_id}")
SUNO_UPLOAD_CLIP = Route("suno.uploads.audio.clip", "POST", "/suno/uploads/audio/{upload_id}/initialize-clip")

ROUTES: dict[str, Route] = {
    route.name: route
    for route in (
        SUNO_MUSIC,
        SUNO_LYRICS,
        SUNO_CONCAT,
        SUNO_UPLOAD,
        SUNO_PERSONA,
        UDIO_MUSIC,
        SUNO_FETCH,
        UDIO_FETCH,
        SUNO_BATCH_FETCH,
        SUNO_FEED,
        SUNO_WAV,
        SUNO_MP4,
        SUNO_TIMING,
        SUNO_STEMS,
        SUNO_MIDI,
        MODELS,
        BILLING_SUBSCRIPTION,
        BILLING_USAGE,
        SUNO_UPLOAD_REQUEST,
        SUNO_UPLOAD_FINISH,
        SUNO_UPLOAD_STATUS,
        SUNO_UPLOAD_CLIP,
    )
}
FETCH = {"suno": SUNO_FETCH, "udio": UDIO_FETCH}
SUBMITS: dict[str, Route] = {route.path: route for route in ROUTES.values() if route.paid}
SUBMIT_ROUTES = frozenset(SUBMITS)  # the paths a previewed body may be POSTed to
NO_TASK_ROUTES = frozenset({SUNO_PERSONA.path})  # submits whose answer is the result itself


def submit_route(path: str) -> Route | None:
    """The paid route with this path (as a ``Submission`` keeps it), or None."""
    return SUBMITS.get(path)
