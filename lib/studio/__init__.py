"""What the app does, without Streamlit: submits, song-tool jobs, Create modes, exports, lookups."""
