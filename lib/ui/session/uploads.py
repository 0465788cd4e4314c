"""The Create page's local audio upload: which file the last upload was of, and what came of it
(the clip, or the step that failed), kept until another file is chosen."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.studio.audio_upload import Uploaded, UploadFailed

_KEY = "audio_upload"


@dataclass
class AudioUploadState:
    digest: str = ""  # the file's SHA-256: a result belongs to the file it came from
    result: Uploaded | None = None
    failure: UploadFailed | None = None
    generation: int = 0  # part of the pickers' keys: a new one starts them empty


def audio_upload_state() -> AudioUploadState:
    if _KEY not in st.session_state:
        st.session_state[_KEY] = AudioUploadState()
    return st.session_state[_KEY]
